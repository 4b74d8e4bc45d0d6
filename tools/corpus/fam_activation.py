# SPDX-License-Identifier: Apache-2.0
"""Activation op groups of the corpus (int8): LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1,
LEAKY_RELU, HARD_SWISH, PRELU.

Every model is converted from a tf.function by the TF converter (tf.math.sigmoid, tf.nn.tanh,
tf.nn.relu, tf.nn.relu6, tf.clip_by_value(x, -1, 1), tf.nn.leaky_relu, x * relu6(x + 3) / 6
which the converter fuses into HARD_SWISH, tf.keras.layers.PReLU), then edited where the
converter never goes: zero points at -128/127, input and output scales at their extremes (for
HARD_SWISH: reluish exponents > 0 and < -15, output exponents <= -16; for TANH: output scales so
small that the table's values leave the int32 range before the clamp), LEAKY_RELU alphas at
requantization ties (alpha * s_in / s_out = -2^-k), PRELU alpha as a graph input instead of a
constant, alpha rank 5/6 by reshaping.
"""
import numpy as np

G = None  # the gen_corpus module, set by groups()

UNARY = {
    "LOGISTIC": lambda tf, x, p: tf.math.sigmoid(x),
    "TANH": lambda tf, x, p: tf.nn.tanh(x),
    "RELU": lambda tf, x, p: tf.nn.relu(x),
    "RELU6": lambda tf, x, p: tf.nn.relu6(x),
    "RELU_N1_TO_1": lambda tf, x, p: tf.clip_by_value(x, -1.0, 1.0),
    "LEAKY_RELU": lambda tf, x, p: tf.nn.leaky_relu(x, p["alpha"]),
    "HARD_SWISH": lambda tf, x, p: x * tf.nn.relu6(x + 3.0) / 6.0,
}


def rand_shape(rng, rank=None, max_elems=600):
    rank = rank or int(G.pick(rng, [1, 2, 2, 3, 4, 4, 4, 5, 6]))
    while True:
        s = [int(rng.integers(1, 9)) for _ in range(rank)]
        if int(np.prod(s)) <= max_elems:
            return s


def log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def set_tensor_q(t, scale=None, zp=None):
    s, z = G.qp(t)
    G.set_q(t, [scale if scale is not None else s[0]], [zp if zp is not None else z[0]])


# ---------------------------------------------------------------------------------------------
# Unary activations
# ---------------------------------------------------------------------------------------------

