// SPDX-License-Identifier: MIT
#include "controllers/TapHighlight.h"

#include "controllers/Highlights.h"
#include "core/ScatterDefinition.h"
#include "views/ImageView.h"
#include "views/MatrixGridView.h"
#include "views/ViewArea.h"
#include "views/ViewPanel.h"
#include "views/ZeroInsertionView.h"

namespace tconv::ui {

std::vector<TapPair> tapPairs(const ConvParams& p, int inH, int inW, int outH, int outW, int ky, int kx) {
    std::vector<TapPair> out;
    if (ky < 0 || kx < 0 || ky >= p.kernel.h || kx >= p.kernel.w) return out;
    const Size2 pb = padBegin(p);
    for (int iy = 0; iy < inH; ++iy) {
        const int64_t oy = scatterTarget(iy, ky, p.stride.h, pb.h, p.dilation.h);
        if (oy < 0 || oy >= outH) continue;
        for (int ix = 0; ix < inW; ++ix) {
            const int64_t ox = scatterTarget(ix, kx, p.stride.w, pb.w, p.dilation.w);
            if (ox >= 0 && ox < outW) out.push_back({iy, ix, static_cast<int>(oy), static_cast<int>(ox)});
        }
    }
    return out;
}

TapHighlight::TapHighlight(ViewArea* area, ZeroInsertionView* zeroInsertion, MatrixGridView* matrix, QObject* parent)
    : QObject(parent), area_(area), zeroInsertion_(zeroInsertion), matrix_(matrix) {}

void TapHighlight::showResult(const ComputeResultPtr& result) {
    last_ = result;
    if (active_) clear();  // the hovered tap's pairs belonged to the old geometry
}

void TapHighlight::clear() {
    active_ = false;
    pairs_.clear();
    zeroInsertion_->setTap(std::nullopt);
    matrix_->setTap(std::nullopt);
    for (ViewPanel* p : area_->visiblePanels()) p->view()->setHighlights({});
    emit cleared();
}

void TapHighlight::onTapHovered(int ky, int kx) {
    if (!last_ || !last_->ok || ky < 0 || kx < 0) {
        if (active_) clear();
        return;
    }
    const Shape4 in = last_->layerInput->shape(), out = last_->output.shape();
    pairs_ = tapPairs(last_->request.params.geometry, static_cast<int>(in.h), static_cast<int>(in.w),
                      static_cast<int>(out.h), static_cast<int>(out.w), ky, kx);
    active_ = true;
    QVector<ViewHighlight> inMarks, outMarks;
    // A large photo has millions of pairs: the views then mark none (the zero-insertion crop still shows them).
    constexpr size_t kMaxMarks = 4096;
    if (pairs_.size() <= kMaxMarks)
        for (const TapPair& t : pairs_) {
            inMarks.push_back({QRect(t.ix, t.iy, 1, 1), kInputHighlight, true});
            outMarks.push_back({QRect(t.ox, t.oy, 1, 1), kInputHighlight, true});
        }
    for (ViewPanel* p : area_->visiblePanels()) {
        const ViewContent c = p->content();
        if (c == ViewContent::Input) p->view()->setHighlights(inMarks);
        else if (c == ViewContent::ResizeConv || c == ViewContent::Spectrum)
            p->view()->setHighlights({});  // neither has these taps
        else p->view()->setHighlights(outMarks);
    }
    zeroInsertion_->setTap(QPoint(kx, ky));
    matrix_->setTap(QPoint(kx, ky));
}

}  // namespace tconv::ui
