// SPDX-License-Identifier: MIT
#pragma once
// The tconv sub-commands. Each add*Command defines its sub-command on `tconv`
// (options bound to the object it returns); CommandLine.cpp parses the command
// line and calls run() on the one chosen. run() returns the exit code: 0 ok,
// 1 processing error, 2 usage/parameter error; what it throws is reported by
// CommandLine.cpp (ParameterError: 2, anything else: 1).
#include <memory>

#include <CLI/CLI.hpp>

namespace tconv::cli {

class Command {
public:
    virtual ~Command() = default;
    virtual int run() = 0;
};

std::unique_ptr<Command> addApplyCommand(CLI::App& tconv);
std::unique_ptr<Command> addBatchCommand(CLI::App& tconv);
std::unique_ptr<Command> addBatchReportCommand(CLI::App& tconv);  // batch-report merge
std::unique_ptr<Command> addAnalyzeCommand(CLI::App& tconv);
std::unique_ptr<Command> addAuditCommand(CLI::App& tconv);  // ONNX models
std::unique_ptr<Command> addRepairCommand(CLI::App& tconv);
std::unique_ptr<Command> addBenchCommand(CLI::App& tconv);
std::unique_ptr<Command> addInfoCommand(CLI::App& tconv);
std::unique_ptr<Command> addDeconvnetCommand(CLI::App& tconv);  // deconvnet infer|learn
std::unique_ptr<Command> addMatrixCommand(CLI::App& tconv);     // the convolution matrix

}  // namespace tconv::cli
