// SPDX-License-Identifier: MIT
// tconv info [--json]: what this binary is and what it can use on this machine.
#include <cstdio>
#include <string>

#include "backends/BackendFactory.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/ImageCodec.h"
#include "common/JsonText.h"

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

void printJson(const BuildInfo& b, const BackendInfo& cpu, const std::string& cpuDescription,
               const CudaAvailability& cuda) {
    std::printf(
        "{\"version\": %s, \"build_type\": %s, \"flags\": %s, \"compiler\": %s, "
        "\"opencv\": %s, \"opencv_version\": %s, \"tbb\": %s, \"highway\": %s, "
        "\"cuda_compiled\": %s, \"sanitizers\": %s, \"simd\": %s, \"threads\": %d, "
        "\"threading\": %s, \"backends\": {\"cpu\": {\"available\": true, \"description\": %s}, "
        "\"cuda\": {\"available\": %s, \"device\": %s, \"reason\": %s}}}\n",
        jsonString(b.version).c_str(), jsonString(b.buildType).c_str(), jsonString(b.flags).c_str(),
        jsonString(b.compiler).c_str(), jsonBool(!b.opencv.empty()), jsonString(b.opencv).c_str(), jsonBool(b.tbb),
        jsonBool(b.highway), jsonBool(b.cudaCompiled), jsonString(b.sanitizers).c_str(), jsonString(cpu.simd).c_str(),
        cpu.threads, jsonString(cpu.threading).c_str(), jsonString(cpuDescription).c_str(), jsonBool(cuda.usable),
        jsonString(cuda.device).c_str(), jsonString(cuda.usable ? "" : cuda.reason).c_str());
}

void printText(const BuildInfo& b, const BackendInfo& cpu, const std::string& cpuDescription,
               const CudaAvailability& cuda) {
    std::printf("tconv %s\n", b.version.c_str());
    std::printf("build: %s (%s), %s, C++20, sanitizers %s\n", b.buildType.c_str(),
                b.flags.empty() ? "no extra flags" : b.flags.c_str(), b.compiler.c_str(), b.sanitizers.c_str());
    std::printf("options: OpenCV %s%s%s, oneTBB %s, Highway %s, CUDA backend compiled %s\n", yesNo(!b.opencv.empty()),
                b.opencv.empty() ? " (.npy only)" : " ", b.opencv.c_str(), yesNo(b.tbb), yesNo(b.highway),
                yesNo(b.cudaCompiled));
    std::printf("cpu: SIMD %s, %d threads (%s)\n", cpu.simd.c_str(), cpu.threads, cpu.threading.c_str());
    std::printf("backends:\n");
    std::printf("  cpu   available: %s\n", cpuDescription.c_str());
    if (cuda.usable) std::printf("  cuda  available: %s\n", cuda.device.c_str());
    else std::printf("  cuda  unavailable: %s\n", cuda.reason.c_str());
}

class InfoCommand : public Command {
public:
    explicit InfoCommand(CLI::App& tconv) {
        CLI::App* cmd = addCommand(tconv, "info", "version, build options, SIMD level, backends");
        cmd->description(std::string(cmd->get_description()) +
                         "\nPrints the version, build options, the SIMD level and threads the CPU backend uses,\n"
                         "and which backends are available (with the reason when CUDA is not).");
        cmd->add_flag("--json", json_, "one JSON object instead of the text");
    }
    int run() override {
        const BuildInfo b;
        const BackendInfo cpu = describeBackend(BackendKind::Cpu);
        const std::string cpuDescription = createBackend(BackendKind::Cpu)->description();
        const CudaAvailability cuda = cudaAvailability();
        json_ ? printJson(b, cpu, cpuDescription, cuda) : printText(b, cpu, cpuDescription, cuda);
        return 0;
    }

private:
    bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> addInfoCommand(CLI::App& tconv) { return std::make_unique<InfoCommand>(tconv); }

}  // namespace tconv::cli
