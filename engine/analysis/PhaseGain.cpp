// SPDX-License-Identifier: MIT
#include "analysis/PhaseGain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "core/ConvError.h"
#include "core/Polyphase.h"

namespace tconv {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Smallest P dividing s such that G is P-periodic along the axis.
int axisPeriod(const PhaseGainTable& g, bool rows, double tol) {
    const int s = rows ? g.sh : g.sw;
    for (int p = 1; p < s; ++p) {
        if (s % p) continue;
        bool periodic = true;
        for (int ry = 0; ry < g.sh && periodic; ++ry)
            for (int rx = 0; rx < g.sw && periodic; ++rx) {
                const double other = rows ? g.at((ry + p) % g.sh, rx) : g.at(ry, (rx + p) % g.sw);
                periodic = std::abs(g.at(ry, rx) - other) <= tol;
            }
        if (periodic) return p;
    }
    return s;
}

// Whether some residue along the axis gets no taps, and why.
std::string axisHoleReason(int k, int s, int d, const char* axis) {
    const int g = std::gcd(d, s);
    const int reached = std::min(k, s / g);
    if (reached >= s) return {};
    char buf[200];
    if (g > 1)
        std::snprintf(buf, sizeof buf, "dilation %d shares the factor %d with stride %d along %s", d, g, s, axis);
    else std::snprintf(buf, sizeof buf, "kernel size %d is smaller than stride %d along %s", k, s, axis);
    return buf;
}

std::string percent(double v) {
    char buf[64];
    if (v >= 0.0995) std::snprintf(buf, sizeof buf, "%.0f%%", v * 100.0);
    else std::snprintf(buf, sizeof buf, "%.2g%%", v * 100.0);
    return buf;
}

std::string verdictFor(const PhaseGainTable& g, const ArtifactScores& s) {
    char buf[400];
    if (s.allZero) return "all-zero kernel: the output is 0 everywhere (only the bias, if any)";
    if (s.holes) {
        const std::string why = holeReason(g);
        std::snprintf(
            buf, sizeof buf,
            "holes: %d of %d output phases get no kernel tap (%s), so a grid of pixels is bias only (strong); "
            "use k >= s and a dilation coprime with s",
            s.holeCount, g.sh * g.sw, why.c_str());
        return buf;
    }
    if (s.pattern == ArtifactPattern::None) return "no checkerboard: all output phases have the same gain";
    std::string what = patternName(s.pattern);
    if (s.pattern == ArtifactPattern::Checkerboard)
        what += ": period " + std::to_string(s.periodH) + "x" + std::to_string(s.periodW);
    else if (s.pattern == ArtifactPattern::HorizontalStripes) what += ": period " + std::to_string(s.periodH) + " rows";
    else what += ": period " + std::to_string(s.periodW) + " columns";
    if (!std::isfinite(s.cv))
        return what + " (strong), kernel taps sum to zero so the ripple has no mean to compare with; repair the kernel";
    std::string line = what + ", ripple " + percent(s.cv) + " of mean (" + s.severity + ")";
    if (s.cv < kCvInvisibleBelow) return line + ": below 0.5%, not visible";
    if (s.cv < kCvFaintBelow) return line + ": under 2%, seen only on flat areas";
    return line + "; make k divisible by s or repair the kernel";
}

}  // namespace

std::string holeReason(const PhaseGainTable& g) {
    std::string why = axisHoleReason(g.kernel.h, g.sh, g.dilation.h, "height");
    const std::string whyW = axisHoleReason(g.kernel.w, g.sw, g.dilation.w, "width");
    if (!whyW.empty()) why += (why.empty() ? "" : "; ") + whyW;
    return why;
}

PhaseGainTable phaseGainTable(const Kernel2D& k, Size2 stride, Size2 dilation) {
    if (k.h <= 0 || k.w <= 0 || k.taps.size() != static_cast<size_t>(k.h) * k.w)
        throw ParameterError("phase-gain table needs a non-empty kernel, but got " + std::to_string(k.h) + "x" +
                             std::to_string(k.w) + " with " + std::to_string(k.taps.size()) + " values");
    if (stride.h <= 0 || stride.w <= 0)
        throw ParameterError("stride should be greater than zero, but got " + sizeText(stride));
    if (dilation.h <= 0 || dilation.w <= 0)
        throw ParameterError("dilation should be greater than zero, but got " + sizeText(dilation));
    PhaseGainTable t;
    t.sh = stride.h;
    t.sw = stride.w;
    t.kernel = Size2(k.h, k.w);
    t.dilation = dilation;
    t.gain.assign(static_cast<size_t>(t.sh) * t.sw, 0.0);
    t.tapCount.assign(t.gain.size(), 0);
    for (int y = 0; y < k.h; ++y) {
        const int ry = polyphase::tapPhase(int64_t(y), dilation.h, stride.h);
        for (int x = 0; x < k.w; ++x) {
            const size_t r = static_cast<size_t>(ry) * t.sw + polyphase::tapPhase(int64_t(x), dilation.w, stride.w);
            t.gain[r] += k.at(y, x);
            t.tapCount[r] += 1;
        }
    }
    return t;
}

