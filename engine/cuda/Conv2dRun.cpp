// SPDX-License-Identifier: MIT
// CudaBackend::runConv2d: the forward conv2d on the device. The request was
// validated by conv2d() (core/Conv2d.h); input, weights (+ bias) go up through
// the backend's staging buffers, the kernel runs, the output comes down.
#include <chrono>
#include <vector>

#include "cuda/CudaBackend.h"
#include "cuda/internal/Conv2dLaunch.h"
#include "cuda/internal/CudaBackendImpl.h"
#include "cuda/internal/CudaCheck.h"

namespace tconv::cuda {

void CudaBackend::runConv2d(const Tensor& input, const Conv2dLayer& layer, Tensor& output) {
    const auto t0 = std::chrono::steady_clock::now();
    Impl& m = *impl_;
    TCONV_CUDA_CHECK(cudaSetDevice(m.device));
    Conv2dArgs args = conv2dArgsFor(input.shape(), layer, output.shape());
    // Weights then bias in one parameter buffer.
    std::vector<float> params(layer.weight.storage());
    params.insert(params.end(), layer.bias.begin(), layer.bias.end());
    const size_t inBytes = static_cast<size_t>(input.size()) * sizeof(float);
    const size_t outBytes = static_cast<size_t>(output.size()) * sizeof(float);
    const size_t paramBytes = params.size() * sizeof(float);
    m.allocateWithRetry([&] {
        m.input.ensure(inBytes, "input buffer");
        m.output.ensure(outBytes, "output buffer");
        m.params.ensure(paramBytes, "layer parameter buffer");
    });
    m.mark(Impl::Start);
    m.staging.upload(m.params.data(), params.data(), paramBytes, m.stream);
    m.staging.upload(m.input.data(), input.data(), inBytes, m.stream);
    m.mark(Impl::Uploaded);
    m.mark(Impl::Unpacked);
    const float* deviceParams = static_cast<const float*>(m.params.data());
    args.input = static_cast<const float*>(m.input.data());
    args.weight = deviceParams;
    args.bias = layer.bias.empty() ? nullptr : deviceParams + layer.weight.size();
    args.output = static_cast<float*>(m.output.data());
    launchConv2d(args, m.stream);
    m.timings.variant = "conv2d direct";
    m.mark(Impl::Computed);
    m.staging.download(output.data(), m.output.data(), outBytes, m.stream, m.events[Impl::Downloaded]);
    m.collectTimings(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    applyConv2dEpilogue(layer, output);  // on the host, after the download
}

}  // namespace tconv::cuda
