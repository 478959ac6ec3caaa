// SPDX-License-Identifier: MIT
// The studio's "Stacked layers" and "Gradient" panels (issue 14): the stack's
// exact compound table and CV against the engine run on a constant image and
// measured away from the borders (seeded random stacks), each layer's output
// against the engine, the lessons' claims (with hand-computed CVs), the input
// gradient against the engine's transposed convolution and the adjoint
// identity with the reference conv2d, hand-checked gradient values, bad
// inputs, and stale jobs dropped when parameters change.
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>

#include "StudioTestUtil.h"
#include "common/TestPrinters.h"
#include "analysis/LayerStack.h"
#include "analysis/PhaseGain.h"
#include "backends/BackendFactory.h"
#include "core/Conv2d.h"
#include "core/ConvTranspose.h"
#include "core/KernelPresets.h"
#include "panels/GradientCompute.h"
#include "panels/GradientPanel.h"
#include "panels/StackLayerEditor.h"
#include "panels/StackLayers.h"
#include "panels/StackPanel.h"
#include "views/StackTile.h"
#include "window/MainWindow.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

// The engine, layer by layer, with kernels built here from the presets (not
// through the panel's code).
std::vector<Tensor> engineStack(const Tensor& input, const StackSpec& spec) {
    auto cpu = createBackend(BackendKind::Cpu);
    std::vector<Tensor> outs;
    Tensor x = input;
    for (size_t i = 0; i < spec.layers.size(); ++i) {
        const StackLayerSpec& l = spec.layers[i];
        PresetOptions o;
        o.stride = Size2(l.s);
        o.size = Size2(l.k);
        o.seed = i;
        const Kernel2D k = makePresetKernel(*parseKernelPreset(l.kernel.toStdString()), o);
        ConvParams p;
        p.stride = Size2(l.s);
        p.padding = Size2(l.p);
        p.outputPadding = Size2(l.op);
        p.dilation = Size2(l.d);
        x = convTranspose2d(x, makeDepthwiseLayer(k, static_cast<int>(x.shape().c), p), *cpu);
        outs.push_back(x);
    }
    return outs;
}

// Per axis, the outputs of the stack every one of whose taps read a real
// (not border) value all the way down: layer by layer, output o reads inputs
// ceil((o + p - (k-1) d) / s) .. floor((o + p) / s), so it is interior when
// that range lies in the interior [a, b] of the layer's input.
std::pair<int64_t, int64_t> interiorRange(int64_t in, const StackSpec& spec) {
    int64_t a = 0, b = in - 1, size = in;
    for (const StackLayerSpec& l : spec.layers) {
        size = (size - 1) * l.s - 2 * l.p + l.d * (l.k - 1) + l.op + 1;
        a = a * l.s + int64_t(l.k - 1) * l.d - l.p;
        b = b * l.s - l.p;
        a = std::max<int64_t>(a, 0);
        b = std::min<int64_t>(b, size - 1);
    }
    return {a, b};
}

// The per-phase mean of channel 0 of `out` over its interior, phases o mod S;
// also checks that every interior pixel equals its phase's value (periodicity).
PhaseGainTable measuredTable(const Tensor& out, const StackSpec& spec, int64_t in, int S) {
    const auto [a, b] = interiorRange(in, spec);
    PhaseGainTable t;
    t.sh = t.sw = S;
    t.gain.assign(size_t(S) * S, std::nan(""));
    t.tapCount.assign(size_t(S) * S, 1);
    for (int64_t y = a; y <= b; ++y)
        for (int64_t x = a; x <= b; ++x) {
            double& g = t.gain[size_t((y % S) * S + x % S)];
            const double v = out.at(0, 0, y, x);
            if (std::isnan(g)) g = v;
            else if (std::abs(g - v) > 1e-4 * std::max(1.0, std::abs(v))) return PhaseGainTable{};
        }
    return t;
}

