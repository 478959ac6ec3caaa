#pragma once
// Transitional: the factory moved to the tconv_backends target
// (backends/BackendFactory.h). This forwarding header keeps the app's and the
// studio's includes compiling until they are switched; then it goes.
// scripts/check_architecture.py allows exactly this one core -> backends include.
#include "backends/BackendFactory.h"
