#pragma once
// The phase-gain table G of a transposed convolution kernel and the
// checkerboard scores derived from it (Odena, Dumoulin & Olah 2016).
// G[r] (r per axis in [0, s)) = sum of the taps j with d*j = r (mod s); a
// constant input c gives, away from the borders, bias + c * G[(o+p) mod s].
#include <string>
#include <vector>

#include "core/ConvParams.h"
#include "core/Kernel2D.h"

namespace tconv {

struct PhaseGainTable {
    int sh = 1, sw = 1;
    std::vector<double> gain;   // sh * sw, row-major: gain[ry * sw + rx]
    std::vector<int> tapCount;  // taps per class, same layout (0 = hole)
    double at(int ry, int rx) const { return gain[static_cast<size_t>(ry) * sw + rx]; }
};

PhaseGainTable phaseGainTable(const Kernel2D& k, Size2 stride, Size2 dilation);

struct ArtifactScores {
    double mean = 0;         // Gbar = sum(K) / (sh * sw)
    double cv = 0;           // population std(G) / |Gbar|
    double cvDb = 0;         // 20 log10(cv); -inf for 0
    double ratio = 0;        // max G / min G; +inf with holes or min <= 0
    double peakToPeak = 0;   // (max G - min G) / |Gbar|
    bool holes = false;      // some class has no taps
    std::string pattern;     // "none", "checkerboard", "horizontal stripes", "vertical stripes", "mixed"
    std::string verdict;     // one actionable sentence
};

ArtifactScores artifactScores(const PhaseGainTable& g);

}  // namespace tconv
