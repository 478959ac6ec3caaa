// SPDX-License-Identifier: MIT
// Shards of a batch (BatchShard.h) and the merge of their reports
// (BatchReportMerge.h): a stable hash, partitions that are stable, disjoint,
// complete and balanced, `--shard auto` from the schedulers' variables, and a
// merge that names what is missing. The whole recipe with real processes:
// scripts/cluster_shards_test.sh (ctest: cluster_shards).
#include <QtTest>

#include <map>
#include <random>
#include <set>

#include "batch/BatchTestUtil.h"
#include "common/BatchReportMerge.h"
#include "common/BatchShard.h"
#include "core/ConvError.h"

using namespace tconv;
using namespace tconv::app;
using namespace tconv::batchtest;

namespace {

std::vector<BatchInput> seededInputs(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<BatchInput> in;
    for (size_t i = 0; i < n; ++i) {
        const std::string rel = "d" + std::to_string(rng() % 50) + "/img_" + std::to_string(rng()) + ".png";
        in.push_back({fs::path("/data/root") / rel, fs::path(rel)});
    }
    return in;
}

EnvLookup envOf(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

uint64_t sizeFromName(const BatchInput& in) { return 1000 + stableHash(in.relative.string()) % 100000; }

}  // namespace

class TestBatchShard : public QObject {
    Q_OBJECT
private slots:
    void hashIsFnv1a64();
    void countPartitionIsStableAndOnlyNewFilesMove();
    void countPartitionIsBalanced();
    void sizePartitionIsBalancedAndOrderFree();
    void partitionIgnoresRootAndOrder();
    void parseShardSpecs();
    void shardAutoFromEnvironment();
    void reportPathNamesShard();
    void selectShardKeepsWholeItems();
    void csvRoundTrip();
    void mergeNamesMissingAndUnfinished();
    void mergeRefusesMixedBatches();
};

void TestBatchShard::hashIsFnv1a64() {
    // Published FNV-1a 64 test vectors: the partition must never depend on the build.
    QCOMPARE(stableHash(""), 0xcbf29ce484222325ull);
    QCOMPARE(stableHash("a"), 0xaf63dc4c8601ec8cull);
    QCOMPARE(stableHash("foobar"), 0x85944171f73967e8ull);
}

void TestBatchShard::countPartitionIsStableAndOnlyNewFilesMove() {
    auto before = seededInputs(2000, 1);
    const auto a = assignShards(before, 7, ShardBy::Count, {});
    auto after = before;
    const auto added = seededInputs(500, 2);
    after.insert(after.begin() + 100, added.begin(), added.end());  // new files anywhere in the listing
    const auto b = assignShards(after, 7, ShardBy::Count, {});
    std::map<std::string, int> was;
    for (size_t i = 0; i < before.size(); ++i) was[before[i].relative.string()] = a[i];
    for (size_t i = 0; i < after.size(); ++i) {
        const auto it = was.find(after[i].relative.string());
        if (it != was.end()) QCOMPARE(b[i], it->second);
        QVERIFY(b[i] >= 0 && b[i] < 7);
    }
}

void TestBatchShard::countPartitionIsBalanced() {
    const auto in = seededInputs(16000, 3);
    for (int n : {2, 8, 16}) {
        std::vector<size_t> count(n, 0);
        for (int s : assignShards(in, n, ShardBy::Count, {})) ++count[s];
        const double mean = 16000.0 / n;
        for (size_t c : count) QVERIFY2(std::abs(c - mean) < 0.1 * mean, qPrintable(QString::number(c)));
    }
}

void TestBatchShard::sizePartitionIsBalancedAndOrderFree() {
    auto in = seededInputs(3000, 4);
    const auto a = assignShards(in, 6, ShardBy::Size, sizeFromName);
    std::vector<uint64_t> bytes(6, 0);
    uint64_t largest = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        bytes[a[i]] += sizeFromName(in[i]);
        largest = std::max(largest, sizeFromName(in[i]));
    }
    const auto [lo, hi] = std::minmax_element(bytes.begin(), bytes.end());
    QVERIFY(*hi - *lo <= largest);  // greedy largest-first: within one file
    // Every shard lists the inputs in its own way: the result must not depend on it.
    std::map<std::string, int> first;
    for (size_t i = 0; i < in.size(); ++i) first[in[i].relative.string()] = a[i];
    std::mt19937 rng(5);
    std::shuffle(in.begin(), in.end(), rng);
    const auto b = assignShards(in, 6, ShardBy::Size, sizeFromName);
    for (size_t i = 0; i < in.size(); ++i) QCOMPARE(b[i], first[in[i].relative.string()]);
}

