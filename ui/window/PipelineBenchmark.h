// SPDX-License-Identifier: MIT
#pragma once
// `tconv-studio --bench-pipeline [--size HxW] [--runs N]`: the studio's
// latency target, measured on the objects the UI uses. For a 1-megapixel RGB
// input it cycles through parameter changes and reports the median time from
// the change to (a) the pipeline's result with every view's image ready and
// (b) the main window having shown it and repainted all visible views.
namespace tconv::ui {

class PipelineBenchmark {
public:
    static bool requested(int argc, char** argv);
    static int run(int argc, char** argv);
};

}  // namespace tconv::ui
