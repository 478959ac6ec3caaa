// SPDX-License-Identifier: MIT
#include "panels/ExplanationPanel.h"

#include <QCoreApplication>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "document/TutorialExamples.h"
#include "core/OutputGeometry.h"

namespace tconv::ui {
namespace {

QString v(double x) {
    if (x == std::round(x) && std::abs(x) < 1e7) return QString::number(x, 'f', 0);
    return QString::number(x, 'g', 5);
}

// A factor in a product or sum: negative numbers in parentheses, with a true minus sign.
QString factor(double x) {
    if (x >= 0) return v(x);
    return QStringLiteral("(−") + v(-x) + QLatin1Char(')');
}

// One axis of the formula, with the numbers substituted; `valid` false: the
// parameters are invalid, so no size is printed as if it were one.
QString formulaLine(const char* out, const char* in, int64_t n, int k, int s, int p, int q, int d, bool valid) {
    const int64_t r = outputExtent(n, k, s, p, q, d);
    const QString colour = r > 0 && valid ? QString() : QStringLiteral(" style='color:#d9534f'");
    const QString result =
        valid ? QString::number(r).replace(QLatin1Char('-'), QStringLiteral("−")) : QStringLiteral("—");
    return QStringLiteral(
               "<tr><td><i>%1</i> = (<i>%2</i> − 1)·s − 2p + d·(k − 1) + q + 1</td>"
               "<td>&nbsp;= (%3 − 1)·%4 − 2·%5 + %6·(%7 − 1) + %8 + 1</td><td%9>&nbsp;= <b>%10</b></td></tr>")
        .arg(QLatin1String(out), QLatin1String(in))
        .arg(n)
        .arg(s)
        .arg(p)
        .arg(d)
        .arg(k)
        .arg(q)
        .arg(colour)
        .arg(result);
}

// Along one axis, whether some tap j in [0, k) has an integer input i with
// i·s − p + j·d = o (whatever the input's extent).
bool someTapAligns(int o, int k, int s, int p, int d) {
    for (int j = 0; j < k; ++j) {
        const int64_t r = int64_t(o) + p - int64_t(j) * d;
        if (((r % s) + s) % s == 0) return true;
    }
    return false;
}

// Why an output pixel gets no contribution: a hole of the stride/dilation
// lattice (no integer input/tap pair at all), or a border where the pairs
// fall outside the input.
QString noTapReason(const ConvParams& g, int oy, int ox) {
    const bool rows = someTapAligns(oy, g.kernel.h, g.stride.h, g.padding.h, g.dilation.h);
    const bool cols = someTapAligns(ox, g.kernel.w, g.stride.w, g.padding.w, g.dilation.w);
    if (!rows || !cols) {
        const bool r = !rows;
        return QCoreApplication::translate(
                   "tconv::ui::ExplanationPanel",
                   "A hole: no integer input/tap pair lands on this %1. o + p − j·d = %2 + %3 − j·%4 is never a "
                   "multiple of the stride %5 for any tap j = 0…%6 (here stride and dilation share a factor), so "
                   "the value is the bias alone.")
            .arg(r ? QStringLiteral("row") : QStringLiteral("column"))
            .arg(r ? oy : ox)
            .arg(r ? g.padding.h : g.padding.w)
            .arg(r ? g.dilation.h : g.dilation.w)
            .arg(r ? g.stride.h : g.stride.w)
            .arg((r ? g.kernel.h : g.kernel.w) - 1);
    }
    return QCoreApplication::translate("tconv::ui::ExplanationPanel",
                                       "No kernel tap lands here: every (input i, tap j) with i·s − p + j·d = o has "
                                       "its input outside the image (a border), so the value is the bias alone.");
}

}  // namespace

ExplanationPanel::ExplanationPanel(QWidget* parent) : QWidget(parent) {
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(8, 6, 8, 6);
    outer->setSpacing(12);

    auto* left = new QVBoxLayout;
    formula_ = new QLabel(this);
    formula_->setObjectName(QStringLiteral("formulaLabel"));
    formula_->setTextFormat(Qt::RichText);
    formula_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Never let the (non-wrapping) formula dictate the window's minimum width.
    formula_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    formula_->setMinimumWidth(200);
    formula_->setToolTip(
        tr("PyTorch's output size, per axis: s stride, p padding, d dilation, k kernel size, "
           "q output_padding."));
    left->addWidget(formula_);
    tutorial_ = new QLabel(this);
    tutorial_->setObjectName(QStringLiteral("tutorialLabel"));
    tutorial_->setWordWrap(true);
    tutorial_->setTextFormat(Qt::RichText);
    tutorial_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    tutorial_->setMinimumWidth(160);
    tutorial_->hide();
    stepper_ = new QWidget(this);
    auto* sl = new QHBoxLayout(stepper_);
    sl->setContentsMargins(0, 0, 0, 0);
    auto* title = new QLabel(tr("Scatter step"), stepper_);
    // Text glyphs, not the style's media icons: they follow the palette (dark theme).
    auto makeButton = [this](const QString& text, const QString& tip) {
        auto* b = new QToolButton(stepper_);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        return b;
    };
    QToolButton* first = makeButton(QStringLiteral("|◀"), tr("Step 0: no input pixel scattered yet"));
    QToolButton* prev = makeButton(QStringLiteral("◀"), tr("Previous step"));
    QToolButton* next = makeButton(QStringLiteral("▶"), tr("Next step: scatter one more input pixel"));
    QToolButton* last = makeButton(QStringLiteral("▶|"), tr("All steps: the engine's result"));
    slider_ = new QSlider(Qt::Horizontal, stepper_);
    slider_->setObjectName(QStringLiteral("stepSlider"));
    slider_->setPageStep(1);
    stepText_ = new QLabel(stepper_);
    stepText_->setTextFormat(Qt::RichText);
    stepText_->setMinimumWidth(120);
    stepText_->setWordWrap(true);
    sl->addWidget(title);
    sl->addWidget(first);
    sl->addWidget(prev);
    sl->addWidget(slider_, 1);
    sl->addWidget(next);
    sl->addWidget(last);
    left->addWidget(stepper_);
    left->addWidget(stepText_);
    left->addStretch(1);
    outer->addLayout(left, 3);
    outer->addWidget(tutorial_, 2);

    provenance_ = new QLabel(this);
    provenance_->setObjectName(QStringLiteral("provenanceLabel"));
    provenance_->setTextFormat(Qt::RichText);
    provenance_->setWordWrap(true);
    provenance_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    provenance_->setMinimumWidth(220);
    outer->addWidget(provenance_, 2);

    connect(slider_, &QSlider::valueChanged, this, &ExplanationPanel::stepChanged);
    connect(first, &QToolButton::clicked, this, [this] { slider_->setValue(0); });
    connect(prev, &QToolButton::clicked, this, [this] { slider_->setValue(slider_->value() - 1); });
    connect(next, &QToolButton::clicked, this, [this] { slider_->setValue(slider_->value() + 1); });
    connect(last, &QToolButton::clicked, this, [this] { slider_->setValue(slider_->maximum()); });
    setStepCount(0);
    showProvenance({});
}

void ExplanationPanel::setGeometry(const ConvParams& p, int inH, int inW) {
    geometry_ = p;
    inH_ = inH;
    inW_ = inW;
    showFormula();
}

void ExplanationPanel::setProblems(const QStringList& problems) {
    if (problems == problems_) return;
    problems_ = problems;
    showFormula();
}

void ExplanationPanel::showFormula() {
    if (inH_ <= 0) {
        formula_->clear();
        return;
    }
    const ConvParams& p = geometry_;
    const bool valid = problems_.isEmpty();
    QString html = QStringLiteral("<table cellspacing='2'>") +
                   formulaLine("H<sub>out</sub>", "H", inH_, p.kernel.h, p.stride.h, p.padding.h, p.outputPadding.h,
                               p.dilation.h, valid) +
                   formulaLine("W<sub>out</sub>", "W", inW_, p.kernel.w, p.stride.w, p.padding.w, p.outputPadding.w,
                               p.dilation.w, valid) +
                   QStringLiteral("</table>");
    if (!valid)
        html += QStringLiteral("<span style='color:#d9534f'>") +
                tr("not valid: %1").arg(problems_.join(QStringLiteral("; ")).toHtmlEscaped()) +
                QStringLiteral("</span>");
    formula_->setText(html);
}

void ExplanationPanel::showProvenance(const ProvenanceInfo& info) {
    if (!info.valid && !info.unavailable.isEmpty()) {
        provenance_->setText(info.unavailable);
        emit contentChanged();
        return;
    }
    if (!info.valid) {
        provenance_->setText(
            tr("<b>Where does a pixel come from?</b><br>Hover over the result to see the input "
               "pixels and kernel taps that make it, and their sum. Click to pin a pixel."));
        emit contentChanged();
        return;
    }
    QString html = tr("<b>Output pixel</b> (row %1, column %2)%3%4<br>")
                       .arg(info.oy)
                       .arg(info.ox)
                       .arg(info.channelName.isEmpty() ? QString() : tr(", channel %1").arg(info.channelName))
                       .arg(info.pinned ? tr(" &nbsp;<i>(pinned)</i>") : QString());
    if (info.terms.empty()) {
        html += noTapReason(geometry_, info.oy, info.ox) + QStringLiteral("<br>");
    } else {
        html += tr("%n contribution(s): x[i] · K[j] with i·s − p + j·d = o<br>", "", int(info.terms.size()));
        QStringList parts;
        const size_t shown = std::min<size_t>(info.terms.size(), 12);
        for (size_t i = 0; i < shown; ++i) {
            const Contribution& c = info.terms[i];
            parts << QStringLiteral("x[%1,%2]·K[%3,%4] = %5·%6")
                         .arg(c.iy)
                         .arg(c.ix)
                         .arg(c.ky)
                         .arg(c.kx)
                         .arg(factor(info.inputValues[i]), factor(info.tapValues[i]));
        }
        if (info.terms.size() > shown) parts << tr("… %1 more").arg(info.terms.size() - shown);
        html += QStringLiteral("<span style='font-family:monospace'>") + parts.join(QStringLiteral("<br>+ ")) +
                QStringLiteral("</span><br>");
    }
    if (info.bias != 0.0f) html += tr("+ bias %1<br>").arg(factor(info.bias));
    const bool agree = std::abs(info.sum - info.engine) <= 1e-4 * std::max(1.0, std::abs(info.sum));
    html += tr("<b>= %1</b> &nbsp; (engine: %2 %3)")
                .arg(v(info.sum), v(info.engine), agree ? QStringLiteral("✓") : QStringLiteral("≠"));
    provenance_->setText(html);
    emit contentChanged();
}

void ExplanationPanel::setStepCount(int total) {
    stepper_->setVisible(total > 0);
    stepText_->setVisible(total > 0);
    slider_->blockSignals(true);
    slider_->setRange(0, std::max(total, 0));
    slider_->setValue(std::max(total, 0));
    slider_->blockSignals(false);
}

int ExplanationPanel::step() const { return slider_->value(); }

void ExplanationPanel::setStep(int s) { slider_->setValue(s); }

void ExplanationPanel::setStepText(const QString& html) {
    if (stepText_->text() == html) return;
    stepText_->setText(html);
    emit contentChanged();
}

void ExplanationPanel::setTutorial(const TutorialExample* example, bool matchesExpected) {
    if (!example) {
        if (tutorial_->isVisible()) emit contentChanged();
        tutorial_->hide();
        return;
    }
    QString html =
        QStringLiteral("<b>%1</b> — %2<br><span style='font-size:small'>From %3.</span>")
            .arg(example->title.toHtmlEscaped(), example->explanation.toHtmlEscaped(), example->source.toHtmlEscaped());
    if (!example->expected.isEmpty())
        html += matchesExpected ? tr(" <b style='color:#2e9e4f'>✓ matches the tutorial's printed result</b>")
                                : tr(" <b style='color:#d9534f'>≠ differs from the tutorial's printed result</b>");
    tutorial_->setText(html);
    tutorial_->show();
    emit contentChanged();
}

}  // namespace tconv::ui
