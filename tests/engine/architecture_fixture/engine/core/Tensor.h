#include "core/Tensor.h"
