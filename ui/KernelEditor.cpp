#include "KernelEditor.h"

#include <QComboBox>
#include <QDoubleSpinBox>
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

#include "ColorLut.h"
#include "PhaseGainPlot.h"

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
        return g.size() <= 6 ? g : QString::number(v, 'g', 3).size() <= 6 ? QString::number(v, 'g', 3)
                                                                          : QString::number(v, 'e', 1);
    }
};

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
    const std::pair<const char*, const char*> presets[] = {
        {"box", QT_TR_NOOP("Box (ones)")},         {"nearest", QT_TR_NOOP("Nearest (k = s box)")},
        {"bilinear", QT_TR_NOOP("Bilinear (tent)")}, {"gaussian", QT_TR_NOOP("Gaussian")},
        {"random", QT_TR_NOOP("Random")},           {"custom", QT_TR_NOOP("Custom")}};
    for (const auto& [key, title] : presets) preset_->addItem(tr(title), QString::fromLatin1(key));
    preset_->setToolTip(tr("Presets are scaled so their taps sum to sH·sW (brightness preserved). "
                           "Editing a weight or loading a file makes the kernel custom, used exactly as shown."));
    auto* load = new QPushButton(tr("Load…"), src);
    load->setObjectName(QStringLiteral("kernelLoad"));
    load->setToolTip(tr("Load a 2-D kernel from .npy (kH, kW) or a text matrix, used raw."));
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

    table_ = new QTableWidget(this);
    table_->setObjectName(QStringLiteral("kernelTable"));
    table_->setItemDelegate(new WeightDelegate(table_));
    table_->setWordWrap(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->horizontalHeader()->setMinimumSectionSize(24);
    table_->verticalHeader()->setMinimumSectionSize(20);
    table_->setMinimumHeight(150);
    table_->setToolTip(tr("Kernel weights K[row, column]; double-click to edit. Highlighted taps feed the "
                          "output pixel under the mouse."));
    outer->addWidget(table_, 1);

    auto* sumRow = new QHBoxLayout;
    sum_ = new QLabel(this);
    sum_->setObjectName(QStringLiteral("kernelSum"));
    auto* normalize = new QPushButton(tr("Normalize"), this);
    normalize->setObjectName(QStringLiteral("kernelNormalize"));
    normalize->setToolTip(tr("Scale the taps so they sum to sH·sW (keeps mean brightness)."));
    auto* natural = new QPushButton(tr("Natural size"), this);
    natural->setToolTip(tr("Set the kernel size to the preset's natural size for this stride "
                           "(nearest s, bilinear 2s, gaussian 2s+1)."));
    sumRow->addWidget(sum_, 1);
    sumRow->addWidget(normalize);
    sumRow->addWidget(natural);
    outer->addLayout(sumRow);

    auto* repair = new QGroupBox(tr("Repair (artifact-free kernel)"), this);
    auto* rl = new QVBoxLayout(repair);
    auto* buttons = new QHBoxLayout;
    repairAdditive_ = new QPushButton(tr("Additive"), repair);
    repairAdditive_->setObjectName(QStringLiteral("repairAdditive"));
    repairAdditive_->setToolTip(tr("Subtract from each tap its class's excess gain / class size: same size and "
                                   "sum, all phase gains equal (refused when a class has no taps)."));
    repairZoh_ = new QPushButton(tr("Zero-order hold"), repair);
    repairZoh_->setObjectName(QStringLiteral("repairZoh"));
    repairZoh_->setToolTip(tr("Convolve the (dilated) kernel with an s×s box: a larger kernel that is "
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
    connect(normalize, &QPushButton::clicked, this, &KernelEditor::normalizeRequested);
    connect(natural, &QPushButton::clicked, this, &KernelEditor::naturalSizeRequested);
    connect(load, &QPushButton::clicked, this, &KernelEditor::loadRequested);
    connect(repairAdditive_, &QPushButton::clicked, this, [this] { emit repairRequested(QStringLiteral("additive")); });
    connect(repairZoh_, &QPushButton::clicked, this, [this] { emit repairRequested(QStringLiteral("zoh")); });
}

void KernelEditor::emitPreset() {
    if (updating_) return;
    const QString source = preset_->currentData().toString();
    if (source == QLatin1String("custom")) {
        emit kernelEdited(kernel_);
        return;
    }
    emit presetChosen(source, sigma_->value(), static_cast<quint64>(seed_->value()));
}

void KernelEditor::setKernel(const Kernel2D& k, const StudioParams& p) {
    updating_ = true;
    kernel_ = k;
    target_ = double(p.geometry.stride.h) * p.geometry.stride.w;
    preset_->setCurrentIndex(std::max(0, preset_->findData(p.kernelSource)));
    sigma_->setValue(p.sigma);
    seed_->setValue(static_cast<int>(p.seed));
    const bool gauss = p.kernelSource == QLatin1String("gaussian"), random = p.kernelSource == QLatin1String("random");
    sigma_->setVisible(gauss);
    sigmaLabel_->setVisible(gauss);
    seed_->setVisible(random);
    seedLabel_->setVisible(random);
    rebuildTable();
    updating_ = false;
}

void KernelEditor::rebuildTable() {
    QSignalBlocker b(table_);
    table_->setRowCount(kernel_.h);
    table_->setColumnCount(kernel_.w);
    QStringList rows, cols;
    for (int y = 0; y < kernel_.h; ++y) rows << QString::number(y);
    for (int x = 0; x < kernel_.w; ++x) cols << QString::number(x);
    table_->setVerticalHeaderLabels(rows);
    table_->setHorizontalHeaderLabels(cols);
    // Re-applied after the section count changes (a shrinking table otherwise keeps its old widths).
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
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
    for (int y = 0; y < kernel_.h; ++y)
        for (int x = 0; x < kernel_.w; ++x) {
            QTableWidgetItem* item = table_->item(y, x);
            if (!item) continue;
            const bool hot = highlighted_.contains(QPoint(x, y));
            QColor c = m > 0 ? QColor(divergingColor(kernel_.at(y, x) / m * 0.8f)) : palette().color(QPalette::Base);
            if (hot) c = QColor(255, 196, 0);
            item->setBackground(c);
            item->setForeground(QColor(qGray(c.rgb()) > 140 ? Qt::black : Qt::white));
            QFont f = item->font();
            f.setBold(hot);
            item->setFont(f);
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
                       .arg(fmt(s.cv), fmt(s.ratio), fmt(s.peakToPeak), QString::fromStdString(s.pattern));
    scores_->setText(text);
    scores_->setToolTip(QString::fromStdString(s.verdict));
}

void KernelEditor::setRepairReport(const QString& html) {
    repairReport_->setText(html);
    repairReport_->setVisible(!html.isEmpty());
}

void KernelEditor::setRepairAvailable(bool additive, bool zoh, const QString& why) {
    repairAdditive_->setEnabled(additive);
    repairZoh_->setEnabled(zoh);
    repairAdditive_->setStatusTip(why);
}

void KernelEditor::setHighlightedTaps(const QVector<QPoint>& taps) {
    if (taps == highlighted_) return;
    highlighted_ = taps;
    QSignalBlocker b(table_);
    colourCells();
}

}  // namespace tconv::ui
