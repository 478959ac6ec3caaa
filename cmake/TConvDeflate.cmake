# SPDX-License-Identifier: MIT
# PNG outputs through libdeflate (app/common/PngWriter.cpp): Debian's
# libdeflate-dev. Its CMake config (libdeflate >= 1.15) is used when there is
# one, else its header and library (Debian 12 ships 1.14, without a config).
# Optional at build time: without it ImageCodec keeps OpenCV's PNG encoder
# (zlib through libpng), the same pixels at about twice the encode time.
# Sets TCONV_HAVE_LIBDEFLATE; when ON, defines the INTERFACE target
# tconv_libdeflate that only tconv_app_common links (privately).
option(TCONV_WITH_LIBDEFLATE "Encode PNG outputs with libdeflate when libdeflate-dev is found" ON)
set(TCONV_HAVE_LIBDEFLATE OFF)
set(TCONV_HAVE_LIBDEFLATE_MSG "disabled (TCONV_WITH_LIBDEFLATE=OFF): PNGs are encoded by OpenCV (zlib)")
if(TCONV_WITH_LIBDEFLATE)
  find_package(libdeflate CONFIG QUIET)
  if(TARGET libdeflate::libdeflate_shared)
    set(_tconv_deflate_lib libdeflate::libdeflate_shared)
  elseif(TARGET libdeflate::libdeflate_static)
    set(_tconv_deflate_lib libdeflate::libdeflate_static)
  else()
    find_path(TCONV_LIBDEFLATE_INCLUDE libdeflate.h)
    find_library(TCONV_LIBDEFLATE_LIBRARY deflate)
    if(TCONV_LIBDEFLATE_INCLUDE AND TCONV_LIBDEFLATE_LIBRARY)
      set(_tconv_deflate_lib ${TCONV_LIBDEFLATE_LIBRARY})
    endif()
  endif()
  if(_tconv_deflate_lib)
    add_library(tconv_libdeflate INTERFACE)
    target_link_libraries(tconv_libdeflate INTERFACE ${_tconv_deflate_lib})
    if(TCONV_LIBDEFLATE_INCLUDE)
      target_include_directories(tconv_libdeflate SYSTEM INTERFACE ${TCONV_LIBDEFLATE_INCLUDE})
      file(STRINGS "${TCONV_LIBDEFLATE_INCLUDE}/libdeflate.h" _tconv_deflate_version
           REGEX "^#define LIBDEFLATE_VERSION_STRING")
      string(REGEX REPLACE ".*\"(.*)\".*" "\\1" _tconv_deflate_version "${_tconv_deflate_version}")
    else()
      set(_tconv_deflate_version ${libdeflate_VERSION})
    endif()
    set(TCONV_HAVE_LIBDEFLATE ON)
    set(TCONV_HAVE_LIBDEFLATE_MSG "enabled (libdeflate ${_tconv_deflate_version}): PNGs are encoded by app/common/PngWriter")
  else()
    set(TCONV_HAVE_LIBDEFLATE_MSG "not found (install libdeflate-dev): PNGs are encoded by OpenCV (zlib), about 2x the CPU")
  endif()
endif()
message(STATUS "TConv: PNG encoder ${TCONV_HAVE_LIBDEFLATE_MSG}")
