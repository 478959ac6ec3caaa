#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Times channel-mixing ConvTranspose2d layers with tconv and with the libraries
users would otherwise pick -- ONNX Runtime and OpenVINO (both from PyPI) -- in
the same run, interleaved: each round times every case with every tool in
turn, so a load that comes and goes hits all of them alike.

    scripts/bench_peers.py [--tconv build/release/app/tconv] [--rounds 3] [--repeat 10]
                           [--threads N] [--case HxWxCIN:COUT ...] [--json]

The peers live in a virtual environment the script creates on first use
(build/peers-venv, or --venv DIR) with pip: onnxruntime, openvino, onnx,
numpy. A peer that cannot be installed or imported is skipped with a message;
tconv alone is still timed. Each case is k4 s2 p1 with bias, batch 1, float32.

Each round also times numpy's float32 matmul (2048^3, its bundled OpenBLAS):
a library SGEMM rate to set beside the peak tconv measures with its own kernel.

Per case and tool: the median over rounds of each round's median time, and the
range over rounds. tconv's compute floor (compute_floor_ms: 2 * multiply-adds
at the packed-SGEMM peak measured by `tconv bench` in the same run) and the
peers' time divided by tconv's are printed beside it.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CASES = ["128x128x64:64", "64x64x256:256", "32x32x512:512", "64x64x512:256", "128x128x256:128",
                 "256x256x128:64"]
PEER_PACKAGES = ["numpy", "onnx", "onnxruntime", "openvino"]


def parse_case(text):
    try:
        size, cout = text.split(":")
        h, w, cin = (int(v) for v in size.split("x"))
        cout = int(cout)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--case: expected HxWxC_in:C_out (e.g. 64x64x256:256), got '{text}'")
    if min(h, w, cin, cout) <= 0:
        raise argparse.ArgumentTypeError(f"--case: sizes must be positive, got '{text}'")
    return {"h": h, "w": w, "cin": cin, "cout": cout}


def case_name(c):
    return f"{c['h']}x{c['w']}x{c['cin']} full {c['cin']}->{c['cout']} k4 s2 p1"


def ensure_venv(venv):
    """The venv's python, created and filled on first use; None when that fails."""
    python = os.path.join(venv, "bin", "python")
    marker = os.path.join(venv, ".peers-installed")
    if os.path.exists(marker):
        return python
    try:
        if not os.path.exists(python):
            print(f"# creating {venv} for the peers (one time)", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        # One at a time: a peer that fails to install leaves the others.
        for pkg in PEER_PACKAGES:
            r = subprocess.run([python, "-m", "pip", "install", "-q", pkg], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"# pip install {pkg} failed; peers needing it are skipped:\n{r.stderr.strip()[-400:]}",
                      file=sys.stderr)
        open(marker, "w").close()
        return python
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"# no virtual environment for the peers ({e}); timing tconv only", file=sys.stderr)
        return None


# ---- the peer side, run inside the venv ------------------------------------

def onnx_model(c, path):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper
    rng = np.random.default_rng(42)
    w = (rng.random((c["cin"], c["cout"], 4, 4), dtype=np.float32) - 0.5)
    b = np.full((c["cout"],), 0.125, dtype=np.float32)
    node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], kernel_shape=[4, 4], strides=[2, 2],
                            pads=[1, 1, 1, 1])
    graph = helper.make_graph(
        [node], "tconv_peer",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c["cin"], c["h"], c["w"]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, c["cout"], 2 * c["h"], 2 * c["w"]])],
        [helper.make_tensor("w", TensorProto.FLOAT, w.shape, w.flatten().tolist()),
         helper.make_tensor("b", TensorProto.FLOAT, b.shape, b.tolist())])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = min(model.ir_version, 8)
    onnx.save(model, path)


def time_runs(fn, repeat):
    fn()
    fn()  # warm-up: allocation, JIT, threads
    ms = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms)


def numpy_sgemm_gflops(np, threads):
    """numpy's float32 matmul rate (its bundled OpenBLAS): a library GEMM peak to set beside tconv's."""
    n = 2048
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    b = np.random.default_rng(1).random((n, n), dtype=np.float32)
    ms = time_runs(lambda: a @ b, 5)
    return 2.0 * n ** 3 / (ms * 1e6)


