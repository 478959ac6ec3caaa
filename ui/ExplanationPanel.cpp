#include "ExplanationPanel.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "TutorialExamples.h"
#include "core/OutputGeometry.h"

namespace tconv::ui {
namespace {

QString v(double x) {
    if (x == std::round(x) && std::abs(x) < 1e7) return QString::number(x, 'f', 0);
    return QString::number(x, 'g', 5);
}

// One axis of the formula, with the numbers substituted.
QString formulaLine(const char* out, const char* in, int64_t n, int k, int s, int p, int q, int d) {
    const int64_t r = outputExtent(n, k, s, p, q, d);
    const QString colour = r > 0 ? QString() : QStringLiteral(" style='color:#d9534f'");
    return QStringLiteral("<tr><td><i>%1</i> = (<i>%2</i> − 1)·s − 2p + d·(k − 1) + q + 1</td>"
                          "<td>&nbsp;= (%3 − 1)·%4 − 2·%5 + %6·(%7 − 1) + %8 + 1</td><td%9>&nbsp;= <b>%10</b></td></tr>")
        .arg(QLatin1String(out), QLatin1String(in))
        .arg(n)
        .arg(s)
        .arg(p)
        .arg(d)
        .arg(k)
        .arg(q)
        .arg(colour)
        .arg(r);
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
    formula_->setToolTip(tr("PyTorch's output size, per axis: s stride, p padding, d dilation, k kernel size, "
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
    if (inH <= 0) {
        formula_->clear();
        return;
    }
    formula_->setText(QStringLiteral("<table cellspacing='2'>") +
                      formulaLine("H<sub>out</sub>", "H", inH, p.kernel.h, p.stride.h, p.padding.h,
                                  p.outputPadding.h, p.dilation.h) +
                      formulaLine("W<sub>out</sub>", "W", inW, p.kernel.w, p.stride.w, p.padding.w,
                                  p.outputPadding.w, p.dilation.w) +
                      QStringLiteral("</table>"));
}

void ExplanationPanel::showProvenance(const ProvenanceInfo& info) {
    if (!info.valid && !info.unavailable.isEmpty()) {
        provenance_->setText(info.unavailable);
        return;
    }
    if (!info.valid) {
        provenance_->setText(tr("<b>Where does a pixel come from?</b><br>Hover over the result to see the input "
                                "pixels and kernel taps that make it, and their sum. Click to pin a pixel."));
        return;
    }
    QString html = tr("<b>Output pixel</b> (row %1, column %2)%3%4<br>")
                       .arg(info.oy)
                       .arg(info.ox)
                       .arg(info.channelName.isEmpty() ? QString() : tr(", channel %1").arg(info.channelName))
                       .arg(info.pinned ? tr(" &nbsp;<i>(pinned)</i>") : QString());
    if (info.terms.empty()) {
        html += tr("No kernel tap lands here: every (input i, tap j) with i·s − p + j·d = o falls outside the "
                   "input, so the value is the bias alone.<br>");
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
                         .arg(v(info.inputValues[i]), v(info.tapValues[i]));
        }
        if (info.terms.size() > shown) parts << tr("… %1 more").arg(info.terms.size() - shown);
        html += QStringLiteral("<span style='font-family:monospace'>") + parts.join(QStringLiteral("<br>+ ")) +
                QStringLiteral("</span><br>");
    }
    if (info.bias != 0.0f) html += tr("+ bias %1<br>").arg(v(info.bias));
    const bool agree = std::abs(info.sum - info.engine) <= 1e-4 * std::max(1.0, std::abs(info.sum));
    html += tr("<b>= %1</b> &nbsp; (engine: %2 %3)")
                .arg(v(info.sum), v(info.engine), agree ? QStringLiteral("✓") : QStringLiteral("≠"));
    provenance_->setText(html);
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

void ExplanationPanel::setStepText(const QString& html) { stepText_->setText(html); }

void ExplanationPanel::setTutorial(const TutorialExample* example, bool matchesExpected) {
    if (!example) {
        tutorial_->hide();
        return;
    }
    QString html = QStringLiteral("<b>%1</b> — %2<br><span style='font-size:small'>From %3.</span>")
                       .arg(example->title.toHtmlEscaped(), example->explanation.toHtmlEscaped(),
                            example->source.toHtmlEscaped());
    if (!example->expected.isEmpty())
        html += matchesExpected ? tr(" <b style='color:#2e9e4f'>✓ matches the tutorial's printed result</b>")
                                : tr(" <b style='color:#d9534f'>≠ differs from the tutorial's printed result</b>");
    tutorial_->setText(html);
    tutorial_->show();
}

}  // namespace tconv::ui
