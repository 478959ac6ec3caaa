// SPDX-License-Identifier: MIT
#pragma once
// The temporary files this process is writing, kept where a signal handler
// can reach them: on SIGINT, SIGTERM or SIGHUP they are unlinked before the
// process dies of the signal (its exit status still says "killed by signal").
// Async-signal-safe: fixed slots, atomics and unlink() only; no allocation.
namespace tconv::app {

// Records `path` (copied); returns the slot for unregisterTempFile, or -1
// when the path is too long or every slot is taken (the file is then only
// cleaned up by the stale-file sweep of a later run).
int registerTempFile(const char* path) noexcept;
void unregisterTempFile(int slot) noexcept;

// Unlinks every registered file. Async-signal-safe.
void unlinkRegisteredTempFiles() noexcept;

// Installs the handler for SIGINT, SIGTERM and SIGHUP (a signal the process
// ignores, e.g. SIGHUP under nohup, stays ignored): unlink the registered
// files, then die of the same signal with the default action. Call once, early
// in main; code that installs its own handler (batch's graceful Ctrl-C) should
// call unlinkRegisteredTempFiles() before it exits from a handler.
void installTempFileCleanupOnSignals() noexcept;

}  // namespace tconv::app
