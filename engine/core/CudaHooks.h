#pragma once
// The seam between the Qt/OpenCV-free core and the optional CUDA target. With
// CUDA these are defined in engine/cuda; without it, in CudaStub.cpp.
#include <memory>

#include "core/Backend.h"
#include "core/BackendFactory.h"

namespace tconv::cuda_hooks {

CudaAvailability probe();
std::unique_ptr<Backend> create();  // only called when probe().usable

}  // namespace tconv::cuda_hooks
