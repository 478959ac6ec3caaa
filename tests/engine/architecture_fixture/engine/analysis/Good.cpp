#include "core/Tensor.h"
#include "analysis/internal/Fft.h"
