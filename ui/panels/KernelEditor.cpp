// SPDX-License-Identifier: MIT
#include "panels/KernelEditor.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <vector>

#include "views/ColorLut.h"
#include "views/PhaseGainPlot.h"
#include "dialogs/StudioHelp.h"

namespace tconv::ui {
namespace {

// Weights are edited with full float precision (the default editor has 2 decimals).
class WeightDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const override {
        auto* box = new QDoubleSpinBox(parent);
        box->setRange(-1e6, 1e6);
        box->setDecimals(6);
        box->setSingleStep(0.1);
        box->setFrame(false);
        return box;
    }
    QString displayText(const QVariant& value, const QLocale&) const override {
        const double v = value.toDouble();
        const QString g = QString::number(v, 'g', 4);
        return g.size() <= 6                            ? g
               : QString::number(v, 'g', 3).size() <= 6 ? QString::number(v, 'g', 3)
                                                        : QString::number(v, 'e', 1);
    }
};

const char* const kTableTip = QT_TRANSLATE_NOOP("tconv::ui::KernelEditor",
                                                "Kernel weights K[row, column]; double-click to edit. Highlighted "
                                                "taps feed the output pixel under the mouse.");

constexpr int kCompactExtent = 16;  // above this many taps per axis the table scrolls
constexpr int kCompactCellWidth = 44;
constexpr int kCompactCellHeight = 20;

QString fmt(double v) { return std::isinf(v) ? QStringLiteral("∞") : QString::number(v, 'g', 3); }

}  // namespace

