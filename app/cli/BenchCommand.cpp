// SPDX-License-Identifier: MIT
// tconv bench: times the backends on the standard suite or on one case.
//
// Each case is timed as the engine is used in practice: convTranspose2d into
// an output tensor that is kept between runs (so, after the warm-up, its pages
// are already faulted in). floor_ms, measured in the same run, is the time to
// write a buffer of the output's size once (memset over an already-touched
// buffer, the faster of one thread and all hardware threads): the
// memory-bound limit of any backend that has to produce that output. The byte written is not zero: on some machines (this
// project's 2-core VM among them) zeroing memory runs up to twice as fast as
// writing anything else, and no real output is all zeros. No OpenCV and no
// image files are involved.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "backends/BackendFactory.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/ConvSettings.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/Validation.h"

namespace tconv::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchCase {
    int64_t h = 1024, w = 1024, c = 3;
    ConvParams params;
    bool full = false;  // full channel mixing (C -> C, groups 1) instead of depthwise
    int64_t outC = 0;   // output channels of full mixing; 0: C (C -> C)
};

struct BenchArgs {
    bool json = false;
    std::string backend = "all";
    int repeat = 10;
    int threads = 0;  // 0: the CPU backend's default
    bool custom = false;
    bool mixing = false;  // --suite mixing
    BenchCase custom_case;
};

ConvParams makeParams(Size2 k, Size2 s, Size2 p, Size2 op = 0, Size2 d = 1) {
    ConvParams c;
    c.kernel = k, c.stride = s, c.padding = p, c.outputPadding = op, c.dilation = d;
    return c;
}

std::vector<BenchCase> standardSuite() {
    return {
        {1024, 1024, 3, makeParams(4, 2, 1), false}, {1024, 1024, 3, makeParams(3, 2, 1, 1), false},
        {512, 512, 3, makeParams(5, 3, 1), false},   {2048, 2048, 1, makeParams(4, 4, 0), false},
        {1024, 1024, 3, makeParams(4, 2, 1), true},  {1024, 1024, 3, makeParams(3, 2, 2, 1, 2), false},
    };
}

// Decoder-scale channel mixing (issue 16): C_in -> C_out, k4 s2 p1.
std::vector<BenchCase> mixingSuite() {
    const ConvParams p = makeParams(4, 2, 1);
    return {{128, 128, 64, p, true, 64}, {64, 64, 256, p, true, 256},   {32, 32, 512, p, true, 512},
            {64, 64, 512, p, true, 256}, {128, 128, 256, p, true, 128}, {256, 256, 128, p, true, 64}};
}

int64_t outChannels(const BenchCase& b) { return b.full && b.outC > 0 ? b.outC : b.c; }

std::string caseName(const BenchCase& b) {
    const ConvParams& p = b.params;
    std::string s = std::to_string(b.h) + "x" + std::to_string(b.w) + "x" + std::to_string(b.c) +
                    (b.full ? " full " + std::to_string(b.c) + "->" + std::to_string(outChannels(b)) : " depthwise") +
                    " k" + sizeText(p.kernel) + " s" + sizeText(p.stride);
    if (p.padding != Size2(0)) s += " p" + sizeText(p.padding);
    if (p.outputPadding != Size2(0)) s += " op" + sizeText(p.outputPadding);
    if (p.dilation != Size2(1)) s += " d" + sizeText(p.dilation);
    return s;
}

constexpr const char* kBenchDescription =
    "Times ConvTranspose2d on the backends. Without a case option, runs the standard suite.\n"
    "one case (defaults: 1024x1024x3 depthwise k4 s2 p1): --size, --kernel-size, --stride, --padding,\n"
    "--output-padding, --dilation, --mode, --out-channels";

constexpr const char* kBenchFooter =
    "floor_ms: time to write an output-sized buffer once: memset of a non-zero byte over an already-touched\n"
    "buffer, the faster of 1 thread and all hardware threads (floor_1t_ms, floor_mt_ms); ratio = median_ms /\n"
    "floor_ms;\n"
    "out_mpix_s: output pixels (N*H_out*W_out, all channels together) per second.\n"
    "gflops: 2 * multiply-adds (H*W*C_in*C_out/groups*kH*kW) per second; compute_floor_ms: the time for those\n"
    "at peak_gflops, the CPU's packed SGEMM rate measured in the same run with the engine's own kernel.\n"
    "exit status: 0 ok, 1 processing error (e.g. --backend cuda without a usable device), 2 usage error";

