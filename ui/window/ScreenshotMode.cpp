// SPDX-License-Identifier: MIT
#include "window/ScreenshotMode.h"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QEventLoop>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QFileInfo>
#include <QImageWriter>
#include <QSaveFile>
#include <QThread>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include "panels/DeconvNetPanel.h"
#include "panels/ExplanationPanel.h"
#include "panels/GradientPanel.h"
#include "panels/StackPanel.h"
#include "window/MainWindow.h"
#include "document/SampleImages.h"
#include "document/StudioSettingsBridge.h"
#include "window/Theme.h"
#include "common/ConvSettings.h"
#include "common/SameFile.h"

namespace tconv::ui {
namespace {

struct ScreenshotView {
    const char* name;
    const char* sample;                      // the default sample, or null: the default start
    std::function<void(MainWindow&)> show;   // before the window is shown
    std::function<void(MainWindow&)> shown;  // after the computation (may be null)
};

int fail(int code, const QString& message) {
    std::fprintf(stderr, "tconv-studio: %s\n", message.toLocal8Bit().constData());
    return code;
}

// The formats a screenshot can be written in (those of this Qt's plugins).
QList<QByteArray> screenshotFormats() {
    QList<QByteArray> out;
    const QList<QByteArray> supported = QImageWriter::supportedImageFormats();
    for (const char* f : {"png", "jpg", "bmp", "tif", "webp"})
        if (supported.contains(f)) out << f;
    return out;
}

// The image format the output's extension names (".jpg" writes JPEG), or
// empty when this Qt cannot write it: the bytes always match the name.
QByteArray formatForExtension(const QString& path) {
    QByteArray suffix = QFileInfo(path).suffix().toLower().toLatin1();
    if (suffix == "jpeg") suffix = "jpg";
    if (suffix == "tiff") suffix = "tif";
    return screenshotFormats().contains(suffix) ? suffix : QByteArray();
}

// Fails unless `value` is one of `allowed`, naming them all.
void requireOneOf(const char* option, const QString& value, const QStringList& allowed) {
    if (!value.isEmpty() && !allowed.contains(value))
        throw std::invalid_argument(std::string(option) + " '" + value.toStdString() + "' is not one of " +
                                    allowed.join(QStringLiteral(", ")).toStdString());
}

// The main views in one layout slot.
void showSingle(MainWindow& w, ViewContent c) {
    w.viewArea()->setContents(LayoutMode::Single, {c});
    w.setLayoutMode(LayoutMode::Single);
}

// The output pixel a formulation view explains when --hover names none: the centre.
void explainCentre(MainWindow& w) {
    if (const ComputeResultPtr r = w.lastResult()) {
        const Shape4 out = r->output.shape();
        w.hoverOutputPixel(static_cast<int>(out.h / 2), static_cast<int>(out.w / 2), false);
    }
}

// --view deconvnet: learn a bank from the image, infer its maps, wait for
// the panel (up to 10 min), then hover the reconstruction's centre.
void runDeconvNet(MainWindow& w) {
    DeconvNetPanel* panel = w.deconvNetPanel();
    panel->setImage(w.input());
    if (auto* bank = panel->findChild<QComboBox*>()) bank->setCurrentIndex(2);  // learn from the image
    if (auto* epochs = panel->findChild<QSpinBox*>(QStringLiteral("deconvEpochs"))) epochs->setValue(15);
    QEventLoop loop;
    QObject::connect(panel, &DeconvNetPanel::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(600000, &loop, &QEventLoop::quit);
    panel->runButton()->click();
    loop.exec();
    QLabel* recon = panel->reconstructionView();
    const QPointF centre(recon->pixmap().deviceIndependentSize().width() / 2,
                         recon->pixmap().deviceIndependentSize().height() / 2);
    QMouseEvent move(QEvent::MouseMove, centre, recon->mapToGlobal(centre), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(recon, &move);
}

// --view NAME: how each view is shown, one line per view (add yours here).
// `show` runs before the window is shown, `shown` once the computation is done
// (before --hover and --step); `sample` is the default input, null for the
// default start.
const std::vector<ScreenshotView>& screenshotViews() {
    static const std::vector<ScreenshotView> views{
        {"grid", nullptr, [](MainWindow& w) { w.setLayoutMode(LayoutMode::Grid); }, nullptr},
        {"result", nullptr, [](MainWindow& w) { showSingle(w, ViewContent::Result); }, nullptr},
        {"heatmap", nullptr, [](MainWindow& w) { showSingle(w, ViewContent::Heatmap); }, nullptr},
        {"compare", nullptr, [](MainWindow& w) { showSingle(w, ViewContent::CompareAB); }, nullptr},
        {"spectrum", "zoneplate", [](MainWindow& w) { showSingle(w, ViewContent::Spectrum); }, nullptr},
        {"zero-insertion", nullptr,
         [](MainWindow& w) {
             w.setLayoutMode(LayoutMode::SideBySide);
             w.showWideDock(w.zeroInsertionDock());
         },
         explainCentre},
        {"matrix", nullptr,
         [](MainWindow& w) {
             w.setLayoutMode(LayoutMode::SideBySide);
             w.showWideDock(w.matrixDock());
         },
         explainCentre},
        {"stack", nullptr,
         [](MainWindow& w) {
             w.setLayoutMode(LayoutMode::Single);
             w.showWideDock(w.findChild<QDockWidget*>(QStringLiteral("stackDock")));
         },
         [](MainWindow& w) { w.stackPanel()->waitForIdle(120000); }},
        {"gradient", nullptr,
         [](MainWindow& w) {
             w.setLayoutMode(LayoutMode::Single);
             w.showWideDock(w.findChild<QDockWidget*>(QStringLiteral("gradientDock")));
         },
         [](MainWindow& w) { w.gradientPanel()->waitForIdle(120000); }},
        {"deconvnet", nullptr,
         [](MainWindow& w) { w.showWideDock(w.findChild<QDockWidget*>(QStringLiteral("deconvnetDock"))); },
         runDeconvNet},
    };
    return views;
}

const ScreenshotView* findScreenshotView(const QString& name) {
    for (const ScreenshotView& v : screenshotViews())
        if (name == QLatin1String(v.name)) return &v;
    return nullptr;
}

QString screenshotViewNames() {
    QStringList names;
    for (const ScreenshotView& v : screenshotViews()) names << QString::fromLatin1(v.name);
    return names.join(QStringLiteral(", "));
}

}  // namespace

bool ScreenshotMode::requested(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--screenshot") == 0) return true;
    return false;
}

int ScreenshotMode::run(int argc, char** argv) {
    QString out, image, view = QStringLiteral("grid"), theme, tutorial, sample;
    QSize size(1480, 940);
    int step = -1;                // --step N: the scatter stepper at step N (small inputs)
    std::optional<QPoint> hover;  // --hover ROW,COL: pin the provenance of that output pixel
    // Any parameter option switches to `tconv apply`'s defaults for the rest;
    // with none, the studio's own defaults are shown.
    app::ConvSettings settings;
    bool geometryGiven = false;
    try {
        for (int i = 1; i < argc; ++i) {
            const QString a = QString::fromLocal8Bit(argv[i]);
            auto value = [&](const char* what) {
                if (i + 1 >= argc) throw std::invalid_argument(std::string(what) + " needs a value");
                return QString::fromLocal8Bit(argv[++i]);
            };
            if (a == QLatin1String("--screenshot")) out = value("--screenshot");
            else if (a == QLatin1String("--view")) view = value("--view");
            else if (a == QLatin1String("--theme")) theme = value("--theme");
            else if (a == QLatin1String("--tutorial")) tutorial = value("--tutorial");
            else if (a == QLatin1String("--sample")) sample = value("--sample");
            else if (a == QLatin1String("--step")) step = value("--step").toInt();
            else if (a == QLatin1String("--hover")) {
                const QStringList yx = value("--hover").split(',');
                if (yx.size() == 2) hover = QPoint(yx[1].toInt(), yx[0].toInt());
            } else if (a == QLatin1String("--size")) {
                // HEIGHTxWIDTH, like every size the project writes (and --bench-pipeline).
                const QStringList hw = value("--size").split('x');
                if (hw.size() != 2 || hw[0].toInt() < 150 || hw[1].toInt() < 200)
                    throw std::invalid_argument(
                        "--size must be HEIGHTxWIDTH (rows first, like --bench-pipeline), "
                        "at least 150x200");
                size = QSize(hw[1].toInt(), hw[0].toInt());
            } else {
                int j = i;
                if (app::parseConvOption(argc, argv, j, settings)) {
                    geometryGiven = true;
                    i = j - 1;
                } else if (!a.startsWith(QLatin1String("--")) && image.isEmpty()) {
                    image = a;
                } else {
                    throw std::invalid_argument("unknown option '" + a.toStdString() + "'");
                }
            }
        }
        requireOneOf("--theme", theme, themeNames());
        requireOneOf("--sample", sample, SampleImages::ids());
    } catch (const std::exception& e) {
        return fail(2, QString::fromUtf8(e.what()));
    }
    if (out.isEmpty()) return fail(2, QStringLiteral("--screenshot needs an output path"));
    try {  // never replace the image (or kernel file) the screenshot is made of
        app::refuseOutputOverInputs(out.toLocal8Bit().toStdString(),
                                    {image.toLocal8Bit().toStdString(), settings.kernel.path()}, "--screenshot");
    } catch (const std::exception& e) {
        return fail(2, QString::fromUtf8(e.what()));
    }
    const QByteArray format = formatForExtension(out);
    if (format.isEmpty()) {
        QStringList names;
        for (const QByteArray& f : screenshotFormats()) names << QLatin1Char('.') + QString::fromLatin1(f);
        return fail(2, QStringLiteral("cannot tell the image format of '%1' from its extension: use one of %2")
                           .arg(out, names.join(QStringLiteral(", "))));
    }
    const ScreenshotView* shown = findScreenshotView(view);
    if (!shown) return fail(2, QStringLiteral("--view '%1' is not one of %2").arg(view, screenshotViewNames()));
    if (!theme.isEmpty()) applyTheme(theme);

    MainWindow::Options options;
    options.persistSettings = false;
    options.loadDefaultSample = false;
    MainWindow w(options);
    w.resize(size);
    shown->show(w);
    w.show();
    QString error;
    int code = 0;
    if (!tutorial.isEmpty()) {
        if (!w.loadTutorial(tutorial)) return fail(2, QStringLiteral("unknown tutorial '%1'").arg(tutorial));
    } else {
        if (!image.isEmpty()) {
            if (!w.openFile(image, &error, true)) return fail(1, error);
        } else {
            if (!sample.isEmpty()) w.loadSample(sample);
            else if (shown->sample) w.loadSample(QString::fromLatin1(shown->sample));
            else w.loadDefaultStart();
        }
        StudioParams p = w.params();
        if (geometryGiven) {
            QString why;
            if (!applyConvSettings(settings, p, &why)) {
                std::fprintf(stderr, "tconv-studio: %s\n", why.toLocal8Bit().constData());
                code = 2;
            }
        }
        w.setParams(p);
    }
    if (!w.waitForIdle(120000)) return fail(1, QStringLiteral("timed out waiting for the computation"));
    if (!w.currentError().isEmpty()) {
        std::fprintf(stderr, "tconv-studio: %s\n", w.currentError().toLocal8Bit().constData());
        code = 2;
    }
    if (shown->shown) shown->shown(w);
    if (hover) w.hoverOutputPixel(hover->y(), hover->x(), true);
    if (step >= 0) w.explanationPanel()->setStep(step);
    for (int i = 0; i < 5; ++i) {
        QApplication::processEvents();
        QThread::msleep(10);
    }
    const QImage shot = w.grab().toImage();
    QSaveFile f(out);
    if (shot.isNull() || !f.open(QIODevice::WriteOnly) || !shot.save(&f, format.constData()) || !f.commit())
        return fail(1, QStringLiteral("cannot write %1: %2").arg(out, f.errorString()));
    std::printf("%s\n", out.toLocal8Bit().constData());
    return code;
}

}  // namespace tconv::ui
