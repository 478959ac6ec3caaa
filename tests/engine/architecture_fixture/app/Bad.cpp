#include "core/Tensor.h"
#include "cpu/CpuBackend.h"
#include <vector>
