#include "PipelineBenchmark.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "ComputePipeline.h"
#include "MainWindow.h"
#include "SampleImages.h"
#include "ViewPanel.h"

namespace tconv::ui {
namespace {

struct Stats {
    double median = 0, min = 0, max = 0;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v.front(), v.back()};
}

// Smooth colour content (every phase of the kernel matters, none is flat).
Tensor benchInput(int h, int w) {
    Tensor t(Shape4{1, 3, h, w});
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                t.at(0, c, y, x) = 0.5f + 0.5f * std::sin(0.013f * (c + 1) * x + 0.021f * y + c);
    return t;
}

// The parameter changes a user makes: stride, kernel, padding, bias, preset.
std::vector<StudioParams> changes() {
    std::vector<StudioParams> v;
    StudioParams base;
    v.push_back(base);  // box k3 s2 p1 q1
    StudioParams b = base;
    b.geometry.kernel = 4;
    b.geometry.outputPadding = 0;
    b.kernelSource = "bilinear";
    v.push_back(b);
    StudioParams c = base;
    c.bias = 0.1f;
    v.push_back(c);
    StudioParams d = b;
    d.geometry.padding = 2;
    v.push_back(d);
    StudioParams e = base;
    e.kernelSource = "gaussian";
    e.sigma = 1.2;
    v.push_back(e);
    return v;
}

}  // namespace

bool PipelineBenchmark::requested(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--bench-pipeline") == 0) return true;
    return false;
}

int PipelineBenchmark::run(int argc, char** argv) {
    int h = 1024, w = 1024, runs = 25;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--size") == 0) std::sscanf(argv[i + 1], "%dx%d", &h, &w);
        if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(3, std::atoi(argv[i + 1]));
    }
    const auto input = std::make_shared<const Tensor>(benchInput(h, w));
    const std::vector<StudioParams> params = changes();

    // (a) The pipeline alone, with what the default 2x2 grid needs.
    ComputePipeline pipeline;
    std::vector<double> pipeMs, convMs;
    std::map<std::string, std::vector<double>> stageMs;
    ComputeResultPtr got;
    QObject::connect(&pipeline, &ComputePipeline::resultReady, [&](ComputeResultPtr r) { got = std::move(r); });
    for (int i = 0; i < runs + 2; ++i) {
        ComputeRequest r;
        r.input = input;
        r.params = params[size_t(i) % params.size()];
        r.kernel = resolveKernel(r.params);
        r.difference = false;  // what the default 2x2 grid shows: input, result, heatmap, resize-conv
        got.reset();
        QElapsedTimer t;
        t.start();
        pipeline.submit(r);
        while (!got) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (!got->ok) {
            std::fprintf(stderr, "bench: %s\n", got->error.toLocal8Bit().constData());
            return 1;
        }
        if (i >= 2) {  // warm-up: first allocations, thread start
            pipeMs.push_back(ms);
            convMs.push_back(got->convMs);
            for (const auto& [name, t] : got->stageMs) stageMs[name].push_back(t);
        }
    }
    got.reset();

    // (b) The main window: parameter change -> result shown -> all visible views repainted.
    MainWindow::Options o;
    o.persistSettings = false;
    o.loadDefaultSample = false;
    MainWindow window(o);
    window.resize(1480, 940);
    window.show();
    window.setInputTensor(*input, QStringLiteral("bench"), 8);
    window.waitForIdle();
    std::vector<double> windowMs, paintMs, jobMs;
    QString backend;
    for (int i = 0; i < runs + 2; ++i) {
        bool shown = false;
        auto c = QObject::connect(&window, &MainWindow::resultShown, [&](ComputeResultPtr r) {
            QElapsedTimer paint;
            paint.start();
            for (ViewPanel* p : window.viewArea()->visiblePanels()) p->view()->repaint();
            if (i >= 2) paintMs.push_back(double(paint.nsecsElapsed()) / 1e6);
            backend = r->backend;
            if (i >= 2) jobMs.push_back(r->computeMs);
            shown = true;
        });
        QElapsedTimer t;
        t.start();
        window.setParams(params[size_t(i + 1) % params.size()]);
        while (!shown) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QObject::disconnect(c);
        if (i >= 2) windowMs.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    const Stats a = stats(pipeMs), b = stats(windowMs), cv = stats(convMs);
    std::printf("studio pipeline, %dx%dx3 input -> %dx%d output (stride 2), %d changes, backend %s\n", h, w, 2 * h,
                2 * w, runs, backend.toLocal8Bit().constData());
    std::printf("  pipeline (result + heatmap + resize-conv + images, as the grid): median %.1f ms, min %.1f, max %.1f\n",
                a.median, a.min, a.max);
    std::printf("    stages (median ms):");
    for (const auto& [name, v] : stageMs) std::printf(" %s %.1f", name.c_str(), stats(v).median);
    std::printf("\n");
    (void)cv;
    std::printf("  window (change -> all 4 views repainted):                       median %.1f ms, min %.1f, max %.1f\n",
                b.median, b.min, b.max);
    std::printf("    of which the job on the worker: median %.1f ms; repainting the 4 views: median %.1f ms\n",
                stats(jobMs).median, stats(paintMs).median);
    return 0;
}

}  // namespace tconv::ui
