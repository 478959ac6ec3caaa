// SPDX-License-Identifier: MIT
#pragma once
// One picture with a caption, for the stack and gradient panels: the image is
// drawn as large as fits, keeping its aspect, enlarged with square pixels (no
// smoothing, so a one-pixel checkerboard stays one checker per pixel).
#include <QImage>
#include <QString>
#include <QWidget>

namespace tconv::ui {

class StackTile : public QWidget {
    Q_OBJECT
public:
    explicit StackTile(QWidget* parent = nullptr);
    void setImage(const QImage& image, const QString& caption);
    void clear(const QString& caption = {});
    const QImage& image() const { return image_; }
    QString caption() const { return caption_; }
    QSize sizeHint() const override { return {170, 200}; }
    // Tall enough for a 64-pixel crop at 2x under a two-line caption.
    QSize minimumSizeHint() const override { return {130, 180}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int w) const override;

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QImage image_;
    QString caption_;
};

}  // namespace tconv::ui
