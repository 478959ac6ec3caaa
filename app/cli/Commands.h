#pragma once
// The tconv sub-commands. Each returns the process exit code:
// 0 ok, 1 processing error, 2 usage/parameter error.
namespace tconv::cli {

int runApply(int argc, char** argv);    // argv[0] = "apply"
int runInfo(int argc, char** argv);
int runBench(int argc, char** argv);
int runAnalyze(int argc, char** argv);
int runRepair(int argc, char** argv);
int runBatch(int argc, char** argv);
int runBatchReport(int argc, char** argv);  // batch-report merge

}  // namespace tconv::cli
