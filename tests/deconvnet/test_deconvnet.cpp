// SPDX-License-Identifier: MIT
// Issue 15: the forward conv2d (PyTorch golden vectors, seeded random cases
// against the reference on every backend path, the adjoint identity with
// conv_transpose2d) and deconvolutional networks (inference against an
// independent ISTA written here, monotone objectives, learning) and the
// `tconv deconvnet` CLI (its objective against the same ISTA, the saved maps
// re-evaluated independently, `tconv apply` reproducing the reconstruction,
// refusals with their exit codes).
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/DeconvLearning.h"
#include "analysis/DeconvNet.h"
#include "analysis/DeconvSpectralBound.h"
#include "backends/BackendFactory.h"
#include "common/ProcessResult.h"
#include "core/Conv2d.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/NpyFile.h"
#include "core/ReferenceConvTranspose.h"

using namespace tconv;

namespace {

Tensor randomTensor(Shape4 s, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f) {
    Tensor t(s);
    std::uniform_real_distribution<float> u(lo, hi);
    for (float& v : t.storage()) v = u(rng);
    return t;
}

// max |a - b| / (1 + max |b|), after checking the shapes.
double relativeError(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape()) return INFINITY;
    double diff = 0, scale = 0;
    for (int64_t i = 0; i < a.size(); ++i) {
        diff = std::max(diff, std::fabs(double(a.data()[i]) - b.data()[i]));
        scale = std::max(scale, std::fabs(double(b.data()[i])));
    }
    return diff / (1.0 + scale);
}

double dot(const Tensor& a, const Tensor& b) {
    double s = 0;
    for (int64_t i = 0; i < a.size(); ++i) s += double(a.data()[i]) * b.data()[i];
    return s;
}

struct GoldenCase {
    bool reject = false;
    std::string name, message;
    Shape4 input, weight;
    Conv2dLayer layer;
    Tensor in, out;
};

std::vector<float> numbers(std::istringstream& s) {
    std::vector<float> v;
    float x;
    while (s >> x) v.push_back(x);
    return v;
}

std::vector<GoldenCase> loadGolden() {
    std::ifstream f(TCONV_DECONVNET_FIXTURES "/conv2d_golden.txt");
    if (!f) throw std::runtime_error("missing " TCONV_DECONVNET_FIXTURES "/conv2d_golden.txt");
    std::vector<GoldenCase> cases;
    std::string line;
    while (std::getline(f, line)) {
        std::istringstream s(line);
        std::string tag;
        s >> tag;
        if (tag == "case" || tag == "reject") {
            GoldenCase c;
            c.reject = tag == "reject";
            int64_t n, cin, h, w, cout, last;
            Conv2dParams& p = c.layer.params;
            s >> c.name >> n >> cin >> h >> w >> cout >> p.kernel.h >> p.kernel.w >> p.stride.h >> p.stride.w >>
                p.padding.h >> p.padding.w >> p.dilation.h >> p.dilation.w >> p.groups >> last;
            c.input = Shape4{n, cin, h, w};
            c.weight = Shape4{cout, c.reject ? last : cin / p.groups, p.kernel.h, p.kernel.w};
            c.in = Tensor(c.input);
            c.layer.weight = Tensor(c.weight);
            if (!c.reject && last) c.layer.bias.assign(static_cast<size_t>(cout), 0.0f);
            cases.push_back(std::move(c));
        } else if (tag == "input") {
            cases.back().in.storage() = numbers(s);
        } else if (tag == "weight") {
            cases.back().layer.weight.storage() = numbers(s);
        } else if (tag == "bias") {
            cases.back().layer.bias = numbers(s);
        } else if (tag == "output") {
            int64_t oh, ow;
            s >> oh >> ow;
            GoldenCase& c = cases.back();
            c.out = Tensor(Shape4{c.input.n, c.weight.n, oh, ow});
            c.out.storage() = numbers(s);
        } else if (tag == "message") {
            std::getline(s >> std::ws, cases.back().message);
        }
    }
    return cases;
}

// ---- an independent deconvnet cost and ISTA (plain loops, double) ----------
// y[c][oy][ox] = sum_k sum_{ky,kx} z[k][oy + kh-1 - ky][ox + kw-1 - kx] * F[k][c][ky][kx]
struct PlainDeconv {
    const Tensor& image;    // (1, K0, H, W)
    const Tensor& filters;  // (K1, K0, kh, kw)
    double lambda;
    int64_t K1() const { return filters.shape().n; }
    int64_t K0() const { return filters.shape().c; }
    int64_t kh() const { return filters.shape().h; }
    int64_t kw() const { return filters.shape().w; }
    int64_t H() const { return image.shape().h; }
    int64_t W() const { return image.shape().w; }
    int64_t zh() const { return H() + kh() - 1; }
    int64_t zw() const { return W() + kw() - 1; }
    size_t zIndex(int64_t k, int64_t y, int64_t x) const { return static_cast<size_t>((k * zh() + y) * zw() + x); }
    size_t yIndex(int64_t c, int64_t y, int64_t x) const { return static_cast<size_t>((c * H() + y) * W() + x); }

