// SPDX-License-Identifier: MIT
#pragma once
// The per-output report of a batch (--report report.csv|report.json) and the
// one-line summary printed at the end.
//
// One row (CSV) or object (JSON "items") per planned output, with: input,
// output, status (done/skipped/failed/cancelled), error, parameters (the
// settings description), input and output size, channels, the artifact
// scores cv and ratio (R = max/min phase gain) and seconds. --evaluate adds
// psnr, ssim and periodic_energy, --reference the path of the reference image
// each result was scored against. JSON adds a "summary" object; non-finite numbers are written as null in JSON and as
// an empty field (NaN) or "inf" in CSV.
#include <string>

#include "common/BatchPlan.h"
#include "common/BatchRunner.h"

namespace tconv::app {

bool isSupportedReportPath(const std::string& path);  // ends in .csv or .json

std::string batchReportCsv(const BatchPlan& plan, const BatchSummary& summary);
std::string batchReportJson(const BatchPlan& plan, const BatchSummary& summary);

// By extension, written atomically. Throws ParameterError for another
// extension, ProcessingError when it cannot be written.
void writeBatchReport(const std::string& path, const BatchPlan& plan, const BatchSummary& summary);

// The report of a plan before it runs: skipped and refused items as the plan
// says, every item to process "cancelled" with the error "not finished".
BatchSummary plannedSummary(const BatchPlan& plan);

// "batch: 198 done, 0 skipped, 2 failed in 12.3 s (16.1 images/s)"
// (", 40 cancelled" when the run was interrupted).
std::string batchSummaryLine(const BatchSummary& summary);

}  // namespace tconv::app
