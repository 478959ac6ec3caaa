// SPDX-License-Identifier: MIT
#include "views/ZeroInsertionView.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "compute/PixelValues.h"
#include "controllers/ScatterStepper.h"
#include "controllers/StepPlayer.h"
#include "views/ZeroInsertionCanvas.h"

namespace tconv::ui {
namespace {

QString swatch(const QColor& c) {
    return QStringLiteral("<span style='background-color:%1'>&nbsp;&nbsp;&nbsp;</span>").arg(c.name());
}

QString num(double v) { return QString::number(v, 'g', 6); }

}  // namespace

ZeroInsertionView::ZeroInsertionView(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);
    geometry_ = new QLabel;
    geometry_->setObjectName(QStringLiteral("zeroInsertionGeometry"));
    geometry_->setWordWrap(true);
    geometry_->setTextFormat(Qt::RichText);
    outer->addWidget(geometry_);
    canvas_ = new ZeroInsertionCanvas;
    outer->addWidget(canvas_, 1);
    value_ = new QLabel;
    value_->setObjectName(QStringLiteral("zeroInsertionValue"));
    value_->setWordWrap(true);
    value_->setTextFormat(Qt::RichText);
    outer->addWidget(value_);

    auto* controls = new QHBoxLayout;
    mode_ = new QComboBox;
    mode_->addItem(tr("Slide the window"), static_cast<int>(PlayMode::Window));
    mode_->addItem(tr("Scatter replay"), static_cast<int>(PlayMode::Scatter));
    mode_->setToolTip(
        tr("What Play animates: the flipped kernel's window over the output pixels (here), or the "
           "scatter of the input pixels one by one (the result view and the explanation panel)"));
    back_ = new QPushButton(tr("◀"));
    play_ = new QPushButton(tr("Play"));
    next_ = new QPushButton(tr("▶"));
    back_->setToolTip(tr("One step back"));
    next_->setToolTip(tr("One step forward"));
    play_->setObjectName(QStringLiteral("zeroInsertionPlay"));
    speed_ = new QDoubleSpinBox;
    speed_->setRange(0.25, 30);
    speed_->setDecimals(2);
    speed_->setValue(4);
    speed_->setSuffix(tr(" steps/s"));
    speed_->setToolTip(tr("Animation speed"));
    stepLabel_ = new QLabel;
    // Narrow enough for a 1366-pixel screen beside the parameter and kernel docks.
    back_->setMaximumWidth(32);
    next_->setMaximumWidth(32);
    play_->setMaximumWidth(64);
    mode_->setMinimumContentsLength(8);
    mode_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    controls->addWidget(mode_, 1);
    controls->addWidget(back_);
    controls->addWidget(play_);
    controls->addWidget(next_);
    controls->addWidget(speed_);
    outer->addLayout(controls);
    outer->addWidget(stepLabel_);

    player_ = new StepPlayer(this);
    connect(back_, &QPushButton::clicked, player_, &StepPlayer::back);
    connect(next_, &QPushButton::clicked, player_, &StepPlayer::next);
    connect(play_, &QPushButton::clicked, player_, &StepPlayer::toggle);
    connect(speed_, &QDoubleSpinBox::valueChanged, player_, &StepPlayer::setStepsPerSecond);
    connect(player_, &StepPlayer::playingChanged, this,
            [this](bool on) { play_->setText(on ? tr("Pause") : tr("Play")); });
    connect(player_, &StepPlayer::stepChanged, this, &ZeroInsertionView::onStep);
    connect(mode_, &QComboBox::activated, this,
            [this](int i) { setPlayMode(static_cast<PlayMode>(mode_->itemData(i).toInt())); });
    connect(canvas_, &ZeroInsertionCanvas::outputHovered, this, &ZeroInsertionView::choose);
    setEnabled(false);
}

void ZeroInsertionView::showResult(const ComputeResultPtr& result) {
    result_ = result;
    valid_ = false;
    if (result_ && result_->ok && result_->layerInput) {
        const Shape4 in = result_->layerInput->shape();
        model_ = ZeroInsertionModel(result_->request.params.geometry, static_cast<int>(in.h), static_cast<int>(in.w));
        const Shape4 out = result_->output.shape();
        valid_ = model_.outH() == out.h && model_.outW() == out.w;
    }
    setEnabled(valid_);
    if (!valid_) {
        geometry_->setText(tr("No result to redraw yet."));
        value_->clear();
        player_->setCount(0);
        return;
    }
    canvas_->setScene(model_, result_);
    geometry_->setText(geometryText());
    updatePlayer();
    showValue();
}

