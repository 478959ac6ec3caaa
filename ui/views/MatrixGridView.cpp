// SPDX-License-Identifier: MIT
#include "views/MatrixGridView.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "common/AtomicFile.h"
#include "compute/PixelValues.h"
#include "core/ConvError.h"
#include "core/NpyFile.h"
#include "core/ScatterDefinition.h"

namespace tconv::ui {
namespace {

// The tap of each cell: the definition o = i*s - p + j*d per axis (core/ScatterDefinition.h).
MatrixTaps tapsOf(const ConvParams& p, const ConvMatrix& m) {
    MatrixTaps t;
    t.kh = p.kernel.h;
    t.kw = p.kernel.w;
    t.tap.assign(size_t(m.rows() * m.cols()), -1);
    const Size2 pb = padBegin(p);
    for (int64_t iy = 0; iy < m.inH; ++iy)
        for (int64_t ix = 0; ix < m.inW; ++ix)
            for (int ky = 0; ky < t.kh; ++ky) {
                const int64_t oy = scatterTarget(iy, ky, p.stride.h, pb.h, p.dilation.h);
                if (oy < 0 || oy >= m.outH) continue;
                for (int kx = 0; kx < t.kw; ++kx) {
                    const int64_t ox = scatterTarget(ix, kx, p.stride.w, pb.w, p.dilation.w);
                    if (ox < 0 || ox >= m.outW) continue;
                    t.tap[size_t((oy * m.outW + ox) * m.cols() + iy * m.inW + ix)] = ky * t.kw + kx;
                }
            }
    return t;
}

// The forward convolution's output size for an input of `o` (PyTorch's Conv2d formula).
int forwardSize(int o, int k, int s, int pb, int pe, int d) { return (o + pb + pe - d * (k - 1) - 1) / s + 1; }

}  // namespace

MatrixGridView::MatrixGridView(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);
    header_ = new QLabel;
    header_->setObjectName(QStringLiteral("matrixHeader"));
    header_->setWordWrap(true);
    header_->setTextFormat(Qt::RichText);
    outer->addWidget(header_);
    identity_ = new QLabel;
    identity_->setObjectName(QStringLiteral("matrixIdentity"));
    identity_->setWordWrap(true);
    identity_->setTextFormat(Qt::RichText);
    outer->addWidget(identity_);
    canvas_ = new MatrixGridCanvas;
    scroll_ = new QScrollArea;
    scroll_->setWidget(canvas_);
    scroll_->setWidgetResizable(false);
    outer->addWidget(scroll_, 1);
    auto* bottom = new QHBoxLayout;
    check_ = new QLabel;
    check_->setObjectName(QStringLiteral("matrixCheck"));
    check_->setWordWrap(true);
    check_->setTextFormat(Qt::RichText);
    export_ = new QPushButton(tr("Export Cᵀ as .npy…"));
    export_->setToolTip(
        tr("Cᵀ, shape (H_out·W_out, H_in·W_in), pixels row-major: in NumPy, C @ x.ravel() is the "
           "output's .ravel() (plus the bias); `tconv matrix` writes the same"));
    bottom->addWidget(check_, 1);
    bottom->addWidget(export_);
    outer->addLayout(bottom);
    connect(export_, &QPushButton::clicked, this, &MatrixGridView::exportDialog);
    connect(canvas_, &MatrixGridCanvas::rowHovered, this, [this](int row) {
        setOutputPixel(row / static_cast<int>(m_.outW), row % static_cast<int>(m_.outW));
        emit outputPixelChosen(row / static_cast<int>(m_.outW), row % static_cast<int>(m_.outW));
    });
    connect(canvas_, &MatrixGridCanvas::columnHovered, this, [this](int col) {
        setInputPixel(col / static_cast<int>(m_.inW), col % static_cast<int>(m_.inW));
        emit inputPixelChosen(col / static_cast<int>(m_.inW), col % static_cast<int>(m_.inW));
    });
    showResult(nullptr);
}

