# SPDX-License-Identifier: Apache-2.0
"""Corpus groups of the reduce, resize and matmul families (tinyml ops/reduce.hpp, resize.hpp,
matmul.hpp): MEAN, SUM, REDUCE_MAX, ARG_MAX, ARG_MIN, RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR,
TRANSPOSE_CONV and BATCH_MATMUL on int8, converted from TensorFlow functions and edited like the
core groups (gen_corpus.py).

SUM is special: LiteRT 2.3's reference resolver runs int8 SUM through QuantizedMeanOrSum with the
data read as uint8 (a bug fixed upstream), so its goldens are only trustworthy where the uint8 and
int8 readings agree: every input value and every (unclamped) output value in [0, 127]. The red_sum
cases are therefore float-input models QUANTIZE -> SUM whose SUM input quantization maps the
float range into [1, 126] and whose output quantization keeps every possible result inside
[1, 126]; both readings then compute the same bytes, and the golden checks TFLite's intended int8
arithmetic (requantization multiplier, shift, zero points).
"""
import numpy as np
from ai_edge_litert import schema_py_generated as S

G = None  # the gen_corpus module, set by groups()

# red_sum cases are QUANTIZE -> SUM (the group's op is None, so SUM must be listed).
EXTRA_OPS = {"SUM"}


def _single(m, name):
    op = G.the_op(m, name)
    if len(G.graph(m).operators) != 1:
        raise G.Skip("converter_extra_ops")
    return op


def _tensor(m, i):
    return G.graph(m).tensors[i]


def _set_i32(m, t, values, dtype=np.int32):
    arr = np.asarray(values, dtype=dtype)
    G.set_tensor_data(m, t, arr)
    t.shape = [int(arr.size)] if arr.ndim else []


# ---------------------------------------------------------------------------------------------
# Reductions: MEAN, SUM, REDUCE_MAX
# ---------------------------------------------------------------------------------------------

def _rand_shape(rng, rank, hi=6):
    return [int(rng.integers(1, hi)) for _ in range(rank)]


def _rand_axes(rng, rank):
    k = int(rng.integers(1, rank + 1))
    return sorted(int(a) for a in rng.choice(rank, k, replace=False))


def sample_reduce(rng, sweep, i):
    rank = int(rng.integers(1, 6))
    shape = _rand_shape(rng, rank)
    p = dict(shape=shape, axes=_rand_axes(rng, rank), keep=bool(rng.random() < 0.5),
             rin=G.rand_range(rng))
    if sweep == "keepdims":
        p["keep"] = bool(i % 2 == 0)
        rank = int(rng.integers(2, 5))
        p["shape"] = _rand_shape(rng, rank)
        p["axes"] = _rand_axes(rng, rank)
    elif sweep == "axes_edit":  # negative and repeated axes in the axis tensor
        p["axes_edit"] = True
        if rank < 2:
            p["shape"] = _rand_shape(rng, 3)
            p["axes"] = _rand_axes(rng, 3)
    elif sweep == "hw":  # 4-D over H and W with keep_dims (a special path in older TFLite)
        p["shape"] = [int(rng.integers(1, 3)), int(rng.integers(1, 9)), int(rng.integers(1, 9)),
                      int(G.pick(rng, G.CHANNELS[:24]))]
        p["axes"] = [1, 2] if rng.random() < 0.7 else [2, 1]
        p["keep"] = rng.random() < 0.8
    elif sweep == "all":
        p["axes"] = list(range(len(shape)))
    elif sweep == "large":  # many elements per output: the 1/count folding at larger shifts
        p["shape"] = [int(rng.integers(1, 3)), int(rng.integers(8, 40)), int(rng.integers(8, 40)),
                      int(rng.integers(1, 4))]
        p["axes"] = [1, 2] if rng.random() < 0.5 else [0, 1, 2]
    elif sweep == "quant":
        p["quant"] = G.pick(rng, ["eq", "zp", "tiny", "big", "pot", "flush", "small"])
        p["in_zp"] = int(G.pick(rng, [-128, 127, int(rng.integers(-128, 128))]))
        p["out_zp"] = int(G.pick(rng, [-128, 127, 0, int(rng.integers(-128, 128))]))
        if rng.random() < 0.3:
            p["input_mode"] = "extreme"
    elif sweep == "zp":  # REDUCE_MAX: equal in/out quantization at the extremes
        p["zp"] = int(G.pick(rng, [-128, 127, int(rng.integers(-128, 128))]))
        p["scale"] = G.pick(rng, [None, 1e-5, 40.0])
        if rng.random() < 0.3:
            p["input_mode"] = "extreme"
    return p