void ZeroInsertionView::setOutputPixel(int oy, int ox) {
    if (!valid_ || oy < 0 || ox < 0 || oy >= model_.outH() || ox >= model_.outW()) return;
    canvas_->setOutputPixel(QPoint(ox, oy));
    if (mode_->currentData().toInt() == static_cast<int>(PlayMode::Window)) {
        const QSignalBlocker b(player_);  // the player follows; it does not announce the pixel back
        player_->setStep(oy * model_.outW() + ox);
        stepLabel_->setText(tr("output %1 of %2").arg(player_->step() + 1).arg(player_->count()));
    }
    showValue();
}

void ZeroInsertionView::setTap(std::optional<QPoint> tap) { canvas_->setTap(tap); }

void ZeroInsertionView::setPlayMode(PlayMode m) {
    mode_->setCurrentIndex(mode_->findData(static_cast<int>(m)));
    player_->pause();
    updatePlayer();
}

QPoint ZeroInsertionView::outputPixel() const { return canvas_->outputPixel(); }

std::vector<WindowCell> ZeroInsertionView::window() const {
    if (!valid_) return {};
    return model_.window(outputPixel().y(), outputPixel().x());
}

std::optional<double> ZeroInsertionView::computedValue() const {
    if (!valid_ || !result_->problem.provenanceExact) return std::nullopt;
    return model_.value(*result_->layerInput, 0, result_->request.kernel, result_->request.params.bias,
                        outputPixel().y(), outputPixel().x());
}

std::optional<double> ZeroInsertionView::engineValue() const {
    if (!valid_) return std::nullopt;
    const std::vector<float> v = outputValuesAt(*result_, outputPixel().y(), outputPixel().x());
    const size_t c = static_cast<size_t>(result_->problem.analysedOutput);
    if (c >= v.size()) return std::nullopt;
    return v[c];
}

void ZeroInsertionView::choose(int oy, int ox) {
    if (!valid_ || (outputPixel() == QPoint(ox, oy))) return;
    setOutputPixel(oy, ox);
    emit outputPixelChosen(oy, ox);
}

void ZeroInsertionView::showValue() { value_->setText(valueText()); }

QString ZeroInsertionView::valueText() const {
    if (!valid_) return {};
    const QPoint o = outputPixel();
    const auto mine = computedValue();
    const auto engine = engineValue();
    QString head = tr("<b>Output (row %1, column %2)</b>: ").arg(o.y()).arg(o.x());
    if (!mine)
        return head + tr("this layer mixes %1 input channels, so no single kernel sums the window; the window "
                         "marks where each input channel's weights apply.")
                          .arg(result_->layerInput->shape().c);
    const std::vector<WindowCell> cells = window();
    const int inputs =
        static_cast<int>(std::count_if(cells.begin(), cells.end(), [](const WindowCell& c) { return c.holdsInput(); }));
    QString text = head + tr("Σ window (stride-1, flipped kernel, %1 of %2 cells are input pixels) = <b>%3</b>")
                              .arg(inputs)
                              .arg(model_.rows().k * model_.cols().k)
                              .arg(num(*mine));
    if (engine) {
        const bool same = std::abs(*mine - *engine) <= 1e-4 * (1.0 + std::abs(*engine));
        text += tr(" &nbsp;·&nbsp; engine = <b>%1</b> %2").arg(num(*engine), same ? tr("✓") : tr("✗ differs"));
    }
    return text;
}

