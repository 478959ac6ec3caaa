// SPDX-License-Identifier: MIT
#include "common/BatchRanking.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "common/JsonText.h"

namespace tconv::app {

namespace {

std::string num(double v, const char* nanText) {
    if (std::isnan(v)) return nanText;
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string jsonNum(double v) { return std::isfinite(v) ? num(v, "null") : "null"; }

}  // namespace

std::vector<RankingRow> rankConfigurations(const BatchPlan& plan, const BatchSummary& summary) {
    struct Acc {
        size_t n = 0, ns = 0, ncv = 0, ne = 0;
        double psnr = 0, ssim = 0, worstPsnr = std::numeric_limits<double>::infinity(), worstSsim = 1;
        double cv = 0, energy = 0;
    };
    std::vector<Acc> acc(plan.combinations.size());
    // Summed in plan order, never in completion order: the same numbers for every --jobs.
    for (const ItemResult& r : summary.results) {
        if (r.status != ItemStatus::Done || std::isnan(r.psnr)) continue;
        Acc& a = acc[plan.items[r.item].combination];
        ++a.n;
        a.psnr += r.psnr;
        a.worstPsnr = std::min(a.worstPsnr, r.psnr);
        if (!std::isnan(r.ssim)) {
            ++a.ns;
            a.ssim += r.ssim;
            a.worstSsim = std::min(a.worstSsim, r.ssim);
        }
        if (!std::isnan(r.cv)) {
            ++a.ncv;
            a.cv += r.cv;
        }
        if (!std::isnan(r.periodicEnergy)) {
            ++a.ne;
            a.energy += r.periodicEnergy;
        }
    }
    std::vector<RankingRow> rows;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (size_t c = 0; c < acc.size(); ++c) {
        const Acc& a = acc[c];
        if (!a.n) continue;
        rows.push_back({plan.combinations[c].description, plan.combinations[c].folder, a.n, a.psnr / double(a.n),
                        a.ns ? a.ssim / double(a.ns) : nan, a.worstPsnr, a.ns ? a.worstSsim : nan,
                        a.ncv ? a.cv / double(a.ncv) : nan, a.ne ? a.energy / double(a.ne) : nan});
    }
    auto key = [](double v) { return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v; };
    std::stable_sort(rows.begin(), rows.end(), [&](const RankingRow& x, const RankingRow& y) {
        if (key(x.meanPsnr) != key(y.meanPsnr)) return key(x.meanPsnr) > key(y.meanPsnr);
        if (key(x.meanSsim) != key(y.meanSsim)) return key(x.meanSsim) > key(y.meanSsim);
        return x.parameters < y.parameters;
    });
    return rows;
}

std::string rankingText(const std::vector<RankingRow>& rows) {
    std::string t = "ranking (mean PSNR dB, mean SSIM; worst PSNR, worst SSIM; CV; images):\n";
    for (size_t i = 0; i < rows.size(); ++i) {
        const RankingRow& r = rows[i];
        char buf[160];
        std::snprintf(buf, sizeof buf, "%3zu. %8s %8s   worst %8s %8s   cv %8s   %zu  ", i + 1,
                      num(r.meanPsnr, "-").c_str(), num(r.meanSsim, "-").c_str(), num(r.worstPsnr, "-").c_str(),
                      num(r.worstSsim, "-").c_str(), num(r.cv, "-").c_str(), r.images);
        t += buf + r.parameters + "\n";
    }
    return t;
}

std::string rankingCsv(const std::vector<RankingRow>& rows) {
    std::string t = "rank,parameters,folder,images,mean_psnr,mean_ssim,worst_psnr,worst_ssim,cv,mean_periodic_energy\n";
    for (size_t i = 0; i < rows.size(); ++i) {
        const RankingRow& r = rows[i];
        auto field = [](const std::string& s) {
            if (s.find_first_of(",\"\n") == std::string::npos) return s;
            std::string q = "\"";
            for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
            return q + "\"";
        };
        t += std::to_string(i + 1) + "," + field(r.parameters) + "," + field(r.folder) + "," +
             std::to_string(r.images) + "," + num(r.meanPsnr, "") + "," + num(r.meanSsim, "") + "," +
             num(r.worstPsnr, "") + "," + num(r.worstSsim, "") + "," + num(r.cv, "") + "," +
             num(r.meanPeriodicEnergy, "") + "\n";
    }
    return t;
}

std::string rankingJson(const std::vector<RankingRow>& rows) {
    std::string t = "{\"ranking\": [";
    for (size_t i = 0; i < rows.size(); ++i) {
        const RankingRow& r = rows[i];
        t += (i ? ",\n  " : "\n  ") + std::string("{\"rank\": ") + std::to_string(i + 1) +
             ", \"parameters\": " + jsonString(r.parameters) + ", \"folder\": " + jsonString(r.folder) +
             ", \"images\": " + std::to_string(r.images) + ", \"mean_psnr\": " + jsonNum(r.meanPsnr) +
             ", \"mean_ssim\": " + jsonNum(r.meanSsim) + ", \"worst_psnr\": " + jsonNum(r.worstPsnr) +
             ", \"worst_ssim\": " + jsonNum(r.worstSsim) + ", \"cv\": " + jsonNum(r.cv) +
             ", \"mean_periodic_energy\": " + jsonNum(r.meanPeriodicEnergy) + "}";
    }
    return t + (rows.empty() ? "]}\n" : "\n]}\n");
}

std::string rankingPathFor(const std::string& reportPath) {
    const std::filesystem::path p(reportPath);
    return (p.parent_path() / (p.stem().string() + ".ranking" + p.extension().string())).string();
}

}  // namespace tconv::app