QString MatrixGridView::message() const { return valid_ ? QString() : header_->text(); }

void MatrixGridView::showResult(const ComputeResultPtr& result) {
    result_ = result;
    valid_ = false;
    row_ = col_ = -1;
    QString why = tr("No result yet.");
    if (result_ && result_->ok && result_->layerInput) {
        const Shape4 in = result_->layerInput->shape(), out = result_->output.shape();
        const ConvParams& g = result_->request.params.geometry;
        if (in.h > kMaxInputAxis || in.w > kMaxInputAxis || out.h * out.w > kMaxOutputPixels) {
            why = tr("The matrix view shows inputs up to %1×%1 with outputs up to 24×24 pixels; this is %2×%3 → "
                     "%4×%5. Open a small image or a tutorial (File ▸ Tutorials), or write any size's matrix with "
                     "<code>tconv matrix --size HxW</code>.")
                      .arg(kMaxInputAxis)
                      .arg(in.h)
                      .arg(in.w)
                      .arg(out.h)
                      .arg(out.w);
        } else {
            try {
                m_ = transposedConvMatrix(g, result_->request.kernel, in.h, in.w);
                valid_ = true;
            } catch (const ParameterError& e) {
                why = QString::fromUtf8(e.what()).toHtmlEscaped();
            }
        }
    }
    export_->setEnabled(valid_);
    canvas_->setVisible(valid_);
    if (!valid_) {
        header_->setText(why);
        identity_->clear();
        check_->clear();
        m_ = ConvMatrix{};
        return;
    }
    taps_ = tapsOf(result_->request.params.geometry, m_);
    const Tensor& x = *result_->layerInput;
    std::vector<float> xs(size_t(m_.cols()));
    for (int64_t i = 0; i < m_.cols(); ++i) xs[size_t(i)] = x.at(0, 0, i / m_.inW, i % m_.inW);
    product_.assign(size_t(m_.rows()), result_->request.params.bias);
    engine_.assign(size_t(m_.rows()), NAN);
    const size_t channel = static_cast<size_t>(result_->problem.analysedOutput);
    for (int64_t r = 0; r < m_.rows(); ++r) {
        for (int64_t c = 0; c < m_.cols(); ++c) product_[size_t(r)] += double(m_.at(r, c)) * xs[size_t(c)];
        const std::vector<float> v =
            outputValuesAt(*result_, static_cast<int>(r / m_.outW), static_cast<int>(r % m_.outW));
        if (channel < v.size()) engine_[size_t(r)] = v[channel];
    }
    int nonzero = 0;
    for (int t : taps_.tap) nonzero += t >= 0;
    header_->setText(tr("<b>Cᵀ</b>: %1 output pixels × %2 input pixels (rows × columns, row-major), %3 of %4 cells "
                        "hold a kernel tap <i>ky,kx</i> (orange positive, blue negative). Row = the inputs and taps "
                        "one output pixel sums; column = the kernel copy one input pixel scatters.")
                         .arg(m_.rows())
                         .arg(m_.cols())
                         .arg(nonzero)
                         .arg(m_.rows() * m_.cols()));
    identity_->setText(identityText());
    check_->setText(checkText());
    canvas_->setMatrix(m_, taps_, xs, product_, engine_);
    canvas_->setHighlightedTap(tap_);
}

