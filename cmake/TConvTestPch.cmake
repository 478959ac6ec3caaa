# SPDX-License-Identifier: MIT
# One precompiled header for all Qt Test executables.
#
# Why: every test source starts with #include <QtTest>, which pulls in the
# whole QtCore module (~240k preprocessed lines): measured 8.4 s of CPU to
# parse on its own, 60-80 % of compiling a test (test_geometry.cpp: 11.4 s in
# all, 9.6 s of it -fsyntax-only). CI compiles ~50 tests in the Release build
# and ~30 again under ASan. Parsed once into a PCH (holder: 24-35 s of CPU),
# a Release test object takes 3-6.5 s of CPU instead of 11-18 (under load 20).
#
# How: tconv_add_qt_test() registers each test (tconv_test_pch_register).
# When tests/ has been processed -- after every folder has added its tests and
# linked their extra libraries -- tconv_test_pch_apply() sorts the tests by the
# Qt modules they end up with (QtTest's headers change with QT_GUI_LIB,
# QT_WIDGETS_LIB and QT_NETWORK_LIB: a test linking the studio gets
# QApplication and the widget helpers), builds one PCH holder per kind used by
# two or more tests, and makes each test REUSE_FROM its holder. A kind used by
# one test compiles the plain way (a PCH costs ~2.5 parses to build).
#
# GCC uses a PCH only when every macro it mentions is defined as it was when
# the PCH was built. Qt Test defines QT_TESTCASE_BUILDDIR/SOURCEDIR per test
# folder for QFINDTESTDATA and QTEST_MAIN's source-path lookup; no test uses
# them (fixtures come from TCONV_FIXTURES_DIR), so the tests and the holders
# undefine both. CMake compiles with -Winvalid-pch, which -Werror (CI) turns
# into a build error: a PCH that GCC would silently ignore fails the build
# instead of quietly costing the time again.
#
# TCONV_TEST_PCH=OFF builds the tests without it (e.g. to check that each test
# source includes what it uses).
option(TCONV_TEST_PCH "Precompile Qt Test and common standard headers once for all test executables" ON)

# What every holder precompiles, besides the module headers of its kind. Only
# system headers: a project header in a PCH would rebuild every test when it
# changes, and would hide a missing #include in a test.
set(TCONV_TEST_PCH_HEADERS
    <QtTest> <algorithm> <array> <atomic> <chrono> <cmath> <cstdint> <cstdio> <cstdlib> <cstring> <filesystem>
    <fstream> <functional> <limits> <map> <memory> <numeric> <optional> <random> <set> <sstream> <string>
    <thread> <tuple> <utility> <vector>)
set(TCONV_TEST_PCH_OPTIONS -UQT_TESTCASE_BUILDDIR -UQT_TESTCASE_SOURCEDIR)
# GCC before 13 does not keep a header's `#pragma GCC diagnostic` in a PCH
# (GCC bug 64117, fixed in 13). libstdc++'s char_traits.h turns off
# -Wstringop-overflow, -Wstringop-overread and -Warray-bounds around its
# memcpy/memmove helpers with such a pragma; with the PCH they fire again, on
# `"literal" + std::string` inlined into a test (test_audit.cpp's
# `"c" + std::to_string(index)`; the same source compiles clean without the
# PCH, and with the same headers force-included as text). So under GCC 12 the
# tests built with the PCH do without these three warnings; the engine, app and
# studio code keep them, and the tests still run under ASan, which checks real
# bounds.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND TCONV_TEST_PCH_OPTIONS -Wno-stringop-overflow -Wno-stringop-overread -Wno-array-bounds)
endif()

# tconv_test_pch_register(<test target>): use the shared PCH for this test.
function(tconv_test_pch_register target)
  if(TCONV_TEST_PCH)
    set_property(GLOBAL APPEND PROPERTY TCONV_TEST_PCH_TARGETS ${target})
  endif()
endfunction()