StackLayerSpec randomLayer(std::mt19937& rng) {
    const char* presets[] = {"box", "bilinear", "gaussian", "random"};
    StackLayerSpec l;
    l.kernel = QString::fromLatin1(presets[rng() % 4]);
    l.s = 1 + int(rng() % 3);
    l.k = 1 + int(rng() % 5);
    l.d = 1 + int(rng() % 2);
    l.p = int(rng() % uint32_t(l.k));
    l.op = int(rng() % uint32_t(std::max(l.s, l.d)));
    return l;
}

double dot(const Tensor& a, const Tensor& b) {
    double s = 0;
    for (int64_t i = 0; i < a.size(); ++i) s += double(a.data()[i]) * b.data()[i];
    return s;
}

const StackLesson& lesson(const QString& id) {
    for (const StackLesson& l : stackLessons())
        if (l.id == id) return l;
    throw std::runtime_error("no lesson " + id.toStdString());
}

}  // namespace

class TestStudioStack : public QObject {
    Q_OBJECT
private slots:
    void stackTableAndCvEqualTheEngineOnAConstantImage();
    void eachLayerOutputEqualsTheEngine();
    void lessonsShowWhatTheyClaim();
    void lessonButtonsAreOneClick();
    void badStacksNameTheLayer();
    void largeImagesAreCropped();
    void staleStackJobsAreDropped();
    void gradientEqualsTheEnginesTransposedConv();
    void gradientHandCheckedValues();
    void gradientBadInputs();
    void gradientPanelFollowsTheStudio();
};

void TestStudioStack::stackTableAndCvEqualTheEngineOnAConstantImage() {
    std::mt19937 rng(14);
    int checked = 0;
    for (int trial = 0; trial < 40 && checked < 12; ++trial) {
        StackSpec spec;
        const int n = 1 + int(rng() % 3);
        for (int i = 0; i < n; ++i) spec.layers.push_back(randomLayer(rng));
        int S = 1;
        for (const StackLayerSpec& l : spec.layers) S *= l.s;
        const int64_t in = 12;
        const auto [a, b] = interiorRange(in, spec);
        if (b - a + 1 < S + 1) continue;  // no full period inside: try another
        const Tensor ones(Shape4{1, 1, in, in}, 1.0f);
        const StackResult r = computeStack(ones, spec);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        const std::vector<Tensor> engine = engineStack(ones, spec);
        QVERIFY(test::sameTensor(*r.outputs.back(), engine.back(), 0.0f));
        const PhaseGainTable measured = measuredTable(engine.back(), spec, in, S);
        QVERIFY2(!measured.gain.empty(), "the interior is not periodic with the product of the strides");
        QCOMPARE(r.analysis.stride, Size2(S));
        const PhaseGainTable& exact = r.analysis.meanTable;
        QCOMPARE(exact.sh, S);
        for (size_t i = 0; i < exact.gain.size(); ++i)
            QVERIFY2(
                std::abs(exact.gain[i] - measured.gain[i]) <= 1e-4 * std::max(1.0, std::abs(measured.gain[i])),
                qPrintable(
                    QStringLiteral("phase %1: exact %2, engine %3").arg(i).arg(exact.gain[i]).arg(measured.gain[i])));
        const double cv = artifactScores(measured).cv;
        if (std::isfinite(cv)) QVERIFY(std::abs(r.analysis.cv - cv) <= 1e-4 * std::max(1.0, cv));
        // The grid the dock draws is the one `tconv analyze --stack` prints: indexed by
        // (o + P) mod S, P the stack's begin crop (the same table, rolled).
        const LayerStackAnalysis cli = analyzeLayerStack(buildStackLayers(spec, 1));
        QCOMPARE(r.layerIndexedMean.gain.size(), cli.tables.front().gain.size());
        for (size_t i = 0; i < cli.tables.front().gain.size(); ++i)
            QVERIFY(std::abs(r.layerIndexedMean.gain[i] - cli.tables.front().gain[i]) <= 1e-9);
        const int P = static_cast<int>(cli.equivalent.padding.h), sw = exact.sw;
        for (int y = 0; y < exact.sh; ++y)
            for (int x = 0; x < sw; ++x)
                QCOMPARE(r.layerIndexedMean.at(((y + P) % S + S) % S, ((x + P) % S + S) % S), exact.at(y, x));
        ++checked;
    }
    QVERIFY2(checked >= 8, qPrintable(QStringLiteral("only %1 stacks had an interior").arg(checked)));
}