QString MatrixGridView::identityText() const {
    if (!valid_) return {};
    const ConvParams& g = result_->request.params.geometry;
    auto axis = [&](int n, int o, int k, int s, int pb, int pe, int d, int op, const QString& name) {
        const int lo = o - op, hi = lo + s - 1;  // the output sizes whose forward convolution gives n
        QString t = tr("%1: ⌊(%2 + %3 + %4 − %5·(%6−1) − 1)/%7⌋ + 1 = <b>%8</b>")
                        .arg(name)
                        .arg(o)
                        .arg(pb)
                        .arg(pe)
                        .arg(d)
                        .arg(k)
                        .arg(s)
                        .arg(forwardSize(o, k, s, pb, pe, d));
        if (hi > lo)
            t += tr(" (every size %1–%2 maps to %3: output_padding = %4 picks %5)")
                     .arg(lo)
                     .arg(hi)
                     .arg(n)
                     .arg(op)
                     .arg(o);
        return t;
    };
    const Size2 pb = padBegin(g), pe = padEnd(g);
    return tr("The forward convolution C (same k, s, p, d) maps the %1×%2 output back to the %3×%4 input, so Cᵀ "
              "maps the input to the output. ")
               .arg(m_.outH)
               .arg(m_.outW)
               .arg(m_.inH)
               .arg(m_.inW) +
           axis(static_cast<int>(m_.inH), static_cast<int>(m_.outH), g.kernel.h, g.stride.h, pb.h, pe.h, g.dilation.h,
                g.outputPadding.h, tr("rows")) +
           QStringLiteral("; ") +
           axis(static_cast<int>(m_.inW), static_cast<int>(m_.outW), g.kernel.w, g.stride.w, pb.w, pe.w, g.dilation.w,
                g.outputPadding.w, tr("columns")) +
           tr(". With stride s, s output sizes give the same input size: output_padding says which one is meant.");
}

QString MatrixGridView::checkText() const {
    if (!valid_) return {};
    if (!result_->problem.provenanceExact)
        return tr("This layer mixes %1 input channels: Cᵀ is the analysed channel's kernel alone, so Cᵀ·x is not "
                  "the output.")
            .arg(result_->layerInput->shape().c);
    double worst = 0;
    bool same = true;
    for (size_t r = 0; r < product_.size(); ++r) {
        const double d = std::abs(product_[r] - engine_[r]);
        worst = std::max(worst, d);
        same = same && d <= 1e-4 * (1.0 + std::abs(engine_[r]));
    }
    const float bias = result_->request.params.bias;
    return tr("Cᵀ·x%1 next to the engine's output: max |difference| %2 %3")
        .arg(bias != 0 ? tr(" + b") : QString(), QString::number(worst, 'g', 3),
             same ? tr("✓ equal (float rounding)") : tr("✗ they differ"));
}

void MatrixGridView::setOutputPixel(int oy, int ox) {
    if (!valid_ || oy < 0 || ox < 0 || oy >= m_.outH || ox >= m_.outW) return;
    row_ = static_cast<int>(oy * m_.outW + ox);
    col_ = -1;
    canvas_->setHighlightedColumn(-1);
    canvas_->setHighlightedRow(row_);
    scrollToRow(row_);
}

void MatrixGridView::setInputPixel(int iy, int ix) {
    if (!valid_ || iy < 0 || ix < 0 || iy >= m_.inH || ix >= m_.inW) return;
    col_ = static_cast<int>(iy * m_.inW + ix);
    row_ = -1;
    canvas_->setHighlightedRow(-1);
    canvas_->setHighlightedColumn(col_);
}

void MatrixGridView::setTap(std::optional<QPoint> tap) {
    tap_ = tap && valid_ ? std::optional<int>(tap->y() * taps_.kw + tap->x()) : std::nullopt;
    canvas_->setHighlightedTap(tap_);
}

void MatrixGridView::scrollToRow(int row) {
    const QRect r = canvas_->cellRect(row, 0);
    scroll_->ensureVisible(r.center().x(), r.center().y(), 0, r.height() * 2);
}

bool MatrixGridView::exportNpy(const QString& path, QString* error) const {
    if (!valid_) {
        if (error) *error = tr("no matrix to export: %1").arg(header_->text());
        return false;
    }
    try {
        app::writeFileAtomically(path.toLocal8Bit().toStdString(), [&](const std::string& temp) {
            writeNpy(temp, {m_.rows(), m_.cols()}, m_.values.data());
        });
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

void MatrixGridView::exportDialog() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Cᵀ"), QStringLiteral("C.npy"), tr("NumPy array (*.npy)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportNpy(path, &error)) QMessageBox::warning(this, tr("Export Cᵀ"), error);
}

}  // namespace tconv::ui
