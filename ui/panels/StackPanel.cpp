// SPDX-License-Identifier: MIT
// The stacked-layers panel (see StackPanel.h for the threading).
#include "panels/StackPanel.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QSignalBlocker>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>

#include "panels/StackLayerEditor.h"
#include "views/PhaseGainPlot.h"
#include "views/StackImages.h"
#include "views/StackTile.h"

namespace tconv::ui {
namespace {

QString cvCell(double cv) {
    return QString::fromStdString(cvText(cv)) + QStringLiteral(" (") + QString::fromStdString(cvDbText(cv)) +
           QStringLiteral(" dB)");
}

QString severityOfCv(double cv) {
    ArtifactScores s;
    s.cv = cv;
    s.holes = false;
    return QString::fromLatin1(severityName(severityOf(s)));
}

}  // namespace

StackPanel::StackPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    buildLessons(layout);

    auto* top = new QHBoxLayout;
    count_ = new QSpinBox;
    count_->setRange(1, kMaxStackLayers);
    count_->setToolTip(tr("How many transposed-convolution layers, applied one after the other"));
    display_ = new QComboBox;
    display_->addItem(tr("Centre %1×%1").arg(kStackCropSide));
    display_->addItem(tr("Whole output"));
    display_->addItem(tr("Gain (constant input)"));
    display_->setToolTip(
        tr("Each layer's output: its centre at one pixel per pixel (where a checkerboard shows), "
           "the whole output, or its exact response to a constant image (blue/red: below/above "
           "the mean gain, one colour scale for all layers)"));
    top->addWidget(new QLabel(tr("Layers")));
    top->addWidget(count_);
    top->addSpacing(8);
    top->addWidget(new QLabel(tr("Show")));
    top->addWidget(display_, 1);
    layout->addLayout(top);

    for (int i = 0; i < kMaxStackLayers; ++i) {
        auto* e = new StackLayerEditor(i);
        editors_.push_back(e);
        layout->addWidget(e);
        connect(e, &StackLayerEditor::changed, this, &StackPanel::schedule);
    }
    status_ = new QLabel;
    status_->setWordWrap(true);
    status_->setObjectName(QStringLiteral("stackStatus"));
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    summary_->setObjectName(QStringLiteral("stackSummary"));
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    plot_ = new PhaseGainPlot;
    plot_->setToolTip(
        tr("The whole stack's compound phase gains: one period of its response to a constant image "
           "(rows: output row mod the product of the strides). Equal cells: no checkerboard."));
    layout->addWidget(status_);
    layout->addWidget(summary_);
    layout->addWidget(plot_);
    auto* tiles = new QGridLayout;
    for (int i = 0; i < kMaxStackLayers; ++i) {
        auto* t = new StackTile;
        tiles_.push_back(t);
        tiles->addWidget(t, i / 2, i % 2);
    }
    layout->addLayout(tiles);
    layout->addStretch();

    coalesce_ = new QTimer(this);
    coalesce_->setSingleShot(true);
    coalesce_->setInterval(0);
    connect(coalesce_, &QTimer::timeout, this, &StackPanel::start);
    connect(count_, &QSpinBox::valueChanged, this, [this](int n) {
        for (int i = 0; i < kMaxStackLayers; ++i) editors_[static_cast<size_t>(i)]->setVisible(i < n);
        schedule();
    });
    connect(display_, &QComboBox::currentIndexChanged, this, &StackPanel::showTiles);
    applyLesson(QStringLiteral("tainted"));
}

StackPanel::~StackPanel() {
    if (cancel_) cancel_->store(true);
}