def sample_unary(op, rng, sweep, i):
    p = dict(shape=rand_shape(rng), rin=G.rand_range(rng))
    if op == "LEAKY_RELU":
        p["alpha"] = float(G.pick(rng, [0.01, 0.1, 0.2, 0.3, 0.5]))
    if sweep == "shape":
        p["shape"] = rand_shape(rng, rank=int(rng.integers(1, 7)), max_elems=1200)
    elif sweep == "range":
        a = log_uniform(rng, 0.01, 200.0)
        p["rin"] = G.rand_range(rng, G.pick(rng, ["sym", "asym", "pos", "neg"]))
        p["rin"] = (p["rin"][0] * a / 5, p["rin"][1] * a / 5)
    elif sweep == "zp":
        p["in_zp"] = int(G.pick(rng, [-128, 127])) if rng.random() < 0.6 else None
        p["out_zp"] = int(G.pick(rng, [-128, 127, -1, 0]))
        if op == "LOGISTIC" and rng.random() < 0.5:
            p["out_zp"] = int(rng.integers(-128, 128))
        p["input_mode"] = G.pick(rng, ["uniform", "extreme"])
    elif sweep == "scale":
        p["in_scale"] = float(G.pick(rng, [log_uniform(rng, 1e-6, 1e-3), log_uniform(rng, 1e-3, 1.0),
                                           log_uniform(rng, 1.0, 100.0)]))
        if op != "LOGISTIC" and rng.random() < 0.7:
            p["out_scale"] = float(G.pick(rng, [log_uniform(rng, 1e-5, 1e-2),
                                                log_uniform(rng, 1e-2, 1.0),
                                                log_uniform(rng, 1.0, 50.0)]))
        p["in_zp"] = int(rng.integers(-128, 128))
    elif sweep == "alpha":  # LEAKY_RELU
        p["alpha"] = float(G.pick(rng, [0.0, 1e-4, 0.05, 0.7, 1.0, 1.5, 3.0, 9.0, -0.1, -0.5,
                                        -1.0, -2.5]))
        if rng.random() < 0.3:
            p["out_zp"] = int(rng.integers(-128, 128))
    elif sweep == "tie":  # LEAKY_RELU: alpha * s_in / s_out = +-2^-k exactly (rounding ties)
        p["alpha"] = float(G.pick(rng, [-0.5, -0.25, -1.0, -0.125, 0.5, 0.25, -2.0]))
        p["tie"] = True
        p["out_zp"] = int(rng.integers(-20, 20))
        p["in_zp"] = int(rng.integers(-20, 20))
    elif sweep == "exp":  # HARD_SWISH exponent extremes
        kind = G.pick(rng, ["reluish_pos", "reluish_neg16", "out_neg16", "out_zero", "mixed"])
        p["hs"] = kind
        p["in_zp"] = int(rng.integers(-128, 128))
        p["out_zp"] = int(rng.integers(-128, 128))
    elif sweep == "tiny_out":  # RELU family: bounds 6/s_out, 1/s_out up to 2^30 steps
        bound = {"RELU6": 6.0, "RELU_N1_TO_1": 1.0}.get(op)
        p["out_scale"] = bound / log_uniform(rng, 1e6, 1e9) if bound else \
            log_uniform(rng, 1e-11, 1e-8)
        p["in_scale"] = p["out_scale"] * log_uniform(rng, 1.0, 1e8)
        p["out_zp"] = int(rng.integers(-128, 128))
    elif sweep == "huge_out":  # TANH: 1/output_scale so large the float -> int32 overflows
        p["out_scale"] = float(G.pick(rng, [1e-9, 4e-10, 1e-10, 3e-12, 1e-20]))
        p["out_zp"] = int(rng.integers(-128, 128))
    return p