void TestBatchShard::partitionIgnoresRootAndOrder() {
    // Another machine mounts the data elsewhere: only the relative path counts.
    auto in = seededInputs(300, 6);
    auto moved = in;
    for (BatchInput& b : moved) b.source = fs::path("/mnt/other") / b.relative;
    QCOMPARE(assignShards(in, 5, ShardBy::Count, {}), assignShards(moved, 5, ShardBy::Count, {}));
}

void TestBatchShard::parseShardSpecs() {
    const auto env = envOf({});
    const ShardSpec s = parseShardSpec("2/8", env);
    QCOMPARE(s.index, 2);
    QCOMPARE(s.count, 8);
    QVERIFY(s.enabled);
    QCOMPARE(parseShardSpec("0/1", env).count, 1);
    for (const char* bad : {"8/8", "-1/4", "1", "1/0", "a/b", "1/", "/4", "1/4x", "", "1/2000000"}) {
        try {
            parseShardSpec(bad, env);
            QFAIL(qPrintable(QString("accepted '%1'").arg(bad)));
        } catch (const ParameterError& e) {
            QVERIFY2(std::string(e.what()).find(std::string("'") + bad + "'") != std::string::npos, e.what());
        }
    }
    QCOMPARE(parseShardBy("size"), ShardBy::Size);
    QVERIFY_THROWS_EXCEPTION(ParameterError, parseShardBy("bytes"));
}

