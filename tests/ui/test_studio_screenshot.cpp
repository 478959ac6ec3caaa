// SPDX-License-Identifier: MIT
// `tconv-studio --screenshot`: writes a non-empty PNG of the window after the
// computation, with the CLI's parameter options; clear failures otherwise.
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestStudioScreenshot : public QObject {
    Q_OBJECT
private slots:
    void writesAPng_data();
    void writesAPng();
    void badParametersStillRenderTheMessage();
    void unreadableImageFails();
    void writesTheFormatItsExtensionNames();
    void unknownExtensionIsRefused();
    void unknownSampleOrThemeIsRefused();
    void kernelAboveTheCapIsRefusedNotACrash();
    void helpNamesNoInternalPaths();
    void malformedMemoryLimitIsAUsageError();

private:
    int run(const QStringList& args, QString* err = nullptr, const QString& memoryLimit = {});
};

int TestStudioScreenshot::run(const QStringList& args, QString* err, const QString& memoryLimit) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    if (!memoryLimit.isNull()) env.insert("TCONV_MEMORY_LIMIT_MB", memoryLimit);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(TCONV_STUDIO_EXE), args);
    if (!p.waitForFinished(120000)) return -1;
    if (err) *err = QString::fromLocal8Bit(p.readAllStandardError());
    return p.exitCode();
}

void TestStudioScreenshot::writesAPng_data() {
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QSize>("size");
    QTest::newRow("default grid") << QStringList{} << QSize(1480, 940);
    QTest::newRow("result, apply options")
        << QStringList{"--view", "result", "--kernel", "bilinear", "--stride", "3", "--size", "760x1200"}
        << QSize(1200, 760);
    QTest::newRow("heatmap") << QStringList{"--view",    "heatmap", "--kernel-size", "3",   "--stride", "2",
                                            "--padding", "1",       "--kernel",      "box", "--size",   "700x1100"}
                             << QSize(1100, 700);
    QTest::newRow("compare, tutorial") << QStringList{"--view",       "compare", "--tutorial",
                                                      "case2-stride", "--size",  "700x1100"}
                                       << QSize(1100, 700);
}

void TestStudioScreenshot::writesAPng() {
    QFETCH(QStringList, extra);
    QFETCH(QSize, size);
    QTemporaryDir dir;
    const QString out = dir.filePath("shot.png");
    QString err;
    QCOMPARE(run(QStringList{"--screenshot", out} + extra, &err), 0);
    QVERIFY2(QFileInfo(out).size() > 10000, qPrintable(err));
    const QImage img(out);
    QVERIFY(!img.isNull());
    QCOMPARE(img.size(), size);
    // Not blank: a screenshot of the window has many distinct colours.
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 7)
        for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
    QVERIFY(colours.size() > 50);
}

void TestStudioScreenshot::badParametersStillRenderTheMessage() {
    QTemporaryDir dir;
    const QString out = dir.filePath("bad.png");
    QString err;
    QCOMPARE(
        run({"--screenshot", out, "--kernel", "box", "--kernel-size", "3", "--stride", "2", "--output-padding", "3"},
            &err),
        2);
    QVERIFY2(err.contains("output padding must be smaller"), qPrintable(err));
    QVERIFY(QFileInfo(out).size() > 0);
    QCOMPARE(run({"--screenshot", out, "--stride", "zero"}, &err), 2);
    QVERIFY(err.contains("--stride"));
}

void TestStudioScreenshot::unreadableImageFails() {
    QTemporaryDir dir;
    const QString out = dir.filePath("x.png");
    QString err;
    QCOMPARE(run({"--screenshot", out, dir.filePath("missing.png")}, &err), 1);
    QVERIFY(err.contains("missing.png"));
    QVERIFY(!QFileInfo::exists(out));
}

void TestStudioScreenshot::writesTheFormatItsExtensionNames() {
    QTemporaryDir dir;
    const QList<QPair<QString, QByteArray>> cases{{"shot.jpg", QByteArray("\xff\xd8\xff", 3)},
                                                  {"shot.JPEG", QByteArray("\xff\xd8\xff", 3)},
                                                  {"shot.bmp", QByteArray("BM")},
                                                  {"shot.png", QByteArray("\x89PNG")}};
    for (const auto& [name, magic] : cases) {
        const QString out = dir.filePath(name);
        QString err;
        QCOMPARE(run({"--screenshot", out, "--sample", "chart", "--size", "700x1000"}, &err), 0);
        QFile f(out);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(name + ": " + err));
        QVERIFY2(f.read(magic.size()) == magic, qPrintable(name));
    }
}

void TestStudioScreenshot::unknownExtensionIsRefused() {
    QTemporaryDir dir;
    for (const QString& name : {QStringLiteral("shot.xyz"), QStringLiteral("shot")}) {
        const QString out = dir.filePath(name);
        QString err;
        QCOMPARE(run({"--screenshot", out}, &err), 2);
        QVERIFY2(err.contains(".png") && err.contains(".jpg"), qPrintable(err));
        QVERIFY(!QFileInfo::exists(out));
    }
}

void TestStudioScreenshot::unknownSampleOrThemeIsRefused() {
    QTemporaryDir dir;
    const QString out = dir.filePath("x.png");
    QString err;
    QCOMPARE(run({"--screenshot", out, "--sample", "zoneplat"}, &err), 2);
    QVERIFY2(err.contains("zoneplat") && err.contains("zoneplate, chart"), qPrintable(err));
    QCOMPARE(run({"--screenshot", out, "--theme", "solarized"}, &err), 2);
    QVERIFY2(err.contains("solarized") && err.contains("light") && err.contains("dark"), qPrintable(err));
    QVERIFY(!QFileInfo::exists(out));
}

void TestStudioScreenshot::kernelAboveTheCapIsRefusedNotACrash() {
    QTemporaryDir dir;
    const QString out = dir.filePath("big.png");
    QString err;
    QCOMPARE(run({"--screenshot", out, "--kernel", "box", "--kernel-size", "4096"}, &err), 2);
    QVERIFY2(err.contains("255"), qPrintable(err));
}

void TestStudioScreenshot::helpNamesNoInternalPaths() {
    QProcess p;
    p.start(QStringLiteral(TCONV_STUDIO_EXE), {"--help"});
    QVERIFY(p.waitForFinished(30000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(out.contains("case2-stride"));
    QVERIFY2(!out.contains("shared/") && !out.contains("seeds"), qPrintable(out));
}

// The studio parses TCONV_MEMORY_LIMIT_MB as strictly as tconv: garbage is a
// usage error (exit 2, the value named), never an uncaught exception later.
void TestStudioScreenshot::malformedMemoryLimitIsAUsageError() {
    QTemporaryDir dir;
    const QString out = dir.filePath("m.png");
    for (const QString& bad : {QStringLiteral("lots"), QStringLiteral("-5"), QStringLiteral("0")}) {
        QString err;
        QCOMPARE(run({"--screenshot", out, "--sample", "zoneplate"}, &err, bad), 2);
        QVERIFY2(err.contains("TCONV_MEMORY_LIMIT_MB") && err.contains(bad), qPrintable(err));
        QVERIFY(!QFileInfo::exists(out));
    }
    QCOMPARE(run({"--screenshot", out, "--sample", "zoneplate"}, nullptr, QStringLiteral("512")), 0);
    QVERIFY(QFileInfo::exists(out));
}

QTEST_MAIN(TestStudioScreenshot)
#include "test_studio_screenshot.moc"
