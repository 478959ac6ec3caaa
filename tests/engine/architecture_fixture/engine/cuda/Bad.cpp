#include "cpu/internal/Plan.h"