void TestBatchShard::shardAutoFromEnvironment() {
    ShardSpec s = parseShardSpec("auto", envOf({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    QCOMPARE(s.index, 3);
    QCOMPARE(s.count, 4);
    // --array=1-4: ids start at 1.
    s = parseShardSpec(
        "auto", envOf({{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    QCOMPARE(s.index, 3);
    s = parseShardSpec("auto", envOf({{"JOB_COMPLETION_INDEX", "5"}, {"TCONV_SHARD_COUNT", "6"}}));
    QCOMPARE(s.index, 5);
    QCOMPARE(s.count, 6);
    QVERIFY_THROWS_EXCEPTION(ParameterError, parseShardSpec("auto", envOf({})));
    QVERIFY_THROWS_EXCEPTION(ParameterError, parseShardSpec("auto", envOf({{"JOB_COMPLETION_INDEX", "0"}})));
    QVERIFY_THROWS_EXCEPTION(
        ParameterError, parseShardSpec("auto", envOf({{"JOB_COMPLETION_INDEX", "6"}, {"TCONV_SHARD_COUNT", "6"}})));
    QVERIFY_THROWS_EXCEPTION(
        ParameterError, parseShardSpec("auto", envOf({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})));
}

void TestBatchShard::reportPathNamesShard() {
    ShardSpec s;
    QCOMPARE(shardReportPath("r/report.csv", s), std::string("r/report.csv"));
    s = parseShardSpec("2/8", envOf({}));
    QCOMPARE(shardReportPath("r/report.csv", s), std::string("r/report.shard-2-of-8.csv"));
    QCOMPARE(shardReportPath("report.json", s), std::string("report.shard-2-of-8.json"));
}

void TestBatchShard::selectShardKeepsWholeItems() {
    // Every combination of an input stays with its input; the shards together are the plan.
    const auto in = seededInputs(40, 7);
    BatchPlan plan;
    plan.combinations.resize(2);
    for (const BatchInput& b : in)
        for (size_t c = 0; c < 2; ++c) {
            BatchItem item;  // member by member: the other fields keep their defaults
            item.input = b.source;
            item.output = fs::path("out") / std::to_string(c) / b.relative;
            item.combination = c;
            plan.items.push_back(item);
        }
    std::multiset<std::string> seen;
    for (int s = 0; s < 3; ++s) {
        const BatchPlan part = selectShard(plan, in, parseShardSpec(std::to_string(s) + "/3", envOf({})));
        QCOMPARE(part.items.size() % 2, size_t(0));
        for (const BatchItem& item : part.items) seen.insert(item.output.string());
    }
    QCOMPARE(seen.size(), plan.items.size());
    QCOMPARE(std::set<std::string>(seen.begin(), seen.end()).size(), plan.items.size());
}

void TestBatchShard::csvRoundTrip() {
    const std::vector<std::string> row = {"a,b", "say \"hi\"", "two\nlines", "", "plain"};
    const CsvTable t = parseCsv(csvLine({"h1", "h2", "h3", "h4", "h5"}) + csvLine(row) + csvLine(row));
    QCOMPARE(t.header.size(), size_t(5));
    QCOMPARE(t.rows.size(), size_t(2));
    QCOMPARE(t.rows[1], row);
}

void TestBatchShard::mergeNamesMissingAndUnfinished() {
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    const std::string header = "input,output,status,error\n";
    writeText(dir / "report.shard-0-of-3.csv", header + "a.png,o/a.png,done,\nb.png,o/b.png,skipped,exists\n");
    writeText(dir / "report.shard-2-of-3.csv",
              header + "c.png,o/c.png,cancelled,not finished\nd.png,o/d.png,failed,bad\n");
    writeText(dir / "unrelated.csv", "x\n");
    MergeResult m = mergeShardReports(dir.string());
    QCOMPARE(m.shardCount, 3);
    QCOMPARE(m.missingShards, std::vector<int>{1});
    QCOMPARE(m.unfinished, std::vector<std::string>{"c.png -> o/c.png"});
    QCOMPARE(m.table.rows.size(), size_t(4));
    QCOMPARE(m.done + m.skipped + m.failed, size_t(3));
    QVERIFY(!m.complete());
    // The re-run of shard 2 and the missing shard 1 arrive; an overlap keeps the best row.
    writeText(dir / "report.shard-2-of-3.csv", header + "c.png,o/c.png,done,\nd.png,o/d.png,failed,bad\n");
    writeText(dir / "report.shard-1-of-3.csv", header + "a.png,o/a.png,failed,exists\ne.png,o/e.png,done,\n");
    m = mergeShardReports(dir.string());
    QVERIFY(m.complete());
    QCOMPARE(m.duplicates, size_t(1));
    QCOMPARE(m.table.rows.size(), size_t(5));
    QCOMPARE(m.table.rows[0][2], std::string("done"));  // o/a.png: done beats the overlapping shard's failure
}

void TestBatchShard::mergeRefusesMixedBatches() {
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    QVERIFY_THROWS_EXCEPTION(ParameterError, mergeShardReports(dir.string()));  // nothing to merge
    writeText(dir / "r.shard-0-of-2.csv", "input,output,status\n");
    writeText(dir / "r.shard-0-of-3.csv", "input,output,status\n");
    QVERIFY_THROWS_EXCEPTION(ParameterError, mergeShardReports(dir.string()));
    QVERIFY_THROWS_EXCEPTION(ParameterError, mergeShardReports((dir / "nope").string()));
}

QTEST_GUILESS_MAIN(TestBatchShard)
#include "test_batch_shard.moc"