    std::vector<double> synth(const std::vector<double>& z) const {
        std::vector<double> y(static_cast<size_t>(K0() * H() * W()), 0.0);
        for (int64_t c = 0; c < K0(); ++c)
            for (int64_t k = 0; k < K1(); ++k)
                for (int64_t ky = 0; ky < kh(); ++ky)
                    for (int64_t kx = 0; kx < kw(); ++kx) {
                        const double f = filters.at(k, c, ky, kx);
                        for (int64_t oy = 0; oy < H(); ++oy)
                            for (int64_t ox = 0; ox < W(); ++ox)
                                y[yIndex(c, oy, ox)] += f * z[zIndex(k, oy + kh() - 1 - ky, ox + kw() - 1 - kx)];
                    }
        return y;
    }
    std::vector<double> adjoint(const std::vector<double>& r) const {
        std::vector<double> g(static_cast<size_t>(K1() * zh() * zw()), 0.0);
        for (int64_t c = 0; c < K0(); ++c)
            for (int64_t k = 0; k < K1(); ++k)
                for (int64_t ky = 0; ky < kh(); ++ky)
                    for (int64_t kx = 0; kx < kw(); ++kx) {
                        const double f = filters.at(k, c, ky, kx);
                        for (int64_t oy = 0; oy < H(); ++oy)
                            for (int64_t ox = 0; ox < W(); ++ox)
                                g[zIndex(k, oy + kh() - 1 - ky, ox + kw() - 1 - kx)] += f * r[yIndex(c, oy, ox)];
                    }
        return g;
    }
    double cost(const std::vector<double>& z) const {
        const std::vector<double> y = synth(z);
        double data = 0, l1 = 0;
        for (size_t i = 0; i < y.size(); ++i) data += (y[i] - image.data()[i]) * (y[i] - image.data()[i]);
        for (double v : z) l1 += std::fabs(v);
        return 0.5 * lambda * data + l1;
    }
    // ISTA with step 1/L, L = lambda ||A||^2 from 200 power iterations (x1.01):
    // monotone, converges to the minimum.
    double istaMinimum(int iterations) const {
        std::vector<double> v(static_cast<size_t>(K1() * zh() * zw()), 1.0);
        double L = 0;
        for (int i = 0; i < 200; ++i) {
            double n = 0;
            for (double e : v) n += e * e;
            n = std::sqrt(n);
            for (double& e : v) e /= n;
            v = adjoint(synth(v));
            double m = 0;
            for (double e : v) m += e * e;
            L = std::sqrt(m);
        }
        L *= 1.01 * lambda;
        std::vector<double> z(v.size(), 0.0);
        for (int it = 0; it < iterations; ++it) {
            std::vector<double> r = synth(z);
            for (size_t i = 0; i < r.size(); ++i) r[i] = lambda * (r[i] - image.data()[i]);
            const std::vector<double> g = adjoint(r);
            for (size_t i = 0; i < z.size(); ++i) {
                const double u = z[i] - g[i] / L;
                z[i] = std::copysign(std::max(0.0, std::fabs(u) - 1.0 / L), u);
            }
        }
        return cost(z);
    }
};

// A smooth test image in [0, 1] with edges (so sparse maps explain it).
Tensor testImage(int64_t channels, int64_t h, int64_t w, uint64_t seed) {
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const float a = u(rng), b = u(rng), c = u(rng);
    Tensor t(Shape4{1, channels, h, w});
    for (int64_t ch = 0; ch < channels; ++ch)
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x) {
                const float v =
                    0.5f + 0.3f * std::sin(0.4f * x * a + 0.3f * y * b + ch) + (x + y * c > 0.6 * w ? 0.15f : -0.15f);
                t.at(0, ch, y, x) = std::clamp(v, 0.0f, 1.0f);
            }
    return t;
}

// Planar (1, C, H, W) from a .npy (H, W, C).
Tensor planarFromHwc(const NpyArray& a) {
    const int64_t h = a.shape.at(0), w = a.shape.at(1), c = a.shape.size() > 2 ? a.shape[2] : 1;
    Tensor t(Shape4{1, c, h, w});
    for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t i = 0; i < h * w; ++i) t.plane(0, ch)[i] = a.values[static_cast<size_t>(i * c + ch)];
    return t;
}

std::vector<double> asDouble(const Tensor& t) { return std::vector<double>(t.storage().begin(), t.storage().end()); }

void writeHwcNpy(const QString& path, const Tensor& t) {
    const Shape4 s = t.shape();
    std::vector<float> hwc(static_cast<size_t>(s.count()));
    for (int64_t c = 0; c < s.c; ++c)
        for (int64_t i = 0; i < s.h * s.w; ++i) hwc[static_cast<size_t>(i * s.c + c)] = t.plane(0, c)[i];
    writeNpy(path.toStdString(), {s.h, s.w, s.c}, hwc.data());
}

void writeFilters(const QString& path, const Tensor& f) {
    const Shape4 s = f.shape();
    writeNpy(path.toStdString(), {s.n, s.c, s.h, s.w}, f.data());
}

#ifdef TCONV_EXE
ProcessResult runTconv(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(TCONV_EXE), args);
    return finishProcess(p);
}

QJsonObject lastJsonLine(const QString& out) {
    const QStringList lines = out.split('\n', Qt::SkipEmptyParts);
    return lines.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(lines.last().toUtf8()).object();
}
#endif

}  // namespace