# _tconv_link_closure(<target> <out var>): every target <target> links,
# directly or through the link interfaces of what it links.
function(_tconv_link_closure target out)
  set(seen "")
  set(todo ${target})
  while(todo)
    list(POP_FRONT todo t)
    if(NOT TARGET ${t} OR t IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${t})
    get_target_property(aliased ${t} ALIASED_TARGET)
    if(aliased)
      list(APPEND todo ${aliased})
    endif()
    set(links "")
    get_target_property(imported ${t} IMPORTED)
    get_target_property(type ${t} TYPE)
    if(NOT imported AND NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(direct ${t} LINK_LIBRARIES)
      if(direct)
        list(APPEND links ${direct})
      endif()
    endif()
    get_target_property(interface ${t} INTERFACE_LINK_LIBRARIES)
    if(interface)
      list(APPEND links ${interface})
    endif()
    foreach(item IN LISTS links)
      # $<LINK_ONLY:X> is still linked; other generator expressions and the
      # ::@(dir) markers of cross-directory target_link_libraries are not targets.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
      if(NOT item MATCHES "^\\$<|^::@")
        list(APPEND todo ${item})
      endif()
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# _tconv_test_pch_kind(<test> <out var>): "core", or the Qt modules that change
# QtTest's headers joined by "_" (e.g. "gui_widgets").
function(_tconv_test_pch_kind target out)
  _tconv_link_closure(${target} closure)
  set(kind "")
  foreach(module Gui Widgets Network)
    if(Qt6::${module} IN_LIST closure)
      string(TOLOWER ${module} m)
      list(APPEND kind ${m})
    endif()
  endforeach()
  if(NOT kind)
    set(kind core)
  endif()
  list(JOIN kind "_" kind)
  set(${out} ${kind} PARENT_SCOPE)
endfunction()

# tconv_test_pch_apply(): run once, when every test is defined (deferred to the
# end of tests/CMakeLists.txt).
function(tconv_test_pch_apply)
  get_property(tests GLOBAL PROPERTY TCONV_TEST_PCH_TARGETS)
  set(kinds "")
  foreach(test IN LISTS tests)
    _tconv_test_pch_kind(${test} kind)
    list(APPEND kinds ${kind})
    list(APPEND tests_${kind} ${test})
  endforeach()
  list(REMOVE_DUPLICATES kinds)
  foreach(kind IN LISTS kinds)
    list(LENGTH tests_${kind} count)
    if(count LESS 2)
      continue()
    endif()
    set(holder tconv_test_pch_${kind})
    set(source ${CMAKE_CURRENT_BINARY_DIR}/${holder}.cpp)
    file(CONFIGURE OUTPUT ${source} CONTENT "// Compiles the shared test PCH (cmake/TConvTestPch.cmake).\n")
    add_library(${holder} OBJECT ${source})
    set_target_properties(${holder} PROPERTIES AUTOMOC OFF)
    set(headers ${TCONV_TEST_PCH_HEADERS})
    set(modules Qt6::Test)
    string(REPLACE "_" ";" kind_modules "${kind}")
    foreach(m IN LISTS kind_modules)
      if(NOT m STREQUAL "core")
        string(SUBSTRING ${m} 0 1 first)
        string(TOUPPER ${first} first)
        string(SUBSTRING ${m} 1 -1 rest)
        list(APPEND modules Qt6::${first}${rest})
        list(APPEND headers <Qt${first}${rest}>)
      endif()
    endforeach()
    # The holder gets the compile definitions and options a test gets from
    # tconv_add_qt_test's own libraries (tconv_engine's definitions are not
    # mentioned by Qt or the standard library, so they need not match).
    target_link_libraries(${holder} PRIVATE ${modules} tconv_warnings)
    target_compile_options(${holder} PRIVATE ${TCONV_TEST_PCH_OPTIONS})
    target_precompile_headers(${holder} PRIVATE ${headers})
    foreach(test IN LISTS tests_${kind})
      target_compile_options(${test} PRIVATE ${TCONV_TEST_PCH_OPTIONS})
      target_precompile_headers(${test} REUSE_FROM ${holder})
      # AUTOMOC's mocs_compilation.cpp is an empty stub when the test includes
      # its own .moc (all do): loading the PCH would cost it ~2 s of CPU.
      get_target_property(binary_dir ${test} BINARY_DIR)
      set_source_files_properties(${binary_dir}/${test}_autogen/mocs_compilation.cpp TARGET_DIRECTORY ${test}
                                  PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    endforeach()
    message(STATUS "TConv: test PCH ${holder} shared by ${count} tests")
  endforeach()
endfunction()
