// SPDX-License-Identifier: MIT
#pragma once
// Progress of a batch on stderr: on a terminal, a bar redrawn in place with
// the count, images/s and the ETA; otherwise (a log file, a pipe) a plain
// line every few seconds. Nothing with --quiet. Thread-safe: BatchRunner's
// progress callback may call update() from any worker.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

#include "common/BatchRunner.h"

namespace tconv::app {

class BatchProgress {
public:
    // `tty`: nullopt asks isatty() of `out`. `lineInterval`: seconds between
    // plain lines when not a terminal.
    BatchProgress(std::FILE* out, bool quiet, std::optional<bool> tty = std::nullopt, double lineInterval = 5.0);

    void update(const BatchCounts& counts);
    // The final state (the bar left on its own line); call once at the end.
    void finish(const BatchCounts& counts);

    // "[#########-----------]  42/200  3.1 img/s  ETA 0:51  2 failed"
    static std::string formatBar(const BatchCounts& counts, double elapsedSeconds, int width = 24);
    // "batch: 42/200 (21%), 3.1 images/s, ETA 0:51, 2 failed"
    static std::string formatLine(const BatchCounts& counts, double elapsedSeconds);
    // "0:07", "12:34", "1:02:03"; "--:--" when unknown.
    static std::string formatDuration(double seconds);

private:
    double elapsed() const;
    void draw(const BatchCounts& counts, bool final);

    std::FILE* out_;
    bool quiet_;
    bool tty_;
    double lineInterval_;
    std::chrono::steady_clock::time_point start_;
    double lastDraw_ = 0;
    bool drawn_ = false;
    std::mutex mutex_;
};

}  // namespace tconv::app
