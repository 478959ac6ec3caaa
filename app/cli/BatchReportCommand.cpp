// SPDX-License-Identifier: MIT
// tconv batch-report merge DIR -o report.csv: the reports of a sharded batch
// as one, and what no shard has reported yet (BatchReportMerge.h).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/AtomicFile.h"
#include "common/BatchReportMerge.h"
#include "core/ConvError.h"

namespace tconv::cli {

namespace {

constexpr const char* kMergeDescription =
    "Merges the shard reports NAME.shard-I-of-N.csv in DIR (written by tconv batch --shard I/N --report\n"
    "NAME.csv) into one CSV, one row per output, and lists what is missing: shards without a report\n"
    "(never started) and outputs no shard has finished (lost, interrupted or still running).";

struct MergeArgs {
    std::vector<std::string> dirs;  // exactly one
    std::string output;
};

void checkArgs(const MergeArgs& a) {
    if (a.dirs.size() != 1 || a.output.empty())
        throw ParameterError(a.dirs.size() > 1
                                 ? "batch-report merge takes one DIR, but got " + std::to_string(a.dirs.size())
                                 : "usage: tconv batch-report merge DIR -o REPORT.csv");
    if (a.output.size() < 4 || a.output.substr(a.output.size() - 4) != ".csv")
        throw ParameterError("-o '" + a.output + "' must end in .csv");
}

void printMerge(const app::MergeResult& m) {
    std::printf("merged %zu of %d shard reports: %zu outputs, %zu done, %zu skipped, %zu failed, %zu not finished\n",
                m.reports.size(), m.shardCount, m.table.rows.size(), m.done, m.skipped, m.failed, m.unfinished.size());
    if (m.duplicates)
        std::printf("warning: %zu output%s reported by two shards (overlapping --shard values?)\n", m.duplicates,
                    m.duplicates == 1 ? "" : "s");
    for (int s : m.missingShards)
        std::printf("missing: shard %d of %d has no report (not started, or lost before it planned)\n", s,
                    m.shardCount);
    for (const std::string& u : m.unfinished) std::printf("not finished: %s\n", u.c_str());
}

// Exit 0 when complete (every output done, skipped or failed), 1 when not (or not written).
int merge(const MergeArgs& a) {
    checkArgs(a);
    const app::MergeResult m = app::mergeShardReports(a.dirs.front());
    std::string text = app::csvLine(m.table.header);
    for (const auto& r : m.table.rows) text += app::csvLine(r);
    app::writeFileAtomically(a.output, text.data(), text.size());
    printMerge(m);
    return m.complete() ? 0 : 1;
}

class BatchReportCommand : public Command {
public:
    explicit BatchReportCommand(CLI::App& tconv) {
        report_ = addCommand(tconv, "batch-report", "merge the reports of a sharded batch (merge DIR -o F)");
        report_->footer("exit status: 0 complete, 1 incomplete or not written, 2 usage error");
        merge_ = addCommand(*report_, "merge", "merge the shard reports in DIR into one CSV");
        merge_->description(std::string(merge_->get_description()) + "\n" + kMergeDescription);
        merge_->add_option("DIR", a_.dirs, "the folder with the shard reports");
        addTextOption(*merge_, "-o,--output", a_.output, "the merged report", "REPORT.csv");
        merge_->footer(
            "exit status: 0 complete (every output done, skipped or failed), 1 incomplete or not written,\n"
            "2 usage error");
    }
    int run() override {
        if (!merge_->parsed()) throw ParameterError("usage: tconv batch-report merge DIR -o REPORT.csv");
        return merge(a_);
    }

private:
    CLI::App* report_ = nullptr;
    CLI::App* merge_ = nullptr;
    MergeArgs a_;
};

}  // namespace

std::unique_ptr<Command> addBatchReportCommand(CLI::App& tconv) { return std::make_unique<BatchReportCommand>(tconv); }

}  // namespace tconv::cli
