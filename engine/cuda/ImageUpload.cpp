// SPDX-License-Identifier: MIT
// The 8-bit image entry points of CudaBackend: images cross PCIe as bytes
// (a quarter of float32) and are converted on the device; the result comes
// back as float planes or, quantized on the device, as 8-bit.
#include <chrono>
#include <string>

#include "cuda/internal/CudaBackendImpl.h"
#include "cuda/internal/CudaCheck.h"

namespace tconv::cuda {
namespace {

// Bytes from the first pixel to the end of the last row's pixels (the last
// row's padding may be absent from the caller's buffer).
size_t imageBytes(const Image8View& im) {
    return im.pitch * static_cast<size_t>(im.height - 1) + static_cast<size_t>(im.width) * im.channels;
}

void checkImage(const Image8View& im, const ConvLayer& layer) {
    if (im.pixels == nullptr || im.height <= 0 || im.width <= 0)
        throw ParameterError("8-bit image must be non-empty, but got " + std::to_string(im.height) + "x" +
                             std::to_string(im.width) + (im.pixels ? "" : " without pixels"));
    if (im.channels < 1 || im.channels > 4)
        throw ParameterError("8-bit image must have 1 to 4 channels, but got " + std::to_string(im.channels));
    if (im.pitch < static_cast<size_t>(im.width) * im.channels)
        throw ParameterError(
            "8-bit image row pitch " + std::to_string(im.pitch) +
            " is smaller than width x channels = " + std::to_string(static_cast<size_t>(im.width) * im.channels));
    if (im.channels != layer.inChannels())
        throw ParameterError("the layer expects " + std::to_string(layer.inChannels()) +
                             " input channels, but the image has " + std::to_string(im.channels));
}

Image8Args imageArgs(const Image8View& im) {
    Image8Args a;
    a.height = im.height;
    a.width = im.width;
    a.channels = im.channels;
    a.pitch = static_cast<int64_t>(im.pitch);
    return a;
}

}  // namespace

// Shared head of both entry points: validates, plans, allocates, uploads the
// bytes and unpacks them into the float input buffer. Returns the job.
static CudaBackend::Impl::Job uploadAndUnpack(CudaBackend::Impl& m, const Image8View& image, const ConvLayer& layer,
                                              bool packOutput) {
    TCONV_CUDA_CHECK(cudaSetDevice(m.device));
    checkImage(image, layer);
    const Shape4 inShape{1, image.channels, image.height, image.width};
    CudaBackend::Impl::Job job = m.prepare(inShape, layer);
    if (packOutput && (job.outShape.c < 1 || job.outShape.c > 4))
        throw ParameterError("an 8-bit output image needs 1 to 4 channels, but the layer produces " +
                             std::to_string(job.outShape.c));
    const size_t outBytes8 = packOutput ? static_cast<size_t>(job.outShape.count()) : 0;
    m.allocate(job, imageBytes(image), outBytes8);
    m.mark(CudaBackend::Impl::Start);
    m.staging.upload(m.image8In.data(), image.pixels, imageBytes(image), m.stream);
    m.mark(CudaBackend::Impl::Uploaded);
    Image8Args a = imageArgs(image);
    a.bytesIn = static_cast<const uint8_t*>(m.image8In.data());
    a.planesOut = static_cast<float*>(m.input.data());
    launchUnpackImage8(a, m.stream);
    m.mark(CudaBackend::Impl::Unpacked);
    return job;
}

void CudaBackend::runImage8(const Image8View& image, const ConvLayer& layer, Tensor& output) {
    const auto t0 = std::chrono::steady_clock::now();
    Impl& m = *impl_;
    const Impl::Job job = uploadAndUnpack(m, image, layer, false);
    m.convolve(job);
    m.mark(Impl::Computed);
    output.resize(job.outShape);
    m.staging.download(output.data(), m.output.data(), job.outBytes, m.stream, m.events[Impl::Downloaded]);
    m.collectTimings(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
}

Shape4 CudaBackend::runImage8To8(const Image8View& image, const ConvLayer& layer, std::vector<uint8_t>& output) {
    const auto t0 = std::chrono::steady_clock::now();
    Impl& m = *impl_;
    const Impl::Job job = uploadAndUnpack(m, image, layer, true);
    m.convolve(job);
    m.mark(Impl::Computed);
    Image8Args a;
    a.height = static_cast<int>(job.outShape.h);
    a.width = static_cast<int>(job.outShape.w);
    a.channels = static_cast<int>(job.outShape.c);
    a.pitch = static_cast<int64_t>(a.width) * a.channels;
    a.planesIn = static_cast<const float*>(m.output.data());
    a.bytesOut = static_cast<uint8_t*>(m.image8Out.data());
    launchPackImage8(a, m.stream);
    output.resize(static_cast<size_t>(job.outShape.count()));
    m.staging.download(output.data(), m.image8Out.data(), output.size(), m.stream, m.events[Impl::Downloaded]);
    m.collectTimings(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    return job.outShape;
}

}  // namespace tconv::cuda