class TestDeconvnet : public QObject {
    Q_OBJECT
private slots:
    void conv2dGoldenVectors();
    void conv2dGoldenRefusals();
    void conv2dRandomCasesEveryBackend();
    void conv2dEpilogueCoversOutputOnce();
    void adjointIdentity();
    void inferenceReachesIstaOptimum();
    void inferenceObjectiveNeverRises();
    void spectralBoundBoundsTheOperatorNorm();
    void inferenceMatchesIndependentCost();
    void learningNeverRaisesObjective();
    void mismatchedChannelsAreRefused();
    void pixelProvenanceSumsToReconstruction();
    void cliInferMatchesIstaAndSavedMaps();
    void cliLearnTwoLayers();
    void cliRefusals();
};

void TestDeconvnet::conv2dGoldenVectors() {
    const std::vector<GoldenCase> cases = loadGolden();
    int accepted = 0;
    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    for (const GoldenCase& c : cases) {
        if (c.reject) continue;
        ++accepted;
        const Tensor ref = referenceConv2d(c.in, c.layer);
        QVERIFY2(relativeError(ref, c.out) < 1e-6, c.name.c_str());
        Tensor fast;
        conv2d(c.in, c.layer, *cpu, fast);
        QVERIFY2(relativeError(fast, c.out) < 1e-5, c.name.c_str());
        Tensor plain(c.out.shape(), NAN);
        plainConv2d(c.in, c.layer, plain);
        QVERIFY2(relativeError(plain, c.out) < 1e-5, c.name.c_str());
    }
    QVERIFY(accepted >= 16);
}

void TestDeconvnet::conv2dGoldenRefusals() {
    int rejected = 0;
    for (const GoldenCase& c : loadGolden()) {
        if (!c.reject) continue;
        ++rejected;
        try {
            validateConv2d(c.input, c.layer);
            QFAIL(("accepted " + c.name).c_str());
        } catch (const ParameterError& e) {
            std::string expected = c.message;  // PyTorch 1.13 prints one size as [[...]]
            for (const char* twice : {"[[", "]]"})
                for (size_t at; (at = expected.find(twice)) != std::string::npos;) expected.erase(at, 1);
            QCOMPARE(std::string(e.what()), expected);
        }
    }
    QVERIFY(rejected >= 4);
}

void TestDeconvnet::conv2dRandomCasesEveryBackend() {
    std::mt19937 rng(1515);
    std::vector<std::unique_ptr<Backend>> backends;
    backends.push_back(createBackend(BackendKind::Cpu));
    backends.push_back(createBackend(BackendKind::Cpu, BackendOptions{1}));
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int i = 0; i < 120; ++i) {
        Conv2dLayer layer;
        Conv2dParams& p = layer.params;
        p.groups = pick(1, 3);
        const int cinPerGroup = pick(1, 4), coutPerGroup = i % 3 == 0 ? pick(4, 9) : pick(1, 3);
        p.kernel = Size2(pick(1, 7), pick(1, 5));  // kh <= 7 with stride 1 takes the row-reuse tile
        p.stride = Size2(pick(1, 3), i % 2 ? 1 : pick(1, 3));
        p.dilation = Size2(pick(1, 2), pick(1, 2));
        p.padding = Size2(pick(0, 3), pick(0, 3));
        const Shape4 in{pick(1, 2), cinPerGroup * p.groups, pick(4, 19), pick(4, 40)};
        if (conv2dOutputExtent(in.h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h) <= 0 ||
            conv2dOutputExtent(in.w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w) <= 0) {
            --i;
            continue;
        }
        layer.weight = randomTensor(Shape4{coutPerGroup * p.groups, cinPerGroup, p.kernel.h, p.kernel.w}, rng);
        if (pick(0, 1)) layer.bias = randomTensor(Shape4{1, 1, 1, coutPerGroup * p.groups}, rng).storage();
        const Tensor input = randomTensor(in, rng);
        const Tensor ref = referenceConv2d(input, layer);
        for (auto& b : backends) {
            Tensor out(Shape4{1, 1, 1, 1}, NAN);
            conv2d(input, layer, *b, out);
            QVERIFY2(relativeError(out, ref) < 2e-5, (describe(p) + " " + shapeText(in)).c_str());
        }
    }
}

// A backend without its own conv2d: the plain loop of Backend::runConv2d.
class PlainConv2dBackend final : public Backend {
public:
    BackendKind kind() const override { return BackendKind::Cpu; }
    std::string description() const override { return "plain"; }
    void run(const Tensor&, const ConvLayer&, Tensor&) override { QFAIL("conv_transpose2d is not expected here"); }
};

