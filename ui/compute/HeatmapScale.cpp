// SPDX-License-Identifier: MIT
#include "compute/HeatmapScale.h"

#include <QObject>
#include <cmath>

namespace tconv::ui {

namespace {
constexpr float kFixedFraction = 0.5f;  // of the mean: saturates at a ripple of 50%

QString number(float v) { return QString::number(double(v), 'g', 3); }
}  // namespace

HeatRange fixedHeatRange(const ComputeResult& r) {
    switch (r.request.params.heatmap) {
        case HeatmapKind::GainMap: return {-kFixedFraction, kFixedFraction, true};
        case HeatmapKind::ArtifactComponent: {
            const float m = kFixedFraction * float(std::abs(r.outputMean));
            if (!(m > 0.0f)) return autoHeatRange(r);  // a black result has no mean to compare with
            return {-m, m, true};
        }
        case HeatmapKind::PeriodicEnergy: return {0.0f, kFixedFraction, false};
    }
    return autoHeatRange(r);
}

HeatRange autoHeatRange(const ComputeResult& r) { return {r.heatLo, r.heatHi, r.heatDiverging}; }

HeatRange heatRangeFor(const ComputeResult& r, HeatScaleMode mode, const HeatRange& locked) {
    switch (mode) {
        case HeatScaleMode::Fixed: return fixedHeatRange(r);
        case HeatScaleMode::Auto: return autoHeatRange(r);
        case HeatScaleMode::Locked:
            if (locked.hi > locked.lo && locked.diverging == r.heatDiverging) return locked;
            return fixedHeatRange(r);
    }
    return fixedHeatRange(r);
}

QString heatScaleText(const ComputeResult& r, HeatScaleMode mode, const HeatRange& range) {
    const QString span = range.diverging ? QStringLiteral("±%1").arg(number(range.hi))
                                         : QStringLiteral("%1 … %2").arg(number(range.lo), number(range.hi));
    switch (mode) {
        case HeatScaleMode::Fixed:
            if (r.request.params.heatmap == HeatmapKind::ArtifactComponent && r.outputMean != 0.0)
                return QObject::tr("fixed ±50% of mean (%1)").arg(span);
            return r.heatDiverging ? QObject::tr("fixed ±50% of mean") : QObject::tr("fixed 0 … 50%");
        case HeatScaleMode::Auto: return QObject::tr("auto %1").arg(span);
        case HeatScaleMode::Locked: return QObject::tr("locked %1").arg(span);
    }
    return span;
}

}  // namespace tconv::ui
