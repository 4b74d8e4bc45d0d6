#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compute golden outputs of a .tflite model with LiteRT's reference kernels.

The interpreter is created with OpResolverType.BUILTIN_REF (reference kernels, no
delegates) and experimental_preserve_all_tensors=True, so every intermediate tensor
can be read back after invoke(). Input k (k = 1..N) is n pseudo-random bytes, n the
byte size of input tensor 0, copied verbatim into that tensor (other inputs, if any,
are zeroed):

    x = k * 2654435761 mod 2^32
    repeat n times: x ^= x << 13; x ^= x >> 17; x ^= x << 5  (mod 2^32); emit x >> 24

Writes to OUTDIR:
  in_<k>.bin, out_<k>.bin          raw bytes of input tensor 0 / output tensor 0
  tensors_<k>/t<index>.bin         raw bytes of every tensor some operator outputs
  tensors_<k>/tensors.txt          one line per such tensor, in operator order:
      <index> <name> <TYPE> [d0,d1,...] <bytes> <op index> <OP_NAME> <scale> <zero_point>
  GENERATOR.txt                    versions, input generator and the command used

Usage:
  python tools/make_goldens.py MODEL.tflite OUTDIR [-n 5]
"""
import argparse
import importlib.metadata as md
import os
import shlex
import sys

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

SEED_MUL = 2654435761
TYPE_NAMES = {np.float32: "FLOAT32", np.float16: "FLOAT16", np.float64: "FLOAT64",
              np.int8: "INT8", np.uint8: "UINT8", np.int16: "INT16", np.uint16: "UINT16",
              np.int32: "INT32", np.uint32: "UINT32", np.int64: "INT64", np.bool_: "BOOL"}


def golden_input(k, n):
    """The k-th input: n bytes from xorshift32 seeded with k * 2654435761."""
    x = (k * SEED_MUL) & 0xFFFFFFFF
    buf = bytearray(n)
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        buf[i] = x >> 24
    return bytes(buf)


def version(*dists):
    for d in dists:
        try:
            return md.version(d)
        except md.PackageNotFoundError:
            pass
    return "not installed"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("outdir")
    ap.add_argument("-n", type=int, default=5, help="number of inputs (default 5)")
    ap.add_argument("--no-input-files", action="store_true",
                    help="do not write in_<k>.bin (the tests regenerate them with the generator "
                         "above; for input sizes where they would equal other projects' files)")
    args = ap.parse_args()

    it = Interpreter(model_path=args.model,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                     experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    details = {t["index"]: t for t in it.get_tensor_details()}
    inputs, outputs = it.get_input_details(), it.get_output_details()
    in0 = inputs[0]
    n = int(np.prod(in0["shape"])) * np.dtype(in0["dtype"]).itemsize
    # (tensor index, op index, op name) for each operator output, in operator order
    produced = [(t, op["index"], op["op_name"])
                for op in it._get_ops_details() for t in op["outputs"] if t >= 0]

    os.makedirs(args.outdir, exist_ok=True)
    for k in range(1, args.n + 1):
        buf = golden_input(k, n)
        for extra in inputs[1:]:
            it.set_tensor(extra["index"], np.zeros(extra["shape"], extra["dtype"]))
        it.set_tensor(in0["index"], np.frombuffer(buf, in0["dtype"]).reshape(in0["shape"]))
        it.invoke()
        if not args.no_input_files:
            with open(os.path.join(args.outdir, f"in_{k}.bin"), "wb") as f:
                f.write(buf)
        with open(os.path.join(args.outdir, f"out_{k}.bin"), "wb") as f:
            f.write(it.get_tensor(outputs[0]["index"]).tobytes())
        tdir = os.path.join(args.outdir, f"tensors_{k}")
        os.makedirs(tdir, exist_ok=True)
        lines = []
        for t, op_index, op_name in produced:
            d = details[t]
            data = it.get_tensor(t).tobytes()
            with open(os.path.join(tdir, f"t{t}.bin"), "wb") as f:
                f.write(data)
            name = "_".join(d["name"].split()) or f"tensor{t}"
            dims = "[" + ",".join(str(int(s)) for s in d["shape"]) + "]"
            scale, zp = d["quantization"]
            lines.append(f"{t} {name} {TYPE_NAMES.get(d['dtype'], str(d['dtype']))} {dims} "
                         f"{len(data)} {op_index} {op_name} {scale:.9g} {zp}\n")
        with open(os.path.join(tdir, "tensors.txt"), "w") as f:
            f.writelines(lines)

    cmd = " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0])] + sys.argv[1:])
    with open(os.path.join(args.outdir, "GENERATOR.txt"), "w") as f:
        f.write(f"""Goldens for {os.path.basename(args.model)}, made by tools/make_goldens.py
Runtime: ai-edge-litert {version("ai-edge-litert")} Interpreter, OpResolverType.BUILTIN_REF
  (reference kernels, no delegates), experimental_preserve_all_tensors=True
TensorFlow: {version("tensorflow-cpu", "tensorflow")}; numpy {np.__version__}; Python {sys.version.split()[0]}
Inputs k = 1..{args.n}, n = {n} bytes (input tensor 0), seed x = k * 2654435761 mod 2^32:
    for i in 0..n-1: x ^= x << 13; x ^= x >> 17; x ^= x << 5 (mod 2^32); buf[i] = x >> 24
buf is copied verbatim into input tensor 0.
out_<k>.bin = raw bytes of output tensor 0; tensors_<k>/t<index>.bin = every operator output.
Command: python {cmd}
""")
    print(f"{args.model}: {args.n} inputs of {n} bytes, {len(produced)} operator outputs -> {args.outdir}")


if __name__ == "__main__":
    main()
