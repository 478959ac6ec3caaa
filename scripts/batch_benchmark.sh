#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Batch throughput: `tconv batch` against the obvious Python alternative
# (OpenCV I/O + PyTorch conv_transpose2d, one image after another) on the same
# generated folder: COUNT images around 512x512, PNG and JPEG alternating,
# 2x upsampling with bilinear k4 s2 p1. Prints images/s for tconv with
# --jobs 1 and 2 (and more with JOBS="1 2 4") and for Python, checks that
# both produce the same PNG pixels and prints the size of both sides' PNG
# outputs (tconv encodes PNG with libdeflate when built with it, Python with
# cv2.imwrite's zlib).
#
# usage: scripts/batch_benchmark.sh [TCONV_BINARY]
#   env: COUNT (default 240), WORK (default /tmp/tconv-batch-bench), JOBS
#        (default "1 2"), PYTHON (default /usr/bin/python3; needs python3-opencv
#        and python3-torch: apt-get install python3-opencv python3-torch)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
tconv="${1:-}"
if [[ -z "$tconv" ]]; then
    for c in "$root/build/release/app/tconv" "$root/build/app/tconv"; do
        [[ -x "$c" ]] && tconv="$c" && break
    done
fi
[[ -x "$tconv" ]] || { echo "batch_benchmark: no tconv binary (pass its path)" >&2; exit 2; }
count="${COUNT:-240}"
work="${WORK:-/tmp/tconv-batch-bench}"
jobs_list="${JOBS:-1 2}"
py="${PYTHON:-/usr/bin/python3}"
helper="$here/batch_benchmark.py"

"$py" -c 'import cv2, torch' 2>/dev/null || {
    echo "batch_benchmark: $py needs cv2 and torch (apt-get install python3-opencv python3-torch)" >&2
    exit 2
}

mkdir -p "$work"
if [[ "$(ls "$work/in" 2>/dev/null | wc -l)" -ne "$count" ]]; then
    rm -rf "$work/in"
    echo "generating $count images in $work/in ..." >&2
    "$py" "$helper" gen "$work/in" "$count"
fi

now() { date +%s.%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n / t }'; }
params=(--kernel bilinear --kernel-size 4 --stride 2 --padding 1 --backend cpu)

# Warm the page cache so the first contender does not pay for reading the folder.
cat "$work"/in/* > /dev/null

declare -A tconv_rate
for j in $jobs_list; do
    rm -rf "$work/out_tconv_j$j"
    t0=$(now)
    "$tconv" batch "$work/in" -o "$work/out_tconv_j$j" "${params[@]}" --jobs "$j" -q
    t1=$(now)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    tconv_rate[$j]=$(rate "$count" "$secs")
    echo "tconv batch --jobs $j: $count images in $secs s = ${tconv_rate[$j]} images/s"
done

rm -rf "$work/out_torch"
torch_version=$("$py" -c 'import torch; print(torch.__version__)')
torch_threads=$("$py" -c 'import torch; print(torch.get_num_threads())')
secs=$("$py" "$helper" torch "$work/in" "$work/out_torch")
torch_rate=$(rate "$count" "$secs")
echo "python (OpenCV + PyTorch $torch_version conv_transpose2d, $torch_threads threads): $count images in $secs s = $torch_rate images/s"

first_jobs=${jobs_list%% *}
diff=$("$py" "$helper" compare "$work/out_tconv_j$first_jobs" "$work/out_torch")
echo "largest PNG pixel difference tconv vs python: $diff (8-bit levels)"
png_bytes() { cat "$1"/*.png | wc -c; }
tconv_png=$(png_bytes "$work/out_tconv_j$first_jobs")
torch_png=$(png_bytes "$work/out_torch")
echo "PNG outputs: tconv $(awk -v b="$tconv_png" 'BEGIN { printf "%.2f", b / 1e6 }') MB," \
    "python $(awk -v b="$torch_png" 'BEGIN { printf "%.2f", b / 1e6 }') MB" \
    "($(awk -v a="$tconv_png" -v b="$torch_png" 'BEGIN { printf "%+.1f%%", 100 * (a / b - 1) }'))"
last_jobs=${jobs_list##* }
echo "speed-up over python: $(awk -v a="${tconv_rate[$last_jobs]}" -v b="$torch_rate" 'BEGIN { printf "%.1fx", a / b }') (--jobs $last_jobs)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
