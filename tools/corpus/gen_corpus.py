#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate tinyml's op corpus: seeded int8 .tflite models with LiteRT reference goldens.

Every case is one small model, one set of random inputs and the outputs LiteRT 2.3's reference
kernels (Interpreter with OpResolverType.BUILTIN_REF) compute for them. Models are written as
TensorFlow functions (tf.nn.conv2d, tf.nn.depthwise_conv2d, tf.matmul, tf.nn.avg_pool2d, ...)
with numpy-seeded weights and converted by tf.lite.TFLiteConverter with full-integer
post-training quantization (representative dataset drawn from a per-case random range, int8
input and output). Parameter combinations the converter cannot produce (a given zero point,
scales that put requantization multipliers/shifts at their limits, stride together with
dilation in depthwise, fused activations on pools, a missing bias, softmax beta, reshape by
option, lone QUANTIZE/DEQUANTIZE, ...) are made by editing the converted flatbuffer with the
object API of ai_edge_litert.schema_py_generated; each edit is named in the case description
(`edit=...`). Every model is then cleaned (unused tensors/buffers dropped, metadata and
signature defs removed, tensors renamed t<i>, buffers 16-byte aligned) and run through LiteRT
in a separate worker process (litert_worker.py), so a model LiteRT aborts on costs a restart,
not the run. Models LiteRT refuses are not kept, except in the `refused` group, whose cases
are marked expect_refused with the reason. Everything derives from --seed: case k of sweep s
of group g uses numpy Generator([seed, g, s, k, attempt]) (attempt > 0 after a sampled model
was not kept); inputs are uniform random int8 (some cases use only the extremes -128/127) or,
for float32 inputs, seeded floats. The `net` group also stores LiteRT's value of every
intermediate tensor, so the C++ test can check each op of a network on LiteRT's inputs.

Output (default tests/data/corpus/):
  <group>.pack   16-byte header "TINYMLCORPUS\\x01\\0\\0\\0", then every blob (model, inputs,
                 outputs) of the group's cases, each starting at a multiple of 16
  index.txt      one line per case, whitespace separated:
                   name group ops pack model_off model_size
                   n_in (off size)*n_in n_out (off size)*n_out n_t (tensor off size)*n_t
                   flags desc
                 ops: comma-separated op names in execution order; the n_t triples are
                 LiteRT's value of every intermediate tensor (op outputs that are not graph
                 outputs; only the `net` group has them), by tensor index in the model;
                 flags: '-' or expect_refused:<reason>; desc: key=value;key=value (no
                 spaces). Offsets are into <pack>. An expect_refused case with n_out = 0 has
                 no golden (LiteRT refuses it too, or aborts on it).
  MANIFEST.txt   seed, command, versions, per-group counts, skipped-model statistics

Usage:
  python tools/corpus/gen_corpus.py [--seed 1] [--out tests/data/corpus]
  python tools/corpus/gen_corpus.py --only conv2d --limit 20 --out /tmp/c   (a quick subset)
  python tools/corpus/gen_corpus.py --extract conv2d.kernel.003 /tmp/x     (dump one case as
      x.tflite, x.in0.bin, x.out0.bin from an existing corpus)
Environment: CORPUS_DEBUG=1 prints each refused model and keeps LiteRT's stderr;
  CORPUS_KEEP_CRASHES=DIR saves every model that made LiteRT abort (with its inputs) to DIR.
