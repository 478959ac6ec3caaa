#include "window/MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFontDatabase>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <cmath>
#include <QStatusBar>
#include <QGuiApplication>
#include <QScreen>
#include <QUndoStack>
#include <QVBoxLayout>

#include "window/AppIcon.h"
#include "panels/ExplanationPanel.h"
#include "panels/KernelEditor.h"
#include "document/DocumentReset.h"
#include "views/ImageView.h"
#include "panels/ParameterPanel.h"
#include "document/StateHistory.h"
#include "dialogs/StudioHelp.h"
#include "views/ViewPanel.h"
#include "panels/PyTorchSnippet.h"
#include "document/SampleImages.h"
#include "window/Theme.h"
#include "core/KernelPresets.h"
#include "document/TutorialExamples.h"
#include "views/ViewSync.h"
#if __has_include("BatchDialog.h")
#include "dialogs/BatchDialog.h"
#define TCONV_STUDIO_HAS_BATCH 1
#endif

namespace tconv::ui {

MainWindow::MainWindow() : MainWindow(Options{}) {}

MainWindow::MainWindow(const Options& options) : options_(options) {
    setWindowTitle(tr("TConv Studio"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    sync_ = new ViewSync(this);
    area_ = new ViewArea(sync_, this);
    setCentralWidget(area_);
    pipeline_ = new ComputePipeline(this);
    history_ = new StateHistory([this](const StudioParams& p) { setParams(p); }, this);
    buildDocks();
    buildMenus();
    buildStatusBar();
    reset_ = std::make_unique<DocumentReset>(explain_, kernelEditor_, area_, pixelLabel_);
    connect(history_, &StateHistory::kernelChanged, this, &MainWindow::resetDocumentState);

    connect(pipeline_, &ComputePipeline::resultReady, this, &MainWindow::onResult);
    connect(pipeline_, &ComputePipeline::busyChanged, this, [this](bool busy) {
        busyLabel_->setText(busy ? tr("● computing") : QString());
    });
    connect(area_, &ViewArea::hovered, this, &MainWindow::onHover);
    connect(area_, &ViewArea::clicked, this, &MainWindow::onClick);
    connect(area_, &ViewArea::heatmapKindChanged, this, [this](HeatmapKind k) {
        state_.heatmap = k;
        area_->setHeatmapKind(k);
        scheduleCompute();
    });
    connect(area_, &ViewArea::resizeModeChanged, this, [this](ResizeMode m) {
        state_.resize = m;
        area_->setResizeMode(m);
        scheduleCompute();
    });
    connect(area_, &ViewArea::layoutChanged, this, [this] {
        // A newly shown view may need a part the last request skipped.
        if (!last_) return;
        const ComputeRequest& r = last_->request;
        if ((needs(ViewContent::Spectrum) && !r.spectrum) || (needs(ViewContent::Heatmap) && !r.heatmap) ||
            (needs(ViewContent::Difference) && !r.difference) ||
            (!r.resizeConv && (needs(ViewContent::ResizeConv) || needs(ViewContent::Difference) ||
                               needs(ViewContent::CompareAB))))
            scheduleCompute();
        if (layoutGroup_)
            for (QAction* a : layoutGroup_->actions())
                a->setChecked(a->data().toInt() == static_cast<int>(area_->layoutMode()));
    });

    connect(paramsPanel_, &ParameterPanel::geometryChanged, this, &MainWindow::onGeometry);
    connect(paramsPanel_, &ParameterPanel::biasChanged, this, [this](float b) {
        state_.bias = b;
        scheduleCompute();
    });
    connect(paramsPanel_, &ParameterPanel::backendChanged, this, [this](BackendKind k) {
        state_.backend = k;
        scheduleCompute();
    });
    connect(paramsPanel_, &ParameterPanel::toneChanged, this, [this](ToneMode m) {
        state_.tone = m;
        scheduleCompute();
    });
    connect(paramsPanel_, &ParameterPanel::solveFailed, this, [this](const QString& m) { showError(m); });
    connect(paramsPanel_, &ParameterPanel::problemsChanged, explain_, &ExplanationPanel::setProblems);

    connect(kernelEditor_, &KernelEditor::presetChosen, this, [this](const QString& s, double sigma, quint64 seed) {
        StudioParams p = state_;
        p.kernelSource = s;
        p.sigma = sigma;
        p.seed = seed;
        // Back to the loaded weight: its kernel size again.
        if (p.isFullWeight()) p.geometry.kernel = Size2(p.weight->shape().h, p.weight->shape().w);
        kernelEditor_->setRepairReport({});
        setParams(p);
    });
    connect(kernelEditor_, &KernelEditor::weightChannelChosen, this, [this](int channel) {
        state_.weightChannel = channel;
        scheduleCompute();
    });
    connect(kernelEditor_, &KernelEditor::kernelEdited, this, [this](const Kernel2D& k) {
        state_.kernelSource = QStringLiteral("custom");
        state_.customKernel = k;
        scheduleCompute();
    });
    connect(kernelEditor_, &KernelEditor::normalizeRequested, this, [this] {
        Kernel2D k = kernel_;
        normalizeKernelSum(k, double(state_.geometry.stride.h) * state_.geometry.stride.w);
        state_.kernelSource = QStringLiteral("custom");
        state_.customKernel = k;
        scheduleCompute();
    });
    connect(kernelEditor_, &KernelEditor::naturalSizeRequested, this, [this] {
        const auto preset = parseKernelPreset(state_.kernelSource.toStdString());
        if (!preset) return;
        StudioParams p = state_;
        p.geometry.kernel = naturalKernelSize(*preset, p.geometry.stride);
        setParams(p);
    });
    connect(kernelEditor_, &KernelEditor::loadRequested, this, &MainWindow::loadKernelDialog);
    connect(kernelEditor_, &KernelEditor::weightSaveRequested, this, &MainWindow::saveWeightDialog);
    connect(kernelEditor_, &KernelEditor::repairRequested, this, [this](const QString& method) {
        history_->nameNextStep(method == QLatin1String("zoh") ? tr("Zero-order hold repair") : tr("Additive repair"));
        onRepair(method);
        history_->nameNextStep({});  // a refused repair changes nothing: the name must not stick
    });
    connect(explain_, &ExplanationPanel::stepChanged, this, &MainWindow::onStep);

    fitToScreen();
    if (options_.persistSettings) restoreSettings();
    paramsPanel_->setParams(state_);
    try {
        kernel_ = resolveKernel(state_);
        updateKernelView();
    } catch (const std::exception&) {
    }
    area_->setHeatmapKind(state_.heatmap);
    area_->setResizeMode(state_.resize);
    if (options_.loadDefaultSample && !input_) loadDefaultStart();
    history_->setBaseline(state_);  // what the window opens with is not an undo step
}

MainWindow::~MainWindow() = default;

void MainWindow::loadDefaultStart() {
    loadSample(SampleImages::defaultId());
    introZoom_ = true;
}

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
    // Wide enough for the panels' fields next to a vertical scroll bar: no sideways scrolling on first start.
    const int bar = scroll->verticalScrollBar()->sizeHint().width();
    resizeDocks({left, right},
                {paramsPanel_->minimumSizeHint().width() + bar + 4, kernelEditor_->minimumSizeHint().width() + bar + 4},
                Qt::Horizontal);

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
    connect(explain_, &ExplanationPanel::contentChanged, this, [this, bottom, escroll] {
        const int w = escroll->viewport()->width();
        const int need = explain_->hasHeightForWidth() && w > 0 ? explain_->heightForWidth(w) : explain_->sizeHint().height();
        // Up to a third of the window: the views stay the main thing.
        const int h = std::min(need + 4, height() / 3);
        if (std::abs(bottom->height() - h) > 6) resizeDocks({bottom}, {h}, Qt::Vertical);
    }, Qt::QueuedConnection);  // after the labels have laid out their new text
    resizeDocks({bottom}, {explain_->sizeHint().height() + 8}, Qt::Vertical);
}

void MainWindow::buildMenus() {
    buildFileMenu();
    buildEditMenu();
    buildViewMenu();
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&The views explained"), this, &MainWindow::showViewsHelp)->setObjectName("viewsHelpAction");
    help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts)->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About TConv Studio"), this, &MainWindow::showAbout);
}

void MainWindow::buildEditMenu() {
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = history_->stack()->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("undoAction"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = history_->stack()->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("redoAction"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction* copy = edit->addAction(tr("Copy as &PyTorch"), this, &MainWindow::copyAsPyTorch);
    copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copy->setStatusTip(tr("Copy the nn.ConvTranspose2d (with its weight) that computes this result."));
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
    move(avail.topLeft() + QPoint((avail.width() - width()) / 2, std::max(0, (avail.height() - height() - frame.height()) / 2)));
}

void MainWindow::resetDocumentState() {
    pinned_.reset();
    hovered_.reset();
    reset_->run();
}

void MainWindow::revealOutputPixel(int oy, int ox) {
    if (sync_->fitMode()) return;  // the whole image is on screen
    const QList<ViewPanel*> panels = area_->visiblePanels();
    if (panels.isEmpty()) return;
    const QSizeF view = panels.first()->view()->size();
    const double z = sync_->zoom();
    const QPointF c = sync_->center(), p(ox + 0.5, oy + 0.5);
    const bool onScreen = std::abs(p.x() - c.x()) < view.width() / (2 * z) - 1 &&
                          std::abs(p.y() - c.y()) < view.height() / (2 * z) - 1;
    if (!onScreen) sync_->setView(z, p);
}

void MainWindow::buildFileMenu() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open image…"), this, &MainWindow::openDialog)->setShortcut(QKeySequence::Open);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    QMenu* samples = file->addMenu(tr("&Samples"));
    for (const QString& id : SampleImages::ids())
        samples->addAction(SampleImages::title(id), this, [this, id] { loadSample(id); });
    QMenu* tutorials = file->addMenu(tr("&Tutorial examples"));
    for (const TutorialExample& e : tutorialExamples())
        tutorials->addAction(e.title, this, [this, id = e.id] { loadTutorial(id); })->setStatusTip(e.explanation);
    file->addSeparator();
    file->addAction(tr("&Save result…"), this, &MainWindow::saveResultDialog)->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save &heatmap…"), this, &MainWindow::saveHeatmapDialog)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    file->addAction(tr("Save &comparison (resize-conv)…"), this, &MainWindow::saveComparisonDialog);
    file->addAction(tr("Save &all views…"), this, &MainWindow::saveAllViews)->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    file->addAction(tr("&Load parameter preset…"), this, &MainWindow::loadPresetDialog)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    file->addAction(tr("Save parameter &preset…"), this, &MainWindow::savePresetDialog)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
#ifdef TCONV_STUDIO_HAS_BATCH
    file->addSeparator();
    QAction* batch = file->addAction(tr("&Batch…"), this, [this] {
        // Batch runs `tconv batch`: each image feeds the layer with its own
        // channels (no luminance stand-in), so a layer wider than an image
        // cannot run on any of them.
        if (state_.isFullWeight() && state_.weightPath.isEmpty()) {
            QMessageBox::information(this, tr("Batch"),
                                     tr("The repaired weight is not saved yet: a batch reads it from its file. "
                                        "Save it first (Save… under Layer weight)."));
            return;
        }
        if (state_.isFullWeight() && state_.weight->shape().n > 4) {
            QMessageBox::information(this, tr("Batch"),
                                     tr("This layer takes %1 input channels; images have 1 to 4, and a batch feeds "
                                        "each image's own channels to the layer. The luminance stand-in of the "
                                        "views is for looking at the layer only.")
                                         .arg(state_.weight->shape().n));
            return;
        }
        const app::ConvSettings s = toConvSettings(state_);
        std::optional<Kernel2D> custom;
        if (state_.isCustomKernel()) custom = kernel_;
        BatchDialog dialog(s, custom, this);
        dialog.exec();
    });
    batch->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
#endif
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();
}

void MainWindow::buildViewMenu() {
    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* zin = view->addAction(tr("Zoom &in"), this, [this] { sync_->zoomBy(std::sqrt(2.0)); });
    zin->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)});
    QAction* zout = view->addAction(tr("Zoom &out"), this, [this] { sync_->zoomBy(1.0 / std::sqrt(2.0)); });
    zout->setShortcuts({QKeySequence::ZoomOut, QKeySequence(Qt::Key_Minus)});
    view->addAction(tr("&Fit"), this, [this] { sync_->setFit(); })
        ->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_0), QKeySequence(Qt::Key_F)});
    view->addAction(tr("&Actual pixels (100%)"), this, [this] { sync_->setActualPixels(devicePixelRatioF()); })
        ->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_1), QKeySequence(Qt::Key_1)});
    view->addSeparator();
    layoutGroup_ = new QActionGroup(this);
    const std::tuple<LayoutMode, QString, Qt::Key> layouts[] = {
        {LayoutMode::Grid, tr("&Grid 2×2"), Qt::Key_F2},
        {LayoutMode::SideBySide, tr("&Side by side"), Qt::Key_F3},
        {LayoutMode::Single, tr("Single view with A/B &split"), Qt::Key_F4}};
    for (const auto& [mode, title, key] : layouts) {
        QAction* a = view->addAction(title, this, [this, m = mode] { setLayoutMode(m); });
        a->setCheckable(true);
        a->setShortcut(QKeySequence(key));
        a->setData(static_cast<int>(mode));
        a->setChecked(mode == area_->layoutMode());
        layoutGroup_->addAction(a);
    }
    view->addSeparator();
    showGridAction_ = view->addAction(tr("Pixel &grid"), this, [this](bool on) { area_->setShowGrid(on); });
    showGridAction_->setCheckable(true);
    showGridAction_->setChecked(true);
    showGridAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    showValuesAction_ = view->addAction(tr("Pixel &values (numeric mode)"), this, [this](bool on) { setShowValues(on); });
    showValuesAction_->setCheckable(true);
    showValuesAction_->setShortcut(QKeySequence(Qt::Key_V));
    showValuesAction_->setStatusTip(tr("Write each pixel's value in its cell when zoomed in far enough."));
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    for (const QString& name : themeNames()) {
        QAction* a = theme->addAction(name.left(1).toUpper() + name.mid(1), this, [this, name] {
            applyTheme(name);
            if (options_.persistSettings) QSettings().setValue("theme", name);
        });
        a->setCheckable(true);
        a->setData(name);
        themes->addAction(a);
        a->setChecked(name == QSettings().value("theme", "system").toString());
    }
    view->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
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