// The fused write-out (Conv2dLayer::epilogue): every output row reaches it
// exactly once, already final (it sees the reference's values), and what it
// writes is what the output holds; on every path (row reuse, 4 channels, the
// scalar stride, 1 and 2 threads, the plain loop), with the deconvnet shapes
// (1 -> 16 padded, 16 -> 1) among them.
void TestDeconvnet::conv2dEpilogueCoversOutputOnce() {
    std::mt19937 rng(2024);
    std::vector<std::unique_ptr<Backend>> backends;
    backends.push_back(createBackend(BackendKind::Cpu));
    backends.push_back(createBackend(BackendKind::Cpu, BackendOptions{1}));
    backends.push_back(std::make_unique<PlainConv2dBackend>());
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int i = 0; i < 24; ++i) {
        Conv2dLayer layer;
        Conv2dParams& p = layer.params;
        int cin = pick(1, 3), cout = pick(1, 6);
        if (i == 0) cin = 1, cout = 16, p.kernel = Size2(7, 7), p.padding = Size2(6, 6);  // deconvnet gradient
        else if (i == 1) cin = 16, cout = 1, p.kernel = Size2(7, 7);                      // its synthesis
        else {
            p.kernel = Size2(pick(1, 9), pick(1, 5));
            p.stride = Size2(pick(1, 2), i % 4 == 3 ? 2 : 1);
            p.padding = Size2(pick(0, 3), pick(0, 3));
        }
        const Shape4 in{pick(1, 2), cin, pick(9, 30), pick(9, 40)};
        if (conv2dOutputExtent(in.h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h) <= 0 ||
            conv2dOutputExtent(in.w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w) <= 0) {
            --i;
            continue;
        }
        layer.weight = randomTensor(Shape4{cout, cin, p.kernel.h, p.kernel.w}, rng);
        const Tensor input = randomTensor(in, rng);
        const Tensor ref = referenceConv2d(input, layer);
        const Shape4 o = ref.shape();
        for (auto& b : backends) {
            std::vector<std::atomic<int>> seen(static_cast<size_t>(o.n * o.c * o.h));
            std::atomic<int> wrong{0};
            layer.epilogue = [&](int64_t n, int64_t c, int64_t y0, int64_t y1, float* rows) {
                for (int64_t y = y0; y < y1; ++y) {
                    seen[static_cast<size_t>((n * o.c + c) * o.h + y)]++;
                    for (int64_t x = 0; x < o.w; ++x) {
                        float& v = rows[(y - y0) * o.w + x];
                        if (std::fabs(v - ref.at(n, c, y, x)) > 2e-5 * (1 + std::fabs(ref.at(n, c, y, x)))) ++wrong;
                        v = 2.0f * v + 1.0f;
                    }
                }
            };
            Tensor out;
            conv2d(input, layer, *b, out);
            layer.epilogue = nullptr;
            const QByteArray what =
                QByteArray::fromStdString(describe(p) + " " + shapeText(in) + " on " + b->description());
            QVERIFY2(wrong == 0, what);
            for (const auto& count : seen) QVERIFY2(count == 1, what);
            Tensor expected = ref;
            for (float& v : expected.storage()) v = 2.0f * v + 1.0f;
            QVERIFY2(relativeError(out, expected) < 4e-5, what);
            // The same geometry again with other values: the padded copy is reused, its border still zero.
            const Tensor input2 = randomTensor(in, rng, 0.5f, 2.0f);
            conv2d(input2, layer, *b, out);
            QVERIFY2(relativeError(out, referenceConv2d(input2, layer)) < 2e-5, what);
        }
    }
}

void TestDeconvnet::adjointIdentity() {
    std::mt19937 rng(77);
    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int i = 0; i < 60; ++i) {
        ConvLayer t;  // transposed: weight (C_in, C_out/g, kH, kW)
        t.params.groups = pick(1, 2);
        t.params.kernel = Size2(pick(1, 5), pick(1, 5));
        t.params.stride = Size2(pick(1, 3), pick(1, 3));
        t.params.dilation = Size2(pick(1, 2), pick(1, 2));
        t.params.padding = Size2(pick(0, 2), pick(0, 2));
        const int cin = pick(1, 3) * t.params.groups, coutPerGroup = pick(1, 3);
        t.weight = randomTensor(Shape4{cin, coutPerGroup, t.params.kernel.h, t.params.kernel.w}, rng);
        const Shape4 xs{1, cin, pick(3, 12), pick(3, 12)};
        Shape4 ys;
        try {
            ys = validateProblem(t.problemFor(xs));
        } catch (const ParameterError&) {
            --i;
            continue;
        }
        Conv2dLayer c;  // the same weight, read as (C_out, C_in/g, kH, kW)
        c.params.kernel = t.params.kernel;
        c.params.stride = t.params.stride;
        c.params.padding = t.params.padding;
        c.params.dilation = t.params.dilation;
        c.params.groups = t.params.groups;
        c.weight = t.weight;
        const Tensor x = randomTensor(xs, rng), y = randomTensor(ys, rng);
        const Tensor tx = convTranspose2d(x, t, *cpu);
        Tensor cy;
        conv2d(y, c, *cpu, cy);
        QCOMPARE(cy.shape(), xs);
        const double lhs = dot(tx, y), rhs = dot(x, cy);
        QVERIFY2(std::fabs(lhs - rhs) <= 1e-4 * (1 + std::fabs(lhs)),
                 qPrintable(QString("%1 vs %2 (%3)").arg(lhs).arg(rhs).arg(describe(c.params).c_str())));
        // And exactly by the references.
        const double lhsRef = dot(referenceConvTranspose2d(x, t), y), rhsRef = dot(x, referenceConv2d(y, c));
        QVERIFY(std::fabs(lhsRef - rhsRef) <= 1e-5 * (1 + std::fabs(lhsRef)));
    }
}

