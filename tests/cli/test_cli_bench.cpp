// SPDX-License-Identifier: MIT
// tconv bench: its options (a bad value is a usage error naming the value,
// --help lists every option), the keys and types of its JSON rows and the case
// names the geometry options produce (never its timings), and the
// channel-mixing cases (issue 16): --out-channels runs a C_in -> C_out layer,
// the JSON carries gflops and compute_floor_ms from a peak measured in the
// same run.
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QtTest>

#include "common/ProcessResult.h"

namespace {

ProcessResult runTconv(const QStringList& args) {
    QProcess p;
    p.start(TCONV_EXE, args);
    return finishProcess(p);
}

// The smallest real run: one timed run of a 4x4 single-channel case on the CPU.
const QStringList kTiny{"bench", "--size", "4x4x1", "--repeat", "1", "--backend", "cpu"};

QJsonObject jsonRow(const QString& line) { return QJsonDocument::fromJson(line.trimmed().toUtf8()).object(); }

}  // namespace

class TestCliBench : public QObject {
    Q_OBJECT
private slots:
    void outChannelsCase();
    void badValuesAreUsageErrors();
    void badOptionValues_data();
    void badOptionValues();
    void helpListsEveryOption();
    void jsonKeysAndTypes();
    void caseOptionsNameTheCase();
    void tableHasAHeader();
};

void TestCliBench::outChannelsCase() {
    const ProcessResult r =
        runTconv({"bench", "--size", "6x5x24", "--out-channels", "10", "--repeat", "1", "--backend", "cpu", "--json"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.trimmed().toUtf8()).object();
    QVERIFY2(!o.isEmpty(), qPrintable(r.out));
    QVERIFY2(o["case"].toString().startsWith("6x5x24 full 24->10 k4 s2 p1"), qPrintable(o["case"].toString()));
    for (const char* key : {"median_ms", "floor_ms", "gflops", "compute_floor_ms", "compute_ratio", "peak_gflops"})
        QVERIFY2(o.contains(key), key);
    // 2 * H * W * C_in * C_out * kH * kW flops at the peak.
    const double flops = 2.0 * 6 * 5 * 24 * 10 * 16;
    QVERIFY(o["peak_gflops"].toDouble() > 0);
    QVERIFY(qAbs(o["compute_floor_ms"].toDouble() - flops / (o["peak_gflops"].toDouble() * 1e6)) <
            1e-3 + 1e-2 * o["compute_floor_ms"].toDouble());
}

void TestCliBench::badValuesAreUsageErrors() {
    for (const QStringList& args :
         {QStringList{"bench", "--out-channels", "0"}, QStringList{"bench", "--out-channels", "x"},
          QStringList{"bench", "--suite", "faces"}}) {
        const ProcessResult r = runTconv(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(args[1]), qPrintable(r.err));
    }
}

void TestCliBench::badOptionValues_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("words");  // the message must name the value (or the option without one)
    QTest::newRow("repeat 0") << QStringList{"--repeat", "0"} << "--repeat: expected a positive number, but got '0'";
    QTest::newRow("repeat text") << QStringList{"--repeat", "ten"} << "'ten'";
    QTest::newRow("repeat missing") << QStringList{"--repeat"} << "--repeat needs a value";
    QTest::newRow("threads 0") << QStringList{"--threads", "0"} << "--threads: expected a positive number, but got '0'";
    QTest::newRow("threads too many") << QStringList{"--threads", "100000"} << "--threads 100000";
    QTest::newRow("size negative") << QStringList{"--size", "-3"} << "'-3'";
    QTest::newRow("size 2-D") << QStringList{"--size", "4x4"} << "'4x4'";
    QTest::newRow("size zero channels") << QStringList{"--size", "4x4x0"} << "'4x4x0'";
    QTest::newRow("stride 2x") << QStringList{"--stride", "2x"} << "--stride: expected N or HxW";
    QTest::newRow("stride 0") << QStringList{"--size", "4x4x1", "--stride", "0"} << "stride";
    QTest::newRow("mode") << QStringList{"--mode", "diagonal"} << "expected depthwise or full, but got 'diagonal'";
    QTest::newRow("backend") << QStringList{"--backend", "gpu"} << "expected cpu, cuda or all, but got 'gpu'";
    QTest::newRow("suite") << QStringList{"--suite", "faces"} << "'faces'";
    QTest::newRow("unknown option") << QStringList{"--frob"} << "unknown option '--frob'";
    QTest::newRow("file argument") << QStringList{"--", "extra"} << "no file arguments, but got 'extra'";
}

