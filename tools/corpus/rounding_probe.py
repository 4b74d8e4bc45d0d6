#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Which requantization rounding do the corpus goldens (LiteRT BUILTIN_REF) follow?

For every single-op CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED case of the corpus
(tests/data/corpus, see gen_corpus.py), the int32 accumulators are recomputed in numpy from the
model's input, weights and bias, and requantized two ways with the multiplier/shift of TFLite's
QuantizeMultiplier (per-tensor FC: double(float(s_in * s_w)) / s_out, as
GetQuantizedConvolutionMultipler; otherwise s_in * s_w[c] / s_out in double):

  double: RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x << left, M), right)
          (gemmlowp / TFLite Micro / tinyml)
  single: (x * M + 2^(30 - shift)) >> (31 - shift)      (TFLITE_SINGLE_ROUNDING)

then offset by the output zero point and clamped to the fused activation's range. Elements
where the two modes disagree tell them apart; the table says which one the golden byte equals.
"neither" counts elements that match no mode (a reconstruction error; should be 0).

Usage: python tools/corpus/rounding_probe.py [--corpus tests/data/corpus] [--show N]
"""
import argparse
import os
from collections import defaultdict

import numpy as np
from ai_edge_litert import schema_py_generated as S

HERE = os.path.dirname(os.path.abspath(__file__))
OP_NAME = {v: k for k, v in vars(S.BuiltinOperator).items() if not k.startswith("_")}


def quantize_multiplier(real):
    if real == 0.0:
        return 0, 0
    q, shift = np.frexp(real)
    q_fixed = int(_round_half_away(q * 2.0 ** 31))
    if q_fixed == 1 << 31:
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return (1 << 31) - 1, 30
    return q_fixed, int(shift)


def _round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul on int64 arrays holding int32 values."""
    ab = a.astype(np.int64) * np.int64(b)
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    # C++ integer division truncates toward zero.
    num = ab + nudge
    res = np.where(num >= 0, num // (1 << 31), -((-num) // (1 << 31)))
    sat = (a == -(1 << 31)) & (b == -(1 << 31))
    return np.where(sat, (1 << 31) - 1, res)


def rdbp(x, e):
    mask = (1 << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (x < 0)
    return (x >> e) + (rem > thr)


def wrap32(x):
    return ((x + (1 << 31)) % (1 << 32)) - (1 << 31)


def requant_double(acc, m, shift):
    left = max(shift, 0)
    right = max(-shift, 0)
    return rdbp(srdhm(wrap32(acc * (1 << left)), m), right)


def requant_single(acc, m, shift):
    total = 31 - shift
    return (acc * np.int64(m) + (np.int64(1) << np.int64(total - 1))) >> np.int64(total)


def act_range(act, scale, zp):
    def q(f):
        return zp + int(_round_half_away(np.float32(f) / np.float32(scale)))
    lo, hi = -128, 127
    if act == 1:
        return max(lo, q(0.0)), hi
    if act == 2:
        return max(lo, q(-1.0)), min(hi, q(1.0))
    if act == 3:
        return max(lo, q(0.0)), min(hi, q(6.0))
    return lo, hi


def tdata(m, t, dtype):
    b = m.buffers[t.buffer].data
    return np.frombuffer(bytes(bytearray(np.asarray(b, dtype=np.uint8))), dtype=dtype)


def conv_acc(x, w, groups, depthwise, stride, dil, same, out_hw):
    """x: [N,H,W,C] int64 (offset applied); w: conv [OC,KH,KW,C/g] or dw [1,KH,KW,C*M]."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[1], w.shape[2]
    oh, ow = out_hw
    sh, sw = stride
    dh, dw = dil
    pad_h = max(0, ((oh - 1) * sh + (kh - 1) * dh + 1 - h) // 2) if same else 0
    pad_w = max(0, ((ow - 1) * sw + (kw - 1) * dw + 1 - wd) // 2) if same else 0
    oc = w.shape[3] if depthwise else w.shape[0]
    acc = np.zeros((n, oh, ow, oc), dtype=np.int64)
    oy = np.arange(oh) * sh - pad_h
    ox = np.arange(ow) * sw - pad_w
    for ky in range(kh):
        iy = oy + ky * dh
        vy = (iy >= 0) & (iy < h)
        for kx in range(kw):
            ix = ox + kx * dw
            vx = (ix >= 0) & (ix < wd)
            sub = x[:, np.clip(iy, 0, h - 1)][:, :, np.clip(ix, 0, wd - 1)]
            tap = sub * (vy[None, :, None, None] & vx[None, None, :, None])
            if depthwise:
                mult = oc // c
                acc += np.repeat(tap, mult, axis=3) * w[0, ky, kx][None, None, None, :]
            else:
                cpg = w.shape[3]
                opg = oc // groups
                t5 = tap.reshape(n, oh, ow, groups, cpg)
                w5 = w[:, ky, kx, :].reshape(groups, opg, cpg).astype(np.int64)
                acc += np.einsum("nhwgc,goc->nhwgo", t5, w5).reshape(n, oh, ow, oc)
    return acc


def requant_overflows(model_bytes, ins):
    """True if requantizing this single-op conv/dw/fc case leaves int32 anywhere: the left
    shift of the double-rounding path or the single-rounding result (undefined or
    implementation-specific in the reference kernels, so no golden should depend on it)."""
    m = S.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)
    acc, mults = accumulate(m, ins)
    lim = 1 << 31
    for c, (mq, sh) in enumerate(mults):
        a = acc[..., c].astype(np.int64)
        if a.size == 0:
            continue
        big = int(np.abs(a).max())
        if sh > 0 and big << sh >= lim:
            return True
        if big * mq >= (lim << (31 - sh)) // 2:
            return True
    return False


def accumulate(m, ins):
    """int32 accumulators (with bias) and per-channel (multiplier, shift) of a single-op case."""
    g = m.subgraphs[0]
    op = g.operators[0]
    name = OP_NAME[max(m.operatorCodes[op.opcodeIndex].builtinCode,
                       m.operatorCodes[op.opcodeIndex].deprecatedBuiltinCode)]
    tin, tw, tout = (g.tensors[op.inputs[0]], g.tensors[op.inputs[1]], g.tensors[op.outputs[0]])
    tb = g.tensors[op.inputs[2]] if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    s_in, z_in = float(tin.quantization.scale[0]), int(tin.quantization.zeroPoint[0])
    s_out = float(tout.quantization.scale[0])
    s_w = [float(s) for s in tw.quantization.scale]
    z_w = int(tw.quantization.zeroPoint[0]) if len(tw.quantization.zeroPoint) else 0
    per_channel = len(s_w) > 1
    w = tdata(m, tw, np.int8).astype(np.int64).reshape([int(d) for d in tw.shape])
    x = np.frombuffer(ins[0], dtype=np.int8).astype(np.int64).reshape(
        [int(d) for d in tin.shape]) - z_in
    o = op.builtinOptions
    if name == "FULLY_CONNECTED":
        acc = x.reshape(-1, w.shape[1]) @ (w - z_w).T
    else:
        same = o.padding == S.Padding.SAME
        stride, dil = (o.strideH, o.strideW), (o.dilationHFactor, o.dilationWFactor)
        oshape = [int(d) for d in tout.shape]
        if name == "CONV_2D":
            acc = conv_acc(x, w, x.shape[3] // w.shape[3], False, stride, dil, same, oshape[1:3])
        else:
            acc = conv_acc(x, w, 1, True, stride, dil, same, oshape[1:3])
    if tb is not None:
        acc = acc + tdata(m, tb, np.int32).astype(np.int64)
    mults = []
    for c in range(acc.shape[-1]):
        sw = s_w[c] if per_channel else s_w[0]
        if name == "FULLY_CONNECTED" and not per_channel:
            real = float(np.float32(np.float32(s_in) * np.float32(sw))) / s_out
        else:
            real = s_in * sw / s_out
        mults.append(quantize_multiplier(real))
    return wrap32(acc), mults


def probe_case(m, ins, outs):
    """(op, per_channel, double, single, golden, shifts), outputs flattened to int8."""
    g = m.subgraphs[0]
    op = g.operators[0]
    name = OP_NAME[max(m.operatorCodes[op.opcodeIndex].builtinCode,
                       m.operatorCodes[op.opcodeIndex].deprecatedBuiltinCode)]
    tout = g.tensors[op.outputs[0]]
    s_out, z_out = float(tout.quantization.scale[0]), int(tout.quantization.zeroPoint[0])
    per_channel = len(g.tensors[op.inputs[1]].quantization.scale) > 1
    acc, mults = accumulate(m, ins)
    d = np.empty_like(acc)
    s = np.empty_like(acc)
    for c, (mq, sh) in enumerate(mults):
        d[..., c] = requant_double(acc[..., c], mq, sh)
        s[..., c] = wrap32(requant_single(acc[..., c], mq, sh))  # LiteRT casts to int32
    lo, hi = act_range(op.builtinOptions.fusedActivationFunction, s_out, z_out)
    d = np.clip(d + z_out, lo, hi).astype(np.int8).reshape(-1)
    s = np.clip(s + z_out, lo, hi).astype(np.int8).reshape(-1)
    gold = np.frombuffer(outs[0], dtype=np.int8)
    return name, per_channel, d, s, gold, [sh for _, sh in mults]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "tests", "data", "corpus"))
    ap.add_argument("--show", type=int, default=3, help="example elements to print per row")
    args = ap.parse_args()
    packs = {}
    stats = defaultdict(lambda: defaultdict(int))
    examples = defaultdict(list)
    with open(os.path.join(args.corpus, "index.txt")) as f:
        lines = [ln.split() for ln in f if ln.strip() and not ln.startswith("#")]
    for fld in lines:
        name, group, ops, pack = fld[0], fld[1], fld[2], fld[3]
        if ops not in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED") or group == "refused":
            continue
        if pack not in packs:
            with open(os.path.join(args.corpus, pack), "rb") as pf:
                packs[pack] = pf.read()
        p = packs[pack]
        mo, ms = int(fld[4]), int(fld[5])
        pos = 6
        blobs = []
        for _ in range(2):
            cnt = int(fld[pos])
            pos += 1
            blobs.append([p[int(fld[pos + 2 * k]):int(fld[pos + 2 * k]) + int(fld[pos + 2 * k + 1])]
                          for k in range(cnt)])
            pos += 2 * cnt
        m = S.ModelT.InitFromPackedBuf(bytearray(p[mo:mo + ms]), 0)
        opname, pc, d, s, gold, shifts = probe_case(m, blobs[0], blobs[1])
        key = (opname, "per-channel" if pc else "per-tensor")
        st = stats[key]
        st["cases"] += 1
        st["elements"] += gold.size
        differ = d != s
        st["modes_differ"] += int(differ.sum())
        st["gold_eq_double_where_differ"] += int((differ & (gold == d)).sum())
        st["gold_eq_single_where_differ"] += int((differ & (gold == s)).sum())
        st["neither"] += int(((gold != d) & (gold != s)).sum())
        st["cases_distinguishing"] += int(differ.any())
        st["cases_gold_eq_double"] += int((gold == d).all())
        st["cases_gold_eq_single"] += int((gold == s).all())

        if differ.any() and len(examples[key]) < args.show:
            i = int(np.flatnonzero(differ)[0])
            examples[key].append(f"{name} elem {i}: double {d[i]}, single {s[i]}, LiteRT {gold[i]}"
                                 f" (shift {shifts[i % len(shifts)] if len(shifts) else '?'})")
        if ((gold != d) & (gold != s)).any() and len(examples[key + ("neither",)]) < args.show:
            i = int(np.flatnonzero((gold != d) & (gold != s))[0])
            examples[key + ("neither",)].append(f"{name} elem {i}: double {d[i]}, single {s[i]}, "
                                                f"LiteRT {gold[i]}")
    cols = ["cases", "elements", "cases_distinguishing", "modes_differ",
            "gold_eq_double_where_differ", "gold_eq_single_where_differ", "neither",
            "cases_gold_eq_double", "cases_gold_eq_single"]
    print("op weights " + " ".join(cols))
    for key in sorted(stats):
        print(f"{key[0]} {key[1]} " + " ".join(str(stats[key][c]) for c in cols))
        for e in examples[key]:
            print("    e.g.", e)
        for e in examples[key + ("neither",)]:
            print("    NEITHER", e)


if __name__ == "__main__":
    main()