int positiveInt(const std::string& value) { return std::stoi(value); }  // after positiveIntValidator

void parseSize3(const std::string& value, BenchCase& b) {
    const size_t x = value.rfind('x');
    const Size2 hw = x == std::string::npos ? Size2(0) : app::parseSize2("--size", value.substr(0, x));
    int c = 0;
    try {
        const Size2 v = x == std::string::npos ? Size2(0) : app::parseSize2("--size", value.substr(x + 1));
        c = v.h == v.w ? v.h : 0;
    } catch (const ParameterError&) {
        c = 0;
    }
    if (x == std::string::npos || value.find('x') == x || hw.h <= 0 || hw.w <= 0 || c <= 0)
        throw ParameterError("--size: expected HxWxC with positive numbers (e.g. 1024x1024x3), but got '" + value +
                             "'");
    b.h = hw.h, b.w = hw.w, b.c = c;
}

// More threads than this only measure the scheduler, and far more (100000)
// made oneTBB's arena crash on exit: 4 per hardware thread at most.
constexpr int kThreadsPerHardwareThread = 4;

int checkedThreads(int n) {
    const int hardware = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 65536u));
    const int most = kThreadsPerHardwareThread * hardware;
    if (n > most)
        throw ParameterError("--threads " + std::to_string(n) + ": at most " + std::to_string(most) +
                             " on this machine (" + std::to_string(kThreadsPerHardwareThread) +
                             " per hardware thread, " + std::to_string(hardware) + " hardware threads)");
    return n;
}

// The case options: each makes the run one custom case instead of a suite.
void addCaseOptions(CLI::App& cmd, BenchArgs& a) {
    BenchCase& c = a.custom_case;
    addValueOption(
        cmd, "--size", [&](const std::string& v) { parseSize3(v, c), a.custom = true; },
        "input height, width, channels", "HxWxC");
    const std::vector<std::pair<const char*, Size2*>> sizes = {{"--kernel-size", &c.params.kernel},
                                                               {"--stride", &c.params.stride},
                                                               {"--padding", &c.params.padding},
                                                               {"--output-padding", &c.params.outputPadding},
                                                               {"--dilation", &c.params.dilation}};
    for (const auto& [name, target] : sizes)
        addValueOption(
            cmd, name,
            [&a, name, target](const std::string& v) { *target = app::parseSize2(name, v), a.custom = true; },
            "N or HxW (height first)", "N|HxW")
            ->check(size2Validator());
    addValueOption(
        cmd, "--mode", [&](const std::string& v) { c.full = v == "full", a.custom = true; },
        "one kernel per channel, or full C -> C channel mixing", "depthwise|full")
        ->check(choiceValidator({"depthwise", "full"}));
    addValueOption(
        cmd, "--out-channels", [&](const std::string& v) { c.outC = positiveInt(v), c.full = true, a.custom = true; },
        "full mixing C -> N (implies --mode full)", "N")
        ->check(positiveIntValidator());
}

void addOptions(CLI::App& cmd, BenchArgs& a) {
    cmd.add_flag(
        "--json", a.json,
        "one JSON object per line (case, backend, threads, median_ms, min_ms, floor_ms, out_mpix_s, ratio, ...)");
    addTextOption(cmd, "--backend", a.backend, "default all: every usable backend", "cpu|cuda|all")
        ->check(choiceValidator({"cpu", "cuda", "all"}));
    addValueOption(
        cmd, "--repeat", [&](const std::string& v) { a.repeat = positiveInt(v); },
        "timed runs per case after 2 warm-up runs (default 10)", "N")
        ->check(positiveIntValidator());
    addValueOption(
        cmd, "--threads", [&](const std::string& v) { a.threads = checkedThreads(positiveInt(v)); },
        "CPU threads, at most 4 per hardware thread (default: all hardware threads)", "N")
        ->check(positiveIntValidator());
    addValueOption(
        cmd, "--suite", [&](const std::string& v) { a.mixing = v == "mixing"; },
        "without a case option: the image suite (default) or decoder-scale channel mixing\n"
        "(C_in -> C_out k4 s2 p1)",
        "images|mixing")
        ->check(choiceValidator({"images", "mixing"}));
    addCaseOptions(cmd, a);
}

struct Timing {
    double medianMs = 0, minMs = 0;
};

Timing summarize(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    const size_t n = ms.size();
    return {n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]), ms.front()};
}

template <class F>
std::vector<double> timeRuns(int runs, F&& f) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        f();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return ms;
}

