// SPDX-License-Identifier: MIT
// Golden vectors from PyTorch (tests/fixtures/golden, written by
// tests/generate_golden.py; format in tests/fixtures/README.md): the reference
// and the CPU backend must reproduce every accepted case to 1e-5 of
// max|expected|, and validation must refuse every case PyTorch refuses.
#include <QDir>
#include <QtTest>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/BackendFactory.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/ReferenceConvTranspose.h"
#include "core/Validation.h"

using namespace tconv;

namespace {

struct GoldenCase {
    std::string name;
    bool accepted = false;
    ConvParams params;
    Shape4 input, weight, output;
    int64_t biasSize = -1;
    std::vector<float> inputValues, weightValues, biasValues, outputValues;
    std::string torchError;
};

// Reads a "tconv-golden 1" file; throws std::runtime_error naming the file and line.
class GoldenReader {
public:
    explicit GoldenReader(const std::string& path) : path_(path) {
        std::ifstream f(path);
        if (!f) throw std::runtime_error("cannot open " + path);
        for (std::string line; std::getline(f, line);) lines_.push_back(line);
    }

    GoldenCase read() {
        GoldenCase c;
        if (next() != "tconv-golden 1") fail("expected the header 'tconv-golden 1'");
        c.name = key("name");
        const std::string status = key("status");
        if (status != "ok" && status != "reject") fail("status must be ok or reject");
        c.accepted = status == "ok";
        c.params.stride = size2(key("stride"));
        c.params.padding = size2(key("padding"));
        c.params.outputPadding = size2(key("output_padding"));
        c.params.dilation = size2(key("dilation"));
        c.params.groups = static_cast<int>(ints(key("groups"), 1)[0]);
        c.input = shape(key("input"));
        c.weight = shape(key("weight"));
        // PyTorch takes the kernel size from the weight's shape.
        c.params.kernel = Size2(static_cast<int>(c.weight.h), static_cast<int>(c.weight.w));
        c.biasSize = ints(key("bias"), 1)[0];
        if (!c.accepted) {
            c.torchError = key("torch_error");
            return c;
        }
        c.output = shape(key("output"));
        c.inputValues = values("input", c.input.count());
        c.weightValues = values("weight", c.weight.count());
        if (c.biasSize >= 0) c.biasValues = values("bias", c.biasSize);
        c.outputValues = values("output", c.output.count());
        if (pos_ != lines_.size()) fail("unexpected text after the output values");
        return c;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error(path_ + ":" + std::to_string(pos_) + ": " + what);
    }
    const std::string& next() {
        if (pos_ >= lines_.size()) fail("unexpected end of file");
        return lines_[pos_++];
    }
    // The line after "<name> ", which must be the next line's key.
    std::string key(const std::string& name) {
        const std::string& line = next();
        if (line.rfind(name + " ", 0) != 0) fail("expected '" + name + " ...'");
        return line.substr(name.size() + 1);
    }
    std::vector<int64_t> ints(const std::string& text, size_t count) {
        std::istringstream in(text);
        std::vector<int64_t> v(count);
        for (auto& x : v)
            if (!(in >> x)) fail("expected " + std::to_string(count) + " integers");
        std::string extra;
        if (in >> extra) fail("unexpected '" + extra + "'");
        return v;
    }
    Size2 size2(const std::string& text) {
        const auto v = ints(text, 2);
        return Size2(static_cast<int>(v[0]), static_cast<int>(v[1]));
    }
    Shape4 shape(const std::string& text) {
        const auto v = ints(text, 4);
        return Shape4{v[0], v[1], v[2], v[3]};
    }
    std::vector<float> values(const std::string& name, int64_t expected) {
        std::istringstream head(key("values"));
        std::string got;
        int64_t count = -1;
        head >> got >> count;
        if (got != name || count != expected) fail("expected 'values " + name + " " + std::to_string(expected) + "'");
        std::vector<float> v;
        v.reserve(static_cast<size_t>(count));
        while (static_cast<int64_t>(v.size()) < count) {
            std::istringstream in(next());
            for (std::string tok; in >> tok;) {
                char* end = nullptr;
                const float x = std::strtof(tok.c_str(), &end);
                if (end != tok.c_str() + tok.size()) fail("not a number: '" + tok + "'");
                v.push_back(x);
            }
        }
        if (static_cast<int64_t>(v.size()) != count) fail("too many values for " + name);
        return v;
    }

    std::string path_;
    std::vector<std::string> lines_;
    size_t pos_ = 0;
};

QString goldenDir() { return QStringLiteral(TCONV_FIXTURES_DIR "/golden"); }

QStringList goldenFiles() { return QDir(goldenDir()).entryList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name); }

GoldenCase load(const QString& file) { return GoldenReader((goldenDir() + "/" + file).toStdString()).read(); }

Tensor tensorOf(const Shape4& s, const std::vector<float>& values) {
    Tensor t(s);
    t.storage() = values;
    return t;
}

