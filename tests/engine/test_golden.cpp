// SPDX-License-Identifier: MIT
// Golden vectors from PyTorch (tests/fixtures/golden, written by
// tests/generate_golden.py; format in tests/fixtures/README.md): the reference
// and the CPU backend must reproduce every accepted case to 1e-5 of
// max|expected|, and validation must refuse every case PyTorch refuses.
// Per-side padding cases (ONNX pads, PyTorch's output cropped) and auto_pad
// cases go through the same checks, the auto_pad ones with the engine's own
// solver (core/AutoPad.h); so do ONNX's own ConvTranspose conformance cases
// (tests/fixtures/golden_onnx, same script and format).
#include <QDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/BackendFactory.h"
#include "common/TestPrinters.h"
#include "core/AutoPad.h"
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
    AutoPad autoPad = AutoPad::NotSet;  // ONNX auto_pad, resolved by the engine (resolvedParams)
    std::optional<Size2> outputShape;   // ONNX output_shape, likewise
};

// The parameters the engine runs: auto_pad and output_shape solved by core/AutoPad.h.
ConvParams resolvedParams(const GoldenCase& c) {
    if (c.outputShape)
        return withOutputShape(c.params, c.autoPad, c.input.h, c.input.w, c.outputShape->h, c.outputShape->w);
    return withAutoPad(c.params, c.autoPad);
}

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
        if (peek("padding_end")) c.params.paddingEnd = size2(key("padding_end"));
        c.params.outputPadding = size2(key("output_padding"));
        c.params.dilation = size2(key("dilation"));
        c.params.groups = static_cast<int>(ints(key("groups"), 1)[0]);
        if (peek("auto_pad")) {
            const std::string mode = key("auto_pad");
            const auto parsed = parseAutoPad(mode);
            if (!parsed) fail("unknown auto_pad '" + mode + "'");
            c.autoPad = *parsed;
        }
        if (peek("output_shape")) c.outputShape = size2(key("output_shape"));
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
    // Whether the next line is an optional "<name> ..." line.
    bool peek(const std::string& name) const { return pos_ < lines_.size() && lines_[pos_].rfind(name + " ", 0) == 0; }
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
QString onnxDir() { return QStringLiteral(TCONV_FIXTURES_DIR "/golden_onnx"); }

QStringList filesIn(const QString& dir) {
    return QDir(dir).entryList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name);
}
QStringList goldenFiles() { return filesIn(goldenDir()); }

GoldenCase loadFrom(const QString& dir, const QString& file) {
    return GoldenReader((dir + "/" + file).toStdString()).read();
}
GoldenCase load(const QString& file) { return loadFrom(goldenDir(), file); }

Tensor tensorOf(const Shape4& s, const std::vector<float>& values) {
    Tensor t(s);
    t.storage() = values;
    return t;
}

ConvLayer layerOf(const GoldenCase& c) {
    ConvLayer layer;
    layer.params = resolvedParams(c);
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
    void onnxConformance_data();
    void onnxConformance();
    void onnxConformanceCasesPresent();

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
    // generate_golden.py writes 64 + 31 (per-side padding and auto_pad) accepted and 19 rejected cases.
    QVERIFY2(ok >= 90, qPrintable(QString("only %1 accepted golden cases in %2").arg(ok).arg(goldenDir())));
    QVERIFY2(reject >= 15, qPrintable(QString("only %1 rejected golden cases in %2").arg(reject).arg(goldenDir())));
    int perSide = 0, autoPad = 0;
    for (const QString& f : goldenFiles()) {
        const GoldenCase c = load(f);
        perSide += hasAsymmetricPadding(c.params) ? 1 : 0;
        autoPad += c.autoPad != AutoPad::NotSet ? 1 : 0;
    }
    QVERIFY2(perSide >= 20, qPrintable(QString("only %1 per-side padding golden cases").arg(perSide)));
    QVERIFY2(autoPad >= 7, qPrintable(QString("only %1 auto_pad golden cases").arg(autoPad)));
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

// The checks of one accepted case: the output shape, the reference and the CPU backend.
void checkAccepted(const QString& dir, const QString& file, Backend& cpu) {
    if (file.isEmpty()) QFAIL(qPrintable("no golden fixtures in " + dir));
    GoldenCase c;
    try {
        c = loadFrom(dir, file);
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
    QVERIFY2(c.accepted, "a file not named *_reject_* must hold an accepted case");
    const ConvLayer layer = layerOf(c);
    const Tensor input = tensorOf(c.input, c.inputValues);
    QCOMPARE(validateProblem(layer.problemFor(c.input)), c.output);
    if ((c.autoPad == AutoPad::SameUpper || c.autoPad == AutoPad::SameLower) && !c.outputShape) {
        // ONNX: SAME_* make the output input * stride.
        QCOMPARE(c.output.h, c.input.h * c.params.stride.h);
        QCOMPARE(c.output.w, c.input.w * c.params.stride.w);
    }
    const std::string ref = compare("reference", referenceConvTranspose2d(input, layer), c);
    QVERIFY2(ref.empty(), ref.c_str());
    const std::string fast = compare(cpu.description().c_str(), convTranspose2d(input, layer, cpu), c);
    QVERIFY2(fast.empty(), fast.c_str());
}

void TestGolden::accepted() {
    QFETCH(QString, file);
    checkAccepted(goldenDir(), file, *cpu_);
}

void TestGolden::onnxConformance_data() {
    QTest::addColumn<QString>("file");
    for (const QString& f : filesIn(onnxDir())) QTest::newRow(qPrintable(f)) << f;
    if (filesIn(onnxDir()).isEmpty()) QTest::newRow("no ONNX conformance fixtures") << QString();
}

void TestGolden::onnxConformance() {
    QFETCH(QString, file);
    checkAccepted(onnxDir(), file, *cpu_);
}

// The cases that exercise pads, auto_pad and output_shape must be there.
void TestGolden::onnxConformanceCasesPresent() {
    const QStringList files = filesIn(onnxDir());
    for (const char* name :
         {"test_convtranspose_pads", "test_convtranspose_autopad_same", "test_convtranspose_output_shape",
          "test_convtranspose_kernel_shape", "test_convtranspose_dilations", "test_convtranspose_pad"}) {
        const bool found = std::any_of(files.begin(), files.end(),
                                       [&](const QString& f) { return f.endsWith(QString("_%1.txt").arg(name)); });
        QVERIFY2(found, qPrintable(QString("missing ONNX conformance case %1 in %2").arg(name, onnxDir())));
    }
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