void TestStudioStack::eachLayerOutputEqualsTheEngine() {
    StackPanel panel;
    panel.resize(320, 900);
    panel.show();
    const Tensor image = test::seededImage(20, 17, 3, 5);
    panel.setImage(std::make_shared<const Tensor>(image));
    QVERIFY(panel.applyLesson(QStringLiteral("tainted")));
    QVERIFY(panel.waitForIdle());
    const StackRun* run = panel.lastRun();
    QVERIFY(run);
    QVERIFY2(run->result.error.isEmpty(), qPrintable(run->result.error));
    QCOMPARE(run->result.spec, lesson(QStringLiteral("tainted")).spec);  // the result carries its parameters
    const std::vector<Tensor> engine = engineStack(image, run->result.spec);
    QCOMPARE(run->result.outputs.size(), size_t(3));
    for (size_t i = 0; i < engine.size(); ++i) QVERIFY(test::sameTensor(*run->result.outputs[i], engine[i], 0.0f));
    // The tiles show each layer: a 64x64 centre crop of the 20x17 -> 40x34 -> 80x68 -> 160x136 outputs.
    QCOMPARE(panel.tile(0)->image().size(), QSize(34, 40));
    QCOMPARE(panel.tile(2)->image().size(), QSize(64, 64));
    QVERIFY(panel.tile(1)->caption().contains(QStringLiteral("80×68")));
    panel.setDisplay(StackPanel::Display::Whole);
    QCOMPARE(panel.tile(2)->image().size(), QSize(136, 160));
}

void TestStudioStack::lessonsShowWhatTheyClaim() {
    const Tensor ones(Shape4{1, 1, 6, 6}, 1.0f);
    auto analyse = [&](const QString& id) {
        const StackResult r = computeStack(ones, lesson(id).spec);
        if (!r.error.isEmpty()) qFatal("%s", qPrintable(r.error));
        return r;
    };
    // Clean: every layer and the whole x8 stack artifact-free.
    const StackResult clean = analyse(QStringLiteral("clean"));
    QCOMPARE(clean.analysis.stride, Size2(8));
    for (double cv : clean.analysis.cvAfterStep) QVERIFY(cv < kArtifactFreeCv);
    for (const ArtifactScores& s : clean.ownScores) QVERIFY(s.cv < kArtifactFreeCv);
    // One bad layer: clean before it, tainted at and after it, though the last layer is clean itself.
    const StackResult tainted = analyse(QStringLiteral("tainted"));
    QVERIFY(tainted.analysis.cvAfterStep[0] < kArtifactFreeCv);
    QVERIFY(tainted.analysis.cvAfterStep[1] > 0.1);
    QVERIFY(tainted.analysis.cvAfterStep[2] > 0.1);
    QVERIFY(tainted.ownScores[2].cv < kArtifactFreeCv);
    QCOMPARE(tainted.analysis.worstStep, int64_t(1));
    // Box k=3 s=2 p=1 by hand: per axis the phases get 1 and 2 taps of 2/3, so
    // G = {4, 8, 8, 16}/9, mean 1, CV = sqrt(76)/18.
    QVERIFY(std::abs(tainted.ownScores[1].cv - std::sqrt(76.0) / 18.0) < 1e-6);
    // Hidden: a 2x2 stride-1 box sums one period of the ripple: flat again.
    const StackResult hidden = analyse(QStringLiteral("hidden"));
    QVERIFY(std::abs(hidden.analysis.cvAfterStep[0] - std::sqrt(76.0) / 18.0) < 1e-6);
    QVERIFY(hidden.analysis.cv < kArtifactFreeCv);
    // Not hidden: a 3x3 box averages (a+b+a)/3 and (b+a+b)/3 per axis with
    // a = 2/3, b = 4/3: G = {64, 80, 80, 100}/81, CV = sqrt(652)/162.
    const StackResult notHidden = analyse(QStringLiteral("not-hidden"));
    QVERIFY(std::abs(notHidden.analysis.cv - std::sqrt(652.0) / 162.0) < 1e-6);
    QVERIFY(notHidden.analysis.cv < notHidden.analysis.cvAfterStep[0]);
}

