// SPDX-License-Identifier: MIT
#include "panels/ParameterPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include "panels/AxisPairEditor.h"
#include "core/OutputGeometry.h"
#include "core/OutputSizeSolver.h"
#include "backends/BackendFactory.h"

namespace tconv::ui {
namespace {

const char* kKernelTip = QT_TRANSLATE_NOOP(
    "ParameterPanel",
    "Kernel size k: the output grows by d·(k−1). When k is not a multiple of the stride, the output phases "
    "get different numbers of taps, which is what makes checkerboard artifacts.");
const char* kStrideTip =
    QT_TRANSLATE_NOOP("ParameterPanel",
                      "Stride s: the upsampling factor (output ≈ s × input). With s > 1 the kernel splits into s phase "
                      "classes; unequal class sums give the checkerboard.");
const char* kPaddingTip = QT_TRANSLATE_NOOP(
    "ParameterPanel",
    "Padding p: crops p rows/columns from each border of the full output (it shrinks by 2p). It shifts "
    "which phase comes first but does not change the interior ripple.");
const char* kPaddingEndTip = QT_TRANSLATE_NOOP(
    "ParameterPanel",
    "Padding at the end: crops rows from the bottom and columns from the right of the full output (ONNX pads "
    "[top, left, bottom, right]; Keras/TF 'same' layers export uneven ones). PyTorch's padding cannot express "
    "it: the PyTorch snippet crops the output instead.");
const char* kOutputPaddingTip = QT_TRANSLATE_NOOP(
    "ParameterPanel",
    "Output padding q: adds q rows/columns at the bottom/right (the output grows by q) to reach an exact "
    "size. Must be smaller than the stride or the dilation; the added strip is only partly covered.");
const char* kDilationTip = QT_TRANSLATE_NOOP(
    "ParameterPanel",
    "Dilation d: spacing between kernel taps; the kernel spans d·(k−1)+1 pixels. When d shares a factor "
    "with s, some phases get no taps at all (holes).");

}  // namespace

ParameterPanel::ParameterPanel(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 8, 8, 8);
    outer->setSpacing(10);