def build_unary(op, p, rng):
    tf = G.tf()

    @tf.function(input_signature=[G.spec(p["shape"])], autograph=False)
    def f(x):
        return UNARY[op](tf, x, p)
    m = G.convert(f, [p["shape"]], [p["rin"]], rng)
    o = G.the_op(m, op)
    if len(G.graph(m).operators) != 1:
        raise G.Skip("converter_extra_ops")
    tin, tout = G.T(m, o.inputs[0]), G.T(m, o.outputs[0])
    edits = []
    if p.get("in_scale") is not None:
        set_tensor_q(tin, scale=p["in_scale"])
        edits.append("in_scale")
    if p.get("in_zp") is not None:
        set_tensor_q(tin, zp=p["in_zp"])
        edits.append("in_zp")
    if p.get("out_scale") is not None:
        set_tensor_q(tout, scale=p["out_scale"])
        edits.append("out_scale")
    if p.get("out_zp") is not None:
        set_tensor_q(tout, zp=p["out_zp"])
        edits.append("out_zp")
    if p.get("tie"):
        # s_out = |alpha| * s_in * 2^k: the alpha multiplier is +-2^-k, a Q31 tie for odd inputs.
        s_in = G.qp(tin)[0][0]
        k = int(rng.integers(0, 3))
        set_tensor_q(tout, scale=float(np.float32(np.float32(s_in) * np.float32(abs(p["alpha"])))
                                       * 2.0 ** k))
        edits.append(f"tie{k}")
    if p.get("hs"):
        s_in = G.qp(tin)[0][0]
        kind = p["hs"]
        if kind == "reluish_pos":      # reluish multiplier s_in/128 / (3/32768) > 1
            set_tensor_q(tin, scale=log_uniform(rng, 0.05, 40.0))
        elif kind == "reluish_neg16":  # reluish exponent < -15: tiny input scale
            set_tensor_q(tin, scale=log_uniform(rng, 1e-9, 1e-7))
        elif kind == "out_neg16":      # output exponent <= -16: output scale >> input scale
            set_tensor_q(tout, scale=s_in / 128 * 2.0 ** rng.uniform(16, 30))
        elif kind == "out_zero":       # output multiplier just below 1 (exponent 0)
            set_tensor_q(tout, scale=s_in / 128 * rng.uniform(1.0001, 1.9))
        else:
            set_tensor_q(tin, scale=log_uniform(rng, 1e-4, 10.0))
            set_tensor_q(tout, scale=log_uniform(rng, 1e-3, 10.0))
        edits.append("hs_" + kind)
    if op == "HARD_SWISH":
        s_in, s_out = G.qp(tin)[0][0], G.qp(tout)[0][0]
        # LiteRT refuses an output multiplier exponent > 0 (s_out < s_in / 128, roughly).
        if not (np.float32(np.float32(s_in) / np.float32(128)) / np.float32(s_out)
                < 1.0 - 2.0 ** -31):
            raise G.Skip("hard_swish_output_multiplier_above_one")
    s_in, s_out = np.float32(G.qp(tin)[0][0]), np.float32(G.qp(tout)[0][0])
    mults = [] if op in ("LOGISTIC", "TANH") else [s_in / s_out]
    if op == "LEAKY_RELU":
        mults.append(s_in * np.float32(p["alpha"]) / s_out)
    check_multipliers(mults)
    bound = {"RELU6": 6.0, "RELU_N1_TO_1": 1.0}.get(op, 0.0)
    if not abs(np.float32(bound) / s_out) < 2.0 ** 30:  # tinyml refuses (the reference's is UB)
        raise G.Skip("act_bound_2p30")
    return m, edits


def check_multipliers(mults):
    """tinyml refuses requantization multipliers of 2^30 or more (the reference's shift by 31+ is
    undefined); never keep such a case."""
    if any(not np.isfinite(x) or abs(float(x)) >= 2.0 ** 30 - 1 for x in mults):
        raise G.Skip("multiplier_2p30")


# ---------------------------------------------------------------------------------------------
# PRELU
# ---------------------------------------------------------------------------------------------

def sample_prelu(rng, sweep, i):
    rank = int(G.pick(rng, [2, 3, 4, 4, 4]))
    shape = [1] + rand_shape(rng, rank=rank - 1, max_elems=500)
    shared = [a for a in range(1, rank) if rng.random() < 0.5]
    p = dict(shape=shape, shared=shared, rin=G.rand_range(rng),
             amag=float(G.pick(rng, [0.05, 0.3, 1.0, 2.5])), aneg=bool(rng.random() < 0.3))
    if sweep == "batch":
        p["shape"][0] = int(rng.integers(2, 4))
    elif sweep == "zp":
        p["zps"] = [int(G.pick(rng, [-128, 127])) if rng.random() < 0.6 else None
                    for _ in range(3)]
        p["input_mode"] = G.pick(rng, ["uniform", "extreme"])
    elif sweep == "scale":
        p["in_scale"] = log_uniform(rng, 1e-5, 50.0)
        p["out_scale"] = log_uniform(rng, 1e-4, 50.0)
        p["alpha_scale"] = log_uniform(rng, 1e-4, 1.0)
    elif sweep == "alpha_input":
        p["alpha_input"] = True
        p["zps"] = [None, int(rng.integers(-128, 128)), None]
    elif sweep == "rank":
        r = int(G.pick(rng, [1, 5, 6]))
        p["reshape"] = r
    return p