KernelEditor::KernelEditor(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 8, 8, 8);
    outer->setSpacing(8);

    auto* src = new QGroupBox(tr("Kernel"), this);
    auto* sf = new QFormLayout(src);
    sf->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto* presetRow = new QHBoxLayout;
    preset_ = new QComboBox(src);
    preset_->setObjectName(QStringLiteral("kernelPreset"));
    const std::pair<const char*, const char*> presets[] = {{"box", QT_TR_NOOP("Box (ones)")},
                                                           {"nearest", QT_TR_NOOP("Nearest (k = s box)")},
                                                           {"bilinear", QT_TR_NOOP("Bilinear (tent)")},
                                                           {"gaussian", QT_TR_NOOP("Gaussian")},
                                                           {"random", QT_TR_NOOP("Random")},
                                                           {"custom", QT_TR_NOOP("Custom")}};
    for (const auto& [key, title] : presets) preset_->addItem(tr(title), QString::fromLatin1(key));
    preset_->setToolTip(
        tr("Presets are scaled so their taps sum to sH·sW (brightness preserved). "
           "Editing a weight or loading a file makes the kernel custom, used exactly as shown."));
    auto* load = new QPushButton(tr("Load…"), src);
    load->setObjectName(QStringLiteral("kernelLoad"));
    load->setToolTip(
        tr("Load a 2-D kernel from .npy (kH, kW) or a text matrix, used raw; or a full "
           "ConvTranspose2d weight (C_in, C_out/groups, kH, kW) .npy, e.g. a trained decoder layer."));
    presetRow->addWidget(preset_, 1);
    presetRow->addWidget(load);
    sf->addRow(tr("Preset"), presetRow);
    sigma_ = new QDoubleSpinBox(src);
    sigma_->setObjectName(QStringLiteral("kernelSigma"));
    sigma_->setRange(0.05, 20);
    sigma_->setSingleStep(0.1);
    sigma_->setKeyboardTracking(false);
    sigma_->setToolTip(tr("Standard deviation of the Gaussian, in output pixels."));
    seed_ = new QSpinBox(src);
    seed_->setObjectName(QStringLiteral("kernelSeed"));
    seed_->setRange(0, 1 << 30);
    seed_->setKeyboardTracking(false);
    seed_->setToolTip(tr("Seed of the random kernel (the same seed gives the same kernel everywhere)."));
    sigmaLabel_ = new QLabel(tr("Sigma"), src);
    seedLabel_ = new QLabel(tr("Seed"), src);
    sf->addRow(sigmaLabel_, sigma_);
    sf->addRow(seedLabel_, seed_);
    outer->addWidget(src);

    weightBox_ = new QGroupBox(tr("Layer weight"), this);
    weightBox_->setObjectName(QStringLiteral("weightBox"));
    auto* wl = new QVBoxLayout(weightBox_);
    weightInfo_ = new QLabel(weightBox_);
    weightInfo_->setObjectName(QStringLiteral("weightInfo"));
    weightInfo_->setWordWrap(true);
    weightInfo_->setTextFormat(Qt::RichText);
    // Wrapped text must follow the dock's width, not widen it.
    weightInfo_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    wl->addWidget(weightInfo_);
    layerNote_ = new QLabel(weightBox_);
    layerNote_->setObjectName(QStringLiteral("layerNote"));
    layerNote_->setWordWrap(true);
    layerNote_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont small = layerNote_->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    layerNote_->setFont(small);
    wl->addWidget(layerNote_);
    auto* channelRow = new QHBoxLayout;
    channel_ = new QSpinBox(weightBox_);
    channel_->setObjectName(QStringLiteral("weightChannel"));
    channel_->setKeyboardTracking(false);
    channel_->setToolTip(
        tr("The output channel analysed: its kernel (summed over the input channels of its "
           "group) is shown below, with its phase gains, gain map and provenance."));
    worst_ = new QPushButton(tr("Worst"), weightBox_);
    worst_->setObjectName(QStringLiteral("weightWorst"));
    worst_->setToolTip(tr("Go to the output channel with the strongest checkerboard (largest CV)."));
    auto* save = new QPushButton(tr("Save…"), weightBox_);
    save->setObjectName(QStringLiteral("weightSave"));
    save->setToolTip(tr("Save the layer weight as .npy (C_in, C_out/groups, kH, kW), e.g. after a repair."));
    connect(save, &QPushButton::clicked, this, &KernelEditor::weightSaveRequested);
    channelRow->addWidget(new QLabel(tr("Output channel"), weightBox_));
    channelRow->addWidget(channel_, 1);
    wl->addLayout(channelRow);
    auto* weightButtons = new QHBoxLayout;
    weightButtons->addWidget(worst_);
    weightButtons->addWidget(save);
    wl->addLayout(weightButtons);
    weightBox_->hide();
    outer->addWidget(weightBox_);

    table_ = new QTableWidget(this);
    table_->setObjectName(QStringLiteral("kernelTable"));
    table_->setItemDelegate(new WeightDelegate(table_));
    table_->setWordWrap(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->horizontalHeader()->setMinimumSectionSize(24);
    table_->verticalHeader()->setMinimumSectionSize(20);
    table_->setMinimumHeight(150);
    table_->setToolTip(tr(kTableTip));
    outer->addWidget(table_, 1);

    auto* sumRow = new QHBoxLayout;
    sum_ = new QLabel(this);
    sum_->setObjectName(QStringLiteral("kernelSum"));
    // Long sums wrap instead of widening the dock past its width.
    sum_->setWordWrap(true);
    sum_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    normalize_ = new QPushButton(tr("Normalize"), this);
    normalize_->setObjectName(QStringLiteral("kernelNormalize"));
    normalize_->setToolTip(tr("Scale the taps so they sum to sH·sW (keeps mean brightness)."));
    natural_ = new QPushButton(tr("Natural size"), this);
    natural_->setToolTip(
        tr("Set the kernel size to the preset's natural size for this stride "
           "(nearest s, bilinear 2s, gaussian 2s+1)."));
    sumRow->addWidget(sum_, 1);
    sumRow->addWidget(normalize_);
    sumRow->addWidget(natural_);
    outer->addLayout(sumRow);

    auto* repair = new QGroupBox(tr("Repair (artifact-free kernel)"), this);
    auto* rl = new QVBoxLayout(repair);
    auto* buttons = new QHBoxLayout;
    repairAdditive_ = new QPushButton(tr("Additive"), repair);
    repairAdditive_->setObjectName(QStringLiteral("repairAdditive"));
    repairAdditive_->setToolTip(
        tr("Subtract from each tap its class's excess gain / class size: same size and "
           "sum, all phase gains equal (refused when a class has no taps)."));
    repairZoh_ = new QPushButton(tr("Zero-order hold"), repair);
    repairZoh_->setObjectName(QStringLiteral("repairZoh"));
    repairZoh_->setToolTip(
        tr("Convolve the (dilated) kernel with an s×s box: a larger kernel that is "
           "artifact-free by construction; padding adjusted so the output size stays."));
    buttons->addWidget(repairAdditive_);
    buttons->addWidget(repairZoh_);
    rl->addLayout(buttons);
    scores_ = new QLabel(repair);
    scores_->setObjectName(QStringLiteral("kernelScores"));
    scores_->setWordWrap(true);
    rl->addWidget(scores_);
    repairReport_ = new QLabel(repair);
    repairReport_->setObjectName(QStringLiteral("repairReport"));
    repairReport_->setWordWrap(true);
    repairReport_->hide();
    rl->addWidget(repairReport_);
    outer->addWidget(repair);

    plot_ = new PhaseGainPlot(this);
    plot_->setObjectName(QStringLiteral("phaseGainPlot"));
    outer->addWidget(plot_);

    connect(preset_, &QComboBox::activated, this, [this] { emitPreset(); });
    connect(sigma_, &QDoubleSpinBox::valueChanged, this, [this] { emitPreset(); });
    connect(seed_, &QSpinBox::valueChanged, this, [this] { emitPreset(); });
    connect(table_, &QTableWidget::cellChanged, this, &KernelEditor::onCellChanged);
    // Hovering a tap marks every (input, output) pair it connects (TapHighlight); leaving clears them.
    table_->setMouseTracking(true);
    table_->viewport()->installEventFilter(this);
    connect(table_, &QTableWidget::cellEntered, this, [this](int row, int column) { emit tapHovered(row, column); });
    connect(normalize_, &QPushButton::clicked, this, &KernelEditor::normalizeRequested);
    connect(natural_, &QPushButton::clicked, this, &KernelEditor::naturalSizeRequested);
    connect(channel_, &QSpinBox::valueChanged, this, [this](int c) {
        if (!updating_) emit weightChannelChosen(c - 1);  // shown 1-based: "2 of 6"
    });
    connect(worst_, &QPushButton::clicked, this, [this] { emit weightChannelChosen(worstChannel_); });
    connect(load, &QPushButton::clicked, this, &KernelEditor::loadRequested);
    connect(repairAdditive_, &QPushButton::clicked, this, [this] { emit repairRequested(QStringLiteral("additive")); });
    connect(repairZoh_, &QPushButton::clicked, this, [this] { emit repairRequested(QStringLiteral("zoh")); });
}

