// SPDX-License-Identifier: MIT
#include "common/BatchReport.h"
#include "common/JsonText.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "common/AtomicFile.h"
#include "core/ConvError.h"

namespace tconv::app {

namespace {

std::string lowerExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

std::string number(double v, const char* nanText, const char* infText) {
    if (std::isnan(v)) return nanText;
    if (std::isinf(v)) return v > 0 ? infText : std::string("-") + infText;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// Sizes are empty until the stage that knows them ran.
std::string dim(int64_t v, bool known) { return known ? std::to_string(v) : std::string(); }

}  // namespace

bool isSupportedReportPath(const std::string& path) {
    const std::string ext = lowerExtension(path);
    return ext == ".csv" || ext == ".json";
}

std::string batchReportCsv(const BatchPlan& plan, const BatchSummary& summary) {
    std::ostringstream out;
    out << "input,output,status,error,parameters,input_width,input_height,channels,output_width,output_height,cv,"
           "ratio,seconds"
        << (summary.evaluated ? ",psnr,ssim,periodic_energy" : "") << (summary.referenced ? ",reference\n" : "\n");
    for (const ItemResult& r : summary.results) {
        const BatchItem& item = plan.items[r.item];
        const bool in = r.inputShape.count() > 0, o = r.outputShape.count() > 0;
        out << csvField(item.input.string()) << ',' << csvField(item.output.string()) << ',' << itemStatusName(r.status)
            << ',' << csvField(r.error) << ',' << csvField(plan.combinations[item.combination].description) << ','
            << dim(r.inputShape.w, in) << ',' << dim(r.inputShape.h, in) << ',' << dim(r.inputShape.c, in) << ','
            << dim(r.outputShape.w, o) << ',' << dim(r.outputShape.h, o) << ',' << number(r.cv, "", "inf") << ','
            << number(r.ratio, "", "inf") << ',' << number(r.seconds, "", "inf");
        if (summary.evaluated)
            out << ',' << number(r.psnr, "", "inf") << ',' << number(r.ssim, "", "inf") << ','
                << number(r.periodicEnergy, "", "inf");
        if (summary.referenced) out << ',' << csvField(r.reference);
        out << '\n';
    }
    return out.str();
}

std::string batchReportJson(const BatchPlan& plan, const BatchSummary& summary) {
    std::ostringstream out;
    const BatchCounts& c = summary.counts;
    out << "{\n  \"summary\": {\"done\": " << c.done << ", \"skipped\": " << c.skipped << ", \"failed\": " << c.failed
        << ", \"cancelled\": " << summary.cancelled << ", \"seconds\": " << number(summary.seconds, "null", "null")
        << ", \"images_per_second\": " << number(summary.imagesPerSecond(), "null", "null")
        << ", \"backend\": " << jsonString(summary.backend) << "},\n  \"items\": [";
    bool first = true;
    for (const ItemResult& r : summary.results) {
        const BatchItem& item = plan.items[r.item];
        const bool in = r.inputShape.count() > 0, o = r.outputShape.count() > 0;
        auto size = [](const Shape4& s, bool known) {
            if (!known) return std::string("null");
            std::string t = "[";
            t.append(std::to_string(s.h)).append(", ").append(std::to_string(s.w)).append(", ");
            return t.append(std::to_string(s.c)).append("]");
        };
        out << (first ? "\n" : ",\n") << "    {\"input\": " << jsonString(item.input.string())
            << ", \"output\": " << jsonString(item.output.string()) << ", \"status\": \"" << itemStatusName(r.status)
            << "\", \"error\": " << jsonString(r.error)
            << ", \"parameters\": " << jsonString(plan.combinations[item.combination].description)
            << ", \"input_size\": " << size(r.inputShape, in) << ", \"output_size\": " << size(r.outputShape, o)
            << ", \"cv\": " << number(r.cv, "null", "null") << ", \"ratio\": " << number(r.ratio, "null", "null")
            << ", \"seconds\": " << number(r.seconds, "null", "null");
        if (summary.evaluated)
            out << ", \"psnr\": " << number(r.psnr, "null", "null") << ", \"ssim\": " << number(r.ssim, "null", "null")
                << ", \"periodic_energy\": " << number(r.periodicEnergy, "null", "null");
        if (summary.referenced) out << ", \"reference\": " << jsonString(r.reference);
        out << "}";
        first = false;
    }
    out << (first ? "]\n}\n" : "\n  ]\n}\n");
    return out.str();
}

void writeBatchReport(const std::string& path, const BatchPlan& plan, const BatchSummary& summary) {
    const std::string ext = lowerExtension(path);
    std::string text;
    if (ext == ".csv") text = batchReportCsv(plan, summary);
    else if (ext == ".json") text = batchReportJson(plan, summary);
    else throw ParameterError("--report: '" + path + "' must end in .csv or .json");
    writeFileAtomically(path, text.data(), text.size());
}

BatchSummary plannedSummary(const BatchPlan& plan) {
    BatchSummary s;
    for (size_t i = 0; i < plan.items.size(); ++i) {
        const BatchItem& item = plan.items[i];
        ItemResult r;
        r.item = i;
        r.seconds = 0;
        if (item.action == PlanAction::Skip) {
            r.status = ItemStatus::Skipped;
            r.error = item.reason;
        } else if (item.action == PlanAction::Fail) {
            r.status = ItemStatus::Failed;
            r.error = item.reason;
        } else {
            r.status = ItemStatus::Cancelled;
            r.error = "not finished (the shard is running or was stopped)";
        }
        s.results.push_back(std::move(r));
    }
    return s;
}

std::string batchSummaryLine(const BatchSummary& summary) {
    const BatchCounts& c = summary.counts;
    char buf[256];
    std::snprintf(buf, sizeof buf, "batch: %zu done, %zu skipped, %zu failed", c.done, c.skipped, c.failed);
    std::string line = buf;
    if (summary.cancelled) line += ", " + std::to_string(summary.cancelled) + " cancelled";
    std::snprintf(buf, sizeof buf, " in %.2f s (%.2f images/s)", summary.seconds, summary.imagesPerSecond());
    return line + buf;
}

}  // namespace tconv::app