QString ZeroInsertionView::axisText(const ZeroInsertionAxis& a, const QString& axis, const QString& end) const {
    QString t = tr("<b>%1</b>: s = %2 → %3 zero%4 between input pixels (%5 → %6); ")
                    .arg(axis)
                    .arg(a.s)
                    .arg(a.s - 1)
                    .arg(a.s - 1 == 1 ? QString() : tr("s"))
                    .arg(a.n)
                    .arg(a.inserted);
    auto border = [&](int b, int p, const QString& side) {
        const QString formula = tr("d·(k−1)−p = %1·(%2−1)−%3 = %4").arg(a.d).arg(a.k).arg(p).arg(b);
        if (b >= 0) return tr("%1 border %2 zero%3").arg(side, formula).arg(b == 1 ? QString() : tr("s"));
        return tr("%1 border %2: <b>a crop</b> of %3 position%4 (padding reaches past the kernel)")
            .arg(side, formula)
            .arg(-b)
            .arg(-b == 1 ? QString() : tr("s"));
    };
    if (a.padBegin == a.padEnd) t += border(a.borderBegin, a.padBegin, tr("each")) + QStringLiteral("; ");
    else
        t += border(a.borderBegin, a.padBegin, tr("begin")) + QStringLiteral(", ") +
             border(a.borderEnd, a.padEnd, tr("end")) + QStringLiteral("; ");
    if (a.outputPadding > 0)
        t += tr("output padding %1 zero%2 at the %3; ")
                 .arg(a.outputPadding)
                 .arg(a.outputPadding == 1 ? "" : "s")
                 .arg(end);
    t += tr("the %1-tap kernel%2, flipped, slides with stride 1 → <b>%3</b> outputs.")
             .arg(a.k)
             .arg(a.d > 1 ? tr(" (dilated: %1 hole%2 between taps)").arg(a.d - 1).arg(a.d - 1 == 1 ? "" : "s")
                          : QString())
             .arg(a.out);
    return t;
}

QString ZeroInsertionView::geometryText() const {
    if (!valid_) return {};
    const ZeroInsertionAxis &r = model_.rows(), &c = model_.cols();
    const bool same = r.s == c.s && r.k == c.k && r.d == c.d && r.padBegin == c.padBegin && r.padEnd == c.padEnd &&
                      r.outputPadding == c.outputPadding && r.n == c.n;
    QString t =
        same ? axisText(r, tr("Both axes"), tr("bottom and right"))
             : axisText(r, tr("Rows"), tr("bottom")) + QStringLiteral("<br>") + axisText(c, tr("Columns"), tr("right"));
    t += QStringLiteral("<br>") + swatch(QColor(150, 150, 160)) + tr(" input ") + swatch(QColor(170, 200, 240)) +
         tr(" inserted zero ") + swatch(QColor(215, 215, 215)) + tr(" border zero ") + swatch(QColor(180, 225, 170)) +
         tr(" output padding");
    const int groups = result_->request.params.geometry.groups;
    if (!result_->problem.note.isEmpty()) t += QStringLiteral("<br>") + result_->problem.note.toHtmlEscaped();
    else if (groups > 1)
        t += tr("<br>groups = %1: each channel goes through its own kernel, drawn for channel 1.").arg(groups);
    return t;
}

void ZeroInsertionView::updatePlayer() {
    const bool window = mode_->currentData().toInt() == static_cast<int>(PlayMode::Window);
    int scatterSteps = 0;
    if (valid_) {
        const Shape4 in = result_->request.input->shape();
        if (!result_->request.params.isFullWeight() && in.h * in.w <= ScatterStepper::kMaxPixels)
            scatterSteps = static_cast<int>(in.h * in.w) + 1;  // 0 (bias only) .. all
    }
    const QSignalBlocker b(player_);
    if (window) {
        player_->setCount(valid_ ? model_.outH() * model_.outW() : 0);
        player_->setStep(outputPixel().y() * model_.outW() + outputPixel().x());
        stepLabel_->setText(valid_ ? tr("output %1 of %2").arg(player_->step() + 1).arg(player_->count()) : QString());
    } else {
        player_->setCount(scatterSteps);
        stepLabel_->setText(scatterSteps > 0 ? tr("scatter step %1 of %2").arg(player_->step()).arg(scatterSteps - 1)
                                             : tr("scatter replay: inputs up to 16×16 in image mode"));
    }
    play_->setText(player_->isPlaying() ? tr("Pause") : tr("Play"));
}

void ZeroInsertionView::onStep(int step) {
    if (!valid_) return;
    if (mode_->currentData().toInt() == static_cast<int>(PlayMode::Window)) {
        const int oy = step / model_.outW(), ox = step % model_.outW();
        stepLabel_->setText(tr("output %1 of %2").arg(step + 1).arg(player_->count()));
        canvas_->setOutputPixel(QPoint(ox, oy));
        showValue();
        emit outputPixelChosen(oy, ox);
    } else {
        stepLabel_->setText(tr("scatter step %1 of %2").arg(step).arg(player_->count() - 1));
        emit scatterStepChosen(step);
    }
}

}  // namespace tconv::ui
