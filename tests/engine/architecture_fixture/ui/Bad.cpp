#include "analysis/internal/Fft.h"
