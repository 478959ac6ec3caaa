// SPDX-License-Identifier: MIT
#pragma once
// File > Batch…: upsample files and folders with the studio's current
// parameters (or a saved preset JSON), using the same BatchRunner as
// `tconv batch`. The batch runs on a QtConcurrent thread (planning included,
// so walking a large tree does not freeze the window); progress and failures
// arrive through queued calls, so the GUI stays responsive. Cancel stops
// after the images in flight (outputs are written atomically, so nothing
// partial is left); closing the dialog while running cancels first.
//
// "Watch folder" keeps the batch running after what is there: new images in
// the input folders are processed as they arrive (BatchWatch.h) until Stop.
// "Evaluate" scores the result of each kernel against the originals (degraded
// by the stride first, or the images of a reference folder) and shows the
// ranking of the kernels as a table and a bar chart (BatchRankingChart).
#include <QDialog>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "common/BatchRanking.h"
#include "common/BatchRunner.h"
#include "common/ConvSettings.h"
#include "core/Kernel2D.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTableWidget;

namespace tconv::ui {

class BatchRankingChart;

class BatchDialog : public QDialog {
    Q_OBJECT
public:
    BatchDialog(const tconv::app::ConvSettings& settings, const std::optional<tconv::Kernel2D>& customKernel,
                QWidget* parent = nullptr);
    ~BatchDialog() override;  // cancels a running batch and waits for the images in flight

    // What the controls set, for scripting and tests.
    void setInputs(const QStringList& paths);
    void setOutputFolder(const QString& dir);
    void setPresetFile(const QString& path);  // empty: the current parameters
    void setRecursive(bool on);
    void setOverwrite(bool on);
    void setJobs(int jobs);
    void setOpenFolderWhenDone(bool on);
    void setWatch(bool on);                            // keep watching the input folders until Stop
    void setWatchSettleMs(int ms);                     // how long a new file must stay unchanged (default 1000)
    void setEvaluate(bool on);                         // score and rank the kernels
    void setCompareKernels(const QString& commaList);  // e.g. "bilinear,box"; empty: the parameters' kernel
    void setReferenceFolder(const QString& dir);       // empty: degrade the inputs by the stride
    // Called before each stage of each item on the worker (tests slow items down).
    void setTestHook(std::function<void(size_t, std::string_view)> hook);

    bool isRunning() const;
    QStringList failures() const;  // "input: reason", one per failed output
    QString statusText() const;
    // The last finished run (nullopt before the first).
    const std::optional<tconv::app::BatchSummary>& lastSummary() const { return lastSummary_; }
    // The ranking of the last evaluated run (empty otherwise), as the table and chart show it.
    const std::vector<tconv::app::RankingRow>& lastRanking() const { return lastRanking_; }

public slots:
    void start();
    void cancel();
    void reject() override;  // Esc / Close: cancels a running batch first

signals:
    void progressChanged(int finished, int total);
    void batchFinished(bool cancelled);
    void watching();  // the watch processed what was there and waits for new images

private:
    struct Outcome;
    void buildUi();
    void addFiles();
    void addFolder();
    void browseOutput();
    void browsePreset();
    void onProgress(const tconv::app::BatchCounts& counts);
    void onFailure(const QString& text);
    void onFinished();
    void onWaiting();
    void showRanking(const std::vector<tconv::app::RankingRow>& rows);
    void setRunning(bool running);
    bool collectSettings(tconv::app::ConvSettings& s, std::optional<tconv::Kernel2D>& kernel, QString* error) const;
    QString checkEvaluation(const std::optional<tconv::Kernel2D>& kernel) const;  // "" when fine
    QWidget* buildEvaluationBox(QWidget* parent);

    const tconv::app::ConvSettings settings_;
    const std::optional<tconv::Kernel2D> customKernel_;
    std::function<void(size_t, std::string_view)> testHook_;

    QListWidget* inputs_ = nullptr;
    QCheckBox* recursive_ = nullptr;
    QLineEdit* output_ = nullptr;
    QRadioButton* useCurrent_ = nullptr;
    QRadioButton* usePreset_ = nullptr;
    QLineEdit* presetPath_ = nullptr;
    QComboBox* format_ = nullptr;
    QLineEdit* suffix_ = nullptr;
    QCheckBox* overwrite_ = nullptr;
    QSpinBox* jobs_ = nullptr;
    QCheckBox* openWhenDone_ = nullptr;
    QCheckBox* watch_ = nullptr;
    QCheckBox* evaluate_ = nullptr;
    QLineEdit* compareKernels_ = nullptr;
    QLineEdit* reference_ = nullptr;
    QTableWidget* ranking_ = nullptr;
    BatchRankingChart* chart_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
    QListWidget* failures_ = nullptr;
    QPushButton* startButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QPushButton* openButton_ = nullptr;
    QWidget* form_ = nullptr;

    std::atomic<bool> cancel_{false};
    QFutureWatcher<std::shared_ptr<Outcome>> watcher_;
    QElapsedTimer clock_;
    std::optional<tconv::app::BatchSummary> lastSummary_;
    std::vector<tconv::app::RankingRow> lastRanking_;
    tconv::app::BatchCounts lastProgress_;  // the latest counts (a watch's waiting message)
    int settleMs_ = 1000;
    bool watchRun_ = false;  // the running batch is a watch
    bool closeWhenDone_ = false;
};

}  // namespace tconv::ui