def _fix_axes(m, op, p, rng):
    """Rewrites the axis tensor with negative and repeated spellings of the same axes."""
    rank = len(p["shape"])
    t = _tensor(m, op.inputs[1])
    axes = [int(a) for a in G.tensor_data(m, t, np.int32)]
    out = [a - rank if rng.random() < 0.6 else a for a in axes]
    for _ in range(int(rng.integers(1, 3))):
        a = int(G.pick(rng, axes))
        out.insert(int(rng.integers(0, len(out) + 1)), a - rank if rng.random() < 0.5 else a)
    _set_i32(m, t, out)
    return ["axes_neg_rep"]


def _reduce_model(p, rng, tf_fn, name, float_io=False):
    t = G.tf()
    shape, axes, keep = p["shape"], list(p["axes"]), p["keep"]

    @t.function(input_signature=[G.spec(shape)], autograph=False)
    def f(x):
        return tf_fn(x, axis=axes, keepdims=keep)
    m = G.convert(f, [shape], [p["rin"]], rng, float_io=float_io)
    return m


def build_mean(p, rng):
    m = _reduce_model(p, rng, G.tf().reduce_mean, "MEAN")
    op = _single(m, "MEAN")
    edits = _fix_axes(m, op, p, rng) if p.get("axes_edit") else []
    tin, tout = _tensor(m, op.inputs[0]), _tensor(m, op.outputs[0])
    q = p.get("quant")
    if q:
        (si,), _ = G.qp(tin)
        (so,), _ = G.qp(tout)
        zi, zo = p["in_zp"], p["out_zp"]
        if q == "eq":
            so, zo = si, zi
        elif q == "tiny":  # ratio in/out around 2^-12 .. 2^-24
            so = si * 2.0 ** rng.uniform(12, 24)
        elif q == "flush":  # ratio below 2^-32: multiplier 0
            so = si * 2.0 ** rng.uniform(33, 36)
        elif q == "small":  # ratio near 2^-30: the 1/count shift is clamped at 31 + shift
            so = si * 2.0 ** rng.uniform(27, 31)
        elif q == "big":
            so = si / 2.0 ** rng.uniform(1, 8)
        elif q == "pot":
            so = si * 2.0 ** int(rng.integers(-6, 7))
        if not (np.isfinite(np.float32(so)) and np.float32(so) > 0):
            raise G.Skip("scale_unrepresentable")
        G.set_q(tin, [si], [zi])
        G.set_q(tout, [so], [zo])
        edits.append("quant_" + q)
    return m, edits


def build_max(p, rng):
    m = _reduce_model(p, rng, G.tf().reduce_max, "REDUCE_MAX")
    op = _single(m, "REDUCE_MAX")
    edits = _fix_axes(m, op, p, rng) if p.get("axes_edit") else []
    if p.get("zp") is not None:
        tin, tout = _tensor(m, op.inputs[0]), _tensor(m, op.outputs[0])
        s, _ = G.qp(tin)
        s = [p["scale"]] if p.get("scale") is not None else s
        G.set_q(tin, s, [p["zp"]])
        G.set_q(tout, s, [p["zp"]])
        edits.append("zp")
    return m, edits


