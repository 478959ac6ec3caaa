// tconv batch-report merge DIR -o report.csv: the reports of a sharded batch
// as one, and what no shard has reported yet (BatchReportMerge.h).
#include <cstdio>
#include <string>

#include "cli/Commands.h"
#include "common/AtomicFile.h"
#include "common/BatchReportMerge.h"
#include "core/ConvError.h"

namespace tconv::cli {

namespace {

void printHelp() {
    std::printf(
        "usage: tconv batch-report merge DIR -o REPORT.csv\n"
        "Merges the shard reports NAME.shard-I-of-N.csv in DIR (written by tconv batch --shard I/N --report\n"
        "NAME.csv) into one CSV, one row per output, and lists what is missing: shards without a report\n"
        "(never started) and outputs no shard has finished (lost, interrupted or still running).\n"
        "exit status: 0 complete (every output done, skipped or failed), 1 incomplete or not written,\n"
        "2 usage error\n");
}

}  // namespace

int runBatchReport(int argc, char** argv) {
    std::string dir, output;
    std::string sub;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            printHelp();
            return 0;
        }
        if (arg == "-o" || arg == "--output") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "tconv batch-report: error: %s needs a value\n", arg.c_str());
                return 2;
            }
            output = argv[++i];
        } else if (arg.rfind("--output=", 0) == 0) {
            output = arg.substr(9);
        } else if (arg.size() > 1 && arg[0] == '-') {
            std::fprintf(stderr, "tconv batch-report: error: unknown option '%s'\n", arg.c_str());
            return 2;
        } else if (sub.empty()) {
            sub = arg;
        } else if (dir.empty()) {
            dir = arg;
        } else {
            std::fprintf(stderr, "tconv batch-report: error: unexpected argument '%s'\n", arg.c_str());
            return 2;
        }
    }
    if (sub != "merge" || dir.empty() || output.empty()) {
        std::fprintf(stderr, "usage: tconv batch-report merge DIR -o REPORT.csv\n");
        return 2;
    }
    if (output.size() < 4 || output.substr(output.size() - 4) != ".csv") {
        std::fprintf(stderr, "tconv batch-report: error: -o '%s' must end in .csv\n", output.c_str());
        return 2;
    }
    app::MergeResult m;
    try {
        m = app::mergeShardReports(dir);
        std::string text = app::csvLine(m.table.header);
        for (const auto& r : m.table.rows) text += app::csvLine(r);
        app::writeFileAtomically(output, text.data(), text.size());
    } catch (const ParameterError& e) {
        std::fprintf(stderr, "tconv batch-report: error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tconv batch-report: error: %s\n", e.what());
        return 1;
    }
    std::printf("merged %zu of %d shard reports: %zu outputs, %zu done, %zu skipped, %zu failed, %zu not finished\n",
                m.reports.size(), m.shardCount, m.table.rows.size(), m.done, m.skipped, m.failed, m.unfinished.size());
    if (m.duplicates)
        std::printf("warning: %zu output%s reported by two shards (overlapping --shard values?)\n", m.duplicates,
                    m.duplicates == 1 ? "" : "s");
    for (int s : m.missingShards)
        std::printf("missing: shard %d of %d has no report (not started, or lost before it planned)\n", s,
                    m.shardCount);
    for (const std::string& u : m.unfinished) std::printf("not finished: %s\n", u.c_str());
    return m.complete() ? 0 : 1;
}

}  // namespace tconv::cli
