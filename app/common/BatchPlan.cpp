// SPDX-License-Identifier: MIT
#include "common/BatchPlan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <system_error>

#include "common/ImageIO.h"
#include "common/SameFile.h"

namespace fs = std::filesystem;

namespace tconv::app {

std::optional<OutputFormat> parseOutputFormat(const std::string& name) {
    if (name == "keep") return OutputFormat::Keep;
    if (name == "png") return OutputFormat::Png;
    if (name == "tif" || name == "tiff") return OutputFormat::Tif;
    if (name == "jpg" || name == "jpeg") return OutputFormat::Jpg;
    if (name == "webp") return OutputFormat::Webp;
    if (name == "npy") return OutputFormat::Npy;
    return std::nullopt;
}

size_t BatchPlan::count(PlanAction a) const {
    return static_cast<size_t>(
        std::count_if(items.begin(), items.end(), [a](const BatchItem& i) { return i.action == a; }));
}

namespace {

std::string outputExtension(const fs::path& input, OutputFormat f) {
    switch (f) {
        case OutputFormat::Png: return ".png";
        case OutputFormat::Tif: return ".tif";
        case OutputFormat::Jpg: return ".jpg";
        case OutputFormat::Webp: return ".webp";
        case OutputFormat::Npy: return ".npy";
        case OutputFormat::Keep: break;
    }
    std::string ext = input.extension().string();
    std::string lower = ext;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return !ext.empty() && isSupportedOutputExtension("x" + lower) ? ext : ".png";
}

fs::path canonicalOrNormal(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return ec ? fs::absolute(p, ec).lexically_normal() : c;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// "a_up.png" for --suffix _up: named like an output of this batch.
bool namedLikeAnOutput(const fs::path& file, const PlanOptions& o) {
    if (o.suffix.empty()) return false;
    const std::string stem = file.stem().string(), ext = lower(file.extension().string());
    if (stem.size() < o.suffix.size() || stem.compare(stem.size() - o.suffix.size(), o.suffix.size(), o.suffix) != 0)
        return false;
    if (o.format == OutputFormat::Keep) return ext == ".png" || isSupportedOutputExtension("x" + ext);
    return ext == outputExtension(fs::path("x.png"), o.format) || (o.format == OutputFormat::Tif && ext == ".tiff") ||
           (o.format == OutputFormat::Jpg && ext == ".jpeg");
}

// The inputs this batch does not write (makeBatchPlan's rules, BatchPlan.h).
std::vector<BatchInput> inputsNotWrittenByThisBatch(const std::vector<BatchInput>& inputs,
                                                    const std::vector<SweepCombination>& combos, const PlanOptions& o,
                                                    size_t& excluded) {
    std::map<fs::path, std::vector<size_t>> producers;  // canonical planned output -> inputs
    for (size_t i = 0; i < inputs.size(); ++i)
        for (const SweepCombination& c : combos)
            producers[canonicalOrNormal(plannedOutputPath(inputs[i], c, o))].push_back(i);
    std::vector<FileId> settingsFolders;
    for (const SweepCombination& c : combos) {
        FileId id;
        if (!c.folder.empty() && fileId((o.outputDir / c.folder).string(), id)) settingsFolders.push_back(id);
    }
    std::vector<BatchInput> kept;
    for (size_t i = 0; i < inputs.size(); ++i) {
        const BatchInput& in = inputs[i];
        bool written = false;
        if (!in.named) {
            const auto it = producers.find(canonicalOrNormal(in.source));
            written = it != producers.end() &&
                      std::any_of(it->second.begin(), it->second.end(), [i](size_t j) { return j != i; });
            if (!written && in.inOutputTree)
                written = namedLikeAnOutput(in.source, o) ||
                          std::any_of(settingsFolders.begin(), settingsFolders.end(),
                                      [&](const FileId& f) { return isInsideFolder(in.source.string(), f); });
        }
        if (written) ++excluded;
        else kept.push_back(in);
    }
    return kept;
}

}  // namespace

fs::path plannedOutputPath(const BatchInput& in, const SweepCombination& c, const PlanOptions& o) {
    fs::path dir = o.outputDir;
    if (!c.folder.empty()) dir /= c.folder;
    dir /= in.relative.parent_path();
    return dir / (in.relative.stem().string() + o.suffix + outputExtension(in.relative, o.format));
}

BatchPlan makeBatchPlan(const std::vector<BatchInput>& allInputs, std::vector<SweepCombination> combinations,
                        const PlanOptions& options) {
    BatchPlan plan;
    plan.combinations = std::move(combinations);
    const std::vector<BatchInput> inputs =
        inputsNotWrittenByThisBatch(allInputs, plan.combinations, options, plan.excludedInputs);

    // By device and inode: symlinks, hard links and other spellings of an input are caught.
    std::vector<FileId> inputIds;
    for (const BatchInput& in : inputs) {
        FileId id;
        if (fileId(in.source.string(), id)) inputIds.push_back(id);
    }
    auto isAnInput = [&](const fs::path& p) {
        FileId id;
        return fileId(p.string(), id) && std::find(inputIds.begin(), inputIds.end(), id) != inputIds.end();
    };

    std::map<fs::path, fs::path> claimed;  // canonical output -> the input that gets it
    for (const BatchInput& in : inputs) {
        for (size_t c = 0; c < plan.combinations.size(); ++c) {
            BatchItem item;
            item.input = in.source;
            item.combination = c;
            item.replaceExisting = options.overwrite;
            item.relative = in.relative;
            item.output = plannedOutputPath(in, plan.combinations[c], options);
            const fs::path canon = canonicalOrNormal(item.output);
            std::error_code ec;
            if (isAnInput(item.output)) {
                item.action = PlanAction::Fail;
                item.reason = "refused: the output would overwrite an input file";
                ++plan.outputsOverInputs;
            } else if (auto [it, fresh] = claimed.emplace(canon, in.source); !fresh) {
                item.action = PlanAction::Fail;
                item.reason = "refused: same output path as '" + it->second.string() + "' (use --suffix or --format)";
            } else if (!options.overwrite && fs::exists(item.output, ec)) {
                item.action = PlanAction::Skip;
                item.reason = "exists (use --overwrite to replace it)";
            }
            plan.items.push_back(std::move(item));
        }
    }
    return plan;
}

}  // namespace tconv::app
