// SPDX-License-Identifier: MIT
#include "common/BatchShard.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <set>
#include <system_error>

#include "core/ConvError.h"

namespace fs = std::filesystem;

namespace tconv::app {

namespace {

constexpr long kMaxShards = 1000000;

// A whole decimal number in [lo, hi], or nullopt.
std::optional<long> parseLong(const std::string& s, long lo, long hi) {
    if (s.empty() || s.size() > 12) return std::nullopt;
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (*end || v < lo || v > hi) return std::nullopt;
    return v;
}

ShardSpec fromEnvironment(const EnvLookup& env) {
    auto need = [&](const std::string& name) {
        const auto v = env(name);
        if (!v || v->empty()) throw ParameterError("--shard auto: " + name + " is not set");
        const auto n = parseLong(*v, 0, kMaxShards);
        if (!n) throw ParameterError("--shard auto: " + name + "='" + *v + "' is not a number from 0 to 1000000");
        return *n;
    };
    ShardSpec s;
    s.enabled = true;
    long index = 0, count = 0;
    std::string what;
    if (const auto id = env("SLURM_ARRAY_TASK_ID"); id && !id->empty()) {
        const auto minText = env("SLURM_ARRAY_TASK_MIN");
        const long min = minText && !minText->empty() ? need("SLURM_ARRAY_TASK_MIN") : 0;
        index = need("SLURM_ARRAY_TASK_ID") - min;
        count = need("SLURM_ARRAY_TASK_COUNT");
        what = "SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN";
    } else if (const auto k = env("JOB_COMPLETION_INDEX"); k && !k->empty()) {
        index = need("JOB_COMPLETION_INDEX");
        count = need("TCONV_SHARD_COUNT");
        what = "JOB_COMPLETION_INDEX";
    } else {
        throw ParameterError(
            "--shard auto: neither SLURM_ARRAY_TASK_ID (Slurm job array) nor JOB_COMPLETION_INDEX (Kubernetes "
            "Indexed Job, with TCONV_SHARD_COUNT) is set; use --shard I/N");
    }
    if (count < 1 || index < 0 || index >= count)
        throw ParameterError("--shard auto: shard " + std::to_string(index) + " (" + what +
                             ") is not below the count " + std::to_string(count) +
                             " (the array must be contiguous, e.g. --array=0-" +
                             std::to_string(std::max(0L, count - 1)) + ")");
    s.index = static_cast<int>(index);
    s.count = static_cast<int>(count);
    return s;
}

}  // namespace

EnvLookup processEnvironment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

ShardSpec parseShardSpec(const std::string& text, const EnvLookup& env) {
    if (text == "auto") return fromEnvironment(env);
    const size_t slash = text.find('/');
    const auto bad = [&] {
        return ParameterError("--shard: expected I/N with 0 <= I < N <= 1000000 (e.g. 0/8) or auto, but got '" + text +
                              "'");
    };
    if (slash == std::string::npos) throw bad();
    const auto index = parseLong(text.substr(0, slash), 0, kMaxShards);
    const auto count = parseLong(text.substr(slash + 1), 1, kMaxShards);
    if (!index || !count || *index >= *count) throw bad();
    ShardSpec s;
    s.index = static_cast<int>(*index);
    s.count = static_cast<int>(*count);
    s.enabled = true;
    return s;
}

ShardBy parseShardBy(const std::string& text) {
    if (text == "count") return ShardBy::Count;
    if (text == "size") return ShardBy::Size;
    throw ParameterError("--shard-by: expected count or size, but got '" + text + "'");
}

uint64_t stableHash(const std::string& bytes) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t shardHash(const BatchInput& in) { return stableHash(in.relative.generic_string()); }

std::vector<int> assignShards(const std::vector<BatchInput>& inputs, int count, ShardBy by,
                              const std::function<uint64_t(const BatchInput&)>& fileSize) {
    std::vector<int> shard(inputs.size(), 0);
    if (count <= 1) return shard;
    if (by == ShardBy::Count) {
        for (size_t i = 0; i < inputs.size(); ++i) shard[i] = static_cast<int>(shardHash(inputs[i]) % count);
        return shard;
    }
    struct Entry {
        uint64_t size, hash;
        std::string rel;
        size_t index;
    };
    std::vector<Entry> order;
    order.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
        order.push_back({fileSize(inputs[i]), shardHash(inputs[i]), inputs[i].relative.generic_string(), i});
    // Largest first (greedy "longest processing time" deal); the input's own
    // order (it depends on how the inputs were given) never decides.
    std::sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) {
        if (a.size != b.size) return a.size > b.size;
        if (a.hash != b.hash) return a.hash < b.hash;
        return a.rel < b.rel;
    });
    // (bytes so far, shard): the smallest pair is the next to receive a file.
    std::set<std::pair<uint64_t, int>> load;
    for (int s = 0; s < count; ++s) load.insert({0, s});
    for (const Entry& e : order) {
        auto [bytes, s] = *load.begin();
        load.erase(load.begin());
        shard[e.index] = s;
        load.insert({bytes + e.size, s});
    }
    return shard;
}

BatchPlan selectShard(const BatchPlan& plan, const std::vector<BatchInput>& inputs, const ShardSpec& spec) {
    if (!spec.enabled) return plan;
    const auto shards = assignShards(inputs, spec.count, spec.by, [](const BatchInput& in) -> uint64_t {
        std::error_code ec;
        const auto n = fs::file_size(in.source, ec);
        return ec ? 0 : static_cast<uint64_t>(n);
    });
    std::set<fs::path> mine;
    for (size_t i = 0; i < inputs.size(); ++i)
        if (shards[i] == spec.index) mine.insert(inputs[i].source);
    BatchPlan out;
    out.combinations = plan.combinations;
    out.outputsOverInputs = plan.outputsOverInputs;
    out.excludedInputs = plan.excludedInputs;
    for (const BatchItem& item : plan.items)
        if (mine.count(item.input)) out.items.push_back(item);
    return out;
}

std::string shardReportPath(const std::string& report, const ShardSpec& spec) {
    if (!spec.enabled || report.empty()) return report;
    const fs::path p(report);
    const std::string name = p.stem().string() + ".shard-" + std::to_string(spec.index) + "-of-" +
                             std::to_string(spec.count) + p.extension().string();
    return (p.parent_path() / name).string();
}

}  // namespace tconv::app
