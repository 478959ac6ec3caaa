// SPDX-License-Identifier: MIT
#include "dialogs/BatchDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "dialogs/BatchRankingChart.h"
#include "document/PresetStore.h"
#include "common/BatchInputs.h"
#include "common/BatchPlan.h"
#include "common/BatchProgress.h"
#include "common/BatchReport.h"
#include "common/BatchSweep.h"
#include "common/BatchWatch.h"
#include "common/StderrCapture.h"

namespace tconv::ui {

using namespace tconv::app;

// What the worker hands back: the plan (for failure texts) and the summary,
// or the reason nothing could run (no inputs, a bad preset, ...).
struct BatchDialog::Outcome {
    BatchPlan plan;
    BatchSummary summary;
    std::vector<RankingRow> ranking;  // evaluated runs
    QString error;                    // nothing ran
    QString watchError;               // a watch that ended early (an input folder removed, ...)
};

namespace {

// The studio's parameters in the CLI's terms (as MainWindow does for the
// current parameters), so a preset file runs exactly like the studio shows it.
void settingsFromStudio(const StudioParams& p, ConvSettings& s, std::optional<Kernel2D>& custom) {
    s = toConvSettings(p);
    custom.reset();
    if (p.isCustomKernel()) custom = p.customKernel;
}

QString failureLine(const BatchItem& item, const ItemResult& r) {
    const std::string input = item.input.string();
    return QString::fromStdString(r.error.find(input) == std::string::npos ? input + ": " + r.error : r.error);
}

// A "do this first" message in the status line is stale once the user did
// it: back to Ready (run results and progress stay).
void clearStaleHint(QLabel* status) {
    if (!status->property("isHint").toBool()) return;
    status->setProperty("isHint", false);
    status->setText(QCoreApplication::translate("tconv::ui::BatchDialog", "Ready"));
}

}  // namespace

BatchDialog::BatchDialog(const ConvSettings& settings, const std::optional<Kernel2D>& customKernel, QWidget* parent)
    : QDialog(parent), settings_(settings), customKernel_(customKernel) {
    setWindowTitle(tr("Batch upsampling"));
    buildUi();
    connect(&watcher_, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, this, &BatchDialog::onFinished);
}

BatchDialog::~BatchDialog() {
    cancel_ = true;
    watcher_.waitForFinished();
}

void BatchDialog::buildUi() {
    auto* layout = new QVBoxLayout(this);
    form_ = new QWidget(this);
    auto* formLayout = new QVBoxLayout(form_);
    formLayout->setContentsMargins(0, 0, 0, 0);

    auto* inBox = new QGroupBox(tr("Inputs: image files and folders"), form_);
    auto* inLayout = new QVBoxLayout(inBox);
    inputs_ = new QListWidget(inBox);
    inputs_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    inLayout->addWidget(inputs_);
    auto* inButtons = new QHBoxLayout;
    auto* addFilesButton = new QPushButton(tr("Add files…"), inBox);
    auto* addFolderButton = new QPushButton(tr("Add folder…"), inBox);
    auto* removeButton = new QPushButton(tr("Remove"), inBox);
    recursive_ = new QCheckBox(tr("Include sub-folders (mirrored in the output)"), inBox);
    recursive_->setChecked(true);
    inButtons->addWidget(addFilesButton);
    inButtons->addWidget(addFolderButton);
    inButtons->addWidget(removeButton);
    inButtons->addStretch();
    inLayout->addLayout(inButtons);
    inLayout->addWidget(recursive_);
    connect(addFilesButton, &QPushButton::clicked, this, &BatchDialog::addFiles);
    connect(addFolderButton, &QPushButton::clicked, this, &BatchDialog::addFolder);
    connect(removeButton, &QPushButton::clicked, this, [this] { qDeleteAll(inputs_->selectedItems()); });
    formLayout->addWidget(inBox);

    auto* options = new QFormLayout;
    auto* outRow = new QHBoxLayout;
    output_ = new QLineEdit(form_);
    auto* browseOut = new QPushButton(tr("Browse…"), form_);
    outRow->addWidget(output_);
    outRow->addWidget(browseOut);
    connect(browseOut, &QPushButton::clicked, this, &BatchDialog::browseOutput);
    options->addRow(tr("Output folder:"), outRow);

    useCurrent_ = new QRadioButton(
        tr("Current parameters: %1").arg(QString::fromStdString(settingsDescription(settings_, customKernel_))), form_);
    useCurrent_->setChecked(true);
    usePreset_ = new QRadioButton(tr("Preset file:"), form_);
    presetPath_ = new QLineEdit(form_);
    auto* browsePresetButton = new QPushButton(tr("Browse…"), form_);
    auto* presetRow = new QHBoxLayout;
    presetRow->addWidget(usePreset_);
    presetRow->addWidget(presetPath_);
    presetRow->addWidget(browsePresetButton);
    connect(browsePresetButton, &QPushButton::clicked, this, &BatchDialog::browsePreset);
    options->addRow(tr("Parameters:"), useCurrent_);
    options->addRow(QString(), presetRow);

    format_ = new QComboBox(form_);
    format_->addItems({"keep", "png", "tif", "jpg", "webp", "npy"});
    suffix_ = new QLineEdit(form_);
    suffix_->setPlaceholderText(tr("e.g. _x2"));
    overwrite_ = new QCheckBox(tr("Overwrite existing outputs (otherwise skipped, so a stopped batch resumes)"), form_);
    jobs_ = new QSpinBox(form_);
    jobs_->setRange(1, 256);
    jobs_->setValue(std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
    options->addRow(tr("Format:"), format_);
    options->addRow(tr("File name suffix:"), suffix_);
    options->addRow(QString(), overwrite_);
    options->addRow(tr("Images at once:"), jobs_);
    watch_ = new QCheckBox(tr("Watch folder: then process new images as they arrive, until Stop"), form_);
    watch_->setObjectName("watchCheck");
    options->addRow(QString(), watch_);
    formLayout->addLayout(options);
    formLayout->addWidget(buildEvaluationBox(form_));
    layout->addWidget(form_);

    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1);
    progress_->setValue(0);
    status_ = new QLabel(tr("Ready"), this);
    status_->setObjectName("statusLabel");
    failures_ = new QListWidget(this);
    failures_->setObjectName("failureList");
    failures_->setVisible(false);
    openWhenDone_ = new QCheckBox(tr("Open the output folder when done"), this);
    openWhenDone_->setChecked(true);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(failures_);
    ranking_ = new QTableWidget(0, 8, this);
    ranking_->setObjectName("rankingTable");
    ranking_->setHorizontalHeaderLabels({tr("Rank"), tr("Parameters"), tr("Images"), tr("Mean PSNR"), tr("Mean SSIM"),
                                         tr("Worst PSNR"), tr("Worst SSIM"), tr("CV")});
    ranking_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    ranking_->setVisible(false);
    chart_ = new BatchRankingChart(this);
    chart_->setVisible(false);
    layout->addWidget(ranking_);
    layout->addWidget(chart_);
    layout->addWidget(openWhenDone_);

    auto* buttons = new QDialogButtonBox(this);
    startButton_ = buttons->addButton(tr("Start"), QDialogButtonBox::AcceptRole);
    startButton_->setObjectName("startButton");
    cancelButton_ = buttons->addButton(tr("Cancel batch"), QDialogButtonBox::ActionRole);
    cancelButton_->setObjectName("cancelButton");
    cancelButton_->setEnabled(false);
    openButton_ = buttons->addButton(tr("Open output folder"), QDialogButtonBox::ActionRole);
    openButton_->setEnabled(false);
    auto* close = buttons->addButton(QDialogButtonBox::Close);
    // The button box's accept/reject signals would close the dialog; Start must not.
    connect(startButton_, &QPushButton::clicked, this, &BatchDialog::start);
    connect(cancelButton_, &QPushButton::clicked, this, &BatchDialog::cancel);
    connect(openButton_, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(output_->text())); });
    connect(close, &QPushButton::clicked, this, &BatchDialog::reject);
    connect(output_, &QLineEdit::textChanged, this, [this] { clearStaleHint(status_); });
    connect(suffix_, &QLineEdit::textChanged, this, [this] { clearStaleHint(status_); });
    layout->addWidget(buttons);
}