    message_ = new QLabel(this);
    message_->setObjectName(QStringLiteral("validationMessage"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->setStyleSheet(
        QStringLiteral("QLabel { background: rgba(220, 50, 47, 38); border: 1px solid rgba(220, 50, 47, 150);"
                       " border-radius: 4px; padding: 6px; }"));
    message_->hide();
    outer->addWidget(message_);

    auto* geo = new QGroupBox(tr("Geometry"), this);
    auto* form = new QFormLayout(geo);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    kernel_ = new AxisPairEditor(QStringLiteral("kernelSize"), 1, kMaxKernelExtent, geo);
    stride_ = new AxisPairEditor(QStringLiteral("stride"), 1, 8, geo);
    padding_ = new AxisPairEditor(QStringLiteral("padding"), 0, 32, geo);
    paddingEnd_ = new AxisPairEditor(QStringLiteral("paddingEnd"), 0, 32, geo);
    paddingEnd_->setToolTips(tr(kPaddingEndTip));
    paddingEnd_->setProperty("baseTip", tr(kPaddingEndTip));
    perSide_ = new QCheckBox(tr("Per side (top, left / bottom, right)"), geo);
    perSide_->setObjectName(QStringLiteral("perSidePadding"));
    perSide_->setToolTip(tr(kPaddingEndTip));
    outputPadding_ = new AxisPairEditor(QStringLiteral("outputPadding"), 0, 8, geo);
    dilation_ = new AxisPairEditor(QStringLiteral("dilation"), 1, 8, geo);
    const std::pair<AxisPairEditor*, const char*> tips[] = {{kernel_, kKernelTip},
                                                            {stride_, kStrideTip},
                                                            {padding_, kPaddingTip},
                                                            {outputPadding_, kOutputPaddingTip},
                                                            {dilation_, kDilationTip}};
    for (const auto& [editor, tip] : tips) {
        editor->setToolTips(tr(tip));
        editor->setProperty("baseTip", tr(tip));  // restored when a field stops being invalid
    }
    form->addRow(tr("Kernel size"), kernel_);
    form->addRow(tr("Stride"), stride_);
    geometryForm_ = form;
    form->addRow(tr("Padding"), padding_);
    form->addRow(QString(), perSide_);
    form->addRow(tr("Padding end"), paddingEnd_);
    form->addRow(tr("Output padding"), outputPadding_);
    form->addRow(tr("Dilation"), dilation_);
    outputSize_ = new QLabel(geo);
    outputSize_->setObjectName(QStringLiteral("outputSizeLabel"));
    QFont bold = outputSize_->font();
    bold.setBold(true);
    outputSize_->setFont(bold);
    form->addRow(tr("Output"), outputSize_);
    formulaHint_ = new QLabel(geo);
    formulaHint_->setForegroundRole(QPalette::PlaceholderText);
    formulaHint_->setText(tr("(H−1)·s − 2p + d·(k−1) + q + 1"));
    form->addRow(QString(), formulaHint_);
    showPerSide(false);
    outer->addWidget(geo);

    auto* target = new QGroupBox(tr("Desired output size"), this);
    target->setToolTip(
        tr("PyTorch's output_size argument: the padding stays; output_padding is chosen "
           "(sizes from the minimum to minimum + stride − 1 are reachable)."));
    auto* tv = new QVBoxLayout(target);
    auto* tl = new QHBoxLayout;
    tv->addLayout(tl);
    targetH_ = new QSpinBox(target);
    targetW_ = new QSpinBox(target);
    targetH_->setObjectName(QStringLiteral("targetH"));
    targetW_->setObjectName(QStringLiteral("targetW"));
    for (QSpinBox* b : {targetH_, targetW_}) {
        b->setRange(1, 1 << 16);
        b->setKeyboardTracking(false);
        b->setAlignment(Qt::AlignRight);
    }
    targetH_->setPrefix(QStringLiteral("H "));
    targetW_->setPrefix(QStringLiteral("W "));
    solve_ = new QPushButton(tr("Set"), target);
    solve_->setObjectName(QStringLiteral("solveButton"));
    solve_->setToolTip(target->toolTip());
    solvePadding_ = new QPushButton(tr("Solve for padding"), target);
    solvePadding_->setObjectName(QStringLiteral("solvePaddingButton"));
    solvePadding_->setToolTip(
        tr("Not PyTorch's output_size: changes the padding too (the smallest padding, "
           "then output_padding) to reach sizes output_size cannot."));
    tl->addWidget(targetH_, 1);
    tl->addWidget(targetW_, 1);
    tl->addWidget(solve_);
    tv->addWidget(solvePadding_, 0, Qt::AlignRight);
    outer->addWidget(target);

    auto* ch = new QGroupBox(tr("Channels"), this);
    auto* cf = new QFormLayout(ch);
    cf->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    groups_ = new QLabel(ch);
    groups_->setWordWrap(true);
    groups_->setToolTip(
        tr("Images are upsampled per channel: groups = channels, one copy of the kernel for "
           "each (a depthwise ConvTranspose2d)."));
    groupsBox_ = new QSpinBox(ch);
    groupsBox_->setObjectName(QStringLiteral("groups"));
    groupsBox_->setKeyboardTracking(false);
    groupsBox_->setToolTip(
        tr("The layer's groups: its weight (C_in, C_out/groups, kH, kW) does not record them. "
           "C_in must be divisible by groups; C_out = groups · C_out/groups."));
    groupsBox_->hide();
    auto* groupsRow = new QHBoxLayout;
    groupsRow->addWidget(groups_, 1);
    groupsRow->addWidget(groupsBox_, 1);
    cf->addRow(tr("Groups"), groupsRow);
    bias_ = new QDoubleSpinBox(ch);
    bias_->setObjectName(QStringLiteral("bias"));
    bias_->setRange(-100, 100);
    bias_->setDecimals(3);
    bias_->setSingleStep(0.05);
    bias_->setKeyboardTracking(false);
    bias_->setToolTip(
        tr("Bias b: added to every output pixel (one value for all channels). Shifts brightness; "
           "no effect on the size or the ripple."));
    cf->addRow(tr("Bias"), bias_);
    outer->addWidget(ch);

    auto* comp = new QGroupBox(tr("Compute && display"), this);
    auto* pf = new QFormLayout(comp);
    pf->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    backend_ = new QComboBox(comp);
    backend_->setObjectName(QStringLiteral("backend"));
    backend_->addItem(tr("Auto"), static_cast<int>(BackendKind::Auto));
    // What the CPU backend is comes from the factory: the UI never includes a backend's own header.
    const BackendInfo cpu = describeBackend(BackendKind::Cpu);
    backend_->addItem(tr("CPU (%1, %2 threads)").arg(QString::fromStdString(cpu.simd)).arg(cpu.threads),
                      static_cast<int>(BackendKind::Cpu));
    const CudaAvailability cuda = cudaAvailability();
    backend_->addItem(cuda.usable ? tr("CUDA (%1)").arg(QString::fromStdString(cuda.device)) : tr("CUDA"),
                      static_cast<int>(BackendKind::Cuda));
    if (!cuda.usable) {
        auto* model = qobject_cast<QStandardItemModel*>(backend_->model());
        if (QStandardItem* item = model ? model->item(2) : nullptr) {
            item->setEnabled(false);
            item->setToolTip(tr("Unavailable: %1").arg(QString::fromStdString(cuda.reason)));
        }
        backend_->setToolTip(
            tr("Where the convolution runs. CUDA unavailable: %1").arg(QString::fromStdString(cuda.reason)));
    } else {
        backend_->setToolTip(tr("Where the convolution runs. Auto picks CUDA when a device is usable."));
    }
    pf->addRow(tr("Backend"), backend_);
    tone_ = new QComboBox(comp);
    tone_->setObjectName(QStringLiteral("tone"));
    tone_->addItem(tr("Clamp to [0, 1]"), static_cast<int>(ToneMode::Clamp01));
    tone_->addItem(tr("Auto range"), static_cast<int>(ToneMode::AutoRange));
    tone_->setToolTip(
        tr("How values become grey levels: images live in [0, 1]; tensors such as the tutorial "
           "examples are shown from 0 (or their minimum) to their maximum."));
    pf->addRow(tr("Display"), tone_);
    outer->addWidget(comp);
    outer->addStretch(1);

    for (AxisPairEditor* e : {kernel_, stride_, padding_, paddingEnd_, outputPadding_, dilation_})
        connect(e, &AxisPairEditor::valueChanged, this, &ParameterPanel::emitGeometry);
    connect(perSide_, &QCheckBox::toggled, this, [this](bool on) {
        // Turning it on starts from the symmetric padding shown, so nothing changes until an end is edited.
        if (on) paddingEnd_->setValue(padding_->value());
        showPerSide(on);
        emitGeometry();
    });
    connect(groupsBox_, &QSpinBox::valueChanged, this, [this] {
        if (weightMode_) emitGeometry();
    });
    connect(bias_, &QDoubleSpinBox::valueChanged, this, [this](double v) { emit biasChanged(static_cast<float>(v)); });
    connect(backend_, &QComboBox::activated, this,
            [this](int i) { emit backendChanged(static_cast<BackendKind>(backend_->itemData(i).toInt())); });
    connect(tone_, &QComboBox::activated, this,
            [this](int i) { emit toneChanged(static_cast<ToneMode>(tone_->itemData(i).toInt())); });
    connect(solve_, &QPushButton::clicked, this, &ParameterPanel::solveForTarget);
    connect(solvePadding_, &QPushButton::clicked, this, &ParameterPanel::solvePaddingForTarget);
    connect(targetH_, &QSpinBox::editingFinished, this, &ParameterPanel::solveForTarget);
    connect(targetW_, &QSpinBox::editingFinished, this, &ParameterPanel::solveForTarget);
}

ConvParams ParameterPanel::geometry() const {
    ConvParams g = shown_;
    g.kernel = kernel_->value();
    g.stride = stride_->value();
    g.padding = padding_->value();
    g.paddingEnd.reset();
    if (perSide_->isChecked()) {
        const Size2 b = padding_->value(), e = paddingEnd_->value();
        setPads(g, Pads4{b.h, b.w, e.h, e.w});
    }
    g.outputPadding = outputPadding_->value();
    g.dilation = dilation_->value();
    if (weightMode_) g.groups = groupsBox_->value();
    return g;
}

void ParameterPanel::emitGeometry() {
    shown_ = geometry();
    updateOutputSize();
    emit geometryChanged(shown_);
}

void ParameterPanel::setParams(const StudioParams& p) {
    shown_ = p.geometry;
    kernel_->setValue(p.geometry.kernel);
    stride_->setValue(p.geometry.stride);
    padding_->setValue(p.geometry.padding);
    paddingEnd_->setValue(padEnd(p.geometry));
    {
        QSignalBlocker b(perSide_);
        perSide_->setChecked(hasAsymmetricPadding(p.geometry));
    }
    showPerSide(perSide_->isChecked());
    outputPadding_->setValue(p.geometry.outputPadding);
    dilation_->setValue(p.geometry.dilation);
    // Weight mode: the weight fixes the kernel size; the groups are the user's.
    weightMode_ = p.isFullWeight();
    kernel_->setEnabled(!weightMode_);
    groups_->setVisible(!weightMode_);
    groupsBox_->setVisible(weightMode_);
    layerInChannels_ = weightMode_ ? p.weight->shape().n : 0;
    if (weightMode_) {
        QSignalBlocker b(groupsBox_);
        groupsBox_->setRange(1, static_cast<int>(std::max<int64_t>(1, p.weight->shape().n)));
        groupsBox_->setValue(p.geometry.groups);
    }
    {
        QSignalBlocker b(bias_);
        bias_->setValue(p.bias);
    }
    backend_->setCurrentIndex(backend_->findData(static_cast<int>(p.backend)));
    tone_->setCurrentIndex(tone_->findData(static_cast<int>(p.tone)));
    updateOutputSize();
}

void ParameterPanel::setInputShape(int h, int w, int channels) {
    inH_ = h;
    inW_ = w;
    inC_ = channels;
    groups_->setText(tr("%1 (depthwise: one kernel per channel)").arg(channels));
    updateOutputSize();
}

void ParameterPanel::updateOutputSize() {
    issues_ = diagnoseParams(shown_, inH_, inW_, layerInChannels_, kMaxKernelExtent);
    showIssues();
    if (inH_ <= 0) {
        outputSize_->setText(QStringLiteral("–"));
        return;
    }
    const OutputSize o = outputSize(inH_, inW_, shown_);
    // An invalid combination has no output size: never print one as if it did.
    outputSize_->setText(issues_.isEmpty() ? tr("%1 × %2  (from %3 × %4)").arg(o.h).arg(o.w).arg(inH_).arg(inW_)
                                           : tr("none: invalid parameters"));
    QSignalBlocker bh(targetH_), bw(targetW_);
    if (issues_.isEmpty() && o.h > 0) targetH_->setValue(static_cast<int>(o.h));
    if (issues_.isEmpty() && o.w > 0) targetW_->setValue(static_cast<int>(o.w));
}

void ParameterPanel::showPerSide(bool on) {
    geometryForm_->setRowVisible(paddingEnd_, on);
    geometryForm_->labelForField(padding_)->setProperty("text", on ? tr("Padding begin") : tr("Padding"));
    formulaHint_->setText(on ? tr("(H−1)·s − p_begin − p_end + d·(k−1) + q + 1")
                             : tr("(H−1)·s − 2p + d·(k−1) + q + 1"));
}

// Marks the offending spin boxes (palette and tooltip) and lists the fixes
// under the engine's message.
void ParameterPanel::showIssues() {
    const std::pair<QString, AxisPairEditor*> editors[] = {{QStringLiteral("kernelSize"), kernel_},
                                                           {QStringLiteral("stride"), stride_},
                                                           {QStringLiteral("padding"), padding_},
                                                           {QStringLiteral("padding"), paddingEnd_},
                                                           {QStringLiteral("outputPadding"), outputPadding_},
                                                           {QStringLiteral("dilation"), dilation_}};
    auto mark = [this](QWidget* box, const QString& why) {
        // The palette only when the state changes: setting one repaints the box
        // (and its editor, whose link icon is redrawn), and every edit marks
        // all twelve boxes, beside the running job.
        const bool invalid = !why.isEmpty();
        if (invalid != box->property("invalid").toBool()) {
            QPalette pal;  // valid: the default one
            if (invalid) {
                pal = palette();
                pal.setColor(QPalette::Base, QColor(255, 205, 205));
                pal.setColor(QPalette::Text, Qt::black);
            }
            box->setPalette(pal);
        }
        box->setProperty("invalid", invalid);
        box->setStatusTip(why);
        if (!why.isEmpty()) box->setToolTip(why);
    };
    for (const auto& [name, editor] : editors)
        for (int axis = 0; axis < 2; ++axis) {
            QString why;
            for (const ParamsIssue& i : issues_)
                if (i.field == name && (i.axis == axis || i.axis < 0)) why = i.message;
            QWidget* box = axis == 0 ? static_cast<QWidget*>(editor->heightBox()) : editor->widthBox();
            const bool was = box->property("invalid").toBool();
            mark(box, why);
            if (was && why.isEmpty()) editor->setToolTips(editor->property("baseTip").toString());
        }
    QString groupsWhy;
    for (const ParamsIssue& i : issues_)
        if (i.field == QLatin1String("groups")) groupsWhy = i.message;
    mark(groupsBox_, groupsWhy);
    QStringList problems;
    for (const ParamsIssue& i : issues_) problems << i.message;
    setValidationMessage(engineMessage_);
    emit problemsChanged(problems);
}

void ParameterPanel::solveForTarget() {
    if (inH_ <= 0) return;
    const ConvParams g = geometry();
    const OutputSize now = outputSize(inH_, inW_, g);
    if (now.h == targetH_->value() && now.w == targetW_->value()) return;
    ConvParams n = g;
    try {
        n.outputPadding = outputPaddingForSize(inH_, inW_, g, targetH_->value(), targetW_->value());
    } catch (const std::exception& e) {
        emit solveFailed(QString::fromUtf8(e.what()) + tr(" (padding is kept, as in PyTorch; "
                                                          "\"Solve for padding\" may reach it)"));
        return;
    }
    outputPadding_->setValue(n.outputPadding);
    emitGeometry();
}

void ParameterPanel::solvePaddingForTarget() {
    if (inH_ <= 0) return;
    const ConvParams g = geometry();
    const auto h = solvePaddingForExtent(inH_, g.kernel.h, g.stride.h, g.dilation.h, targetH_->value());
    const auto w = solvePaddingForExtent(inW_, g.kernel.w, g.stride.w, g.dilation.w, targetW_->value());
    if (!h || !w) {
        const bool badH = !h;
        const int target = badH ? targetH_->value() : targetW_->value();
        const int in = badH ? inH_ : inW_;
        const int k = badH ? g.kernel.h : g.kernel.w, s = badH ? g.stride.h : g.stride.w,
                  d = badH ? g.dilation.h : g.dilation.w;
        const int64_t maxOut = outputExtent(in, k, s, 0, maxOutputPadding(s, d), d);
        emit solveFailed(tr("No padding ≥ 0 and output_padding < max(stride, dilation) gives %1 = %2 from %3 with "
                            "k=%4 s=%5 d=%6 (reachable: at most %7, in steps of 1 below that).")
                             .arg(badH ? tr("height") : tr("width"))
                             .arg(target)
                             .arg(in)
                             .arg(k)
                             .arg(s)
                             .arg(d)
                             .arg(maxOut));
        return;
    }
    // The solver's padding is symmetric (PyTorch's): per side, both ends get it.
    padding_->setValue(Size2(h->padding, w->padding));
    paddingEnd_->setValue(Size2(h->padding, w->padding));
    outputPadding_->setValue(Size2(h->outputPadding, w->outputPadding));
    emitGeometry();
}

void ParameterPanel::setValidationMessage(const QString& message) {
    engineMessage_ = message;
    QStringList lines;
    if (!message.isEmpty()) lines << message;
    if (!message.isEmpty())
        for (const ParamsIssue& i : issues_)
            if (!message.contains(i.message)) lines << QStringLiteral("→ ") + i.message;
    message_->setText(lines.join(QLatin1Char('\n')));
    message_->setVisible(!lines.isEmpty());
}

QString ParameterPanel::validationMessage() const { return message_->isVisible() ? message_->text() : QString(); }

}  // namespace tconv::ui