void TestDeconvnet::inferenceReachesIstaOptimum() {
    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    // Seed 4: gray and at least 8 filter sizes large, so L comes from the spectral bound.
    for (uint64_t seed : {1u, 2u, 3u, 4u}) {
        const int64_t channels = seed == 3 ? 3 : 1;
        const Tensor image = testImage(channels, 20, 24, seed);
        const Size2 size = seed == 4 ? Size2(2, 2) : Size2(5, 5);
        const Tensor filters = randomDeconvFilters(4, static_cast<int>(channels), size, seed);
        const double lambda = 10.0 + 5.0 * double(seed);
        const PlainDeconv plain{image, filters, lambda};
        const double optimum = plain.istaMinimum(2500);
        DeconvInferenceOptions o;
        o.lambda = lambda;
        o.iterations = 300;
        const DeconvInference r = inferDeconvMaps(image, filters, o, *cpu);
        QVERIFY2(r.cost.objective <= optimum * 1.01,
                 qPrintable(QString("seed %1: %2 vs ISTA %3").arg(seed).arg(r.cost.objective).arg(optimum)));
        QVERIFY(r.cost.objective >= optimum * 0.99);  // nor below the optimum: the costs agree
        if (seed == 4) QCOMPARE(r.lipschitz, deconvSpectralLipschitz(filters, lambda));
    }
}

// sup over a fine grid of sum_k |F_k(w)|^2, by a plain 2-D DFT of each filter.
double fineSpectralPeak(const Tensor& f, int m) {
    const Shape4 s = f.shape();
    double peak = 0;
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < m; ++j) {
            const double wy = 2 * M_PI * i / m, wx = 2 * M_PI * j / m;
            double p = 0;
            for (int64_t k = 0; k < s.n; ++k) {
                double re = 0, im = 0;
                for (int64_t y = 0; y < s.h; ++y)
                    for (int64_t x = 0; x < s.w; ++x) {
                        re += f.at(k, 0, y, x) * std::cos(wy * y + wx * x);
                        im -= f.at(k, 0, y, x) * std::sin(wy * y + wx * x);
                    }
                p += re * re + im * im;
            }
            peak = std::max(peak, p);
        }
    return peak;
}

void TestDeconvnet::spectralBoundBoundsTheOperatorNorm() {
    // An upper bound of ||A||^2 on a finite image (the power iteration's
    // estimate, from below), close to it for an image much larger than the
    // filters, and at least the spectrum's peak on a fine grid but within 1%.
    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    struct Case {
        int filters, kh, kw;
    };
    for (const Case c : {Case{16, 7, 7}, Case{3, 3, 5}, Case{1, 1, 1}, Case{5, 2, 2}, Case{2, 9, 4}}) {
        const Tensor f = randomDeconvFilters(c.filters, 1, Size2(c.kh, c.kw), uint64_t(c.filters * 100 + c.kh));
        const double bound = deconvSpectralLipschitz(f, 3.0);
        const QString what = QString("%1 filters %2x%3: bound %4").arg(c.filters).arg(c.kh).arg(c.kw).arg(bound);
        const double power = deconvLipschitz(Shape4{1, 1, 96, 96}, f, 3.0, 60, 5, *cpu);
        QVERIFY2(power <= bound * (1 + 1e-5), qPrintable(what + QString(", power iteration %1").arg(power)));
        QVERIFY2(power >= bound * 0.97, qPrintable(what + QString(", power iteration %1").arg(power)));
        const double fine = 3.0 * fineSpectralPeak(f, 256);
        QVERIFY2(bound >= fine * (1 - 1e-9) && bound <= fine * 1.01, qPrintable(what + QString(", fine %1").arg(fine)));
    }
    try {
        deconvSpectralLipschitz(randomDeconvFilters(4, 3, Size2(5, 5), 1), 1.0);
        QFAIL("accepted K0 = 3");
    } catch (const ParameterError& e) {
        QVERIFY2(QString(e.what()).contains("(4, 3, 5, 5)"), e.what());
    }
}

void TestDeconvnet::inferenceObjectiveNeverRises() {
    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    const Tensor image = testImage(1, 32, 32, 9);
    const Tensor filters = randomDeconvFilters(6, 1, Size2(7, 7), 9);
    DeconvInferenceOptions o;
    o.lambda = 50;
    o.iterations = 80;
    o.spectralBound = false;
    o.powerIterations = 2;  // a poor L: backtracking and restarts must keep it monotone
    const DeconvInference r = inferDeconvMaps(image, filters, o, *cpu);
    QCOMPARE(int(r.history.size()), 80);
    double previous = 0.5 * o.lambda * dot(image, image);  // the cost of z = 0
    for (const DeconvIteration& it : r.history) {
        QVERIFY2(it.cost.objective <= previous, qPrintable(QString("iteration %1").arg(it.iteration)));
        QVERIFY(it.nonzeroFraction >= 0 && it.nonzeroFraction <= 1);
        previous = it.cost.objective;
    }
    QVERIFY(r.history.back().cost.objective < 0.5 * r.history.front().cost.objective);
    // Cancelling from the progress callback stops after that iteration.
    o.progress = [](const DeconvIteration& it) { return it.iteration < 5; };
    QCOMPARE(inferDeconvMaps(image, filters, o, *cpu).iterations, 5);
}

