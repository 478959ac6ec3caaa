// tconv info [--json]: what this binary is and what it can use on this machine.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/Commands.h"
#include "common/ErrorReport.h"
#include "common/ImageCodec.h"
#include "common/JsonText.h"
#include "core/BackendFactory.h"
#include "core/ConvError.h"
#include "cpu/CpuBackend.h"

#ifndef TCONV_BUILD_TYPE
#define TCONV_BUILD_TYPE "unknown"
#endif
#ifndef TCONV_BUILD_FLAGS
#define TCONV_BUILD_FLAGS ""
#endif
#ifndef TCONV_BUILD_HWY
#define TCONV_BUILD_HWY 0
#endif

namespace tconv::cli {
namespace {

using app::jsonNumber;
using app::jsonString;

struct BuildInfo {
    std::string version = TCONV_VERSION;
    std::string buildType = TCONV_BUILD_TYPE;
    std::string flags;
    std::string compiler = "g++ " __VERSION__;
    std::string opencv = app::imageCodecsVersion();
#ifdef TCONV_HAVE_TBB
    bool tbb = true;
#else
    bool tbb = false;
#endif
    bool highway = TCONV_BUILD_HWY != 0;
#ifdef TCONV_HAVE_CUDA
    bool cudaCompiled = true;
#else
    bool cudaCompiled = false;
#endif
#if defined(__SANITIZE_ADDRESS__)
    std::string sanitizers = "ASan+UBSan";
#else
    std::string sanitizers = "none";
#endif
    BuildInfo() {
        flags = TCONV_BUILD_FLAGS;
        while (!flags.empty() && flags.front() == ' ') flags.erase(flags.begin());
        while (!flags.empty() && flags.back() == ' ') flags.pop_back();
#ifdef __clang__
        compiler = "clang " __clang_version__;
#endif
    }
};

const char* yesNo(bool b) { return b ? "yes" : "no"; }
const char* jsonBool(bool b) { return b ? "true" : "false"; }

}  // namespace

int runInfo(int argc, char** argv) {
    try {
        bool asJson = false;
        for (int i = 1; i < argc; ++i) {
            if (!std::strcmp(argv[i], "--json")) {
                asJson = true;
            } else if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
                std::printf("usage: tconv info [--json]\n"
                            "Prints the version, build options, the SIMD level and threads the CPU backend uses,\n"
                            "and which backends are available (with the reason when CUDA is not).\n");
                return 0;
            } else {
                throw ParameterError(std::string("unknown option '") + argv[i] + "' (tconv info takes only --json)");
            }
        }
        const BuildInfo b;
        const std::string simd = cpuSimdTarget();
        const int threads = cpuDefaultThreadCount();
        const std::string threading = cpuThreadingLibrary();
        const std::string cpuDescription = createCpuBackend()->description();
        const CudaAvailability cuda = cudaAvailability();

        if (asJson) {
            std::printf("{\"version\": %s, \"build_type\": %s, \"flags\": %s, \"compiler\": %s, "
                        "\"opencv\": %s, \"opencv_version\": %s, \"tbb\": %s, \"highway\": %s, "
                        "\"cuda_compiled\": %s, \"sanitizers\": %s, \"simd\": %s, \"threads\": %d, "
                        "\"threading\": %s, \"backends\": {\"cpu\": {\"available\": true, \"description\": %s}, "
                        "\"cuda\": {\"available\": %s, \"device\": %s, \"reason\": %s}}}\n",
                        jsonString(b.version).c_str(), jsonString(b.buildType).c_str(), jsonString(b.flags).c_str(),
                        jsonString(b.compiler).c_str(), jsonBool(!b.opencv.empty()), jsonString(b.opencv).c_str(),
                        jsonBool(b.tbb), jsonBool(b.highway), jsonBool(b.cudaCompiled), jsonString(b.sanitizers).c_str(),
                        jsonString(simd).c_str(), threads, jsonString(threading).c_str(), jsonString(cpuDescription).c_str(),
                        jsonBool(cuda.usable), jsonString(cuda.device).c_str(), jsonString(cuda.usable ? "" : cuda.reason).c_str());
            return 0;
        }
        std::printf("tconv %s\n", b.version.c_str());
        std::printf("build: %s (%s), %s, C++20, sanitizers %s\n", b.buildType.c_str(),
                    b.flags.empty() ? "no extra flags" : b.flags.c_str(), b.compiler.c_str(), b.sanitizers.c_str());
        std::printf("options: OpenCV %s%s%s, oneTBB %s, Highway %s, CUDA backend compiled %s\n",
                    yesNo(!b.opencv.empty()), b.opencv.empty() ? " (.npy only)" : " ", b.opencv.c_str(),
                    yesNo(b.tbb), yesNo(b.highway), yesNo(b.cudaCompiled));
        std::printf("cpu: SIMD %s, %d threads (%s)\n", simd.c_str(), threads, threading.c_str());
        std::printf("backends:\n");
        std::printf("  cpu   available: %s\n", cpuDescription.c_str());
        if (cuda.usable)
            std::printf("  cuda  available: %s\n", cuda.device.c_str());
        else
            std::printf("  cuda  unavailable: %s\n", cuda.reason.c_str());
        return 0;
    } catch (...) {
        return app::reportCurrentException();
    }
}

}  // namespace tconv::cli