void StackPanel::buildLessons(QVBoxLayout* layout) {
    auto* grid = new QGridLayout;
    grid->setSpacing(4);
    const std::vector<StackLesson>& lessons = stackLessons();
    for (size_t i = 0; i < lessons.size(); ++i) {
        auto* b = new QPushButton(lessons[i].title);
        b->setObjectName(QStringLiteral("lesson-") + lessons[i].id);
        b->setToolTip(lessons[i].explanation);
        connect(b, &QPushButton::clicked, this, [this, id = lessons[i].id] { applyLesson(id); });
        grid->addWidget(b, static_cast<int>(i) / 2, static_cast<int>(i) % 2);
    }
    lesson_ = new QLabel;
    lesson_->setWordWrap(true);
    lesson_->setObjectName(QStringLiteral("stackLesson"));
    layout->addWidget(new QLabel(tr("<b>Lessons</b> (one click each):")));
    layout->addLayout(grid);
    layout->addWidget(lesson_);
}

void StackPanel::setImage(std::shared_ptr<const Tensor> image) {
    image_ = std::move(image);
    schedule();
}

StackSpec StackPanel::spec() const {
    StackSpec s;
    for (int i = 0; i < count_->value(); ++i) s.layers.push_back(editors_[static_cast<size_t>(i)]->spec());
    return s;
}

void StackPanel::setSpec(const StackSpec& spec) {
    const int n = std::clamp(static_cast<int>(spec.layers.size()), 1, kMaxStackLayers);
    {
        const QSignalBlocker block(count_);
        count_->setValue(n);
    }
    for (int i = 0; i < kMaxStackLayers; ++i) {
        editors_[static_cast<size_t>(i)]->setVisible(i < n);
        if (i < static_cast<int>(spec.layers.size())) editors_[static_cast<size_t>(i)]->setSpec(spec.layers[size_t(i)]);
    }
    lesson_->clear();
    schedule();
}

bool StackPanel::applyLesson(const QString& id) {
    for (const StackLesson& l : stackLessons())
        if (l.id == id) {
            setSpec(l.spec);
            lesson_->setText(l.explanation);
            return true;
        }
    return false;
}

void StackPanel::setDisplay(Display d) { display_->setCurrentIndex(static_cast<int>(d)); }

void StackPanel::schedule() {
    pending_ = true;
    if (cancel_) cancel_->store(true);  // the job in flight computes what is no longer asked for
    if (isVisible()) coalesce_->start();
}

void StackPanel::showEvent(QShowEvent* e) {
    QWidget::showEvent(e);
    if (pending_) coalesce_->start();
}

void StackPanel::start() {
    if (!pending_) return;
    pending_ = false;
    if (!image_ || image_->empty()) {
        status_->setText(tr("Open an image: the stack runs on it."));
        return;
    }
    if (cancel_) cancel_->store(true);  // the job in flight is stale now
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const quint64 id = ++jobId_;
    ++inFlight_;
    status_->setText(tr("Computing…"));
    QPointer<StackPanel> self(this);
    (void)QtConcurrent::run([self, id, spec = spec(), image = image_, flag = cancel_] {
        auto run = std::make_shared<StackRun>();
        run->result = computeStack(*image, spec, flag.get());
        run->result.job = id;
        for (const auto& out : run->result.outputs) {
            if (flag->load()) break;
            run->crops.push_back(imageCrop(*out, kStackCropSide));
            run->fits.push_back(imageFit(*out, QSize(256, 256)));
        }
        if (flag->load()) run->result.cancelled = true;
        QMetaObject::invokeMethod(
            qApp,
            [self, id, run] {
                if (self) self->accept(id, run);
            },
            Qt::QueuedConnection);
    });
}

void StackPanel::accept(quint64 job, std::shared_ptr<const StackRun> run) {
    --inFlight_;
    // A stale result: a newer job replaced it, or an edit waits for its own job.
    if (job != jobId_ || pending_ || run->result.cancelled) {
        ++dropped_;
        if (run->result.cancelled) ++cancelledEarly_;
        return;
    }
    last_ = std::move(run);
    showRun();
    emit resultShown();
}