def sample_sum(rng, sweep, i):
    p = sample_reduce(rng, "keepdims" if sweep == "keepdims" else
                      ("axes_edit" if sweep == "axes_edit" else "axes"), i)
    if sweep == "eq":  # input and output quantization equal: few, small terms
        rank = int(rng.integers(1, 4))
        p["shape"] = _rand_shape(rng, rank, 4)
        p["axes"] = _rand_axes(rng, rank)
        p["eq"] = True
    elif sweep == "count":  # more terms per output
        p["shape"] = [int(rng.integers(1, 3)), int(rng.integers(3, 12)), int(rng.integers(3, 12)),
                      int(rng.integers(1, 5))]
        p["axes"] = [1, 2] if rng.random() < 0.6 else [1, 2, 3]
    p["zi"] = int(rng.integers(-100, 31))
    p["span"] = float(np.exp(rng.uniform(np.log(0.05), np.log(20.0))))
    del p["rin"]
    return p


def build_sum(p, rng):
    """QUANTIZE -> SUM (see the module docstring): every int8 value the SUM reads or writes lies
    in [1, 126], where LiteRT 2.3's uint8 reading of int8 SUM agrees with the int8 arithmetic."""
    shape, axes = p["shape"], p["axes"]
    rank = len(shape)
    n = int(np.prod([shape[a] for a in set(axes)]))
    zi = p["zi"]
    for _ in range(200):
        qmin = int(rng.integers(max(zi + 1, 1) + 1, 100))
        qmax = int(rng.integers(qmin + 2, 127))
        if p.get("eq"):
            # r = sum(q) - zi*(n-1) must stay in [1, 126] for q in [qmin-1, qmax+1].
            lo = n * (qmin - 1) - zi * (n - 1)
            hi = n * (qmax + 1) - zi * (n - 1)
            if lo >= 1 and hi <= 126:
                break
        else:
            break
    else:
        raise G.Skip("sum_eq_no_fit")
    d = p["span"]
    s_in = 1.2 * d / (qmax - qmin)
    lo_f = 0.1 * d + (qmin - zi) * s_in  # the float range's low end lands on qmin
    p["rin"] = (lo_f, lo_f + d)
    m = _reduce_model(p, rng, G.tf().reduce_sum, "SUM", float_io=True)
    g = G.graph(m)
    names = [G.OP_NAME[G.code_of(m, o)] for o in g.operators]
    if names != ["QUANTIZE", "SUM", "DEQUANTIZE"]:
        raise G.Skip("converter_ops_" + "+".join(names))
    qop, sop, dop = g.operators
    g.operators = [qop, sop]
    g.outputs = [sop.outputs[0]]
    edits = ["quantize_sum_int8_out"]
    if p.get("axes_edit"):
        edits += _fix_axes(m, sop, p, rng)
    tin, tout = _tensor(m, sop.inputs[0]), _tensor(m, sop.outputs[0])
    G.set_q(tin, [s_in], [zi])
    s_in = float(np.float32(s_in))
    smin, smax = n * (qmin - 1 - zi), n * (qmax + 1 - zi)  # both >= 0
    if p.get("eq"):
        s_out, zo = s_in, zi
        edits.append("eq_quant")
    else:
        # Results zo + ratio * [smin, smax] (+-0.5 rounding) must stay inside [1, 126].
        ratio = min(rng.uniform(0.3, 0.97) * 122.0 / max(smax - smin, 1),
                    rng.uniform(0.5, 0.98) * 250.0 / max(smax, 1))
        zo_lo = int(np.ceil(1.5 - ratio * smin))
        zo_hi = int(np.floor(125.5 - ratio * smax))
        if zo_lo > zo_hi or zo_hi < -128 or zo_lo > 127:
            raise G.Skip("sum_out_range")
        zo = int(rng.integers(max(zo_lo, -128), min(zo_hi, 127) + 1))
        s_out = s_in / ratio
    G.set_q(tout, [s_out], [zo])
    return m, edits


# ---------------------------------------------------------------------------------------------
# ARG_MAX / ARG_MIN
# ---------------------------------------------------------------------------------------------

