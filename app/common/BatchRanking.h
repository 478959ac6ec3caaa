// SPDX-License-Identifier: MIT
#pragma once
// The summary of `tconv batch --evaluate`: settings combinations ranked by
// their mean PSNR over the images (then mean SSIM, then name), with the worst
// case of each, and their checkerboard scores (CV, periodic energy), printed
// at the end and written next to the report.
#include <string>
#include <vector>

#include "common/BatchPlan.h"
#include "common/BatchRunner.h"

namespace tconv::app {

struct RankingRow {
    std::string parameters;  // the combination's description
    std::string folder;      // its sub-folder ("" without a sweep)
    size_t images = 0;       // items scored (done)
    double meanPsnr = 0, meanSsim = 0, worstPsnr = 0, worstSsim = 0;
    // The checkerboard score of the kernel (the phase gains' coefficient of
    // variation; NaN for a full multi-channel weight) and the mean measured
    // periodic energy of the results.
    double cv = 0, meanPeriodicEnergy = 0;
};

// Only items with both scores count; an image whose SSIM is undefined (smaller
// than the window) counts for PSNR only. Deterministic whatever --jobs.
std::vector<RankingRow> rankConfigurations(const BatchPlan& plan, const BatchSummary& summary);

std::string rankingText(const std::vector<RankingRow>& rows);
std::string rankingCsv(const std::vector<RankingRow>& rows);
std::string rankingJson(const std::vector<RankingRow>& rows);

// "r/report.csv" -> "r/report.ranking.csv" (same for .json).
std::string rankingPathFor(const std::string& reportPath);

}  // namespace tconv::app
