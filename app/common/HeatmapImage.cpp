// SPDX-License-Identifier: MIT
#include "common/HeatmapImage.h"

#ifdef TCONV_HAVE_OPENCV

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/ConvError.h"

namespace tconv::app {
namespace {

const cv::Scalar kInk(30, 30, 30), kPaper(255, 255, 255), kGrid(200, 200, 200);
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr double kFontScale = 0.5;
constexpr int kMargin = 16, kTitleH = 30, kPanelTitleH = 22, kBarW = 22, kBarLabelW = 96;
constexpr int kBarTop = kPanelTitleH + 14;  // below the panel titles, leaving room for the bar's caption

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale = kFontScale) {
    cv::putText(img, s, at, kFont, scale, kInk, 1, cv::LINE_AA);
}

int textWidth(const std::string& s, double scale = kFontScale) {
    int base = 0;
    return cv::getTextSize(s, kFont, scale, 1, &base).width;
}

std::string number(double v, bool sign) {
    char buf[32];
    std::snprintf(buf, sizeof buf, sign ? "%+.3g" : "%.3g", v);
    return buf;
}

cv::Vec3b bgr(const Rgb& c) {
    auto u8 = [](float v) { return static_cast<uchar>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); };
    return {u8(c.b), u8(c.g), u8(c.r)};
}

// Paints `values` (h x w) at `origin`, each value a `scale` x `scale` block.
void paintMap(cv::Mat& img, const float* values, int64_t h, int64_t w, int scale, cv::Point origin, ColormapKind kind,
              double lo, double hi) {
    std::vector<float> rgb(static_cast<size_t>(w) * 3);
    for (int64_t y = 0; y < h; ++y) {
        applyColormap(kind, values + y * w, static_cast<size_t>(w), lo, hi, rgb.data());
        for (int sy = 0; sy < scale; ++sy) {
            auto* row = img.ptr<cv::Vec3b>(origin.y + static_cast<int>(y) * scale + sy);
            for (int64_t x = 0; x < w; ++x) {
                const cv::Vec3b c = bgr({rgb[3 * x], rgb[3 * x + 1], rgb[3 * x + 2]});
                for (int sx = 0; sx < scale; ++sx) row[origin.x + static_cast<int>(x) * scale + sx] = c;
            }
        }
    }
}

// A vertical bar from hi (top) to lo (bottom) with 5 labelled ticks.
void paintColourBar(cv::Mat& img, cv::Rect r, ColormapKind kind, double lo, double hi, bool sign,
                    const std::string& label) {
    for (int y = 0; y < r.height; ++y) {
        const double t = r.height > 1 ? 1.0 - static_cast<double>(y) / (r.height - 1) : 0.5;
        img(cv::Rect(r.x, r.y + y, r.width, 1)).setTo(cv::Scalar(bgr(colormap(kind, t))));
    }
    cv::rectangle(img, r, kInk, 1);
    for (int i = 0; i <= 4; ++i) {
        const int y = r.y + (r.height - 1) * i / 4;
        cv::line(img, {r.x + r.width, y}, {r.x + r.width + 4, y}, kInk, 1);
        text(img, number(hi - (hi - lo) * i / 4.0, sign), {r.x + r.width + 7, y + 5});
    }
    if (!label.empty()) text(img, label, {r.x, r.y - 12});
}

Tensor toTensor(const cv::Mat& img) {
    Tensor t(Shape4{1, 3, img.rows, img.cols});
    for (int y = 0; y < img.rows; ++y) {
        const auto* row = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < img.cols; ++x)
            for (int c = 0; c < 3; ++c) t.at(0, c, y, x) = row[x][2 - c] / 255.0f;
    }
    return t;
}

