# SPDX-License-Identifier: MIT
# Checks TCONV_QTEST_ALL_SKIPPED (tests/CMakeLists.txt) on recorded Qt Test
# outputs, with the regex engine CTest itself uses: only a run where nothing
# passed, nothing failed and nothing followed Qt's closing line may read as
# skipped. Run as `cmake -DREGEX=... -P SkipRegexCheck.cmake` (CTest test skip_regex).
set(head "********* Start testing of TestX *********\nConfig: Using QtTest library 6.4.2\n")
set(tail "********* Finished testing of TestX *********\n")

set(all_skipped "${head}SKIP   : TestX::initTestCase() no usable CUDA device\n   Loc: [x.cpp(6)]\nTotals: 0 passed, 0 failed, 1 skipped, 0 blacklisted, 9ms\n${tail}")
set(some_skipped "${head}PASS   : TestX::initTestCase()\nSKIP   : TestX::b() b skipped\nPASS   : TestX::cleanupTestCase()\nTotals: 2 passed, 0 failed, 1 skipped, 0 blacklisted, 1ms\n${tail}")
set(failed_and_skipped "${head}FAIL!  : TestX::a() a failed\nSKIP   : TestX::b() b skipped\nTotals: 0 passed, 1 failed, 1 skipped, 0 blacklisted, 3ms\n${tail}")
set(skipped_then_leak "${head}SKIP   : TestX::initTestCase() no device\nTotals: 0 passed, 0 failed, 1 skipped, 0 blacklisted, 6ms\n${tail}\n=================================================================\n==1==ERROR: LeakSanitizer: detected memory leaks\n")
set(skipped_then_race "${head}SKIP   : TestX::initTestCase() no device\nTotals: 0 passed, 0 failed, 2 skipped, 0 blacklisted, 6ms\n${tail}WARNING: ThreadSanitizer: data race (pid=1)\n")
set(passed "${head}PASS   : TestX::a()\nTotals: 3 passed, 0 failed, 0 skipped, 0 blacklisted, 1ms\n${tail}")

set(errors "")
foreach(case all_skipped)
  if(NOT "${${case}}" MATCHES "${REGEX}")
    string(APPEND errors "  ${case}: should read as skipped but does not\n")
  endif()
endforeach()
foreach(case some_skipped failed_and_skipped skipped_then_leak skipped_then_race passed)
  if("${${case}}" MATCHES "${REGEX}")
    string(APPEND errors "  ${case}: reads as skipped, which would hide its result\n")
  endif()
endforeach()
if(errors)
  message(FATAL_ERROR "skip regex [${REGEX}]:\n${errors}")
endif()
message(STATUS "skip regex: 1 skipped case matched, 5 others (partial skip, failure, leak, race, pass) did not")