QWidget* BatchDialog::buildEvaluationBox(QWidget* parent) {
    auto* box = new QGroupBox(tr("Which kernel is best on these images?"), parent);
    auto* form = new QFormLayout(box);
    evaluate_ = new QCheckBox(tr("Evaluate: score each kernel against the originals (PSNR, SSIM) and rank them"), box);
    evaluate_->setObjectName("evaluateCheck");
    compareKernels_ = new QLineEdit(box);
    compareKernels_->setObjectName("compareKernels");
    compareKernels_->setPlaceholderText(tr("e.g. bilinear,box,gaussian (empty: the parameters' kernel)"));
    auto* refRow = new QHBoxLayout;
    reference_ = new QLineEdit(box);
    reference_->setObjectName("referenceFolder");
    reference_->setPlaceholderText(tr("empty: downsample each input by the stride, upsample it back"));
    auto* browseRef = new QPushButton(tr("Browse…"), box);
    refRow->addWidget(reference_);
    refRow->addWidget(browseRef);
    connect(browseRef, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Reference images"), reference_->text());
        if (!dir.isEmpty()) reference_->setText(dir);
    });
    form->addRow(evaluate_);
    form->addRow(tr("Kernels to compare:"), compareKernels_);
    form->addRow(tr("Reference folder:"), refRow);
    auto enable = [this](bool on) {
        compareKernels_->setEnabled(on);
        reference_->setEnabled(on);
    };
    connect(evaluate_, &QCheckBox::toggled, this, enable);
    enable(false);
    return box;
}

