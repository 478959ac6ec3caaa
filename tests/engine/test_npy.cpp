// SPDX-License-Identifier: MIT
// .npy reading and writing: round trips, every supported dtype and header
// version (files built byte by byte here, no NumPy needed), and clean refusals
// of the malformed files users will feed.
#include <QtTest>

#include <cstring>

#include "core/ConvError.h"
#include "core/NpyFile.h"

using namespace tconv;

namespace {

// A complete .npy file: magic, version, header length (2 bytes for 1.0, 4 for
// 2.0/3.0), the dict padded with spaces to a 64-byte boundary, then the data.
QByteArray npyFile(int major, const QByteArray& dict, const QByteArray& data, bool pad = true) {
    const int prefix = major == 1 ? 10 : 12;
    QByteArray header = dict;
    if (pad)
        while ((prefix + header.size() + 1) % 64) header += ' ';
    header += '\n';
    QByteArray f("\x93NUMPY", 6);
    f += char(major);
    f += char(0);
    const quint32 len = quint32(header.size());
    for (int i = 0; i < (major == 1 ? 2 : 4); ++i) f += char((len >> (8 * i)) & 0xff);
    return f + header + data;
}

template <typename T>
QByteArray bytesOf(const std::vector<T>& v) {
    return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size() * sizeof(T)));
}

}  // namespace

class TestNpy : public QObject {
    Q_OBJECT
private slots:
    void init() { QVERIFY(dir_.isValid()); }
    void roundTrip_data();
    void roundTrip();
    void writtenHeaderIsNumpyCompatible();
    void readsEveryDtype_data();
    void readsEveryDtype();
    void readsHeaderVersions_data();
    void readsHeaderVersions();
    void readsUnusualButValidHeaders();
    void refusesBadFiles_data();
    void refusesBadFiles();
    void refusesMissingFileAndDirectory();
    void hugeClaimedShapeDoesNotAllocate();
    void writeToMissingFolderFails();

private:
    QString write(const QString& name, const QByteArray& bytes) {
        const QString path = dir_.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) qFatal("cannot write test file");
        return path;
    }
    QTemporaryDir dir_;
};

void TestNpy::roundTrip_data() {
    QTest::addColumn<QList<qint64>>("shape");
    QTest::newRow("H,W") << QList<qint64>{3, 5};
    QTest::newRow("H,W,C") << QList<qint64>{4, 2, 3};
    QTest::newRow("4-D weight") << QList<qint64>{3, 2, 4, 4};
    QTest::newRow("1-D") << QList<qint64>{7};
    QTest::newRow("1x1") << QList<qint64>{1, 1};
    QTest::newRow("empty axis") << QList<qint64>{0, 4};
}

void TestNpy::roundTrip() {
    QFETCH(QList<qint64>, shape);
    std::vector<int64_t> s(shape.begin(), shape.end());
    int64_t n = 1;
    for (int64_t d : s) n *= d;
    std::vector<float> v(static_cast<size_t>(n));
    for (size_t i = 0; i < v.size(); ++i) v[i] = float(i) * 0.37f - 3.5f + (i % 3 ? 1e-7f : -1e30f);
    const std::string path = dir_.filePath("rt.npy").toStdString();
    writeNpy(path, s, v.data());
    const NpyArray a = readNpy(path);
    QCOMPARE(a.shape, s);
    QCOMPARE(a.dtype, std::string("<f4"));
    QCOMPARE(a.values, v);  // bit-exact
}

void TestNpy::writtenHeaderIsNumpyCompatible() {
    const std::string path = dir_.filePath("h.npy").toStdString();
    const std::vector<float> v{1, 2, 3, 4, 5};
    writeNpy(path, {5}, v.data());
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray b = f.readAll();
    QCOMPARE(b.left(8), QByteArray("\x93NUMPY\x01\x00", 8));
    const int hlen = quint8(b[8]) | (quint8(b[9]) << 8);
    QCOMPARE((10 + hlen) % 64, 0);  // data aligned as NumPy does
    const QByteArray header = b.mid(10, hlen);
    QVERIFY(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"));
    QVERIFY(header.endsWith('\n'));
    QCOMPARE(b.size(), 10 + hlen + 20);
    float first;
    std::memcpy(&first, b.constData() + 10 + hlen, 4);
    QCOMPARE(first, 1.0f);
}

void TestNpy::readsEveryDtype_data() {
    QTest::addColumn<QByteArray>("descr");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<std::vector<float>>("expected");
    QTest::newRow("float32") << QByteArray("<f4") << bytesOf(std::vector<float>{0.5f, -2, 3e9f, 1e-8f})
                             << std::vector<float>{0.5f, -2, 3e9f, 1e-8f};
    QTest::newRow("float64") << QByteArray("<f8") << bytesOf(std::vector<double>{0.1, -2.5, 1e300, 3})
                             << std::vector<float>{0.1f, -2.5f, INFINITY, 3};
    QTest::newRow("uint8") << QByteArray("|u1") << bytesOf(std::vector<uint8_t>{0, 1, 128, 255})
                           << std::vector<float>{0, 1, 128, 255};
    QTest::newRow("uint16") << QByteArray("<u2") << bytesOf(std::vector<uint16_t>{0, 256, 40000, 65535})
                            << std::vector<float>{0, 256, 40000, 65535};
}

void TestNpy::readsEveryDtype() {
    QFETCH(QByteArray, descr);
    QFETCH(QByteArray, data);
    QFETCH(std::vector<float>, expected);
    const QString path =
        write("d.npy", npyFile(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2, 2), }", data));
    const NpyArray a = readNpy(path.toStdString());
    QCOMPARE(a.shape, (std::vector<int64_t>{2, 2}));
    QCOMPARE(a.dtype, descr.toStdString());
    QCOMPARE(a.values, expected);  // raw values: scaling to [0,1] is the image loader's job
}

void TestNpy::readsHeaderVersions_data() {
    QTest::addColumn<int>("major");
    QTest::newRow("1.0") << 1;
    QTest::newRow("2.0") << 2;
    QTest::newRow("3.0") << 3;
}

void TestNpy::readsHeaderVersions() {
    QFETCH(int, major);
    const QString path = write("v.npy", npyFile(major, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }",
                                                bytesOf(std::vector<float>{1, 2, 3})));
    const NpyArray a = readNpy(path.toStdString());
    QCOMPARE(a.shape, (std::vector<int64_t>{1, 3}));
    QCOMPARE(a.values, (std::vector<float>{1, 2, 3}));
}