void TestStudioStack::lessonButtonsAreOneClick() {
    StackPanel panel;
    panel.resize(320, 900);
    panel.show();
    panel.setImage(std::make_shared<const Tensor>(test::seededImage(9, 9, 1, 2)));
    for (const StackLesson& l : stackLessons()) {
        auto* b = panel.findChild<QPushButton*>(QStringLiteral("lesson-") + l.id);
        QVERIFY2(b, qPrintable(l.id));
        b->click();
        QVERIFY(panel.waitForIdle());
        QCOMPARE(panel.spec(), l.spec);
        QCOMPARE(panel.lastRun()->result.spec, l.spec);
        QCOMPARE(panel.layerCountBox()->value(), int(l.spec.layers.size()));
        const QString cv = QString::fromStdString(cvText(panel.lastRun()->result.analysis.cv));
        QVERIFY2(panel.summaryLabel()->text().contains(cv), qPrintable(panel.summaryLabel()->text()));
    }
}

void TestStudioStack::badStacksNameTheLayer() {
    const Tensor ones(Shape4{1, 1, 8, 8}, 1.0f);
    StackSpec spec{{StackLayerSpec{}, StackLayerSpec{QStringLiteral("bilinear"), 4, 2, 1, 2, 1}}};  // op 2 >= s 2
    StackResult r = computeStack(ones, spec);
    QVERIFY2(r.error.startsWith(QStringLiteral("layer 2: ")) && r.error.contains(QStringLiteral("output")),
             qPrintable(r.error));
    spec.layers[1] = StackLayerSpec{QStringLiteral("nearest"), 3, 2, 0, 0, 1};  // nearest needs k == s
    r = computeStack(ones, spec);
    QVERIFY2(r.error.startsWith(QStringLiteral("layer 2: ")) && r.error.contains(QStringLiteral("nearest")),
             qPrintable(r.error));
    spec.layers[0].kernel = QStringLiteral("/nonexistent/kernel.npy");
    r = computeStack(ones, spec);
    QVERIFY2(r.error.startsWith(QStringLiteral("layer 1: ")) && r.error.contains(QStringLiteral("kernel.npy")),
             qPrintable(r.error));
    QVERIFY(computeStack(ones, StackSpec{}).error.contains(QStringLiteral("at least one layer")));
    QVERIFY(computeStack(ones, StackSpec{std::vector<StackLayerSpec>(5)}).error.contains(QStringLiteral("5")));
    // The input too small for a layer with a large padding: the engine's message.
    r = computeStack(Tensor(Shape4{1, 1, 1, 1}, 1.0f), StackSpec{{StackLayerSpec{QStringLiteral("box"), 2, 1, 4}}});
    QVERIFY2(!r.error.isEmpty(), "an empty output must be refused");
    // The panel shows the message and keeps working.
    StackPanel panel;
    panel.show();
    panel.setImage(std::make_shared<const Tensor>(ones));
    panel.layerEditor(0)->spin("op")->setValue(3);  // op 3 with s 2
    QVERIFY(panel.waitForIdle());
    QVERIFY2(panel.statusLabel()->text().contains(QStringLiteral("layer 1")), qPrintable(panel.statusLabel()->text()));
    panel.layerEditor(0)->spin("op")->setValue(0);
    QVERIFY(panel.waitForIdle());
    QVERIFY(panel.lastRun()->result.error.isEmpty());
}

