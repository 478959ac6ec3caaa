# SPDX-License-Identifier: MIT
# tconv_warnings: the one place the project's warning flags live. Every target
# (libraries, executables, tests) links it PRIVATE, so a flag added here reaches
# the whole tree. TCONV_WERROR (on in CI) turns warnings into errors; it is off
# by default so a newer compiler's new warning does not stop a user's build.
option(TCONV_WERROR "Treat compiler warnings as errors" OFF)

add_library(tconv_warnings INTERFACE)
target_compile_options(tconv_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra>
  $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>)
# GCC 12 reports -Wrestrict on `"literal" + std::string` at -O3, inside
# libstdc++ (GCC bug 105329, fixed in 13): a false positive in code we do not own.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(tconv_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()
# Under ASan/TSan instrumentation GCC 12 reports -Wmaybe-uninitialized inside
# libstdc++ (<regex>'s std::function moves): the sanitizers change what the
# optimizer sees (GCC documents such false positives). The plain builds keep it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND (TCONV_SANITIZE OR CMAKE_CXX_FLAGS MATCHES "-fsanitize="))
  target_compile_options(tconv_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-maybe-uninitialized>)
endif()
if(TCONV_WERROR)
  target_compile_options(tconv_warnings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-Werror>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Werror>)
endif()