void TestCliBench::badOptionValues() {
    QFETCH(QStringList, args);
    QFETCH(QString, words);
    const ProcessResult r = runTconv(QStringList{"bench"} + args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.startsWith("tconv: error: ") && r.err.count('\n') == 1, qPrintable(r.err));
    QVERIFY2(r.err.contains(words), qPrintable("'" + words + "' not in: " + r.err));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));  // refused before any work
}

void TestCliBench::helpListsEveryOption() {
    for (const char* help : {"--help", "-h"}) {
        const ProcessResult r = runTconv({"bench", help});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        for (const char* word :
             {"--json", "--backend", "--repeat", "--threads", "--size", "--kernel-size", "--stride", "--padding",
              "--output-padding", "--dilation", "--mode", "--out-channels", "--suite", "floor_ms", "exit status"})
            QVERIFY2(r.out.contains(word), word);
    }
}

void TestCliBench::jsonKeysAndTypes() {
    const ProcessResult r = runTconv(kTiny + QStringList{"--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QStringList lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);  // one case, one backend: one row
    const QJsonObject o = jsonRow(lines.front());
    QVERIFY2(!o.isEmpty(), qPrintable(r.out));
    const QSet<QString> strings{"case", "backend", "detail"};
    const QSet<QString> numbers{"threads",       "median_ms",   "min_ms",      "floor_ms", "out_mpix_s",
                                "ratio",         "floor_1t_ms", "floor_mt_ms", "gflops",   "compute_floor_ms",
                                "compute_ratio", "peak_gflops"};
    const QStringList keys = o.keys();
    QCOMPARE(QSet<QString>(keys.begin(), keys.end()), strings + numbers);  // no key lost or added unnoticed
    for (const QString& k : strings) QVERIFY2(o[k].isString(), qPrintable(k));
    for (const QString& k : numbers) QVERIFY2(o[k].isDouble() && o[k].toDouble() >= 0, qPrintable(k));
    QCOMPARE(o["backend"].toString(), QString("cpu"));
    QCOMPARE(o["case"].toString(), QString("4x4x1 depthwise k4 s2 p1"));
    QVERIFY(o["threads"].toInt() >= 1);
    QCOMPARE(o["threads"].toDouble(), double(o["threads"].toInt()));
    QVERIFY(!o["detail"].toString().isEmpty());
    // --threads is the CPU row's thread count.
    const QJsonObject one = jsonRow(runTconv(kTiny + QStringList{"--json", "--threads", "1"}).out);
    QCOMPARE(one["threads"].toInt(), 1);
}

void TestCliBench::caseOptionsNameTheCase() {
    const ProcessResult r =
        runTconv({"bench", "--size", "5x4x2", "--kernel-size", "3", "--stride", "2", "--padding", "1",
                  "--output-padding", "1", "--dilation", "2", "--repeat", "1", "--backend", "cpu", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(jsonRow(r.out)["case"].toString(), QString("5x4x2 depthwise k3 s2 p1 op1 d2"));
    // --mode full is C -> C; the last --mode given wins, as with every option.
    const ProcessResult full = runTconv(kTiny + QStringList{"--mode", "depthwise", "--mode", "full", "--json"});
    QVERIFY2(full.code == 0, qPrintable(full.err));
    QVERIFY2(jsonRow(full.out)["case"].toString().startsWith("4x4x1 full 1->1 k4 s2"), qPrintable(full.out));
    // --option=value is the same as --option value.
    const ProcessResult eq =
        runTconv({"bench", "--size=4x4x1", "--repeat=1", "--backend=cpu", "--stride=3x2", "--json"});
    QVERIFY2(eq.code == 0, qPrintable(eq.err));
    QCOMPARE(jsonRow(eq.out)["case"].toString(), QString("4x4x1 depthwise k4 s3x2 p1"));
}

void TestCliBench::tableHasAHeader() {
    const ProcessResult r = runTconv(kTiny);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("# cpu: "), qPrintable(r.out));
    QVERIFY2(r.out.contains("median_ms") && r.out.contains("floor_ms"), qPrintable(r.out));
    QVERIFY2(r.out.contains("4x4x1 depthwise k4 s2 p1"), qPrintable(r.out));
}

QTEST_APPLESS_MAIN(TestCliBench)
#include "test_cli_bench.moc"
