// SPDX-License-Identifier: MIT
#pragma once
// The phase-gain table G of a transposed convolution kernel and the
// checkerboard scores derived from it (Odena, Dumoulin & Olah 2016).
// G[r] (r per axis in [0, s)) = sum of the taps j of phase r, i.e. with
// d*j = r (mod s) (polyphase::tapPhase, core/Polyphase.h); a
// constant input c gives, away from the borders, bias + c * G[(o+p) mod s].
#include <string>
#include <vector>

#include "core/ConvParams.h"
#include "core/Kernel2D.h"

namespace tconv {

struct PhaseGainTable {
    int sh = 1, sw = 1;
    Size2 kernel{1, 1}, dilation{1, 1};  // what the table was computed for (for messages)
    std::vector<double> gain;            // sh * sw, row-major: gain[ry * sw + rx]
    std::vector<int> tapCount;           // taps per class, same layout (0 = hole)
    double at(int ry, int rx) const { return gain[static_cast<size_t>(ry) * sw + rx]; }
    int count(int ry, int rx) const { return tapCount[static_cast<size_t>(ry) * sw + rx]; }
};

// Throws ParameterError for an empty kernel or a stride/dilation <= 0.
PhaseGainTable phaseGainTable(const Kernel2D& k, Size2 stride, Size2 dilation);

// The shape of the ripple, from where its energy sits (ArtifactScores' shares).
enum class ArtifactPattern { None, Checkerboard, HorizontalStripes, VerticalStripes };
// "none", "checkerboard", "horizontal stripes", "vertical stripes": the words
// `tconv analyze` prints and writes to JSON, and the studio shows.
const char* patternName(ArtifactPattern p);

struct ArtifactScores {
    double mean = 0;        // Gbar = sum(K) / (sh * sw)
    double cv = 0;          // population std(G) / |Gbar|; +inf when Gbar = 0 but G varies
    double cvDb = 0;        // 20 log10(cv); -inf for 0
    double ratio = 0;       // max G / min G; +inf with holes or min <= 0
    double peakToPeak = 0;  // (max G - min G) / |Gbar|; +inf when Gbar = 0 but G varies
    bool holes = false;     // some class has no taps
    int holeCount = 0;      // classes with no taps
    // Where the ripple energy sum (G - Gbar)^2 sits (fractions summing to 1,
    // all 0 without ripple): in the row means (horizontal stripes), the column
    // means (vertical stripes) or the interaction (a true 2-D checkerboard).
    double rowShare = 0, colShare = 0, crossShare = 0;
    int periodH = 1, periodW = 1;  // smallest period of G per axis (divides s; 1 = flat along that axis)
    bool allZero = false;          // every tap is 0: no output but the bias
    ArtifactPattern pattern = ArtifactPattern::None;
    std::string severity;  // severityName(): "none", "invisible", "faint", "visible", "strong"
    std::string verdict;   // one actionable sentence, with the severity grade
};

ArtifactScores artifactScores(const PhaseGainTable& g);

// Why some classes get no taps ("kernel size 1 is smaller than stride 2 along
// height", "dilation 2 shares the factor 2 with stride 2 along width"); empty
// when there are no holes.
std::string holeReason(const PhaseGainTable& g);

// Below this CV a kernel counts as artifact-free (float rounding of exact repairs).
inline constexpr double kArtifactFreeCv = 1e-6;

// How visible a ripple is, by its CV (shared by the studio and `tconv analyze`):
// none (CV < 1e-6, float rounding), invisible (< 0.5%), faint (< 2%), visible
// (< 10%), strong (10% and more, holes, or taps summing to zero with a ripple).
enum class Severity { None, Invisible, Faint, Visible, Strong };
inline constexpr double kCvInvisibleBelow = 0.005, kCvFaintBelow = 0.02, kCvVisibleBelow = 0.10;
Severity severityOf(const ArtifactScores& s);
const char* severityName(Severity s);

// Printed numbers without float noise: "0" for 0, "< 1e-6" below kArtifactFreeCv,
// else 6 significant digits; in dB: "-inf" for 0, "< -120" below 1e-6.
std::string cvText(double cv);
std::string cvDbText(double cv);

}  // namespace tconv
