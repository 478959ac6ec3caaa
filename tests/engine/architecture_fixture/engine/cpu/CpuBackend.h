// SPDX-License-Identifier: MIT
#pragma once
#include "core/Tensor.h"
#include "cpu/internal/Plan.h"
