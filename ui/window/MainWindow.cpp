// SPDX-License-Identifier: MIT
#include "window/MainWindow.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QGuiApplication>
#include <QLabel>
#include <QMenu>
#include <QMimeData>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QTabBar>
#include <QTimer>
#include <algorithm>
#include <cmath>

#include "controllers/ComputeScheduler.h"
#include "controllers/DocumentController.h"
#include "controllers/ExportController.h"
#include "controllers/KernelEditController.h"
#include "controllers/ProvenanceController.h"
#include "controllers/RepairController.h"
#include "controllers/ScatterStepper.h"
#include "controllers/SettingsController.h"
#include "controllers/StudioDocument.h"
#include "document/DocumentReset.h"
#include "document/SampleImages.h"
#include "panels/ExplanationPanel.h"
#include "panels/GradientPanel.h"
#include "panels/KernelEditor.h"
#include "panels/DeconvNetPanel.h"
#include "panels/ModelController.h"
#include "panels/ModelPanel.h"
#include "panels/ParameterPanel.h"
#include "panels/StackPanel.h"
#include "controllers/TapHighlight.h"
#include "views/MatrixGridView.h"
#include "views/ViewSync.h"
#include "views/ZeroInsertionView.h"
#include "window/AppIcon.h"

namespace tconv::ui {

// A formulation view in a scroll area: the dock may be narrower than the view (a 1366-pixel screen).
static QScrollArea* scrolled(QWidget* w) {
    auto* s = new QScrollArea;
    s->setWidget(w);
    s->setWidgetResizable(true);
    s->setFrameShape(QFrame::NoFrame);
    return s;
}

MainWindow::MainWindow() : MainWindow(Options{}) {}

MainWindow::MainWindow(const Options& options) : options_(options) {
    setWindowTitle(tr("TConv Studio"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    sync_ = new ViewSync(this);
    area_ = new ViewArea(sync_, this);
    setCentralWidget(area_);
    buildDocks();
    buildStatusBar();
    buildControllers();
    buildMenus();
    connectDocument();
    connectViews();
    connectPanels();

    fitToScreen();
    const QString lastFile = settings_->restore(showGridAction_);
    if (!lastFile.isEmpty()) documents_->openFile(lastFile, nullptr, true);
    const StudioParams& p = document_->params();
    paramsPanel_->setParams(p);
    scheduler_->resolveKernelOnly();
    area_->setHeatmapKind(p.heatmap);
    area_->setResizeMode(p.resize);
    if (options_.loadDefaultSample && !document_->input()) loadDefaultStart();
    document_->setBaseline();  // what the window opens with is not an undo step
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks() {
    paramsPanel_ = new ParameterPanel;
    auto* scroll = new QScrollArea;
    scroll->setWidget(paramsPanel_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Narrow screens: the panel scrolls sideways rather than cutting its fields off.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    auto* left = new QDockWidget(tr("Parameters"), this);
    left->setObjectName(QStringLiteral("parametersDock"));
    left->setWidget(scroll);
    left->setMinimumWidth(250);
    addDockWidget(Qt::LeftDockWidgetArea, left);

    kernelEditor_ = new KernelEditor;
    auto* kscroll = new QScrollArea;
    kscroll->setWidget(kernelEditor_);
    kscroll->setWidgetResizable(true);
    kscroll->setFrameShape(QFrame::NoFrame);
    kscroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    auto* right = new QDockWidget(tr("Kernel"), this);
    right->setObjectName(QStringLiteral("kernelDock"));
    right->setWidget(kscroll);
    right->setMinimumWidth(240);
    addDockWidget(Qt::RightDockWidgetArea, right);
    // Zeiler's deconvolutional network on the current image: hidden until
    // asked for (View > Deconv. network), then a tab beside the kernel editor.
    deconvnet_ = new DeconvNetPanel;
    auto* dscroll = new QScrollArea;
    dscroll->setWidget(deconvnet_);
    dscroll->setWidgetResizable(true);
    dscroll->setFrameShape(QFrame::NoFrame);
    auto* deconvDock = new QDockWidget(tr("Deconv. network"), this);
    deconvDock->setObjectName(QStringLiteral("deconvnetDock"));
    deconvDock->setWidget(dscroll);
    tabifyDockWidget(right, deconvDock);
    deconvDock->hide();
    // Issue 14: stacked layers and the gradient of a strided conv, tabs beside the
    // kernel editor too, hidden until asked for (they compute only while shown).
    stack_ = new StackPanel;
    gradient_ = new GradientPanel;
    auto addPanelDock = [this, right](QWidget* panel, const QString& title, const char* name) {
        auto* pscroll = new QScrollArea;
        pscroll->setWidget(panel);
        pscroll->setWidgetResizable(true);
        pscroll->setFrameShape(QFrame::NoFrame);
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(QString::fromLatin1(name));
        dock->setWidget(pscroll);
        tabifyDockWidget(right, dock);
        dock->hide();
    };
    addPanelDock(stack_, tr("Stacked layers"), "stackDock");
    addPanelDock(gradient_, tr("Gradient"), "gradientDock");
    right->raise();
    // The formulations (issue 14): the zero-insertion and matrix views, hidden until
    // asked for (View menu), then beside the kernel editor (whose taps they mark), tabbed together.
    zeroInsertion_ = new ZeroInsertionView;
    zeroInsertionDock_ = new QDockWidget(tr("Zero insertion"), this);
    zeroInsertionDock_->setObjectName(QStringLiteral("zeroInsertionDock"));
    zeroInsertionDock_->setWidget(scrolled(zeroInsertion_));
    // A tab of the kernel dock (a column of its own widens the window's minimum even while hidden).
    tabifyDockWidget(right, zeroInsertionDock_);
    matrixGrid_ = new MatrixGridView;
    matrixDock_ = new QDockWidget(tr("Matrix Cᵀ"), this);
    matrixDock_->setObjectName(QStringLiteral("matrixDock"));
    matrixDock_->setWidget(scrolled(matrixGrid_));
    tabifyDockWidget(zeroInsertionDock_, matrixDock_);
    zeroInsertionDock_->hide();
    matrixDock_->hide();
    right->raise();
    // Wide enough for the panels' fields next to a vertical scroll bar: no sideways scrolling on first start.
    const int bar = scroll->verticalScrollBar()->sizeHint().width();
    resizeDocks({left, right},
                {paramsPanel_->minimumSizeHint().width() + bar + 4, kernelEditor_->minimumSizeHint().width() + bar + 4},
                Qt::Horizontal);

    // An opened ONNX model's layers and chain: hidden until a model is opened
    // (File > Open model), then across the top, where its wide table fits.
    modelPanel_ = new ModelPanel;
    auto* modelDock = new QDockWidget(tr("Model"), this);
    modelDock->setObjectName(QStringLiteral("modelDock"));
    modelDock->setWidget(modelPanel_);
    addDockWidget(Qt::TopDockWidgetArea, modelDock);
    modelDock->hide();

    explain_ = new ExplanationPanel;
    auto* escroll = new QScrollArea;
    escroll->setWidget(explain_);
    escroll->setWidgetResizable(true);
    escroll->setFrameShape(QFrame::NoFrame);
    auto* bottom = new QDockWidget(tr("Explanation"), this);
    bottom->setObjectName(QStringLiteral("explanationDock"));
    bottom->setWidget(escroll);
    addDockWidget(Qt::BottomDockWidgetArea, bottom);
    // As tall as its content needs (a formula, a step line, a pixel's sum), no more.
    connect(
        explain_, &ExplanationPanel::contentChanged, this,
        [this, bottom, escroll] {
            const int w = escroll->viewport()->width();
            const int need =
                explain_->hasHeightForWidth() && w > 0 ? explain_->heightForWidth(w) : explain_->sizeHint().height();
            // Up to a third of the window: the views stay the main thing.
            const int h = std::min(need + 4, height() / 3);
            if (std::abs(bottom->height() - h) > 6) resizeDocks({bottom}, {h}, Qt::Vertical);
        },
        Qt::QueuedConnection);  // after the labels have laid out their new text
    resizeDocks({bottom}, {explain_->sizeHint().height() + 8}, Qt::Vertical);
}

void MainWindow::buildStatusBar() {
    busyLabel_ = new QLabel(this);
    busyLabel_->setMinimumWidth(90);
    pixelLabel_ = new QLabel(this);
    backendLabel_ = new QLabel(this);
    sizeLabel_ = new QLabel(this);
    timeLabel_ = new QLabel(this);
    statusBar()->addWidget(pixelLabel_, 1);
    statusBar()->addPermanentWidget(busyLabel_);
    statusBar()->addPermanentWidget(sizeLabel_);
    statusBar()->addPermanentWidget(timeLabel_);
    statusBar()->addPermanentWidget(backendLabel_);
    backendLabel_->setObjectName(QStringLiteral("backendStatus"));
    sizeLabel_->setObjectName(QStringLiteral("sizeStatus"));
    timeLabel_->setObjectName(QStringLiteral("timeStatus"));
}

// The controllers get only the widgets their job touches.
void MainWindow::buildControllers() {
    document_ = new StudioDocument(this);
    const ComputeScheduler::Views computeViews{area_, sync_, kernelEditor_, explain_, paramsPanel_, statusBar()};
    scheduler_ = new ComputeScheduler(document_, computeViews, this);
    provenance_ = new ProvenanceController({area_, sync_, explain_, kernelEditor_, pixelLabel_}, this);
    stepper_ = new ScatterStepper(area_, explain_, kernelEditor_, this);
    kernelEdits_ = new KernelEditController(document_, kernelEditor_, this);
    repair_ = new RepairController(document_, kernelEditor_, this);
    recentMenu_ = new QMenu(tr("Open &recent"), this);
    documents_ = new DocumentController(document_, this, statusBar(), recentMenu_, options_.persistSettings, this);
    models_ = new ModelController(document_, modelPanel_, this, statusBar(), this);
    documents_->setModelOpener(
        [this](const QString& path, QString* error, bool quiet) { return openModel(path, error, quiet); });
    connect(models_, &ModelController::modelOpened, this, [this] {
        auto* dock = findChild<QDockWidget*>(QStringLiteral("modelDock"));
        const bool first = !dock->isVisible();
        dock->show();
        dock->raise();
        if (first) resizeDocks({dock}, {std::min(280, height() / 3)}, Qt::Vertical);
    });
    exports_ = new ExportController(document_, scheduler_, this, statusBar(), this);
    settings_ = new SettingsController(this, document_, area_, options_.persistSettings, this);
    reset_ = std::make_unique<DocumentReset>(explain_, kernelEditor_, area_, pixelLabel_);
    tapHighlight_ = new TapHighlight(area_, zeroInsertion_, matrixGrid_, this);
}

void MainWindow::showWideDock(QDockWidget* dock) {
    dock->show();
    dock->raise();
    // raise() selects a tabbed dock's tab only once the main window's layout has
    // put that tab in its QTabBar (a dock that was hidden gets its tab back at the
    // next layout pass), so select it again after that pass, by its title.
    QTimer::singleShot(0, dock, [this, dock] { selectDockTab(dock); });
    const int wide = std::max(420, width() * 2 / 5);
    if (dock->width() < wide) resizeDocks({dock}, {wide}, Qt::Horizontal);
}

void MainWindow::selectDockTab(QDockWidget* dock) {
    if (!dock->isVisible()) return;
    for (QTabBar* bar : findChildren<QTabBar*>(QString(), Qt::FindDirectChildrenOnly))
        for (int i = 0; i < bar->count(); ++i)
            if (bar->tabText(i) == dock->windowTitle()) bar->setCurrentIndex(i);
}

// The first window: the preferred 1480x940, but never larger than the
// screen's available area (a 1366x768 laptop shows the whole window,
// panels and status bar included).
void MainWindow::fitToScreen() {
    const QScreen* s = screen() ? screen() : QGuiApplication::primaryScreen();
    const QSize preferred(1480, 940);
    if (!s) {
        resize(preferred);
        return;
    }
    const QRect avail = s->availableGeometry();
    // Leave room for the window frame the window manager adds.
    const QSize frame(16, 40);
    resize(preferred.boundedTo(avail.size() - frame));
    move(avail.topLeft() +
         QPoint((avail.width() - width()) / 2, std::max(0, (avail.height() - height() - frame.height()) / 2)));
}

// The scripting surface: each call goes to the controller that does the work.
bool MainWindow::openFile(const QString& path, QString* error, bool quiet) {
    return documents_->openFile(path, error, quiet);
}
bool MainWindow::openKernel(const QString& path, QString* error, bool quiet) {
    return documents_->openKernel(path, error, quiet);
}
void MainWindow::loadSample(const QString& id) { documents_->loadSample(id); }
bool MainWindow::loadTutorial(const QString& id) { return documents_->loadTutorial(id); }
bool MainWindow::openModel(const QString& path, QString* error, bool quiet) {
    return models_->open(path, error, quiet);
}
void MainWindow::loadDefaultStart() {
    documents_->loadSample(SampleImages::defaultId());
    scheduler_->zoomInOnNextResult();  // where the checkerboard shows
}
void MainWindow::setInputTensor(Tensor input, const QString& name, int bitDepth) {
    document_->setInput(std::move(input), name, bitDepth);
}
std::shared_ptr<const Tensor> MainWindow::input() const { return document_->input(); }
const StudioParams& MainWindow::params() const { return document_->params(); }
void MainWindow::setParams(const StudioParams& p) { document_->replace(p); }
Kernel2D MainWindow::currentKernel() const { return scheduler_->kernel(); }
QString MainWindow::pytorchCode() const { return exports_->pytorchCode(); }
bool MainWindow::saveWeight(const QString& path, QString* error) { return exports_->saveWeight(path, error); }
ComputeResultPtr MainWindow::lastResult() const { return scheduler_->lastResult(); }
QString MainWindow::currentError() const { return scheduler_->error(); }
bool MainWindow::waitForIdle(int timeoutMs) { return scheduler_->waitForIdle(timeoutMs); }
void MainWindow::hoverOutputPixel(int oy, int ox, bool pin) { provenance_->explainOutputPixel(oy, ox, pin); }
void MainWindow::setLayoutMode(LayoutMode m) { area_->setLayoutMode(m); }
ComputePipeline* MainWindow::pipeline() const { return scheduler_->pipeline(); }
StateHistory* MainWindow::history() const { return document_->history(); }

void MainWindow::setShowValues(bool on) {
    area_->setShowValues(on);
    if (showValuesAction_ && showValuesAction_->isChecked() != on) showValuesAction_->setChecked(on);
}

void MainWindow::closeEvent(QCloseEvent* e) {
    settings_->save(showGridAction_);
    e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    for (const QUrl& url : e->mimeData()->urls())
        if (url.isLocalFile()) {
            openFile(url.toLocalFile());
            break;
        }
}

}  // namespace tconv::ui
