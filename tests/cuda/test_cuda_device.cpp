// SPDX-License-Identifier: MIT
// The CUDA backend on a real device: every kernel variant against the
// reference on seeded random problems, buffer reuse, chunked staging, the
// 8-bit image path, out-of-memory handling and the factory. Skipped (with the
// reason) where no usable device is present.
#include <QtTest>

#include <cmath>
#include <random>

#include "backends/BackendFactory.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/ReferenceConvTranspose.h"
#include "cuda/CudaBackend.h"
#include "cuda/RandomConvCases.h"
#include "cuda/internal/DeviceBuffer.h"
#include "cuda/internal/ImageKernels.cuh"

using namespace tconv;
using namespace tconv::testing;
using tconv::cuda::KernelVariant;

class TestCudaDevice : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void randomConfigurationsEveryVariant();
    void buffersAreReusedAcrossSizes();
    void smallStagingChunks();
    void image8ToFloat();
    void image8To8();
    void imageChannelMismatchIsRefused();
    void outOfMemoryIsAClearError();
    void factoryCreatesCuda();
};

void TestCudaDevice::initTestCase() {
    const CudaAvailability a = cudaAvailability();
    QVERIFY(a.compiled);
    if (!a.usable) QSKIP(qPrintable("no usable CUDA device: " + QString::fromStdString(a.reason)));
    qInfo("device: %s", a.device.c_str());
}

void TestCudaDevice::randomConfigurationsEveryVariant() {
    for (KernelVariant v : {KernelVariant::Tiled1, KernelVariant::Tiled4, KernelVariant::Direct, KernelVariant::Gemm}) {
        cuda::CudaBackendOptions o;
        o.forceVariant = v;
        cuda::CudaBackend backend(o);
        for (uint64_t seed = 1; seed <= 200; ++seed) {
            const RandomCase rc = makeRandomCase(seed);
            Tensor out(Shape4{1, 1, 1, 1}, NAN);
            backend.run(rc.input, rc.layer, out);
            const double err = relativeL2(out, referenceConvTranspose2d(rc.input, rc.layer));
            QVERIFY2(err < kMaxRelativeL2, qPrintable(QString("%1 [%2]: relative L2 error %3")
                                                          .arg(rc.label.c_str(), backend.lastTimings().variant)
                                                          .arg(err)));
        }
    }
}

void TestCudaDevice::buffersAreReusedAcrossSizes() {
    cuda::CudaBackend backend;
    RandomCaseLimits big;
    big.maxExtent = 120;
    for (uint64_t seed : {401, 402, 403, 404, 405, 406}) {  // sizes go up and down
        const RandomCase rc = makeRandomCase(seed, seed % 2 ? big : RandomCaseLimits{});
        Tensor out;
        for (int repeat = 0; repeat < 2; ++repeat) {
            out.fill(NAN);
            backend.run(rc.input, rc.layer, out);
            QVERIFY2(relativeL2(out, referenceConvTranspose2d(rc.input, rc.layer)) < kMaxRelativeL2, rc.label.c_str());
        }
    }
}

void TestCudaDevice::smallStagingChunks() {
    cuda::CudaBackendOptions o;
    o.stagingChunkBytes = 4096;  // a 70x90 input and its output cross in many chunks
    cuda::CudaBackend backend(o);
    RandomCaseLimits lim;
    lim.maxExtent = 90;
    const RandomCase rc = makeRandomCase(77, lim);
    Tensor out;
    backend.run(rc.input, rc.layer, out);
    QVERIFY2(relativeL2(out, referenceConvTranspose2d(rc.input, rc.layer)) < kMaxRelativeL2, rc.label.c_str());
}

namespace {

struct Image8 {
    std::vector<uint8_t> bytes;
    cuda::Image8View view;
    Tensor asFloat;  // (1, C, H, W), value / 255
};

Image8 randomImage8(int h, int w, int c, int padding, uint64_t seed) {
    Image8 im;
    std::mt19937_64 rng(seed);
    const size_t pitch = size_t(w) * c + padding;
    im.bytes.resize(pitch * h);
    for (uint8_t& b : im.bytes) b = static_cast<uint8_t>(rng());
    im.view = cuda::Image8View{im.bytes.data(), h, w, c, pitch};
    im.asFloat = Tensor(Shape4{1, c, h, w});
    for (int ch = 0; ch < c; ++ch)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) im.asFloat.at(0, ch, y, x) = float(im.bytes[y * pitch + x * c + ch]) / 255.0f;
    return im;
}