def sample_arg(rng, sweep, i):
    rank = int(rng.integers(1, 6))
    p = dict(shape=_rand_shape(rng, rank, 7), axis=int(rng.integers(-rank, rank)),
             out="int32" if rng.random() < 0.5 else "int64", rin=G.rand_range(rng))
    if sweep == "axis":
        pass
    elif sweep == "out_type":
        p["out"] = "int64" if i % 2 else "int32"
    elif sweep == "axis64":  # int64 axis tensor
        p["axis64"] = True
    elif sweep == "ties":  # only -128/127: many equal values
        p["input_mode"] = "extreme"
    elif sweep == "long":
        p["shape"] = [int(rng.integers(1, 3)), int(rng.integers(30, 300))]
        p["axis"] = int(G.pick(rng, [1, -1, 0]))
        if rng.random() < 0.3:
            p["input_mode"] = "extreme"
    return p


def build_arg(p, rng, name):
    t = G.tf()
    shape = p["shape"]
    fn = t.math.argmax if name == "ARG_MAX" else t.math.argmin
    ot = t.int64 if p["out"] == "int64" else t.int32

    @t.function(input_signature=[G.spec(shape)], autograph=False)
    def f(x):
        return fn(x, axis=p["axis"], output_type=ot)
    m = G.convert(f, [shape], [p["rin"]], rng)
    op = _single(m, name)
    edits = []
    if p.get("axis64"):
        ta = _tensor(m, op.inputs[1])
        a = int(G.tensor_data(m, ta, np.int32)[0])
        ta.type = S.TensorType.INT64
        G.set_tensor_data(m, ta, np.asarray(a, dtype=np.int64).reshape([int(d) for d in ta.shape]))
        edits.append("axis_int64")
    return m, edits


# ---------------------------------------------------------------------------------------------
# RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR
# ---------------------------------------------------------------------------------------------

def sample_resize(rng, sweep, i):
    p = dict(n=1, h=int(rng.integers(1, 9)), w=int(rng.integers(1, 9)),
             c=int(G.pick(rng, G.CHANNELS[:16])), oh=int(rng.integers(1, 17)),
             ow=int(rng.integers(1, 17)), align=False, half=False, rin=G.rand_range(rng))
    if sweep == "up":
        k = int(rng.integers(2, 5))
        p["oh"], p["ow"] = p["h"] * k, p["w"] * int(G.pick(rng, [k, k, k + 1, 1]))
    elif sweep == "down":
        p["h"], p["w"] = int(rng.integers(4, 17)), int(rng.integers(4, 17))
        p["oh"], p["ow"] = int(rng.integers(1, p["h"] + 1)), int(rng.integers(1, p["w"] + 1))
    elif sweep == "align":
        p["align"] = True
    elif sweep == "half":
        p["half"] = True
    elif sweep == "ones":  # 1-pixel input or output edges
        kind = i % 4
        if kind == 0:
            p["h"] = p["w"] = 1
        elif kind == 1:
            p["oh"] = p["ow"] = 1
        elif kind == 2:
            p["h"], p["oh"] = 1, 1
        else:
            p["w"] = 1
        p["align"], p["half"] = [(False, False), (True, False), (False, True)][int(rng.integers(3))]
    elif sweep == "batch":
        p["n"] = int(rng.integers(2, 4))
        p["align"], p["half"] = [(False, False), (True, False), (False, True)][int(rng.integers(3))]
    elif sweep == "channels":
        p["c"] = int(G.pick(rng, G.CHANNELS))
        p["h"], p["w"] = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        p["oh"], p["ow"] = int(rng.integers(1, 9)), int(rng.integers(1, 9))
        p["align"], p["half"] = [(False, False), (True, False), (False, True)][int(rng.integers(3))]
    elif sweep == "zp":
        p["zp"] = int(G.pick(rng, [-128, 127]))
        p["input_mode"] = G.pick(rng, ["extreme", "uniform"])
        p["align"], p["half"] = [(False, False), (True, False), (False, True)][int(rng.integers(3))]
    if sweep in ("up", "down") and rng.random() < 0.6:
        p["align"], p["half"] = [(True, False), (False, True)][int(rng.integers(2))]
    return p


