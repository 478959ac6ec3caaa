// SPDX-License-Identifier: MIT
#pragma once
// Saving what the studio shows: tensors as images or raw .npy (through the
// shared app/common ImageIO, atomic), the signed maps as colour PNGs with a
// colour bar and their values, and "all views" into a folder.
#include <QImage>
#include <QString>
#include <QStringList>

#include "compute/ComputeResult.h"

namespace tconv::ui {

class ImageExport {
public:
    static bool saveTensor(const QString& path, const Tensor& t, int bitDepth, QString* error);
    // .npy: the raw heatmap plane (H, W); otherwise a colour image with a colour bar.
    static bool saveHeatmap(const QString& path, const ComputeResult& r, QString* error);
    // A colour map image with a labelled colour bar to its right.
    static QImage withColorBar(const QImage& image, bool diverging, float lo, float hi, const QString& caption);
    // input/result/resize_conv/difference/heatmap as .png (+ .npy for the float data).
    // Returns the files written; *error lists what failed.
    static QStringList saveAll(const QString& dir, const ComputeResult& r, int bitDepth, QString* error);

private:
    static bool saveQImage(const QString& path, const QImage& image, QString* error);
    static bool savePlane(const QString& path, const std::vector<float>& plane, int64_t h, int64_t w, QString* error);
};

}  // namespace tconv::ui
