// SPDX-License-Identifier: MIT
#pragma once
// `tconv-studio --screenshot OUT.png [IMAGE] [parameter options as in tconv
// apply] [--view grid|result|heatmap|compare|spectrum|zero-insertion|matrix|...] [--size HxW] [--theme light|dark]
// [--tutorial ID] [--sample ID] [--step N] [--hover ROW,COL]`: shows the window, waits until the
// computation has finished and the views are drawn, saves the window in the
// format OUT's extension names (PNG, JPEG, BMP, TIFF, WebP; others refused)
// and exits. Works on the offscreen platform and under Xvfb. The views
// --view names are one table in ScreenshotMode.cpp (screenshotViews).
namespace tconv::ui {

class ScreenshotMode {
public:
    static bool requested(int argc, char** argv);
    // Exit code: 0 saved; 1 processing error (unreadable image, PNG not
    // written, timeout); 2 usage or parameter error (the PNG still shows it).
    static int run(int argc, char** argv);
};

}  // namespace tconv::ui
