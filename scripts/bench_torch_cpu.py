#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""PyTorch CPU timing of ConvTranspose2d, for comparison with `tconv bench`.

Same case names, same input sizes and the same floor as `tconv bench` (the
time to memset a non-zero byte over an already-touched output-sized buffer,
the faster of one thread and all cores). Needs Debian's python3-torch, so run it with /usr/bin/python3:

    build/release/app/tconv bench --json --backend cpu > ours.jsonl
    /usr/bin/python3 scripts/bench_torch_cpu.py --ours ours.jsonl

By default only the headline case (1024x1024x3 depthwise k4 s2 p1); --suite
runs the whole standard suite (slow: PyTorch takes seconds per call here).
Prints a table, or one JSON object per line with --json; with --ours, also
PyTorch's median over ours for each case.
"""
import argparse
import ctypes
import json
import os
import statistics
import sys
import threading
import time

import numpy as np
import torch
import torch.nn.functional as F

# (name, channels, h, w, k, s, p, op, d, full), as `tconv bench` names them.
SUITE = [
    ("1024x1024x3 depthwise k4 s2 p1", 3, 1024, 1024, 4, 2, 1, 0, 1, False),
    ("1024x1024x3 depthwise k3 s2 p1 op1", 3, 1024, 1024, 3, 2, 1, 1, 1, False),
    ("512x512x3 depthwise k5 s3 p1", 3, 512, 512, 5, 3, 1, 0, 1, False),
    ("2048x2048x1 depthwise k4 s4", 1, 2048, 2048, 4, 4, 0, 0, 1, False),
    ("1024x1024x3 full 3->3 k4 s2 p1", 3, 1024, 1024, 4, 2, 1, 0, 1, True),
    ("1024x1024x3 depthwise k3 s2 p2 op1 d2", 3, 1024, 1024, 3, 2, 2, 1, 2, False),
]

LIBC = ctypes.CDLL(None)
LIBC.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]


def timed(fn, repeats):
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms), min(ms)


def floor_ms(count):
    """As `tconv bench`: median time to memset a non-zero byte over `count`
    floats (pages already touched), the faster of one thread and all cores
    (ctypes releases the GIL, so the threads really write in parallel)."""
    buf = np.ones(count, dtype=np.float32)
    one = timed(lambda: LIBC.memset(buf.ctypes.data, 0x3F, buf.nbytes), 7)[0]
    n = os.cpu_count() or 1
    if n == 1:
        return one
    parts = np.array_split(buf, n)

    def write_all():
        threads = [threading.Thread(target=LIBC.memset, args=(p.ctypes.data, 0x3F, p.nbytes)) for p in parts[1:]]
        for t in threads:
            t.start()
        LIBC.memset(parts[0].ctypes.data, 0x3F, parts[0].nbytes)
        for t in threads:
            t.join()

    return min(one, timed(write_all, 7)[0])


def bench_case(case, repeats):
    name, c, h, w, k, s, p, op, d, full = case
    gen = torch.Generator().manual_seed(42)
    x = torch.rand((1, c, h, w), generator=gen)
    weight = torch.rand((c, c if full else 1, k, k), generator=gen) - 0.5
    bias = torch.full((c,), 0.125)
    groups = 1 if full else c

    def run():
        return F.conv_transpose2d(x, weight, bias, stride=s, padding=p, output_padding=op, groups=groups, dilation=d)

    with torch.no_grad():
        out = run()  # warm-up
        med, mn = timed(run, repeats)
    out_h, out_w = out.shape[-2:]
    floor = floor_ms(out.numel())
    return {"case": name, "backend": "torch-cpu", "threads": torch.get_num_threads(), "median_ms": med,
            "min_ms": mn, "floor_ms": floor, "out_mpix_s": out_h * out_w / 1e3 / med, "ratio": med / floor,
            "torch": torch.__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", action="store_true", help="run the whole standard suite")
    ap.add_argument("--repeat", type=int, default=5, help="timed calls per case after one warm-up (default 5)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: all cores)")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--ours", help="`tconv bench --json` output to compare with")
    args = ap.parse_args()

    torch.set_num_threads(args.threads if args.threads > 0 else torch.multiprocessing.cpu_count())
    ours = {}
    if args.ours:
        with open(args.ours) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    if r.get("backend") == "cpu":
                        ours[r["case"]] = r
    if not args.json:
        print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads")
        print(f"{'case':<40} {'median_ms':>10} {'min_ms':>10} {'floor_ms':>9} {'ratio':>7} {'vs tconv':>9}")
    for case in SUITE if args.suite else SUITE[:1]:
        r = bench_case(case, args.repeat)
        mine = ours.get(r["case"])
        if mine:
            r["tconv_median_ms"] = mine["median_ms"]
            r["torch_over_tconv"] = r["median_ms"] / mine["median_ms"]
        if args.json:
            print(json.dumps(r))
        else:
            vs = f"{r['torch_over_tconv']:8.1f}x" if mine else f"{'-':>9}"
            print(f"{r['case']:<40} {r['median_ms']:10.1f} {r['min_ms']:10.1f} {r['floor_ms']:9.2f} "
                  f"{r['ratio']:7.1f} {vs}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