void TestDeconvnet::inferenceMatchesIndependentCost() {
    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    const Tensor image = testImage(2, 17, 23, 4);
    const Tensor filters = randomDeconvFilters(3, 2, Size2(4, 6), 4);
    DeconvInferenceOptions o;
    o.lambda = 30;
    o.iterations = 40;
    const DeconvInference r = inferDeconvMaps(image, filters, o, *cpu);
    QCOMPARE(r.maps.shape(), (Shape4{1, 3, 17 + 3, 23 + 5}));
    const PlainDeconv plain{image, filters, o.lambda};
    const double independent = plain.cost(asDouble(r.maps));
    QVERIFY2(std::fabs(independent - r.cost.objective) <= 1e-5 * independent,
             qPrintable(QString("%1 vs %2").arg(r.cost.objective).arg(independent)));
    // The reconstruction is conv_transpose2d of the maps (and the plain synthesis).
    const std::vector<double> y = plain.synth(asDouble(r.maps));
    for (size_t i = 0; i < y.size(); ++i) QVERIFY(std::fabs(y[i] - r.reconstruction.data()[i]) < 1e-4);
    // Inference runs the synthesis as a conv2d with the flipped bank: the same as the engine's
    // conv_transpose2d with stride 1 and padding k - 1.
    const Tensor viaTranspose = convTranspose2d(r.maps, deconvSynthesisLayer(filters), *cpu);
    QVERIFY(relativeError(r.reconstruction, viaTranspose) < 1e-5);
}

void TestDeconvnet::learningNeverRaisesObjective() {
    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    std::vector<Tensor> images{testImage(1, 20, 20, 5), testImage(1, 16, 24, 6)};
    DeconvLearnOptions o;
    o.maps = 4;
    o.filterSize = Size2(5, 5);
    o.lambda = 20;
    o.epochs = 5;
    o.inferenceIterations = 10;
    const DeconvLearned r = learnDeconvFilters(images, o, *cpu);
    QCOMPARE(int(r.history.size()), 5);
    for (size_t i = 1; i < r.history.size(); ++i)
        QVERIFY2(r.history[i].cost.objective <= r.history[i - 1].cost.objective,
                 qPrintable(QString("epoch %1").arg(r.history[i].epoch)));
    QVERIFY(r.history.back().cost.objective < r.history.front().cost.objective);
    bool stepped = false;
    for (const DeconvEpoch& e : r.history) stepped = stepped || e.filterStep > 0;
    QVERIFY(stepped);
    // The filters really learn: a bounded-but-tiny step (the gradient's global Lipschitz
    // bound) lowered the objective by < 1% over 5 epochs and left the bank where it began.
    const Tensor start = randomDeconvFilters(4, 1, o.filterSize, o.seed);
    double moved = 0;
    for (int64_t j = 0; j < start.size(); ++j) moved += std::pow(double(r.filters.data()[j]) - start.data()[j], 2);
    QVERIFY2(std::sqrt(moved / 4) > 0.05, qPrintable(QString("filters moved by %1").arg(std::sqrt(moved / 4))));
    QVERIFY2(
        r.history.back().cost.objective < 0.97 * r.history.front().cost.objective,
        qPrintable(
            QString("objective %1 -> %2").arg(r.history.front().cost.objective).arg(r.history.back().cost.objective)));
    // Unit-norm filters.
    for (int64_t k = 0; k < 4; ++k) {
        double n2 = 0;
        for (int64_t i = 0; i < 25; ++i) n2 += double(r.filters.data()[k * 25 + i]) * r.filters.data()[k * 25 + i];
        QVERIFY(std::fabs(n2 - 1.0) < 1e-5);
    }
    // The reported objective is the cost of the final maps under the final filters.
    double total = 0;
    for (size_t i = 0; i < images.size(); ++i)
        total += PlainDeconv{images[i], r.filters, o.lambda}.cost(asDouble(r.maps[i]));
    QVERIFY(std::fabs(total - r.history.back().cost.objective) <= 1e-5 * total);
}

