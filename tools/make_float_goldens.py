#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""LiteRT goldens for the float32 and hybrid models of ../shared/models.

1. The float32 models (hello_world_float32, ad01_float32, vww_96_float32) on the shared float
   goldens' inputs (golden/<stem>/in_<k>.bin): LiteRT BUILTIN_REF outputs written to
   tests/data/float_goldens/<stem>/litert_<k>.out.bin, so the C++ test checks tinyml against LiteRT
   as well as against TFLite Micro's float goldens.
2. The hybrid (dynamic-range) KWS model, which TFLite Micro cannot run:

Runs ../shared/models/kws_dscnn_float32.tflite (float32 activations, int8 CONV_2D weights) in
LiteRT's Interpreter with OpResolverType.BUILTIN_REF (reference kernels, no delegates, one thread)
on inputs derived from the shared int8 KWS goldens' inputs (golden/kws_dscnn_int8/in_<k>.bin,
k = 1..5, 490 bytes each), two ways:

  div128_<k>:  x = (int8)byte / 128, as the shared float goldens of the other models do;
  dequant_<k>: x = ((int8)byte - 83) * 0.584703, the int8 model's input quantization (MFCC-range
               values, which exercise the classifier rather than saturating it).

Writes tests/data/float_goldens/kws_dscnn_float32/<variant>_<k>.out.bin (12 float32, little
endian: output tensor 0) and MANIFEST.txt (versions, the conversion, and per file the output's
argmax). The inputs are not stored: the C++ test derives them from the shared folder the same way.
The int8 model's input scale and zero point are read from kws_dscnn_int8.tflite, not hard-coded.

Usage: python tools/make_float_goldens.py [--shared ../shared] [--out tests/data/float_goldens]
"""
import argparse
import importlib.metadata as md
import os

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STEM = "kws_dscnn_float32"


def interpreter(path):
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                     num_threads=1)
    it.allocate_tensors()
    return it


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "float_goldens"))
    args = ap.parse_args()
    models = os.path.join(args.shared, "models")
    q = interpreter(os.path.join(models, "kws_dscnn_int8.tflite")).get_input_details()[0]
    scale, zp = (float(v) for v in q["quantization"])
    it = interpreter(os.path.join(models, STEM + ".tflite"))
    din, dout = it.get_input_details()[0], it.get_output_details()[0]
    out_dir = os.path.join(args.out, STEM)
    os.makedirs(out_dir, exist_ok=True)
    lines = []
    for variant in ("div128", "dequant"):
        for k in range(1, 6):
            raw = np.fromfile(os.path.join(models, "golden", "kws_dscnn_int8", f"in_{k}.bin"),
                              dtype=np.int8)
            if variant == "div128":
                x = raw.astype(np.float32) / np.float32(128.0)
            else:
                x = ((raw.astype(np.int32) - int(zp)).astype(np.float32) * np.float32(scale))
            it.set_tensor(din["index"], x.reshape(din["shape"]).astype(np.float32))
            it.invoke()
            y = it.get_tensor(dout["index"]).astype("<f4")
            name = f"{variant}_{k}.out.bin"
            y.tofile(os.path.join(out_dir, name))
            lines.append(f"  {name}: argmax {int(np.argmax(y))}, max {float(y.max()):.6g}")
    for stem in ("hello_world_float32", "ad01_float32", "vww_96_float32"):
        fit = interpreter(os.path.join(models, stem + ".tflite"))
        fin, fout = fit.get_input_details()[0], fit.get_output_details()[0]
        fdir = os.path.join(args.out, stem)
        os.makedirs(fdir, exist_ok=True)
        flines = []
        for k in range(1, 6):
            x = np.fromfile(os.path.join(models, "golden", stem, f"in_{k}.bin"), dtype="<f4")
            fit.set_tensor(fin["index"], x.reshape(fin["shape"]))
            fit.invoke()
            y = fit.get_tensor(fout["index"]).astype("<f4")
            t = np.fromfile(os.path.join(models, "golden", stem, f"out_{k}.bin"), dtype="<f4")
            lpath = os.path.join(fdir, f"litert_{k}.out.bin")
            if y.tobytes() == t.tobytes():  # equal to TFLM's golden: not stored (no copies of
                if os.path.exists(lpath):    # ../shared data); the test reads the golden then
                    os.remove(lpath)
            else:
                y.tofile(lpath)
            err = float(np.max(np.abs(y.reshape(-1) - t) / np.maximum(1.0, np.abs(t))))
            flines.append(f"  litert_{k}.out.bin: max |LiteRT - TFLM golden| / max(1, |golden|) = {err:.3g}")
        with open(os.path.join(fdir, "MANIFEST.txt"), "w") as f:
            f.write(f"""LiteRT outputs of {stem}.tflite on ../shared/models/golden/{stem}/in_<k>.bin (inputs not
stored), made by tools/make_float_goldens.py with ai-edge-litert {md.version("ai-edge-litert")}
(OpResolverType.BUILTIN_REF, num_threads=1), numpy {np.__version__}. Output tensor 0, float32 LE.
""")
            f.write("\n".join(flines) + "\n")
        lines += [f"{stem}:"] + flines
    with open(os.path.join(out_dir, "MANIFEST.txt"), "w") as f:
        f.write(f"""Goldens of {STEM}.tflite (hybrid: float32 activations, int8 CONV_2D weights), made by
tools/make_float_goldens.py with ai-edge-litert {md.version("ai-edge-litert")} (Interpreter,
OpResolverType.BUILTIN_REF, num_threads=1), numpy {np.__version__}.
Inputs (not stored; derived from ../shared/models/golden/kws_dscnn_int8/in_<k>.bin, 490 int8):
  div128_<k>:  x = (int8)byte / 128
  dequant_<k>: x = ((int8)byte - {int(zp)}) * {scale!r}  (kws_dscnn_int8's input quantization)
Outputs: <variant>_<k>.out.bin = output tensor 0, {int(np.prod(dout['shape']))} float32 little endian.
""")
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
