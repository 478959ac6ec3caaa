// SPDX-License-Identifier: MIT
#include "document/TutorialExamples.h"

#include <cstdint>

namespace tconv::ui {
namespace {

Tensor matrix(const QVector<QVector<float>>& rows) {
    const int h = rows.size(), w = rows.isEmpty() ? 0 : rows[0].size();
    Tensor t(Shape4{1, 1, h, w});
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) t.at(0, 0, y, x) = rows[y][x];
    return t;
}

Kernel2D kernel(const QVector<QVector<float>>& rows) {
    Kernel2D k(rows.size(), rows[0].size());
    for (int y = 0; y < k.h; ++y)
        for (int x = 0; x < k.w; ++x) k.at(y, x) = rows[y][x];
    return k;
}

ConvParams geometry(int k, int s, int p = 0, int q = 0, int d = 1) {
    ConvParams g;
    g.kernel = k;
    g.stride = s;
    g.padding = p;
    g.outputPadding = q;
    g.dilation = d;
    return g;
}

// A fixed pseudo-random 8x8 input in [0, 1) (the tutorial uses torch.rand;
// the values differ, the sizes and structure are what it shows).
Tensor seededInput(int n) {
    Tensor t(Shape4{1, 1, n, n});
    uint64_t state = 2016;
    for (float& v : t.storage()) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        v = static_cast<float>((state >> 40) % 100) / 100.0f;
    }
    return t;
}

