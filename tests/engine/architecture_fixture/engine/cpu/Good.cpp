#include "cpu/CpuBackend.h"
#include "cpu/internal/Plan.h"
