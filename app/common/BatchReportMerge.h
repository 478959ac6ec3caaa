// SPDX-License-Identifier: MIT
#pragma once
// `tconv batch-report merge DIR -o report.csv`: joins the CSV reports of the
// shards of one batch (NAME.shard-I-of-N.csv, see BatchShard.h) into one, and
// says what is missing: shards with no report (never started, or lost before
// they planned) and outputs that no shard has finished (a shard's report is
// written at its start with every output "cancelled", so a killed or still
// running shard names what it has not done).
#include <string>
#include <vector>

namespace tconv::app {

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};
// RFC 4180: quoted fields may hold commas, quotes ("") and newlines.
CsvTable parseCsv(const std::string& text);
std::string csvLine(const std::vector<std::string>& fields);

struct MergeResult {
    CsvTable table;                       // one row per output, sorted by output
    int shardCount = 0;                   // N of the reports found
    std::vector<std::string> reports;     // the files merged, sorted by shard
    std::vector<int> missingShards;       // 0-based shards without a report
    std::vector<std::string> unfinished;  // "INPUT -> OUTPUT" of rows neither done nor skipped nor failed
    size_t duplicates = 0;                // outputs reported by two shards (overlapping shards)
    size_t done = 0, skipped = 0, failed = 0;
    bool complete() const { return missingShards.empty() && unfinished.empty(); }
};

// Reads every NAME.shard-I-of-N.csv in `dir` (one NAME and one N, else
// ParameterError). An output reported twice keeps its best row (done, then
// skipped, then failed, then cancelled).
MergeResult mergeShardReports(const std::string& dir);

}  // namespace tconv::app
