# SPDX-License-Identifier: Apache-2.0
"""Binary elementwise op groups of the corpus (int8): MUL, SUB, SQUARED_DIFFERENCE, MAXIMUM,
MINIMUM.

Models are converted from tf.functions (tf.multiply, tf.subtract, tf.math.squared_difference,
tf.maximum, tf.minimum; a fused RELU/RELU6/RELU_N1_TO_1 after MUL and SUB) with two inputs, or one
input and a constant operand on either side (a rank-0 scalar too). Edits go where the converter
does not: zero points at -128/127, output scales putting the requantization multiplier above 1,
at the reference's limits (SUB and SQUARED_DIFFERENCE need it below 1) or flushed to 0, different
quantizations on MAXIMUM/MINIMUM's tensors (the reference compares raw values), and 5-D/6-D
broadcasts the converter would rewrite (SQUARED_DIFFERENCE, MAXIMUM, MINIMUM) made by reshaping
one input of a same-shape model.
"""
import numpy as np

G = None  # the gen_corpus module, set by groups()

FN = {
    "MUL": lambda tf: tf.multiply,
    "SUB": lambda tf: tf.subtract,
    "SQUARED_DIFFERENCE": lambda tf: tf.math.squared_difference,
    "MAXIMUM": lambda tf: tf.maximum,
    "MINIMUM": lambda tf: tf.minimum,
}
HAS_ACT = ("MUL", "SUB")


def log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def set_tensor_q(t, scale=None, zp=None):
    s, z = G.qp(t)
    G.set_q(t, [scale if scale is not None else s[0]], [zp if zp is not None else z[0]])


def reduce_shape(rng, full):
    """A shape broadcasting into `full`: some dims set to 1, maybe fewer leading dims."""
    b = [d if rng.random() < 0.5 else 1 for d in full]
    if rng.random() < 0.4:
        b = b[int(rng.integers(0, len(full))):] or [1]
    return b


