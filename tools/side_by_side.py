# SPDX-License-Identifier: Apache-2.0
"""Side-by-side: tinyml (native, reference) vs LiteRT (XNNPACK 1 thread, reference resolver).

For every int8 model in ../shared/models (and our digits model): median latency of each runtime
measured in one run on the same inputs (the shared goldens' in_<k>.bin), the ratios, and an
agreement check of all four outputs on all five inputs. Writes bench/side_by_side.md and
bench/side_by_side.png.

Usage: python tools/side_by_side.py [--tinyml build/tinyml] [--shared ../shared] [--iters 200] [--rounds 5]
Needs tools/requirements.txt (plus matplotlib for the chart) and a built `tinyml` CLI.
"""
import argparse
import os
import platform
import re
import subprocess
import tempfile
import time

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

MODELS = ["kws_dscnn_int8", "vww_96_int8", "resnet8_int8", "ad01_int8",
          "micro_speech_quantized", "hello_world_int8"]


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def tinyml_median(cli, model, arch, iters):
    out = subprocess.run([cli, "bench", model, "--iters", str(iters), "--arch", arch],
                         check=True, capture_output=True, text=True).stdout
    return float(re.search(r"^median_us: ([0-9.]+)$", out, re.M).group(1))


def tinyml_outputs(cli, model, inputs, arch):
    outs = []
    with tempfile.TemporaryDirectory() as d:
        for i, path in enumerate(inputs):
            o = os.path.join(d, f"o{i}.bin")
            subprocess.run([cli, "run", model, "--input", path, "--output", o, "--arch", arch],
                           check=True)
            outs.append(np.fromfile(o, dtype=np.uint8))
    return outs


def litert(model, resolver):
    it = Interpreter(model_path=model, num_threads=1, experimental_op_resolver_type=resolver)
    it.allocate_tensors()
    return it


def litert_run(it, raw):
    d = it.get_input_details()[0]
    it.set_tensor(d["index"], np.frombuffer(raw, dtype=d["dtype"]).reshape(d["shape"]))
    it.invoke()
    o = it.get_output_details()[0]
    return it.get_tensor(o["index"]).tobytes()


