// tconv bench's channel-mixing cases (issue 16): --out-channels runs a
// C_in -> C_out layer, the JSON carries gflops and compute_floor_ms from a
// peak measured in the same run, and bad values are usage errors.
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "common/ProcessResult.h"

namespace {

ProcessResult runTconv(const QStringList& args) {
    QProcess p;
    p.start(TCONV_EXE, args);
    return finishProcess(p);
}

}  // namespace

class TestCliBench : public QObject {
    Q_OBJECT
private slots:
    void outChannelsCase();
    void badValuesAreUsageErrors();
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
    QVERIFY(qAbs(o["compute_floor_ms"].toDouble() - flops / (o["peak_gflops"].toDouble() * 1e6)) < 1e-3 + 1e-2 * o["compute_floor_ms"].toDouble());
}

void TestCliBench::badValuesAreUsageErrors() {
    for (const QStringList& args : {QStringList{"bench", "--out-channels", "0"}, QStringList{"bench", "--out-channels", "x"},
                                    QStringList{"bench", "--suite", "faces"}}) {
        const ProcessResult r = runTconv(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(args[1]), qPrintable(r.err));
    }
}

QTEST_APPLESS_MAIN(TestCliBench)
#include "test_cli_bench.moc"