ConvLayer layerOf(const GoldenCase& c) {
    ConvLayer layer;
    layer.params = c.params;
    layer.weight = tensorOf(c.weight, c.weightValues);
    layer.bias = c.biasValues;
    return layer;
}

// Empty when `got` matches PyTorch within 1e-5 * max|expected|; else a message
// naming the first bad element.
std::string compare(const char* who, const Tensor& got, const GoldenCase& c) {
    if (!(got.shape() == c.output))
        return std::string(who) + ": shape " + shapeText(got.shape()) + " != " + shapeText(c.output);
    double maxAbs = 0;
    for (float v : c.outputValues) maxAbs = std::max(maxAbs, std::fabs(double(v)));
    const double tol = 1e-5 * maxAbs;
    int64_t bad = 0, first = -1;
    for (int64_t i = 0; i < got.size(); ++i)
        if (!(std::fabs(double(got.data()[i]) - c.outputValues[size_t(i)]) <= tol) && bad++ == 0) first = i;
    if (bad == 0) return {};
    const Shape4& s = c.output;
    std::ostringstream o;
    o << who << ": " << bad << " of " << got.size() << " values off by more than " << tol << "; first at (n,c,y,x)=("
      << first / (s.c * s.h * s.w) << "," << first / (s.h * s.w) % s.c << "," << first / s.w % s.h << "," << first % s.w
      << "): got " << got.data()[first] << ", PyTorch " << c.outputValues[size_t(first)];
    return o.str();
}

}  // namespace

class TestGolden : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void fixturesPresent();
    void accepted_data();
    void accepted();
    void rejected_data();
    void rejected();

private:
    std::unique_ptr<Backend> cpu_;
};

void TestGolden::initTestCase() { cpu_ = createBackend(BackendKind::Cpu); }

void TestGolden::fixturesPresent() {
    QVERIFY2(QDir(goldenDir()).exists(), qPrintable("missing fixture folder " + goldenDir()));
    int ok = 0, reject = 0;
    for (const QString& f : goldenFiles()) {
        try {
            (load(f).accepted ? ok : reject)++;
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }
    // generate_golden.py writes 64 accepted and 19 rejected cases.
    QVERIFY2(ok >= 60, qPrintable(QString("only %1 accepted golden cases in %2").arg(ok).arg(goldenDir())));
    QVERIFY2(reject >= 15, qPrintable(QString("only %1 rejected golden cases in %2").arg(reject).arg(goldenDir())));
}

namespace {

// One row per fixture of the kind (file names mark rejected cases).
void addFixtureRows(bool rejectedCases) {
    QTest::addColumn<QString>("file");
    int rows = 0;
    for (const QString& f : goldenFiles())
        if (f.contains("_reject_") == rejectedCases) {
            QTest::newRow(qPrintable(f)) << f;
            ++rows;
        }
    // Qt Test aborts on a data function without rows; fail cleanly instead.
    if (rows == 0)
        QTest::newRow(rejectedCases ? "no rejected golden fixtures" : "no accepted golden fixtures") << QString();
}

}  // namespace

void TestGolden::accepted_data() { addFixtureRows(false); }

void TestGolden::accepted() {
    QFETCH(QString, file);
    if (file.isEmpty()) QFAIL(qPrintable("no golden fixtures in " + goldenDir()));
    GoldenCase c;
    try {
        c = load(file);
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
    QVERIFY2(c.accepted, "a file not named *_reject_* must hold an accepted case");
    const ConvLayer layer = layerOf(c);
    const Tensor input = tensorOf(c.input, c.inputValues);
    QCOMPARE(validateProblem(layer.problemFor(c.input)), c.output);
    const std::string ref = compare("reference", referenceConvTranspose2d(input, layer), c);
    QVERIFY2(ref.empty(), ref.c_str());
    const std::string cpu = compare(cpu_->description().c_str(), convTranspose2d(input, layer, *cpu_), c);
    QVERIFY2(cpu.empty(), cpu.c_str());
}

void TestGolden::rejected_data() { addFixtureRows(true); }

void TestGolden::rejected() {
    QFETCH(QString, file);
    if (file.isEmpty()) QFAIL(qPrintable("no golden fixtures in " + goldenDir()));
    GoldenCase c;
    try {
        c = load(file);
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
    QVERIFY2(!c.accepted, "a *_reject_* file must hold a rejected case");
    const ConvProblem problem{c.input, c.weight, c.biasSize, c.params};
    QVERIFY_THROWS_EXCEPTION(ParameterError, validateProblem(problem));
    // The front door and the reference refuse it too, before computing anything.
    ConvLayer layer;
    layer.params = c.params;
    layer.weight = Tensor(c.weight, 0.5f);
    if (c.biasSize >= 0) layer.bias.assign(size_t(c.biasSize), 0.0f);
    const Tensor input(c.input, 1.0f);
    QVERIFY_THROWS_EXCEPTION(ParameterError, referenceConvTranspose2d(input, layer));
    QVERIFY_THROWS_EXCEPTION(ParameterError, convTranspose2d(input, layer, *cpu_));
}

QTEST_APPLESS_MAIN(TestGolden)
#include "test_golden.moc"