def build_resize(p, rng, name):
    t = G.tf()
    shape = [p["n"], p["h"], p["w"], p["c"]]
    fn = t.compat.v1.image.resize_bilinear if name == "RESIZE_BILINEAR" else \
        t.compat.v1.image.resize_nearest_neighbor

    @t.function(input_signature=[G.spec(shape)], autograph=False)
    def f(x):
        return fn(x, [p["oh"], p["ow"]], align_corners=p["align"],
                  half_pixel_centers=p["half"])
    m = G.convert(f, [shape], [p["rin"]], rng)
    op = _single(m, name)
    edits = []
    if p.get("zp") is not None:
        tin, tout = _tensor(m, op.inputs[0]), _tensor(m, op.outputs[0])
        s, _ = G.qp(tin)
        G.set_q(tin, s, [p["zp"]])
        G.set_q(tout, s, [p["zp"]])
        edits.append("zp")
    return m, edits


# ---------------------------------------------------------------------------------------------
# TRANSPOSE_CONV
# ---------------------------------------------------------------------------------------------

def sample_tconv(rng, sweep, i):
    p = dict(n=1, h=int(rng.integers(1, 7)), w=int(rng.integers(1, 7)),
             c=int(G.pick(rng, [c for c in G.CHANNELS if c <= 12])),
             oc=int(G.pick(rng, [c for c in G.CHANNELS if c <= 12])),
             kh=int(G.pick(rng, [1, 2, 3, 3, 4, 5])), kw=None,
             sh=int(G.pick(rng, [1, 2, 2, 3])), sw=None, pad=G.pick(rng, ["SAME", "VALID"]),
             extra_h=None, extra_w=None, bias="yes", act="NONE", per_tensor=False,
             rin=G.rand_range(rng))
    if sweep == "kernel":
        p["kh"], p["kw"] = i % 5 + 1, (i // 5) % 5 + 1
        p["pad"] = "SAME" if (i // 25) % 2 == 0 else "VALID"
        p["sh"], p["sw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["c"], p["oc"] = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    elif sweep == "stride":
        p["sh"], p["sw"] = i % 3 + 1, (i // 3) % 3 + 1
        p["kh"], p["kw"] = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    elif sweep == "outsize":  # output sizes other than the minimal one (TF's output_padding)
        p["sh"], p["sw"] = int(rng.integers(2, 4)), int(rng.integers(2, 4))
        p["extra_h"], p["extra_w"] = int(rng.integers(0, p["sh"])), int(rng.integers(0, p["sw"]))
    elif sweep == "channels":
        p["c"], p["oc"] = int(G.pick(rng, G.CHANNELS)), int(G.pick(rng, G.CHANNELS))
        p["h"], p["w"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["kh"] = int(G.pick(rng, [1, 2, 3]))
        while p["c"] * p["oc"] * p["kh"] * p["kh"] > 3000:
            p["oc"] = max(1, p["oc"] // 2)
    elif sweep == "per_tensor":
        p["per_tensor"] = True
        p["kh"], p["kw"] = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    elif sweep == "bias":
        p["bias"] = G.pick(rng, ["none3", "none_m1", "zero", "large"])
    elif sweep == "act":
        p["act"] = G.ACTS[i % 4]
        if rng.random() < 0.5:
            p["out_zp"] = int(G.pick(rng, [-128, 127, 0]))
    elif sweep == "batch":
        p["n"] = int(rng.integers(2, 4))
    elif sweep == "quant":
        r = rng.random()
        if r < 0.4:
            p["in_zp"] = int(G.pick(rng, [-128, 127]))
            if rng.random() < 0.5:
                p["out_zp"] = int(G.pick(rng, [-128, 127]))
        else:
            p["mult"] = G.pick(rng, ["big", "small", "pot", "one", "tiny_in", "huge_in", "flush"])
        p["per_tensor"] = bool(rng.random() < 0.3)
        if rng.random() < 0.2:
            p["input_mode"] = "extreme"
    p["kw"] = p["kw"] or p["kh"]
    p["sw"] = p["sw"] or p["sh"]
    return p


def _tconv_out(n, k, s, same, extra):
    return n * s - s + 1 + extra if same else (n - 1) * s + k + extra


def build_tconv(p, rng):
    t = G.tf()
    n, h, w, c, oc = p["n"], p["h"], p["w"], p["c"], p["oc"]
    same = p["pad"] == "SAME"
    # SAME: any output in [(h-1)*s + 1, h*s]; VALID: [(h-1)*s + k, (h-1)*s + k + s - 1].
    # Default: TF's usual output size (h*s for SAME, (h-1)*s + k for VALID).
    ex_h = p["extra_h"] if p["extra_h"] is not None else (p["sh"] - 1 if same else 0)
    ex_w = p["extra_w"] if p["extra_w"] is not None else (p["sw"] - 1 if same else 0)
    oh = _tconv_out(h, p["kh"], p["sh"], same, ex_h)
    ow = _tconv_out(w, p["kw"], p["sw"], same, ex_w)
    W = t.constant(G.rand_weights(rng, (p["kh"], p["kw"], oc, c), 2))
    bval = rng.standard_normal(oc).astype(np.float32) * 0.5
    if p["bias"] == "zero":
        bval[:] = 0
    B = t.constant(bval)

    @t.function(input_signature=[G.spec([n, h, w, c])], autograph=False)
    def f(x):
        y = t.nn.conv2d_transpose(x, W, [n, oh, ow, oc], strides=[p["sh"], p["sw"]],
                                  padding=p["pad"])
        return y + B
    m = G.convert(f, [[n, h, w, c]], [p["rin"]], rng, per_tensor=p["per_tensor"])
    op = _single(m, "TRANSPOSE_CONV")
    if len(op.inputs) != 4 and p["bias"] not in ("zero", "none3", "none_m1"):
        raise G.Skip("converter_no_bias")
    edits = [] if len(op.inputs) == 4 else ["converter_dropped_zero_bias"]
    if p["act"] != "NONE":
        op.builtinOptions.fusedActivationFunction = G.ACTS.index(p["act"])
        edits.append("fused_act")
    edits += _tconv_quant(m, op, p, rng)
    return m, edits


def _tconv_quant(m, op, p, rng):
    """Zero points, multiplier targets, bias edits on a TRANSPOSE_CONV (inputs: shape, weights,
    input, bias)."""
    tin, tw, tout = _tensor(m, op.inputs[2]), _tensor(m, op.inputs[1]), _tensor(m, op.outputs[0])
    tb = _tensor(m, op.inputs[3]) if len(op.inputs) > 3 and op.inputs[3] >= 0 else None
    (s_in,), z_in = G.qp(tin)
    s_w, z_w = G.qp(tw)
    (s_out,), z_out = G.qp(tout)
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
        if mt == "tiny_in":
            s_in = float(np.float32(1e-6 * rng.uniform(1, 10)))
        elif mt == "huge_in":
            s_in = float(np.float32(rng.uniform(5, 50)))
        else:
            target = {"flush": 2.0 ** -33 * rng.uniform(0.5, 1.0), "one": 1.0,
                      "pot": 2.0 ** -int(rng.integers(1, 20)),
                      "big": 2.0 ** rng.uniform(0.2, 6.0),
                      "small": 2.0 ** -rng.uniform(16, 30)}[mt]
            s_out = s_in * max(s_w) / target
            if not (np.isfinite(s_out) and np.float32(s_out) > 0):
                raise G.Skip("mult_target_unrepresentable")
    G.set_q(tin, [s_in], z_in)
    G.set_q(tw, s_w, z_w, 0)
    G.set_q(tout, [s_out], z_out)
    if tb is not None:
        s_in32 = np.float32(s_in)
        G.set_q(tb, [float(np.float32(s_in32 * np.float32(s))) for s in s_w], [0] * len(s_w), 0)
    if p["bias"] == "large" and tb is not None:
        G.set_tensor_data(m, tb, rng.integers(-(1 << 20), 1 << 20, tb.shape[0]).astype(np.int32))
        edits.append("bias_large")
    elif p["bias"] == "none3":
        op.inputs = list(op.inputs[:3])
        edits.append("bias_none3")
    elif p["bias"] == "none_m1":
        op.inputs = list(op.inputs[:3]) + [-1]
        edits.append("bias_none_m1")
    return edits


# ---------------------------------------------------------------------------------------------
# BATCH_MATMUL
# ---------------------------------------------------------------------------------------------

def sample_bmm(rng, sweep, i):
    rows, depth, cols = int(rng.integers(1, 7)), int(G.pick(rng, [1, 2, 3, 5, 8, 13, 16])), \
        int(rng.integers(1, 7))
    nb = int(rng.integers(1, 3))
    batch = [int(rng.integers(1, 4)) for _ in range(nb)]
    p = dict(rows=rows, depth=depth, cols=cols, lb=list(batch), rb=list(batch),
             adj_x=False, adj_y=False, const=False, rl=G.rand_range(rng), rr=G.rand_range(rng))
    if sweep == "adj":
        p["adj_x"], p["adj_y"] = bool(i % 2), bool((i // 2) % 2)
    elif sweep == "bcast":
        nb = int(rng.integers(1, 4))
        full = [int(rng.integers(2, 4)) for _ in range(nb)]
        lb, rb = list(full), list(full)
        for k in range(nb):
            r = rng.random()
            if r < 0.35:
                lb[k] = 1
            elif r < 0.7:
                rb[k] = 1
        if rng.random() < 0.4:  # lower-rank operand
            if rng.random() < 0.5:
                lb = lb[int(rng.integers(0, nb + 1)):]
            else:
                rb = rb[int(rng.integers(0, nb + 1)):]
        p["lb"], p["rb"] = lb, rb
        p["adj_x"], p["adj_y"] = bool(rng.random() < 0.3), bool(rng.random() < 0.3)
    elif sweep == "const":
        p["const"] = True
        p["adj_y"] = bool(rng.random() < 0.4)
        if not p["rb"]:
            p["rb"] = [2]
    elif sweep == "depth":
        p["depth"] = int(G.pick(rng, [24, 31, 32, 33, 64, 100, 128, 200]))
        p["rows"], p["cols"] = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    elif sweep == "rank5":
        p["lb"] = [int(rng.integers(1, 3)) for _ in range(3)]
        p["rb"] = [d if rng.random() < 0.6 else 1 for d in p["lb"]]
        p["rows"], p["cols"], p["depth"] = int(rng.integers(1, 4)), int(rng.integers(1, 4)), 4
    elif sweep == "quant":
        p["zps"] = [int(G.pick(rng, [-128, 127])) if rng.random() < 0.6 else None
                    for _ in range(3)]
        p["mult"] = G.pick(rng, [None, "big", "small", "pot", "one"])
        if rng.random() < 0.2:
            p["input_mode"] = "extreme"
        p["const"] = bool(rng.random() < 0.3)
    return p


def build_bmm(p, rng):
    t = G.tf()
    ls = p["lb"] + ([p["depth"], p["rows"]] if p["adj_x"] else [p["rows"], p["depth"]])
    rs = p["rb"] + ([p["cols"], p["depth"]] if p["adj_y"] else [p["depth"], p["cols"]])
    if len(ls) < 3 and len(rs) < 3:
        raise G.Skip("bmm_rank2")  # converted to FULLY_CONNECTED
    if p["const"]:
        C = t.constant(rng.uniform(p["rr"][0], p["rr"][1], rs).astype(np.float32))

        @t.function(input_signature=[G.spec(ls)], autograph=False)
        def f(x):
            return t.matmul(x, C, adjoint_a=p["adj_x"], adjoint_b=p["adj_y"])
        m = G.convert(f, [ls], [p["rl"]], rng)
    else:
        @t.function(input_signature=[G.spec(ls), G.spec(rs)], autograph=False)
        def f(x, y):
            return t.matmul(x, y, adjoint_a=p["adj_x"], adjoint_b=p["adj_y"])
        m = G.convert(f, [ls, rs], [p["rl"], p["rr"]], rng)
    op = _single(m, "BATCH_MATMUL")
    edits = []
    ts = [_tensor(m, op.inputs[0]), _tensor(m, op.inputs[1]), _tensor(m, op.outputs[0])]
    if p.get("zps"):
        for tt, z in zip(ts, p["zps"]):
            if z is not None:
                s, _ = G.qp(tt)
                G.set_q(tt, s, [z])
        edits.append("zp_" + "_".join(str(z) for z in p["zps"]))
    mt = p.get("mult")
    if mt:
        (sl,), _ = G.qp(ts[0])
        (sr,), _ = G.qp(ts[1])
        target = {"one": 1.0, "pot": 2.0 ** -int(rng.integers(1, 20)),
                  "big": 2.0 ** rng.uniform(0.2, 6.0), "small": 2.0 ** -rng.uniform(16, 30)}[mt]
        prod = float(np.float32(np.float32(sl) * np.float32(sr)))
        so = prod / target
        if not (np.isfinite(so) and np.float32(so) > 0):
            raise G.Skip("mult_target_unrepresentable")
        G.set_q(ts[2], [so], G.qp(ts[2])[1])
        edits.append("mult_" + mt)
    return m, edits


# ---------------------------------------------------------------------------------------------

def groups(gen):
    global G
    G = gen
    return [
        ("red_mean", "MEAN",
         [("axes", 30), ("keepdims", 12), ("axes_edit", 12), ("hw", 20), ("all", 8),
          ("large", 8), ("quant", 30)], sample_reduce, build_mean),
        ("red_sum", None,
         [("axes", 25), ("keepdims", 10), ("axes_edit", 10), ("count", 12), ("eq", 12)],
         sample_sum, build_sum),
        ("red_max", "REDUCE_MAX",
         [("axes", 25), ("keepdims", 10), ("axes_edit", 10), ("all", 6), ("zp", 14)],
         sample_reduce, build_max),
        ("red_argmax", "ARG_MAX",
         [("axis", 20), ("out_type", 10), ("axis64", 8), ("ties", 10), ("long", 6)], sample_arg,
         lambda p, rng: build_arg(p, rng, "ARG_MAX")),
        ("red_argmin", "ARG_MIN",
         [("axis", 20), ("out_type", 10), ("axis64", 8), ("ties", 10), ("long", 6)], sample_arg,
         lambda p, rng: build_arg(p, rng, "ARG_MIN")),
        ("rsz_nearest", "RESIZE_NEAREST_NEIGHBOR",
         [("any", 16), ("up", 12), ("down", 12), ("align", 12), ("half", 12), ("ones", 8),
          ("batch", 4), ("channels", 6), ("zp", 6)], sample_resize,
         lambda p, rng: build_resize(p, rng, "RESIZE_NEAREST_NEIGHBOR")),
        ("rsz_bilinear", "RESIZE_BILINEAR",
         [("any", 16), ("up", 12), ("down", 12), ("align", 12), ("half", 12), ("ones", 8),
          ("batch", 4), ("channels", 6), ("zp", 6)], sample_resize,
         lambda p, rng: build_resize(p, rng, "RESIZE_BILINEAR")),
        ("mm_transpose_conv", "TRANSPOSE_CONV",
         [("kernel", 50), ("stride", 18), ("outsize", 12), ("channels", 16), ("per_tensor", 16),
          ("bias", 12), ("act", 12), ("batch", 6), ("quant", 24)], sample_tconv, build_tconv),
        ("mm_batch_matmul", "BATCH_MATMUL",
         [("any", 16), ("adj", 12), ("bcast", 20), ("const", 12), ("depth", 8), ("rank5", 6),
          ("quant", 20)], sample_bmm, build_bmm),
    ]
