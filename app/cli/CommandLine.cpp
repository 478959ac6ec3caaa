// SPDX-License-Identifier: MIT
#include "cli/CommandLine.h"

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/Commands.h"
#include "common/ErrorReport.h"
#include "core/ConvError.h"

namespace tconv::cli {
namespace {

constexpr const char* kCommandList =
    "apply, batch, batch-report, analyze, audit, repair, matrix, deconvnet, bench or info";

using CommandFactory = std::unique_ptr<Command> (*)(CLI::App&);

struct Registered {
    CLI::App* app;
    std::unique_ptr<Command> command;
};

std::vector<Registered> addCommands(CLI::App& tconv) {
    std::vector<Registered> all;
    for (CommandFactory add :
         {addApplyCommand, addBatchCommand, addBatchReportCommand, addAnalyzeCommand, addAuditCommand, addRepairCommand,
          addBenchCommand, addInfoCommand, addDeconvnetCommand, addMatrixCommand}) {
        std::unique_ptr<Command> command = add(tconv);
        all.push_back({tconv.get_subcommands([](const CLI::App*) { return true; }).back(), std::move(command)});
    }
    return all;
}

void configure(CLI::App& tconv) {
    tconv.description("TConv Studio's command line: PyTorch-exact ConvTranspose2d on images and .npy files.");
    tconv.footer(
        "run 'tconv <command> --help' for a command's options\n"
        "exit status: 0 ok, 1 processing error, 2 usage or parameter error");
    tconv.set_help_flag("-h,--help", "this help");
    tconv.require_subcommand(0, 1);
    tconv.allow_extras();  // unknown commands are reported below, in the project's words
    tconv.get_formatter()->column_width(30);
}

// The chosen command's name with its parents ("batch-report merge"), or "".
std::string commandPath(const CLI::App& tconv) {
    std::string path;
    for (const CLI::App* app = &tconv; !app->get_subcommands().empty();) {
        app = app->get_subcommands().front();
        path += (path.empty() ? "" : " ") + app->get_name();
    }
    return path;
}

std::string unknownOption(const std::string& command, const std::string& arg) {
    return "unknown option '" + arg + "' (see tconv " + command + " --help)";
}

// What CLI11 collected and no option took (allow_extras): an unknown option,
// a file argument for a command without any, or an unknown command.
void refuseLeftovers(const CLI::App& tconv, const std::string& command) {
    std::vector<std::string> rest = tconv.remaining(true);
    std::erase(rest, std::string("--"));
    if (rest.empty()) return;
    const std::string& first = rest.front();
    if (command.empty())
        throw ParameterError(first.size() > 1 && first[0] == '-'
                                 ? "unknown option '" + first + "' (see tconv --help)"
                                 : "unknown command '" + first + "' (expected " + kCommandList + ")");
    if (first.size() > 1 && first[0] == '-') throw ParameterError(unknownOption(command, first));
    throw ParameterError(command + " takes no file arguments, but got '" + first + "'");
}

// CLI11's own errors in the project's words; the exit code is 2 for all of them.
std::string parseErrorText(const CLI::ParseError& e, const std::string& command) {
    const std::string what = e.what();
    const size_t colon = what.find(": ");
    // "--stride: 1 required N|HxW missing"
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && colon != std::string::npos &&
        what.find(" missing", colon) != std::string::npos)
        return what.substr(0, colon) + " needs a value (see tconv " + command + " --help)";
    return what;
}

}  // namespace

int runCommandLine(int argc, char** argv) {
    CLI::App tconv("", "tconv");
    configure(tconv);
    std::vector<Registered> commands = addCommands(tconv);
    try {
        tconv.parse(argc, argv);
        const std::string command = commandPath(tconv);
        if (command.empty() && tconv.remaining() == std::vector<std::string>{"help"}) {
            std::cout << tconv.help();
            return 0;
        }
        refuseLeftovers(tconv, command);
        for (Registered& r : commands)
            if (r.app->parsed()) return r.command->run();
        std::cerr << tconv.help();  // no command: the usage, as a usage error
        return 2;
    } catch (const CLI::CallForHelp&) {
        std::cout << tconv.help();  // the chosen command's help
        return 0;
    } catch (const CLI::ParseError& e) {
        app::printErrorLine(parseErrorText(e, commandPath(tconv)));
        return 2;
    } catch (...) {
        return app::reportCurrentException();
    }
}

}  // namespace tconv::cli