ArtifactScores artifactScores(const PhaseGainTable& g) {
    ArtifactScores s;
    const size_t n = g.gain.size();
    double sum = 0, maxAbs = 0;
    for (double v : g.gain) {
        sum += v;
        maxAbs = std::max(maxAbs, std::abs(v));
    }
    s.mean = sum / static_cast<double>(n);
    const auto [mn, mx] = std::minmax_element(g.gain.begin(), g.gain.end());
    for (int c : g.tapCount) s.holeCount += c == 0;
    s.holes = s.holeCount > 0;

    // Split the ripple G - Gbar into row effects, column effects and the rest
    // (a two-way ANOVA; by Parseval the same split as the harmonics of G with
    // only fy != 0, only fx != 0, and both != 0).
    std::vector<double> rowMean(static_cast<size_t>(g.sh), 0.0), colMean(static_cast<size_t>(g.sw), 0.0);
    for (int ry = 0; ry < g.sh; ++ry)
        for (int rx = 0; rx < g.sw; ++rx) {
            rowMean[static_cast<size_t>(ry)] += g.at(ry, rx) / g.sw;
            colMean[static_cast<size_t>(rx)] += g.at(ry, rx) / g.sh;
        }
    double eRows = 0, eCols = 0, eCross = 0, total = 0;
    for (int ry = 0; ry < g.sh; ++ry)
        for (int rx = 0; rx < g.sw; ++rx) {
            const double a = rowMean[static_cast<size_t>(ry)] - s.mean, b = colMean[static_cast<size_t>(rx)] - s.mean;
            const double dev = g.at(ry, rx) - s.mean;
            eRows += a * a;
            eCols += b * b;
            eCross += (dev - a - b) * (dev - a - b);
            total += dev * dev;
        }
    const double stdev = std::sqrt(total / static_cast<double>(n));
    // Ripple below float rounding of the taps counts as none.
    const double tiny = 1e-12 * std::max(maxAbs, 1e-300);
    const bool flat = stdev <= tiny;
    const double absMean = std::abs(s.mean);
    if (absMean > tiny) {
        s.cv = stdev / absMean;
        s.peakToPeak = (*mx - *mn) / absMean;
    } else {
        s.cv = flat ? 0.0 : kInf;
        s.peakToPeak = flat ? 0.0 : kInf;
    }
    s.cvDb = s.cv > 0 ? 20.0 * std::log10(s.cv) : -kInf;
    s.ratio = (s.holes || *mn <= 0) ? kInf : *mx / *mn;
    if (total > 0 && !flat) {
        s.rowShare = eRows / total;
        s.colShare = eCols / total;
        s.crossShare = eCross / total;
    }
    const bool none = !s.holes && (flat || s.cv < kArtifactFreeCv);
    if (!none) {
        const double tol = 1e-7 * std::max(maxAbs, 1e-300);  // float taps: ~1e-7 relative rounding
        s.periodH = axisPeriod(g, true, tol);
        s.periodW = axisPeriod(g, false, tol);
    }
    if (none) s.pattern = ArtifactPattern::None;
    else if (s.rowShare >= 0.9) s.pattern = ArtifactPattern::HorizontalStripes;
    else if (s.colShare >= 0.9) s.pattern = ArtifactPattern::VerticalStripes;
    else s.pattern = ArtifactPattern::Checkerboard;
    s.allZero = maxAbs == 0.0;
    s.severity = severityName(severityOf(s));
    s.verdict = verdictFor(g, s);
    return s;
}

Severity severityOf(const ArtifactScores& s) {
    if (s.allZero) return Severity::None;
    if (s.holes || !std::isfinite(s.cv)) return Severity::Strong;
    if (s.cv < kArtifactFreeCv) return Severity::None;
    if (s.cv < kCvInvisibleBelow) return Severity::Invisible;
    if (s.cv < kCvFaintBelow) return Severity::Faint;
    if (s.cv < kCvVisibleBelow) return Severity::Visible;
    return Severity::Strong;
}

const char* severityName(Severity s) {
    switch (s) {
        case Severity::None: return "none";
        case Severity::Invisible: return "invisible";
        case Severity::Faint: return "faint";
        case Severity::Visible: return "visible";
        case Severity::Strong: return "strong";
    }
    return "";
}

const char* patternName(ArtifactPattern p) {
    switch (p) {
        case ArtifactPattern::None: return "none";
        case ArtifactPattern::Checkerboard: return "checkerboard";
        case ArtifactPattern::HorizontalStripes: return "horizontal stripes";
        case ArtifactPattern::VerticalStripes: return "vertical stripes";
    }
    return "";
}

std::string cvText(double cv) {
    if (std::isnan(cv)) return "nan";
    if (std::isinf(cv)) return "inf";
    if (cv == 0.0) return "0";
    if (cv < kArtifactFreeCv) return "< 1e-6";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", cv);
    return buf;
}

std::string cvDbText(double cv) {
    if (std::isnan(cv)) return "nan";
    if (std::isinf(cv)) return "inf";
    if (cv == 0.0) return "-inf";
    if (cv < kArtifactFreeCv) return "< -120";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.1f", 20.0 * std::log10(cv));
    return buf;
}

}  // namespace tconv