// The studio's hover: the per-map terms of one reconstructed pixel. A hand
// case, then every pixel of an inference result against the engine's own
// reconstruction and the reference conv_transpose2d, then refusals.
void TestDeconvnet::pixelProvenanceSumsToReconstruction() {
    // Hand case: 2 maps of 3x3, filters 2x2 (K1 2, K0 1): pixel (0, 0) of map
    // k is F[k][0][0][0] z[1][1] + F[0][1] z[1][0] + F[1][0] z[0][1] + F[1][1] z[0][0].
    Tensor maps(Shape4{1, 2, 3, 3}), filters(Shape4{2, 1, 2, 2});
    const float z0[9] = {1, 2, 0, 3, 4, 0, 0, 0, 0}, z1[9] = {0, 0, 0, 0, -1, 0, 0, 0, 0};
    std::copy(z0, z0 + 9, maps.plane(0, 0));
    std::copy(z1, z1 + 9, maps.plane(0, 1));
    const float f0[4] = {1, 10, 100, 1000}, f1[4] = {0.5f, 0, 0, 0};
    std::copy(f0, f0 + 4, filters.plane(0, 0));
    std::copy(f1, f1 + 4, filters.plane(1, 0));
    DeconvProvenance hand = deconvPixelProvenance(maps, filters, 0, 0, 0);
    QCOMPARE(hand.terms.size(), size_t(2));
    QCOMPARE(hand.terms[0].map, int64_t(0));
    QCOMPARE(hand.terms[0].value, 1.0 * 4 + 10.0 * 3 + 100.0 * 2 + 1000.0 * 1);
    QCOMPARE(hand.terms[0].nonzeroTaps, 4);
    QCOMPARE(hand.terms[1].map, int64_t(1));
    QCOMPARE(hand.terms[1].value, -0.5);
    QCOMPARE(hand.terms[1].nonzeroTaps, 1);
    QCOMPARE(hand.value, 1234.0 - 0.5);

    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    const Tensor image = testImage(3, 12, 15, 9);
    const Tensor bank = randomDeconvFilters(5, 3, Size2(4, 3), 9);
    DeconvInferenceOptions o;
    o.lambda = 15;
    o.iterations = 30;
    const DeconvInference r = inferDeconvMaps(image, bank, o, *cpu);
    const Tensor ref = referenceConvTranspose2d(r.maps, deconvSynthesisLayer(bank));
    QCOMPARE(ref.shape(), image.shape());
    for (int64_t c = 0; c < 3; ++c)
        for (int64_t y = 0; y < 12; ++y)
            for (int64_t x = 0; x < 15; ++x) {
                const DeconvProvenance p = deconvPixelProvenance(r.maps, bank, c, y, x);
                QCOMPARE(p.terms.size(), size_t(5));
                double sum = 0;
                for (size_t i = 0; i < p.terms.size(); ++i) {
                    sum += p.terms[i].value;
                    if (i > 0) QVERIFY(std::fabs(p.terms[i].value) <= std::fabs(p.terms[i - 1].value));
                }
                QVERIFY(std::fabs(sum - p.value) < 1e-9);
                QVERIFY2(
                    std::fabs(p.value - ref.at(0, c, y, x)) < 1e-5,
                    qPrintable(
                        QString("(%1,%2,%3): %4 vs %5").arg(c).arg(y).arg(x).arg(p.value).arg(ref.at(0, c, y, x))));
                QVERIFY(std::fabs(p.value - r.reconstruction.at(0, c, y, x)) < 1e-4);
            }
    QVERIFY_THROWS_EXCEPTION(ParameterError, deconvPixelProvenance(r.maps, bank, 3, 0, 0));
    QVERIFY_THROWS_EXCEPTION(ParameterError, deconvPixelProvenance(r.maps, bank, 0, 12, 0));
    QVERIFY_THROWS_EXCEPTION(ParameterError, deconvPixelProvenance(r.maps, bank, 0, 0, -1));
    QVERIFY_THROWS_EXCEPTION(ParameterError, deconvPixelProvenance(maps, bank, 0, 0, 0));
}

void TestDeconvnet::mismatchedChannelsAreRefused() {
    std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    const Tensor rgb = testImage(3, 8, 8, 1);
    const Tensor gray = randomDeconvFilters(2, 1, Size2(3, 3), 1);
    try {
        inferDeconvMaps(rgb, gray, DeconvInferenceOptions{}, *cpu);
        QFAIL("accepted 3 channels with K0 = 1");
    } catch (const ParameterError& e) {
        QVERIFY2(std::string(e.what()).find("K0 = 1") != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find("the image has 3") != std::string::npos, e.what());
    }
    DeconvInferenceOptions bad;
    bad.lambda = -1;
    QVERIFY_THROWS_EXCEPTION(ParameterError,
                             inferDeconvMaps(rgb, randomDeconvFilters(2, 3, Size2(3, 3), 1), bad, *cpu));
}

