// SPDX-License-Identifier: MIT
#include "common/BatchWatch.h"

#include <map>
#include <set>
#include <system_error>

#include "common/BatchFolderWatcher.h"
#include "common/BatchSettle.h"
#include "common/ImageIO.h"
#include "core/ConvError.h"

namespace fs = std::filesystem;

namespace tconv::app {

namespace {

using Clock = std::chrono::steady_clock;

fs::path canonicalOrNormal(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : c;
}

bool stopped(const WatchRequest& r) { return r.run.cancel && r.run.cancel->load(); }

// The plan's items whose input is one of `files` (canonical paths).
BatchPlan restrictTo(const BatchPlan& plan, const std::set<fs::path>& files) {
    BatchPlan out;
    out.combinations = plan.combinations;
    for (const BatchItem& item : plan.items)
        if (files.count(canonicalOrNormal(item.input))) out.items.push_back(item);
    return out;
}

// The first round leaves out files changed within the settle time: they may
// still be being written. They go to the tracker instead.
BatchPlan withoutFreshInputs(const BatchPlan& plan, std::chrono::milliseconds settle, SettleTracker& tracker) {
    const auto now = fs::file_time_type::clock::now();
    std::set<fs::path> fresh;
    BatchPlan out;
    out.combinations = plan.combinations;
    out.outputsOverInputs = plan.outputsOverInputs;
    out.excludedInputs = plan.excludedInputs;
    for (const BatchItem& item : plan.items) {
        std::error_code ec;
        const auto mtime = fs::last_write_time(item.input, ec);
        if (item.action == PlanAction::Process && !ec && now - mtime < settle) {
            if (fresh.insert(item.input).second) tracker.touch(item.input, Clock::now());
            continue;
        }
        out.items.push_back(item);
    }
    return out;
}

// Accumulates rounds into one plan and summary (WatchResult's rules).
class WatchLog {
public:
    explicit WatchLog(WatchResult& r) : r_(r) {}

    void add(const BatchPlan& round, const BatchSummary& s) {
        if (r_.plan.combinations.empty()) r_.plan.combinations = round.combinations;
        if (r_.summary.backend.empty()) r_.summary.backend = s.backend;
        r_.summary.evaluated = s.evaluated;
        r_.summary.referenced = s.referenced;
        for (ItemResult r : s.results) {
            const BatchItem& item = round.items[r.item];
            const auto [it, fresh] = index_.emplace(item.output.string(), r_.plan.items.size());
            if (fresh) {
                r_.plan.items.push_back(item);
                r.item = it->second;
                r_.summary.results.push_back(std::move(r));
            } else if (r.status != ItemStatus::Skipped) {
                r_.plan.items[it->second] = item;
                r.item = it->second;
                r_.summary.results[it->second] = std::move(r);
            }
        }
        ++r_.rounds;
    }

    // Counts from the results, so replaced rows are not counted twice.
    void finish(double seconds) {
        BatchSummary& s = r_.summary;
        s.counts = BatchCounts{};
        s.cancelled = 0;
        for (const ItemResult& r : s.results) {
            switch (r.status) {
                case ItemStatus::Done: ++s.counts.done; break;
                case ItemStatus::Failed: ++s.counts.failed; break;
                case ItemStatus::Skipped: ++s.counts.skipped; break;
                case ItemStatus::Cancelled: ++s.cancelled; break;
            }
        }
        s.counts.toProcess = s.counts.done + s.counts.failed + s.cancelled;
        s.wasCancelled = s.cancelled > 0;
        s.seconds = seconds;
    }

    // The counts before the current round, for cumulative progress.
    BatchCounts before() const { return before_; }
    void closeRound(const BatchCounts& c) {
        before_.toProcess += c.toProcess;
        before_.done += c.done;
        before_.failed += c.failed;
        before_.skipped += c.skipped;
    }

private:
    WatchResult& r_;
    std::map<std::string, size_t> index_;  // output path -> row
    BatchCounts before_;
};

}  // namespace

std::vector<fs::path> watchedFolders(const InputOptions& inputs) {
    std::vector<fs::path> folders;
    for (const std::string& in : inputs.inputs) {
        std::error_code ec;
        if (!in.empty() && fs::is_directory(in, ec)) folders.emplace_back(in);
    }
    if (folders.empty()) throw ParameterError("--watch: no INPUT is a folder (--watch watches folders for new files)");
    return folders;
}

WatchResult runWatchedBatch(const WatchRequest& request, const WatchCallbacks& cb) {
    const Clock::time_point start = Clock::now();
    WatchResult result;
    WatchLog log(result);
    // The output folder exists before the watches are made, so it is never watched.
    std::error_code ec;
    fs::create_directories(request.plan.outputDir, ec);
    if (ec)
        throw ProcessingError("cannot create the output folder '" + request.plan.outputDir.string() +
                              "': " + ec.message());
    // Watching starts before the first look, so no file slips between the two.
    FolderWatcher watcher(watchedFolders(request.inputs), request.inputs.recursive, request.plan.outputDir);
    SettleTracker tracker(request.settle);

    auto runRound = [&](const BatchPlan& round) {
        const BatchCounts base = log.before();
        BatchRunner runner(round, request.run);
        const BatchSummary s = runner.run([&](const ItemResult& r, const BatchCounts& c) {
            if (!cb.progress) return;
            BatchCounts total = base;
            total.toProcess += c.toProcess;
            total.done += c.done;
            total.failed += c.failed;
            total.skipped += c.skipped;
            cb.progress(round, r, total);
        });
        log.add(round, s);
        log.closeRound(s.counts);
        if (cb.roundDone) cb.roundDone(round, s);
    };

    const BatchPlan first = makeBatchPlan(expandInputs(request.inputs), request.combinations, request.plan);
    if (cb.firstPlan && !cb.firstPlan(first)) {
        result.refused = true;
        return result;
    }
    runRound(withoutFreshInputs(first, request.settle, tracker));

    bool announced = false;
    while (!stopped(request)) {
        if (!announced && cb.waiting) cb.waiting();
        announced = true;
        const FolderWatcher::Events events = watcher.wait(int(request.pollInterval.count()));
        const Clock::time_point now = Clock::now();
        try {
            if (events.overflow)
                for (const BatchInput& in : expandInputs(request.inputs)) tracker.touch(in.source, now);
            for (const fs::path& f : events.files)
                if (!isPartialFileName(f) && isSupportedInputExtension(f.string())) tracker.touch(f, now);
            const std::vector<fs::path> settled = tracker.takeSettled(now);
            if (settled.empty() || stopped(request)) continue;
            std::set<fs::path> files;
            for (const fs::path& f : settled) files.insert(canonicalOrNormal(f));
            const BatchPlan round =
                restrictTo(makeBatchPlan(expandInputs(request.inputs), request.combinations, request.plan), files);
            if (round.items.empty()) continue;  // left out by the batch's rules (filters, own outputs)
            runRound(round);
            announced = false;
        } catch (const std::exception& e) {  // an input folder was removed, ...: end the watch, keep the report
            result.error = e.what();
            break;
        }
    }
    log.finish(std::chrono::duration<double>(Clock::now() - start).count());
    return result;
}

}  // namespace tconv::app
