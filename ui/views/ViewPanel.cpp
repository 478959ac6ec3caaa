// SPDX-License-Identifier: MIT
#include "views/ViewPanel.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

#include "views/ColorBar.h"
#include "views/InputPlacement.h"

namespace tconv::ui {
namespace {

constexpr ViewContent kContents[] = {ViewContent::Input,      ViewContent::Result,     ViewContent::Heatmap,
                                     ViewContent::ResizeConv, ViewContent::Difference, ViewContent::CompareAB,
                                     ViewContent::Spectrum};

QString sizeText(const QSize& s, int64_t channels) {
    return QStringLiteral("%1 × %2 × %3").arg(s.height()).arg(s.width()).arg(channels);  // H × W × C
}

// Attaches the level-0 renderer of a lazy image; `keep` holds the data alive.
MipImage lazy(MipImage m, std::function<QImage(const QRect&)> f) {
    if (!m.hasBase()) m.region = std::move(f);
    return m;
}

QString number(double v) {
    if (std::isinf(v)) return QStringLiteral("∞");
    return QString::number(v, 'f', 2);
}

}  // namespace

QString viewContentTitle(ViewContent c) {
    switch (c) {
        case ViewContent::Input: return QStringLiteral("Input");
        case ViewContent::Result: return QStringLiteral("Result");
        case ViewContent::Heatmap: return QStringLiteral("Heatmap");
        case ViewContent::ResizeConv: return QStringLiteral("Resize-conv");
        case ViewContent::Difference: return QStringLiteral("Difference");
        case ViewContent::CompareAB: return QStringLiteral("A/B split");
        case ViewContent::Spectrum: return QStringLiteral("Spectrum");
    }
    return {};
}

QString viewContentDescription(ViewContent c) {
    switch (c) {
        case ViewContent::Input: return QStringLiteral("Input: the image fed to the layer");
        case ViewContent::Result: return QStringLiteral("Result of the transposed convolution");
        case ViewContent::Heatmap: return QStringLiteral("Artifact heatmap: where the checkerboard is");
        case ViewContent::ResizeConv: return QStringLiteral("Resize-conv: resize, then a stride-1 convolution");
        case ViewContent::Difference: return QStringLiteral("Difference: Result − Resize-conv");
        case ViewContent::CompareAB: return QStringLiteral("A/B: Result | Resize-conv, split in one view");
        case ViewContent::Spectrum: return QStringLiteral("Spectrum of the result");
    }
    return {};
}

ViewPanel::ViewPanel(ViewSync* sync, ViewContent content, QWidget* parent) : QFrame(parent), content_(content) {
    setFrameShape(QFrame::StyledPanel);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(1, 1, 1, 1);
    outer->setSpacing(0);

    auto* header = new QWidget(this);
    header->setObjectName(QStringLiteral("viewHeader"));
    header->setAutoFillBackground(true);
    auto* hl = new QHBoxLayout(header);
    hl->setContentsMargins(6, 3, 6, 3);
    hl->setSpacing(6);
    contentCombo_ = new QComboBox(header);
    contentCombo_->setObjectName(QStringLiteral("viewContent"));
    // Short titles fit a narrow pane; the full name is the item's tooltip.
    for (ViewContent c : kContents) {
        contentCombo_->addItem(viewContentTitle(c), static_cast<int>(c));
        contentCombo_->setItemData(contentCombo_->count() - 1, viewContentDescription(c), Qt::ToolTipRole);
    }
    contentCombo_->setToolTip(tr("What this view shows. All views share zoom and pan."));
    heatCombo_ = new QComboBox(header);
    heatCombo_->setObjectName(QStringLiteral("heatmapKind"));
    for (HeatmapKind k : {HeatmapKind::GainMap, HeatmapKind::ArtifactComponent, HeatmapKind::PeriodicEnergy})
        heatCombo_->addItem(heatmapKindTitle(k), static_cast<int>(k));
    heatCombo_->setToolTip(
        tr("Gain map: ConvT of a constant image relative to the mean gain (A − 1), borders included.\n"
           "Artifact component: the part of this result that an artifact-free kernel repair would remove.\n"
           "Periodic energy: local spread of the per-phase means."));
    // Above the colour bar, not in the header: the header's width sets the grid's
    // column widths, and all views must keep the same size to stay in sync.
    scaleCombo_ = new QComboBox(this);
    scaleCombo_->setObjectName(QStringLiteral("heatmapScale"));
    scaleCombo_->addItem(tr("Fixed"), static_cast<int>(HeatScaleMode::Fixed));
    scaleCombo_->addItem(tr("Auto"), static_cast<int>(HeatScaleMode::Auto));
    scaleCombo_->addItem(tr("Locked"), static_cast<int>(HeatScaleMode::Locked));
    scaleCombo_->setToolTip(
        tr("Colour scale of the heatmap.\nFixed: ±50% of the mean for every kernel and image, so maps compare "
           "(a 3% ripple looks faint, a 48% one saturated).\nAuto: stretched to this result's own range.\n"
           "Locked: keeps the scale shown now while you change parameters."));
    resizeCombo_ = new QComboBox(header);
    resizeCombo_->setObjectName(QStringLiteral("resizeMode"));
    resizeCombo_->addItem(tr("Nearest"), static_cast<int>(ResizeMode::Nearest));
    resizeCombo_->addItem(tr("Bilinear"), static_cast<int>(ResizeMode::Bilinear));
    resizeCombo_->setToolTip(tr("How resize-conv upsamples before its stride-1 convolution (Odena et al. 2016)."));
    for (QComboBox* c : {contentCombo_, heatCombo_, resizeCombo_}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(c == contentCombo_ ? 12 : 7);
    }
    info_ = new QLabel(header);
    info_->setForegroundRole(QPalette::PlaceholderText);
    info_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    info_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    info_->setObjectName(QStringLiteral("viewInfo"));
    info_->installEventFilter(this);
    hl->addWidget(contentCombo_);
    hl->addWidget(heatCombo_);
    hl->addWidget(resizeCombo_);
    hl->addWidget(info_, 1);
    outer->addWidget(header);

    auto* body = new QHBoxLayout;
    body->setSpacing(0);
    view_ = new ImageView(sync, this);
    bar_ = new ColorBar(this);
    body->addWidget(view_, 1);
    // A widget, not a bare layout: hidden as a whole (an empty layout would
    // still cap the body's height).
    side_ = new QWidget(this);
    auto* side = new QVBoxLayout(side_);
    side->setContentsMargins(0, 2, 0, 0);
    side->setSpacing(0);
    scaleCombo_->setParent(side_);
    bar_->setParent(side_);
    scaleCombo_->setFixedWidth(bar_->sizeHint().width());
    side->addWidget(scaleCombo_);
    side->addWidget(bar_, 1);
    body->addWidget(side_);
    outer->addLayout(body, 1);

    footer_ = new QLabel(this);
    footer_->setObjectName(QStringLiteral("viewFooter"));
    footer_->setContentsMargins(8, 2, 8, 3);
    footer_->setFixedHeight(2 * footer_->fontMetrics().lineSpacing() + 7);
    footer_->setTextFormat(Qt::RichText);
    footer_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The footer's text must not widen its grid column: all views share one
    // zoom, so they must stay the same size (the text is elided / in the tooltip).
    footer_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    outer->addWidget(footer_);

    connect(contentCombo_, &QComboBox::activated, this, [this](int i) {
        setContent(static_cast<ViewContent>(contentCombo_->itemData(i).toInt()));
        emit contentChanged(content_);
    });
    connect(heatCombo_, &QComboBox::activated, this,
            [this](int i) { emit heatmapKindChanged(static_cast<HeatmapKind>(heatCombo_->itemData(i).toInt())); });
    connect(scaleCombo_, &QComboBox::activated, this,
            [this](int i) { setHeatScale(static_cast<HeatScaleMode>(scaleCombo_->itemData(i).toInt())); });
    connect(resizeCombo_, &QComboBox::activated, this,
            [this](int i) { emit resizeModeChanged(static_cast<ResizeMode>(resizeCombo_->itemData(i).toInt())); });
    setContent(content);
}

void ViewPanel::setContent(ViewContent c) {
    content_ = c;
    contentCombo_->setCurrentIndex(contentCombo_->findData(static_cast<int>(c)));
    updateHeaderControls();
    refresh();
}

void ViewPanel::updateHeaderControls() {
    heatCombo_->setVisible(content_ == ViewContent::Heatmap);
    scaleCombo_->setVisible(content_ == ViewContent::Heatmap);
    resizeCombo_->setVisible(content_ == ViewContent::ResizeConv || content_ == ViewContent::Difference ||
                             content_ == ViewContent::CompareAB);
    side_->setVisible(content_ == ViewContent::Heatmap || content_ == ViewContent::Difference ||
                      content_ == ViewContent::Spectrum);
}

void ViewPanel::setHeatmapKind(HeatmapKind k) {
    heatCombo_->setCurrentIndex(heatCombo_->findData(static_cast<int>(k)));
}

void ViewPanel::setResizeMode(ResizeMode m) {
    resizeCombo_->setCurrentIndex(resizeCombo_->findData(static_cast<int>(m)));
}

void ViewPanel::setHeatScale(HeatScaleMode mode) {
    if (mode == HeatScaleMode::Locked && result_ && result_->ok) {
        lockedRange_ = shownHeatRange_;
        lockedKind_ = result_->request.params.heatmap;
    }
    heatScale_ = mode;
    scaleCombo_->setCurrentIndex(scaleCombo_->findData(static_cast<int>(mode)));
    refresh();
}

void ViewPanel::showHeatmap(const ComputeResult& r) {
    // A lock holds for the heatmap kind it was taken on; another kind has other units.
    const HeatScaleMode mode = heatScale_ == HeatScaleMode::Locked && lockedKind_ != r.request.params.heatmap
                                   ? HeatScaleMode::Fixed
                                   : heatScale_;
    const HeatRange range = heatRangeFor(r, mode, lockedRange_);
    shownHeatRange_ = range;
    // The values are coloured when drawn: the scale changes without recomputing anything.
    MipImage m = r.heatImage;
    if (!m.isNull()) {
        m.mapping.lo = range.lo;
        m.mapping.hi = range.hi;
        m.levels = {QImage()};
        // Without a full-size plane (a large photo) the levels' source draws level 0.
        const int w = static_cast<int>(r.output.shape().w);
        if (!r.heat.empty())
            m.region = [res = result_, range, w](const QRect& rc) {
                return planeRegion(res->heat.data(), w, res->heatDiverging, range.lo, range.hi, rc);
            };
    }
    view_->setImage(m);
    const QString scale = heatScaleText(r, mode, range);
    const QString what =
        r.heatDiverging ? (r.request.params.heatmap == HeatmapKind::GainMap ? tr("A − 1") : tr("E")) : tr("energy");
    const QString caption = what + QLatin1Char('\n') +
                            (mode == HeatScaleMode::Fixed  ? tr("fixed")
                             : mode == HeatScaleMode::Auto ? tr("auto")
                                                           : tr("locked"));
    if (range.diverging) bar_->setDiverging(range.hi, caption);
    else bar_->setSequential(range.lo, range.hi, caption);
    setInfo(scale);
}

void ViewPanel::setShowValues(bool on) { view_->setShowValues(on); }
void ViewPanel::setShowGrid(bool on) { view_->setShowGrid(on); }

void ViewPanel::present(const ComputeResultPtr& result) {
    result_ = result;
    refresh();
}

QString ViewPanel::scoresText(const ComputeResult& r) const {
    const ArtifactScores& s = r.scores;
    // The CLI's number formats: no "-160.6 dB" or "9.29e-09" from float rounding.
    const QString cv =
        s.cv >= 0.001 && std::isfinite(s.cv) ? QString::number(s.cv, 'f', 3) : QString::fromStdString(cvText(s.cv));
    QString cvDb = QString::fromStdString(cvDbText(s.cv)).replace(QLatin1Char('-'), QChar(0x2212));
    cvDb.replace(QStringLiteral("inf"), QStringLiteral("∞"));
    return QStringLiteral("<b>%1</b> &nbsp; <b>CV</b> %2 (%3 dB) &nbsp; <b>R</b> %4 &nbsp; <b>PP</b> %5%6")
        .arg(QString::fromStdString(s.severity), cv.toHtmlEscaped(), cvDb.toHtmlEscaped(), number(s.ratio),
             number(s.peakToPeak), s.holes ? tr(" &nbsp; <b>holes</b>") : QString());
}

QString ViewPanel::patternHint(const ComputeResult& r) const {
    // Zoomed out, a view shows area averages of the data: a stride pattern finer
    // than a screen pixel averages to flat there, and the view says so rather than
    // showing an alias of it.
    const ConvParams& g = r.request.params.geometry;
    if (!(r.scores.cv > kArtifactFreeCv) || (g.stride.h == 1 && g.stride.w == 1)) return {};
    return tr("Below display resolution: zoom ≥ 100% to see the %1 × %2 pattern").arg(g.stride.h).arg(g.stride.w);
}

void ViewPanel::setFooter(const QString& firstLineHtml, const QString& secondLine) {
    footerFirst_ = firstLineHtml;
    footerSecond_ = secondLine;
    layoutFooter();
}

void ViewPanel::layoutFooter() {
    // Two lines at most, the second elided to the width (full text in the tooltip),
    // so every panel has the same chrome and the grid rows stay equal.
    const QFontMetrics fm(footer_->font());
    const int width = std::max(60, footer_->width() - 20);
    const QString second = fm.elidedText(footerSecond_, Qt::ElideRight, width).toHtmlEscaped();
    footer_->setText(footerFirst_.isEmpty() ? second : footerFirst_ + QStringLiteral("<br>") + second);
    footer_->setToolTip(footerSecond_);
}

void ViewPanel::resizeEvent(QResizeEvent* e) {
    QFrame::resizeEvent(e);
    layoutFooter();
}

void ViewPanel::setInfo(const QString& text) {
    infoText_ = text;
    layoutInfo();
}

void ViewPanel::layoutInfo() {
    // The header's info (size, scale) gets what the combo boxes leave: elided
    // to that width, never cut mid-glyph, the full text in the tooltip.
    const QString shown =
        info_->fontMetrics().elidedText(infoText_, Qt::ElideRight, std::max(0, info_->contentsRect().width()));
    if (info_->text() != shown) info_->setText(shown);
    info_->setToolTip(shown == infoText_ ? QString() : infoText_);
}

bool ViewPanel::eventFilter(QObject* watched, QEvent* e) {
    if (watched == info_ && e->type() == QEvent::Resize) layoutInfo();
    return QFrame::eventFilter(watched, e);
}

MipImage ViewPanel::resultImage() const {
    if (result_->output.empty()) return result_->resultImage;  // planned output: levels with their own source
    return lazy(result_->resultImage,
                [res = result_](const QRect& rc) { return tensorRegion(res->output, res->tone, rc); });
}

MipImage ViewPanel::resizeImage() const {
    if (result_->resizeConv.empty()) return result_->resizeImage;  // levels with their own source (large photos)
    return lazy(result_->resizeImage,
                [res = result_](const QRect& rc) { return tensorRegion(res->resizeConv, res->tone, rc); });
}

void ViewPanel::refresh() {
    if (!result_ || !result_->ok) {
        if (!result_) {
            view_->setImage({});
            view_->setMessage(tr("No image yet: File ▸ Open (Ctrl+O), drop an image here, or pick a sample."));
        }
        setInfo({});
        setFooter({}, {});
        return;
    }
    const ComputeResult& r = *result_;
    const Shape4 in = r.request.input->shape(), out = r.output.shape();
    QString note, detail, message;
    view_->setMinifiedHint({});
    view_->setGhosts({});
    view_->clearSplit();
    view_->setValues({});
    switch (content_) {
        case ViewContent::Input: {
            // Input pixel i lands at output position i * s - p: drawn there as an
            // s x s block, with what padding crops and output padding adds ghosted.
            const ConvParams& g = r.request.params.geometry;
            const InputPlacement at = inputPlacement(g);
            view_->setImage(lazy(r.inputImage,
                                 [res = result_](const QRect& rc) {
                                     return tensorRegion(*res->request.input, res->inputTone, rc);
                                 }),
                            at.pixelSize, at.origin);
            view_->setGhosts(outputFrameGhosts(g, in, out));
            view_->setValues(r.request.input);
            setInfo(sizeText(r.inputImage.size(), in.c));
            detail = tr("Input pixel i drawn at output position i·s − p (%1 × %2 blocks); hatched: cropped by padding "
                        "(grey) and output padding (amber).")
                         .arg(g.stride.h)
                         .arg(g.stride.w);
            break;
        }
        case ViewContent::Result:
            view_->setImage(resultImage());
            view_->setMinifiedHint(patternHint(r));
            view_->setValues(r.output.pointer());
            setInfo(sizeText(r.resultImage.size(), out.c));
            note = tr("<b>Transposed convolution</b> &nbsp; %1 ms").arg(QString::number(r.convMs, 'f', 1));
            {
                const ConvParams& g = r.request.params.geometry;
                detail =
                    tr("kernel %1, stride %2, padding %3, output padding %4, dilation %5, one kernel per channel")
                        .arg(QString::fromStdString(sizeText(g.kernel)), QString::fromStdString(sizeText(g.stride)),
                             QString::fromStdString(sizeText(g.padding)),
                             QString::fromStdString(sizeText(g.outputPadding)),
                             QString::fromStdString(sizeText(g.dilation)));
            }
            break;
        case ViewContent::Heatmap:
            showHeatmap(r);
            message = r.heatmapError.isEmpty() && r.heatImage.isNull() ? tr("Computing the heatmap…") : r.heatmapError;
            note = scoresText(r);
            detail = QString::fromStdString(r.scores.verdict);
            view_->setMinifiedHint(patternHint(r));
            break;
        case ViewContent::ResizeConv:
            view_->setImage(resizeImage());
            view_->setValues(r.resizeConv.empty() ? nullptr : std::shared_ptr<const Tensor>(result_, &r.resizeConv));
            message = r.resizeError.isEmpty() && r.resizeImage.isNull() ? tr("Computing resize-conv…") : r.resizeError;
            setInfo(sizeText(r.resizeImage.size(), out.c));
            note =
                tr("<b>Resize-conv</b> (%1 resize)").arg(QString::fromLatin1(resizeModeName(r.request.params.resize)));
            detail = tr("Resize ×s, then a stride-1 convolution with K / (sH·sW): same size, no stride checkerboard.");
            break;
        case ViewContent::Difference:
            if (r.differenceImage.isNull() && r.resizeError.isEmpty()) message = tr("Computing the difference…");
            view_->setImage(
                r.difference.empty() ? r.differenceImage : lazy(r.differenceImage, [res = result_](const QRect& rc) {
                    return planeRegion(res->difference.data(), static_cast<int>(res->output.shape().w), true,
                                       -res->differenceRange, res->differenceRange, rc);
                }));
            if (!r.resizeError.isEmpty()) message = r.resizeError;
            bar_->setDiverging(r.differenceRange, tr("T − R"));
            setInfo(tr("max |T − R| %1").arg(QString::number(r.differenceMax, 'g', 3)));
            note = tr("<b>Difference</b> T − R");
            view_->setMinifiedHint(patternHint(r));
            detail = tr("Transposed minus resize-conv, mean over channels: what the resize-conv fix changes.");
            break;
        case ViewContent::CompareAB:
            view_->setImage(resultImage());
            view_->setValues(r.output.pointer());
            if (!r.resizeImage.isNull()) view_->setSplitImage(resizeImage(), tr("Transposed"), tr("Resize-conv"));
            message = r.resizeError;
            setInfo(sizeText(r.resultImage.size(), out.c));
            note = tr("<b>A/B</b> transposed | resize-conv");
            view_->setMinifiedHint(patternHint(r));
            detail = tr("Drag the divider to compare; double-click it to centre it.");
            break;
        case ViewContent::Spectrum:
            view_->setImage(lazy(r.spectrumImage, [res = result_](const QRect& rc) {
                return planeRegion(res->spectrum.db.data(), static_cast<int>(res->spectrum.w), false, res->spectrumLo,
                                   res->spectrumHi, rc);
            }));
            message =
                r.spectrumImage.isNull() && r.spectrumError.isEmpty() ? tr("Computing the spectrum…") : r.spectrumError;
            bar_->setSequential(r.spectrumLo, r.spectrumHi, tr("dB"));
            setInfo(tr("log |FFT|, DC at centre"));
            note = tr("<b>Spectrum</b> of the result (grey, Hann window)");
            detail = tr("A checkerboard of period s shows as peaks at multiples of N/s from the centre.");
            break;
    }
    view_->setMessage(message);
    setFooter(note, detail);
}

}  // namespace tconv::ui