void TestStudioStack::largeImagesAreCropped() {
    StackSpec spec{{StackLayerSpec{QStringLiteral("bilinear"), 4, 4, 0},
                    StackLayerSpec{QStringLiteral("bilinear"), 4, 4, 0},
                    StackLayerSpec{QStringLiteral("bilinear"), 4, 4, 0}}};
    const StackCrop c = stackInputCrop(2000, 3000, spec);
    QVERIFY(c.cropped);
    int64_t h = c.h, w = c.w;
    for (int i = 0; i < 3; ++i) h = (h - 1) * 4 + 4, w = (w - 1) * 4 + 4;
    QVERIFY(h * w <= kStackMaxOutputPixels);
    QVERIFY(h * w > kStackMaxOutputPixels / 2);  // not needlessly small
    QCOMPARE(c.top, (2000 - c.h) / 2);
    QVERIFY(!stackInputCrop(20, 30, spec).cropped);
}

void TestStudioStack::staleStackJobsAreDropped() {
    StackPanel panel;
    panel.resize(320, 900);
    panel.show();
    panel.setImage(std::make_shared<const Tensor>(test::seededImage(96, 96, 3, 3)));
    panel.applyLesson(QStringLiteral("clean"));
    // Many edits in one event-loop turn: one job.
    for (int k = 2; k <= 6; ++k) panel.layerEditor(0)->spin("k")->setValue(k);
    QVERIFY(panel.waitForIdle());
    QCOMPARE(panel.jobsStarted(), quint64(1));
    QCOMPARE(panel.lastRun()->result.spec, panel.spec());
    // A job in flight, then an edit: the first result never shows.
    panel.layerEditor(2)->spin("s")->setValue(3);
    panel.startPendingNow();  // job 2 in flight, its result not yet accepted (no event processed)
    QCOMPARE(panel.jobsStarted(), quint64(2));
    panel.layerEditor(2)->spin("p")->setValue(0);
    QVERIFY(panel.waitForIdle());
    QCOMPARE(panel.jobsStarted(), quint64(3));
    QCOMPARE(panel.staleResultsDropped(), 1);
    QCOMPARE(panel.lastRun()->result.spec, panel.spec());
    QCOMPARE(panel.lastRun()->result.spec.layers[2].p, 0);
    QCOMPARE(panel.lastRun()->result.spec.layers[2].s, 3);
    // Hidden: edits wait, nothing runs.
    panel.hide();
    panel.layerEditor(0)->spin("d")->setValue(2);
    QCoreApplication::processEvents();
    QCOMPARE(panel.jobsStarted(), quint64(3));
    panel.show();
    QVERIFY(panel.waitForIdle());
    QCOMPARE(panel.lastRun()->result.spec.layers[0].d, 2);
}

