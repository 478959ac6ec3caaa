// SPDX-License-Identifier: MIT
#include "common/BatchProgress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace tconv::app {

namespace {

// Images per second so far and the seconds left at that rate.
struct Rate {
    double perSecond = 0;
    double eta = -1;  // unknown
};

Rate rateOf(const BatchCounts& c, double elapsed) {
    Rate r;
    const size_t finished = c.finished();
    if (finished == 0 || elapsed <= 0) return r;
    r.perSecond = finished / elapsed;
    r.eta = (c.toProcess > finished ? c.toProcess - finished : 0) / r.perSecond;
    return r;
}

std::string fixed(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace

BatchProgress::BatchProgress(std::FILE* out, bool quiet, std::optional<bool> tty, double lineInterval)
    : out_(out),
      quiet_(quiet),
      tty_(tty.value_or(out && isatty(fileno(out)))),
      lineInterval_(lineInterval),
      start_(std::chrono::steady_clock::now()) {}

double BatchProgress::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string BatchProgress::formatDuration(double seconds) {
    if (!(seconds >= 0) || std::isinf(seconds)) return "--:--";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

std::string BatchProgress::formatBar(const BatchCounts& c, double elapsedSeconds, int width) {
    const size_t finished = c.finished();
    const double fraction = c.toProcess ? std::min(1.0, double(finished) / c.toProcess) : 1.0;
    const int filled = static_cast<int>(fraction * width);
    const Rate r = rateOf(c, elapsedSeconds);
    std::string bar = "[";
    bar.append(static_cast<size_t>(filled), '#').append(static_cast<size_t>(width - filled), '-').append("] ");
    const std::string total = std::to_string(c.toProcess);
    std::string count = std::to_string(finished);
    bar += std::string(total.size() > count.size() ? total.size() - count.size() : 0, ' ') + count + "/" + total;
    bar += "  " + fixed(r.perSecond, 1) + " img/s  ETA " + formatDuration(r.eta);
    if (c.failed) bar += "  " + std::to_string(c.failed) + " failed";
    return bar;
}

std::string BatchProgress::formatLine(const BatchCounts& c, double elapsedSeconds) {
    const size_t finished = c.finished();
    const Rate r = rateOf(c, elapsedSeconds);
    const int percent = c.toProcess ? static_cast<int>(100.0 * finished / c.toProcess) : 100;
    std::string line = "batch: " + std::to_string(finished) + "/" + std::to_string(c.toProcess) + " (" +
                       std::to_string(percent) + "%), " + fixed(r.perSecond, 2) + " images/s, ETA " +
                       formatDuration(r.eta);
    if (c.failed) line += ", " + std::to_string(c.failed) + " failed";
    return line;
}

void BatchProgress::draw(const BatchCounts& c, bool final) {
    const double t = elapsed();
    if (tty_) {
        // Redraw at most ~10 times a second; "\x1b[K" clears what a longer
        // previous bar left on the line.
        if (!final && drawn_ && t - lastDraw_ < 0.1) return;
        std::fprintf(out_, "\r%s\x1b[K%s", formatBar(c, t).c_str(), final ? "\n" : "");
    } else {
        // Plain lines: the first after one interval, so a quick batch shows
        // just its summary.
        if (!final && t - lastDraw_ < lineInterval_) return;
        std::fprintf(out_, "%s\n", formatLine(c, t).c_str());
    }
    std::fflush(out_);
    lastDraw_ = t;
    drawn_ = true;
}

void BatchProgress::update(const BatchCounts& counts) {
    if (quiet_ || !out_) return;
    std::lock_guard lock(mutex_);
    draw(counts, false);
}

void BatchProgress::finish(const BatchCounts& counts) {
    if (quiet_ || !out_) return;
    std::lock_guard lock(mutex_);
    if (tty_ || drawn_) draw(counts, true);
}

}  // namespace tconv::app