void TestDeconvnet::cliInferMatchesIstaAndSavedMaps() {
#ifndef TCONV_EXE
    QSKIP("built without the tconv CLI");
#else
    QTemporaryDir dir;
    const Tensor image = testImage(1, 20, 22, 11);
    const Tensor filters = randomDeconvFilters(4, 1, Size2(5, 3), 11);
    const QString y = dir.filePath("y.npy"), f = dir.filePath("f.npy"), z = dir.filePath("z.npy");
    const QString recon = dir.filePath("recon.npy"), applied = dir.filePath("applied.npy");
    writeHwcNpy(y, image);
    writeFilters(f, filters);
    const double lambda = 25;
    const ProcessResult r = runTconv({"deconvnet", "infer", y, "--filters", f, "--lambda", "25", "--iters", "300",
                                      "--maps", z, "--recon", recon, "--json", "--backend", "cpu"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject last = lastJsonLine(r.out);
    for (const char* key : {"objective", "data_term", "l1_term", "psnr", "nonzero_fraction", "iterations"})
        QVERIFY2(last.contains(key), key);
    QCOMPARE(last["iterations"].toInt(), 300);
    const double objective = last["objective"].toDouble();
    const PlainDeconv plain{image, filters, lambda};
    const double optimum = plain.istaMinimum(2500);
    QVERIFY2(objective <= optimum * 1.01 && objective >= optimum * 0.99,
             qPrintable(QString("%1 vs ISTA %2").arg(objective).arg(optimum)));
    // The saved maps: (H+kh-1, W+kw-1, K1) float32, and their cost is the reported one.
    const NpyArray maps = readNpy(z.toStdString());
    QCOMPARE(maps.shape, (std::vector<int64_t>{20 + 4, 22 + 2, 4}));
    QCOMPARE(QString::fromStdString(maps.dtype), QStringLiteral("<f4"));
    const double recomputed = plain.cost(asDouble(planarFromHwc(maps)));
    QVERIFY2(std::fabs(recomputed - objective) <= 1e-5 * objective,
             qPrintable(QString("%1 vs %2").arg(recomputed).arg(objective)));
    // tconv apply Z.npy OUT.npy --kernel F.npy --stride 1 --padding 4x2 gives the reconstruction.
    const ProcessResult a =
        runTconv({"apply", z, applied, "--kernel", f, "--stride", "1", "--padding", "4x2", "--backend", "cpu"});
    QVERIFY2(a.code == 0, qPrintable(a.err));
    const NpyArray ra = readNpy(recon.toStdString()), aa = readNpy(applied.toStdString());
    QCOMPARE(ra.shape, aa.shape);
    QCOMPARE(ra.shape, (std::vector<int64_t>{20, 22}));
    for (size_t i = 0; i < ra.values.size(); ++i) QVERIFY(std::fabs(ra.values[i] - aa.values[i]) < 1e-5);
#endif
}

void TestDeconvnet::cliLearnTwoLayers() {
#ifndef TCONV_EXE
    QSKIP("built without the tconv CLI");
#else
    QTemporaryDir dir;
    const QString a = dir.filePath("a.npy"), b = dir.filePath("b.npy"), out = dir.filePath("bank.npy");
    writeHwcNpy(a, testImage(1, 18, 18, 21));
    writeHwcNpy(b, testImage(1, 18, 18, 22));
    const ProcessResult r =
        runTconv({"deconvnet", "learn",     a,         b,   "--maps",   "3", "--filter-size", "5", "--lambda", "20",
                  "--epochs",  "3",         "--iters", "8", "--layers", "2", "--out",         out, "--seed",   "4",
                  "--json",    "--backend", "cpu"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 6);  // 3 outer steps per layer
    double previous[3] = {INFINITY, INFINITY, INFINITY};
    for (const QString& line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
        const int layer = o["layer"].toInt();
        QVERIFY(layer == 1 || layer == 2);
        QVERIFY(o["objective"].toDouble() <= previous[layer]);
        previous[layer] = o["objective"].toDouble();
    }
    QCOMPARE(readNpy(out.toStdString()).shape, (std::vector<int64_t>{3, 1, 5, 5}));
    QCOMPARE(readNpy(dir.filePath("bank.layer2.npy").toStdString()).shape, (std::vector<int64_t>{3, 3, 5, 5}));
#endif
}

void TestDeconvnet::cliRefusals() {
#ifndef TCONV_EXE
    QSKIP("built without the tconv CLI");
#else
    QTemporaryDir dir;
    const QString rgb = dir.filePath("rgb.npy"), gray = dir.filePath("gray.npy"), f1 = dir.filePath("f1.npy");
    const QString z = dir.filePath("z.npy"), k2 = dir.filePath("k2.npy");
    writeHwcNpy(rgb, testImage(3, 9, 9, 1));
    writeHwcNpy(gray, testImage(1, 9, 9, 1));
    writeFilters(f1, randomDeconvFilters(2, 1, Size2(3, 3), 1));
    writeNpy(k2.toStdString(), {3, 3}, std::vector<float>(9, 0.1f).data());
    struct Case {
        QStringList args;
        int code;
        const char* needle;
    };
    const std::vector<Case> cases{
        {{"deconvnet", "infer", rgb, "--filters", f1, "--lambda", "5", "--maps", z}, 2, "K0 = 1"},
        {{"deconvnet", "infer", gray, "--filters", f1, "--maps", z}, 2, "--lambda is required"},
        {{"deconvnet", "infer", gray, "--filters", f1, "--lambda", "-3", "--maps", z}, 2, "--lambda"},
        {{"deconvnet", "infer", gray, "--filters", k2, "--lambda", "5", "--maps", z}, 2, "(K1, K0, kh, kw)"},
        {{"deconvnet", "infer", gray, "--lambda", "5"}, 2, "--filters"},
        {{"deconvnet", "infer", gray, "--filters", f1, "--lambda", "5", "--maps", dir.filePath("z.txt")}, 2, ".npy"},
        {{"deconvnet", "infer", dir.filePath("missing.npy"), "--filters", f1, "--lambda", "5", "--maps", z},
         1,
         "missing.npy"},
        {{"deconvnet", "learn", gray, "--maps", "2", "--filter-size", "3", "--lambda", "5", "--out",
          dir.filePath("f.txt")},
         2,
         ".npy"},
        {{"deconvnet", "learn", gray, "--maps", "2", "--filter-size", "3", "--lambda", "5", "--layers", "3", "--out",
          z},
         2,
         "--layers"},
        {{"deconvnet", "learn", gray, "--maps", "2", "--filter-size", "3x", "--lambda", "5", "--out", z},
         2,
         "--filter-size"},
        {{"deconvnet", "learn", gray, rgb, "--maps", "2", "--filter-size", "3", "--lambda", "5", "--out", z},
         2,
         "same number of channels"},
        {{"deconvnet"}, 2, "infer|learn"},
    };
    for (const Case& c : cases) {
        const ProcessResult r = runTconv(c.args);
        QVERIFY2(r.code == c.code, qPrintable(c.args.join(' ') + " -> " + QString::number(r.code) + ": " + r.err));
        QVERIFY2(r.err.contains(c.needle), qPrintable(c.args.join(' ') + ": " + r.err));
        QVERIFY2(r.err.startsWith("tconv: error: "), qPrintable(r.err));
        QVERIFY2(!QFile::exists(z), qPrintable(c.args.join(' ') + " left " + z));
    }
#endif
}

QTEST_GUILESS_MAIN(TestDeconvnet)
#include "test_deconvnet.moc"