"""
import argparse
import importlib.metadata as md
import os
import pickle
import shlex
import struct
import subprocess
import sys
import time
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import flatbuffers  # noqa: E402
import numpy as np  # noqa: E402
from ai_edge_litert import schema_py_generated as S  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rounding_probe import requant_overflows  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PACK_MAGIC = b"TINYMLCORPUS\x01\x00\x00\x00"
SUPPORTED = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D",
             "MAX_POOL_2D", "ADD", "SOFTMAX", "RESHAPE", "QUANTIZE", "DEQUANTIZE"}
OP_NAME = {v: k for k, v in vars(S.BuiltinOperator).items() if not k.startswith("_")}
ACTS = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6"]  # index = TFLite ActivationFunctionType
CHANNELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 19, 23, 24, 29, 31, 32, 33, 37,
            41, 47, 48, 53, 59, 61, 63, 64, 67]
I8 = S.TensorType.INT8
F32 = S.TensorType.FLOAT32

_tf = None


def tf():
    """TensorFlow, imported on first use (slow import; --extract does not need it)."""
    global _tf
    if _tf is None:
        import tensorflow
        tensorflow.config.threading.set_intra_op_parallelism_threads(1)
        tensorflow.config.threading.set_inter_op_parallelism_threads(1)
        tensorflow.get_logger().setLevel("ERROR")
        _tf = tensorflow
    return _tf


class Skip(Exception):
    """A sampled case that cannot be built; the reason is tallied in MANIFEST.txt."""


# ---------------------------------------------------------------------------------------------
# Flatbuffer helpers (object API)
# ---------------------------------------------------------------------------------------------

def _pack_buffer_aligned(self, builder):
    """BufferT.Pack with the data vector aligned to 16 bytes (the schema's force_align), so
    int32 bias and float data are aligned when the file is loaded at an aligned address."""
    data = None
    if self.data is not None and len(self.data) > 0:
        arr = np.asarray(self.data, dtype=np.uint8)
        builder.StartVector(1, arr.size, 16)
        builder.head = builder.head - arr.size
        builder.Bytes[builder.head:builder.head + arr.size] = arr.tobytes()
        data = builder.EndVector()
    S.BufferStart(builder)
    if data is not None:
        S.BufferAddData(builder, data)
    S.BufferAddOffset(builder, self.offset)
    S.BufferAddSize(builder, self.size)
    return S.BufferEnd(builder)


S.BufferT.Pack = _pack_buffer_aligned


def load_model(data):
    return S.ModelT.InitFromPackedBuf(bytearray(data), 0)


def save_model(m):
    b = flatbuffers.Builder(4096)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def code_of(m, op):
    oc = m.operatorCodes[op.opcodeIndex]
    return max(oc.builtinCode, oc.deprecatedBuiltinCode)


def graph(m):
    return m.subgraphs[0]


def ops_named(m, name):
    return [op for op in graph(m).operators if OP_NAME[code_of(m, op)] == name]


def the_op(m, name):
    found = ops_named(m, name)
    if len(found) != 1:
        raise Skip(f"converter_made_{len(found)}_{name}")
    return found[0]


def T(m, i):
    return graph(m).tensors[i]


def qp(t):
    q = t.quantization
    return [float(s) for s in q.scale], [int(z) for z in q.zeroPoint]


def set_q(t, scales, zps, dim=0):
    q = S.QuantizationParametersT()
    q.scale = [float(np.float32(s)) for s in scales]
    q.zeroPoint = [int(z) for z in zps]
    q.quantizedDimension = dim
    t.quantization = q


def tensor_data(m, t, dtype):
    buf = m.buffers[t.buffer]
    return np.frombuffer(bytes(bytearray(np.asarray(buf.data, dtype=np.uint8))), dtype=dtype).copy()


def set_tensor_data(m, t, arr):
    m.buffers[t.buffer].data = np.frombuffer(np.ascontiguousarray(arr).tobytes(), dtype=np.uint8).copy()


def clean(m):
    """Drops what no op or graph edge uses, metadata and signatures; renames tensors."""
    g = graph(m)
    g.inputs = [int(i) for i in g.inputs]
    g.outputs = [int(i) for i in g.outputs]
    for op in g.operators:
        op.inputs = [int(i) for i in op.inputs]
        op.outputs = [int(i) for i in op.outputs]
    used = sorted(set(g.inputs) | set(g.outputs) |
                  {i for op in g.operators for i in op.inputs + op.outputs if i >= 0})
    remap = {old: new for new, old in enumerate(used)}
    g.tensors = [g.tensors[i] for i in used]
    g.inputs = [remap[i] for i in g.inputs]
    g.outputs = [remap[i] for i in g.outputs]
    for op in g.operators:
        op.inputs = [remap[i] if i >= 0 else -1 for i in op.inputs]
        op.outputs = [remap[i] for i in op.outputs]
    bufs = [0] + sorted({t.buffer for t in g.tensors} - {0})
    bremap = {old: new for new, old in enumerate(bufs)}
    empty = S.BufferT()
    m.buffers = [empty] + [m.buffers[b] for b in bufs[1:]]
    codes = sorted({op.opcodeIndex for op in g.operators})
    cremap = {old: new for new, old in enumerate(codes)}
    m.operatorCodes = [m.operatorCodes[c] for c in codes]
    for op in g.operators:
        op.opcodeIndex = cremap[op.opcodeIndex]
    for i, t in enumerate(g.tensors):
        t.buffer = bremap[t.buffer]
        t.name = f"t{i}"
        t.shapeSignature = None
        t.shape = [int(d) for d in t.shape]
        if t.quantization is not None:
            t.quantization.min = None
            t.quantization.max = None
            if t.quantization.scale is None or len(t.quantization.scale) == 0:
                t.quantization = None
    g.name = "main"
    m.metadata = None
    m.metadataBuffer = None
    m.signatureDefs = None
    m.description = "tinyml corpus"
    return m


def out_size(same, n, k, s, d):
    eff = (k - 1) * d + 1
    return -(-n // s) if same else (n - eff + s) // s


# ---------------------------------------------------------------------------------------------
# Conversion
# ---------------------------------------------------------------------------------------------

def rand_range(rng, kind=None):
    """A float range for the representative data; its sign pattern sets the zero point."""
    a = float(np.exp(rng.uniform(np.log(0.05), np.log(20.0))))
    kind = kind or rng.choice(["sym", "sym", "asym", "pos", "neg"])
    if kind == "sym":
        return (-a, a)
    if kind == "pos":
        return (0.0, a)
    if kind == "neg":
        return (-a, 0.0)
    return (-a * rng.uniform(0.05, 1.0), a)


def convert(fn, specs, ranges, rng, per_tensor=False, dense_per_tensor=False, float_io=False):
    """Full-integer PTQ of a tf.function with fixed input shapes; returns a ModelT."""
    t = tf()
    cf = fn.get_concrete_function()
    conv = t.lite.TFLiteConverter.from_concrete_functions([cf], fn)
    reps = []
    for k in range(8):
        sample = []
        for shp, (lo, hi) in zip(specs, ranges):
            x = rng.uniform(lo, hi, shp).astype(np.float32)
            if k == 0:  # make sure both ends are seen
                x.flat[0], x.flat[-1] = lo, hi
            sample.append(x)
        reps.append(sample)
    conv.optimizations = [t.lite.Optimize.DEFAULT]
    conv.representative_dataset = lambda: iter(reps)
    conv.target_spec.supported_ops = [t.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if not float_io:
        conv.inference_input_type = t.int8
        conv.inference_output_type = t.int8
    if per_tensor:
        conv._experimental_disable_per_channel = True
    conv._experimental_disable_per_channel_quantization_for_dense_layers = bool(dense_per_tensor)
    try:
        data = conv.convert()
    except Exception as e:  # the converter refuses some combinations
        raise Skip("converter_error_" + type(e).__name__)
    return load_model(data)


def spec(shape):
    return tf().TensorSpec(shape, tf().float32)


def apply_act(x, act):
    t = tf()
    if act == "RELU":
        return t.nn.relu(x)
    if act == "RELU6":
        return t.nn.relu6(x)
    if act == "RELU_N1_TO_1":
        return t.clip_by_value(x, -1.0, 1.0)
    return x


def rand_weights(rng, shape, out_axis, zero_channel=False):
    """Normal weights with a different magnitude per output channel."""
    w = rng.standard_normal(shape).astype(np.float32)
    n = shape[out_axis]
    mags = np.exp(rng.uniform(np.log(0.05), np.log(3.0), n)).astype(np.float32)
    bshape = [1] * len(shape)
    bshape[out_axis] = n
    w *= mags.reshape(bshape)
    if zero_channel and n > 1:
        idx = [slice(None)] * len(shape)
        idx[out_axis] = int(rng.integers(n))
        w[tuple(idx)] = 0.0
    return w


# ---------------------------------------------------------------------------------------------
# Quantization edits shared by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
# ---------------------------------------------------------------------------------------------

def near_one_pair(rng):
    """float32 (a, b) with 1 - 2^-32 <= a*b < 1 exactly in double: QuantizeMultiplier rounds
    the significand up to 2^31 and must renormalize (multiplier 2^30, shift + 1)."""
    a = np.float32(rng.uniform(1.0, 2.0, 200000)).astype(np.float32)
    b = (np.float32(1.0) / a).astype(np.float32)
    for cand in (b, np.nextafter(b, np.float32(0)), np.nextafter(b, np.float32(2))):
        p = a.astype(np.float64) * cand.astype(np.float64)
        ok = np.flatnonzero((p < 1.0) & (p >= 1.0 - 2.0 ** -32))
        if ok.size:
            i = ok[0]
            return float(a[i]), float(cand[i])
    raise Skip("no_near_one_pair")


MULT_TARGETS = ["flush", "shift_m31", "near_one", "one", "pot", "big", "small", "tiny_in",
                "huge_in"]


def requant_edit(m, op, p, rng, per_channel_axis, float_product):
    """Applies p['in_zp'], p['out_zp'], p['wzp'] and p['mult'] to a conv/dw/fc op.

    The multiplier targets rewrite the output scale (and, for near_one/tiny_in/huge_in, the
    input and weight scales) so that in_scale * w_scale[0] / out_scale lands where wanted.
    Bias scales are kept equal to in_scale * w_scale as LiteRT checks for FULLY_CONNECTED."""
    tin, tw, tout = T(m, op.inputs[0]), T(m, op.inputs[1]), T(m, op.outputs[0])
    tb = T(m, op.inputs[2]) if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    s_in, z_in = qp(tin)
    s_w, z_w = qp(tw)
    s_out, z_out = qp(tout)
    s_in, s_out = s_in[0], s_out[0]
    edits = []
    if p.get("in_zp") is not None:
        z_in = [p["in_zp"]]
        edits.append(f"in_zp{p['in_zp']}")
    if p.get("out_zp") is not None:
        z_out = [p["out_zp"]]
        edits.append(f"out_zp{p['out_zp']}")
    mt = p.get("mult")
    if mt:
        edits.append("mult_" + mt)

        def prod(si, sw):
            return float(np.float32(np.float32(si) * np.float32(sw))) if float_product else si * sw
        if mt == "near_one":
            a, b = near_one_pair(rng)
            k = int(rng.integers(4, 10))
            s_in = a * 2.0 ** -k
            s_w[0] = b * 2.0 ** -k
            s_out = 2.0 ** (-2 * k)
        elif mt == "tiny_in":
            s_in = float(np.float32(1e-6 * rng.uniform(1, 10)))
        elif mt == "huge_in":
            s_in = float(np.float32(rng.uniform(5, 50)))
        else:
            target = {"flush": 2.0 ** -33 * rng.uniform(0.5, 1.0),
                      "shift_m31": 2.0 ** -32 * rng.uniform(1.05, 1.95),
                      "one": 1.0,
                      "pot": 2.0 ** -int(rng.integers(1, 20)),
                      "big": 2.0 ** rng.uniform(0.2, 8.0),
                      "small": 2.0 ** -rng.uniform(16, 30)}[mt]
            # The largest weight scale hits the target, so no channel (e.g. an all-zero one
            # with a tiny scale) gets a multiplier far above it.
            base = prod(s_in, max(s_w))
            s_out = base / target
            if not (np.isfinite(s_out) and s_out > 0 and np.float32(s_out) > 0):
                raise Skip("mult_target_unrepresentable")
    set_q(tin, [s_in], z_in)
    set_q(tw, s_w, z_w, per_channel_axis if len(s_w) > 1 else 0)
    set_q(tout, [s_out], z_out)
    if tb is not None:
        s_in32 = np.float32(s_in)
        set_q(tb, [float(np.float32(s_in32 * np.float32(s))) for s in s_w], [0] * len(s_w), 0)
    if p.get("wext"):
        w = tensor_data(m, tw, np.int8)
        pick = rng.random(w.size)
        w = np.where(pick < 0.4, -128, np.where(pick < 0.6, 127, np.where(pick < 0.7, -127, w)))
        set_tensor_data(m, tw, w.astype(np.int8))
        edits.append("w_extreme")
    if p.get("bias") == "large" and tb is not None:
        b = tensor_data(m, tb, np.int32)
        b = rng.integers(-(1 << 20), 1 << 20, b.size).astype(np.int32)
        set_tensor_data(m, tb, b)
        edits.append("bias_large")
    if p.get("bias") in ("none2", "none_m1"):
        op.inputs = list(op.inputs[:2]) + ([-1] if p["bias"] == "none_m1" else [])
        edits.append("bias_" + p["bias"])
    return edits


# ---------------------------------------------------------------------------------------------
# Per-op samplers and builders. Each sampler returns a parameter dict p (drawn from rng);
# each builder returns (ModelT, edits).
# ---------------------------------------------------------------------------------------------

def pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def small_ch(rng, hi=16):
    return int(pick(rng, [c for c in CHANNELS if c <= hi]))


def conv_base(rng):
    return dict(n=1, h=int(rng.integers(3, 11)), w=int(rng.integers(3, 11)), c=small_ch(rng, 12),
                oc=small_ch(rng, 12), kh=int(pick(rng, [1, 1, 2, 3, 3, 3, 5])), kw=None,
                sh=1 if rng.random() < 0.7 else 2, sw=None, dh=1, dw=1,
                pad=pick(rng, ["SAME", "VALID"]), groups=1,
                act=pick(rng, ["NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"]), bias="yes",
                per_tensor=False, rin=rand_range(rng), zero_channel=rng.random() < 0.1)


def fix_geometry(p):
    p["kw"] = p["kw"] or p["kh"]
    p["sw"] = p["sw"] or p["sh"]
    if p["pad"] == "VALID":  # the window must fit
        p["h"] = max(p["h"], (p["kh"] - 1) * p["dh"] + 1)
        p["w"] = max(p["w"], (p["kw"] - 1) * p["dw"] + 1)
    return p


def quant_sweep(rng, p, per_tensor_ok=True):
    """Zero-point extremes and multiplier targets."""
    r = rng.random()
    if r < 0.35:
        p["in_zp"] = int(pick(rng, [-128, 127]))
        if rng.random() < 0.5:
            p["out_zp"] = int(pick(rng, [-128, 127]))
    elif r < 0.5:
        p["out_zp"] = int(pick(rng, [-128, 127]))
        p["act"] = pick(rng, ACTS)
    else:
        p["mult"] = pick(rng, MULT_TARGETS)
    if per_tensor_ok and rng.random() < 0.4:
        p["per_tensor"] = True
    return p


def sample_conv(rng, sweep, i):
    p = conv_base(rng)
    if sweep == "kernel":
        p["kh"], p["kw"] = i % 7 + 1, (i // 7) % 7 + 1
        p["pad"] = "SAME" if (i // 49) % 2 == 0 else "VALID"
        p["h"], p["w"] = int(rng.integers(1, 12)), int(rng.integers(1, 12))
        p["c"], p["oc"] = small_ch(rng, 8), small_ch(rng, 8)
    elif sweep == "stride_dil":
        p["sh"], p["sw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["dh"], p["dw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["kh"], p["kw"] = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        p["h"], p["w"] = int(rng.integers(4, 14)), int(rng.integers(4, 14))
    elif sweep == "channels":
        p["c"], p["oc"] = int(pick(rng, CHANNELS)), int(pick(rng, CHANNELS))
        p["h"], p["w"] = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        p["kh"] = int(pick(rng, [1, 1, 2, 3]))
        p["kw"] = int(pick(rng, [1, 1, 2, 3]))
        p["h"], p["w"] = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        while p["c"] * p["oc"] * p["kh"] * p["kw"] > 2000:
            p["kh"] = p["kw"] = 1
            if p["c"] * p["oc"] > 2000:
                p["oc"] = max(1, p["oc"] // 2)
    elif sweep == "group":
        g = int(pick(rng, [2, 2, 3, 4, 5, 6, 8]))
        p["groups"] = g
        p["c"] = g * int(rng.integers(1, 6))
        p["oc"] = g * int(rng.integers(1, 5))
        p["kh"], p["kw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        if rng.random() < 0.3:
            p["sh"], p["sw"] = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    elif sweep == "batch":
        p["n"] = int(rng.integers(2, 5))
        p["h"], p["w"] = int(rng.integers(2, 7)), int(rng.integers(2, 7))
    elif sweep == "bias":
        # LiteRT 2.3 refuses int8 CONV_2D without bias (conv.cc: has_bias), with 2 inputs or -1.
        p["bias"] = pick(rng, ["zero", "large"])
    elif sweep == "act":
        p["act"] = ACTS[i % 4]
        if rng.random() < 0.5:
            p["out_zp"] = int(pick(rng, [-128, 127, 0]))
        if rng.random() < 0.3:
            p["mult"] = pick(rng, ["big", "small", "pot"])
    elif sweep == "quant":
        quant_sweep(rng, p)
    elif sweep == "per_tensor":
        p["per_tensor"] = True
        p["kh"], p["kw"] = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        p["act"] = pick(rng, ACTS)
    elif sweep == "spatial":
        kind = i % 6
        if kind == 0:
            p["h"] = p["w"] = 1
        elif kind == 1:
            p["h"], p["w"] = 1, int(rng.integers(2, 20))
        elif kind == 2:
            p["h"], p["w"] = int(rng.integers(2, 20)), 1
        elif kind == 3 and i < 12:
            p["h"] = p["w"] = 64
            p["c"], p["oc"] = int(rng.integers(1, 3)), int(rng.integers(1, 3))
            p["sh"] = p["sw"] = 2
        elif kind in (3, 4):
            p["h"], p["w"] = int(rng.integers(16, 33)), int(rng.integers(16, 33))
            p["c"], p["oc"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            p["sh"] = 2
        else:
            p["h"], p["w"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            p["kh"], p["kw"] = int(rng.integers(3, 8)), int(rng.integers(3, 8))
            p["pad"] = "SAME"
    elif sweep == "wext":
        p["wext"] = True
        p["input_mode"] = pick(rng, ["extreme", "uniform"])
    return fix_geometry(p)


def build_conv(p, rng):
    t = tf()
    n, h, w, c, oc, g = p["n"], p["h"], p["w"], p["c"], p["oc"], p["groups"]
    W = t.constant(rand_weights(rng, (p["kh"], p["kw"], c // g, oc), 3, p["zero_channel"]))
    bval = rng.standard_normal(oc).astype(np.float32) * 0.5
    if p["bias"] == "zero":
        bval[:] = 0
    B = t.constant(bval)

    @t.function(input_signature=[spec([n, h, w, c])], autograph=False)
    def f(x):
        y = t.nn.conv2d(x, W, strides=[p["sh"], p["sw"]], padding=p["pad"],
                        dilations=[p["dh"], p["dw"]])
        return apply_act(y + B, p["act"])
    m = convert(f, [[n, h, w, c]], [p["rin"]], rng, per_tensor=p["per_tensor"])
    op = the_op(m, "CONV_2D")
    if len(graph(m).operators) != 1:
        raise Skip("converter_extra_ops")
    edits = requant_edit(m, op, p, rng, 0, False)
    return m, edits


def sample_dw(rng, sweep, i):
    p = conv_base(rng)
    p["m"] = int(pick(rng, [1, 1, 1, 2, 3, 4]))
    p["c"] = small_ch(rng, 16)
    if sweep == "kernel":
        p["kh"], p["kw"] = i % 7 + 1, (i // 7) % 7 + 1
        p["pad"] = "SAME" if (i // 49) % 2 == 0 else "VALID"
        p["h"], p["w"] = int(rng.integers(1, 12)), int(rng.integers(1, 12))
        p["c"] = small_ch(rng, 8)
    elif sweep == "stride_dil":
        p["sh"], p["sw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["dh"], p["dw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["kh"], p["kw"] = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        p["h"], p["w"] = int(rng.integers(4, 14)), int(rng.integers(4, 14))
        p["c"], p["m"] = small_ch(rng, 8), int(pick(rng, [1, 1, 2]))
    elif sweep == "channels":
        p["c"] = int(pick(rng, CHANNELS))
        p["m"] = int(i % 4 + 1)
        p["h"], p["w"] = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        p["kh"], p["kw"] = int(pick(rng, [1, 2, 3, 3, 5])), int(pick(rng, [1, 2, 3, 3, 5]))
        while p["c"] * p["m"] * p["kh"] * p["kw"] > 600 and p["kh"] * p["kw"] > 1:
            p["kh"], p["kw"] = max(1, p["kh"] - 2), max(1, p["kw"] - 2)
    elif sweep == "batch":
        p["n"] = int(rng.integers(2, 5))
        p["h"], p["w"] = int(rng.integers(2, 7)), int(rng.integers(2, 7))
    elif sweep == "bias":  # LiteRT refuses an omitted (-1) bias in depthwise
        p["bias"] = pick(rng, ["none2", "zero", "large"])
    elif sweep == "act":
        p["act"] = ACTS[i % 4]
        if rng.random() < 0.5:
            p["out_zp"] = int(pick(rng, [-128, 127, 0]))
        if rng.random() < 0.3:
            p["mult"] = pick(rng, ["big", "small", "pot"])
    elif sweep == "quant":
        quant_sweep(rng, p)
    elif sweep == "per_tensor":
        p["per_tensor"] = True
        p["kh"], p["kw"] = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        p["act"] = pick(rng, ACTS)
    elif sweep == "spatial":
        kind = i % 6
        if kind == 0:
            p["h"] = p["w"] = 1
        elif kind == 1:
            p["h"], p["w"] = 1, int(rng.integers(2, 20))
        elif kind == 2:
            p["h"], p["w"] = int(rng.integers(2, 20)), 1
        elif kind == 3 and i < 12:
            p["h"] = p["w"] = 64
            p["c"], p["m"] = int(rng.integers(1, 3)), 1
            p["sh"] = p["sw"] = 2
        elif kind in (3, 4):
            p["h"], p["w"] = int(rng.integers(16, 33)), int(rng.integers(16, 33))
            p["c"] = int(rng.integers(1, 5))
            p["sh"] = 2
        else:
            p["h"], p["w"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            p["kh"], p["kw"] = int(rng.integers(3, 8)), int(rng.integers(3, 8))
            p["pad"] = "SAME"
    elif sweep == "wext":
        p["wext"] = True
        p["input_mode"] = pick(rng, ["extreme", "uniform"])
    return fix_geometry(p)


def build_dw(p, rng):
    t = tf()
    n, h, w, c, mm = p["n"], p["h"], p["w"], p["c"], p["m"]
    # TF's depthwise takes one stride for H and W, and no stride together with dilation:
    # other combinations are converted with stride 1 / dilation 1 and edited afterwards.
    native = p["sh"] == p["sw"] and (p["sh"] == 1 or (p["dh"] == 1 and p["dw"] == 1)) \
        and p["dh"] == p["dw"]
    W = t.constant(rand_weights(rng, (p["kh"], p["kw"], c * mm), 2, p["zero_channel"]).reshape(
        p["kh"], p["kw"], c, mm))
    bval = rng.standard_normal(c * mm).astype(np.float32) * 0.5
    if p["bias"] == "zero":
        bval[:] = 0
    B = t.constant(bval)
    s = [1, p["sh"], p["sw"], 1] if native else [1, 1, 1, 1]
    d = [p["dh"], p["dw"]] if native else None

    @t.function(input_signature=[spec([n, h, w, c])], autograph=False)
    def f(x):
        y = t.nn.depthwise_conv2d(x, W, strides=s, padding=p["pad"], dilations=d)
        return apply_act(y + B, p["act"])
    m = convert(f, [[n, h, w, c]], [p["rin"]], rng, per_tensor=p["per_tensor"])
    op = the_op(m, "DEPTHWISE_CONV_2D")
    if len(graph(m).operators) != 1:
        raise Skip("converter_extra_ops")
    edits = []
    if not native:
        o = op.builtinOptions
        o.strideH, o.strideW, o.dilationHFactor, o.dilationWFactor = p["sh"], p["sw"], p["dh"], p["dw"]
        same = p["pad"] == "SAME"
        T(m, op.outputs[0]).shape = [n, out_size(same, h, p["kh"], p["sh"], p["dh"]),
                                     out_size(same, w, p["kw"], p["sw"], p["dw"]), c * mm]
        edits.append("stride_dilation")
    edits += requant_edit(m, op, p, rng, 3, False)
    return m, edits


def sample_fc(rng, sweep, i):
    p = dict(batch_shape=[int(rng.integers(1, 4))], depth=int(pick(rng, [1, 2, 3, 5, 8, 10, 16,
             17, 24, 31, 32, 33, 48, 64, 100])), out=int(pick(rng, CHANNELS[:20])),
             act=pick(rng, ["NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"]), bias="yes",
             per_tensor=rng.random() < 0.5, rin=rand_range(rng), keep=False, flatten=False,
             zero_channel=rng.random() < 0.1)
    if sweep == "shape":
        p["depth"] = int(pick(rng, [1, 2, 3, 4, 7, 8, 13, 15, 16, 17, 31, 32, 33, 61, 64, 67,
                                    97, 127, 128, 129, 200, 256, 257, 300, 401]))
        p["out"] = int(pick(rng, CHANNELS))
        while p["depth"] * p["out"] > 4000:
            p["out"] = max(1, p["out"] // 2)
    elif sweep == "batch":
        p["batch_shape"] = [int(rng.integers(2, 9))]
    elif sweep == "keepdims":
        p["keep"] = True
        p["batch_shape"] = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(1, 4)))]
    elif sweep == "flatten":
        p["flatten"] = True
    elif sweep == "per_tensor":
        p["per_tensor"] = True
        p["depth"] = int(pick(rng, [1, 3, 8, 16, 33, 64, 100, 200]))
    elif sweep == "per_channel":
        p["per_tensor"] = False
        p["depth"] = int(pick(rng, [1, 3, 8, 16, 33, 64, 100, 200]))
    elif sweep == "bias":
        p["bias"] = pick(rng, ["none2", "none_m1", "zero", "large"])
    elif sweep == "act":
        p["act"] = ACTS[i % 4]
        if rng.random() < 0.5:
            p["out_zp"] = int(pick(rng, [-128, 127, 0]))
        if rng.random() < 0.3:
            p["mult"] = pick(rng, ["big", "small", "pot"])
    elif sweep == "quant":
        quant_sweep(rng, p, per_tensor_ok=False)
        if p.get("mult") == "near_one":
            p["per_tensor"] = False  # needs the all-double product
    elif sweep == "wzp":
        p["per_tensor"] = True
        p["wzp"] = int(pick(rng, [-128, -100, -3, 1, 5, 77, 127]))
    elif sweep == "wext":
        p["wext"] = True
        p["input_mode"] = pick(rng, ["extreme", "uniform"])
    elif sweep == "shift":  # small right shifts: where single and double rounding disagree most
        p["mult"] = "small_shift"
        p["depth"] = int(pick(rng, [4, 8, 16, 32, 64]))
    return p


def build_fc(p, rng):
    t = tf()
    bs, depth, out = p["batch_shape"], p["depth"], p["out"]
    W = t.constant(rand_weights(rng, (depth, out), 1, p["zero_channel"]))
    bval = rng.standard_normal(out).astype(np.float32) * 0.5
    if p["bias"] == "zero":
        bval[:] = 0
    B = t.constant(bval)
    if p["keep"]:
        shape = bs + [depth]

        @t.function(input_signature=[spec(shape)], autograph=False)
        def f(x):
            return apply_act(t.tensordot(x, W, 1) + B, p["act"])
    else:
        shape = [int(np.prod(bs)), depth]

        @t.function(input_signature=[spec(shape)], autograph=False)
        def f(x):
            return apply_act(t.matmul(x, W) + B, p["act"])
    m = convert(f, [shape], [p["rin"]], rng, dense_per_tensor=p["per_tensor"])
    op = the_op(m, "FULLY_CONNECTED")
    if len(graph(m).operators) != 1:
        raise Skip("converter_extra_ops")
    edits = []
    if p["flatten"]:  # any input shape with the same element count; FC flattens it
        total = int(np.prod(shape))
        dims = []
        rest = total
        for _ in range(int(rng.integers(1, 4))):
            divs = [d for d in range(1, rest + 1) if rest % d == 0]
            d = int(pick(rng, divs))
            dims.append(d)
            rest //= d
        dims.append(rest)
        T(m, op.inputs[0]).shape = dims
        edits.append("flatten_input")
    if p.get("mult") == "small_shift":
        # Output scale giving right shifts of 1..4 (multiplier in [2^-5, 2^-1)).
        s_in, _ = qp(T(m, op.inputs[0]))
        s_w, _ = qp(T(m, op.inputs[1]))
        z_out = qp(T(m, op.outputs[0]))[1]
        real = 2.0 ** -rng.uniform(1.0, 5.0)
        set_q(T(m, op.outputs[0]), [np.float32(s_in[0]) * np.float32(max(s_w)) / real], z_out)
        edits.append("mult_small_shift")
        p = dict(p)
        p["mult"] = None
    if p.get("wzp") is not None:
        tw = T(m, op.inputs[1])
        s_w, _ = qp(tw)
        set_q(tw, s_w, [p["wzp"]])
        edits.append(f"w_zp{p['wzp']}")
    edits += requant_edit(m, op, p, rng, 0, p["per_tensor"])
    return m, edits


def sample_pool(rng, sweep, i):
    p = dict(n=1, h=int(rng.integers(2, 13)), w=int(rng.integers(2, 13)), c=small_ch(rng, 16),
             kh=int(rng.integers(1, 4)), kw=int(rng.integers(1, 4)), sh=int(rng.integers(1, 3)),
             sw=int(rng.integers(1, 3)), pad=pick(rng, ["SAME", "VALID"]), act="NONE",
             rin=rand_range(rng))
    if sweep == "window":
        p["kh"], p["kw"] = i % 7 + 1, (i // 7) % 7 + 1
        p["pad"] = "SAME" if (i // 49) % 2 == 0 else "VALID"
        p["h"], p["w"] = int(rng.integers(1, 14)), int(rng.integers(1, 14))
    elif sweep == "stride":
        p["sh"], p["sw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["kh"], p["kw"] = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    elif sweep == "channels":
        p["c"] = int(pick(rng, CHANNELS))
        p["h"], p["w"] = int(rng.integers(1, 8)), int(rng.integers(1, 8))
    elif sweep == "batch":
        p["n"] = int(rng.integers(2, 5))
    elif sweep == "global":
        p["kh"], p["kw"], p["pad"] = p["h"], p["w"], "VALID"
    elif sweep == "act":
        p["act"] = ACTS[1 + i % 3]
        if rng.random() < 0.5:
            p["zp"] = int(pick(rng, [-128, 127, -1]))
    elif sweep == "zp":
        p["zp"] = int(pick(rng, [-128, 127]))
        p["scale"] = pick(rng, [None, 1e-5, 50.0])
    elif sweep == "spatial":
        kind = i % 4
        if kind == 0:
            p["h"] = p["w"] = 1
        elif kind == 1:
            p["h"], p["w"], p["c"] = 64, 64, int(rng.integers(1, 3))
        elif kind == 2:
            p["h"], p["w"] = 1, int(rng.integers(2, 30))
        else:
            p["h"], p["w"] = int(rng.integers(2, 30)), 1
    if p["pad"] == "VALID":
        p["h"], p["w"] = max(p["h"], p["kh"]), max(p["w"], p["kw"])
    return p


def build_pool(p, rng, kind):
    t = tf()
    shape = [p["n"], p["h"], p["w"], p["c"]]
    poolf = t.nn.avg_pool2d if kind == "AVERAGE_POOL_2D" else t.nn.max_pool2d

    @t.function(input_signature=[spec(shape)], autograph=False)
    def f(x):
        return poolf(x, ksize=[p["kh"], p["kw"]], strides=[p["sh"], p["sw"]], padding=p["pad"])
    m = convert(f, [shape], [p["rin"]], rng)
    op = the_op(m, kind)
    if len(graph(m).operators) != 1:
        raise Skip("converter_extra_ops")
    edits = []
    tin, tout = T(m, op.inputs[0]), T(m, op.outputs[0])
    s, z = qp(tin)
    if p.get("zp") is not None or p.get("scale") is not None:
        z = [p["zp"]] if p.get("zp") is not None else z
        s = [p["scale"]] if p.get("scale") is not None else s
        set_q(tin, s, z)
        set_q(tout, s, z)
        edits.append(f"zp{z[0]}_scale{s[0]:.3g}")
    if p["act"] != "NONE":
        op.builtinOptions.fusedActivationFunction = ACTS.index(p["act"])
        edits.append("fused_act")
    return m, edits


def bcast_shapes(rng, same):
    rank = int(rng.integers(1, 5))
    full = [int(rng.integers(1, 7)) for _ in range(rank)]
    if same:
        return full, list(full)
    a, b = list(full), list(full)
    for k in range(rank):
        r = rng.random()
        if r < 0.3:
            a[k] = 1
        elif r < 0.6:
            b[k] = 1
    # drop leading dims of one operand (lower rank broadcast)
    if rng.random() < 0.4:
        b = b[int(rng.integers(0, rank)):] or [1]
    if rng.random() < 0.5:
        a, b = b, a
    return a, b


def sample_add(rng, sweep, i):
    a, b = bcast_shapes(rng, same=(sweep == "same"))
    p = dict(a=a, b=b, act=pick(rng, ["NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"]),
             ra=rand_range(rng), rb=rand_range(rng), const=False)
    if sweep == "scales":
        k = float(10 ** rng.uniform(1, 4))
        p["ra"] = (p["ra"][0] * k, p["ra"][1] * k)
    elif sweep == "act":
        p["act"] = ACTS[i % 4]
    elif sweep == "zp":
        p["zps"] = [int(pick(rng, [-128, 127])) if rng.random() < 0.6 else None
                    for _ in range(3)]
    elif sweep == "const":
        p["const"] = True
    elif sweep == "outscale":
        p["outscale"] = pick(rng, ["limit", "tiny", "huge"])
    return p


def build_add(p, rng):
    t = tf()
    if p["const"]:
        C = t.constant(rng.uniform(p["rb"][0], p["rb"][1], p["b"]).astype(np.float32))

        @t.function(input_signature=[spec(p["a"])], autograph=False)
        def f(x):
            return apply_act(x + C, p["act"])
        m = convert(f, [p["a"]], [p["ra"]], rng)
    else:
        @t.function(input_signature=[spec(p["a"]), spec(p["b"])], autograph=False)
        def f(x, y):
            return apply_act(x + y, p["act"])
        m = convert(f, [p["a"], p["b"]], [p["ra"], p["rb"]], rng)
    op = the_op(m, "ADD")
    if len(graph(m).operators) != 1:
        raise Skip("converter_extra_ops")
    edits = []
    ts = [T(m, op.inputs[0]), T(m, op.inputs[1]), T(m, op.outputs[0])]
    if p.get("zps"):
        for tt, z in zip(ts, p["zps"]):
            if z is not None:
                s, _ = qp(tt)
                set_q(tt, s, [z])
        edits.append("zp_" + "_".join(str(z) for z in p["zps"]))
    if p.get("outscale"):
        s1, s2 = qp(ts[0])[0][0], qp(ts[1])[0][0]
        twice = 2.0 * max(s1, s2)
        lim = twice / 2.0 ** 20  # below this LiteRT aborts (QuantizeMultiplierSmallerThanOneExp)
        so = {"limit": lim * (1 + 2.0 ** -18), "tiny": lim * rng.uniform(1.5, 20),
              "huge": twice * rng.uniform(10, 1000)}[p["outscale"]]
        set_q(ts[2], [so], qp(ts[2])[1])
        edits.append("outscale_" + p["outscale"])
    # LiteRT aborts the process for an output scale below the limit; never ask it to.
    s1, s2, so = qp(ts[0])[0][0], qp(ts[1])[0][0], qp(ts[2])[0][0]
    if not (2.0 * max(s1, s2) / (2.0 ** 20 * so) < 1.0):
        raise Skip("add_output_scale_below_limit")
    return m, edits


def sample_softmax(rng, sweep, i):
    rank = int(rng.integers(1, 5))
    shape = [int(rng.integers(1, 4)) for _ in range(rank - 1)] + [int(pick(rng, [1, 2, 3, 5, 8,
                                                                  10, 16, 31, 64, 100]))]
    p = dict(shape=shape, rin=rand_range(rng, "sym"))
    if sweep == "shape":
        shape[-1] = int(pick(rng, [1, 2, 3, 4, 7, 10, 17, 32, 67, 128, 255, 300]))
    elif sweep == "beta":
        p["beta"] = float(pick(rng, [1e-3, 0.01, 0.1, 0.5, 0.9, 1.5, 2.0, 10.0, 100.0]))
    elif sweep == "scale":
        p["in_scale"] = float(10 ** rng.uniform(-6.5, 2))
    elif sweep == "zp":
        p["in_zp"] = int(pick(rng, [-128, 127]))
        p["input_mode"] = pick(rng, ["uniform", "extreme"])
    return p


def build_softmax(p, rng):
    t = tf()

    @t.function(input_signature=[spec(p["shape"])], autograph=False)
    def f(x):
        return t.nn.softmax(x)
    m = convert(f, [p["shape"]], [p["rin"]], rng)
    op = the_op(m, "SOFTMAX")
    if len(graph(m).operators) != 1:
        raise Skip("converter_extra_ops")
    edits = []
    tin = T(m, op.inputs[0])
    s, z = qp(tin)
    if p.get("beta") is not None:
        op.builtinOptions.beta = p["beta"]
        edits.append("beta")
    if p.get("in_scale") is not None:
        s = [p["in_scale"]]
        edits.append("in_scale")
    if p.get("in_zp") is not None:
        z = [p["in_zp"]]
        edits.append("in_zp")
    set_q(tin, s, z)
    beta = op.builtinOptions.beta
    # LiteRT aborts (QuantizeMultiplierGreaterThanOne) unless beta * scale * 2^26 > 1.
    if not (beta * np.float32(s[0]) * 2.0 ** 26 > 1.0):
        raise Skip("softmax_multiplier_not_above_one")
    return m, edits


def sample_reshape(rng, sweep, i):
    total_dims = [int(rng.integers(1, 6)) for _ in range(int(rng.integers(1, 5)))]
    total = int(np.prod(total_dims))
    out = []
    rest = total
    for _ in range(int(rng.integers(0, 4))):
        divs = [d for d in range(1, rest + 1) if rest % d == 0]
        d = int(pick(rng, divs))
        out.append(d)
        rest //= d
    out.append(rest)
    rng.shuffle(out)
    p = dict(ishape=total_dims, oshape=[int(d) for d in out], rin=rand_range(rng), mode=sweep)
    return p


def build_reshape(p, rng):
    t = tf()
    target = list(p["oshape"])
    if p["mode"] == "neg1":
        target[int(rng.integers(len(target)))] = -1

    @t.function(input_signature=[spec(p["ishape"])], autograph=False)
    def f(x):
        return t.reshape(x, target)
    m = convert(f, [p["ishape"]], [p["rin"]], rng)
    op = the_op(m, "RESHAPE")
    if len(graph(m).operators) != 1:
        raise Skip("converter_extra_ops")
    edits = []
    if p["mode"] == "option":  # no shape tensor: the new_shape option alone
        op.inputs = [op.inputs[0]]
        o = S.ReshapeOptionsT()
        o.newShape = list(target)
        op.builtinOptionsType = S.BuiltinOptions.ReshapeOptions
        op.builtinOptions = o
        edits.append("new_shape_option")
    elif p["mode"] == "both":  # shape tensor and a matching option
        o = S.ReshapeOptionsT()
        o.newShape = list(target)
        op.builtinOptionsType = S.BuiltinOptions.ReshapeOptions
        op.builtinOptions = o
        edits.append("tensor_and_option")
    return m, edits


_QDQ_TEMPLATE = {}


def qdq_template(rng):
    """A float-io converted model (QUANTIZE -> RESHAPE -> DEQUANTIZE) to cut single ops from."""
    if "m" not in _QDQ_TEMPLATE:
        t = tf()

        @t.function(input_signature=[spec([2, 6])], autograph=False)
        def f(x):
            return t.reshape(x, [3, 4])
        m = convert(f, [[2, 6]], [(-1.0, 1.0)], np.random.default_rng(0), float_io=True)
        _QDQ_TEMPLATE["m"] = save_model(m)
    return load_model(_QDQ_TEMPLATE["m"])


def sample_qdq(rng, sweep, i):
    shape = [int(rng.integers(1, 6)) for _ in range(int(rng.integers(1, 5)))]
    scale = float(10 ** rng.uniform(-5, 1.5))
    zp = int(pick(rng, [-128, 127, 0, int(rng.integers(-128, 128))]))
    p = dict(shape=shape, scale=scale, zp=zp, mode=sweep)
    if sweep == "i2i":
        r = pick(rng, ["down", "up", "near", "one", "far_down"])
        ratio = {"down": 2.0 ** -rng.uniform(0.1, 8), "up": 2.0 ** rng.uniform(0.1, 8),
                 "near": 1.0 + rng.uniform(-1e-3, 1e-3), "one": 1.0,
                 "far_down": 2.0 ** -rng.uniform(20, 30)}[r]
        p["in_scale"] = scale * ratio
        p["in_zp"] = int(pick(rng, [-128, 127, 0, int(rng.integers(-128, 128))]))
        p["ratio"] = r
    return p


def build_qdq(p, rng, kind):
    m = qdq_template(rng)
    g = graph(m)
    q_op = ops_named(m, "QUANTIZE")[0]
    dq_op = ops_named(m, "DEQUANTIZE")[0]
    edits = ["cut_from_float_io_model"]
    shape = p["shape"]
    if kind == "QUANTIZE":
        tin, tout = T(m, q_op.inputs[0]), T(m, q_op.outputs[0])
        tin.shape, tout.shape = list(shape), list(shape)
        set_q(tout, [p["scale"]], [p["zp"]])
        if p["mode"] == "i2i":
            tin.type = I8
            set_q(tin, [p["in_scale"]], [p["in_zp"]])
            edits.append("int8_input")
        else:
            tin.quantization = None
        g.operators = [q_op]
        g.inputs, g.outputs = [q_op.inputs[0]], [q_op.outputs[0]]
    else:
        tin, tout = T(m, dq_op.inputs[0]), T(m, dq_op.outputs[0])
        tin.shape, tout.shape = list(shape), list(shape)
        set_q(tin, [p["scale"]], [p["zp"]])
        tout.quantization = None
        g.operators = [dq_op]
        g.inputs, g.outputs = [dq_op.inputs[0]], [dq_op.outputs[0]]
    return m, edits


def sample_net(rng, sweep, i):
    p = dict(h=int(rng.integers(4, 11)), w=int(rng.integers(4, 11)), c=int(rng.integers(1, 5)),
             n=1 if rng.random() < 0.85 else 2, float_io=(sweep == "float_io"),
             rin=rand_range(rng), per_tensor=rng.random() < 0.2,
             dense_per_tensor=rng.random() < 0.5, stages=[])
    st = p["stages"]
    if rng.random() < 0.85:
        st.append(("conv", dict(oc=int(rng.integers(2, 9)), k=int(pick(rng, [1, 3, 3, 5])),
                                s=int(pick(rng, [1, 1, 2])), pad=pick(rng, ["SAME", "VALID"]),
                                act=pick(rng, ACTS))))
    if rng.random() < 0.6:
        st.append(("dw", dict(m=int(pick(rng, [1, 1, 2])), k=3, s=int(pick(rng, [1, 1, 2])),
                              act=pick(rng, ACTS))))
    if rng.random() < 0.5:
        st.append(("residual", dict(act=pick(rng, ACTS), kind=pick(rng, ["conv1x1", "dw"]))))
    if rng.random() < 0.6:
        st.append(("pool", dict(kind=pick(rng, ["avg", "max"]), k=int(pick(rng, [2, 2, 3])),
                                s=2)))
    if rng.random() < 0.3:
        st.append(("add_input", {}))
    st.append(("flatten", {}))
    for _ in range(int(pick(rng, [1, 1, 2]))):
        st.append(("fc", dict(out=int(rng.integers(2, 11)), act=pick(rng, ACTS))))
    if rng.random() < 0.6:
        st.append(("softmax", {}))
    return p


def build_net(p, rng):
    t = tf()
    n, h, w, c = p["n"], p["h"], p["w"], p["c"]
    consts = []
    shape = [n, h, w, c]
    # First pass: shapes and weights.
    plan = []
    extra_shape = None
    for kind, q in p["stages"]:
        if kind == "conv":
            if q["pad"] == "VALID" and (shape[1] < q["k"] or shape[2] < q["k"]):
                q = dict(q, pad="SAME")
            W = rand_weights(rng, (q["k"], q["k"], shape[3], q["oc"]), 3)
            B = rng.standard_normal(q["oc"]).astype(np.float32) * 0.3
            plan.append((kind, q, W, B))
            same = q["pad"] == "SAME"
            shape = [n, out_size(same, shape[1], q["k"], q["s"], 1),
                     out_size(same, shape[2], q["k"], q["s"], 1), q["oc"]]
        elif kind == "dw":
            W = rand_weights(rng, (3, 3, shape[3], q["m"]), 3)
            B = rng.standard_normal(shape[3] * q["m"]).astype(np.float32) * 0.3
            plan.append((kind, q, W, B))
            shape = [n, -(-shape[1] // q["s"]), -(-shape[2] // q["s"]), shape[3] * q["m"]]
        elif kind == "residual":
            if q["kind"] == "conv1x1":
                W = rand_weights(rng, (1, 1, shape[3], shape[3]), 3)
            else:
                W = rand_weights(rng, (3, 3, shape[3], 1), 3)
            B = rng.standard_normal(shape[3]).astype(np.float32) * 0.3
            plan.append((kind, q, W, B))
        elif kind == "pool":
            if shape[1] < 2 or shape[2] < 2:
                continue
            k = min(q["k"], shape[1], shape[2])
            q = dict(q, k=k)
            plan.append((kind, q, None, None))
            shape = [n, (shape[1] - k) // 2 + 1, (shape[2] - k) // 2 + 1, shape[3]]
        elif kind == "add_input":
            extra_shape = [1, 1, 1, shape[3]] if rng.random() < 0.5 else list(shape)
            plan.append((kind, q, None, None))
        elif kind == "flatten":
            if int(np.prod(shape[1:])) > 96:  # keep the FC weights small: pool first
                while int(np.prod(shape[1:])) > 96 and min(shape[1], shape[2]) >= 2:
                    plan.append(("pool", dict(kind="avg", k=2, s=2), None, None))
                    shape = [n, (shape[1] - 2) // 2 + 1, (shape[2] - 2) // 2 + 1, shape[3]]
            plan.append((kind, q, None, None))
            shape = [n, int(np.prod(shape[1:]))]
        elif kind == "fc":
            W = rand_weights(rng, (shape[1], q["out"]), 1)
            B = rng.standard_normal(q["out"]).astype(np.float32) * 0.3
            plan.append((kind, q, W, B))
            shape = [n, q["out"]]
        elif kind == "softmax":
            plan.append((kind, q, None, None))
    consts = [(t.constant(W) if W is not None else None, t.constant(B) if B is not None else None)
              for _, _, W, B in plan]
    in_specs = [[n, h, w, c]] + ([extra_shape] if extra_shape else [])

    def body(x, y=None):
        for (kind, q, _, _), (W, B) in zip(plan, consts):
            if kind == "conv":
                x = apply_act(t.nn.conv2d(x, W, q["s"], q["pad"]) + B, q["act"])
            elif kind == "dw":
                x = apply_act(t.nn.depthwise_conv2d(x, W, [1, q["s"], q["s"], 1], "SAME") + B,
                              q["act"])
            elif kind == "residual":
                if q["kind"] == "conv1x1":
                    r = t.nn.conv2d(x, W, 1, "SAME") + B
                else:
                    r = t.nn.depthwise_conv2d(x, W, [1, 1, 1, 1], "SAME") + B
                x = apply_act(x + t.nn.relu(r), q["act"])
            elif kind == "pool":
                f = t.nn.avg_pool2d if q["kind"] == "avg" else t.nn.max_pool2d
                x = f(x, q["k"], 2, "VALID")
            elif kind == "add_input":
                x = x + y
            elif kind == "flatten":
                x = t.reshape(x, [n, -1])
            elif kind == "fc":
                x = apply_act(t.matmul(x, W) + B, q["act"])
            elif kind == "softmax":
                x = t.nn.softmax(x)
        return x

    if extra_shape:
        @t.function(input_signature=[spec(s) for s in in_specs], autograph=False)
        def f(x, y):
            return body(x, y)
    else:
        @t.function(input_signature=[spec(in_specs[0])], autograph=False)
        def f(x):
            return body(x)
    m = convert(f, in_specs, [p["rin"], rand_range(rng)][:len(in_specs)], rng,
                per_tensor=p["per_tensor"], dense_per_tensor=p["dense_per_tensor"],
                float_io=p["float_io"])
    return m, []


def build_refused(p, rng):
    """Models tinyml is expected to refuse; the reason goes into the index flags."""
    kind = p["kind"]
    t = tf()
    if kind == "softmax_out_zp":  # LiteRT refuses too (int8 softmax output must be 1/256, -128)
        m, _ = build_softmax(dict(shape=[1, 10], rin=(-4.0, 4.0)), rng)
        op = the_op(m, "SOFTMAX")
        s, _ = qp(T(m, op.outputs[0]))
        set_q(T(m, op.outputs[0]), [1.0 / 256], [0])
        return m, ["softmax_output_zp0"], "litert_refuses:int8_softmax_output_must_be_scale_1/256_zp_-128"
    if kind == "pool_quant_mismatch":
        m, _ = build_pool(dict(n=1, h=6, w=6, c=3, kh=2, kw=2, sh=2, sw=2, pad="VALID",
                               act="NONE", rin=(-2.0, 2.0)), rng, p["pool"])
        op = graph(m).operators[0]
        s, z = qp(T(m, op.outputs[0]))
        set_q(T(m, op.outputs[0]), [s[0] * 2], [z[0] + 3])
        return m, ["out_quant_differs"], \
            "out_of_scope:pool_in_out_quantization_differ(LiteRT_only_DCHECKs_it)"
    if kind == "add_rank5":
        a = [2, 1, 3, 2, 2]
        b = [1, 2, 1, 2, 1]

        @t.function(input_signature=[spec(a), spec(b)], autograph=False)
        def f(x, y):
            return x + y
        m = convert(f, [a, b], [(-1.0, 1.0), (-2.0, 2.0)], rng)
        if [OP_NAME[code_of(m, o)] for o in graph(m).operators] != ["ADD"]:
            raise Skip("converter_extra_ops")
        return m, [], "out_of_scope:ADD_rank_5(tinyml_broadcasts_up_to_4-D)"
    if kind == "add_out_scale_degenerate":
        # What the converter emits for a residual ADD whose calibrated output is all zeros
        # (scale ~1e-8): LiteRT aborts in Prepare (QuantizeMultiplierSmallerThanOneExp).
        m, _ = build_add(dict(a=[1, 4, 4, 3], b=[1, 4, 4, 3], act="RELU6", ra=(-3.0, 0.0),
                              rb=(0.0, 1.0), const=False), rng)
        op = graph(m).operators[0]
        set_q(T(m, op.outputs[0]), [7.843137e-09], [0])
        return m, ["out_scale_7.8e-9"], \
            "litert_aborts:ADD_output_scale_below_2*max_in_scale/2^20"
    if kind == "unsupported_op":
        @t.function(input_signature=[spec([1, 8])], autograph=False)
        def f(x):
            return t.nn.gelu(x)
        m = convert(f, [[1, 8]], [(-3.0, 3.0)], rng)
        return m, [], "out_of_scope:GELU_not_implemented"
    if kind == "conv_filter_input":  # weights as a graph input instead of a constant
        m, _ = build_conv(fix_geometry(dict(conv_base(rng), h=5, w=5, c=2, oc=3, kh=3, kw=3,
                                            sh=1, sw=1, pad="SAME", act="NONE", bias="yes",
                                            per_tensor=True)), rng)
        op = graph(m).operators[0]
        tw = T(m, op.inputs[1])
        tw.buffer = 0
        graph(m).inputs = list(graph(m).inputs) + [op.inputs[1]]
        return m, ["filter_as_input"], "out_of_scope:non-constant_conv_filter"
    if kind == "fc_pc_wzp":
        m, _ = build_fc(dict(sample_fc(rng, "per_channel", 0), keep=False, flatten=False), rng)
        op = graph(m).operators[0]
        tw = T(m, op.inputs[1])
        s, z = qp(tw)
        set_q(tw, s, [3] * len(s), 0)
        return m, ["per_channel_w_zp3"], \
            "spec_violation:per-channel_int8_weights_with_nonzero_zero_point"
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# Groups: (group, op, [(sweep, count)], sampler, builder)
# ---------------------------------------------------------------------------------------------

GROUPS = [
    ("conv2d", "CONV_2D",
     [("kernel", 98), ("stride_dil", 65), ("channels", 50), ("group", 40), ("batch", 20),
      ("bias", 25), ("act", 36), ("quant", 80), ("per_tensor", 35), ("spatial", 24),
      ("wext", 8)], sample_conv, build_conv),
    ("depthwise_conv2d", "DEPTHWISE_CONV_2D",
     [("kernel", 55), ("stride_dil", 55), ("channels", 50), ("batch", 16), ("bias", 20),
      ("act", 28), ("quant", 70), ("per_tensor", 35), ("spatial", 24), ("wext", 8)],
     sample_dw, build_dw),
    ("fully_connected", "FULLY_CONNECTED",
     [("shape", 45), ("batch", 25), ("keepdims", 30), ("flatten", 25), ("per_tensor", 55),
      ("per_channel", 55), ("bias", 25), ("act", 28), ("quant", 70), ("shift", 40),
      ("wzp", 16), ("wext", 8)], sample_fc, build_fc),
    ("average_pool2d", "AVERAGE_POOL_2D",
     [("window", 98), ("stride", 24), ("channels", 16), ("batch", 8), ("global", 8),
      ("act", 16), ("zp", 10), ("spatial", 8)], sample_pool, None),
    ("max_pool2d", "MAX_POOL_2D",
     [("window", 98), ("stride", 24), ("channels", 16), ("batch", 8), ("global", 8),
      ("act", 16), ("zp", 10), ("spatial", 8)], sample_pool, None),
    ("add", "ADD",
     [("same", 40), ("bcast", 80), ("scales", 40), ("act", 32), ("zp", 30), ("const", 15),
      ("outscale", 15)], sample_add, build_add),
    ("softmax", "SOFTMAX",
     [("shape", 50), ("beta", 30), ("scale", 30), ("zp", 20)], sample_softmax, build_softmax),
    ("reshape", "RESHAPE",
     [("tensor", 30), ("neg1", 15), ("option", 20), ("both", 10)], sample_reshape,
     build_reshape),
    ("quantize", "QUANTIZE", [("f2i", 60), ("i2i", 60)], sample_qdq, None),
    ("dequantize", "DEQUANTIZE", [("i2f", 60)], sample_qdq, None),
    ("net", None, [("int8", 85), ("float_io", 20)], sample_net, build_net),
    ("refused", None, [("softmax_out_zp", 2), ("pool_quant_mismatch", 4), ("add_rank5", 2),
                       ("add_out_scale_degenerate", 1),
                       ("unsupported_op", 1), ("conv_filter_input", 2), ("fc_pc_wzp", 2)],
     None, None),
]


# Op families in their own modules (tools/corpus/fam_*.py). Each defines groups(G) -> list of
# (group, op, [(sweep, count)], sampler, builder) where builder(p, rng) -> (model, edits), G being
# this module (its helpers: convert, spec, set_q, the_op, ...), and optionally EXTRA_OPS, op
# names its cases may contain besides `op`. Family groups seed their cases with crc32(group)
# instead of their position, so adding a family never changes another's cases.
CORE_GROUPS = len(GROUPS)
FAMILIES = ["fam_activation", "fam_binary", "fam_data", "fam_reduce", "fam_float"]


def load_families():
    import importlib
    me = sys.modules[__name__]
    for name in FAMILIES:
        if not os.path.exists(os.path.join(HERE, name + ".py")):
            continue
        mod = importlib.import_module(name)
        for g in mod.groups(me):
            GROUPS.append(g)
            if g[1] is not None:
                SUPPORTED.add(g[1])
        SUPPORTED.update(getattr(mod, "EXTRA_OPS", ()))


def group_stream(gi, group):
    return gi if gi < CORE_GROUPS else zlib.crc32(group.encode())


def make_inputs(m, p, rng):
    g = graph(m)
    ins = []
    mode = p.get("input_mode", "uniform") if p else "uniform"
    if mode == "uniform" and rng.random() < 0.05:
        mode = "extreme"
    for idx in g.inputs:
        t = g.tensors[idx]
        n = int(np.prod(t.shape)) if len(t.shape) else 1
        if t.type == I8:
            if mode == "extreme":
                v = rng.choice(np.array([-128, 127], dtype=np.int8), n)
            else:
                v = rng.integers(-128, 128, n).astype(np.int8)
            ins.append(v.astype(np.int8).tobytes())
        elif t.type == F32:
            if p and p.get("mode") == "f2i":
                s = np.float32(p["scale"])
                k = rng.integers(-300, 301, n).astype(np.float64)
                frac = rng.choice([0.0, 0.5, -0.5, 0.49999, 0.50001], n)
                frac = np.where(rng.random(n) < 0.5, frac, rng.uniform(-1, 1, n))
                v = ((k + frac) * s).astype(np.float32)
            else:
                lo, hi = p["rin"] if p and "rin" in p else (-1.0, 1.0)
                span = max(hi - lo, 1e-3)
                v = rng.uniform(lo - 0.1 * span, hi + 0.1 * span, n).astype(np.float32)
            ins.append(v.tobytes())
        elif t.type in INT_INPUTS:  # e.g. data-movement ops on int32, GATHER indices
            lo, hi = p["int_range"] if p and "int_range" in p else (-1000, 1000)
            ins.append(rng.integers(lo, hi + 1, n).astype(INT_INPUTS[t.type]).tobytes())
        else:
            raise Skip("input_type")
    return ins


INT_INPUTS = {S.TensorType.INT32: np.int32, S.TensorType.INT64: np.int64,
              S.TensorType.INT16: np.int16, S.TensorType.UINT8: np.uint8, S.TensorType.BOOL: np.bool_}


# Parameter values not spelled out in the index's case descriptions.
DESC_DEFAULTS = {"n": 1, "sh": 1, "sw": 1, "dh": 1, "dw": 1, "groups": 1, "act": "NONE",
                 "bias": "yes", "mode": None}


def desc_of(p, edits):
    if p is None:
        return "-"
    keep = []
    for k, v in p.items():
        if k in ("stages",) or v is None or v is False or DESC_DEFAULTS.get(k, ()) == v:
            continue
        if isinstance(v, tuple):
            v = "/".join(f"{x:.3g}" for x in v)
        elif isinstance(v, list):
            v = "x".join(str(x) for x in v)
        elif isinstance(v, float):
            v = f"{v:.4g}"
        keep.append(f"{k}={v}")
    if p.get("stages"):
        keep.append("stages=" + "-".join(s for s, _ in p["stages"]))
    if edits:
        keep.append("edit=" + "+".join(edits))
    return (";".join(keep) or "-").replace(" ", "")


# ---------------------------------------------------------------------------------------------
# LiteRT worker client
# ---------------------------------------------------------------------------------------------

class Worker:
    def __init__(self, log):
        self.log = log
        self.proc = None
        self.restarts = 0

    def _start(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "litert_worker.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log)

    def run(self, model, inputs, intermediates=False):
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        data = pickle.dumps((model, inputs, intermediates))
        try:
            self.proc.stdin.write(struct.pack("<I", len(data)) + data)
            self.proc.stdin.flush()
            head = self.proc.stdout.read(4)
            if len(head) < 4:
                raise EOFError
            (n,) = struct.unpack("<I", head)
            return pickle.loads(self.proc.stdout.read(n))
        except (EOFError, BrokenPipeError):
            self.proc.wait()
            self.proc = None
            self.restarts += 1
            return ("crash", "LiteRT worker died")

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def version(*dists):
    for d in dists:
        try:
            return md.version(d)
        except md.PackageNotFoundError:
            pass
    return "not installed"


def build_case(group, op, sweep, p, builder, rng):
    if group == "refused":
        m, edits, reason = build_refused(dict(kind=sweep, pool=pick(rng, ["AVERAGE_POOL_2D",
                                                                          "MAX_POOL_2D"])), rng)
        return m, edits, "expect_refused:" + reason, dict(kind=sweep)
    if group in ("average_pool2d", "max_pool2d"):
        m, edits = build_pool(p, rng, op)
    elif group in ("quantize", "dequantize"):
        m, edits = build_qdq(p, rng, op)
    elif group.startswith("f32_") or group.startswith("hybrid_"):
        m, edits = builder(p, rng)  # float groups may be refused-free float models
    else:
        m, edits = builder(p, rng)
    return m, edits, "-", p


def extract(out, name, dest):
    with open(os.path.join(out, "index.txt")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fld = line.split()
            if fld[0] != name:
                continue
            with open(os.path.join(out, fld[3]), "rb") as pf:
                pack = pf.read()
            pos = 4
            mo, ms = int(fld[pos]), int(fld[pos + 1])
            blobs = [(dest + ".tflite", mo, ms)]
            pos += 2
            for kind in ("in", "out"):
                cnt = int(fld[pos])
                pos += 1
                for k in range(cnt):
                    blobs.append((f"{dest}.{kind}{k}.bin", int(fld[pos]), int(fld[pos + 1])))
                    pos += 2
            cnt = int(fld[pos])
            for k in range(cnt):
                blobs.append((f"{dest}.t{fld[pos + 1 + 3 * k]}.bin", int(fld[pos + 2 + 3 * k]),
                              int(fld[pos + 3 + 3 * k])))
            pos += 1 + 3 * cnt
            os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
            for path, off, size in blobs:
                with open(path, "wb") as o:
                    o.write(pack[off:off + size])
                print("wrote", path, size, "bytes")
            print("flags:", fld[pos], "\ndesc:", fld[pos + 1])
            return
    raise SystemExit(f"no case {name} in {out}/index.txt")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "corpus"))
    ap.add_argument("--only", help="comma-separated groups (debugging; MANIFEST says so)")
    ap.add_argument("--limit", type=int, default=0, help="at most N cases per sweep (debugging)")
    ap.add_argument("--extract", nargs=2, metavar=("CASE", "DEST"),
                    help="dump one case of an existing corpus as DEST.tflite/.in0.bin/.out0.bin")
    args = ap.parse_args()
    load_families()
    if args.extract:
        extract(args.out, *args.extract)
        return

    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    worker = Worker(None if os.environ.get("CORPUS_DEBUG") else subprocess.DEVNULL)
    only = set(args.only.split(",")) if args.only else None
    index_lines = []
    manifest_counts = []
    skipped = {}
    examples = {}
    op_counts = {}
    total_bytes = 0
    for gi, (group, op, sweeps, sampler, builder) in enumerate(GROUPS):
        if only and group not in only:
            continue
        pack = bytearray(PACK_MAGIC)
        made = 0
        for sweep, count in sweeps:
            if args.limit:
                count = min(count, args.limit)
            made_sweep = 0
            k = 0
            attempts = 0
            while made_sweep < count and attempts < count * 4 + 8:
                si = list(dict(sweeps)).index(sweep)
                rng = np.random.default_rng([args.seed, group_stream(gi, group), si, k, attempts])
                attempts += 1
                p = sampler(rng, sweep, k) if sampler else None
                try:
                    m, edits, flags, pdesc = build_case(group, op, sweep, p, builder, rng)
                    clean(m)
                    model = save_model(m)
                    inputs = make_inputs(m, p, rng)
                    if group in ("conv2d", "depthwise_conv2d", "fully_connected") and \
                            requant_overflows(model, inputs):
                        raise Skip("requant_int32_overflow")
                except Skip as e:
                    skipped[f"{group}:{e}"] = skipped.get(f"{group}:{e}", 0) + 1
                    examples.setdefault(f"{group}:{e}", desc_of(p, []))
                    continue
                reply = worker.run(model, inputs, intermediates=(group == "net"))
                inter = []
                if reply[0] == "ok":
                    outs, ops, inter = reply[1], reply[2], reply[3]
                else:
                    outs, ops = None, [OP_NAME[code_of(m, o)] for o in graph(m).operators]
                if flags == "-":
                    if reply[0] != "ok":
                        reason = reply[1].split(":")[0] if reply[0] == "error" else "crash"
                        key = f"{group}:litert_{reply[0]}"
                        skipped[key] = skipped.get(key, 0) + 1
                        examples.setdefault(key, f"{reply[1]} [{sweep}: {desc_of(pdesc, edits)}]")
                        keep = os.environ.get("CORPUS_KEEP_CRASHES")
                        if keep and reply[0] == "crash":  # for a bug report against LiteRT
                            os.makedirs(keep, exist_ok=True)
                            stem = os.path.join(keep, f"{group}.{sweep}.k{k}.a{attempts}")
                            with open(stem + ".tflite", "wb") as cf:
                                cf.write(model)
                            for j, b in enumerate(inputs):
                                with open(f"{stem}.in{j}.bin", "wb") as cf:
                                    cf.write(b)
                        if os.environ.get("CORPUS_DEBUG"):
                            print("  refused:", group, sweep, k, reply[1], desc_of(pdesc, edits))
                        continue
                    if not set(ops) <= SUPPORTED or (op is not None and ops != [op]):
                        skipped[f"{group}:ops_{'+'.join(sorted(set(ops) - SUPPORTED)) or 'other'}"] = \
                            skipped.get(f"{group}:ops_{'+'.join(sorted(set(ops) - SUPPORTED)) or 'other'}", 0) + 1
                        continue
                else:
                    if reply[0] == "ok":
                        flags += "(litert_accepts)"
                    else:
                        outs = []
                name = f"{group}.{sweep}.{made_sweep:03d}"
                blobs = [model] + inputs + outs + [b for _, b in inter]

                def put(b):
                    while len(pack) % 16:
                        pack.append(0)
                    off = len(pack)
                    pack.extend(b)
                    return off, len(b)
                locs = [put(b) for b in blobs]
                fields = [name, group, ",".join(ops), group + ".pack", str(locs[0][0]),
                          str(locs[0][1]), str(len(inputs))]
                for off, size in locs[1:1 + len(inputs)]:
                    fields += [str(off), str(size)]
                fields.append(str(len(outs)))
                for off, size in locs[1 + len(inputs):1 + len(inputs) + len(outs)]:
                    fields += [str(off), str(size)]
                fields.append(str(len(inter)))
                for (tidx, _), (off, size) in zip(inter, locs[1 + len(inputs) + len(outs):]):
                    fields += [str(tidx), str(off), str(size)]
                fields += [flags, desc_of(pdesc, edits)]
                index_lines.append(" ".join(fields))
                for o in set(ops):
                    op_counts[o] = op_counts.get(o, 0) + 1
                made_sweep += 1
                made += 1
                k += 1
            if made_sweep < count:
                skipped[f"{group}:{sweep}_short_by_{count - made_sweep}"] = 1
        while len(pack) % 16:
            pack.append(0)
        with open(os.path.join(args.out, group + ".pack"), "wb") as f:
            f.write(pack)
        total_bytes += len(pack)
        manifest_counts.append((group, made, len(pack)))
        print(f"{group}: {made} cases, {len(pack)} bytes, {time.time() - t0:.0f} s", flush=True)
    worker.close()

    write_outputs(args, index_lines, manifest_counts, skipped, examples, time.time() - t0,
                  worker.restarts)


def write_outputs(args, index_lines, manifest_counts, skipped, examples, elapsed, restarts):
    """Merges this run's groups into index.txt / groups.json (other groups are kept, so
    `--only g` regenerates just g) and rewrites MANIFEST.txt. Locked: several generators may
    write different groups of one corpus at once."""
    import fcntl
    import json
    order = [g[0] for g in GROUPS]
    with open(os.path.join(args.out, ".lock"), "w") as lockf:
        fcntl.flock(lockf, fcntl.LOCK_EX)
        lines_by_group = {}
        ipath = os.path.join(args.out, "index.txt")
        if os.path.exists(ipath):
            with open(ipath) as f:
                for line in f:
                    if line.strip() and not line.startswith("#"):
                        lines_by_group.setdefault(line.split()[1], []).append(line.rstrip("\n"))
        meta_path = os.path.join(args.out, "groups.json")
        meta = {}
        if os.path.exists(meta_path):
            with open(meta_path) as f:
                meta = json.load(f)
        cmd = " ".join(shlex.quote(a) for a in ["python", os.path.relpath(sys.argv[0], ROOT)]
                       + sys.argv[1:])
        for group, made, size in manifest_counts:
            lines_by_group[group] = [ln for ln in index_lines if ln.split()[1] == group]
            meta[group] = dict(
                cases=made, bytes=size, seed=args.seed, limit=args.limit, command=cmd,
                seconds=round(elapsed), litert=version("ai-edge-litert"),
                tensorflow=version("tensorflow-cpu", "tensorflow"),
                skipped={k: v for k, v in skipped.items() if k.split(":")[0] == group},
                examples={k: v for k, v in examples.items() if k.split(":")[0] == group})
        groups = [g for g in order if g in lines_by_group] + \
            sorted(g for g in lines_by_group if g not in order)
        all_lines = [ln for g in groups for ln in lines_by_group[g]]
        with open(ipath, "w") as f:
            f.write("# tinyml op corpus (tools/corpus/gen_corpus.py). One case per line:\n"
                    "# name group ops pack model_off model_size n_in (off size)*n_in "
                    "n_out (off size)*n_out n_t (tensor off size)*n_t flags desc\n")
            f.write("\n".join(all_lines) + "\n")
        with open(meta_path, "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
        op_counts = {}
        for ln in all_lines:
            for o in set(ln.split()[2].split(",")):
                op_counts[o] = op_counts.get(o, 0) + 1
        total_bytes = sum(meta[g]["bytes"] for g in groups if g in meta)
        seeds = sorted({meta[g]["seed"] for g in groups if g in meta})
        subset = [g for g in groups if g in meta and meta[g]["limit"]]
        with open(os.path.join(args.out, "MANIFEST.txt"), "w") as f:
            f.write(f"""tinyml op corpus: {len(all_lines)} cases, made by tools/corpus/gen_corpus.py
