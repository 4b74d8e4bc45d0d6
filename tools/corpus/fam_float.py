# SPDX-License-Identifier: Apache-2.0
"""Corpus groups of the float32 and hybrid families (tinyml ops/float.hpp, ops/hybrid.hpp).

f32_* groups are float32 models, converted by tf.lite.TFLiteConverter without quantization:
CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, ADD, SUB, MUL, SOFTMAX,
MEAN and the activations RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH (group f32_act, several ops).
hybrid_* groups are dynamic-range models: float32 activations, int8 weights. Their `converter`
sweeps use the converter's Optimize.DEFAULT without a representative dataset (which only
quantizes weights of >= 1024 elements: per-channel, and asymmetric_quantize_inputs for
FULLY_CONNECTED); the other sweeps convert the float model and quantize its weights by a
flatbuffer edit, as the converter does (symmetric int8, scale = max|w| / 127 per channel or per
tensor), to reach every shape and both LiteRT paths: FULLY_CONNECTED symmetric / asymmetric input
quantization x per-tensor / per-channel weights; CONV_2D per-tensor (symmetric inputs), per-channel
with equal scales (LiteRT takes the per-tensor path), per-channel (asymmetric inputs), grouped;
DEPTHWISE_CONV_2D per-channel (asymmetric inputs).

Goldens are LiteRT 2.3 BUILTIN_REF outputs like every group. Float outputs are compared with a
relative tolerance by tests/corpus/test_corpus.cpp (float results legitimately differ in the last
bits), int8 outputs byte for byte.
"""
import numpy as np
from ai_edge_litert import schema_py_generated as S

G = None  # the gen_corpus module, set by groups()

# f32_act cases hold one of these (the group's op is None).
EXTRA_OPS = {"RELU", "RELU6", "RELU_N1_TO_1", "LOGISTIC", "TANH"}

ACTS = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6"]


# ---------------------------------------------------------------------------------------------
# Conversion and edits
# ---------------------------------------------------------------------------------------------

def convert_float(fn, hybrid=False):
    """A float32 model of a tf.function (no quantization), or a dynamic-range one if hybrid."""
    tf = G.tf()
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    if hybrid:
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    try:
        data = conv.convert()
    except Exception as e:  # the converter refuses some combinations
        raise G.Skip("converter_error_" + type(e).__name__)
    return G.load_model(data)


def single(m, name):
    op = G.the_op(m, name)
    if len(G.graph(m).operators) != 1:
        raise G.Skip("converter_extra_ops")
    return op


def quantize_weights(m, op, axis, per_channel, equal_scales=False):
    """Float32 weights of `op` (input 1) -> symmetric int8, per channel along `axis` or per
    tensor; `equal_scales` stores one scale per channel, all the same."""
    t = G.T(m, op.inputs[1])
    if t.type != G.F32:
        raise G.Skip("weights_not_float")
    w = G.tensor_data(m, t, np.float32).reshape(t.shape)
    red = tuple(a for a in range(w.ndim) if a != axis)
    if per_channel:
        mx = np.abs(w).max(axis=red)
        if equal_scales:
            mx = np.full_like(mx, np.abs(w).max())
    else:
        mx = np.array([np.abs(w).max()], np.float32)
    scale = (np.where(mx > 0, mx, 1.0) / 127.0).astype(np.float32)
    bshape = [1] * w.ndim
    if per_channel:
        bshape[axis] = -1
    q = np.clip(np.round(w / scale.reshape(bshape)), -127, 127).astype(np.int8)
    t.type = G.I8
    G.set_tensor_data(m, t, q)
    G.set_q(t, [float(s) for s in scale], [0] * len(scale), axis if per_channel else 0)
    return ["w_per_channel_equal" if equal_scales else ("w_per_channel" if per_channel else
                                                          "w_per_tensor")]


def drop_bias(m, op, mode):
    op.inputs = list(op.inputs[:2]) + ([-1] if mode == "m1" else [])
    return ["bias_none_" + mode]


def weights(rng, shape, out_axis):
    return G.rand_weights(rng, shape, out_axis, zero_channel=rng.random() < 0.1)


def bias(rng, n):
    return (rng.standard_normal(n) * 0.5).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# CONV_2D (float and hybrid)
# ---------------------------------------------------------------------------------------------