void BatchDialog::addFiles() {
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add images"), QString(),
        tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp *.pgm *.ppm *.npy);;All files (*)"));
    setInputs(files);
}

void BatchDialog::addFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a folder of images"));
    if (!dir.isEmpty()) setInputs({dir});
}

void BatchDialog::browseOutput() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Output folder"), output_->text());
    if (!dir.isEmpty()) output_->setText(dir);
}

void BatchDialog::browsePreset() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Parameter preset"), QString(), tr("Presets (*.json)"));
    if (!file.isEmpty()) setPresetFile(file);
}

void BatchDialog::setInputs(const QStringList& paths) {
    for (const QString& p : paths)
        if (inputs_->findItems(p, Qt::MatchExactly).isEmpty()) inputs_->addItem(p);
    if (!paths.isEmpty()) clearStaleHint(status_);
}
void BatchDialog::setOutputFolder(const QString& dir) { output_->setText(dir); }
void BatchDialog::setPresetFile(const QString& path) {
    presetPath_->setText(path);
    (path.isEmpty() ? useCurrent_ : usePreset_)->setChecked(true);
}
void BatchDialog::setRecursive(bool on) { recursive_->setChecked(on); }
void BatchDialog::setOverwrite(bool on) { overwrite_->setChecked(on); }
void BatchDialog::setJobs(int jobs) { jobs_->setValue(jobs); }
void BatchDialog::setOpenFolderWhenDone(bool on) { openWhenDone_->setChecked(on); }
void BatchDialog::setWatch(bool on) { watch_->setChecked(on); }
void BatchDialog::setWatchSettleMs(int ms) { settleMs_ = std::max(1, ms); }
void BatchDialog::setEvaluate(bool on) { evaluate_->setChecked(on); }
void BatchDialog::setCompareKernels(const QString& commaList) { compareKernels_->setText(commaList); }
void BatchDialog::setReferenceFolder(const QString& dir) { reference_->setText(dir); }
void BatchDialog::setTestHook(std::function<void(size_t, std::string_view)> hook) { testHook_ = std::move(hook); }