void KernelEditor::emitPreset() {
    if (updating_) return;
    // The menu's items hold the source's name (KernelSource::name()).
    const std::optional<KernelSource> source = KernelSource::fromName(preset_->currentData().toString());
    if (!source) return;
    if (source->isCustom()) {
        emit kernelEdited(kernel_);
        return;
    }
    emit presetChosen(*source, sigma_->value(), static_cast<quint64>(seed_->value()));
}

void KernelEditor::setKernel(const Kernel2D& k, const StudioParams& p) {
    updating_ = true;
    kernel_ = k;
    target_ = double(p.geometry.stride.h) * p.geometry.stride.w;
    sigma_->setValue(p.sigma);
    seed_->setValue(static_cast<int>(p.seed));
    const bool gauss = p.kernelSource.is(KernelPreset::Gaussian), random = p.kernelSource.is(KernelPreset::Random);
    sigma_->setVisible(gauss);
    sigmaLabel_->setVisible(gauss);
    seed_->setVisible(random);
    seedLabel_->setVisible(random);
    showWeightMode(p);
    rebuildTable();
    updating_ = false;
}

// Offers "Layer weight" while one is loaded; in weight mode the grid is the
// analysed channel's kernel, derived from the weight, so it is read-only and
// the edits that only make sense for one 2-D kernel are off.
// Also selects p's kernel source in the preset box.
void KernelEditor::showWeightMode(const StudioParams& p) {
    const int item = preset_->findData(QStringLiteral("weight"));
    if (p.weight && item < 0) preset_->addItem(tr("Layer weight"), QStringLiteral("weight"));
    if (!p.weight && item >= 0) preset_->removeItem(item);
    preset_->setCurrentIndex(std::max(0, preset_->findData(p.kernelSource.name())));
    const bool on = p.isFullWeight();
    weightBox_->setVisible(on);
    table_->setEditTriggers(on ? QAbstractItemView::NoEditTriggers
                               : QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                                     QAbstractItemView::AnyKeyPressed);
    normalize_->setEnabled(!on);
    natural_->setEnabled(!on);
    if (!on) {
        table_->setToolTip(tr(kTableTip));
        return;
    }
    const Shape4 w = p.weight->shape();
    const int groups = std::max(1, p.geometry.groups);
    const int64_t cout = w.c * groups;
    const WorstKey key{p.weight, groups, p.geometry.stride, p.geometry.dilation};
    if (!(key == worstKey_)) {
        worstChannel_ = worstWeightChannel(p);
        worstKey_ = key;
    }
    // Channels are counted from 1 on screen, everywhere ("output channel 2 of 6").
    channel_->setRange(1, static_cast<int>(std::max<int64_t>(cout, 1)));
    channel_->setSuffix(tr(" of %1").arg(cout));
    channel_->setValue(p.weightChannel + 1);
    weightInfo_->setText(tr("<b>%1</b><br>weight (%2, %3, %4, %5), groups %6: %7 → %8 channels. "
                            "Worst checkerboard: channel %9.")
                             .arg(p.weightPath.isEmpty() ? tr("repaired weight, not saved yet")
                                  : p.weightHasFile()    ? QFileInfo(p.weightPath).fileName().toHtmlEscaped()
                                                         : p.weightPath.toHtmlEscaped())
                             .arg(w.n)
                             .arg(w.c)
                             .arg(w.h)
                             .arg(w.w)
                             .arg(groups)
                             .arg(w.n)
                             .arg(cout)
                             .arg(worstChannel_ + 1));
    weightInfo_->setToolTip(p.weightPath);
    table_->setToolTip(tr("Output channel %1's kernel: the weight's slices for this channel (column %2 of "
                          "its group %3) summed over the group's input channels: what the channel does to an "
                          "input that is the same on every channel. Read-only: it comes from the weight.")
                           .arg(p.weightChannel + 1)
                           .arg(p.weightChannel % w.c + 1)
                           .arg(p.weightChannel / w.c + 1));
}

