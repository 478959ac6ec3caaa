#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PyTorch/cuDNN timing of the standard suite on the GPU, for comparison with
tconv_cuda_check (same case names, same DRAM floor, same rotation of buffers).

Run on the GPU machine, in the same session as tconv_cuda_check:

    build/engine/tests/cuda/tconv_cuda_check --json --no-check | tee cuda.txt
    python3 scripts/bench_torch_cuda.py --ours cuda.txt

Prints a table and one JSON object per line (--json); with --ours it also
prints, per case, our median over PyTorch's and both ratios to the floor.
float32 throughout: TF32 is off unless --allow-tf32 (it would not meet 1e-5).
"""
import argparse
import json
import statistics
import sys

import torch
import torch.nn.functional as F

# (name, channels, h, w, k, s, p, op, d, full) as in tests/cuda/CudaBench.cpp.
SUITE = [
    ("1024x1024x3 depthwise k4 s2 p1", 3, 1024, 1024, 4, 2, 1, 0, 1, False),
    ("1024x1024x3 depthwise k3 s2 p1 op1", 3, 1024, 1024, 3, 2, 1, 1, 1, False),
    ("512x512x3 depthwise k5 s3 p1", 3, 512, 512, 5, 3, 1, 0, 1, False),
    ("2048x2048x1 depthwise k4 s4", 1, 2048, 2048, 4, 4, 0, 0, 1, False),
    ("1024x1024x3 full 3->3 k4 s2 p1", 3, 1024, 1024, 4, 2, 1, 0, 1, True),
    ("1024x1024x3 depthwise k3 s2 p2 op1 d2", 3, 1024, 1024, 3, 2, 2, 1, 2, False),
]

# (h, w, c_in, c_out), k4 s2 p1, as in tests/cuda/MixingGemmBench.cpp.
MIXING = [(128, 128, 64, 64), (64, 64, 256, 256), (32, 32, 512, 512),
          (64, 64, 512, 256), (128, 128, 256, 128), (256, 256, 128, 64)]


def time_calls(fn, repeats):
    """Median and min in ms, one CUDA event pair per call."""
    events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(repeats)]
    for i, (start, end) in enumerate(events):
        start.record()
        fn(i)
        end.record()
    torch.cuda.synchronize()
    ms = [s.elapsed_time(e) for s, e in events]
    return statistics.median(ms), min(ms)


def copy_bandwidth(repeats):
    """Device-to-device copy bandwidth in bytes/s, counting read + write."""
    free, _ = torch.cuda.mem_get_info()
    n = min(1 << 30, free // 4) // 4
    a = torch.ones(n, device="cuda")
    b = torch.empty_like(a)
    for _ in range(3):
        b.copy_(a)
    med, _ = time_calls(lambda i: b.copy_(a), repeats)
    return 2.0 * n * 4 / (med * 1e-3)


def bench_case(case, bandwidth, repeats, l2_bytes):
    name, c, h, w, k, s, p, op, d, full = case
    groups = 1 if full else c
    gen = torch.Generator(device="cuda").manual_seed(2024)
    weight = torch.rand((c, c if full else 1, k, k), device="cuda", generator=gen) * 2 - 1
    out_h = (h - 1) * s - 2 * p + d * (k - 1) + op + 1
    out_w = (w - 1) * s - 2 * p + d * (k - 1) + op + 1
    in_bytes, out_bytes = c * h * w * 4, c * out_h * out_w * 4
    sets = max(2, min(8, 3 * l2_bytes // (in_bytes + out_bytes) + 1))
    inputs = [torch.rand((1, c, h, w), device="cuda", generator=gen) * 2 - 1 for _ in range(sets)]

    def run(i):
        return F.conv_transpose2d(inputs[i % sets], weight, stride=s, padding=p, output_padding=op,
                                  groups=groups, dilation=d)

    for i in range(5):  # warm-up (cudnn.benchmark picks its algorithm here)
        run(i)
    med, mn = time_calls(run, repeats)
    floor_ms = (in_bytes + out_bytes + weight.numel() * 4) / bandwidth * 1e3
    return {"case": name, "backend": "torch-cudnn", "device": torch.cuda.get_device_name(0),
            "median_ms": med, "min_ms": mn, "floor_ms": floor_ms, "floor_ratio": med / floor_ms,
            "out_mpix_s": out_h * out_w / 1e6 / (med * 1e-3), "copy_gbs": bandwidth / 1e9}


def bench_end_to_end(repeats):
    """1024x1024 8-bit RGB: upload bytes, to float, depthwise k4 s2 p1, quantize, download bytes."""
    import time
    img = torch.randint(0, 256, (1024, 1024, 3), dtype=torch.uint8)
    weight = torch.rand((3, 1, 4, 4), device="cuda")

    def once():
        x = img.cuda().permute(2, 0, 1).unsqueeze(0).float().div_(255)
        y = F.conv_transpose2d(x, weight, stride=2, padding=1, groups=3)
        out = y.clamp_(0, 1).mul_(255).round_().to(torch.uint8)[0].permute(1, 2, 0).contiguous().cpu()
        return out

    for _ in range(3):
        once()
    wall = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        once()
        wall.append((time.perf_counter() - t0) * 1e3)
    return {"case": "end-to-end 1024x1024 rgb8 k4 s2 p1, 8-bit out", "backend": "torch-cudnn",
            "device": torch.cuda.get_device_name(0), "wall_median_ms": statistics.median(wall)}


def bench_mixing(repeats):
    """cuDNN on the channel-mixing suite; TFLOP/s counts 2 * H*W*C_in*C_out*k*k."""
    rows = []
    for h, w, cin, cout in MIXING:
        gen = torch.Generator(device="cuda").manual_seed(7)
        x = torch.rand((1, cin, h, w), device="cuda", generator=gen) * 2 - 1
        weight = torch.rand((cin, cout, 4, 4), device="cuda", generator=gen) * 2 - 1

        def run(i):
            return F.conv_transpose2d(x, weight, stride=2, padding=1)

        for i in range(5):
            run(i)
        med, mn = time_calls(run, repeats)
        flops = 2.0 * h * w * cin * cout * 16
        rows.append({"case": f"mixing {h}x{w}x{cin} -> {cout} k4 s2 p1", "backend": "torch-cudnn",
                     "median_ms": med, "min_ms": mn, "tflops": flops / (med * 1e-3) / 1e12})
    return rows


def load_ours(path):
    ours = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                row = json.loads(line)
                ours[row["case"]] = row
    return ours


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--json", action="store_true", help="print one JSON object per line")
    ap.add_argument("--ours", help="output of tconv_cuda_check --json, to compare against")
    ap.add_argument("--allow-tf32", action="store_true")
    ap.add_argument("--mixing", help="output of tconv_cuda_check --mixing --json: compare the mixing suite too")
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print("SKIPPED: torch sees no CUDA device")
        return 0
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = args.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = args.allow_tf32
    props = torch.cuda.get_device_properties(0)
    l2 = getattr(props, "L2_cache_size", 50 << 20)
    bandwidth = copy_bandwidth(args.repeats)
    print(f"torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}, {props.name}: "
          f"device-to-device copy {bandwidth / 1e9:.1f} GB/s (read + write)")
    rows = [bench_case(c, bandwidth, args.repeats, l2) for c in SUITE]
    rows.append(bench_end_to_end(max(5, args.repeats // 2)))
    ours = load_ours(args.ours) if args.ours else {}
    print(f"\n{'case':40} {'median_ms':>10} {'min_ms':>9} {'floor_ms':>9} {'x_floor':>8}"
          + (f" {'ours_ms':>9} {'ours_x_floor':>12} {'torch/ours':>10}" if ours else ""))
    for r in rows:
        if "median_ms" not in r:
            o = ours.get(r["case"])
            extra = f"  ours {o['wall_median_ms']:.3f} ms" if o else ""
            print(f"{r['case']:40} wall {r['wall_median_ms']:.3f} ms{extra}")
            continue
        line = f"{r['case']:40} {r['median_ms']:10.4f} {r['min_ms']:9.4f} {r['floor_ms']:9.4f} {r['floor_ratio']:8.2f}"
        o = ours.get(r["case"])
        if o:
            line += f" {o['median_ms']:9.4f} {o['floor_ratio']:12.2f} {r['median_ms'] / o['median_ms']:10.2f}"
        print(line)
    if args.mixing:
        mine = load_ours(args.mixing)
        mix = bench_mixing(args.repeats)
        print(f"\n{'mixing case':34} {'torch_ms':>9} {'torch_TF/s':>10} {'ours_ms':>9} {'ours_TF/s':>9} {'torch/ours':>10}")
        for r in mix:
            o = mine.get(r["case"], {})
            ours_ms = o.get("gemm_median_ms")
            tail = (f" {ours_ms:9.4f} {o['gemm_tflops']:9.2f} {r['median_ms'] / ours_ms:10.2f}" if ours_ms else "")
            print(f"{r['case']:34} {r['median_ms']:9.4f} {r['tflops']:10.2f}" + tail)
        rows += mix
    if args.json:
        for r in rows:
            print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
