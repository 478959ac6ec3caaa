// SPDX-License-Identifier: MIT
#pragma once
// Splits one batch into N shards that independent processes (Slurm array
// tasks, Kubernetes Indexed Job pods, xargs -P) run without talking to each
// other: every shard expands the same inputs, plans the whole batch, and keeps
// the items whose input belongs to it.
//
// Membership is decided by a stable hash (FNV-1a 64) of the input's path
// relative to its root (the folder given, or the file name for a file named
// on its own), never by std::hash (which may differ between builds) or by
// absolute paths (which differ between machines and mounts).
//  - by count (default): shard = hash % N. A file's shard depends on its own
//    relative path and N only, so it is the same on every machine and every
//    rerun, and adding files moves only the new ones. Shards are balanced by
//    count statistically (each file is an independent uniform draw).
//  - by size (--shard-by size): files are dealt, largest first (ties by hash,
//    then path), to the shard with the fewest bytes so far (ties: lowest
//    index). Every shard sees the same files and sizes, so all agree without
//    talking; but adding or resizing a file may move others to a different
//    shard. That is safe (a moved file whose output exists is skipped by its
//    new shard; outputs are never replaced), yet a folder that grows while the
//    shards start should be split by count.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/BatchInputs.h"
#include "common/BatchPlan.h"

namespace tconv::app {

enum class ShardBy { Count, Size };

struct ShardSpec {
    int index = 0;  // 0-based, < count
    int count = 1;
    ShardBy by = ShardBy::Count;
    bool enabled = false;  // --shard was given (even 0/1): reports get the shard's name
};

// An environment lookup (std::getenv in the CLI, a map in tests); nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup processEnvironment();

// "I/N" (0 <= I < N <= 1000000) or "auto": SLURM_ARRAY_TASK_ID minus
// SLURM_ARRAY_TASK_MIN (0 when unset) of SLURM_ARRAY_TASK_COUNT, else
// JOB_COMPLETION_INDEX (Kubernetes Indexed Job) of TCONV_SHARD_COUNT (which
// Kubernetes does not set: put the Job's completions there). Throws
// ParameterError naming the bad text or the missing variable.
ShardSpec parseShardSpec(const std::string& text, const EnvLookup& env);
ShardBy parseShardBy(const std::string& text);  // "count" or "size"

uint64_t stableHash(const std::string& bytes);  // FNV-1a 64
uint64_t shardHash(const BatchInput& in);       // of in.relative, '/'-separated

// For each input, the shard it belongs to. `fileSize` is used by ShardBy::Size
// only (the CLI passes std::filesystem::file_size, 0 when unreadable).
std::vector<int> assignShards(const std::vector<BatchInput>& inputs, int count, ShardBy by,
                              const std::function<uint64_t(const BatchInput&)>& fileSize);

// The plan restricted to the items whose input is in shard `spec.index`.
// Counters of the whole plan (outputsOverInputs, excludedInputs) are kept, so
// every shard refuses a batch that would overwrite an input.
BatchPlan selectShard(const BatchPlan& plan, const std::vector<BatchInput>& inputs, const ShardSpec& spec);

// "report.csv" -> "report.shard-2-of-8.csv" when sharded, else unchanged.
std::string shardReportPath(const std::string& report, const ShardSpec& spec);

}  // namespace tconv::app
