// SPDX-License-Identifier: MIT
#pragma once
// `tconv audit`'s two outputs: a report for people and one JSON object for
// scripts (keys in docs and in the command's --help).
#include <string>

#include "audit/ModelAudit.h"

namespace tconv::app {

// The sentence both outputs carry about what the chain analysis leaves out.
inline constexpr const char* kLinearChainNote =
    "the chain is analysed as a linear system: non-linearities and normalisation between its layers are left out";

std::string auditText(const ModelAudit& a);
std::string auditJson(const ModelAudit& a);

}  // namespace tconv::app
