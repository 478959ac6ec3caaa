// SPDX-License-Identifier: MIT
#pragma once
// The device-side benchmark of tconv_cuda_check: the standard suite's kernel
// times (cudaEvents, median over rotated buffers so the L2 cache cannot hold
// the data) against the DRAM floor = bytes read + written once / measured
// device-to-device copy bandwidth, and the end-to-end time of a 1 MP 8-bit RGB
// image including upload and download.
namespace tconv::testing {

struct BenchOptions {
    int repeats = 50;
    bool json = false;  // also print one JSON object per line
};

// Returns the number of failed output checks (each case's output is compared
// with the reference once).
int runBenchmarks(const BenchOptions& options);

}  // namespace tconv::testing