ConvLayer imageLayer(int channels, int k, int s, int p) {
    Kernel2D kernel(k, k);
    std::mt19937_64 rng(k * 100 + s);
    std::uniform_real_distribution<float> u(0.0f, 2.0f / (k * k) * s * s);
    for (float& t : kernel.taps) t = u(rng);
    ConvParams params;
    params.stride = s;
    params.padding = p;
    return makeDepthwiseLayer(kernel, channels, params);
}

}  // namespace

void TestCudaDevice::image8ToFloat() {
    cuda::CudaBackend backend;
    for (int c = 1; c <= 4; ++c)
        for (int w : {37, 64}) {
            const Image8 im = randomImage8(29, w, c, c == 3 ? 1 : 0, 10 + c);
            const ConvLayer layer = imageLayer(c, 4, 2, 1);
            Tensor out;
            backend.runImage8(im.view, layer, out);
            QVERIFY(relativeL2(out, referenceConvTranspose2d(im.asFloat, layer)) < kMaxRelativeL2);
        }
}

void TestCudaDevice::image8To8() {
    cuda::CudaBackend backend;
    for (int c = 1; c <= 4; ++c) {
        const Image8 im = randomImage8(33, 48, c, 0, 20 + c);
        const ConvLayer layer = imageLayer(c, 3, 2, 1);
        std::vector<uint8_t> bytes;
        const Shape4 shape = backend.runImage8To8(im.view, layer, bytes);
        const Tensor ref = referenceConvTranspose2d(im.asFloat, layer);
        QCOMPARE(shape, ref.shape());
        QCOMPARE(bytes.size(), size_t(ref.size()));
        for (int ch = 0; ch < c; ++ch)
            for (int y = 0; y < shape.h; ++y)
                for (int x = 0; x < shape.w; ++x) {
                    const float r = ref.at(0, ch, y, x);
                    const int got = bytes[(size_t(y) * shape.w + x) * c + ch];
                    const int want = cuda::quantize8(r);
                    // Float rounding may only matter right at a half step.
                    const bool nearHalf = std::abs(std::fmod(r * 255.0f, 1.0f) - 0.5f) < 1e-3f;
                    QVERIFY2(got == want || (nearHalf && std::abs(got - want) == 1),
                             qPrintable(QString("c%1 (%2,%3): %4 vs %5").arg(ch).arg(y).arg(x).arg(got).arg(want)));
                }
    }
}

void TestCudaDevice::imageChannelMismatchIsRefused() {
    cuda::CudaBackend backend;
    const Image8 im = randomImage8(8, 8, 3, 0, 1);
    Tensor out;
    QVERIFY_THROWS_EXCEPTION(ParameterError, backend.runImage8(im.view, imageLayer(4, 3, 2, 1), out));
}

void TestCudaDevice::outOfMemoryIsAClearError() {
    cuda::DeviceBuffer buffer;
    try {
        buffer.ensure(size_t(1) << 50, "test buffer");  // 1 PiB
        QFAIL("allocated 1 PiB of device memory");
    } catch (const cuda::DeviceOutOfMemory& e) {
        QVERIFY2(QString(e.what()).contains("CUDA out of memory: the test buffer needs"), e.what());
    }
    // The context is still fine afterwards.
    cuda::CudaBackend backend;
    const RandomCase rc = makeRandomCase(5);
    Tensor out;
    backend.run(rc.input, rc.layer, out);
    QVERIFY(relativeL2(out, referenceConvTranspose2d(rc.input, rc.layer)) < kMaxRelativeL2);
}

void TestCudaDevice::factoryCreatesCuda() {
    std::string chosen;
    auto backend = createBackend(BackendKind::Cuda, &chosen);
    QCOMPARE(backend->kind(), BackendKind::Cuda);
    QVERIFY2(QString::fromStdString(backend->description()).startsWith("cuda ("), backend->description().c_str());
    auto autoBackend = createBackend(BackendKind::Auto, &chosen);
    QCOMPARE(autoBackend->kind(), BackendKind::Cuda);
    QVERIFY2(QString::fromStdString(chosen).startsWith("cuda (auto)"), chosen.c_str());
}

QTEST_APPLESS_MAIN(TestCudaDevice)
#include "test_cuda_device.moc"