std::pair<double, double> dataRange(const std::vector<HeatmapPanel>& panels, const HeatmapStyle& style) {
    double mn = INFINITY, mx = -INFINITY, maxAbs = 0;
    for (const HeatmapPanel& p : panels)
        for (int64_t i = 0; i < p.h * p.w; ++i) {
            const double v = p.values[i];
            if (!std::isfinite(v)) continue;
            mn = std::min(mn, v);
            mx = std::max(mx, v);
            maxAbs = std::max(maxAbs, std::abs(v));
        }
    if (!std::isfinite(mn)) mn = mx = 0;
    double lo = style.symmetric ? -maxAbs : mn, hi = style.symmetric ? maxAbs : mx;
    if (style.lo) lo = *style.lo;
    if (style.hi) hi = *style.hi;
    if (!(hi > lo)) {  // a flat map: a tiny range around its value
        const double c = 0.5 * (lo + hi), d = std::max(1e-6, 1e-6 * std::abs(c));
        lo = c - d;
        hi = c + d;
    }
    return {lo, hi};
}

}  // namespace

Tensor renderHeatmap(const std::vector<HeatmapPanel>& panels, const HeatmapStyle& style) {
    if (panels.empty()) throw ParameterError("a heatmap needs at least one panel");
    int64_t cellH = 0, cellW = 0;
    for (const HeatmapPanel& p : panels) {
        if (!p.values || p.h <= 0 || p.w <= 0) throw ParameterError("heatmap panel '" + p.title + "' has no values");
        cellH = std::max(cellH, p.h);
        cellW = std::max(cellW, p.w);
    }
    const int64_t largest = std::max(cellH, cellW);
    const int scale = static_cast<int>(std::max<int64_t>(1, (style.minPanelSize + largest - 1) / largest));
    cellH *= scale;
    cellW *= scale;
    const int cols = style.columns > 0 ? std::min<int>(style.columns, static_cast<int>(panels.size()))
                                       : static_cast<int>(panels.size());
    const int rows = (static_cast<int>(panels.size()) + cols - 1) / cols;
    const int gridW = cols * static_cast<int>(cellW) + (cols - 1) * kMargin;
    const int gridH = rows * (static_cast<int>(cellH) + kPanelTitleH) + (rows - 1) * kMargin;
    const int top = kMargin + (style.title.empty() ? 0 : kTitleH);
    const int width =
        std::max(kMargin + gridW + kMargin + kBarW + kBarLabelW, kMargin * 2 + textWidth(style.title, 0.6));
    const int height = top + std::max(gridH, kBarTop + 130) + kMargin + 20;
    cv::Mat img(height, width, CV_8UC3, kPaper);
    if (!style.title.empty()) text(img, style.title, {kMargin, kMargin + 16}, 0.6);

    const auto [lo, hi] = dataRange(panels, style);
    for (size_t i = 0; i < panels.size(); ++i) {
        const HeatmapPanel& p = panels[i];
        const int col = static_cast<int>(i) % cols, row = static_cast<int>(i) / cols;
        const cv::Point origin(kMargin + col * (static_cast<int>(cellW) + kMargin),
                               top + row * (static_cast<int>(cellH) + kPanelTitleH + kMargin) + kPanelTitleH);
        text(img, p.title, {origin.x, origin.y - 6});
        paintMap(img, p.values, p.h, p.w, scale, origin, style.colormap, lo, hi);
        cv::rectangle(
            img,
            cv::Rect(origin.x - 1, origin.y - 1, static_cast<int>(p.w) * scale + 2, static_cast<int>(p.h) * scale + 2),
            kGrid, 1);
    }
    const int barH = std::max(120, std::min(gridH - kBarTop, 400));
    paintColourBar(img, cv::Rect(kMargin + gridW + kMargin, top + kBarTop, kBarW, barH), style.colormap, lo, hi,
                   style.symmetric && lo < 0 && hi > 0, style.label);
    return toTensor(img);
}

