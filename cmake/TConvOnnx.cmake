# SPDX-License-Identifier: MIT
# ONNX model reading for `tconv audit` (app/audit): Debian's libonnx-dev (ONNX's
# CMake config: imported targets onnx, onnx_proto) and libprotobuf-dev (CMake's
# FindProtobuf: protobuf::libprotobuf, which onnx_proto links). Optional at
# build time, like CUDA: without them tconv still has the audit command and it
# says how to get it (app/audit/OnnxModelMissing.cpp).
# Sets TCONV_HAVE_ONNX; when ON, defines the INTERFACE target tconv_onnx that
# only app/audit links (no ONNX or protobuf header leaves app/audit/Onnx*.cpp).
option(TCONV_WITH_ONNX "Read ONNX models (tconv audit) when libonnx-dev and libprotobuf-dev are found" ON)
set(TCONV_HAVE_ONNX OFF)
set(TCONV_HAVE_ONNX_MSG "disabled (TCONV_WITH_ONNX=OFF)")
if(TCONV_WITH_ONNX)
  find_package(Protobuf QUIET)
  # ONNX's targets link protobuf::libprotobuf, so ONNX is looked for only with protobuf.
  if(Protobuf_FOUND AND NOT TARGET onnx_proto)
    find_package(ONNX CONFIG QUIET)
  endif()
  if(Protobuf_FOUND AND TARGET onnx AND TARGET onnx_proto AND TARGET protobuf::libprotobuf)
    add_library(tconv_onnx INTERFACE)
    target_link_libraries(tconv_onnx INTERFACE onnx onnx_proto protobuf::libprotobuf)
    set(TCONV_HAVE_ONNX ON)
    set(TCONV_HAVE_ONNX_MSG "enabled (ONNX ${ONNX_VERSION}, protobuf ${Protobuf_VERSION})")
  else()
    set(TCONV_HAVE_ONNX_MSG "not found (install libonnx-dev libprotobuf-dev): tconv audit reports that it is unavailable")
  endif()
endif()
message(STATUS "TConv: ONNX models ${TCONV_HAVE_ONNX_MSG}")