def sample_conv(rng, sweep, i):
    p = dict(n=1, h=int(rng.integers(2, 8)), w=int(rng.integers(2, 8)), c=G.small_ch(rng, 12),
             oc=G.small_ch(rng, 12), kh=int(G.pick(rng, [1, 1, 2, 3, 3, 5])), kw=None,
             sh=1 if rng.random() < 0.7 else 2, sw=None, dh=1, dw=1,
             pad=G.pick(rng, ["SAME", "VALID"]), groups=1, act=G.pick(rng, ACTS), bias="yes",
             rin=G.rand_range(rng))
    if sweep == "kernel":
        p["kh"], p["kw"] = i % 6 + 1, (i // 6) % 6 + 1
        p["pad"] = "SAME" if i % 2 == 0 else "VALID"
    elif sweep == "stride_dil":
        p["sh"], p["sw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["dh"], p["dw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["kh"], p["kw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["h"], p["w"] = int(rng.integers(5, 13)), int(rng.integers(5, 13))
    elif sweep == "channels":
        p["c"], p["oc"] = int(G.pick(rng, G.CHANNELS)), int(G.pick(rng, G.CHANNELS))
        p["h"], p["w"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["kh"] = int(G.pick(rng, [1, 1, 3]))
    elif sweep == "group":
        g = int(G.pick(rng, [2, 3, 4]))
        p["groups"] = g
        p["c"], p["oc"] = g * int(rng.integers(1, 5)), g * int(rng.integers(1, 4))
    elif sweep == "batch":
        p["n"] = int(rng.integers(2, 4))
    elif sweep == "pointwise":  # 1x1 stride 1: the Eigen path's direct GEMM
        p["kh"], p["kw"], p["sh"], p["sw"] = 1, 1, 1, 1
        p["c"], p["oc"] = int(G.pick(rng, G.CHANNELS[:26])), int(G.pick(rng, G.CHANNELS[:26]))
        p["h"], p["w"] = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    elif sweep == "large":  # im2col in several pixel blocks (Eigen path: 32768 / K pixels each)
        p["h"], p["w"] = int(rng.integers(22, 29)), int(rng.integers(22, 29))
        p["c"], p["oc"], p["kh"] = int(rng.integers(8, 13)), int(rng.integers(2, 5)), 3
        p["sh"], p["pad"] = 1, "SAME"
    elif sweep == "bias":  # LiteRT 2.3 refuses CONV_2D without bias (conv.cc has_bias)
        p["bias"] = "zero"
    elif sweep == "act":
        p["act"] = ACTS[i % 4]
    while p["c"] // p["groups"] * p["oc"] * p["kh"] * (p["kw"] or p["kh"]) > 3000:
        p["oc"] = max(p["groups"], p["oc"] // 2 // p["groups"] * p["groups"])
        if p["c"] // p["groups"] * p["oc"] * p["kh"] * (p["kw"] or p["kh"]) > 3000:
            p["kh"] = p["kw"] = 1
    return G.fix_geometry(p)


def conv_fn(p, rng):
    tf = G.tf()
    n, h, w, c, oc, g = p["n"], p["h"], p["w"], p["c"], p["oc"], p["groups"]
    W = tf.constant(weights(rng, (p["kh"], p["kw"], c // g, oc), 3))
    bval = bias(rng, oc)
    if p["bias"] == "zero":
        bval[:] = 0
    B = tf.constant(bval)

    @tf.function(input_signature=[G.spec([n, h, w, c])], autograph=False)
    def f(x):
        y = tf.nn.conv2d(x, W, strides=[p["sh"], p["sw"]], padding=p["pad"],
                         dilations=[p["dh"], p["dw"]])
        return G.apply_act(y + B, p["act"])
    return f


def build_f32_conv(p, rng):
    m = convert_float(conv_fn(p, rng))
    single(m, "CONV_2D")
    return m, []


def sample_hybrid_conv(rng, sweep, i):
    if sweep in ("per_tensor", "per_channel", "equal_scales"):
        p = sample_conv(rng, G.pick(rng, ["kernel", "stride_dil", "channels", "act", "pointwise"]),
                        i)
        p["wq"] = sweep
    elif sweep == "group":
        p = sample_conv(rng, "group", i)
        p["wq"] = "per_channel"
    elif sweep == "batch":
        p = sample_conv(rng, "batch", i)
        p["wq"] = G.pick(rng, ["per_tensor", "per_channel"])
    else:  # converter: weights of >= 1024 elements, quantized by the converter
        p = sample_conv(rng, "kernel", i)
        p["c"], p["oc"] = int(rng.integers(12, 33)), int(rng.integers(12, 33))
        p["kh"], p["kw"] = int(G.pick(rng, [1, 3, 3])), int(G.pick(rng, [1, 3]))
        while p["c"] * p["oc"] * p["kh"] * p["kw"] < 1100:
            p["oc"] += 8
        p["wq"] = "converter"
        p["h"], p["w"] = int(rng.integers(3, 8)), int(rng.integers(3, 8))
        G.fix_geometry(p)
    return p


def build_hybrid_conv(p, rng):
    if p["wq"] == "converter":
        m = convert_float(conv_fn(p, rng), hybrid=True)
        op = single(m, "CONV_2D")
        if G.T(m, op.inputs[1]).type != G.I8:
            raise G.Skip("converter_kept_float_weights")
        return m, ["converter_dynamic_range"]
    m = convert_float(conv_fn(p, rng))
    op = single(m, "CONV_2D")
    edits = quantize_weights(m, op, 0, p["wq"] != "per_tensor", p["wq"] == "equal_scales")
    return m, edits


# ---------------------------------------------------------------------------------------------
# DEPTHWISE_CONV_2D (float and hybrid)
# ---------------------------------------------------------------------------------------------

def sample_dw(rng, sweep, i):
    p = dict(n=1, h=int(rng.integers(2, 8)), w=int(rng.integers(2, 8)), c=G.small_ch(rng, 16),
             m=int(G.pick(rng, [1, 1, 1, 2, 3])), kh=int(G.pick(rng, [1, 2, 3, 3, 5])), kw=None,
             sh=1 if rng.random() < 0.7 else 2, sw=None, dh=1, dw=1,
             pad=G.pick(rng, ["SAME", "VALID"]), act=G.pick(rng, ACTS), bias="yes",
             rin=G.rand_range(rng))
    if sweep == "kernel":
        p["kh"], p["kw"] = i % 6 + 1, (i // 6) % 6 + 1
        p["pad"] = "SAME" if i % 2 == 0 else "VALID"
    elif sweep == "stride_dil":
        p["sh"], p["sw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["dh"], p["dw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["kh"], p["kw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["h"], p["w"] = int(rng.integers(4, 10)), int(rng.integers(4, 10))
        p["c"] = G.small_ch(rng, 8)
    elif sweep == "channels":
        p["c"], p["m"] = int(G.pick(rng, G.CHANNELS)), int(i % 4 + 1)
        p["h"], p["w"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    elif sweep == "batch":
        p["n"] = int(rng.integers(2, 4))
    elif sweep == "bias":
        p["bias"] = G.pick(rng, ["none2", "zero"])
    elif sweep == "act":
        p["act"] = ACTS[i % 4]
    while p["c"] * p["m"] * p["kh"] * (p["kw"] or p["kh"]) > 1500 and p["kh"] > 1:
        p["kh"], p["kw"] = max(1, p["kh"] - 2), max(1, (p["kw"] or p["kh"]) - 2)
    return G.fix_geometry(p)


def dw_model(p, rng, hybrid=False):
    tf = G.tf()
    n, h, w, c, mm = p["n"], p["h"], p["w"], p["c"], p["m"]
    # TF's depthwise takes one stride for H and W and no stride with dilation: other
    # combinations are converted with stride 1 / dilation 1 and edited afterwards.
    native = p["sh"] == p["sw"] and (p["sh"] == 1 or (p["dh"] == 1 and p["dw"] == 1)) \
        and p["dh"] == p["dw"]
    W = tf.constant(weights(rng, (p["kh"], p["kw"], c * mm), 2).reshape(p["kh"], p["kw"], c, mm))
    bval = bias(rng, c * mm)
    if p["bias"] == "zero":
        bval[:] = 0
    B = tf.constant(bval)
    s = [1, p["sh"], p["sw"], 1] if native else [1, 1, 1, 1]
    d = [p["dh"], p["dw"]] if native else None

    @tf.function(input_signature=[G.spec([n, h, w, c])], autograph=False)
    def f(x):
        y = tf.nn.depthwise_conv2d(x, W, strides=s, padding=p["pad"], dilations=d)
        return G.apply_act(y + B, p["act"])
    m = convert_float(f, hybrid)
    op = single(m, "DEPTHWISE_CONV_2D")
    edits = []
    if not native:
        o = op.builtinOptions
        o.strideH, o.strideW, o.dilationHFactor, o.dilationWFactor = p["sh"], p["sw"], p["dh"], p["dw"]
        same = p["pad"] == "SAME"
        G.T(m, op.outputs[0]).shape = [n, G.out_size(same, h, p["kh"], p["sh"], p["dh"]),
                                       G.out_size(same, w, p["kw"], p["sw"], p["dw"]), c * mm]
        edits.append("stride_dilation")
    return m, op, edits


def build_f32_dw(p, rng):
    m, op, edits = dw_model(p, rng)
    if p["bias"] == "none2":
        edits += drop_bias(m, op, "2")
    return m, edits


def sample_hybrid_dw(rng, sweep, i):
    if sweep == "converter":
        p = sample_dw(rng, "kernel", i)
        p["c"], p["m"] = int(rng.integers(24, 65)), 1
        p["kh"], p["kw"] = int(G.pick(rng, [3, 5])), int(G.pick(rng, [3, 5]))
        while p["c"] * p["kh"] * p["kw"] < 1100:
            p["c"] += 16
        p["h"], p["w"] = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        p["wq"] = "converter"
        return G.fix_geometry(p)
    p = sample_dw(rng, sweep, i)
    p["wq"] = "per_channel"
    return p


def build_hybrid_dw(p, rng):
    m, op, edits = dw_model(p, rng, hybrid=p["wq"] == "converter")
    if p["wq"] == "converter":
        if G.T(m, op.inputs[1]).type != G.I8:
            raise G.Skip("converter_kept_float_weights")
        return m, edits + ["converter_dynamic_range"]
    edits += quantize_weights(m, op, 3, True)
    return m, edits


# ---------------------------------------------------------------------------------------------
# FULLY_CONNECTED (float and hybrid)
# ---------------------------------------------------------------------------------------------

def sample_fc(rng, sweep, i):
    p = dict(batch_shape=[int(rng.integers(1, 3))],
             depth=int(G.pick(rng, [1, 2, 3, 5, 8, 16, 17, 31, 33, 64, 100])),
             out=int(G.pick(rng, G.CHANNELS[:20])), act=G.pick(rng, ACTS), bias="yes",
             rin=G.rand_range(rng), keep=False)
    if sweep == "shape":
        p["depth"] = int(G.pick(rng, [1, 3, 7, 16, 31, 64, 127, 129, 256, 300]))
        p["out"] = int(G.pick(rng, G.CHANNELS))
        while p["depth"] * p["out"] > 1500:
            p["out"] = max(1, p["out"] // 2)
    elif sweep == "batch":  # several rows: the Eigen path's GEMM
        p["batch_shape"] = [int(rng.integers(2, 10))]
    elif sweep == "keepdims":
        p["keep"] = True
        p["batch_shape"] = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(1, 3)))]
    elif sweep == "bias":
        p["bias"] = G.pick(rng, ["none2", "none_m1", "zero"])
    elif sweep == "act":
        p["act"] = ACTS[i % 4]
    return p


def fc_fn(p, rng):
    tf = G.tf()
    bs, depth, out = p["batch_shape"], p["depth"], p["out"]
    W = tf.constant(weights(rng, (depth, out), 1))
    bval = bias(rng, out)
    if p["bias"] == "zero":
        bval[:] = 0
    B = tf.constant(bval)
    if p["keep"]:
        @tf.function(input_signature=[G.spec(bs + [depth])], autograph=False)
        def f(x):
            return G.apply_act(tf.tensordot(x, W, 1) + B, p["act"])
    else:
        @tf.function(input_signature=[G.spec([int(np.prod(bs)), depth])], autograph=False)
        def f(x):
            return G.apply_act(tf.matmul(x, W) + B, p["act"])
    return f


def build_f32_fc(p, rng):
    m = convert_float(fc_fn(p, rng))
    op = single(m, "FULLY_CONNECTED")
    edits = []
    if p["bias"] in ("none2", "none_m1"):
        edits += drop_bias(m, op, "2" if p["bias"] == "none2" else "m1")
    return m, edits


def sample_hybrid_fc(rng, sweep, i):
    if sweep == "converter":
        p = sample_fc(rng, "shape", i)
        p["depth"] = int(G.pick(rng, [64, 100, 128, 200, 256]))
        p["out"] = max(p["out"], -(-1100 // p["depth"]))
        p["wq"] = "converter"
        return p
    p = sample_fc(rng, G.pick(rng, ["shape", "batch", "keepdims", "bias", "act"]) if sweep in (
        "sym_tensor", "sym_channel", "asym_tensor", "asym_channel") else sweep, i)
    kind = sweep if sweep.startswith(("sym", "asym")) else G.pick(
        rng, ["sym_tensor", "sym_channel", "asym_tensor", "asym_channel"])
    p["wq"] = kind
    return p


def build_hybrid_fc(p, rng):
    if p["wq"] == "converter":
        m = convert_float(fc_fn(p, rng), hybrid=True)
        op = single(m, "FULLY_CONNECTED")
        if G.T(m, op.inputs[1]).type != G.I8:
            raise G.Skip("converter_kept_float_weights")
        return m, ["converter_dynamic_range"]
    m = convert_float(fc_fn(p, rng))
    op = single(m, "FULLY_CONNECTED")
    edits = []
    if p["bias"] in ("none2", "none_m1"):
        edits += drop_bias(m, op, "2" if p["bias"] == "none2" else "m1")
    edits += quantize_weights(m, op, 0, p["wq"].endswith("channel"))
    asym = p["wq"].startswith("asym")
    if op.builtinOptions is None:
        op.builtinOptionsType = S.BuiltinOptions.FullyConnectedOptions
        op.builtinOptions = S.FullyConnectedOptionsT()
    op.builtinOptions.asymmetricQuantizeInputs = asym
    edits.append("asymmetric_inputs" if asym else "symmetric_inputs")
    return m, edits


# ---------------------------------------------------------------------------------------------
# Pools
# ---------------------------------------------------------------------------------------------

def sample_pool(rng, sweep, i):
    p = dict(n=1, h=int(rng.integers(2, 9)), w=int(rng.integers(2, 9)), c=G.small_ch(rng, 16),
             kh=int(rng.integers(1, 4)), kw=int(rng.integers(1, 4)), sh=int(rng.integers(1, 3)),
             sw=int(rng.integers(1, 3)), pad=G.pick(rng, ["SAME", "VALID"]), act="NONE",
             rin=G.rand_range(rng))
    if sweep == "window":
        p["kh"], p["kw"] = i % 6 + 1, (i // 6) % 6 + 1
        p["pad"] = "SAME" if i % 2 == 0 else "VALID"
    elif sweep == "stride":
        p["sh"], p["sw"] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        p["kh"], p["kw"] = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    elif sweep == "channels":
        p["c"] = int(G.pick(rng, G.CHANNELS))
    elif sweep == "batch":
        p["n"] = int(rng.integers(2, 4))
    elif sweep == "global":
        p["kh"], p["kw"], p["pad"] = p["h"], p["w"], "VALID"
    elif sweep == "act":
        p["act"] = ACTS[1 + i % 3]
    if p["pad"] == "VALID":
        p["h"], p["w"] = max(p["h"], p["kh"]), max(p["w"], p["kw"])
    return p


def build_pool(p, rng, kind):
    tf = G.tf()
    shape = [p["n"], p["h"], p["w"], p["c"]]
    poolf = tf.nn.avg_pool2d if kind == "AVERAGE_POOL_2D" else tf.nn.max_pool2d

    @tf.function(input_signature=[G.spec(shape)], autograph=False)
    def f(x):
        return poolf(x, ksize=[p["kh"], p["kw"]], strides=[p["sh"], p["sw"]], padding=p["pad"])
    m = convert_float(f)
    op = single(m, kind)
    edits = []
    if p["act"] != "NONE":
        op.builtinOptions.fusedActivationFunction = ACTS.index(p["act"])
        edits.append("fused_act")
    return m, edits


# ---------------------------------------------------------------------------------------------
# ADD / SUB / MUL
# ---------------------------------------------------------------------------------------------

def bcast_shapes(rng, same, max_rank=4):
    rank = int(rng.integers(1, max_rank + 1))
    full = [int(rng.integers(1, 6 if rank <= 4 else 4)) for _ in range(rank)]
    if same:
        return full, list(full)
    a, b = list(full), list(full)
    for k in range(rank):
        r = rng.random()
        if r < 0.3:
            a[k] = 1
        elif r < 0.6:
            b[k] = 1
    if rng.random() < 0.4:
        b = b[int(rng.integers(0, rank)):] or [1]
    if rng.random() < 0.5:
        a, b = b, a
    return a, b


def sample_binary(rng, sweep, i):
    a, b = bcast_shapes(rng, sweep == "same", 6 if sweep == "rank56" else 4)
    if sweep == "rank56":
        while max(len(a), len(b)) < 5:
            a, b = bcast_shapes(rng, False, 6)
    p = dict(a=a, b=b, act=G.pick(rng, ["NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"]),
             ra=G.rand_range(rng), rb=G.rand_range(rng), const=False)
    p["rin"] = p["ra"]
    if sweep == "act":
        p["act"] = ACTS[i % 4]
    elif sweep == "const":
        p["const"] = True
    return p


def build_binary(p, rng, kind):
    tf = G.tf()
    fn = {"ADD": lambda x, y: x + y, "SUB": lambda x, y: x - y, "MUL": lambda x, y: x * y}[kind]
    if p["const"]:
        C = tf.constant(rng.uniform(p["rb"][0], p["rb"][1], p["b"]).astype(np.float32))

        @tf.function(input_signature=[G.spec(p["a"])], autograph=False)
        def f(x):
            return G.apply_act(fn(x, C), p["act"])
    else:
        @tf.function(input_signature=[G.spec(p["a"]), G.spec(p["b"])], autograph=False)
        def f(x, y):
            return G.apply_act(fn(x, y), p["act"])
    m = convert_float(f)
    single(m, kind)
    return m, []


# ---------------------------------------------------------------------------------------------
# SOFTMAX, activations, MEAN
# ---------------------------------------------------------------------------------------------

def sample_softmax(rng, sweep, i):
    rank = int(rng.integers(1, 5))
    shape = [int(rng.integers(1, 4)) for _ in range(rank - 1)] + [
        int(G.pick(rng, [1, 2, 3, 5, 8, 10, 16, 31, 64, 100, 300]))]
    p = dict(shape=shape, rin=G.rand_range(rng, "sym"))
    if sweep == "beta":
        p["beta"] = float(G.pick(rng, [1e-3, 0.1, 0.5, 2.0, 10.0]))
    elif sweep == "wide":
        k = float(G.pick(rng, [30.0, 80.0, 200.0]))
        p["rin"] = (-k, k)
    return p


def build_softmax(p, rng):
    tf = G.tf()

    @tf.function(input_signature=[G.spec(p["shape"])], autograph=False)
    def f(x):
        return tf.nn.softmax(x)
    m = convert_float(f)
    op = single(m, "SOFTMAX")
    edits = []
    if p.get("beta") is not None:
        op.builtinOptions.beta = p["beta"]
        edits.append("beta")
    return m, edits


ACT_FNS = {
    "RELU": lambda tf, x: tf.nn.relu(x),
    "RELU6": lambda tf, x: tf.nn.relu6(x),
    "RELU_N1_TO_1": lambda tf, x: tf.clip_by_value(x, -1.0, 1.0),
    "LOGISTIC": lambda tf, x: tf.math.sigmoid(x),
    "TANH": lambda tf, x: tf.math.tanh(x),
}


def sample_act(rng, sweep, i):
    rank = int(rng.integers(1, 5))
    shape = [int(rng.integers(1, 6)) for _ in range(rank)]
    k = float(G.pick(rng, [0.5, 2.0, 8.0, 20.0, 150.0]))
    return dict(op=sweep, shape=shape, rin=(-k, k))


def build_act(p, rng):
    tf = G.tf()

    @tf.function(input_signature=[G.spec(p["shape"])], autograph=False)
    def f(x):
        return ACT_FNS[p["op"]](tf, x)
    m = convert_float(f)
    single(m, p["op"])
    return m, []


def sample_mean(rng, sweep, i):
    rank = int(rng.integers(1, 6))
    shape = [int(rng.integers(1, 6)) for _ in range(rank)]
    axes = sorted(int(a) for a in rng.choice(rank, int(rng.integers(1, rank + 1)), replace=False))
    p = dict(shape=shape, axes=axes, keep=bool(rng.random() < 0.5), rin=G.rand_range(rng))
    if sweep == "hw":
        p["shape"] = [int(rng.integers(1, 3)), int(rng.integers(1, 8)), int(rng.integers(1, 8)),
                      int(G.pick(rng, G.CHANNELS[:16]))]
        p["axes"], p["keep"] = [1, 2], bool(rng.random() < 0.8)
    elif sweep == "all":
        p["axes"] = list(range(rank))
    elif sweep == "axes_edit":  # negative and repeated axes in the axis tensor
        p["axes_edit"] = True
    return p


def build_mean(p, rng):
    tf = G.tf()

    @tf.function(input_signature=[G.spec(p["shape"])], autograph=False)
    def f(x):
        return tf.reduce_mean(x, axis=p["axes"], keepdims=p["keep"])
    m = convert_float(f)
    op = single(m, "MEAN")
    edits = []
    if p.get("axes_edit"):
        rank = len(p["shape"])
        ax = [a - rank if rng.random() < 0.5 else a for a in p["axes"]]
        ax = ax + [ax[0]]
        t = G.T(m, op.inputs[1])
        arr = np.asarray(ax, np.int32)
        G.set_tensor_data(m, t, arr)
        t.shape = [int(arr.size)]
        edits.append("axes_neg_repeat")
    return m, edits


# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------

def groups(g):
    global G
    G = g
    return [
        ("f32_conv2d", "CONV_2D",
         [("kernel", 14), ("stride_dil", 12), ("channels", 8), ("group", 6), ("batch", 4),
          ("pointwise", 8), ("large", 2), ("bias", 3), ("act", 4)], sample_conv, build_f32_conv),
        ("f32_depthwise_conv2d", "DEPTHWISE_CONV_2D",
         [("kernel", 14), ("stride_dil", 12), ("channels", 10), ("batch", 4), ("bias", 4),
          ("act", 4)], sample_dw, build_f32_dw),
        ("f32_fully_connected", "FULLY_CONNECTED",
         [("shape", 14), ("batch", 10), ("keepdims", 6), ("bias", 6), ("act", 4)],
         sample_fc, build_f32_fc),
        ("f32_average_pool2d", "AVERAGE_POOL_2D",
         [("window", 14), ("stride", 6), ("channels", 4), ("batch", 2), ("global", 2),
          ("act", 4)], sample_pool, lambda p, rng: build_pool(p, rng, "AVERAGE_POOL_2D")),
        ("f32_max_pool2d", "MAX_POOL_2D",
         [("window", 14), ("stride", 6), ("channels", 4), ("batch", 2), ("global", 2),
          ("act", 4)], sample_pool, lambda p, rng: build_pool(p, rng, "MAX_POOL_2D")),
        ("f32_add", "ADD",
         [("same", 6), ("bcast", 14), ("rank56", 4), ("act", 4), ("const", 4)], sample_binary,
         lambda p, rng: build_binary(p, rng, "ADD")),
        ("f32_sub", "SUB",
         [("same", 6), ("bcast", 12), ("rank56", 4), ("act", 4), ("const", 4)], sample_binary,
         lambda p, rng: build_binary(p, rng, "SUB")),
        ("f32_mul", "MUL",
         [("same", 6), ("bcast", 12), ("rank56", 4), ("act", 4), ("const", 4)], sample_binary,
         lambda p, rng: build_binary(p, rng, "MUL")),
        ("f32_softmax", "SOFTMAX", [("shape", 14), ("beta", 6), ("wide", 4)], sample_softmax,
         build_softmax),
        ("f32_act", None, [("RELU", 6), ("RELU6", 6), ("RELU_N1_TO_1", 6), ("LOGISTIC", 10),
                           ("TANH", 10)], sample_act, build_act),
        ("f32_mean", "MEAN", [("axes", 14), ("hw", 8), ("all", 4), ("axes_edit", 6)],
         sample_mean, build_mean),
        ("hybrid_fc", "FULLY_CONNECTED",
         [("sym_tensor", 12), ("sym_channel", 12), ("asym_tensor", 12), ("asym_channel", 12),
          ("batch", 8), ("keepdims", 6), ("bias", 6), ("converter", 8)],
         sample_hybrid_fc, build_hybrid_fc),
        ("hybrid_conv", "CONV_2D",
         [("per_tensor", 16), ("per_channel", 16), ("equal_scales", 6), ("group", 6),
          ("batch", 6), ("converter", 6)], sample_hybrid_conv, build_hybrid_conv),
        ("hybrid_dw", "DEPTHWISE_CONV_2D",
         [("kernel", 12), ("stride_dil", 10), ("channels", 10), ("batch", 4), ("bias", 4),
          ("act", 4), ("converter", 6)], sample_hybrid_dw, build_hybrid_dw),
    ]