def sample(op, rng, sweep, i):
    a, b = G.bcast_shapes(rng, same=(sweep in ("same", "zp", "scales", "outscale", "qmix")
                                     and rng.random() < 0.5))
    p = dict(a=a, b=b, ra=G.rand_range(rng), rb=G.rand_range(rng))
    if op in HAS_ACT:
        p["act"] = G.pick(rng, ["NONE", "NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
    if sweep == "same":
        p["b"] = list(p["a"])
    elif sweep == "rank56":
        rank = int(G.pick(rng, [5, 6]))
        while True:
            full = [int(rng.integers(1, 5)) for _ in range(rank)]
            if int(np.prod(full)) <= 700:
                break
        p["a"], p["b"] = full, reduce_shape(rng, full)
        if rng.random() < 0.5:
            p["a"], p["b"] = p["b"], p["a"]
        p["edit_shape"] = op not in ("MUL", "SUB")  # the converter inserts BROADCAST_TO there
    elif sweep == "act":
        p["act"] = G.ACTS[i % 4]
    elif sweep == "zp":
        p["zps"] = [int(G.pick(rng, [-128, 127])) if rng.random() < 0.6 else None
                    for _ in range(3)]
        p["input_mode"] = G.pick(rng, ["uniform", "extreme"])
    elif sweep == "scales":
        k = log_uniform(rng, 10.0, 1e4) if rng.random() < 0.5 else log_uniform(rng, 1e-4, 0.1)
        p["ra"] = (p["ra"][0] * k, p["ra"][1] * k)
    elif sweep == "const":
        p["const"] = G.pick(rng, ["second", "second", "first", "scalar"])
        if p["const"] == "scalar":
            p["b"] = []
    elif sweep == "outscale":
        p["outscale"] = G.pick(rng, ["big", "limit", "tiny", "flush"] if op == "MUL" else
                               ["limit", "huge", "mid"])
    elif sweep == "qmix":  # MAXIMUM/MINIMUM: unequal quantizations (raw comparison)
        p["qmix"] = True
    return p


def build(op, p, rng):
    tf = G.tf()
    f2 = FN[op](tf)
    act = p.get("act", "NONE")
    edit_shape = p.get("edit_shape")
    a, b = p["a"], p["b"]
    if edit_shape:  # convert with equal shapes, reshape one input afterwards
        full = a if int(np.prod(a)) >= int(np.prod(b)) and len(a) >= len(b) else b
        a_conv, b_conv = list(full), list(full)
    else:
        a_conv, b_conv = a, b
    if p.get("const"):
        cshape = b
        C = tf.constant(rng.uniform(p["rb"][0], p["rb"][1], cshape).astype(np.float32))
        first = p["const"] == "first"

        @tf.function(input_signature=[G.spec(a)], autograph=False)
        def f(x):
            return G.apply_act(f2(C, x) if first else f2(x, C), act)
        m = G.convert(f, [a], [p["ra"]], rng)
    else:
        @tf.function(input_signature=[G.spec(a_conv), G.spec(b_conv)], autograph=False)
        def f(x, y):
            return G.apply_act(f2(x, y), act)
        m = G.convert(f, [a_conv, b_conv], [p["ra"], p["rb"]], rng)
    o = G.the_op(m, op)
    if len(G.graph(m).operators) != 1:
        raise G.Skip("converter_extra_ops")
    if p.get("const") and not any(G.T(m, i).buffer for i in o.inputs):
        raise G.Skip("converter_no_constant")
    t1, t2, to = G.T(m, o.inputs[0]), G.T(m, o.inputs[1]), G.T(m, o.outputs[0])
    edits = []
    if edit_shape:
        t1.shape, t2.shape = list(a), list(b)
        edits.append("reshape")
    if p.get("zps"):
        for t, z in zip([t1, t2, to], p["zps"]):
            if z is not None:
                set_tensor_q(t, zp=z)
        edits.append("zp_" + "_".join(str(z) for z in p["zps"]))
    s1, s2, so = G.qp(t1)[0][0], G.qp(t2)[0][0], G.qp(to)[0][0]
    f32 = np.float32
    tw = float(f32(2) * max(f32(s1), f32(s2)))
    if p.get("outscale"):
        kind = p["outscale"]
        if op == "MUL":
            prod = float(f32(s1) * f32(s2))
            so = {"big": prod / log_uniform(rng, 2.0, 3000.0),
                  "limit": prod * rng.uniform(0.999, 1.001),
                  "tiny": prod * log_uniform(rng, 1e2, 1e7),
                  "flush": prod * 2.0 ** 33 * rng.uniform(1.0, 4.0)}[kind]
        elif op == "SUB":
            lim = tw / 2.0 ** 20  # output multiplier tw / (2^20 so) must stay below 1
            so = {"limit": lim * (1 + 2.0 ** -18), "mid": lim * log_uniform(rng, 1.5, 100.0),
                  "huge": tw * log_uniform(rng, 10.0, 1e4)}[kind]
        else:  # SQUARED_DIFFERENCE: tw^2 / (2^14 so) < 1; MAXIMUM/MINIMUM: any
            lim = tw * tw / 2.0 ** 14
            so = {"limit": lim * (1 + 2.0 ** -18), "mid": lim * log_uniform(rng, 1.5, 100.0),
                  "huge": lim * log_uniform(rng, 1e3, 1e6)}[kind]
        set_tensor_q(to, scale=so)
        edits.append("outscale_" + kind)
    if p.get("qmix"):
        for t in (t1, t2, to):
            set_tensor_q(t, scale=log_uniform(rng, 1e-3, 1.0), zp=int(rng.integers(-128, 128)))
        edits.append("qmix")
    so = G.qp(to)[0][0]
    if op == "MUL":  # tinyml refuses multipliers of 2^30 or more (the reference's shift is UB)
        if not abs(float(f32(f32(s1) * f32(s2)) / f32(so))) < 2.0 ** 30 - 1:
            raise G.Skip("multiplier_2p30")
    bound = {"RELU6": 6.0, "RELU_N1_TO_1": 1.0}.get(act, 0.0)
    if not abs(f32(bound) / f32(so)) < 2.0 ** 30:  # tinyml refuses (the reference's is UB)
        raise G.Skip("act_bound_2p30")
    # LiteRT aborts (SQUARED_DIFFERENCE) or runs an undefined shift (SUB) for an output multiplier
    # of 1 or more; tinyml refuses those. Never ask LiteRT for them.
    if op == "SUB" and not (tw / float(f32(f32(2 ** 20) * f32(so))) < 1.0 - 2.0 ** -31):
        raise G.Skip("sub_output_multiplier_not_below_one")
    if op == "SQUARED_DIFFERENCE" and not (tw * tw / float(f32(f32(2 ** 14) * f32(so)))
                                           < 1.0 - 2.0 ** -31):
        raise G.Skip("sqdiff_output_multiplier_not_below_one")
    return m, edits


def groups(g):
    global G
    G = g

    def fns(op):
        return (lambda rng, sw, i: sample(op, rng, sw, i)), (lambda p, rng: build(op, p, rng))

    out = []
    for group, op in [("bin_mul", "MUL"), ("bin_sub", "SUB"),
                      ("bin_squared_difference", "SQUARED_DIFFERENCE"),
                      ("bin_maximum", "MAXIMUM"), ("bin_minimum", "MINIMUM")]:
        sweeps = [("same", 14), ("bcast", 24), ("rank56", 12), ("zp", 14), ("scales", 10),
                  ("const", 10), ("outscale", 12)]
        if op in HAS_ACT:
            sweeps.insert(3, ("act", 12))
        if op in ("MAXIMUM", "MINIMUM"):
            sweeps[-1] = ("qmix", 10)
        s, b = fns(op)
        out.append((group, op, sweeps, s, b))
    return out
