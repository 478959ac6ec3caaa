// SPDX-License-Identifier: MIT
// The deconvolutional-network panel (see DeconvNetPanel.h). Threading: a run
// is one QtConcurrent task on the global pool holding its own copies (the
// image is shared and never modified); it reports through queued
// invocations on the panel, each tagged with the run id, and polls a shared
// cancel flag from the engine's progress callbacks. Pictures (QImage, which
// is safe off the GUI thread) are rendered by the worker from copies of the
// current iterate, at most once per live interval; the panel only reads
// snapshots and turns images into pixmaps on the GUI thread.
#include "panels/DeconvNetPanel.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QPointer>
#include <QPushButton>
#include <QMouseEvent>
#include <QSpinBox>
#include <QStringList>
#include <QThread>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "analysis/DeconvLearning.h"
#include "analysis/DeconvNet.h"
#include "backends/BackendFactory.h"

namespace tconv::ui {

// Three normalised polylines (objective, PSNR, non-zero fraction) over the steps.
class DeconvCurves : public QWidget {
public:
    explicit DeconvCurves(QWidget* parent = nullptr) : QWidget(parent) { setMinimumHeight(90); }
    void clear() {
        series_[0].clear(), series_[1].clear(), series_[2].clear();
        update();
    }
    void add(double objective, double psnr, double nonzero) {
        series_[0].push_back(objective);
        series_[1].push_back(std::isfinite(psnr) ? psnr : 100.0);
        series_[2].push_back(nonzero);
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.fillRect(rect(), palette().base());
        const QColor colors[3] = {QColor(200, 60, 40), QColor(40, 120, 200), QColor(60, 160, 60)};
        const char* names[3] = {"objective", "PSNR", "non-zero"};
        for (int s = 0; s < 3; ++s) {
            p.setPen(colors[s]);
            p.drawText(6 + 90 * s, 14, names[s]);
            const std::vector<double>& v = series_[s];
            if (v.size() < 2) continue;
            const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
            const double span = *hi - *lo > 0 ? *hi - *lo : 1.0;
            QPainterPath path;
            for (size_t i = 0; i < v.size(); ++i) {
                const double x = 4 + (width() - 8) * double(i) / double(v.size() - 1);
                const double y = height() - 4 - (height() - 24) * (v[i] - *lo) / span;
                if (i == 0) path.moveTo(x, y);
                else path.lineTo(x, y);
            }
            p.drawPath(path);
        }
    }

private:
    std::vector<double> series_[3];
};

namespace {

// One plane scaled to [0, 255] (signed data around mid-grey when `symmetric`).
QImage planeImage(const float* v, int64_t h, int64_t w, bool symmetric) {
    float lo = 0, hi = 0;
    for (int64_t i = 0; i < h * w; ++i) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
    const float m = std::max(std::fabs(lo), std::fabs(hi));
    QImage img(int(w), int(h), QImage::Format_Grayscale8);
    for (int64_t y = 0; y < h; ++y) {
        uchar* row = img.scanLine(int(y));
        for (int64_t x = 0; x < w; ++x) {
            const float e = v[y * w + x];
            const float t = symmetric ? (m > 0 ? 0.5f + 0.5f * e / m : 0.5f) : std::clamp(e, 0.0f, 1.0f);
            row[x] = static_cast<uchar>(std::lround(255.0f * std::clamp(t, 0.0f, 1.0f)));
        }
    }
    return img;
}

// The planes of channel `c` of every n (filters: (K1, K0, kh, kw)) or the
// planes of n = 0 (maps: (1, K1, H, W)) as a grid, each scaled to `cell`.
QImage gridImage(const Tensor& t, bool perN, int cell) {
    const Shape4 s = t.shape();
    const int count = int(perN ? s.n : s.c);
    const int cols = std::max(1, int(std::ceil(std::sqrt(double(count)))));
    const int rows = (count + cols - 1) / cols;
    QImage pm(cols * (cell + 2), rows * (cell + 2), QImage::Format_RGB32);
    pm.fill(Qt::darkGray);
    QPainter p(&pm);
    for (int i = 0; i < count; ++i) {
        const float* plane = perN ? t.plane(i, 0) : t.plane(0, i);
        const QImage img = planeImage(plane, s.h, s.w, true).scaled(cell, cell, Qt::KeepAspectRatio);
        p.drawImage((i % cols) * (cell + 2) + 1, (i / cols) * (cell + 2) + 1, img);
    }
    return pm;
}

QImage reconImage(const Tensor& t, int size) {
    const Shape4 s = t.shape();
    QImage img(int(s.w), int(s.h), QImage::Format_RGB32);
    for (int64_t y = 0; y < s.h; ++y)
        for (int64_t x = 0; x < s.w; ++x) {
            auto ch = [&](int64_t c) {
                return int(std::lround(255.0f * std::clamp(t.at(0, std::min(c, s.c - 1), y, x), 0.0f, 1.0f)));
            };
            img.setPixel(int(x), int(y), qRgb(ch(0), ch(1), ch(2)));
        }
    return img.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

// Sizes of the pictures (the hover maps label positions through reconSize).
constexpr int kReconSize = 200, kMapCell = 64, kFilterCell = 36;

// Fills the snapshot's pictures from the tensors it carries (on the worker).
void renderPictures(DeconvSnapshot& s) {
    if (s.reconstruction) s.reconImage = reconImage(*s.reconstruction, kReconSize);
    if (s.maps) s.mapsImage = gridImage(*s.maps, false, kMapCell);
    if (s.filters) s.filtersImage = gridImage(*s.filters, true, kFilterCell);
    s.renderedOnGuiThread = QThread::currentThread() == qApp->thread();
}

// "R", "G", "B" for colour images, nothing for gray.
QString channelName(int64_t c, int64_t channels) {
    if (channels == 1) return {};
    return channels == 3 ? QString(" [%1]").arg(QLatin1Char("RGB"[c])) : QString(" [channel %1]").arg(c);
}

// Oriented derivative-of-Gaussian filters at K angles in [0, pi), each of unit norm.
Tensor orientedEdges(int maps, int channels, int size) {
    Tensor f(Shape4{maps, channels, size, size});
    const double c = (size - 1) / 2.0, sigma = std::max(0.8, size / 4.0);
    for (int k = 0; k < maps; ++k) {
        const double a = M_PI * k / maps;
        for (int ch = 0; ch < channels; ++ch)
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x) {
                    const double dx = x - c, dy = y - c, u = dx * std::cos(a) + dy * std::sin(a);
                    f.at(k, ch, y, x) = float(-u * std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)));
                }
    }
    normaliseDeconvFilters(f);
    return f;
}

}  // namespace

