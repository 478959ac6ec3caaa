// SPDX-License-Identifier: MIT
#pragma once
// The names of AtomicFile's temporary files:
//   ".<destination name>.tconv-<pid>-<8 hex>.tmp<extension>"
// hidden (folder scans skip them), naming the writer's process (so a later run
// can tell a killed writer's leftovers from a live writer's file) and always
// within NAME_MAX (255 bytes): a long destination name is shortened in the
// embedded copy (at a UTF-8 character boundary), the extension is kept.
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace tconv::app {

constexpr size_t kMaxFileNameBytes = 255;  // NAME_MAX on Linux file systems

std::string tempFileName(const std::string& destinationName, pid_t pid, uint32_t tag);

// The writer's PID when `fileName` (a name, not a path) is one of our
// temporary file names, else nullopt.
std::optional<pid_t> tempFileOwner(const std::string& fileName);

}  // namespace tconv::app