def peer_worker(args):
    """Reads one request (case, tool) per line on stdin, answers one JSON line each."""
    # numpy's OpenBLAS reads these when it loads: the same thread count as the others.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np
    versions = {}
    try:
        import onnxruntime as ort
        versions["onnxruntime"] = ort.__version__
    except Exception as e:  # noqa: BLE001 -- any import failure means: skip
        ort = None
        print(json.dumps({"skip": "onnxruntime", "why": str(e)}), flush=True)
    try:
        import openvino as ov
        versions["openvino"] = ov.__version__ if hasattr(ov, "__version__") else ov.get_version()
    except Exception as e:  # noqa: BLE001
        ov = None
        print(json.dumps({"skip": "openvino", "why": str(e)}), flush=True)
    print(json.dumps({"versions": versions}), flush=True)
    tmp = tempfile.mkdtemp(prefix="tconv-peers-")
    sessions = {}
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("tool") == "numpy-sgemm":
            print(json.dumps({"gflops": numpy_sgemm_gflops(np, args.threads)}), flush=True)
            continue
        c, tool = req["case"], req["tool"]
        key = (case_name(c), tool)
        try:
            if key not in sessions:
                path = os.path.join(tmp, f"{c['h']}x{c['w']}x{c['cin']}_{c['cout']}.onnx")
                if not os.path.exists(path):
                    onnx_model(c, path)
                x = np.random.default_rng(1).random((1, c["cin"], c["h"], c["w"]), dtype=np.float32)
                if tool == "onnxruntime" and ort:
                    so = ort.SessionOptions()
                    so.intra_op_num_threads = args.threads
                    so.inter_op_num_threads = 1
                    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
                    sessions[key] = lambda s=s, x=x: s.run(None, {"x": x})
                elif tool == "openvino" and ov:
                    core = ov.Core()
                    compiled = core.compile_model(core.read_model(path), "CPU", {
                        "INFERENCE_NUM_THREADS": str(args.threads), "PERFORMANCE_HINT": "LATENCY",
                        "INFERENCE_PRECISION_HINT": "f32"})
                    request = compiled.create_infer_request()
                    sessions[key] = lambda r=request, x=x: r.infer({0: x})
                else:
                    print(json.dumps({"ms": None}), flush=True)
                    continue
            print(json.dumps({"ms": time_runs(sessions[key], args.repeat)}), flush=True)
        except Exception as e:  # noqa: BLE001 -- report and go on with the others
            print(json.dumps({"ms": None, "error": str(e)[-300:]}), flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


# ---- the driver --------------------------------------------------------------

def find_tconv(given):
    for p in ([given] if given else []) + [os.path.join(ROOT, "build", d, "app", "tconv")
                                          for d in ("release", "gemm", "debug")]:
        if p and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    sys.exit("bench_peers.py: no tconv binary found; build it or pass --tconv PATH")


def time_tconv(tconv, c, args):
    cmd = [tconv, "bench", "--size", f"{c['h']}x{c['w']}x{c['cin']}", "--out-channels", str(c["cout"]),
           "--kernel-size", "4", "--stride", "2", "--padding", "1", "--backend", "cpu", "--json",
           "--repeat", str(args.repeat), "--threads", str(args.threads)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench_peers.py: {' '.join(cmd)} failed: {r.stderr.strip()}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def driver(args):
    tconv = find_tconv(args.tconv)
    python = None if args.no_peers else ensure_venv(args.venv)
    worker = None
    peers = []
    versions = {}
    if python:
        worker = subprocess.Popen([python, os.path.abspath(__file__), "--worker", "--threads", str(args.threads),
                                   "--repeat", str(args.repeat)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)
        for line in worker.stdout:
            msg = json.loads(line)
            if "skip" in msg:
                print(f"# skipping {msg['skip']}: {msg['why']}", file=sys.stderr)
            if "versions" in msg:
                versions = msg["versions"]
                peers = list(versions)
                break

    def ask(c, tool):
        worker.stdin.write(json.dumps({"case": c, "tool": tool}) + "\n")
        worker.stdin.flush()
        msg = json.loads(worker.stdout.readline())
        if msg.get("error"):
            print(f"# {tool} {case_name(c)}: {msg['error']}", file=sys.stderr)
        return msg.get("ms")

    results = {case_name(c): {"tconv": [], "floor": [], "peak": [], **{p: [] for p in peers}} for c in args.case}
    library_peaks = []  # numpy's SGEMM GFLOP/s, once per round
    load_before = os.getloadavg()
    for rnd in range(args.rounds):
        for c in args.case:
            res = results[case_name(c)]
            # The tools in a different order each round: none always runs first.
            tools = ["tconv"] + peers
            tools = tools[rnd % len(tools):] + tools[:rnd % len(tools)]
            for tool in tools:
                if tool == "tconv":
                    j = time_tconv(tconv, c, args)
                    res["tconv"].append(j["median_ms"])
                    res["floor"].append(j["compute_floor_ms"])
                    res["peak"].append(j["peak_gflops"])
                else:
                    ms = ask(c, tool)
                    if ms is not None:
                        res[tool].append(ms)
        if worker:
            worker.stdin.write(json.dumps({"tool": "numpy-sgemm"}) + "\n")
            worker.stdin.flush()
            library_peaks.append(json.loads(worker.stdout.readline())["gflops"])
    load_after = os.getloadavg()
    if worker:
        worker.stdin.close()
        worker.wait()

    def rng(v):
        return f"{min(v):.1f}-{max(v):.1f}" if v else "n/a"

    header = {"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(), "threads": args.threads,
              "rounds": args.rounds, "repeat": args.repeat, "load_before": [round(x, 2) for x in load_before],
              "load_after": [round(x, 2) for x in load_after], "tconv": tconv, "peers": versions,
              "tconv_peak_gflops": statistics.median([p for r in results.values() for p in r["peak"]]),
              "numpy_sgemm_gflops": statistics.median(library_peaks) if library_peaks else None}
    if args.json:
        print(json.dumps(header))
    else:
        print(f"# {header['cpus']} CPUs, {args.threads} threads, {args.rounds} rounds x {args.repeat} runs; "
              f"load average before {header['load_before']}, after {header['load_after']}; peers {versions or 'none'}")
        lib = header["numpy_sgemm_gflops"]
        print(f"# SGEMM peak: tconv's kernel {header['tconv_peak_gflops']:.1f} GFLOP/s (median over its runs), "
              f"numpy/OpenBLAS 2048^3 {'%.1f GFLOP/s' % lib if lib else 'n/a'}")
        cols = ["case", "tconv ms", "floor ms", "tconv/floor"] + [f"{p} ms" for p in peers] + \
               [f"{p}/tconv" for p in peers]
        print(" | ".join(cols))
    for c in args.case:
        res = results[case_name(c)]
        t = statistics.median(res["tconv"])
        floor = statistics.median(res["floor"])
        row = {"case": case_name(c), "tconv_ms": t, "tconv_range_ms": [min(res["tconv"]), max(res["tconv"])],
               "compute_floor_ms": floor, "tconv_over_floor": t / floor}
        for p in peers:
            if res[p]:
                row[f"{p}_ms"] = statistics.median(res[p])
                row[f"{p}_range_ms"] = [min(res[p]), max(res[p])]
                row[f"{p}_over_tconv"] = statistics.median(res[p]) / t
        if args.json:
            print(json.dumps(row))
        else:
            cells = [row["case"], f"{t:.1f} ({rng(res['tconv'])})", f"{floor:.1f}", f"{t / floor:.2f}"]
            cells += [f"{row[p + '_ms']:.1f} ({rng(res[p])})" if res[p] else "n/a" for p in peers]
            cells += [f"{row[p + '_over_tconv']:.2f}" if res[p] else "n/a" for p in peers]
            print(" | ".join(cells))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tconv", help="the tconv binary (default: build/release/app/tconv, then other build folders)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=10, help="timed runs per tool, case and round")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--case", type=parse_case, action="append",
                    help="HxWxC_in:C_out, repeatable (default: the six decoder layers of issue 16)")
    ap.add_argument("--venv", default=os.path.join(ROOT, "build", "peers-venv"))
    ap.add_argument("--no-peers", action="store_true", help="time tconv only")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rounds <= 0 or args.repeat <= 0 or args.threads <= 0:
        ap.error("--rounds, --repeat and --threads must be positive")
    if args.worker:
        return peer_worker(args)
    args.case = args.case or [parse_case(c) for c in DEFAULT_CASES]
    driver(args)


if __name__ == "__main__":
    main()
