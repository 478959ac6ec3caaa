#pragma once
// The kernel editor: a grid of the weights sized to the kernel (editable; an
// edit turns the kernel into a custom one, used raw), presets with their
// sigma/seed, loading from .npy/text, normalize, the additive and zero-order
// hold repairs with before/after scores, and the phase-gain plot. Taps that
// feed the hovered output pixel are highlighted.
#include <QWidget>

#include "StudioParams.h"
#include "analysis/PhaseGain.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace tconv::ui {

class PhaseGainPlot;

class KernelEditor : public QWidget {
    Q_OBJECT
public:
    explicit KernelEditor(QWidget* parent = nullptr);

    // Shows the resolved kernel and the source settings of `p` without emitting.
    void setKernel(const Kernel2D& k, const StudioParams& p);
    void setAnalysis(const PhaseGainTable& g, const ArtifactScores& s);
    void setRepairReport(const QString& html);
    void setHighlightedTaps(const QVector<QPoint>& taps);  // (x = column, y = row)
    void setRepairAvailable(bool additive, bool zoh, const QString& why);

    Kernel2D kernel() const { return kernel_; }
    QTableWidget* table() const { return table_; }
    QComboBox* presetBox() const { return preset_; }
    PhaseGainPlot* plot() const { return plot_; }

signals:
    void presetChosen(const QString& source, double sigma, quint64 seed);
    void kernelEdited(const tconv::Kernel2D& kernel);
    void normalizeRequested();
    void naturalSizeRequested();
    void loadRequested();
    void repairRequested(const QString& method);  // "additive" | "zoh"

private:
    void rebuildTable();
    void colourCells();
    void onCellChanged(int row, int column);
    void emitPreset();

    Kernel2D kernel_;
    QVector<QPoint> highlighted_;
    QComboBox* preset_;
    QDoubleSpinBox* sigma_;
    QSpinBox* seed_;
    QLabel* sigmaLabel_;
    QLabel* seedLabel_;
    QTableWidget* table_;
    QLabel* sum_;
    QLabel* scores_;
    QLabel* repairReport_;
    QPushButton* repairAdditive_;
    QPushButton* repairZoh_;
    PhaseGainPlot* plot_;
    double target_ = 4.0;
    bool updating_ = false;
};

}  // namespace tconv::ui