// The memory-write floor for an output of `count` floats: the median time to
// memset a non-zero byte over an already-touched buffer of that size, with
// one thread and with `threads` threads (contiguous parts; all hardware
// threads, whatever --threads says); floor_ms is the
// faster of the two, so a multi-threaded backend is held to the best write
// rate the machine offers.
struct Floor {
    double oneThreadMs = 0, threadsMs = 0;
    double ms() const { return std::min(oneThreadMs, threadsMs); }
};

Floor measureFloor(int64_t count, int threads) {
    std::vector<float> buffer(static_cast<size_t>(count), 1.0f);  // touches every page
    const size_t n = buffer.size();
    auto write = [&](size_t begin, size_t end) {
        std::memset(buffer.data() + begin, 0x3f, (end - begin) * sizeof(float));
    };
    Floor f;
    f.oneThreadMs = summarize(timeRuns(7, [&] { write(0, n); })).medianMs;
    f.threadsMs = f.oneThreadMs;
    if (threads > 1)
        f.threadsMs = summarize(timeRuns(7, [&] {
                          std::vector<std::thread> pool;
                          for (int t = 1; t < threads; ++t)
                              pool.emplace_back(write, n * t / threads, n * (t + 1) / threads);
                          write(0, n / threads);
                          for (auto& th : pool) th.join();
                      })).medianMs;
    return f;
}

struct Prepared {
    Tensor input;
    ConvLayer layer;
    Shape4 out;
};

Shape4 weightShape(const BenchCase& b) {
    return {b.c, b.full ? outChannels(b) : 1, b.params.kernel.h, b.params.kernel.w};
}

ConvParams layerParams(const BenchCase& b) {
    ConvParams p = b.params;
    p.groups = b.full ? 1 : static_cast<int>(b.c);
    return p;
}

// The output shape; refuses a bad case (ParameterError) before anything is allocated.
Shape4 validateCase(const BenchCase& b) {
    return validateProblem(ConvProblem{Shape4{1, b.c, b.h, b.w}, weightShape(b), outChannels(b), layerParams(b)});
}

Prepared prepare(const BenchCase& b) {
    Prepared p;
    p.out = validateCase(b);
    p.layer.params = layerParams(b);
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    p.input = Tensor(Shape4{1, b.c, b.h, b.w});
    for (int64_t i = 0; i < p.input.size(); ++i) p.input.data()[i] = u(rng);
    p.layer.weight = Tensor(weightShape(b));
    for (int64_t i = 0; i < p.layer.weight.size(); ++i) p.layer.weight.data()[i] = u(rng) - 0.5f;
    p.layer.bias.assign(static_cast<size_t>(outChannels(b)), 0.125f);
    return p;
}

std::string jsonEscaped(const std::string& s) {
    std::string r;
    for (char ch : s) {
        if (ch == '"' || ch == '\\') r += '\\';
        r += static_cast<unsigned char>(ch) < 0x20 ? ' ' : ch;
    }
    return r;
}

struct Row {
    std::string name, backend, detail;
    int threads = 1;
    Timing t;
    Floor floor;
    double mpix = 0;
    double gflops = 0, computeFloorMs = 0, peakGflops = 0;
};

void printJson(const Row& r) {
    std::printf(
        "{\"case\": \"%s\", \"backend\": \"%s\", \"threads\": %d, \"median_ms\": %.3f, \"min_ms\": %.3f, "
        "\"floor_ms\": %.3f, \"out_mpix_s\": %.1f, \"ratio\": %.2f, \"floor_1t_ms\": %.3f, "
        "\"floor_mt_ms\": %.3f, \"gflops\": %.1f, \"compute_floor_ms\": %.3f, \"compute_ratio\": %.2f, "
        "\"peak_gflops\": %.3f, \"detail\": \"%s\"}\n",
        jsonEscaped(r.name).c_str(), r.backend.c_str(), r.threads, r.t.medianMs, r.t.minMs, r.floor.ms(), r.mpix,
        r.t.medianMs / r.floor.ms(), r.floor.oneThreadMs, r.floor.threadsMs, r.gflops, r.computeFloorMs,
        r.t.medianMs / r.computeFloorMs, r.peakGflops, jsonEscaped(r.detail).c_str());
    std::fflush(stdout);
}

