// Compiled only when the CUDA backend is not built (no nvcc at configure time).
#include "core/ConvError.h"
#include "core/CudaHooks.h"

namespace tconv::cuda_hooks {

CudaAvailability probe() {
    CudaAvailability a;
    a.compiled = false;
    a.usable = false;
    a.reason = "this build has no CUDA backend (no CUDA compiler was found when it was configured)";
    return a;
}

std::unique_ptr<Backend> create() { throw ProcessingError(probe().reason); }

}  // namespace tconv::cuda_hooks