bool StackPanel::waitForIdle(int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (busy() && t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return !busy();
}

QString StackPanel::summaryHtml(const StackResult& r) const {
    const ChainAnalysis& a = r.analysis;
    const ArtifactScores& s = a.scores.front();
    QString html =
        tr("<b>Whole stack</b>: ×%1 (period %2, the product of the strides; smallest period of the "
           "table %3)<br>CV <b>%4</b>: %5")
            .arg(QString::fromStdString(sizeText(a.stride)), QString::fromStdString(sizeText(a.stride)),
                 QString::fromStdString(sizeText(a.period)), cvCell(a.cv), QString::fromStdString(s.severity));
    if (s.pattern != ArtifactPattern::None) html += QStringLiteral(", ") + QString::fromLatin1(patternName(s.pattern));
    if (s.holes) html += tr(", %1 phases never reached (holes)").arg(s.holeCount);
    html += QStringLiteral("<table cellspacing=0 cellpadding=2><tr><th align=left>") + tr("layer") +
            QStringLiteral("</th><th align=left>") + tr("its own CV") + QStringLiteral("</th><th align=left>") +
            tr("CV after it") + QStringLiteral("</th></tr>");
    for (size_t i = 0; i < r.ownScores.size(); ++i) {
        const bool worst = static_cast<int64_t>(i) == a.worstStep;
        html += QStringLiteral("<tr><td>%1%2</td><td>%3</td><td>%4 %5</td></tr>")
                    .arg(i + 1)
                    .arg(worst ? tr(" (worst)") : QString())
                    .arg(QString::fromStdString(cvText(r.ownScores[i].cv)),
                         QString::fromStdString(cvText(a.cvAfterStep[i])), severityOfCv(a.cvAfterStep[i]));
    }
    html += QStringLiteral("</table>");
    if (a.worstStep >= 0 && a.worstStep < static_cast<int64_t>(a.cvWithStepRepaired.size()))
        html += tr("Repairing layer %1 alone would bring the stack to CV %2.")
                    .arg(a.worstStep + 1)
                    .arg(QString::fromStdString(cvText(a.cvWithStepRepaired[static_cast<size_t>(a.worstStep)])));
    return html;
}

void StackPanel::showRun() {
    const StackResult& r = last_->result;
    if (!r.error.isEmpty()) {
        status_->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(r.error.toHtmlEscaped()));
        summary_->clear();
        plot_->setTable(PhaseGainTable{});
        for (StackTile* t : tiles_) t->clear();
        return;
    }
    const Shape4 in = r.outputs.empty() ? Shape4{} : r.outputs.front()->shape();
    QString status = tr("%1 layers on the image").arg(r.spec.layers.size());
    if (r.crop.cropped)
        status += tr(" (its centre %1×%2: the stack's outputs are capped at %3 MP)")
                      .arg(r.crop.h)
                      .arg(r.crop.w)
                      .arg(kStackMaxOutputPixels / (1 << 20));
    status_->setText(status + QStringLiteral(", %1 channel(s).").arg(in.c));
    summary_->setText(summaryHtml(r));
    plot_->setTable(r.layerIndexedMean);
    showTiles();
}

void StackPanel::showTiles() {
    if (!last_ || !last_->result.error.isEmpty()) return;
    const StackRun& run = *last_;
    const StackResult& r = run.result;
    const auto mode = static_cast<Display>(display_->currentIndex());
    double range = 0;  // one colour scale for every layer's gain picture
    for (const PhaseGainTable& t : r.prefixTables) range = std::max(range, relativeRipple(t));
    for (size_t i = 0; i < tiles_.size(); ++i) {
        StackTile* tile = tiles_[i];
        tile->setVisible(i < r.spec.layers.size());
        if (i >= r.outputs.size() || i >= run.crops.size()) {
            tile->clear();
            continue;
        }
        const Shape4 s = r.outputs[i]->shape();
        QString caption = tr("Layer %1: %2×%3, CV %4")
                              .arg(i + 1)
                              .arg(s.h)
                              .arg(s.w)
                              .arg(QString::fromStdString(cvText(r.analysis.cvAfterStep[i])));
        QImage img;
        switch (mode) {
            case Display::Crop: img = run.crops[i]; break;
            case Display::Whole: img = run.fits[i]; break;
            case Display::Gain: img = tiledTableImage(r.prefixTables[i], kStackCropSide, range); break;
        }
        tile->setImage(img, caption);
    }
}

}  // namespace tconv::ui
