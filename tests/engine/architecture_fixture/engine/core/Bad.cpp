#include "cpu/CpuBackend.h"
