// Placeholder gather implementation; replaced by the polyphase SIMD backend.
#include "cpu/CpuBackend.h"

#include <thread>

namespace tconv {
namespace {

class NaiveCpuBackend final : public Backend {
public:
    BackendKind kind() const override { return BackendKind::Cpu; }
    std::string description() const override { return "cpu (naive)"; }
    void run(const Tensor& input, const ConvLayer& layer, Tensor& output) override {
        const ConvParams& p = layer.params;
        const Shape4 in = input.shape(), w = layer.weight.shape(), o = output.shape();
        const int64_t cinG = w.n / p.groups, coutG = w.c;
        for (int64_t n = 0; n < o.n; ++n)
            for (int64_t co = 0; co < o.c; ++co) {
                const int64_t g = co / coutG, col = co % coutG;
                for (int64_t oy = 0; oy < o.h; ++oy)
                    for (int64_t ox = 0; ox < o.w; ++ox) {
                        double acc = layer.bias.empty() ? 0.0 : layer.bias[co];
                        for (int64_t ci = g * cinG; ci < (g + 1) * cinG; ++ci)
                            for (int64_t ky = 0; ky < w.h; ++ky) {
                                const int64_t ty = oy + p.padding.h - ky * p.dilation.h;
                                if (ty < 0 || ty % p.stride.h) continue;
                                const int64_t iy = ty / p.stride.h;
                                if (iy >= in.h) continue;
                                for (int64_t kx = 0; kx < w.w; ++kx) {
                                    const int64_t tx = ox + p.padding.w - kx * p.dilation.w;
                                    if (tx < 0 || tx % p.stride.w) continue;
                                    const int64_t ix = tx / p.stride.w;
                                    if (ix >= in.w) continue;
                                    acc += input.at(n, ci, iy, ix) * layer.weight.at(ci, col, ky, kx);
                                }
                            }
                        output.at(n, co, oy, ox) = static_cast<float>(acc);
                    }
            }
    }
};

}  // namespace

std::unique_ptr<Backend> createCpuBackend(int) { return std::make_unique<NaiveCpuBackend>(); }
std::string cpuSimdTarget() { return "scalar"; }
int cpuDefaultThreadCount() { return static_cast<int>(std::thread::hardware_concurrency()); }
std::string cpuThreadingLibrary() { return "none"; }

}  // namespace tconv