// Small kernels fill the table (cells stretch to the dock); from
// kCompactExtent taps per axis on, cells keep a fixed small size and the
// table scrolls, so even a 255x255 kernel stays one bounded widget.
void KernelEditor::rebuildTable() {
    QSignalBlocker b(table_);
    const bool compact = kernel_.h > kCompactExtent || kernel_.w > kCompactExtent;
    table_->setRowCount(kernel_.h);
    table_->setColumnCount(kernel_.w);
    QStringList rows, cols;
    for (int y = 0; y < kernel_.h; ++y) rows << QString::number(y);
    for (int x = 0; x < kernel_.w; ++x) cols << QString::number(x);
    table_->setVerticalHeaderLabels(rows);
    table_->setHorizontalHeaderLabels(cols);
    // Re-applied after the section count changes (a shrinking table otherwise keeps its old widths).
    const auto mode = compact ? QHeaderView::Fixed : QHeaderView::Stretch;
    table_->horizontalHeader()->setSectionResizeMode(mode);
    table_->verticalHeader()->setSectionResizeMode(mode);
    if (compact) {
        table_->horizontalHeader()->setDefaultSectionSize(kCompactCellWidth);
        table_->verticalHeader()->setDefaultSectionSize(kCompactCellHeight);
    }
    table_->setHorizontalScrollBarPolicy(compact ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
    table_->setVerticalScrollBarPolicy(compact ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
    for (int y = 0; y < kernel_.h; ++y)
        for (int x = 0; x < kernel_.w; ++x) {
            auto* item = table_->item(y, x);
            if (!item) {
                item = new QTableWidgetItem;
                item->setTextAlignment(Qt::AlignCenter);
                table_->setItem(y, x, item);
            }
            item->setData(Qt::EditRole, static_cast<double>(kernel_.at(y, x)));
        }
    // Larger kernels get a smaller font so four significant digits still fit.
    QFont f = font();
    if (kernel_.w > 4) f.setPointSizeF(std::max(6.5, f.pointSizeF() * (kernel_.w > 6 ? 0.75 : 0.85)));
    table_->setFont(f);
    colourCells();
    sum_->setText(tr("Σ = %1  (sH·sW = %2)").arg(QString::number(kernel_.sum(), 'g', 6)).arg(target_));
}

void KernelEditor::colourCells() {
    float m = 0;
    for (float t : kernel_.taps) m = std::max(m, std::abs(t));
    // A mask, not a search per cell: a large kernel's footprint highlights every tap.
    std::vector<char> hot(size_t(std::max(kernel_.h, 0)) * size_t(std::max(kernel_.w, 0)), 0);
    for (const QPoint& t : highlighted_)
        if (t.x() >= 0 && t.y() >= 0 && t.x() < kernel_.w && t.y() < kernel_.h)
            hot[size_t(t.y()) * kernel_.w + t.x()] = 1;
    QFont normal = table_->font(), bold = normal;
    bold.setBold(true);
    for (int y = 0; y < kernel_.h; ++y)
        for (int x = 0; x < kernel_.w; ++x) {
            QTableWidgetItem* item = table_->item(y, x);
            if (!item) continue;
            const bool isHot = hot[size_t(y) * kernel_.w + x];
            QColor c = m > 0 ? QColor(divergingColor(kernel_.at(y, x) / m * 0.8f)) : palette().color(QPalette::Base);
            if (isHot) c = QColor(255, 196, 0);
            item->setBackground(c);
            item->setForeground(QColor(qGray(c.rgb()) > 140 ? Qt::black : Qt::white));
            item->setFont(isHot ? bold : normal);
        }
}

void KernelEditor::onCellChanged(int row, int column) {
    if (updating_) return;
    QTableWidgetItem* item = table_->item(row, column);
    if (!item || row >= kernel_.h || column >= kernel_.w) return;
    kernel_.at(row, column) = static_cast<float>(item->data(Qt::EditRole).toDouble());
    {
        QSignalBlocker b(preset_);
        preset_->setCurrentIndex(preset_->findData(QStringLiteral("custom")));
    }
    {
        QSignalBlocker b(table_);
        colourCells();
    }
    sum_->setText(tr("Σ = %1  (sH·sW = %2)").arg(QString::number(kernel_.sum(), 'g', 6)).arg(target_));
    emit kernelEdited(kernel_);
}

void KernelEditor::setAnalysis(const PhaseGainTable& g, const ArtifactScores& s) {
    plot_->setTable(g);
    QString text = tr("<b>CV</b> %1 &nbsp; <b>R</b> %2 &nbsp; <b>PP</b> %3 &nbsp; %4")
                       .arg(fmt(s.cv), fmt(s.ratio), fmt(s.peakToPeak), QString::fromUtf8(patternName(s.pattern)));
    scores_->setText(text);
    // The abbreviations spelled out where they are shown.
    scores_->setToolTip(QString::fromStdString(s.verdict) + QStringLiteral("\n\n") + scoresLegend());
}

void KernelEditor::setLayerNote(const QString& text) { layerNote_->setText(text); }

void KernelEditor::setRepairReport(const QString& html) {
    repairReport_->setText(html);
    repairReport_->setVisible(!html.isEmpty());
}

void KernelEditor::setHighlightedTaps(const QVector<QPoint>& taps) {
    if (taps == highlighted_) return;
    highlighted_ = taps;
    QSignalBlocker b(table_);
    colourCells();
}

bool KernelEditor::eventFilter(QObject* watched, QEvent* event) {
    if (watched == table_->viewport() && event->type() == QEvent::Leave) emit tapHovered(-1, -1);
    return QWidget::eventFilter(watched, event);
}

}  // namespace tconv::ui
