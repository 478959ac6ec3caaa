// SPDX-License-Identifier: MIT
#pragma once
// Parameters of a 2-D transposed convolution: those of PyTorch's
// nn.ConvTranspose2d (padding_mode 'zeros'), plus ONNX ConvTranspose's
// per-side padding. Every field is per axis (h = rows, w = columns) except
// groups.
//
// Padding crops the full (padding 0) output: `padding` rows/columns from the
// beginning (top, left) and `paddingEnd` from the end (bottom, right). PyTorch
// crops the same amount from both ends, which is what an unset paddingEnd
// means, so every PyTorch layer is `padding` alone. ONNX `pads` are
// [top, left, bottom, right] (Pads4). Only the begin crop moves an output
// index (o = i*s - padBegin + j*d, core/ScatterDefinition.h); the end crop
// only shortens the output (core/OutputGeometry.h).
#include <cstdint>
#include <optional>
#include <string>

namespace tconv {

struct Size2 {
    int h = 1;
    int w = 1;
    constexpr Size2() = default;
    constexpr Size2(int both) : h(both), w(both) {}
    constexpr Size2(int hh, int ww) : h(hh), w(ww) {}
    friend constexpr bool operator==(const Size2&, const Size2&) = default;
};

// "3" or "3x2" (height first), as the CLI and the UI print them.
std::string sizeText(Size2 s);

// ONNX order: begin of each axis, then end of each axis.
struct Pads4 {
    int top = 0;
    int left = 0;
    int bottom = 0;
    int right = 0;
    friend constexpr bool operator==(const Pads4&, const Pads4&) = default;
};

// "1,2,3,4" (top, left, bottom, right), as --pads takes it.
std::string padsText(const Pads4& p);

struct ConvParams {
    Size2 kernel{1, 1};
    Size2 stride{1, 1};
    Size2 padding{0, 0};              // begin crop (top, left); also the end crop when paddingEnd is unset
    std::optional<Size2> paddingEnd;  // end crop (bottom, right); unset: symmetric, = padding
    Size2 outputPadding{0, 0};
    Size2 dilation{1, 1};
    int groups = 1;
    // Equal when they compute the same thing: an unset paddingEnd equals one
    // set to the begin padding.
    friend bool operator==(const ConvParams& a, const ConvParams& b);
};

// The crops, the one place an unset paddingEnd is read.
constexpr Size2 padBegin(const ConvParams& p) { return p.padding; }
constexpr Size2 padEnd(const ConvParams& p) { return p.paddingEnd.value_or(p.padding); }
constexpr bool hasAsymmetricPadding(const ConvParams& p) { return !(padBegin(p) == padEnd(p)); }

// [top, left, bottom, right].
constexpr Pads4 pads(const ConvParams& p) { return {padBegin(p).h, padBegin(p).w, padEnd(p).h, padEnd(p).w}; }
// Sets all four; paddingEnd stays unset when they are symmetric, so a
// symmetric layer reads (and prints) exactly as PyTorch's.
void setPads(ConvParams& p, const Pads4& pads);

// One-line description, e.g. "k=4 s=2 p=1 op=0 d=1 g=1"; asymmetric padding
// as "pads=1,2,3,4" (top, left, bottom, right) in place of "p=".
std::string describe(const ConvParams& p);

}  // namespace tconv