void TestNpy::readsUnusualButValidHeaders() {
    // Other key order, no trailing comma, no padding, a 1-D shape and a scalar.
    QString path = write("u.npy", npyFile(1, "{'shape': (3,), 'fortran_order': False, 'descr': '<f4'}",
                                          bytesOf(std::vector<float>{4, 5, 6}), false));
    NpyArray a = readNpy(path.toStdString());
    QCOMPARE(a.shape, std::vector<int64_t>{3});
    QCOMPARE(a.values, (std::vector<float>{4, 5, 6}));
    path = write("s.npy",
                 npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", bytesOf(std::vector<float>{7})));
    a = readNpy(path.toStdString());
    QVERIFY(a.shape.empty());
    QCOMPARE(a.values, std::vector<float>{7});
}

void TestNpy::refusesBadFiles_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expectedWords");
    const QByteArray four = bytesOf(std::vector<float>{1, 2, 3, 4});
    const QByteArray ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
    QTest::newRow("empty file") << QByteArray() << "empty";
    QTest::newRow("bad magic") << QByteArray("PK\x03\x04 this is a zip file, not npy") << "not an .npy";
    QTest::newRow("png") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << "not an .npy";
    QTest::newRow("magic only") << QByteArray("\x93NUMPY", 6) << "truncated";
    QTest::newRow("header cut") << npyFile(1, ok, four).left(30) << "truncated";
    QTest::newRow("data cut") << npyFile(1, ok, four).chopped(3) << "truncated";
    QTest::newRow("no data") << npyFile(1, ok, QByteArray()) << "truncated";
    QTest::newRow("fortran order") << npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", four)
                                   << "Fortran";
    QTest::newRow("big-endian") << npyFile(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", four)
                                << "big-endian";
    QTest::newRow("int32") << npyFile(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", four)
                           << "unsupported dtype '<i4'";
    QTest::newRow("complex") << npyFile(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", four)
                             << "unsupported dtype";
    QTest::newRow("object") << npyFile(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", four)
                            << "unsupported dtype";
    QTest::newRow("version 4") << npyFile(4, ok, four) << "version 4";
    QTest::newRow("garbage header") << npyFile(1, "hello there", four) << "malformed";
    QTest::newRow("negative dim") << npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 2), }", four)
                                  << "malformed";
    QTest::newRow("missing shape") << npyFile(1, "{'descr': '<f4', 'fortran_order': False, }", four) << "malformed";
    QTest::newRow("unterminated") << npyFile(1, "{'descr': '<f4, 'fortran_order': False", four) << "malformed";
}

void TestNpy::refusesBadFiles() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expectedWords);
    const QString path = write("bad.npy", bytes);
    try {
        readNpy(path.toStdString());
        QFAIL("accepted a bad file");
    } catch (const ProcessingError& e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains(expectedWords), e.what());
        QVERIFY2(msg.contains(path), e.what());  // names the file
        QVERIFY2(!msg.contains('\n'), e.what());
    }
}

void TestNpy::refusesMissingFileAndDirectory() {
    try {
        readNpy(dir_.filePath("nosuch.npy").toStdString());
        QFAIL("read a missing file");
    } catch (const ProcessingError& e) {
        QVERIFY2(QString(e.what()).contains("No such file"), e.what());
    }
    try {
        readNpy(dir_.path().toStdString());
        QFAIL("read a directory");
    } catch (const ProcessingError& e) {
        QVERIFY2(QString(e.what()).contains("directory"), e.what());
    }
}

void TestNpy::hugeClaimedShapeDoesNotAllocate() {
    // 1e12 float64 values claimed, 32 bytes present: refused from the file size.
    const QString path =
        write("huge.npy", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }",
                                  bytesOf(std::vector<double>{1, 2, 3, 4})));
    QVERIFY_THROWS_EXCEPTION(ProcessingError, readNpy(path.toStdString()));
    const QString overflow = write(
        "ovf.npy", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999, 99999999999999), }",
                           QByteArray(16, 0)));
    QVERIFY_THROWS_EXCEPTION(ProcessingError, readNpy(overflow.toStdString()));
}

void TestNpy::writeToMissingFolderFails() {
    const std::vector<float> v{1};
    QVERIFY_THROWS_EXCEPTION(ProcessingError,
                             writeNpy(dir_.filePath("no/such/dir/x.npy").toStdString(), {1}, v.data()));
}

QTEST_APPLESS_MAIN(TestNpy)
#include "test_npy.moc"