QVector<TutorialExample> build() {
    const QString d2l = QStringLiteral("Dive into Deep Learning (d2l.ai), “Transposed Convolution”: basic operation");
    const QString medium = QStringLiteral("“Demystify transposed convolutional layers”");
    const QString zh = QStringLiteral("“转置卷积” (transposed convolution, a Chinese tutorial)");
    const QString notebook = QStringLiteral("a transposed convolution notebook");
    const auto in12 = matrix({{1, 2}, {3, 4}});
    const auto ones3 = kernel({{1, 1, 1}, {1, 1, 1}, {1, 1, 1}});
    QVector<TutorialExample> v;
    v.push_back(
        {"basic-2x2",
         "Basic: 2×2 input, 2×2 kernel",
         d2l,
         "Each input value scales the whole kernel, placed at its own position (stride 1); the overlaps add up.",
         matrix({{0, 1}, {2, 3}}),
         kernel({{0, 1}, {2, 3}}),
         geometry(2, 1),
         {{0, 0, 1}, {0, 4, 6}, {4, 12, 9}}});
    v.push_back({"case1-basic",
                 "Case 1: kernel 3 (ones)",
                 medium,
                 "A 2×2 input and a 3×3 kernel of ones give a 4×4 output: four shifted copies of the kernel added.",
                 in12,
                 ones3,
                 geometry(3, 1),
                 {{1, 3, 3, 2}, {4, 10, 10, 6}, {4, 10, 10, 6}, {3, 7, 7, 4}}});
    v.push_back({"case2-stride",
                 "Case 2: stride 2",
                 medium,
                 "The copies move 2 pixels per input pixel: the output grows to 5×5 and only the middle row and "
                 "column overlap.",
                 in12,
                 ones3,
                 geometry(3, 2),
                 {{1, 1, 3, 2, 2}, {1, 1, 3, 2, 2}, {4, 4, 10, 6, 6}, {3, 3, 7, 4, 4}, {3, 3, 7, 4, 4}}});
    v.push_back({"case3-padding",
                 "Case 3: padding 2 (stride 2)",
                 medium,
                 "Padding crops the full 5×5 output by 2 on every side, leaving the centre cell.",
                 in12,
                 ones3,
                 geometry(3, 2, 2),
                 {{10}}});
    v.push_back({"case4-output-padding",
                 "Case 4: output padding 2 (stride 3)",
                 medium,
                 "Stride 3 spreads the copies apart and output_padding 2 adds two rows and columns of zeros at "
                 "the bottom and right (the tutorial's layer says kernel_size=4 but assigns a 3×3 weight, which "
                 "is what runs).",
                 in12,
                 ones3,
                 geometry(3, 3, 0, 2),
                 {{1, 1, 1, 2, 2, 2, 0, 0},
                  {1, 1, 1, 2, 2, 2, 0, 0},
                  {1, 1, 1, 2, 2, 2, 0, 0},
                  {3, 3, 3, 4, 4, 4, 0, 0},
                  {3, 3, 3, 4, 4, 4, 0, 0},
                  {3, 3, 3, 4, 4, 4, 0, 0},
                  {0, 0, 0, 0, 0, 0, 0, 0},
                  {0, 0, 0, 0, 0, 0, 0, 0}}});
    v.push_back({"case5-dilation",
                 "Case 5: dilation 2 (kernel 2, stride 2)",
                 medium,
                 "Dilation 2 spreads the 2×2 kernel's taps apart; with stride 2 every other row and column "
                 "receives nothing: holes.",
                 in12,
                 kernel({{1, 1}, {1, 1}}),
                 geometry(2, 2, 0, 0, 2),
                 {{1, 0, 3, 0, 2}, {0, 0, 0, 0, 0}, {4, 0, 10, 0, 6}, {0, 0, 0, 0, 0}, {3, 0, 7, 0, 4}}});
    v.push_back({"k4-s2-p1",
                 "Doubling: k 4, stride 2, padding 1 (ones)",
                 zh,
                 "The decoder setting H′ = 2H: a 2×2 of ones becomes 4×4; the border gets fewer taps than the "
                 "interior.",
                 matrix({{1, 1}, {1, 1}}),
                 kernel({{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}}),
                 geometry(4, 2, 1),
                 {{1, 2, 2, 1}, {2, 4, 4, 2}, {2, 4, 4, 2}, {1, 2, 2, 1}}});
    v.push_back({"same-size",
                 "Same size: k 3, padding 1",
                 zh,
                 "With stride 1 and p = k // 2 the output keeps the input's size.",
                 in12,
                 ones3,
                 geometry(3, 1, 1),
                 {{10, 10}, {10, 10}}});
    v.push_back({"exact-2x",
                 "Exactly 2×: k 3, stride 2, padding 1, output padding 1",
                 zh,
                 "p = k // 2 alone gives 2H − 1; output_padding 1 adds the missing row and column.",
                 in12,
                 ones3,
                 geometry(3, 2, 1, 1),
                 {{1, 3, 2, 2}, {4, 10, 6, 6}, {3, 7, 4, 4}, {3, 7, 4, 4}}});
    QVector<QVector<float>> lin;
    for (int y = 0; y < 4; ++y) lin.push_back({float(4 * y + 1), float(4 * y + 2), float(4 * y + 3), float(4 * y + 4)});
    v.push_back({"stride4-op1",
                 "Stride 4, output padding 1 on 1…16",
                 notebook,
                 "output = s(n − 1) + k − 2p + q = 4·3 + 3 + 1 = 16: the 3×3 copies sit 4 apart, leaving gaps.",
                 matrix(lin),
                 ones3,
                 geometry(3, 4, 0, 1),
                 {}});
    v.push_back({"stride5-p1",
                 "Stride 5, padding 1 on 8×8",
                 notebook,
                 "output = 5·7 + 3 − 2 = 36: with k < s most output pixels receive no tap at all.",
                 seededInput(8),
                 ones3,
                 geometry(3, 5, 1),
                 {}});
    return v;
}

}  // namespace

const QVector<TutorialExample>& tutorialExamples() {
    static const QVector<TutorialExample> examples = build();
    return examples;
}

const TutorialExample* findTutorial(const QString& id) {
    for (const TutorialExample& e : tutorialExamples())
        if (e.id == id) return &e;
    return nullptr;
}

}  // namespace tconv::ui
