#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One GPU session's checks, in the order of their value, each under its own
# time limit so that one hang or crash cannot cost the others (a lent GPU
# machine is held for minutes, not hours). Writes one file per step to OUT.
#
#   scripts/gpu_session.sh BUILD_DIR OUT_DIR
#
# BUILD_DIR holds app/tconv and tests/cuda/tconv_cuda_check from
#   cmake --preset engine-only -B BUILD_DIR -DCMAKE_CUDA_ARCHITECTURES=90 \
#     -DTCONV_WITH_TBB=OFF -DCMAKE_DISABLE_FIND_PACKAGE_hwy=ON \
#     -DTCONV_WITH_ONNX=OFF -DTCONV_WITH_LIBDEFLATE=OFF
# (built on any x86-64 machine with nvcc: those options leave only libstdc++
# and libc as shared libraries, so the binaries run on a bare GPU machine).
# Where they are missing it builds them there first (nvcc, CMake and ninja).
set -u
export PATH="$PATH:/usr/local/cuda/bin"
build=${1:?build dir}
out=${2:?output dir}
mkdir -p "$out"
check=$build/tests/cuda/tconv_cuda_check
tconv=$build/app/tconv

step() {  # step NAME SECONDS COMMAND...: output to OUT/NAME.txt, exit status appended
    local name=$1 limit=$2
    shift 2
    echo "== $name: $*" | tee -a "$out/$name.txt"
    timeout --kill-after=5 "$limit" "$@" >>"$out/$name.txt" 2>&1
    echo "== $name: exit $?" | tee -a "$out/$name.txt"
}

{
    nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,clocks.max.mem,memory.total --format=csv
    nvcc --version | tail -2
    uname -m
} >"$out/gpu.txt" 2>&1

if [ ! -x "$check" ] || ! "$check" --no-check --no-bench >/dev/null 2>&1; then
    step build 300 bash -c "cmake --preset engine-only -B '$build' -DCMAKE_CUDA_ARCHITECTURES=90 \
        -DTCONV_WITH_TBB=OFF -DTCONV_WITH_ONNX=OFF -DTCONV_WITH_LIBDEFLATE=OFF && \
        cmake --build '$build' -j --target tconv tconv_cuda_check"
fi

# 1. Equivalence against the reference (every variant, mixing, 8-bit, OOM).
step check 150 "$check" --no-bench
# 2. Kernel times of the standard suite and of the channel-mixing suite (GEMM
#    variant vs tiledKernel<4,2>), then PyTorch/cuDNN on the same cases.
step bench 60 "$check" --no-check --json
step mixing 60 "$check" --no-check --no-bench --mixing --json
step torch 120 env PYTHONUNBUFFERED=1 python3 scripts/bench_torch_cuda.py --ours "$out/bench.txt" \
    --mixing "$out/mixing.txt"
# 3. The CLI's own bench of the mixing suite (wall time with transfers).
step cli 45 "$tconv" bench --suite mixing --backend cuda --repeat 10
# 4. compute-sanitizer on a small subset (it slows kernels 10-100x). memcheck
# does not report failed API calls: the check plants a 1 PiB cudaMalloc.
step sanitizer 60 compute-sanitizer --tool memcheck --report-api-errors no --error-exitcode 9 "$check" --quick --seeds 4 --no-bench
step sanitizer 60 compute-sanitizer --tool racecheck --error-exitcode 9 "$check" --quick --seeds 4 --no-bench
step sanitizer 40 compute-sanitizer --tool synccheck --error-exitcode 9 "$check" --quick --seeds 2 --no-bench
exit 0