Command (from the repository root): python tools/corpus/gen_corpus.py --seed {seeds[0] if seeds else args.seed}
  (regenerates every group; `--only g1,g2` regenerates just those and keeps the rest)
Seed(s): {", ".join(map(str, seeds))}{"   SUBSET (--limit) in: " + ",".join(subset) if subset else ""}
Goldens: ai-edge-litert {version("ai-edge-litert")} Interpreter, OpResolverType.BUILTIN_REF (reference kernels,
  no delegates), num_threads=1, run in a worker process (tools/corpus/litert_worker.py)
Models: TensorFlow {version("tensorflow-cpu", "tensorflow")} tf.lite.TFLiteConverter, full-integer PTQ, int8 in/out;
  edits with ai_edge_litert.schema_py_generated (object API); flatbuffers {version("flatbuffers")}
numpy {np.__version__}; Python {sys.version.split()[0]}
Last run: {elapsed:.0f} s ({cmd}); LiteRT worker restarts: {restarts}
Format: see the docstring of tools/corpus/gen_corpus.py (index.txt + <group>.pack; groups.json
  keeps per-group generation facts)

Cases and bytes per group (generation seconds of the run that made the group):
""")
            for g in groups:
                mg = meta.get(g, {})
                f.write(f"  {g:22s} {len(lines_by_group[g]):5d} cases {mg.get('bytes', 0):9d} bytes"
                        f" {mg.get('seconds', 0):5d} s\n")
            f.write(f"  {'total':22s} {len(all_lines):5d} cases {total_bytes:9d} bytes\n\n")
            f.write("Cases containing each op:\n")
            for o in sorted(op_counts):
                f.write(f"  {o:22s} {op_counts[o]:5d}\n")
            f.write("\nSampled models not kept (group:reason count). litert_error = LiteRT refused\n"
                    "the model at allocate/invoke; litert_crash = LiteRT aborted the process;\n"
                    "converter_* = the TF converter refused or produced other ops:\n")
            for g in groups:
                mg = meta.get(g, {})
                for k in sorted(mg.get("skipped", {})):
                    f.write(f"  {k} {mg['skipped'][k]}\n")
                    if k in mg.get("examples", {}):
                        f.write(f"      first: {mg['examples'][k][:300]}\n")
        fcntl.flock(lockf, fcntl.LOCK_UN)
    print(f"{len(index_lines)} cases this run; corpus now {len(all_lines)} cases, "
          f"{total_bytes} bytes, {elapsed:.0f} s; skipped: {skipped}")


if __name__ == "__main__":
    main()
