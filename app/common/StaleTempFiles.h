// SPDX-License-Identifier: MIT
#pragma once
// Removing the temporary files that killed runs (SIGKILL, a crash, a power
// cut) left behind. A file is stale when its name is one of ours
// (TempFileName.h), it is older than this process, and the process named in
// it is not alive (or is this process, which cannot have written it before it
// started). A live writer's file is never touched.
#include <cstddef>
#include <string>

namespace tconv::app {

// Removes the stale temporary files directly inside `dir` ("" is the current
// folder); returns how many were removed. Never throws.
size_t removeStaleTempFiles(const std::string& dir) noexcept;

// The same, and when any were removed says so on stderr in one line:
// "tconv: removed N stale temporary file(s) of interrupted runs in 'DIR'".
void cleanStaleTempFiles(const std::string& dir) noexcept;

// The folder a file is written into, for the two above ("" for a bare name).
std::string folderOf(const std::string& path);

}  // namespace tconv::app