bool BatchDialog::isRunning() const { return watcher_.isRunning(); }
QString BatchDialog::statusText() const { return status_->text(); }
QStringList BatchDialog::failures() const {
    QStringList out;
    for (int i = 0; i < failures_->count(); ++i) out << failures_->item(i)->text();
    return out;
}

bool BatchDialog::collectSettings(ConvSettings& s, std::optional<Kernel2D>& kernel, QString* error) const {
    s = settings_;
    kernel = customKernel_;
    if (!usePreset_->isChecked()) return true;
    const auto preset = PresetStore::load(presetPath_->text(), error);
    if (!preset) return false;
    settingsFromStudio(*preset, s, kernel);
    return true;
}

QString BatchDialog::checkEvaluation(const std::optional<Kernel2D>& kernel) const {
    if (!evaluate_->isChecked()) return {};
    if (kernel && !compareKernels_->text().trimmed().isEmpty())
        return tr("Kernels to compare replace the kernel: with the hand-edited kernel, leave the list empty.");
    const QString ref = reference_->text().trimmed();
    if (!ref.isEmpty() && !std::filesystem::is_directory(ref.toStdString()))
        return tr("The reference folder '%1' does not exist.").arg(ref);
    return {};
}

void BatchDialog::start() {
    if (isRunning()) return;
    InputOptions inputs;
    for (int i = 0; i < inputs_->count(); ++i) inputs.inputs.push_back(inputs_->item(i)->text().toStdString());
    inputs.recursive = recursive_->isChecked();
    inputs.outputDir = output_->text().toStdString();
    PlanOptions plan;
    plan.outputDir = inputs.outputDir;
    plan.format = parseOutputFormat(format_->currentText().toStdString()).value_or(OutputFormat::Keep);
    plan.suffix = suffix_->text().toStdString();
    plan.overwrite = overwrite_->isChecked();
    ConvSettings settings;
    std::optional<Kernel2D> kernel;
    QString error;
    if (inputs.inputs.empty()) error = tr("Add input files or folders first.");
    else if (plan.outputDir.empty()) error = tr("Choose an output folder first.");
    else if (plan.suffix.find('/') != std::string::npos) error = tr("The suffix must not contain '/'.");
    else if (!collectSettings(settings, kernel, &error) && error.isEmpty()) error = tr("Cannot read the preset.");
    if (error.isEmpty()) error = checkEvaluation(kernel);
    std::vector<SweepAxis> axes;
    const bool evaluate = evaluate_->isChecked();
    if (error.isEmpty() && evaluate && !compareKernels_->text().trimmed().isEmpty()) {
        try {
            axes.push_back({"--kernel", splitSweepList("--kernel", compareKernels_->text().toStdString())});
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
    }
    if (error.isEmpty() && watch_->isChecked()) {
        try {
            (void)watchedFolders(inputs);
        } catch (const std::exception&) {
            error = tr("Watch folder needs a folder among the inputs.");
        }
    }
    if (!error.isEmpty()) {
        status_->setText(error);
        status_->setProperty("isHint", true);
        return;
    }
    BatchRunOptions run;
    run.jobs = jobs_->value();
    run.backend = settings.backend;
    run.cancel = &cancel_;
    run.testHook = testHook_;
    run.evaluate = evaluate;
    if (evaluate) run.reference = reference_->text().trimmed().toStdString();
    watchRun_ = watch_->isChecked();
    const auto settle = std::chrono::milliseconds(settleMs_);

    cancel_ = false;
    lastProgress_ = {};
    failures_->clear();
    failures_->setVisible(false);
    showRanking({});
    progress_->setRange(0, 0);  // busy until the plan is known
    status_->setText(tr("Looking for images…"));
    setRunning(true);
    clock_.start();
    // Planning runs on the worker too: expanding a large tree can take a while.
    watcher_.setFuture(
        QtConcurrent::run([this, inputs, plan, settings, kernel, axes, run, settle, watch = watchRun_]() {
            auto out = std::make_shared<Outcome>();
            try {
                auto combos = expandSweep(settings, axes, kernel);
                if (!kernel)
                    for (const SweepCombination& c : combos) checkSettings(c.settings);
                // As `tconv batch` does: the image libraries' stderr noise goes to a
                // private sink for the run, which lets decodes run concurrently
                // instead of one at a time under the per-capture lock. Meanwhile the
                // whole process's stderr (Qt's warnings included) goes there too.
                auto report = [this](const BatchPlan& p, const ItemResult& r, const BatchCounts& c) {
                    QString failure;
                    if (r.status == ItemStatus::Failed) failure = failureLine(p.items[r.item], r);
                    // Queued to the GUI thread; dropped if the dialog is gone by then.
                    QMetaObject::invokeMethod(
                        this,
                        [this, c, failure] {
                            if (!failure.isEmpty()) onFailure(failure);
                            onProgress(c);
                        },
                        Qt::QueuedConnection);
                };
                if (watch) {
                    WatchRequest req{inputs, plan, std::move(combos), run, settle};
                    WatchCallbacks cb;
                    cb.progress = report;
                    cb.waiting = [this] {
                        QMetaObject::invokeMethod(
                            this, [this] { onWaiting(); }, Qt::QueuedConnection);
                    };
                    const QuietStderr quietLibraries;
                    WatchResult w = runWatchedBatch(req, cb);
                    out->plan = std::move(w.plan);
                    out->summary = std::move(w.summary);
                    out->watchError = QString::fromStdString(w.error);
                } else {
                    out->plan = makeBatchPlan(expandInputs(inputs), std::move(combos), plan);
                    if (out->plan.items.empty()) throw std::runtime_error("no images found in the inputs");
                    std::filesystem::create_directories(plan.outputDir);
                    const QuietStderr quietLibraries;
                    out->summary = BatchRunner(out->plan, run).run([&](const ItemResult& r, const BatchCounts& c) {
                        report(out->plan, r, c);
                    });
                }
                if (run.evaluate) out->ranking = rankConfigurations(out->plan, out->summary);
            } catch (const std::exception& e) {
                out->error = QString::fromStdString(e.what());
            }
            return out;
        }));
}

void BatchDialog::cancel() {
    if (!isRunning()) return;
    cancel_ = true;
    cancelButton_->setEnabled(false);
    status_->setText(watchRun_ ? tr("Stopping: finishing the images in flight…")
                               : tr("Cancelling: finishing the images in flight…"));
}

void BatchDialog::reject() {
    if (isRunning()) {
        closeWhenDone_ = true;
        cancel();
        return;
    }
    QDialog::reject();
}

void BatchDialog::onProgress(const BatchCounts& c) {
    if (!isRunning()) return;
    lastProgress_ = c;
    if (watchRun_) {  // no total: the folder may still grow
        if (!cancel_)
            status_->setText(tr("Watching: %1 done%2 · processing new images…")
                                 .arg(c.done)
                                 .arg(c.failed ? tr(" · %1 failed").arg(c.failed) : QString()));
        emit progressChanged(static_cast<int>(c.finished()), static_cast<int>(c.toProcess));
        return;
    }
    const int total = static_cast<int>(c.toProcess), finished = static_cast<int>(c.finished());
    progress_->setRange(0, std::max(1, total));
    progress_->setValue(finished);
    const double elapsed = clock_.elapsed() / 1000.0;
    const double rate = elapsed > 0 ? finished / elapsed : 0;
    const double eta = rate > 0 ? (total - finished) / rate : -1;
    if (!cancel_)
        status_->setText(tr("%1 of %2 images · %3 images/s · ETA %4%5")
                             .arg(finished)
                             .arg(total)
                             .arg(rate, 0, 'f', 1)
                             .arg(QString::fromStdString(BatchProgress::formatDuration(eta)))
                             .arg(c.failed ? tr(" · %1 failed").arg(c.failed) : QString()));
    emit progressChanged(finished, total);
}

void BatchDialog::onFailure(const QString& text) {
    failures_->setVisible(true);
    failures_->addItem(text);
}

void BatchDialog::onWaiting() {
    if (!isRunning() || cancel_) return;
    progress_->setRange(0, 0);
    const auto done = lastProgress_;
    status_->setText(tr("Watching for new images (Stop to end) · %1 done%2")
                         .arg(done.done)
                         .arg(done.failed ? tr(" · %1 failed").arg(done.failed) : QString()));
    emit watching();
}

void BatchDialog::showRanking(const std::vector<RankingRow>& rows) {
    lastRanking_ = rows;
    ranking_->setRowCount(int(rows.size()));
    auto number = [](double v, int decimals) {
        if (std::isnan(v)) return QString("-");
        if (std::isinf(v)) return v > 0 ? QString("inf") : QString("-inf");
        return QString::number(v, 'f', decimals);
    };
    for (int i = 0; i < int(rows.size()); ++i) {
        const RankingRow& r = rows[size_t(i)];
        const QStringList cells{QString::number(i + 1),    QString::fromStdString(r.parameters),
                                QString::number(r.images), number(r.meanPsnr, 2),
                                number(r.meanSsim, 4),     number(r.worstPsnr, 2),
                                number(r.worstSsim, 4),    number(r.cv, 4)};
        for (int c = 0; c < cells.size(); ++c) ranking_->setItem(i, c, new QTableWidgetItem(cells[c]));
    }
    ranking_->resizeColumnsToContents();
    chart_->setRanking(rows);
    ranking_->setVisible(!rows.empty());
    chart_->setVisible(!rows.empty());
}

void BatchDialog::onFinished() {
    const std::shared_ptr<Outcome> out = watcher_.result();
    setRunning(false);
    const bool cancelled = out->summary.wasCancelled;
    if (!out->error.isEmpty()) {
        progress_->setRange(0, 1);
        progress_->setValue(0);
        status_->setText(tr("Not started: %1").arg(out->error));
    } else {
        lastSummary_ = out->summary;
        const BatchCounts& c = out->summary.counts;
        progress_->setRange(0, std::max<int>(1, static_cast<int>(c.toProcess)));
        progress_->setValue(static_cast<int>(c.finished()));
        // Refusals of the plan (an output over an input, ...) never reach the progress callback.
        failures_->clear();
        for (const ItemResult& r : out->summary.results)
            if (r.status == ItemStatus::Failed) failures_->addItem(failureLine(out->plan.items[r.item], r));
        failures_->setVisible(failures_->count() > 0);
        QString text = QString::fromStdString(batchSummaryLine(out->summary));
        text[0] = text[0].toUpper();
        if (watchRun_) text = tr("Stopped watching. %1").arg(text);
        if (!out->watchError.isEmpty()) text += tr(" · the watch ended: %1").arg(out->watchError);
        status_->setText(cancelled ? tr("Cancelled. %1").arg(text) : text);
        showRanking(out->ranking);
        openButton_->setEnabled(c.done + c.skipped > 0);
        if (openWhenDone_->isChecked() && c.done > 0 && !closeWhenDone_)
            QDesktopServices::openUrl(QUrl::fromLocalFile(output_->text()));
    }
    emit batchFinished(cancelled);
    if (closeWhenDone_) {
        closeWhenDone_ = false;
        QDialog::reject();
    }
}

void BatchDialog::setRunning(bool running) {
    form_->setEnabled(!running);
    startButton_->setEnabled(!running);
    cancelButton_->setEnabled(running);
    cancelButton_->setText(running && watchRun_ ? tr("Stop") : tr("Cancel batch"));
    openButton_->setEnabled(false);
}

}  // namespace tconv::ui