void TestStudioStack::gradientEqualsTheEnginesTransposedConv() {
    std::mt19937 rng(99);
    auto cpu = createBackend(BackendKind::Cpu);
    for (int trial = 0; trial < 30; ++trial) {
        GradientSpec s;
        s.kernel = Kernel2D(1 + int(rng() % 5), 1 + int(rng() % 5));
        for (float& t : s.kernel.taps) t = float(rng() % 2001) / 1000.0f - 1.0f;
        s.stride = Size2(1 + int(rng() % 3), 1 + int(rng() % 3));
        s.dilation = Size2(1 + int(rng() % 2), 1 + int(rng() % 2));
        s.padding = Size2(int(rng() % 3), int(rng() % 3));
        s.inH = 9 + int(rng() % 12);
        s.inW = 9 + int(rng() % 12);
        s.upstream = trial % 2 ? UpstreamKind::Random : UpstreamKind::Constant;
        s.seed = uint64_t(trial);
        const GradientResult r = computeInputGradient(s);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.gradient.shape(), (Shape4{1, 1, s.inH, s.inW}));
        // Independently: the conv2d output size, then the output_padding that restores the input size.
        const Conv2dLayer fwd = gradientForwardLayer(s);
        const int64_t oh = conv2dOutputExtent(s.inH, s.kernel.h, s.stride.h, s.padding.h, s.dilation.h);
        const int64_t ow = conv2dOutputExtent(s.inW, s.kernel.w, s.stride.w, s.padding.w, s.dilation.w);
        QCOMPARE(r.upstream.shape(), (Shape4{1, 1, oh, ow}));
        ConvLayer adj;
        adj.weight = fwd.weight;
        adj.params.kernel = Size2(s.kernel.h, s.kernel.w);
        adj.params.stride = s.stride;
        adj.params.padding = s.padding;
        adj.params.dilation = s.dilation;
        adj.params.outputPadding =
            Size2(int(s.inH - ((oh - 1) * s.stride.h - 2 * s.padding.h + s.dilation.h * (s.kernel.h - 1) + 1)),
                  int(s.inW - ((ow - 1) * s.stride.w - 2 * s.padding.w + s.dilation.w * (s.kernel.w - 1) + 1)));
        QCOMPARE(r.outputPadding, adj.params.outputPadding);
        QVERIFY(test::sameTensor(r.gradient, convTranspose2d(r.upstream, adj, *cpu), 0.0f));
        // The adjoint identity with the plain reference conv2d: <C x, g> = <x, C^T g>.
        const Tensor x = test::seededImage(int(s.inH), int(s.inW), 1, uint64_t(trial) + 7);
        const double lhs = dot(referenceConv2d(x, fwd), r.upstream), rhs = dot(x, r.gradient);
        QVERIFY2(std::abs(lhs - rhs) <= 1e-4 * std::max(1.0, std::abs(lhs)),
                 qPrintable(QStringLiteral("<Cx,g> %1, <x,C^T g> %2").arg(lhs).arg(rhs)));
        // The exact table is the adjoint's; a constant upstream shows it on the interior.
        QCOMPARE(r.table.gain, phaseGainTable(s.kernel, s.stride, s.dilation).gain);
        if (s.upstream == UpstreamKind::Constant && r.measuredCv >= 0 && std::isfinite(r.scores.cv))
            QVERIFY2(std::abs(r.measuredCv - r.scores.cv) <= 1e-4 * std::max(1.0, r.scores.cv),
                     qPrintable(QStringLiteral("measured %1 exact %2").arg(r.measuredCv).arg(r.scores.cv)));
    }
}

void TestStudioStack::gradientHandCheckedValues() {
    // Conv2d k=3 s=2 p=1, all-ones kernel, 7x7 input: 4x4 output, output_padding 0.
    // A constant upstream gradient gives, inside, the tap count per phase
    // ((y+1) mod 2 even: taps 0 and 2; odd: tap 1): 2x2, 2x1, 1x2, 1x1.
    GradientSpec s;
    s.kernel = Kernel2D(3, 3, 1.0f);
    s.stride = Size2(2);
    s.padding = Size2(1);
    s.inH = s.inW = 7;
    GradientResult r = computeInputGradient(s);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.convOutput, Size2(4));
    QCOMPARE(r.outputPadding, Size2(0));
    QCOMPARE(r.gradient.at(0, 0, 1, 1), 4.0f);
    QCOMPARE(r.gradient.at(0, 0, 1, 2), 2.0f);
    QCOMPARE(r.gradient.at(0, 0, 2, 2), 1.0f);
    QCOMPARE(r.gradient.at(0, 0, 3, 3), 4.0f);
    QCOMPARE(r.gradient.at(0, 0, 0, 0), 1.0f);  // the border: only tap (1, 1) of output (0, 0) reaches it
    // G = {4, 2, 2, 1}, mean 9/4, deviations 7/4, -1/4, -1/4, -5/4: CV = sqrt(19/16) / (9/4).
    QVERIFY(std::abs(r.scores.cv - std::sqrt(19.0 / 16.0) / 2.25) < 1e-9);
    QVERIFY(std::abs(r.measuredCv - r.scores.cv) < 1e-6);
    // 8x8: the conv still gives 4x4, so the gradient needs output_padding 1.
    s.inH = s.inW = 8;
    r = computeInputGradient(s);
    QCOMPARE(r.outputPadding, Size2(1));
    QCOMPARE(r.gradient.shape(), (Shape4{1, 1, 8, 8}));
    // k=2 s=2 (no overlap, every phase one tap): no checkerboard in the gradient.
    s.kernel = Kernel2D(2, 2, 0.25f);
    s.padding = Size2(0);
    r = computeInputGradient(s);
    QVERIFY(r.scores.cv < kArtifactFreeCv);
    QVERIFY(r.measuredCv < kArtifactFreeCv);
    // The random upstream gradient is seeded: the same seed, the same numbers.
    s.upstream = UpstreamKind::Random;
    s.seed = 3;
    QVERIFY(test::sameTensor(upstreamGradient(s), upstreamGradient(s)));
    GradientSpec other = s;
    other.seed = 4;
    QVERIFY(!test::sameTensor(upstreamGradient(s), upstreamGradient(other)));
}

