// SPDX-License-Identifier: MIT
// The gradient panel (see GradientPanel.h for the threading).
#include "panels/GradientPanel.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>

#include "views/PhaseGainPlot.h"
#include "views/StackImages.h"
#include "views/StackTile.h"

namespace tconv::ui {
namespace {

// The colour scale of the pictures: around the mean gain (constant upstream:
// the interior repeats the table) or around 0 (random upstream).
std::pair<float, float> displayScale(const GradientResult& r) {
    if (r.spec.upstream == UpstreamKind::Constant) {
        double mean = 0, dev = 0;
        for (double g : r.table.gain) mean += g;
        mean /= std::max<size_t>(1, r.table.gain.size());
        for (double g : r.table.gain) dev = std::max(dev, std::abs(g - mean));
        return {static_cast<float>(mean), static_cast<float>(std::max(dev, 0.05 * std::abs(mean)) + 1e-30)};
    }
    double sq = 0;
    const float* v = r.gradient.data();
    for (int64_t i = 0; i < r.gradient.size(); ++i) sq += double(v[i]) * v[i];
    const double rms = std::sqrt(sq / std::max<int64_t>(1, r.gradient.size()));
    return {0.0f, static_cast<float>(2.5 * rms + 1e-30)};
}

QImage fitImage(const QImage& whole, QSize box) {
    if (whole.width() <= box.width() && whole.height() <= box.height()) return whole;
    return whole.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

}  // namespace

GradientPanel::GradientPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* intro = new QLabel(
        tr("A <b>strided Conv2d</b> with the studio's kernel, k, s, p and d. Its input gradient is its adjoint: "
           "the transposed convolution with the same weight. So a network without any transposed convolution "
           "still paints checkerboards, in its gradients."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    upstream_ = new QComboBox;
    upstream_->addItem(tr("Constant (L = sum of the outputs)"));
    upstream_->addItem(tr("Random (seeded Gaussian)"));
    upstream_->setToolTip(tr("The upstream gradient dL/dy: all ones, or Gaussian noise from the seed"));
    seed_ = new QSpinBox;
    seed_->setRange(0, 1000000);
    seed_->setValue(1);
    seed_->setEnabled(false);
    auto* form = new QFormLayout;
    form->addRow(tr("Upstream"), upstream_);
    form->addRow(tr("Seed"), seed_);
    layout->addLayout(form);
    status_ = new QLabel;
    status_->setWordWrap(true);
    status_->setObjectName(QStringLiteral("gradientStatus"));
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setObjectName(QStringLiteral("gradientSummary"));
    layout->addWidget(status_);
    layout->addWidget(summary_);
    auto* plots = new QHBoxLayout;
    plot_ = new PhaseGainPlot;
    plot_->setToolTip(tr("Exact phase gains of the adjoint (the kernel's taps summed per input phase)"));
    measuredPlot_ = new PhaseGainPlot;
    measuredPlot_->setToolTip(
        tr("Measured on the gradient's interior: per phase, its mean (constant upstream) or "
           "root mean square (random upstream)"));
    plots->addWidget(plot_);
    plots->addWidget(measuredPlot_);
    layout->addLayout(plots);
    auto* tiles = new QHBoxLayout;
    cropTile_ = new StackTile;
    fitTile_ = new StackTile;
    tiles->addWidget(cropTile_);
    tiles->addWidget(fitTile_);
    layout->addLayout(tiles);
    layout->addStretch();

    coalesce_ = new QTimer(this);
    coalesce_->setSingleShot(true);
    coalesce_->setInterval(0);
    connect(coalesce_, &QTimer::timeout, this, &GradientPanel::start);
    connect(upstream_, &QComboBox::currentIndexChanged, this, [this](int i) {
        spec_.upstream = i == 1 ? UpstreamKind::Random : UpstreamKind::Constant;
        seed_->setEnabled(i == 1);
        schedule();
    });
    connect(seed_, &QSpinBox::valueChanged, this, [this](int s) {
        spec_.seed = static_cast<uint64_t>(s);
        schedule();
    });
    status_->setText(tr("Waiting for the studio's layer."));
}

GradientPanel::~GradientPanel() {
    if (cancel_) cancel_->store(true);
}

void GradientPanel::setLayer(const ConvParams& geometry, const Kernel2D& kernel, int64_t inH, int64_t inW) {
    GradientSpec s = spec_;
    s.kernel = kernel;
    s.stride = geometry.stride;
    s.padding = padBegin(geometry);
    s.dilation = geometry.dilation;
    s.inH = inH;
    s.inW = inW;
    if (haveLayer_ && s == spec_) return;  // e.g. only the view changed
    spec_ = s;
    haveLayer_ = true;
    schedule();
}

void GradientPanel::setUpstream(UpstreamKind kind, uint64_t seed) {
    const QSignalBlocker a(upstream_), b(seed_);
    upstream_->setCurrentIndex(kind == UpstreamKind::Random ? 1 : 0);
    seed_->setValue(static_cast<int>(seed));
    seed_->setEnabled(kind == UpstreamKind::Random);
    spec_.upstream = kind;
    spec_.seed = seed;
    schedule();
}

void GradientPanel::schedule() {
    if (!haveLayer_) return;
    pending_ = true;
    if (cancel_) cancel_->store(true);  // the job in flight computes what is no longer asked for
    if (isVisible()) coalesce_->start();
}

void GradientPanel::showEvent(QShowEvent* e) {
    QWidget::showEvent(e);
    if (pending_) coalesce_->start();
}

void GradientPanel::start() {
    if (!pending_) return;
    pending_ = false;
    if (cancel_) cancel_->store(true);
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const quint64 id = ++jobId_;
    ++inFlight_;
    status_->setText(tr("Computing…"));
    QPointer<GradientPanel> self(this);
    (void)QtConcurrent::run([self, id, spec = spec_, flag = cancel_] {
        auto run = std::make_shared<GradientRun>();
        run->result = computeInputGradient(spec, flag.get());
        run->result.job = id;
        if (run->result.error.isEmpty() && !run->result.cancelled) {
            const auto [centre, range] = displayScale(run->result);
            run->crop = divergingCrop(run->result.gradient, centre, range, kCropSide);
            run->fit = fitImage(divergingCrop(run->result.gradient, centre, range, 0), QSize(256, 256));
        }
        QMetaObject::invokeMethod(
            qApp,
            [self, id, run] {
                if (self) self->accept(id, run);
            },
            Qt::QueuedConnection);
    });
}

void GradientPanel::accept(quint64 job, std::shared_ptr<const GradientRun> run) {
    --inFlight_;
    // A stale result: a newer job replaced it, or an edit waits for its own job.
    if (job != jobId_ || pending_ || run->result.cancelled) {
        ++dropped_;
        return;
    }
    last_ = std::move(run);
    showRun();
    emit resultShown();
}

bool GradientPanel::waitForIdle(int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (busy() && t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return !busy();
}

void GradientPanel::showRun() {
    const GradientResult& r = last_->result;
    if (!r.error.isEmpty()) {
        status_->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(r.error.toHtmlEscaped()));
        summary_->clear();
        plot_->setTable(PhaseGainTable{});
        measuredPlot_->setTable(PhaseGainTable{});
        cropTile_->clear();
        fitTile_->clear();
        return;
    }
    const GradientSpec& s = r.spec;
    const QString k = QString::fromStdString(sizeText(Size2(s.kernel.h, s.kernel.w)));
    status_->setText(tr("Conv2d(k=%1, s=%2, p=%3, d=%4) on %5×%6 → %7×%8; its gradient is "
                        "ConvTranspose2d with output_padding=%9 → %5×%6.")
                         .arg(k, QString::fromStdString(sizeText(s.stride)),
                              QString::fromStdString(sizeText(s.padding)), QString::fromStdString(sizeText(s.dilation)))
                         .arg(s.inH)
                         .arg(s.inW)
                         .arg(r.convOutput.h)
                         .arg(r.convOutput.w)
                         .arg(QString::fromStdString(sizeText(r.outputPadding))));
    QString html = tr("Exact gradient CV <b>%1</b> (%2 dB): %3")
                       .arg(QString::fromStdString(cvText(r.scores.cv)), QString::fromStdString(cvDbText(r.scores.cv)),
                            QString::fromStdString(r.scores.severity));
    if (r.scores.pattern != ArtifactPattern::None)
        html += QStringLiteral(", ") + QString::fromLatin1(patternName(r.scores.pattern));
    if (r.scores.holes) html += tr(" (%1 phases get no gradient at all)").arg(r.scores.holeCount);
    const bool random = s.upstream == UpstreamKind::Random;
    html += QStringLiteral("<br>") + (r.measuredCv < 0 ? tr("The input is too small to have an interior to measure.")
                                                       : tr("Measured on the interior (%1 per phase): CV %2.")
                                                             .arg(random ? tr("RMS") : tr("mean"),
                                                                  QString::fromStdString(cvText(r.measuredCv))));
    if (random)
        html +=
            tr(" With a random upstream gradient the ripple is in the gradient's variance: the phases with "
               "more taps (or larger ones) get larger gradients.");
    summary_->setText(html);
    plot_->setTable(r.table);
    measuredPlot_->setTable(r.measured);
    cropTile_->setImage(last_->crop, tr("Gradient, centre %1×%2").arg(last_->crop.height()).arg(last_->crop.width()));
    fitTile_->setImage(last_->fit, tr("Whole gradient, %1×%2").arg(s.inH).arg(s.inW));
}

}  // namespace tconv::ui
