// Stub until the resize-then-convolution path lands (analysis issue).
#include "analysis/ResizeConv.h"

#include "core/ConvError.h"

namespace tconv {

void resizeConv2d(const Tensor&, const ConvLayer&, const ResizeConvOptions&, Backend&, Tensor&) {
    throw ProcessingError("resize-conv is not implemented yet");
}

}  // namespace tconv
