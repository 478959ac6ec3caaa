// SPDX-License-Identifier: MIT
#include "cuda/CudaBackend.h"

#include <chrono>

#include "core/Validation.h"
#include "cuda/internal/CudaBackendImpl.h"
#include "cuda/internal/CudaCheck.h"

namespace tconv::cuda {
namespace {

int selectDevice(int device) {
    TCONV_CUDA_CHECK(cudaSetDevice(device));
    return device;
}

}  // namespace

CudaBackend::Impl::Impl(const CudaBackendOptions& o)
    : options(o), device(selectDevice(o.device)), staging(o.stagingChunkBytes) {
    cudaDeviceProp prop{};
    TCONV_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    deviceName = prop.name;
    ccMajor = prop.major;
    ccMinor = prop.minor;
    try {
        // Non-blocking: the stream does not synchronize with the legacy default
        // stream, so jobs of several instances can overlap.
        TCONV_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
        for (cudaEvent_t& e : events) TCONV_CUDA_CHECK(cudaEventCreate(&e));
    } catch (...) {
        destroyStreamAndEvents();
        throw;
    }
}

CudaBackend::Impl::~Impl() {
    cudaSetDevice(device);
    if (stream != nullptr) cudaStreamSynchronize(stream);  // queued work may still use the buffers
    destroyStreamAndEvents();
}

void CudaBackend::Impl::destroyStreamAndEvents() noexcept {
    for (cudaEvent_t& e : events) {
        if (e != nullptr) cudaEventDestroy(e);
        e = nullptr;
    }
    if (stream != nullptr) cudaStreamDestroy(stream);
    stream = nullptr;
}

void CudaBackend::Impl::mark(Stage s) { TCONV_CUDA_CHECK(cudaEventRecord(events[s], stream)); }

void CudaBackend::Impl::collectTimings(double wallMs) {
    TCONV_CUDA_CHECK(cudaEventSynchronize(events[Downloaded]));
    float ms[StageCount - 1] = {};
    for (int s = 0; s + 1 < StageCount; ++s) TCONV_CUDA_CHECK(cudaEventElapsedTime(&ms[s], events[s], events[s + 1]));
    timings.uploadMs = ms[0];
    timings.unpackMs = ms[1];
    timings.kernelMs = ms[2];
    timings.downloadMs = ms[3];
    timings.wallMs = wallMs;
}

void CudaBackend::Impl::releaseAll() noexcept {
    // Buffers may still be in use by queued work.
    cudaStreamSynchronize(stream);
    for (DeviceBuffer* b : {&input, &output, &params, &image8In, &image8Out}) b->release();
}

CudaBackend::Impl::Job CudaBackend::Impl::prepare(const Shape4& inShape, const ConvLayer& layer) const {
    Job job;
    job.inShape = inShape;
    // The caller (convTranspose2d) has applied the memory limit; here only the shapes.
    job.outShape = validateProblem(layer.problemFor(inShape), ResourceLimits{});
    job.geometry = makeGeometry(inShape, layer, job.outShape);
    job.plan = planLaunch(job.geometry, options.forceVariant);
    job.params = packParams(layer, job.geometry);
    job.inBytes = static_cast<size_t>(inShape.count()) * sizeof(float);
    job.outBytes = static_cast<size_t>(job.outShape.count()) * sizeof(float);
    return job;
}

void CudaBackend::Impl::allocate(const Job& job, size_t image8InBytes, size_t image8OutBytes) {
    allocateWithRetry([&] {
        input.ensure(job.inBytes, "input buffer");
        output.ensure(job.outBytes, "output buffer");
        params.ensure(job.params.bytes.size(), "layer parameter buffer");
        if (image8InBytes) image8In.ensure(image8InBytes, "8-bit input image buffer");
        if (image8OutBytes) image8Out.ensure(image8OutBytes, "8-bit output image buffer");
    });
    // The layer constants are a few KiB: they go right away, ahead of the data.
    staging.upload(params.data(), job.params.bytes.data(), job.params.bytes.size(), stream);
}

void CudaBackend::Impl::convolve(const Job& job) {
    const KernelArgs args = bindArgs(job.geometry, job.plan, job.params, params.data(),
                                     static_cast<const float*>(input.data()), static_cast<float*>(output.data()));
    launchConvTranspose(args, job.plan, stream);
    timings.variant = variantName(job.plan.variant);
}

CudaBackend::CudaBackend(const CudaBackendOptions& options) : impl_(std::make_unique<Impl>(options)) {}

CudaBackend::~CudaBackend() = default;

std::string CudaBackend::description() const {
    return "cuda (" + impl_->deviceName + ", sm_" + std::to_string(impl_->ccMajor) + std::to_string(impl_->ccMinor) +
           ")";
}

const CudaTimings& CudaBackend::lastTimings() const { return impl_->timings; }

void CudaBackend::releaseBuffers() {
    TCONV_CUDA_CHECK(cudaSetDevice(impl_->device));
    impl_->releaseAll();
}

void CudaBackend::run(const Tensor& input, const ConvLayer& layer, Tensor& output) {
    const auto t0 = std::chrono::steady_clock::now();
    Impl& m = *impl_;
    TCONV_CUDA_CHECK(cudaSetDevice(m.device));
    if (input.size() != input.shape().count())
        throw ParameterError("input holds " + std::to_string(input.size()) + " values but its shape " +
                             shapeText(input.shape()) + " needs " + std::to_string(input.shape().count()));
    const Impl::Job job = m.prepare(input.shape(), layer);
    output.resize(job.outShape);
    m.allocate(job);
    m.mark(Impl::Start);
    m.staging.upload(m.input.data(), input.data(), job.inBytes, m.stream);
    m.mark(Impl::Uploaded);
    m.mark(Impl::Unpacked);
    m.convolve(job);
    m.mark(Impl::Computed);
    m.staging.download(output.data(), m.output.data(), job.outBytes, m.stream, m.events[Impl::Downloaded]);
    m.collectTimings(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace tconv::cuda
