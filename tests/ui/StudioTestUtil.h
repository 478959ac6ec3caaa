// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the studio tests that drive the window; the engine-side
// helpers (seeded inputs, the engine's own answer) are in EngineTestUtil.h.
#include "EngineTestUtil.h"
#include "window/MainWindow.h"

namespace tconv::ui::test {

// A window for tests: no QSettings read or written, no sample loaded.
inline MainWindow::Options testWindowOptions() {
    MainWindow::Options o;
    o.persistSettings = false;
    o.loadDefaultSample = false;
    return o;
}

}  // namespace tconv::ui::test
