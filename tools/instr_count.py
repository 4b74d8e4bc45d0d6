# SPDX-License-Identifier: Apache-2.0
"""Instructions per steady-state inference of `tinyml bench`, counted by valgrind (cachegrind).

Runs `tinyml bench MODEL --iters N` under cachegrind for N = A and N = B and reports
(Ir(B) - Ir(A)) / (B - A): loading, planning, the warm-up invoke and the timing code cancel out.
Writes a markdown table against the targets (the anchors of issue #5) with --markdown.

Usage: python tools/instr_count.py [--tinyml build/tinyml] [--models DIR] [--arch native]
                                   [--a 1] [--b 11] [--markdown bench/instructions_x86.md]
"""
import argparse
import os
import platform
import re
import subprocess
import tempfile

MODELS = ["kws_dscnn_int8", "vww_96_int8", "resnet8_int8", "ad01_int8"]
# Instruction budgets per inference (issue #5 anchors).
TARGETS = {"kws_dscnn_int8": 1.56e6, "vww_96_int8": 4.62e6, "resnet8_int8": 6.97e6,
           "ad01_int8": 0.131e6}
# This tool's figures for the AVX2 kernels before issue #5 (same method, same machine).
BEFORE = {"kws_dscnn_int8": 2.100e6, "vww_96_int8": 6.229e6, "resnet8_int8": 6.625e6,
          "ad01_int8": 0.129e6}
# TensorFlow Lite Micro's x86-64 arena for the same models (bytes): ours must not exceed it.
TFLM_ARENA = {"kws_dscnn_int8": 24000, "vww_96_int8": 103392, "resnet8_int8": 55712,
              "ad01_int8": 3424}


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def total_ir(cli, model, iters, arch):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        r = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                            f"--cachegrind-out-file={out}", cli, "bench", model,
                            "--iters", str(iters), "--arch", arch],
                           check=True, capture_output=True, text=True)
        m = re.search(r"I\s+refs:\s+([0-9,]+)", r.stderr)
        return int(m.group(1).replace(",", ""))


def arena(cli, model):
    out = subprocess.run([cli, "info", model], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^arena_bytes: (\d+)$", out, re.M).group(1))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--tinyml", default=os.path.join(here, "..", "build", "tinyml"))
    ap.add_argument("--models", default=os.path.join(here, "..", "..", "shared", "models"))
    ap.add_argument("--arch", default="native")
    ap.add_argument("--a", type=int, default=1)
    ap.add_argument("--b", type=int, default=11)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--markdown", default=None)
    args = ap.parse_args()
    rows = []
    for name in args.only or MODELS:
        model = os.path.join(args.models, name + ".tflite")
        ia = total_ir(args.tinyml, model, args.a, args.arch)
        ib = total_ir(args.tinyml, model, args.b, args.arch)
        per = (ib - ia) / (args.b - args.a)
        t = TARGETS.get(name)
        ab = arena(args.tinyml, model)
        rows.append((name, per, t, ab))
        print(f"{name}: {per / 1e6:.3f} M instructions/inference"
              + (f" (target {t / 1e6:.3f} M, {'OK' if per <= t else 'OVER'})" if t else "")
              + f", arena {ab} bytes", flush=True)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("# Instructions per inference (x86-64, AVX2 path)\n\n")
            f.write(f"CPU: {cpu_model()}. Counted with valgrind cachegrind: "
                    f"(Ir(`tinyml bench MODEL --iters {args.b}`) - Ir(`--iters {args.a}`)) / "
                    f"{args.b - args.a}, i.e. one steady-state invoke. Reproduce: "
                    f"`python tools/instr_count.py --tinyml build/tinyml --markdown "
                    f"bench/instructions_x86.md` (Release build, default TINYML_ARCH=native, which "
                    f"selects the AVX2 kernels on this CPU). Instruction counts are stable from run "
                    f"to run, unlike latencies on this shared machine.\n\n")
            f.write("| model | instructions / inference | before #5 | target | within target "
                    "| arena bytes | TFLM x86-64 arena |\n")
            f.write("|---|---:|---:|---:|---|---:|---:|\n")
            for name, per, t, ab in rows:
                lim = TFLM_ARENA.get(name)
                b = BEFORE.get(name)
                f.write(f"| {name} | {per / 1e6:.3f} M | {b / 1e6:.3f} M | {t / 1e6:.3f} M | "
                        f"{'yes' if per <= t else 'no'} | {ab} | {lim if lim else ''} |\n")


if __name__ == "__main__":
    main()
