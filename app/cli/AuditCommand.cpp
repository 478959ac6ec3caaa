// SPDX-License-Identifier: MIT
// tconv audit MODEL.onnx [--json] [--fail-on-artifacts CV]: every upsampling
// layer of a model (ConvTranspose, Resize/Upsample + Conv, DepthToSpace)
// analysed like `tconv analyze` analyses a full weight, and the chain they
// form analysed as one linear system (app/audit).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "audit/AuditReport.h"
#include "audit/ModelAudit.h"
#include "audit/OnnxModel.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "core/ConvError.h"

namespace tconv::cli {
namespace {

struct AuditArgs {
    std::vector<std::string> files;
    bool json = false;
    double failAbove = -1;  // < 0: never fail
};

constexpr const char* kDescription =
    "Lists every upsampling path of an ONNX model -- ConvTranspose (all attributes, incl. auto_pad and\n"
    "output_shape; weights from initializers, also through Identity/Cast/DequantizeLinear), Resize/Upsample\n"
    "followed by a Conv (as one transposed convolution), DepthToSpace (with the Conv before it, as the\n"
    "equivalent stride-r transposed convolution) -- with the checkerboard analysis of `tconv analyze` per\n"
    "output channel: CV median and worst, channels rippling by 1% or more, holes, verdict. Then each chain of\n"
    "consecutive upsampling layers (with the stride-1 convolutions between them) as one linear system,\n"
    "non-linearities and normalisation left out: total stride, period, compound phase-gain table of the\n"
    "bias-free chain fed 1 on every input channel, its CV (mean over output channels) and the layer whose\n"
    "repair lowers that CV most.\n"
    "--json keys: layers[] (name, op, stride, pads [T,L,B,R], output_padding, dilation, group, cv_median,\n"
    "cv_worst, channels_rippling, holes, verdict, ...), chain (stride, period, phase_gain, cv, worst_layer,\n"
    "...; the chain with the most upsampling layers, null without), chains[], warnings[]";

constexpr const char* kFooter =
    "exit status: 0 ok (also when artifacts are found), 1 unreadable or unsupported model,\n"
    "2 usage error or no ONNX support in this build, 3 a chain's CV above --fail-on-artifacts";

std::string modelPath(const AuditArgs& a) {
    if (a.files.empty()) throw ParameterError("audit needs MODEL.onnx (see tconv audit --help)");
    if (a.files.size() > 1)
        throw ParameterError("audit takes one MODEL.onnx, but got " + std::to_string(a.files.size()) +
                             " file arguments");
    return a.files.front();
}

// Holes count as above any threshold, like analyze's rippling channels.
bool chainFails(const app::ChainAudit& c, double threshold) {
    if (!c.error.empty()) return false;
    for (const ArtifactScores& s : c.analysis.scores)
        if (s.holes) return true;
    return !(c.analysis.cv <= threshold);
}

int audit(const AuditArgs& a) {
    const std::string path = modelPath(a);
    const app::ModelAudit result = app::auditModel(app::readOnnxModel(path));
    std::fputs((a.json ? app::auditJson(result) : app::auditText(result)).c_str(), stdout);
    std::fflush(stdout);
    if (a.failAbove < 0) return 0;
    for (size_t i = 0; i < result.chains.size(); ++i)
        if (chainFails(result.chains[i], a.failAbove)) {
            std::fprintf(stderr, "tconv: audit: chain %zu has CV %s, above --fail-on-artifacts %s\n", i + 1,
                         cvText(result.chains[i].analysis.cv).c_str(), cvText(a.failAbove).c_str());
            return 3;
        }
    return 0;
}

class AuditCommand : public Command {
public:
    explicit AuditCommand(CLI::App& tconv) {
        CLI::App* cmd = addCommand(tconv, "audit", "checkerboard audit of every upsampling layer of an ONNX model");
        cmd->description(std::string(cmd->get_description()) + "\n" + kDescription);
        cmd->footer(kFooter);
        cmd->add_option("MODEL", a_.files, "the .onnx model to read");
        cmd->add_flag("--json", a_.json, "print one JSON object instead of the text report");
        addValueOption(
            *cmd, "--fail-on-artifacts",
            [this](const std::string& v) {
                size_t used = 0;
                double cv = -1;
                try {
                    cv = std::stod(v, &used);
                } catch (const std::exception&) {
                    used = 0;
                }
                if (used != v.size() || !(cv >= 0) || !std::isfinite(cv))
                    throw ParameterError("--fail-on-artifacts: expected a CV >= 0 (e.g. 0.01 for 1%), but got '" + v +
                                         "'");
                a_.failAbove = cv;
            },
            "exit 3 when a chain's CV is above this (e.g. 0.01), or it has holes", "CV");
    }
    int run() override { return audit(a_); }

private:
    AuditArgs a_;
};

}  // namespace

std::unique_ptr<Command> addAuditCommand(CLI::App& tconv) { return std::make_unique<AuditCommand>(tconv); }

}  // namespace tconv::cli