DeconvNetPanel::DeconvNetPanel(QWidget* parent) : QWidget(parent) {
    bank_ = new QComboBox;
    bank_->addItems({tr("Random"), tr("Oriented edges"), tr("Learn from image")});
    maps_ = new QSpinBox;
    maps_->setRange(1, 64);
    maps_->setValue(8);
    size_ = new QSpinBox;
    size_->setRange(1, 31);
    size_->setValue(7);
    lambda_ = new QDoubleSpinBox;
    lambda_->setRange(0.01, 10000);
    lambda_->setValue(20);
    iterations_ = new QSpinBox;
    iterations_->setRange(1, 2000);
    iterations_->setValue(60);
    iterations_->setObjectName(QStringLiteral("deconvIterations"));
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 100);
    epochs_->setValue(5);
    epochs_->setObjectName(QStringLiteral("deconvEpochs"));
    run_ = new QPushButton(tr("Run"));
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setEnabled(false);
    status_ = new QLabel(tr("Open an image, then Run."));
    status_->setWordWrap(true);
    recon_ = new QLabel;
    mapsView_ = new QLabel;
    filtersView_ = new QLabel;
    recon_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    recon_->setMouseTracking(true);
    recon_->installEventFilter(this);
    recon_->setToolTip(tr("Hover a pixel: which maps and filters made it"));
    provenance_ = new QLabel(tr("Hover the reconstruction to see which maps made a pixel."));
    provenance_->setWordWrap(true);
    provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    curves_ = new DeconvCurves;

    auto* form = new QFormLayout;
    form->addRow(tr("Filter bank"), bank_);
    form->addRow(tr("Maps (K1)"), maps_);
    form->addRow(tr("Filter size"), size_);
    form->addRow(tr("λ"), lambda_);
    form->addRow(tr("Iterations"), iterations_);
    form->addRow(tr("Epochs (learning)"), epochs_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(run_);
    buttons->addWidget(cancel_);
    auto* pictures = new QHBoxLayout;
    pictures->addWidget(recon_);
    pictures->addWidget(mapsView_);
    pictures->addWidget(filtersView_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(status_);
    layout->addLayout(pictures);
    layout->addWidget(provenance_);
    layout->addWidget(curves_);
    layout->addStretch();
    connect(run_, &QPushButton::clicked, this, &DeconvNetPanel::start);
    connect(cancel_, &QPushButton::clicked, this, &DeconvNetPanel::cancel);
}

DeconvNetPanel::~DeconvNetPanel() { cancel(); }

void DeconvNetPanel::setImage(std::shared_ptr<const Tensor> image) { image_ = std::move(image); }

void DeconvNetPanel::cancel() {
    if (cancelFlag_) cancelFlag_->store(true);
}

Tensor DeconvNetPanel::chooseFilters(int channels) const {
    if (bank_->currentIndex() == 1) return orientedEdges(maps_->value(), channels, size_->value());
    return randomDeconvFilters(maps_->value(), channels, Size2(size_->value()), 1);
}

void DeconvNetPanel::start() {
    if (!image_ || image_->empty()) {
        status_->setText(tr("No image to explain."));
        return;
    }
    cancel();  // a new run replaces the one in flight
    cancelFlag_ = std::make_shared<std::atomic<bool>>(false);
    const quint64 id = ++runId_;
    busy_ = true;
    cancel_->setEnabled(true);
    curves_->clear();
    status_->setText(tr("Running…"));
    const bool learn = bank_->currentIndex() == 2;
    const Tensor initial = chooseFilters(int(image_->shape().c));
    const double lambda = lambda_->value();
    const int iterations = iterations_->value(), epochs = epochs_->value(), maps = maps_->value();
    const int size = size_->value();
    const auto interval = std::chrono::milliseconds(std::max(0, liveIntervalMs_));
    pictureUpdates_ = 0;
    QPointer<DeconvNetPanel> self(this);
    auto post = [self](DeconvSnapshot s) {
        QMetaObject::invokeMethod(
            qApp,
            [self, s] {
                if (self) self->accept(s);
            },
            Qt::QueuedConnection);
    };
    (void)QtConcurrent::run([=, image = image_, flag = cancelFlag_] {
        DeconvSnapshot done;
        done.run = id;
        done.finished = true;
        // Pictures at most once per interval: the first step always shows.
        auto lastPictures = std::chrono::steady_clock::time_point{};
        auto picturesDue = [&] {
            const auto now = std::chrono::steady_clock::now();
            if (lastPictures != std::chrono::steady_clock::time_point{} && now - lastPictures < interval) return false;
            lastPictures = now;
            return true;
        };
        try {
            std::unique_ptr<Backend> backend = createBackend(BackendKind::Cpu);
            Tensor filters = initial;
            if (learn) {
                DeconvLearnOptions o;
                o.maps = maps;
                o.filterSize = Size2(size);
                o.lambda = lambda;
                o.epochs = epochs;
                o.inferenceIterations = std::max(1, iterations / 4);
                o.progress = [&](const DeconvEpoch& e) {
                    DeconvSnapshot s;
                    s.run = id, s.step = e.epoch, s.objective = e.cost.objective, s.psnr = e.psnr;
                    s.nonzero = e.nonzeroFraction;
                    if (e.filters && picturesDue()) {  // the bank as it learns
                        s.filters = std::make_shared<const Tensor>(*e.filters);
                        renderPictures(s);
                    }
                    post(s);
                    return !flag->load();
                };
                filters = learnDeconvFilters({*image}, o, *backend).filters;
                lastPictures = {};  // the inference's first step shows at once
            }
            const auto bank = std::make_shared<const Tensor>(filters);
            DeconvInferenceOptions o;
            o.lambda = lambda;
            o.iterations = iterations;
            o.progress = [&](const DeconvIteration& it) {
                DeconvSnapshot s;
                s.run = id, s.step = it.iteration, s.objective = it.cost.objective, s.psnr = it.psnr;
                s.nonzero = it.nonzeroFraction;
                if (it.maps && it.reconstruction && !flag->load() && picturesDue()) {
                    s.maps = std::make_shared<const Tensor>(*it.maps);
                    s.reconstruction = std::make_shared<const Tensor>(*it.reconstruction);
                    s.filters = bank;
                    renderPictures(s);
                }
                post(s);
                return !flag->load();
            };
            DeconvInference r = inferDeconvMaps(*image, filters, o, *backend);
            done.step = r.iterations;
            done.objective = r.cost.objective;
            done.psnr = r.psnr;
            done.nonzero = r.nonzeroFraction;
            done.reconstruction = std::make_shared<const Tensor>(std::move(r.reconstruction));
            done.maps = std::make_shared<const Tensor>(std::move(r.maps));
            done.filters = bank;
            renderPictures(done);
        } catch (const std::exception& e) {
            done.error = QString::fromUtf8(e.what());
        }
        post(done);
    });
}

void DeconvNetPanel::showPictures(const DeconvSnapshot& s) {
    if (s.reconImage.isNull() && s.mapsImage.isNull() && s.filtersImage.isNull()) return;
    if (!s.reconImage.isNull()) recon_->setPixmap(QPixmap::fromImage(s.reconImage));
    if (!s.mapsImage.isNull()) mapsView_->setPixmap(QPixmap::fromImage(s.mapsImage));
    if (!s.filtersImage.isNull()) filtersView_->setPixmap(QPixmap::fromImage(s.filtersImage));
    if (s.maps && s.reconstruction && s.filters) {
        shownMaps_ = s.maps, shownFilters_ = s.filters, shownRecon_ = s.reconstruction;
    }
    ++pictureUpdates_;
}

QString DeconvNetPanel::provenanceText() const { return provenance_->text(); }

QString DeconvNetPanel::describePixel(int x, int y) const {
    if (!shownMaps_ || !shownFilters_ || !shownRecon_) return {};
    const Shape4 r = shownRecon_->shape();
    if (x < 0 || y < 0 || x >= r.w || y >= r.h) return {};
    QStringList lines;
    constexpr size_t kTop = 4;
    for (int64_t c = 0; c < r.c; ++c) {
        const DeconvProvenance p = deconvPixelProvenance(*shownMaps_, *shownFilters_, c, y, x);
        QStringList terms;
        double rest = 0;
        size_t restCount = 0;
        for (size_t i = 0; i < p.terms.size(); ++i) {
            const DeconvTerm& t = p.terms[i];
            if (i < kTop && t.value != 0.0)
                terms << tr("map %1 * F[%1][%2] %3 (%4 taps)")
                             .arg(t.map)
                             .arg(c)
                             .arg(t.value, 0, 'f', 4)
                             .arg(t.nonzeroTaps);
            else if (t.value != 0.0) rest += t.value, ++restCount;
        }
        if (restCount > 0) terms << tr("%1 other maps %2").arg(restCount).arg(rest, 0, 'f', 4);
        if (terms.isEmpty()) terms << tr("no map reaches it (all zero)");
        lines << tr("pixel (%1, %2)%3 = %4 = %5")
                     .arg(x)
                     .arg(y)
                     .arg(channelName(c, r.c))
                     .arg(p.value, 0, 'f', 4)
                     .arg(terms.join(QStringLiteral(" + ")));
    }
    return lines.join('\n');
}

bool DeconvNetPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == recon_ && event->type() == QEvent::MouseMove && shownRecon_ && !recon_->pixmap().isNull()) {
        // The pixmap sits at the label's top left, scaled from the reconstruction.
        const QPointF pos = static_cast<QMouseEvent*>(event)->position();
        const QSize shown = recon_->pixmap().deviceIndependentSize().toSize();
        const Shape4 r = shownRecon_->shape();
        if (shown.width() > 0 && shown.height() > 0) {
            const int x = int(std::floor(pos.x() * double(r.w) / shown.width()));
            const int y = int(std::floor(pos.y() * double(r.h) / shown.height()));
            const QString text = describePixel(x, y);
            if (!text.isEmpty()) provenance_->setText(text);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void DeconvNetPanel::accept(const DeconvSnapshot& s) {
    if (s.run != runId_) return;  // a cancelled or replaced run
    showPictures(s);
    if (!s.finished) {
        curves_->add(s.objective, s.psnr, s.nonzero);
        status_->setText(tr("step %1: objective %2, PSNR %3 dB, %4% non-zero")
                             .arg(s.step)
                             .arg(s.objective, 0, 'g', 6)
                             .arg(s.psnr, 0, 'f', 2)
                             .arg(100 * s.nonzero, 0, 'f', 2));
        return;
    }
    busy_ = false;
    cancel_->setEnabled(false);
    last_ = s;
    if (!s.error.isEmpty()) {
        status_->setText(tr("Failed: %1").arg(s.error));
    } else {
        status_->setText(tr("done: %1 iterations, objective %2, PSNR %3 dB, %4% non-zero")
                             .arg(s.step)
                             .arg(s.objective, 0, 'g', 6)
                             .arg(s.psnr, 0, 'f', 2)
                             .arg(100 * s.nonzero, 0, 'f', 2));
    }
    emit finished();
}

}  // namespace tconv::ui