def litert_median(it, raw, iters):
    d = it.get_input_details()[0]
    x = np.frombuffer(raw, dtype=d["dtype"]).reshape(d["shape"])
    for _ in range(3):
        it.set_tensor(d["index"], x)
        it.invoke()
    ts = []
    for _ in range(iters):
        it.set_tensor(d["index"], x)  # outside the timed region, like `tinyml bench`
        t0 = time.perf_counter()
        it.invoke()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts)) * 1e6


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--tinyml", default=os.path.join(root, "build", "tinyml"))
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5,
                    help="tinyml native and XNNPACK are timed alternately this many times")
    ap.add_argument("--out", default=os.path.join(root, "bench"))
    args = ap.parse_args()
    rows = []
    for stem in MODELS:
        model = os.path.join(args.shared, "models", stem + ".tflite")
        gdir = os.path.join(args.shared, "models", "golden", stem)
        if not os.path.exists(model):
            print("skip", stem)
            continue
        inputs = [os.path.join(gdir, f"in_{k}.bin") for k in range(1, 6)]
        raws = [open(p, "rb").read() for p in inputs]
        xnn = litert(model, OpResolverType.AUTO)
        ref = litert(model, OpResolverType.BUILTIN_REF)
        # Agreement on all five inputs.
        nat_out = tinyml_outputs(args.tinyml, model, inputs, "native")
        gen_out = tinyml_outputs(args.tinyml, model, inputs, "reference")
        agree = {"tinyml ref": 0, "litert xnnpack": 0, "litert ref": 0}
        xnn_maxdiff = 0
        for k, raw in enumerate(raws):
            base = nat_out[k].tobytes()
            agree["tinyml ref"] += gen_out[k].tobytes() == base
            xo = litert_run(xnn, raw)
            agree["litert xnnpack"] += xo == base
            xnn_maxdiff = max(xnn_maxdiff, int(np.max(np.abs(
                np.frombuffer(xo, np.int8).astype(int) - np.frombuffer(base, np.int8).astype(int)))))
            agree["litert ref"] += litert_run(ref, raw) == base
        # Latency, all in this one run. The two fast runtimes alternate for several rounds and
        # each keeps its fastest round's median: the machine is shared, and a burst of other
        # load in one round must not decide the ratio.
        nat, xnnp = [], []
        for _ in range(args.rounds):
            nat.append(tinyml_median(args.tinyml, model, "native", args.iters))
            xnnp.append(litert_median(xnn, raws[0], args.iters))
        t = {
            "tinyml native": min(nat),
            "tinyml reference": tinyml_median(args.tinyml, model, "reference", max(10, args.iters // 10)),
            "litert xnnpack": min(xnnp),
            "litert reference": litert_median(ref, raws[0], max(10, args.iters // 10)),
        }
        per_round = [x / n for x, n in zip(xnnp, nat)]
        rows.append((stem, t, agree, xnn_maxdiff, per_round))
        print(stem, {k: round(v, 1) for k, v in t.items()}, agree, "xnnpack max |diff|", xnn_maxdiff,
              "rounds: native", [round(v, 1) for v in nat], "xnnpack", [round(v, 1) for v in xnnp])

    lines = [
        "# Side by side: tinyml vs LiteRT (single thread)",
        "",
        f"CPU: {cpu_model()} ({os.cpu_count()} cores). Command: `python tools/side_by_side.py"
        f"{'' if args.iters == 200 else f' --iters {args.iters}'}"
        f"{'' if args.rounds == 5 else f' --rounds {args.rounds}'}` ({args.iters} timed invokes per "
        "runtime, a tenth for the reference kernels). "
        "Median latency in microseconds per invoke, same inputs, one run; tinyml native and "
        f"XNNPACK are timed alternately {args.rounds} times and each keeps its fastest round's "
        "median (the machine is shared). Ratio > 1 means tinyml native is faster; the range is "
        "that of the rounds' own ratios. Agreement: identical output bytes to tinyml native on the five golden "
        "inputs (LiteRT's reference agrees except where its FULLY_CONNECTED rounds differently, "
        "see tools/litert_vs_tflm.md; XNNPACK requantizes in float and may differ in the last bit).",
        "",
        "| model | tinyml native | tinyml reference | LiteRT XNNPACK | LiteRT reference | XNNPACK / native | per round | agree: tinyml ref, XNNPACK, LiteRT ref (of 5) | XNNPACK max abs diff |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for stem, t, a, md, pr in rows:
        lines.append(
            f"| {stem} | {t['tinyml native']:.1f} | {t['tinyml reference']:.1f} | "
            f"{t['litert xnnpack']:.1f} | {t['litert reference']:.1f} | "
            f"{t['litert xnnpack'] / t['tinyml native']:.2f}x | {min(pr):.2f}-{max(pr):.2f} | "
            f"{a['tinyml ref']}, {a['litert xnnpack']}, {a['litert ref']} | {md} |")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "side_by_side.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        names = [r[0] for r in rows]
        keys = ["tinyml native", "litert xnnpack", "tinyml reference", "litert reference"]
        x = np.arange(len(names))
        fig, ax = plt.subplots(figsize=(10, 4.5))
        for i, key in enumerate(keys):
            ax.bar(x + (i - 1.5) * 0.2, [r[1][key] for r in rows], 0.2, label=key)
        ax.set_yscale("log")
        ax.set_xticks(x, names, rotation=15)
        ax.set_ylabel("median µs per invoke (log)")
        ax.set_title(f"tinyml vs LiteRT, 1 thread, {cpu_model()}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(args.out, "side_by_side.png"), dpi=110)
    except ImportError:
        print("matplotlib not installed: no chart")


if __name__ == "__main__":
    main()