def build_prelu(p, rng):
    tf = G.tf()
    shape = p["shape"]
    ashape = [1 if (a + 1) in p["shared"] else shape[a + 1] for a in range(len(shape) - 1)]
    alpha = rng.uniform(0.0, p["amag"], ashape).astype(np.float32)
    if p["aneg"]:
        alpha *= rng.choice(np.array([-1.0, 1.0], np.float32), ashape)
    layer = tf.keras.layers.PReLU(shared_axes=p["shared"] or None,
                                  alpha_initializer=tf.constant_initializer(alpha))
    layer.build(shape)

    @tf.function(input_signature=[G.spec(shape)], autograph=False)
    def f(x):
        return layer(x)
    m = G.convert(f, [shape], [p["rin"]], rng)
    o = G.the_op(m, "PRELU")
    if len(G.graph(m).operators) != 1:
        raise G.Skip("converter_extra_ops")
    tin, tal, tout = G.T(m, o.inputs[0]), G.T(m, o.inputs[1]), G.T(m, o.outputs[0])
    edits = []
    for t, z in zip([tin, tal, tout], p.get("zps") or [None] * 3):
        if z is not None:
            set_tensor_q(t, zp=z)
    if p.get("zps"):
        edits.append("zp_" + "_".join(str(z) for z in p["zps"]))
    if p.get("in_scale"):
        set_tensor_q(tin, scale=p["in_scale"])
        set_tensor_q(tout, scale=p["out_scale"])
        set_tensor_q(tal, scale=p["alpha_scale"])
        edits.append("scales")
    if p.get("alpha_input"):
        tal.buffer = 0
        g = G.graph(m)
        g.inputs = list(g.inputs) + [int(o.inputs[1])]
        edits.append("alpha_input")
    if p.get("reshape"):
        # Same elements, another rank: the input (and output) get leading 1s up to rank r and
        # alpha keeps its shape (right-aligned broadcast); rank 1 flattens both (same shapes).
        r = p["reshape"]
        n = int(np.prod(tin.shape))
        if r == 1:
            new = [n]
            adims = [n] if int(np.prod(tal.shape)) == n else [1]
            if int(np.prod(tal.shape)) not in (1, n):
                raise G.Skip("prelu_rank1_alpha")
        else:
            new = [1] * (r - len(tin.shape)) + list(tin.shape)
            adims = list(tal.shape)
        tin.shape = new
        tout.shape = list(new)
        tal.shape = adims
        edits.append(f"rank{r}")
    f32 = np.float32
    s_in, s_al, s_out = (f32(G.qp(t)[0][0]) for t in (tin, tal, tout))
    check_multipliers([s_in / s_out, s_in * s_al / s_out])
    return m, edits


def groups(g):
    global G
    G = g

    def unary(op):
        return lambda rng, sw, i: sample_unary(op, rng, sw, i), lambda p, rng: build_unary(op, p, rng)

    out = []
    base = [("shape", 30), ("range", 20), ("zp", 20), ("scale", 20)]
    for group, op, extra in [
            ("act_logistic", "LOGISTIC", []),
            ("act_tanh", "TANH", [("huge_out", 8)]),
            ("act_relu", "RELU", [("tiny_out", 6)]),
            ("act_relu6", "RELU6", [("tiny_out", 8)]),
            ("act_relu_n1_to_1", "RELU_N1_TO_1", [("tiny_out", 8)]),
            ("act_leaky_relu", "LEAKY_RELU", [("alpha", 30), ("tie", 14)]),
            ("act_hard_swish", "HARD_SWISH", [("exp", 30)])]:
        s, b = unary(op)
        out.append((group, op, base + extra, s, b))
    out.append(("act_prelu", "PRELU",
                [("shape", 30), ("batch", 10), ("zp", 15), ("scale", 15), ("alpha_input", 12),
                 ("rank", 12)], sample_prelu, build_prelu))
    return out
