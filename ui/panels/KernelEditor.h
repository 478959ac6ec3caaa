// SPDX-License-Identifier: MIT
#pragma once
// The kernel editor: a grid of the weights sized to the kernel (editable; an
// edit turns the kernel into a custom one, used raw), presets with their
// sigma/seed, loading from .npy/text, normalize, the additive and zero-order
// hold repairs with before/after scores, and the phase-gain plot. Taps that
// feed the hovered output pixel are highlighted. In weight mode (a full layer
// weight) it shows, read-only, the channel kernel of one output channel, with
// a channel selector and the layer's worst channel.
#include <QWidget>
#include <memory>

#include "document/StudioParams.h"
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
    void setLayerNote(const QString& text);  // weight mode: how the image feeds the layer (StudioProblem::note)
    void setHighlightedTaps(const QVector<QPoint>& taps);  // (x = column, y = row)

    Kernel2D kernel() const { return kernel_; }
    QTableWidget* table() const { return table_; }
    QComboBox* presetBox() const { return preset_; }
    PhaseGainPlot* plot() const { return plot_; }

signals:
    void presetChosen(tconv::ui::KernelSource source, double sigma, quint64 seed);
    void kernelEdited(const tconv::Kernel2D& kernel);
    // The mouse is over tap (ky, kx) of the table; (-1, -1) when it left the table.
    void tapHovered(int ky, int kx);
    void weightChannelChosen(int channel);
    void weightSaveRequested();
    void normalizeRequested();
    void naturalSizeRequested();
    void loadRequested();
    void repairRequested(const QString& method);  // "additive" | "zoh"

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildTable();
    void colourCells();
    void onCellChanged(int row, int column);
    void emitPreset();
    void showWeightMode(const StudioParams& p);

    Kernel2D kernel_;
    QVector<QPoint> highlighted_;
    QComboBox* preset_;
    QDoubleSpinBox* sigma_;
    QSpinBox* seed_;
    QLabel* sigmaLabel_;
    QLabel* seedLabel_;
    QWidget* weightBox_;
    QLabel* weightInfo_;
    QLabel* layerNote_;
    QSpinBox* channel_;
    QPushButton* worst_;
    QPushButton* normalize_;
    QPushButton* natural_;
    // The worst channel of the shown weight, for its geometry (recomputed when either changes).
    struct WorstKey {
        std::shared_ptr<const Tensor> weight;  // owned: a freed weight's address may come back
        int groups = 0;
        Size2 stride, dilation;
        friend bool operator==(const WorstKey&, const WorstKey&) = default;
    };
    WorstKey worstKey_;
    int worstChannel_ = 0;
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