QString MainWindow::pytorchCode() const {
    return pytorchSnippet(state_, kernel_, input_ ? static_cast<int>(input_->shape().c) : 3);
}

void MainWindow::copyAsPyTorch() {
    const QString code = pytorchCode();
    QApplication::clipboard()->setText(code);
    QDialog dialog(this);
    dialog.setWindowTitle(tr("PyTorch code (copied to the clipboard)"));
    auto* l = new QVBoxLayout(&dialog);
    auto* text = new QPlainTextEdit(code, &dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setMinimumSize(620, 320);
    l->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    l->addWidget(buttons);
    dialog.exec();
}

void MainWindow::showShortcuts() {
    // Read from the menus, so the list always agrees with them.
    QMessageBox::information(this, tr("Keyboard shortcuts"), shortcutsHtml(menuBar()));
}

void MainWindow::showViewsHelp() { QMessageBox::information(this, tr("The views explained"), viewsHelpHtml()); }

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About TConv Studio"),
                       tr("<h3>TConv Studio %1</h3><p>Live exploration of PyTorch-exact ConvTranspose2d: output "
                          "geometry, checkerboard artifacts (Odena, Dumoulin &amp; Olah 2016), kernel repair and "
                          "the resize-then-convolution alternative.</p>")
                           .arg(QStringLiteral(TCONV_VERSION)));
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (options_.persistSettings) saveSettings();
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
