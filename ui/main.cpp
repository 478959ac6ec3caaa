// SPDX-License-Identifier: MIT
// tconv-studio: the desktop app, plus its two headless modes (--screenshot,
// --bench-pipeline), which default to the offscreen platform without a display.
#include <QApplication>
#include <QMessageBox>
#include <QSettings>
#include <cstdio>
#include <cstring>
#include <exception>

#include "window/AppIcon.h"
#include "window/MainWindow.h"
#include "window/PipelineBenchmark.h"
#include "window/ScreenshotMode.h"
#include "window/Theme.h"
#include "document/TutorialExamples.h"
#include "core/ResourceLimits.h"

namespace {

void usage() {
    std::printf(
        "usage: tconv-studio [IMAGE]\n"
        "       tconv-studio --screenshot OUT.png|.jpg|.bmp|.tif|.webp [IMAGE] [parameter options as in tconv apply]\n"
        "                    [--view grid|result|heatmap|compare|spectrum] [--size HxW] [--theme light|dark]\n"
        "                    [--tutorial ID] [--sample zoneplate|chart|gradients|photo]\n"
        "                    [--step N] [--hover ROW,COL]\n"
        "       tconv-studio --bench-pipeline [--size HxW] [--runs N]\n"
        "  (the format follows OUT's extension; --sample and --theme refuse other values)\n"
        "tutorial IDs (the worked examples of the tutorials the studio replays):\n");
    for (const auto& e : tconv::ui::tutorialExamples())
        std::printf("  %-22s %s\n", e.id.toUtf8().constData(), e.title.toUtf8().constData());
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tconv::ui;
    const bool headless = ScreenshotMode::requested(argc, argv) || PipelineBenchmark::requested(argc, argv);
    if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            usage();
            return 0;
        }
    // A malformed TCONV_MEMORY_LIMIT_MB is a usage error, as in tconv: say so
    // now rather than end on an uncaught exception at the first computation.
    try {
        (void)tconv::defaultResourceLimits();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tconv-studio: error: %s\n", e.what());
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TConv"));
    QApplication::setApplicationName(QStringLiteral("TConv Studio"));
    QApplication::setApplicationVersion(QStringLiteral(TCONV_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("tconv-studio"));
    QApplication::setWindowIcon(appIcon());
    if (ScreenshotMode::requested(argc, argv)) {
        applyTheme(QStringLiteral("light"));
        return ScreenshotMode::run(argc, argv);
    }
    if (PipelineBenchmark::requested(argc, argv)) return PipelineBenchmark::run(argc, argv);
    applyTheme(QSettings().value("theme", "system").toString());
    MainWindow window;
    window.show();
    if (argc > 1) window.openFile(QString::fromLocal8Bit(argv[1]));
    return app.exec();
}
