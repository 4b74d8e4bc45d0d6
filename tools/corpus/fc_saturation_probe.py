#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What does LiteRT's reference FULLY_CONNECTED do when the requantized value leaves int32?

With single rounding, (acc * M + 2^(30 - shift)) >> (31 - shift), only a shift > 0 (a
multiplier above 1) can take the result past int32. The corpus avoids such cases
(gen_corpus.py skips "requant_int32_overflow"), so this probe makes them on purpose: every
single-op FULLY_CONNECTED case of tests/data/corpus gets its output scale divided by 2^k
(k = 2..27, seeded), is run by ai-edge-litert's Interpreter with OpResolverType.BUILTIN_REF on
random int8 inputs, and its output is compared with four ways of finishing the computation
(accumulators and multipliers recomputed by rounding_probe.accumulate):

  wrap:          the 64-bit result truncated to int32, then + zero point (wrapping)
  sat_wrap_add:  saturated to int32, then + zero point wrapping (int32 add in C)
  sat_sat_add:   saturated to int32, then + zero point without wrapping
  exact:         no int32 step at all (the real value, then clamped)

The case counts where each matches every output byte; cases LiteRT refuses at prepare are
skipped. tinyml implements sat_wrap_add (quant::multiply_by_quantized_multiplier_single).

Usage: python tools/corpus/fc_saturation_probe.py [--corpus tests/data/corpus] [--seed 1]
"""
import argparse
import os
import sys

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as S
from ai_edge_litert.interpreter import Interpreter, OpResolverType

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rounding_probe as R  # noqa: E402

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


def fc_cases(corpus):
    with open(os.path.join(corpus, "index.txt")) as f:
        lines = [ln.split() for ln in f if ln.strip() and not ln.startswith("#")]
    packs = {}
    for fld in lines:
        if fld[1] != "fully_connected" or fld[2] != "FULLY_CONNECTED":
            continue
        if fld[3] not in packs:
            with open(os.path.join(corpus, fld[3]), "rb") as pf:
                packs[fld[3]] = pf.read()
        mo, ms = int(fld[4]), int(fld[5])
        yield fld[0], S.ModelT.InitFromPackedBuf(bytearray(packs[fld[3]][mo:mo + ms]), 0)


def pack(m):
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "tests", "data", "corpus"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    names = ["wrap", "sat_wrap_add", "sat_sat_add", "exact"]
    match = dict.fromkeys(names, 0)
    run = refused = overflowing = 0
    for name, m in fc_cases(args.corpus):
        g = m.subgraphs[0]
        op = g.operators[0]
        tout = g.tensors[op.outputs[0]]
        k = int(rng.integers(2, 28))
        tout.quantization.scale = [float(np.float32(tout.quantization.scale[0]) / np.float32(2.0 ** k))]
        mb = pack(m)
        try:
            it = Interpreter(model_content=mb, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
            it.allocate_tensors()
        except (RuntimeError, ValueError):
            refused += 1
            continue
        d = it.get_input_details()[0]
        x = rng.integers(-128, 128, size=d["shape"], dtype=np.int8)
        it.set_tensor(d["index"], x)
        it.invoke()
        gold = it.get_tensor(it.get_output_details()[0]["index"]).reshape(-1)
        mm = S.ModelT.InitFromPackedBuf(bytearray(mb), 0)
        acc, mults = R.accumulate(mm, [x.tobytes()])
        o = mm.subgraphs[0].operators[0]
        t = mm.subgraphs[0].tensors[o.outputs[0]]
        s_out, z_out = float(t.quantization.scale[0]), int(t.quantization.zeroPoint[0])
        lo, hi = R.act_range(o.builtinOptions.fusedActivationFunction, s_out, z_out)
        raw = np.empty_like(acc)
        for c, (mq, sh) in enumerate(mults):
            raw[..., c] = R.requant_single(acc[..., c].astype(np.int64), mq, sh)
        sat = np.clip(raw, I32_MIN, I32_MAX)
        overflowing += int((raw != sat).any())
        out = {
            "wrap": R.wrap32(R.wrap32(raw) + z_out),
            "sat_wrap_add": R.wrap32(sat + z_out),
            "sat_sat_add": sat + z_out,
            "exact": raw + z_out,
        }
        run += 1
        for key, v in out.items():
            match[key] += int((np.clip(v, lo, hi).astype(np.int8).reshape(-1) == gold).all())
    print(f"{run} cases run ({refused} refused by LiteRT at prepare), {overflowing} with a "
          "requantized value outside int32")
    for key in names:
        print(f"  {key:13s} matches {match[key]}/{run}")


if __name__ == "__main__":
    main()
