// SPDX-License-Identifier: MIT
#include "views/InputPlacement.h"

#include <QObject>
#include <algorithm>

namespace tconv::ui {

namespace {
const QColor kCropped(40, 40, 48);
const QColor kOutputPadding(200, 120, 0);
}  // namespace

InputPlacement inputPlacement(const ConvParams& g) {
    return {QSizeF(g.stride.w, g.stride.h), QPointF(-g.padding.w, -g.padding.h)};
}

QRectF uncroppedOutput(const ConvParams& g, const Shape4& in) {
    const double h = double(in.h - 1) * g.stride.h + double(g.dilation.h) * (g.kernel.h - 1) + 1;
    const double w = double(in.w - 1) * g.stride.w + double(g.dilation.w) * (g.kernel.w - 1) + 1;
    return QRectF(-g.padding.w, -g.padding.h, w, h);
}

QVector<ViewGhost> outputFrameGhosts(const ConvParams& g, const Shape4& in, const Shape4& out) {
    const QRectF full = uncroppedOutput(g, in);
    const double oh = double(out.h), ow = double(out.w);
    // The frame everything lies in: the uncropped output and the output itself
    // (output padding can reach past the uncropped end).
    const double top = std::min(full.top(), 0.0), left = std::min(full.left(), 0.0);
    const double bottom = std::max(full.bottom(), oh), right = std::max(full.right(), ow);
    QVector<ViewGhost> ghosts;
    const QString cropped = QObject::tr("cropped by padding");
    auto add = [&](QRectF r, const QColor& c, const QString& label) {
        if (r.width() > 0 && r.height() > 0) ghosts.push_back({r, c, label});
    };
    add(QRectF(QPointF(left, top), QPointF(right, 0)), kCropped, cropped);
    add(QRectF(QPointF(left, oh), QPointF(right, bottom)), kCropped, cropped);
    add(QRectF(QPointF(left, 0), QPointF(0, oh)), kCropped, QString());
    add(QRectF(QPointF(ow, 0), QPointF(right, oh)), kCropped, QString());
    const QString padded = QObject::tr("output padding");
    const double oph = g.outputPadding.h, opw = g.outputPadding.w;
    add(QRectF(QPointF(0, oh - oph), QPointF(ow, oh)), kOutputPadding, padded);
    add(QRectF(QPointF(ow - opw, 0), QPointF(ow, oh - oph)), kOutputPadding, QString());
    return ghosts;
}

}  // namespace tconv::ui
