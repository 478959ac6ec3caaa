// SPDX-License-Identifier: MIT
#include "views/StackTile.h"

#include <QPainter>
#include <algorithm>

namespace tconv::ui {

StackTile::StackTile(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void StackTile::setImage(const QImage& image, const QString& caption) {
    image_ = image;
    caption_ = caption;
    setToolTip(caption);
    update();
}

void StackTile::clear(const QString& caption) { setImage(QImage(), caption); }

int StackTile::heightForWidth(int w) const {
    const int caption = 2 * fontMetrics().height() + 4;
    if (image_.isNull()) return caption + w / 2;
    return caption + std::min(w * image_.height() / std::max(1, image_.width()), 2 * w);
}

void StackTile::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const int captionH = 2 * fontMetrics().height() + 4;
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, 0, width(), captionH), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, caption_);
    const QRect box(0, captionH, width(), height() - captionH);
    if (image_.isNull() || box.height() < 4) return;
    QSize s = image_.size().scaled(box.size(), Qt::KeepAspectRatio);
    // Whole multiples when enlarging: every source pixel gets the same number of screen pixels.
    if (s.width() > image_.width()) {
        const int f = std::max(1, s.width() / image_.width());
        s = QSize(image_.width() * f, image_.height() * f);
    }
    const QRect target(box.left() + (box.width() - s.width()) / 2, box.top(), s.width(), s.height());
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(target, image_);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(target.adjusted(0, 0, -1, -1));
}

}  // namespace tconv::ui