void printTableRow(const Row& r) {
    std::printf("%-42s %-7s %7d %10.2f %10.2f %9.2f %7.2f %10.1f\n", r.name.c_str(), r.backend.c_str(), r.threads,
                r.t.medianMs, r.t.minMs, r.floor.ms(), r.t.medianMs / r.floor.ms(), r.mpix);
    std::fflush(stdout);
}

using NamedBackends = std::vector<std::pair<std::string, std::unique_ptr<Backend>>>;

NamedBackends makeBackends(const BenchArgs& a) {
    NamedBackends backends;
    if (a.backend != "cuda") backends.emplace_back("cpu", createBackend(BackendKind::Cpu, BackendOptions{a.threads}));
    if (a.backend == "cpu") return backends;
    const BackendInfo cuda = describeBackend(BackendKind::Cuda);
    if (cuda.available) backends.emplace_back("cuda", createBackend(BackendKind::Cuda));
    else if (a.backend == "cuda") throw ProcessingError("CUDA backend unavailable: " + cuda.reason);
    else if (!a.json) std::fprintf(stderr, "tconv bench: skipping cuda: %s\n", cuda.reason.c_str());
    return backends;
}

void printHeader(const NamedBackends& backends, int cpuThreads, double peakGflops) {
    for (const auto& [name, be] : backends) std::printf("# %s: %s\n", name.c_str(), be->description().c_str());
    std::printf("# compute peak (packed SGEMM, %d thread%s): %.1f GFLOP/s\n", cpuThreads, cpuThreads == 1 ? "" : "s",
                peakGflops);
    std::printf("%-42s %-7s %7s %10s %10s %9s %7s %10s\n", "case", "backend", "threads", "median_ms", "min_ms",
                "floor_ms", "ratio", "out_Mpix/s");
}

// Times one case on every backend and prints a row for each.
void benchCase(const BenchCase& b, const BenchArgs& a, const NamedBackends& backends, int cpuThreads,
               double peakGflops) {
    const Prepared p = prepare(b);
    const Floor floor = measureFloor(p.out.count(), describeBackend(BackendKind::Cpu).threads);
    const Shape4 w = p.layer.weight.shape();  // (C_in, C_out / groups, kH, kW)
    const double flops = 2.0 * double(p.input.shape().h * p.input.shape().w) * double(w.n * w.c * w.h * w.w);
    for (const auto& [name, be] : backends) {
        Tensor out;  // kept across runs, like the studio's and the batch runner's outputs
        auto once = [&] { convTranspose2d(p.input, p.layer, *be, out); };
        timeRuns(2, once);  // warm-up: allocation, page faults, thread start-up
        Row r{caseName(b), name, be->description(), name == "cpu" ? cpuThreads : 1, summarize(timeRuns(a.repeat, once)),
              floor,       0.0};
        r.mpix = double(p.out.n * p.out.h * p.out.w) / (r.t.medianMs * 1e3);
        r.gflops = flops / (r.t.medianMs * 1e6);
        r.peakGflops = peakGflops;
        r.computeFloorMs = flops / (peakGflops * 1e6);
        a.json ? printJson(r) : printTableRow(r);
    }
}

int bench(const BenchArgs& a) {
    const std::vector<BenchCase> cases = a.custom   ? std::vector<BenchCase>{a.custom_case}
                                         : a.mixing ? mixingSuite()
                                                    : standardSuite();
    for (const BenchCase& b : cases) validateCase(b);  // parameter errors before any work
    const NamedBackends backends = makeBackends(a);
    const int cpuThreads = a.threads > 0 ? a.threads : describeBackend(BackendKind::Cpu).threads;
    const double peakGflops = backendPeakGflops(BackendKind::Cpu, cpuThreads);  // for compute_floor_ms
    if (!a.json) printHeader(backends, cpuThreads, peakGflops);
    for (const BenchCase& b : cases) benchCase(b, a, backends, cpuThreads, peakGflops);
    return 0;
}

class BenchCommand : public Command {
public:
    explicit BenchCommand(CLI::App& tconv) {
        CLI::App* cmd = addCommand(tconv, "bench", "benchmark the backends");
        cmd->description(std::string(cmd->get_description()) + "\n" + kBenchDescription);
        cmd->footer(kBenchFooter);
        a_.custom_case = standardSuite().front();
        addOptions(*cmd, a_);
    }
    int run() override { return bench(a_); }

private:
    BenchArgs a_;
};

}  // namespace

std::unique_ptr<Command> addBenchCommand(CLI::App& tconv) { return std::make_unique<BenchCommand>(tconv); }

}  // namespace tconv::cli
