// SPDX-License-Identifier: MIT
// The engine's limits: TCONV_MEMORY_LIMIT_MB parsed strictly, sizes in
// 64 bits that saturate instead of wrapping (Shape4::count, output extents,
// byte counts), the kernel-size cap, and huge dilation/padding values in the
// zero-order-hold repair and resize-conv refused with messages that name only
// what the user gave (run under UBSan: no signed or float-cast overflow).
#include <QtTest>

#include <climits>

#include "analysis/KernelRepair.h"
#include "analysis/ResizeConv.h"
#include "backends/BackendFactory.h"
#include "core/ConvError.h"
#include "core/ConvLayer.h"
#include "core/MemoryEstimate.h"
#include "core/OutputGeometry.h"
#include "core/ResourceLimits.h"
#include "core/Validation.h"

using namespace tconv;

namespace {

template <typename F>
QString parameterError(F&& f) {
    try {
        f();
    } catch (const ParameterError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// No number in a message may be one the user never gave: wrapped negative
// sizes are the symptom of an overflow.
bool namesNoWrappedValue(const QString& message) {
    return !message.contains(QRegularExpression("-[0-9]{6,}")) &&
           !message.contains(QRegularExpression("(^|[^0-9.])0\\.0 [KMG]iB"));
}

ConvLayer boxLayer(const ConvParams& p) {
    ConvLayer layer;
    layer.params = p;
    layer.weight = Tensor(Shape4{1, 1, p.kernel.h, p.kernel.w}, 1.0f);
    return layer;
}

}  // namespace

class TestLimits : public QObject {
    Q_OBJECT
private slots:
    void memoryLimitParsing_data();
    void memoryLimitParsing();
    void memoryLimitFromEnvironment();
    void bytesTextNeverSaysZero();
    void sizesSaturate();
    void tensorRefusesImpossibleShapes();
    void outputExtentSaturates();
    void kernelSizeCapped();
    void zohRepairWithHugeValues();
    void resizeConvWithHugeValues();
    void peakMemoryNamesItsParts();
};

void TestLimits::memoryLimitParsing_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("mb");  // -1: refused
    QTest::newRow("1") << "1" << qint64(1);
    QTest::newRow("4096") << "4096" << qint64(4096);
    QTest::newRow("max") << "1099511627776" << qint64(1099511627776);
    QTest::newRow("above max") << "1099511627777" << qint64(-1);
    QTest::newRow("overflow") << "184467440737095516160" << qint64(-1);
    QTest::newRow("zero") << "0" << qint64(-1);
    QTest::newRow("negative") << "-1" << qint64(-1);
    QTest::newRow("plus") << "+5" << qint64(-1);
    QTest::newRow("garbage") << "lots" << qint64(-1);
    QTest::newRow("trailing") << "12abc" << qint64(-1);
    QTest::newRow("space") << "12 " << qint64(-1);
    QTest::newRow("fraction") << "0.5" << qint64(-1);
    QTest::newRow("empty") << "" << qint64(-1);
}

void TestLimits::memoryLimitParsing() {
    QFETCH(QString, text);
    QFETCH(qint64, mb);
    const QString err = parameterError([&] { QCOMPARE(qint64(parseMemoryLimitMb(text.toStdString())), mb); });
    if (mb >= 0) {
        QVERIFY2(err.isEmpty(), qPrintable(err));
    } else {
        QVERIFY2(err.contains("TCONV_MEMORY_LIMIT_MB='" + text + "'"), qPrintable(err));
        QVERIFY2(err.contains("whole number of MiB from 1 to 1099511627776"), qPrintable(err));
    }
}

void TestLimits::memoryLimitFromEnvironment() {
    qputenv("TCONV_MEMORY_LIMIT_MB", "garbage");
    QVERIFY(parameterError([] { defaultResourceLimits(); }).contains("'garbage'"));
    qputenv("TCONV_MEMORY_LIMIT_MB", "64");
    const uint64_t mb64 = 64ull << 20;
    const std::optional<uint64_t> cgroup = cgroupMemoryLimitBytes();
    QCOMPARE(quint64(defaultResourceLimits().maxOutputBytes), quint64(cgroup ? std::min(mb64, *cgroup) : mb64));
    qunsetenv("TCONV_MEMORY_LIMIT_MB");
    const uint64_t def = defaultResourceLimits().maxOutputBytes;
    QVERIFY(def > 0);
    if (cgroup) QVERIFY(def <= *cgroup / 2);
    if (physicalMemoryBytes()) QVERIFY(def <= physicalMemoryBytes() / 2);
}

void TestLimits::bytesTextNeverSaysZero() {
    QCOMPARE(QString::fromStdString(bytesText(0)), QString("0 bytes"));
    QCOMPARE(QString::fromStdString(bytesText(1)), QString("1 byte"));
    QCOMPARE(QString::fromStdString(bytesText(900)), QString("900 bytes"));
    QCOMPARE(QString::fromStdString(bytesText(1536)), QString("1.5 KiB"));
    QCOMPARE(QString::fromStdString(bytesText(10ull << 20)), QString("10.0 MiB"));
    QCOMPARE(QString::fromStdString(bytesText(3ull << 40)), QString("3.0 TiB"));
    QCOMPARE(QString::fromStdString(bytesText(UINT64_MAX)), QString("more than 16 EiB"));
}

void TestLimits::sizesSaturate() {
    const Shape4 huge{1 << 20, 1 << 20, 1 << 20, 1 << 20};  // 2^80 elements
    QCOMPARE(huge.count(), INT64_MAX);
    QCOMPARE(Shape4({2, 3, 4, 5}).count(), int64_t(120));
    QCOMPARE(Shape4({0, 3, 1 << 30, 1 << 30}).count(), int64_t(0));
    QCOMPARE(quint64(tensorBytes(huge)), quint64(UINT64_MAX));
    QCOMPARE(quint64(tensorBytes(Shape4{1, 1, int64_t(1) << 31, int64_t(1) << 31})), quint64(UINT64_MAX));
    QCOMPARE(quint64(tensorBytes(Shape4{1, 3, 10, 10})), quint64(1200));
    QCOMPARE(quint64(addBytes(UINT64_MAX - 1, 5)), quint64(UINT64_MAX));
    QCOMPARE(quint64(mulBytes(uint64_t(1) << 40, uint64_t(1) << 40)), quint64(UINT64_MAX));
}

void TestLimits::tensorRefusesImpossibleShapes() {
    QVERIFY(!parameterError([] { Tensor t(Shape4{1 << 20, 1 << 20, 1 << 20, 1 << 20}); }).isEmpty());
    QVERIFY(!parameterError([] { Tensor t(Shape4{1, -3, 4, 4}); }).isEmpty());
    Tensor t(Shape4{1, 1, 2, 2});
    QVERIFY(!parameterError([&] { t.resize(Shape4{INT64_MAX, 2, 1, 1}); }).isEmpty());
    QCOMPARE(t.shape(), (Shape4{1, 1, 2, 2}));  // unchanged after the refusal
}

void TestLimits::outputExtentSaturates() {
    QCOMPARE(outputExtent(int64_t(1) << 40, 3, INT_MAX, 0, 0, 1), kMaxExtent);
    QCOMPARE(outputExtent(4, 3, 2, 1, 1, 1), int64_t(8));
    // Through validation: a clear refusal, no wrapped numbers.
    ConvParams p;
    p.kernel = 3;
    p.stride = Size2(INT_MAX, INT_MAX);
    const ConvProblem pr{Shape4{1, 1, int64_t(1) << 40, int64_t(1) << 40}, Shape4{1, 1, 3, 3}, -1, p};
    const QString err = parameterError([&] { validateProblem(pr, ResourceLimits{1ull << 30}); });
    QVERIFY2(err.contains("more than 2^62"), qPrintable(err));
    QVERIFY2(namesNoWrappedValue(err), qPrintable(err));
}

void TestLimits::kernelSizeCapped() {
    QCOMPARE(kMaxKernelSize, 255);
    ConvParams p;
    p.kernel = Size2(255, 255);
    validateParams(p);
    p.kernel = Size2(3, 256);
    const QString err = parameterError([&] { validateParams(p); });
    QVERIFY2(err.contains("at most 255") && err.contains("kernel_width: 256"), qPrintable(err));
    p.kernel = Size2(INT_MAX, 3);
    QVERIFY(parameterError([&] { validateParams(p); }).contains("kernel_height: 2147483647"));
}

void TestLimits::zohRepairWithHugeValues() {
    const Kernel2D k = [] {
        Kernel2D r(3, 3);
        for (float& v : r.taps) v = 1.0f;
        return r;
    }();
    ConvParams p;
    p.stride = 2;
    // d(k-1)+s overflowed int (UBSan) and the message named the wrapped size.
    p.dilation = Size2(INT_MAX / 2 + 7, 1);
    KernelRepair r = repairKernel(k, p, RepairMethod::ZeroOrderHold);
    QVERIFY(!r.ok);
    QVERIFY2(QString::fromStdString(r.reason).contains("maximum kernel size 255"), r.reason.c_str());
    QVERIFY2(namesNoWrappedValue(QString::fromStdString(r.reason)), r.reason.c_str());
    // A padding next to INT_MAX: the padding search ran in int.
    p.dilation = 1;
    p.padding = Size2(INT_MAX - 1, 0);
    p.stride = Size2(INT_MAX, 2);
    p.outputPadding = Size2(INT_MAX - 1, 0);
    r = repairKernel(k, p, RepairMethod::ZeroOrderHold);
    QVERIFY(!r.ok);
    QVERIFY2(namesNoWrappedValue(QString::fromStdString(r.reason)), r.reason.c_str());
    // A repair that works keeps working: k=3, s=2 -> a 4-tap kernel.
    p = ConvParams{};
    p.stride = 2;
    r = repairKernel(k, p, RepairMethod::ZeroOrderHold);
    QVERIFY(r.ok);
    QCOMPARE(r.kernel.h, 4);
}

void TestLimits::resizeConvWithHugeValues() {
    std::unique_ptr<Backend> backend = createBackend(BackendKind::Cpu);
    const Tensor x(Shape4{1, 1, 4, 4}, 0.5f);
    const ResourceLimits limits{1ull << 30};
    for (ResizeMode mode : {ResizeMode::Nearest, ResizeMode::Bilinear}) {
        ResizeConvOptions o;
        o.resize = mode;
        // Padding p + (s-1)/2 past INT_MAX (fastAxis), and a kernel extent
        // d(k-1)+1 of about 2^32 (the zoh kernel and the correlation padding).
        ConvParams p;
        p.kernel = 3;
        p.stride = 3;
        p.padding = INT_MAX;
        p.dilation = INT_MAX;
        const QString err = parameterError([&] {
            Tensor out;
            resizeConv2d(x, boxLayer(p), o, *backend, out, limits);
        });
        QVERIFY2(!err.isEmpty(), "accepted");
        QVERIFY2(namesNoWrappedValue(err), qPrintable(err));
        // Dilation alone large, output small: the intermediate is what is refused.
        p.padding = 1 << 20;
        p.dilation = 1 << 20;
        const QString err2 = parameterError([&] {
            Tensor out;
            resizeConv2d(x, boxLayer(p), o, *backend, out, ResourceLimits{10ull << 20});
        });
        QVERIFY2(err2.contains("memory limit of 10.0 MiB") && err2.contains("resize-conv"), qPrintable(err2));
        QVERIFY2(namesNoWrappedValue(err2), qPrintable(err2));
    }
}

void TestLimits::peakMemoryNamesItsParts() {
    PeakMemory peak;
    peak.add("input", 3ull << 20);
    peak.add("nothing", 0);
    peak.add("output", 12ull << 20);
    QCOMPARE(quint64(peak.total()), quint64(15ull << 20));
    peak.check(ResourceLimits{16ull << 20}, "job");
    peak.check(ResourceLimits{}, "job");  // 0: no limit
    const QString err = parameterError([&] { peak.check(ResourceLimits{10ull << 20}, "the job"); });
    QVERIFY2(err.startsWith("the job would need 15.0 MiB"), qPrintable(err));
    QVERIFY2(err.contains("output 12.0 MiB, input 3.0 MiB") && !err.contains("nothing"), qPrintable(err));
    QVERIFY2(err.contains("memory limit of 10.0 MiB") && err.contains("TCONV_MEMORY_LIMIT_MB"), qPrintable(err));
    peak.add("everything", UINT64_MAX);
    QCOMPARE(quint64(peak.total()), quint64(UINT64_MAX));
}

QTEST_GUILESS_MAIN(TestLimits)
#include "test_limits.moc"
