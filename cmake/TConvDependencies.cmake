# SPDX-License-Identifier: MIT
# Finds the optional dependencies and records what was found in TCONV_HAVE_*.
# Every one of them is optional for the engine: without oneTBB the CPU backend
# uses std::thread, without Highway it uses plain (auto-vectorized) loops.

find_package(Threads REQUIRED)

# TCONV_WITH_TBB=OFF builds the std::thread path even where oneTBB is
# installed: the tsan preset needs it, because Debian's libtbb is not built
# with ThreadSanitizer and its lock-free queues read as races.
option(TCONV_WITH_TBB "Use oneTBB for the CPU backend's threads when found (else std::thread)" ON)
set(TCONV_HAVE_TBB OFF)
if(TCONV_WITH_TBB)
  find_package(TBB CONFIG QUIET)
  if(TBB_FOUND)
    set(TCONV_HAVE_TBB ON)
  endif()
endif()

find_package(hwy CONFIG QUIET)
if(hwy_FOUND)
  set(TCONV_HAVE_HWY ON)
else()
  set(TCONV_HAVE_HWY OFF)
endif()

# OpenCV: Debian splits it per module and ships OpenCVConfig.cmake only with the
# huge libopencv-dev meta package, so fall back to locating the three modules
# we use (core, imgproc, imgcodecs) directly.
set(TCONV_HAVE_OPENCV OFF)
if(TCONV_WITH_OPENCV)
  find_package(OpenCV QUIET COMPONENTS core imgproc imgcodecs)
  if(OpenCV_FOUND)
    add_library(tconv_opencv INTERFACE)
    target_link_libraries(tconv_opencv INTERFACE ${OpenCV_LIBS})
    target_include_directories(tconv_opencv SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
    set(TCONV_HAVE_OPENCV ON)
  else()
    find_path(TCONV_OPENCV_INCLUDE opencv2/core.hpp PATH_SUFFIXES opencv4)
    find_library(TCONV_OPENCV_CORE opencv_core)
    find_library(TCONV_OPENCV_IMGPROC opencv_imgproc)
    find_library(TCONV_OPENCV_IMGCODECS opencv_imgcodecs)
    if(TCONV_OPENCV_INCLUDE AND TCONV_OPENCV_CORE AND TCONV_OPENCV_IMGPROC AND TCONV_OPENCV_IMGCODECS)
      add_library(tconv_opencv INTERFACE)
      target_include_directories(tconv_opencv SYSTEM INTERFACE ${TCONV_OPENCV_INCLUDE})
      target_link_libraries(tconv_opencv INTERFACE ${TCONV_OPENCV_IMGCODECS} ${TCONV_OPENCV_IMGPROC} ${TCONV_OPENCV_CORE})
      set(TCONV_HAVE_OPENCV ON)
    endif()
  endif()
  if(NOT TCONV_HAVE_OPENCV)
    message(WARNING "OpenCV (core, imgproc, imgcodecs) not found: image files unsupported, .npy only; the studio is disabled")
  endif()
endif()

find_package(Qt6 QUIET COMPONENTS Core)
if(Qt6_FOUND)
  find_package(Qt6 QUIET COMPONENTS Test)
endif()
if(Qt6Test_FOUND)
  set(TCONV_HAVE_QTTEST ON)
else()
  set(TCONV_HAVE_QTTEST OFF)
endif()

if(TCONV_BUILD_GUI)
  find_package(Qt6 QUIET COMPONENTS Widgets Concurrent)
  if(NOT Qt6Widgets_FOUND OR NOT Qt6Concurrent_FOUND OR NOT TCONV_HAVE_OPENCV)
    message(WARNING "Qt6 Widgets/Concurrent or OpenCV not found: the studio is not built")
    set(TCONV_BUILD_GUI OFF)
  endif()
endif()

# CUDA is optional: check_language finds nvcc without failing when it is absent.
set(TCONV_HAVE_CUDA OFF)
set(TCONV_HAVE_CUDA_MSG "disabled (TCONV_ENABLE_CUDA=OFF)")
if(TCONV_ENABLE_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      # Turing .. Hopper as real code, plus PTX of the newest for later GPUs.
      set(CMAKE_CUDA_ARCHITECTURES "75-real;80-real;86-real;89-real;90")
    endif()
    enable_language(CUDA)
    # CMake 3.25 predates nvcc's C++20 support and knows no flag for the
    # CUDA20 dialect; the engine headers are C++20, so tell it.
    if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    set(TCONV_HAVE_CUDA ON)
    set(TCONV_HAVE_CUDA_MSG "enabled (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES})")
  else()
    set(TCONV_HAVE_CUDA_MSG "not built: no CUDA compiler (nvcc) found; building CPU-only")
  endif()
endif()
