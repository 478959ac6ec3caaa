// SPDX-License-Identifier: MIT
// tconv deconvnet infer|learn: deconvolutional networks (analysis/DeconvNet.h).
//   infer IMAGE|Y.npy --filters F.npy --lambda L [--iters N] [--maps Z.npy] [--recon OUT] [--json]
//   learn INPUT... --maps K1 --filter-size N|HxW --lambda L [--epochs E] [--layers 1|2] --out F.npy
//         [--seed S] [--json]
// Everything that can be refused is refused before any image is decoded or
// anything computed; every output is written atomically.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/DeconvLearning.h"
#include "analysis/DeconvNet.h"
#include "backends/BackendFactory.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/AtomicFile.h"
#include "common/ConvSettings.h"
#include "common/ImageIO.h"
#include "common/JsonText.h"
#include "common/KernelFile.h"
#include "common/SameFile.h"
#include "core/ConvError.h"
#include "core/NpyFile.h"

namespace tconv::cli {
// Named, not anonymous: tconv may be compiled as one unity translation unit.
namespace deconvnet_cmd {

using app::jsonNumber;

constexpr const char* kInferDescription =
    "Finds sparse feature maps z that synthesise the image y through the filter bank F:\n"
    "  y_c = sum_k z_k (valid conv) f_{k,c} = conv_transpose2d(z, F, stride 1, padding (kh-1, kw-1)),\n"
    "minimising lambda/2 ||y_hat - y||^2 + ||z||_1 by FISTA (step 1/L; L from the filters' spectrum\n"
    "for gray images, else a power iteration; backtracking, monotone restarts: the objective never rises).\n"
    "  IMAGE    an image (gray or RGB: K0 = channels, values in [0,1]) or .npy (H,W) or (H,W,C)\n"
    "  F.npy    float32 (K1, K0, kh, kw), ConvTranspose2d layout; K0 must equal the image's channels\n"
    "  Z.npy    written: float32 (H+kh-1, W+kw-1, K1); tconv apply Z.npy OUT.npy --kernel F.npy --stride 1\n"
    "           --padding (kh-1)x(kw-1) reproduces the reconstruction\n"
    "  --json   one JSON object per iteration; the last line holds objective, data_term, l1_term, psnr,\n"
    "           nonzero_fraction, iterations";

constexpr const char* kLearnDescription =
    "Learns a filter bank F (K1, K0, kh, kw) for the INPUT images by alternating inference of their maps\n"
    "with projected gradient steps on F (each filter renormalised to unit L2 norm); the objective per\n"
    "outer step never rises. --layers 2 then learns a second bank on the maps of the first (its image),\n"
    "with the same --maps and --filter-size, written next to --out as <stem>.layer2.npy.\n"
    "  --json   one JSON object per outer step: layer, epoch, objective, data_term, l1_term, psnr,\n"
    "           nonzero_fraction, filter_step";

constexpr const char* kFooter =
    "exit status: 0 ok, 1 processing error (unreadable input, write failure), 2 usage or parameter error";

struct InferArgs {
    std::vector<std::string> files;
    std::string filters, maps, recon, backend = "auto";
    double lambda = NAN;
    int iterations = 100;
    bool json = false;
};

struct LearnArgs {
    std::vector<std::string> inputs;
    int maps = 0, epochs = 10, layers = 1, iterations = 20;
    std::string filterSize, out, backend = "auto";
    double lambda = NAN;
    uint64_t seed = 1;
    bool json = false;
};

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void checkLambda(double lambda) {
    if (std::isnan(lambda)) throw ParameterError("--lambda is required (a positive number, e.g. --lambda 20)");
    if (!(lambda > 0) || !std::isfinite(lambda))
        throw ParameterError("--lambda: expected a positive finite number, but got " + std::to_string(lambda));
}

std::unique_ptr<Backend> backendFor(const std::string& name) {
    const std::optional<BackendKind> kind = parseBackendKind(name);
    if (!kind) throw ParameterError("--backend: expected auto, cpu or cuda, but got '" + name + "'");
    return createBackend(*kind);
}

// A 4-D filter bank (K1, K0, kh, kw) from a .npy file.
Tensor loadFilterBank(const std::string& path) {
    const app::KernelFile file = app::loadKernelFile(path);
    if (!file.isFullWeight())
        throw ParameterError("--filters '" + path + "': expected a float32 .npy of shape (K1, K0, kh, kw), but got a " +
                             file.describe());
    return file.weight;
}

// Planar (1, C, H, W) -> .npy (H, W, C), written atomically.
void saveMapsNpy(const std::string& path, const Tensor& maps) {
    const Shape4 s = maps.shape();
    std::vector<float> hwc(static_cast<size_t>(s.count()));
    for (int64_t c = 0; c < s.c; ++c)
        for (int64_t i = 0; i < s.h * s.w; ++i) hwc[static_cast<size_t>(i * s.c + c)] = maps.plane(0, c)[i];
    app::writeFileAtomically(path, [&](const std::string& temp) { writeNpy(temp, {s.h, s.w, s.c}, hwc.data()); });
}

void saveFiltersNpy(const std::string& path, const Tensor& f) {
    const Shape4 s = f.shape();
    app::writeFileAtomically(path, [&](const std::string& temp) { writeNpy(temp, {s.n, s.c, s.h, s.w}, f.data()); });
}

std::string costJson(const DeconvCost& c, double psnr, double nonzero) {
    return "\"objective\":" + jsonNumber(c.objective) + ",\"data_term\":" + jsonNumber(c.dataTerm) +
           ",\"l1_term\":" + jsonNumber(c.l1Term) + ",\"psnr\":" + jsonNumber(psnr) +
           ",\"nonzero_fraction\":" + jsonNumber(nonzero);
}

int infer(InferArgs& a) {
    if (a.files.size() != 1)
        throw ParameterError(a.files.empty() ? "deconvnet infer needs an IMAGE (see tconv deconvnet infer --help)"
                                             : "deconvnet infer takes one IMAGE, but got " +
                                                   std::to_string(a.files.size()) + " file arguments");
    if (a.filters.empty()) throw ParameterError("--filters F.npy is required");
    checkLambda(a.lambda);
    if (a.iterations < 0) throw ParameterError("--iters: expected 0 or more, but got " + std::to_string(a.iterations));
    if (!a.maps.empty() && !endsWith(a.maps, ".npy"))
        throw ParameterError("--maps '" + a.maps + "' must end in .npy (the maps are float32 (H', W', K1))");
    if (!a.recon.empty()) app::checkOutputFormat(a.recon, Shape4{1, 1, 1, 1});
    for (const std::string& out : {a.maps, a.recon})
        if (!out.empty()) app::refuseOutputOverInputs(out, {a.files[0], a.filters});
    if (!a.maps.empty() && !a.recon.empty() && a.maps == a.recon)
        throw ParameterError("--maps and --recon name the same file '" + a.maps + "'");
    std::unique_ptr<Backend> backend = backendFor(a.backend);

    const Tensor filters = loadFilterBank(a.filters);
    const app::LoadedImage image = app::loadImage(a.files[0]);
    deconvMapShape(image.tensor.shape(), filters);  // K0 against the image, before any work
    if (!a.recon.empty()) app::checkOutputFormat(a.recon, image.tensor.shape());

    DeconvInferenceOptions o;
    o.lambda = a.lambda;
    o.iterations = a.iterations;
    o.progress = [&](const DeconvIteration& it) {
        if (a.json)
            std::printf("{\"iteration\":%d,%s,\"lipschitz\":%s}\n", it.iteration,
                        costJson(it.cost, it.psnr, it.nonzeroFraction).c_str(), jsonNumber(it.lipschitz).c_str());
        return true;
    };
    const auto start = std::chrono::steady_clock::now();
    const DeconvInference r = inferDeconvMaps(image.tensor, filters, o, *backend);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!a.maps.empty()) saveMapsNpy(a.maps, r.maps);
    if (!a.recon.empty()) app::saveImage(a.recon, r.reconstruction, image.bitDepth);
    if (a.json) {
        std::printf("{%s,\"iterations\":%d,\"ms\":%s}\n", costJson(r.cost, r.psnr, r.nonzeroFraction).c_str(),
                    r.iterations, jsonNumber(ms).c_str());
    } else {
        std::printf(
            "deconvnet infer: %d iterations in %.1f ms on %s: objective %.6g (data %.6g + l1 %.6g), "
            "PSNR %.2f dB, %.2f%% of map entries non-zero\n",
            r.iterations, ms, backend->description().c_str(), r.cost.objective, r.cost.dataTerm, r.cost.l1Term, r.psnr,
            100.0 * r.nonzeroFraction);
        if (!a.maps.empty()) std::printf("wrote %s\n", a.maps.c_str());
        if (!a.recon.empty()) std::printf("wrote %s\n", a.recon.c_str());
    }
    return 0;
}

// "stem.layer2.npy" beside "stem.npy".
std::string layer2Path(const std::string& out) { return out.substr(0, out.size() - 4) + ".layer2.npy"; }

void printEpoch(const LearnArgs& a, int layer, const DeconvEpoch& e) {
    if (a.json)
        std::printf("{\"layer\":%d,\"epoch\":%d,%s,\"filter_step\":%s}\n", layer, e.epoch,
                    costJson(e.cost, e.psnr, e.nonzeroFraction).c_str(), jsonNumber(e.filterStep).c_str());
    else
        std::printf("layer %d epoch %d: objective %.6g (data %.6g + l1 %.6g), PSNR %.2f dB, %.2f%% non-zero\n", layer,
                    e.epoch, e.cost.objective, e.cost.dataTerm, e.cost.l1Term, e.psnr, 100.0 * e.nonzeroFraction);
    std::fflush(stdout);
}

int learn(LearnArgs& a) {
    if (a.inputs.empty()) throw ParameterError("deconvnet learn needs at least one INPUT image");
    if (a.maps < 1) throw ParameterError("--maps K1 is required (a positive number of feature maps)");
    if (a.filterSize.empty()) throw ParameterError("--filter-size N|HxW is required");
    checkLambda(a.lambda);
    if (a.layers != 1 && a.layers != 2)
        throw ParameterError("--layers: expected 1 or 2, but got " + std::to_string(a.layers));
    if (a.out.empty()) throw ParameterError("--out F.npy is required");
    if (!endsWith(a.out, ".npy")) throw ParameterError("--out '" + a.out + "' must end in .npy");
    app::refuseOutputOverInputs(a.out, a.inputs);
    if (a.layers == 2) app::refuseOutputOverInputs(layer2Path(a.out), a.inputs);
    DeconvLearnOptions o;
    o.maps = a.maps;
    o.filterSize = app::parseSize2("--filter-size", a.filterSize);
    o.lambda = a.lambda;
    o.epochs = a.epochs;
    o.inferenceIterations = a.iterations;
    o.seed = a.seed;
    std::unique_ptr<Backend> backend = backendFor(a.backend);

    std::vector<Tensor> images;
    for (const std::string& path : a.inputs) images.push_back(app::loadImage(path).tensor);
    o.progress = [&](const DeconvEpoch& e) { return printEpoch(a, 1, e), true; };
    DeconvLearned first = learnDeconvFilters(images, o, *backend);
    saveFiltersNpy(a.out, first.filters);
    if (!a.json) std::printf("wrote %s %s\n", a.out.c_str(), shapeText(first.filters.shape()).c_str());
    if (a.layers == 1) return 0;

    // Layer 2: the maps of layer 1 (inferred with its final filters) are its images.
    std::vector<Tensor> mapImages;
    double peak = 0;
    for (size_t i = 0; i < images.size(); ++i) {
        DeconvInferenceOptions io;
        io.lambda = o.lambda;
        io.iterations = o.inferenceIterations;
        mapImages.push_back(inferDeconvMaps(images[i], first.filters, io, *backend, &first.maps[i]).maps);
        for (float v : mapImages.back().storage()) peak = std::max(peak, double(std::fabs(v)));
    }
    o.peak = peak > 0 ? peak : 1.0;
    o.seed = a.seed + 1000003;
    o.progress = [&](const DeconvEpoch& e) { return printEpoch(a, 2, e), true; };
    const DeconvLearned second = learnDeconvFilters(mapImages, o, *backend);
    saveFiltersNpy(layer2Path(a.out), second.filters);
    if (!a.json) std::printf("wrote %s %s\n", layer2Path(a.out).c_str(), shapeText(second.filters.shape()).c_str());
    return 0;
}

class DeconvnetCommand : public Command {
public:
    explicit DeconvnetCommand(CLI::App& tconv) {
        top_ = addCommand(tconv, "deconvnet", "deconvolutional networks: sparse maps (infer) and filters (learn)");
        top_->footer(kFooter);
        infer_ = addCommand(*top_, "infer", "sparse feature maps of one image for a filter bank");
        infer_->description(std::string(infer_->get_description()) + "\n" + kInferDescription);
        infer_->footer(kFooter);
        infer_->add_option("IMAGE", i_.files, "the image or .npy to explain");
        addTextOption(*infer_, "--filters", i_.filters, "the filter bank (K1, K0, kh, kw)", "F.npy");
        infer_->add_option("--lambda", i_.lambda, "weight of the data term (> 0)")->type_name("L");
        infer_->add_option("--iters", i_.iterations, "FISTA iterations (default 100)")->type_name("N");
        addTextOption(*infer_, "--maps", i_.maps, "write the maps, float32 (H+kh-1, W+kw-1, K1)", "Z.npy");
        addTextOption(*infer_, "--recon", i_.recon, "write the reconstruction (image or .npy)", "OUT");
        addTextOption(*infer_, "--backend", i_.backend, "auto (default), cpu or cuda", "NAME");
        infer_->add_flag("--json", i_.json, "JSON lines (see above)");

        learn_ = addCommand(*top_, "learn", "learn a filter bank from images");
        learn_->description(std::string(learn_->get_description()) + "\n" + kLearnDescription);
        learn_->footer(kFooter);
        learn_->add_option("INPUT", l_.inputs, "images or .npy files (same channel count)");
        learn_->add_option("--maps", l_.maps, "K1: feature maps (filters) per layer")->type_name("K1");
        addTextOption(*learn_, "--filter-size", l_.filterSize, "filter size, N or HxW", "N|HxW");
        learn_->add_option("--lambda", l_.lambda, "weight of the data term (> 0)")->type_name("L");
        learn_->add_option("--epochs", l_.epochs, "outer steps per layer (default 10)")->type_name("E");
        learn_->add_option("--iters", l_.iterations, "FISTA iterations per image and outer step (default 20)")
            ->type_name("N");
        learn_->add_option("--layers", l_.layers, "1 (default) or 2")->type_name("1|2");
        addTextOption(*learn_, "--out", l_.out, "the learned filters (K1, K0, kh, kw)", "F.npy");
        learn_->add_option("--seed", l_.seed, "seed of the initial random filters (default 1)")->type_name("S");
        addTextOption(*learn_, "--backend", l_.backend, "auto (default), cpu or cuda", "NAME");
        learn_->add_flag("--json", l_.json, "one JSON line per outer step");
    }
    int run() override {
        if (infer_->parsed()) return infer(i_);
        if (learn_->parsed()) return learn(l_);
        throw ParameterError("usage: tconv deconvnet infer|learn ... (see tconv deconvnet --help)");
    }

private:
    CLI::App* top_ = nullptr;
    CLI::App* infer_ = nullptr;
    CLI::App* learn_ = nullptr;
    InferArgs i_;
    LearnArgs l_;
};

}  // namespace deconvnet_cmd

std::unique_ptr<Command> addDeconvnetCommand(CLI::App& tconv) {
    return std::make_unique<deconvnet_cmd::DeconvnetCommand>(tconv);
}

}  // namespace tconv::cli