void TestStudioStack::gradientBadInputs() {
    GradientSpec s;
    s.kernel = Kernel2D(5, 5, 1.0f);
    s.inH = s.inW = 3;  // smaller than the kernel, no padding
    GradientResult r = computeInputGradient(s);
    QVERIFY2(!r.error.isEmpty() && r.error.contains(QStringLiteral("3")), qPrintable(r.error));
    s.kernel = Kernel2D();
    s.inH = s.inW = 10;
    r = computeInputGradient(s);
    QVERIFY2(r.error.contains(QStringLiteral("kernel")), qPrintable(r.error));
    s.kernel = Kernel2D(3, 3, 1.0f);
    s.inH = 0;
    r = computeInputGradient(s);
    QVERIFY2(r.error.contains(QStringLiteral("0x10")), qPrintable(r.error));
}

void TestStudioStack::gradientPanelFollowsTheStudio() {
    MainWindow w(test::testWindowOptions());
    w.resize(1366, 768);
    w.show();
    auto* dock = w.findChild<QDockWidget*>(QStringLiteral("gradientDock"));
    QVERIFY(dock);
    dock->show();
    dock->raise();
    w.setInputTensor(test::seededImage(30, 26, 1, 4), QStringLiteral("seeded"));
    StudioParams p = w.params();
    p.geometry.kernel = Size2(3);
    p.geometry.stride = Size2(2);
    p.geometry.padding = Size2(1);
    p.kernelSource = KernelSource::preset(KernelPreset::Box);
    w.setParams(p);
    QVERIFY(w.waitForIdle());
    GradientPanel* g = w.gradientPanel();
    QVERIFY(g);
    QTRY_VERIFY(g->lastRun() && g->lastRun()->result.spec.kernel == w.currentKernel());
    QVERIFY(g->waitForIdle());
    const GradientResult& r = g->lastRun()->result;
    QCOMPARE(r.spec.stride, Size2(2));
    QCOMPARE(r.spec.inH, int64_t(30));
    QCOMPARE(r.gradient.shape(), (Shape4{1, 1, 30, 26}));
    auto cpu = createBackend(BackendKind::Cpu);
    QVERIFY(test::sameTensor(r.gradient, convTranspose2d(r.upstream, gradientAdjointLayer(r.spec), *cpu)));
    QVERIFY(g->summaryLabel()->text().contains(QString::fromStdString(cvText(r.scores.cv))));
    // A random upstream, then a parameter change in the studio: the newest wins.
    g->upstreamBox()->setCurrentIndex(1);
    p.geometry.stride = Size2(3);
    w.setParams(p);
    QVERIFY(w.waitForIdle());
    QTRY_VERIFY(g->lastRun()->result.spec.stride == Size2(3) && !g->busy());
    QCOMPARE(g->lastRun()->result.spec.upstream, UpstreamKind::Random);
    QCOMPARE(g->lastRun()->result.spec, g->spec());
    // The stack panel gets the studio's image.
    auto* stackDock = w.findChild<QDockWidget*>(QStringLiteral("stackDock"));
    QVERIFY(stackDock);
    stackDock->show();
    stackDock->raise();
    QVERIFY(w.stackPanel()->waitForIdle());
    QVERIFY(w.stackPanel()->lastRun());
    QCOMPARE(w.stackPanel()->lastRun()->result.outputs.front()->shape().h, int64_t(2 * 30));
}

QTEST_MAIN(TestStudioStack)
#include "test_studio_stack.moc"