Tensor renderSpectrum(const Spectrum& s, Size2 stride, const std::string& title) {
    if (s.h <= 0 || s.w <= 0 || s.db.size() != static_cast<size_t>(s.h * s.w))
        throw ParameterError("cannot render an empty spectrum");
    const int64_t largest = std::max(s.h, s.w);
    const int scale = static_cast<int>(std::max<int64_t>(1, (256 + largest - 1) / largest));
    const int mapH = static_cast<int>(s.h) * scale, mapW = static_cast<int>(s.w) * scale;
    const int plotW = 520, plotH = std::max(240, std::min(mapH, 400));
    const int top = kMargin + kTitleH + kPanelTitleH;
    const int barX = kMargin + mapW + kMargin;
    const int plotX = barX + kBarW + kBarLabelW + 40;
    cv::Mat img(top + std::max({mapH, plotH + 40, kBarTop + 130}) + kMargin + 20, plotX + plotW + kMargin, CV_8UC3,
                kPaper);
    text(img, title, {kMargin, kMargin + 16}, 0.6);

    const double hi = s.maxDb, lo = s.maxDb - 100.0;
    text(img, "2-D spectrum, DC at centre", {kMargin, top - 6});
    paintMap(img, s.db.data(), s.h, s.w, scale, {kMargin, top}, ColormapKind::Viridis, lo, hi);
    paintColourBar(img,
                   cv::Rect(barX, top + kBarTop - kPanelTitleH, kBarW, std::max(120, std::min(mapH - kBarTop, 400))),
                   ColormapKind::Viridis, lo, hi, false, "dB");

    // Radial profile: frequency 0 .. 0.5*sqrt(2) cycles/pixel on x, dB on y.
    text(img, "radial profile (dB vs cycles/pixel)", {plotX, top - 6});
    const cv::Rect plot(plotX, top, plotW, plotH);
    cv::rectangle(img, plot, kInk, 1);
    double pmin = INFINITY, pmax = -INFINITY;
    for (size_t b = 1; b < s.radialDb.size(); ++b) {
        pmin = std::min(pmin, s.radialDb[b]);
        pmax = std::max(pmax, s.radialDb[b]);
    }
    if (!(pmax > pmin)) pmax = pmin + 1;
    pmin = std::max(pmin, pmax - 120.0);
    const double fmax = std::sqrt(0.5);
    auto px = [&](double f) { return plot.x + static_cast<int>(std::lround(f / fmax * (plot.width - 1))); };
    auto py = [&](double db) {
        const double t = std::clamp((db - pmin) / (pmax - pmin), 0.0, 1.0);
        return plot.y + plot.height - 1 - static_cast<int>(std::lround(t * (plot.height - 1)));
    };
    // Frequencies k/s (k = 1 .. s-1 up to 0.5, per axis stride) where a checkerboard puts its peaks.
    for (int sAxis : {stride.h, stride.w}) {
        if (sAxis < 2) continue;
        for (int k = 1; 2 * k <= sAxis; ++k) {
            const int x = px(static_cast<double>(k) / sAxis);
            for (int y = plot.y; y < plot.y + plot.height; y += 6)
                cv::line(img, {x, y}, {x, std::min(y + 3, plot.y + plot.height - 1)}, cv::Scalar(60, 60, 220), 1);
            text(img, k == 1 ? "1/" + std::to_string(sAxis) : std::to_string(k) + "/" + std::to_string(sAxis),
                 {x - 10, plot.y + plot.height + 16}, 0.4);
        }
    }
    std::vector<cv::Point> line;
    for (size_t b = 1; b < s.radialDb.size(); ++b) line.push_back({px(b * s.binWidth), py(s.radialDb[b])});
    if (line.size() > 1) cv::polylines(img, line, false, cv::Scalar(140, 60, 20), 1, cv::LINE_AA);
    text(img, number(pmax, false) + " dB", {plot.x + 4, plot.y + 14}, 0.4);
    text(img, number(pmin, false) + " dB", {plot.x + 4, plot.y + plot.height - 6}, 0.4);
    text(img, "0", {plot.x - 4, plot.y + plot.height + 16}, 0.4);
    text(img, "0.71", {plot.x + plot.width - 24, plot.y + plot.height + 16}, 0.4);
    return toTensor(img);
}

}  // namespace tconv::app

#endif  // TCONV_HAVE_OPENCV
