// SPDX-License-Identifier: MIT
#include "panels/ParamsDiagnosis.h"

#include <QCoreApplication>
#include <QStringList>
#include <algorithm>

#include "core/OutputGeometry.h"

namespace tconv::ui {
namespace {

QString tr(const char* s) { return QCoreApplication::translate("ParamsDiagnosis", s); }

const char* axisName(int axis) { return axis == 0 ? "height" : "width"; }

}  // namespace

QString allowedRange(int lo, int hi) {
    if (hi <= lo) return QString::number(lo);
    if (hi - lo > 4) return tr("%1 to %2").arg(lo).arg(hi);
    QStringList v;
    for (int i = lo; i < hi; ++i) v << QString::number(i);
    return tr("%1 or %2").arg(v.join(QStringLiteral(", "))).arg(hi);
}

QVector<ParamsIssue> diagnoseParams(const ConvParams& p, int64_t inH, int64_t inW, int64_t layerInChannels,
                                    int maxKernel) {
    QVector<ParamsIssue> out;
    const Size2 pb = padBegin(p), pe = padEnd(p);
    const int k[2] = {p.kernel.h, p.kernel.w}, s[2] = {p.stride.h, p.stride.w}, pad[2] = {pb.h, pb.w},
              padE[2] = {pe.h, pe.w}, q[2] = {p.outputPadding.h, p.outputPadding.w},
              d[2] = {p.dilation.h, p.dilation.w};
    const bool perSide = hasAsymmetricPadding(p);
    const int64_t in[2] = {inH, inW};
    for (int a = 0; a < 2; ++a) {
        if (k[a] > maxKernel)
            out.push_back({QStringLiteral("kernelSize"), a,
                           tr("kernel %1 %2 is above the maximum: use 1 to %3")
                               .arg(QLatin1String(axisName(a)))
                               .arg(k[a])
                               .arg(maxKernel)});
        const int maxQ = maxOutputPadding(s[a], d[a]);  // PyTorch's rule, from core
        if (q[a] > maxQ)
            out.push_back({QStringLiteral("outputPadding"), a,
                           tr("output padding must be < stride %1 or dilation %2: use %3")
                               .arg(s[a])
                               .arg(d[a])
                               .arg(allowedRange(0, maxQ))});
        if (perSide && in[a] > 0 && k[a] <= maxKernel &&
            outputExtent(in[a], k[a], s[a], pad[a], padE[a], q[a], d[a]) <= 0) {
            // out = base − pBegin − pEnd + q > 0  ⇔  pBegin + pEnd ≤ base + q − 1
            const int64_t base = outputExtent(in[a], k[a], s[a], 0, 0, d[a]);
            const int64_t maxSum = std::max<int64_t>(0, base + std::min(q[a], maxQ) - 1);
            out.push_back({QStringLiteral("padding"), a,
                           tr("padding %1 + %2 (begin + end) leaves no output %3: use at most %4 together")
                               .arg(pad[a])
                               .arg(padE[a])
                               .arg(QLatin1String(axisName(a)))
                               .arg(maxSum)});
        } else if (!perSide && in[a] > 0 && k[a] <= maxKernel &&
                   outputExtent(in[a], k[a], s[a], pad[a], q[a], d[a]) <= 0) {
            // out = base − 2p + q > 0  ⇔  p ≤ (base + q − 1) / 2
            const int64_t base = outputExtent(in[a], k[a], s[a], 0, 0, d[a]);
            const int64_t maxP = std::max<int64_t>(0, (base + std::min(q[a], maxQ) - 1) / 2);
            out.push_back({QStringLiteral("padding"), a,
                           tr("padding %1 leaves no output %2: use 0 to %3")
                               .arg(pad[a])
                               .arg(QLatin1String(axisName(a)))
                               .arg(maxP)});
        }
    }
    if (layerInChannels > 0 && (p.groups < 1 || layerInChannels % p.groups != 0)) {
        QStringList divisors;
        for (int64_t g = 1; g <= layerInChannels; ++g)
            if (layerInChannels % g == 0) divisors << QString::number(g);
        out.push_back({QStringLiteral("groups"), -1,
                       tr("groups must divide %1: %2").arg(layerInChannels).arg(divisors.join(QStringLiteral(", ")))});
    }
    return out;
}

}  // namespace tconv::ui
