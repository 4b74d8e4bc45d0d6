# SPDX-License-Identifier: Apache-2.0
"""Data-movement op groups of the corpus: PAD, PADV2, MIRROR_PAD, CONCATENATION, STRIDED_SLICE,
SLICE, SQUEEZE, EXPAND_DIMS, TRANSPOSE, SPLIT, SPLIT_V, PACK, UNPACK, SHAPE, GATHER.

Most models are written directly with the flatbuffer object API (one operator, its constant
operands, int8 tensors sharing one random quantization as the converter makes them), since the
converter folds or rewrites many of these ops (SQUEEZE and EXPAND_DIMS become RESHAPE, SHAPE is
constant-folded) and never emits most option combinations (ellipsis, offset, batch_dims, ...).
The `conv` sweeps convert small tf.functions with the TF converter instead, so what the converter
really emits is covered too. The `types` sweeps move float32, int32 and the other element types
(1, 2, 4 and 8 bytes), whose inputs make_inputs draws uniformly (p["int_range"] for integers).
"""
import numpy as np
from ai_edge_litert import schema_py_generated as S

TT = S.TensorType
DT = {"i8": TT.INT8, "u8": TT.UINT8, "i16": TT.INT16, "i32": TT.INT32, "i64": TT.INT64,
      "f32": TT.FLOAT32, "bool": TT.BOOL}
NPT = {TT.INT8: np.int8, TT.UINT8: np.uint8, TT.INT16: np.int16, TT.INT32: np.int32,
       TT.INT64: np.int64, TT.FLOAT32: np.float32, TT.BOOL: np.bool_}
INT_RANGE = {"u8": (0, 255), "i16": (-32768, 32767), "i32": (-2 ** 31, 2 ** 31 - 1),
             "i64": (-2 ** 40, 2 ** 40), "bool": (0, 1)}
BO = S.BuiltinOptions

G = None  # the gen_corpus module, set by groups()


# ---------------------------------------------------------------------------------------------
# Model building
# ---------------------------------------------------------------------------------------------

def act(shape, p):
    """An activation tensor of the case's type (and quantization for 8/16-bit integers)."""
    dt = p["dt"]
    q = p.get("q") if dt in ("i8", "u8", "i16") else None
    return dict(shape=[int(d) for d in shape], type=DT[dt], q=q, data=None)


def const(values, ttype, shape=None):
    arr = np.asarray(values, dtype=NPT[ttype])
    if shape is not None:
        arr = arr.reshape(shape)
    return dict(shape=list(arr.shape), type=ttype, q=None, data=arr)


def model(op_name, tensors, op_in, op_out, opt_type=0, opts=None):
    """A one-operator model; graph inputs are the op's non-constant inputs."""
    m = S.ModelT()
    m.version = 3
    m.buffers = [S.BufferT()]
    g = S.SubGraphT()
    g.tensors = []
    for d in tensors:
        t = S.TensorT()
        t.shape = list(d["shape"])
        t.type = d["type"]
        t.buffer = 0
        if d["data"] is not None:
            b = S.BufferT()
            b.data = np.frombuffer(np.ascontiguousarray(d["data"]).tobytes(), dtype=np.uint8).copy()
            m.buffers.append(b)
            t.buffer = len(m.buffers) - 1
        if d["q"] is not None:
            G.set_q(t, [d["q"][0]], [d["q"][1]])
        g.tensors.append(t)
    code = getattr(S.BuiltinOperator, op_name)
    oc = S.OperatorCodeT()
    oc.builtinCode = code
    oc.deprecatedBuiltinCode = min(code, 127)
    oc.version = 1
    m.operatorCodes = [oc]
    op = S.OperatorT()
    op.opcodeIndex = 0
    op.inputs = list(op_in)
    op.outputs = list(op_out)
    op.builtinOptionsType = opt_type
    op.builtinOptions = opts
    g.operators = [op]
    g.inputs = [i for i in op_in if i >= 0 and tensors[i]["data"] is None]
    g.outputs = list(op_out)
    m.subgraphs = [g]
    return m


def options(cls, **kw):
    o = cls()
    for k, v in kw.items():
        setattr(o, k, v)
    return o


def converted(fn, shapes, p, rng, op_name):
    """A converted int8 model of fn (its one op must be op_name)."""
    m = G.convert(fn, shapes, [p["rin"]] * len(shapes), rng)
    G.the_op(m, op_name)
    if len(G.graph(m).operators) != 1:
        raise G.Skip("converter_extra_ops")
    return m


# ---------------------------------------------------------------------------------------------
# Sampling helpers
# ---------------------------------------------------------------------------------------------

def pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def shape_of(rng, rank, hi=6, max_elems=720):
    s = [int(rng.integers(1, hi + 1)) for _ in range(rank)]
    while int(np.prod(s)) > max_elems:
        k = int(np.argmax(s))
        s[k] = max(1, s[k] // 2)
    return s


def base(rng, sweep, types=("f32", "i32", "i16", "u8", "i64", "bool")):
    """Element type and quantization of a case: int8 unless the sweep is `types`."""
    if sweep == "types":  # float32 about half the time, int32 a quarter, the rest the others
        r = rng.random()
        dt = "f32" if r < 0.45 else ("i32" if r < 0.7 else pick(rng, [t for t in types
                                                                    if t not in ("f32", "i32")]))
    else:
        dt = "i8"
    p = dict(dt=dt)
    if dt == "i8":
        zp = pick(rng, [-128, 127, 0, int(rng.integers(-128, 128))])
        p["q"] = (float(np.float32(10 ** rng.uniform(-3, 1))), zp)
    elif dt == "u8":
        p["q"] = (float(np.float32(10 ** rng.uniform(-3, 1))), int(rng.integers(0, 256)))
    elif dt == "i16":
        p["q"] = (float(np.float32(10 ** rng.uniform(-5, -1))), 0)
    if dt in INT_RANGE:
        p["int_range"] = INT_RANGE[dt]
    if dt == "f32":
        p["rin"] = (-10.0, 10.0)
    return p


# ---------------------------------------------------------------------------------------------
# PAD / PADV2 / MIRROR_PAD
# ---------------------------------------------------------------------------------------------

def sample_pad(rng, sweep, i, v2=False, mirror=False):
    p = base(rng, sweep)
    rank = 4 if sweep == "image" else int(rng.integers(1, 6))
    p["shape"] = shape_of(rng, rank, hi=5, max_elems=96)
    if mirror:
        p["mode"] = pick(rng, ["REFLECT", "SYMMETRIC"])
        off = 1 if p["mode"] == "REFLECT" else 0
        pads = []
        for d in p["shape"]:
            lim = d - off
            pads += [int(rng.integers(0, min(lim, 3) + 1)) if lim > 0 else 0 for _ in range(2)]
    else:
        pads = [int(x) if rng.random() < 0.7 else 0
                for x in rng.integers(0, 4 if rank < 4 else 3, 2 * rank)]
    if sweep == "image":
        pads[0] = pads[1] = pads[6] = pads[7] = 0
    if sweep == "zp" and p["dt"] == "i8":
        p["q"] = (p["q"][0], pick(rng, [-128, 127]))
    if sweep == "qdiff":  # output quantization differs: TFLite pads with the output zero point
        p["oq"] = (float(np.float32(p["q"][0] * rng.uniform(0.5, 2))), int(rng.integers(-128, 128)))
    p["pads"] = pads
    p["ptype"] = "i64" if sweep == "pad64" or (sweep == "types" and rng.random() < 0.3) else "i32"
    if v2:
        p["cshape"] = pick(rng, ["scalar", "scalar", "one"])
        if sweep == "none":
            p["cshape"] = "absent"
    if sweep == "conv":
        p = dict(dt="i8", shape=shape_of(rng, int(rng.integers(2, 5)), hi=5), rin=G.rand_range(rng))
        p["pads"] = [int(x) for x in rng.integers(0, 3, 2 * len(p["shape"]))]
        if mirror:
            p["mode"] = pick(rng, ["REFLECT", "SYMMETRIC"])
            off = 1 if p["mode"] == "REFLECT" else 0
            p["pads"] = [min(x, d - off) for x, d in zip(p["pads"], np.repeat(p["shape"], 2))]
        if v2:
            p["cval"] = float(rng.uniform(p["rin"][0], p["rin"][1]))
    return p


def build_pad(p, rng, op_name="PAD"):
    if p.get("rin") is not None and p["dt"] == "i8" and "q" not in p:  # conv sweep
        t = G.tf()
        pads = np.array(p["pads"]).reshape(-1, 2).tolist()
        kw = {}
        if op_name == "PADV2":
            kw["constant_values"] = p["cval"]
        if op_name == "MIRROR_PAD":
            kw["mode"] = p["mode"]
        fn = t.function(lambda x: t.pad(x, pads, **kw), input_signature=[G.spec(p["shape"])])
        return converted(fn, [p["shape"]], p, rng, op_name), ["converted"]
    shape = p["shape"]
    pads = np.array(p["pads"], dtype=np.int64).reshape(-1, 2)
    out = [d + a + b for d, (a, b) in zip(shape, pads)]
    oq = dict(p, q=p.get("oq") or p.get("q"))
    ts = [act(shape, p), const(pads, DT[p["ptype"]]), act(out, oq)]
    ins = [0, 1]
    edits = ["out_quant_differs"] if p.get("oq") else []
    if op_name == "PADV2" and p["cshape"] != "absent":
        dt = p["dt"]
        lo, hi = {"i8": (-128, 127), "f32": (-100, 100)}.get(dt, INT_RANGE.get(dt, (-100, 100)))
        if dt == "f32":
            v = np.float32(rng.uniform(lo, hi))
        else:
            v = int(rng.integers(lo, hi + 1))
        c = const([v], DT[dt], shape=[] if p["cshape"] == "scalar" else [1])
        c["q"] = act([], oq)["q"]
        ts.append(c)
        ins.append(3)
        edits.append(f"value{v:.4g}" if dt == "f32" else f"value{v}")
    opts = {"PAD": (BO.PadOptions, S.PadOptionsT()), "PADV2": (BO.PadV2Options, S.PadV2OptionsT())}
    if op_name == "MIRROR_PAD":
        opt = (BO.MirrorPadOptions, options(S.MirrorPadOptionsT,
                                            mode=0 if p["mode"] == "REFLECT" else 1))
    else:
        opt = opts[op_name]
    return model(op_name, ts, ins, [2], *opt), edits


# ---------------------------------------------------------------------------------------------
# CONCATENATION / PACK / SPLIT / SPLIT_V / UNPACK
# ---------------------------------------------------------------------------------------------

def sample_concat(rng, sweep, i):
    p = base(rng, sweep)
    rank = int(rng.integers(1, 6))
    p["shape"] = shape_of(rng, rank, hi=5, max_elems=120)
    p["axis"] = int(rng.integers(-rank, rank))
    n = int(rng.integers(6, 13)) if sweep == "many" else int(pick(rng, [1, 2, 2, 3, 3, 4, 5]))
    p["sizes"] = [int(rng.integers(1, 5)) for _ in range(n)]
    if sweep == "conv":
        p = dict(dt="i8", shape=p["shape"], axis=p["axis"], sizes=p["sizes"][:4],
                 rin=G.rand_range(rng))
    return p


def build_concat(p, rng):
    ax = p["axis"] % len(p["shape"])
    shapes = []
    for s in p["sizes"]:
        sh = list(p["shape"])
        sh[ax] = s
        shapes.append(sh)
    out = list(p["shape"])
    out[ax] = sum(p["sizes"])
    if p.get("rin") is not None and "q" not in p and p["dt"] == "i8":
        t = G.tf()
        fn = t.function(lambda *xs: t.concat(list(xs), axis=p["axis"]),
                        input_signature=[G.spec(s) for s in shapes])
        return converted(fn, shapes, p, rng, "CONCATENATION"), ["converted"]
    ts = [act(s, p) for s in shapes] + [act(out, p)]
    n = len(shapes)
    return model("CONCATENATION", ts, list(range(n)), [n], BO.ConcatenationOptions,
                 options(S.ConcatenationOptionsT, axis=p["axis"])), []


def sample_pack(rng, sweep, i, unpack=False):
    p = base(rng, sweep, types=("f32", "i32", "i16", "u8", "i64") if not unpack
             else ("f32", "i32", "i16", "u8", "bool"))
    rank = int(rng.integers(1, 6)) if unpack else int(rng.integers(0, 5))
    p["shape"] = shape_of(rng, rank, hi=5, max_elems=200)
    if unpack:
        p["axis"] = int(rng.integers(-rank, rank))
    else:
        p["n"] = int(pick(rng, [1, 2, 2, 3, 4, 5, 7]))
        p["axis"] = int(rng.integers(-rank - 1, rank + 1))
    if sweep == "conv":
        p = dict(dt="i8", shape=p["shape"] or [3], axis=p["axis"], n=p.get("n"),
                 rin=G.rand_range(rng))
        if not unpack:
            p["axis"] = int(np.clip(p["axis"], -len(p["shape"]) - 1, len(p["shape"])))
    return p


def build_pack(p, rng):
    n, shape = p["n"], p["shape"]
    ax = p["axis"] % (len(shape) + 1)
    out = list(shape[:ax]) + [n] + list(shape[ax:])
    if p.get("rin") is not None and "q" not in p and p["dt"] == "i8":
        t = G.tf()
        fn = t.function(lambda *xs: t.stack(list(xs), axis=p["axis"]),
                        input_signature=[G.spec(shape)] * n)
        return converted(fn, [shape] * n, p, rng, "PACK"), ["converted"]
    ts = [act(shape, p) for _ in range(n)] + [act(out, p)]
    return model("PACK", ts, list(range(n)), [n], BO.PackOptions,
                 options(S.PackOptionsT, valuesCount=n, axis=p["axis"])), []


def build_unpack(p, rng):
    shape = p["shape"]
    ax = p["axis"] % len(shape)
    n = shape[ax]
    out = list(shape[:ax]) + list(shape[ax + 1:])
    if p.get("rin") is not None and "q" not in p and p["dt"] == "i8":
        t = G.tf()
        fn = t.function(lambda x: t.unstack(x, axis=p["axis"]), input_signature=[G.spec(shape)])
        return converted(fn, [shape], p, rng, "UNPACK"), ["converted"]
    ts = [act(shape, p)] + [act(out, p) for _ in range(n)]
    return model("UNPACK", ts, [0], list(range(1, n + 1)), BO.UnpackOptions,
                 options(S.UnpackOptionsT, num=n, axis=p["axis"])), []


def sample_split(rng, sweep, i, v=False):
    p = base(rng, sweep)
    rank = int(rng.integers(1, 6))
    p["shape"] = shape_of(rng, rank, hi=6, max_elems=160)
    p["axis"] = int(rng.integers(-rank, rank))
    ax = p["axis"] % rank
    d = p["shape"][ax]
    if v:
        cuts = sorted(int(x) for x in rng.choice(np.arange(1, d), size=int(rng.integers(0, d)),
                                                 replace=False)) if d > 1 else []
        sizes = [b - a for a, b in zip([0] + cuts, cuts + [d])]
        if sweep == "minus1" or rng.random() < 0.15:
            sizes[int(rng.integers(len(sizes)))] = -1
        p["sizes"] = sizes
        p["stype"] = "i64" if rng.random() < 0.25 else "i32"
    else:
        if d == 1 or rng.random() < 0.2:
            p["shape"][ax] = d = int(pick(rng, [2, 4, 6, 8, 9, 12]))
        p["n"] = int(pick(rng, [k for k in range(1, d + 1) if d % k == 0]))
        if sweep == "quant" and p["dt"] == "i8":
            p["oq"] = (float(np.float32(p["q"][0] * 2)), 0)  # outputs differ: bytes copied as is
    p["ashape"] = pick(rng, ["scalar", "scalar", "one"])
    if sweep == "conv":
        p = dict(dt="i8", shape=p["shape"], axis=p["axis"], rin=G.rand_range(rng),
                 n=p.get("n"), sizes=p.get("sizes"))
    return p


def split_sizes(p):
    ax = p["axis"] % len(p["shape"])
    d = p["shape"][ax]
    if p.get("sizes") is None:
        return [d // p["n"]] * p["n"]
    s = list(p["sizes"])
    if -1 in s:
        s[s.index(-1)] = d - sum(x for x in s if x != -1)
    return s


def build_split(p, rng, v=False):
    shape = p["shape"]
    ax = p["axis"] % len(shape)
    sizes = split_sizes(p)
    outs = []
    for s in sizes:
        o = list(shape)
        o[ax] = s
        outs.append(o)
    if p.get("rin") is not None and "q" not in p and p["dt"] == "i8":
        t = G.tf()
        arg = p["sizes"] if v else p["n"]
        fn = t.function(lambda x: t.split(x, arg, axis=p["axis"]), input_signature=[G.spec(shape)])
        return converted(fn, [shape], p, rng, "SPLIT_V" if v else "SPLIT"), ["converted"]
    axis = const([p["axis"]], TT.INT32, shape=[] if p["ashape"] == "scalar" else [1])
    edits = []
    oq = dict(p)
    if p.get("oq"):
        oq["q"] = p["oq"]
        edits.append("out_quant_differs")
    n = len(sizes)
    if v:
        ts = [act(shape, p), const(p["sizes"], DT[p["stype"]]), axis] + [act(o, oq) for o in outs]
        return model("SPLIT_V", ts, [0, 1, 2], list(range(3, 3 + n)), BO.SplitVOptions,
                     options(S.SplitVOptionsT, numSplits=n)), edits
    ts = [axis, act(shape, p)] + [act(o, oq) for o in outs]
    return model("SPLIT", ts, [0, 1], list(range(2, 2 + n)), BO.SplitOptions,
                 options(S.SplitOptionsT, numSplits=n)), edits


# ---------------------------------------------------------------------------------------------
# STRIDED_SLICE / SLICE
# ---------------------------------------------------------------------------------------------

def ss_output(shape, b, e, s, bm, em, ell, new, shr, offset):
    """Output shape LiteRT gives STRIDED_SLICE, or None where LiteRT would leave elements unwritten
    (a shrink axis selecting nothing, an offset slice past the input) or make an empty output."""
    n, rank = len(b), len(shape)
    adds = sum(1 for i in range(n) if not (ell >> i & 1) and (new >> i & 1))
    dims = rank + adds
    eff_ell = eff_new = 0
    ell_start, expanded = dims, 0
    i = 0
    while i < dims:
        if ell >> i & 1:
            ell_start = i
            stop = max(i + 1, min(i + 1 + adds + rank - n, dims))
            expanded = stop - ell_start - 1
            while i < stop:
                eff_ell |= 1 << i
                i += 1
            continue
        if new >> (i - expanded) & 1:
            eff_new |= 1 << i
        i += 1
    out, added, added_ell = [], 0, 0
    for i in range(dims):
        if eff_new >> i & 1:
            out.append(1)
            added += 1
            continue
        bb, ee, st, bmi, emi, sh = 0, 0, 1, False, False, False
        if eff_ell >> i & 1:
            added_ell = max(0, i - ell_start)
            bmi = emi = True
        elif i >= n + expanded:
            bmi = emi = True
        else:
            k = i - added_ell
            bb, ee, st = b[k], e[k], s[k]
            bmi, emi, sh = bool(bm >> k & 1), bool(em >> k & 1), bool(shr >> k & 1)
        size = shape[i - added]
        start = bb + size if bb < 0 else bb
        start = min(max(start, 0), size) if st > 0 else min(max(start, -1), size - 1)
        if bmi:
            start = 0 if st > 0 else size - 1
        if sh:
            stop = start if start >= size else start + 1
        else:
            stop = ee + start if offset else ee
            if stop < 0:
                stop += size
            stop = min(max(stop, 0), size) if st > 0 else min(max(stop, -1), size - 1)
            if emi:
                stop = size if st > 0 else -1
        visits = len(range(start, stop, st))
        if sh:
            if visits != 1:
                return None
            continue
        dim = ee if offset else stop - start
        if (dim < 0) != (st < 0):
            dim = 0
        elif st < 0:
            dim = int((dim + 1) / st) + 1  # C++ division truncates toward zero
        else:
            dim = 0 if dim == 0 else (dim - 1) // st + 1
        if dim != visits or dim == 0:
            return None
        out.append(dim)
    return out if len(out) <= 6 else None


SS_EXPRS = ["1:3,::2", "...,1", "::-1,2:-1", ":,1:", "-2:,:3:2", "1,:", "...,::-1", "1:,::3",
            "::2,...", "0,1:", ":-1,-1", "2:0:-1,:", "1:2,...,1:", "...,-3:", "-1,...,::2"]


def parse_expr(expr):
    out = []
    for part in expr.split(","):
        if part == "...":
            out.append(Ellipsis)
        elif ":" in part:
            out.append(slice(*[int(x) if x else None for x in part.split(":")]))
        else:
            out.append(int(part))
    return tuple(out)


def sample_ss(rng, sweep, i):
    for _ in range(200):
        p = base(rng, sweep)
        rank = int(rng.integers(1, 6))
        shape = shape_of(rng, rank, hi=7, max_elems=240)
        if sweep == "conv":
            expr = SS_EXPRS[i % len(SS_EXPRS)]
            need = sum(1 for x in parse_expr(expr) if x is not Ellipsis)
            shape = [max(d, 3) for d in shape_of(rng, max(need, int(rng.integers(2, 5))), hi=6)]
            p = dict(dt="i8", shape=shape, expr=expr, rin=G.rand_range(rng))
            return p
        n = rank if sweep not in ("short", "ellipsis", "new_axis") else int(rng.integers(1, rank + 1))
        new = ell = 0
        if sweep == "new_axis":
            n = int(rng.integers(1, rank + 3))
            new = int(rng.integers(1, 1 << n))
        if sweep == "ellipsis":
            n = int(rng.integers(1, rank + 2))
            ell = 1 << int(rng.integers(n))
            if rng.random() < 0.4:
                new = int(rng.integers(0, 1 << n)) & ~ell
        b, e, s = [], [], []
        for k in range(n):
            d = shape[k] if k < rank else 3
            st = int(pick(rng, [1, 1, 1, 2, 3, -1, -1, -2])) if sweep != "basic" else \
                int(pick(rng, [1, 1, 2, 3]))
            if sweep == "neg":
                st = int(pick(rng, [-1, -1, -2, -3, 1, 2]))
            lo, hi = (-d - 2, d + 2) if sweep in ("neg", "clamp") else (0, d)
            bb, ee = int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1))
            if sweep == "basic" and bb > ee:
                bb, ee = ee, bb
            b.append(bb)
            e.append(ee)
            s.append(st)
        bm = int(rng.integers(0, 1 << n)) if rng.random() < 0.4 else 0
        em = int(rng.integers(0, 1 << n)) if rng.random() < 0.4 else 0
        shr = 0
        if sweep == "shrink":
            shr = int(rng.integers(1, 1 << n))
            for k in range(n):
                if shr >> k & 1 and k < rank:
                    s[k] = abs(s[k])
                    b[k] = int(rng.integers(-shape[k], shape[k]))
        offset = False
        if sweep == "offset":
            offset = True
            new = ell = 0
            n = rank
            b, e, s = b[:n], e[:n], s[:n]
            for k in range(n):
                s[k] = int(pick(rng, [1, 1, 2]))
                b[k] = int(rng.integers(0, shape[k]))
                e[k] = int(rng.integers(1, shape[k] - b[k] + 1))
            bm = em = 0
        out = ss_output(shape, b, e, s, bm, em, ell, new, shr, offset)
        if out is None:
            continue
        p.update(shape=shape, begin=b, end=e, strides=s, out=out)
        for key, v in (("bm", bm), ("em", em), ("ellipsis", ell), ("new_axis", new),
                       ("shrink", shr)):
            if v:
                p[key] = v
        if offset:
            p["offset"] = True
        return p
    raise G.Skip("no_valid_slice")


def build_ss(p, rng):
    if "expr" in p:
        t = G.tf()
        idx = parse_expr(p["expr"])
        fn = t.function(lambda x: x[idx], input_signature=[G.spec(p["shape"])])
        return converted(fn, [p["shape"]], p, rng, "STRIDED_SLICE"), ["converted"]
    ts = [act(p["shape"], p), const(p["begin"], TT.INT32), const(p["end"], TT.INT32),
          const(p["strides"], TT.INT32), act(p["out"], p)]
    o = options(S.StridedSliceOptionsT, beginMask=p.get("bm", 0), endMask=p.get("em", 0),
                ellipsisMask=p.get("ellipsis", 0), newAxisMask=p.get("new_axis", 0),
                shrinkAxisMask=p.get("shrink", 0), offset=bool(p.get("offset", False)))
    return model("STRIDED_SLICE", ts, [0, 1, 2, 3], [4], BO.StridedSliceOptions, o), []


def sample_slice(rng, sweep, i):
    p = base(rng, sweep)
    if sweep == "conv":
        p = dict(dt="i8", rin=G.rand_range(rng))
    rank = int(rng.integers(1, 7)) if sweep == "rank6" else int(rng.integers(1, 6))
    p["shape"] = shape = shape_of(rng, rank, hi=6, max_elems=400)
    b, sz = [], []
    for d in shape:
        bb = int(rng.integers(0, d))
        b.append(bb)
        sz.append(-1 if (sweep == "minus1" and rng.random() < 0.6) or rng.random() < 0.1
                  else int(rng.integers(1, d - bb + 1)))
    p["begin"], p["size"] = b, sz
    p["itype"] = "i64" if sweep == "int64" else "i32"
    return p


def build_slice(p, rng):
    shape = p["shape"]
    out = [d - b if s == -1 else s for d, b, s in zip(shape, p["begin"], p["size"])]
    if "q" not in p and p["dt"] == "i8":
        t = G.tf()
        fn = t.function(lambda x: t.slice(x, p["begin"], p["size"]),
                        input_signature=[G.spec(shape)])
        return converted(fn, [shape], p, rng, "SLICE"), ["converted"]
    it = DT[p["itype"]]
    ts = [act(shape, p), const(p["begin"], it), const(p["size"], it), act(out, p)]
    return model("SLICE", ts, [0, 1, 2], [3], BO.SliceOptions, S.SliceOptionsT()), []


# ---------------------------------------------------------------------------------------------
# SQUEEZE / EXPAND_DIMS / TRANSPOSE / SHAPE
# ---------------------------------------------------------------------------------------------

def sample_squeeze(rng, sweep, i):
    p = base(rng, sweep)
    rank = int(rng.integers(1, 7))
    shape = shape_of(rng, rank, hi=5, max_elems=300)
    ones = [k for k in range(rank) if rng.random() < 0.5]
    if not ones:
        ones = [int(rng.integers(rank))]
    for k in ones:
        shape[k] = 1
    p["shape"] = shape
    if sweep in ("all", "noopt"):
        p["dims"] = []
        p["noopt"] = sweep == "noopt"
    else:
        pickd = [k for k in ones if rng.random() < 0.7] or ones[:1]
        p["dims"] = [k - rank if (sweep == "neg" or rng.random() < 0.2) and rng.random() < 0.8
                     else k for k in pickd]
        if rng.random() < 0.1:
            p["dims"].append(p["dims"][0])  # a repeated dim
    return p


def build_squeeze(p, rng):
    shape, rank = p["shape"], len(p["shape"])
    dims = {d % rank for d in p["dims"]}
    out = [d for k, d in enumerate(shape) if (d != 1 if not dims else k not in dims)]
    ts = [act(shape, p), act(out, p)]
    if p.get("noopt"):
        return model("SQUEEZE", ts, [0], [1]), ["no_options"]
    return model("SQUEEZE", ts, [0], [1], BO.SqueezeOptions,
                 options(S.SqueezeOptionsT, squeezeDims=list(p["dims"]))), []


def sample_expand(rng, sweep, i):
    p = base(rng, sweep)
    rank = int(rng.integers(0, 6))
    p["shape"] = shape_of(rng, rank, hi=5, max_elems=300)
    p["axis"] = int(rng.integers(-rank - 1, rank + 1))
    if sweep == "neg":
        p["axis"] = int(rng.integers(-rank - 1, 0))
    p["atype"] = "i64" if sweep == "int64" else "i32"
    p["ashape"] = pick(rng, ["scalar", "one"])
    return p


def build_expand(p, rng):
    shape = p["shape"]
    ax = p["axis"] % (len(shape) + 1)
    out = list(shape[:ax]) + [1] + list(shape[ax:])
    ts = [act(shape, p), const([p["axis"]], DT[p["atype"]],
                               shape=[] if p["ashape"] == "scalar" else [1]), act(out, p)]
    return model("EXPAND_DIMS", ts, [0, 1], [2], BO.ExpandDimsOptions,
                 S.ExpandDimsOptionsT()), []


def sample_transpose(rng, sweep, i):
    p = base(rng, sweep)
    if sweep == "conv":
        p = dict(dt="i8", rin=G.rand_range(rng))
    rank = int(rng.integers(1, 7)) if sweep != "rank6" else 6
    p["shape"] = shape_of(rng, rank, hi=5, max_elems=400)
    p["perm"] = [int(x) for x in rng.permutation(rank)]
    if sweep == "neg":
        p["perm"] = [x - rank if rng.random() < 0.5 else x for x in p["perm"]]
    return p


def build_transpose(p, rng):
    shape, rank = p["shape"], len(p["shape"])
    out = [shape[x % rank] for x in p["perm"]]
    if "q" not in p and p["dt"] == "i8":
        t = G.tf()
        fn = t.function(lambda x: t.transpose(x, p["perm"]), input_signature=[G.spec(shape)])
        return converted(fn, [shape], p, rng, "TRANSPOSE"), ["converted"]
    ts = [act(shape, p), const(p["perm"], TT.INT32), act(out, p)]
    return model("TRANSPOSE", ts, [0, 1], [2], BO.TransposeOptions, S.TransposeOptionsT()), []


def sample_shape(rng, sweep, i):
    p = base(rng, "types" if sweep == "types" else sweep)
    rank = int(rng.integers(1, 7))
    p["shape"] = shape_of(rng, rank, hi=6, max_elems=500)
    p["out_type"] = "i64" if sweep == "i64" else "i32"
    return p


def build_shape(p, rng):
    out = dict(shape=[len(p["shape"])], type=DT[p["out_type"]], q=None, data=None)
    ts = [act(p["shape"], p), out]
    return model("SHAPE", ts, [0], [1], BO.ShapeOptions,
                 options(S.ShapeOptionsT, outType=DT[p["out_type"]])), []


# ---------------------------------------------------------------------------------------------
# GATHER
# ---------------------------------------------------------------------------------------------

def sample_gather(rng, sweep, i):
    for _ in range(100):
        p = base(rng, sweep)
        if sweep == "conv":
            p = dict(dt="i8", rin=G.rand_range(rng))
        rank = int(rng.integers(1, 5))
        shape = shape_of(rng, rank, hi=6, max_elems=300)
        axis = int(rng.integers(-rank, rank))
        ax = axis % rank
        bd = 0
        if sweep == "batch":
            if ax == 0:
                continue
            bd = int(rng.integers(1, ax + 1))
        irank = int(rng.integers(bd, min(bd + 3, 6)))
        ishape = list(shape[:bd]) + [int(rng.integers(1, 5)) for _ in range(irank - bd)]
        if rank + irank - 1 - bd > 6:
            continue
        p.update(shape=shape, axis=axis, ishape=ishape)
        if bd:
            p["batch_dims"] = bd - irank if rng.random() < 0.3 else bd
        p["itype"] = "i64" if sweep == "int64" else "i32"
        p["dyn"] = sweep == "dyn"
        if p["dyn"]:
            p["int_range"] = (0, shape[ax] - 1)
            p.pop("rin", None)
        else:
            p["indices"] = [int(x) for x in rng.integers(0, shape[ax], int(np.prod(ishape)))]
        return p
    raise G.Skip("no_gather_shape")


def build_gather(p, rng):
    shape, ishape = p["shape"], p["ishape"]
    ax = p["axis"] % len(shape)
    bd = p.get("batch_dims", 0)
    bd = bd + len(ishape) if bd < 0 else bd
    out = list(shape[:ax]) + list(ishape[bd:]) + list(shape[ax + 1:])
    if "q" not in p and p["dt"] == "i8" and not p["dyn"]:
        t = G.tf()
        idx = np.array(p["indices"], dtype=np.int32).reshape(ishape)
        fn = t.function(lambda x: t.gather(x, idx, axis=p["axis"]), input_signature=[G.spec(shape)])
        return converted(fn, [shape], p, rng, "GATHER"), ["converted"]
    it = DT[p["itype"]]
    if p["dyn"]:
        idx = dict(shape=list(ishape), type=it, q=None, data=None)
    else:
        idx = const(p["indices"], it, shape=ishape)
    ts = [act(shape, p), idx, act(out, p)]
    return model("GATHER", ts, [0, 1], [2], BO.GatherOptions,
                 options(S.GatherOptionsT, axis=p["axis"], batchDims=p.get("batch_dims", 0))), []


# ---------------------------------------------------------------------------------------------

def groups(g):
    global G
    G = g
    return [
        ("data_pad", "PAD",
         [("rank", 36), ("zp", 10), ("image", 10), ("qdiff", 4), ("types", 18), ("pad64", 4),
          ("conv", 8)],
         sample_pad, lambda p, rng: build_pad(p, rng, "PAD")),
        ("data_padv2", "PADV2",
         [("rank", 30), ("zp", 8), ("qdiff", 3), ("types", 15), ("none", 4), ("conv", 8)],
         lambda rng, sw, i: sample_pad(rng, sw, i, v2=True),
         lambda p, rng: build_pad(p, rng, "PADV2")),
        ("data_mirror_pad", "MIRROR_PAD",
         [("rank", 36), ("zp", 8), ("types", 14), ("conv", 6)],
         lambda rng, sw, i: sample_pad(rng, sw, i, mirror=True),
         lambda p, rng: build_pad(p, rng, "MIRROR_PAD")),
        ("data_concat", "CONCATENATION",
         [("axis", 45), ("types", 18), ("many", 8), ("conv", 10)], sample_concat, build_concat),
        ("data_strided_slice", "STRIDED_SLICE",
         [("basic", 20), ("clamp", 12), ("neg", 14), ("short", 10), ("shrink", 14),
          ("ellipsis", 12), ("new_axis", 12), ("offset", 8), ("types", 14), ("conv", 15)],
         sample_ss, build_ss),
        ("data_slice", "SLICE",
         [("basic", 35), ("minus1", 12), ("rank6", 6), ("int64", 6), ("types", 15), ("conv", 8)],
         sample_slice, build_slice),
        ("data_squeeze", "SQUEEZE",
         [("dims", 30), ("neg", 10), ("all", 8), ("noopt", 4), ("types", 12)],
         sample_squeeze, build_squeeze),
        ("data_expand_dims", "EXPAND_DIMS",
         [("axis", 30), ("neg", 10), ("int64", 6), ("types", 12)], sample_expand, build_expand),
        ("data_transpose", "TRANSPOSE",
         [("perm", 40), ("rank6", 8), ("neg", 8), ("types", 15), ("conv", 8)],
         sample_transpose, build_transpose),
        ("data_split", "SPLIT",
         [("axis", 40), ("quant", 5), ("types", 15), ("conv", 8)],
         sample_split, lambda p, rng: build_split(p, rng, v=False)),
        ("data_split_v", "SPLIT_V",
         [("sizes", 35), ("minus1", 12), ("types", 15), ("conv", 8)],
         lambda rng, sw, i: sample_split(rng, sw, i, v=True),
         lambda p, rng: build_split(p, rng, v=True)),
        ("data_pack", "PACK",
         [("axis", 40), ("types", 15), ("conv", 8)], sample_pack, build_pack),
        ("data_unpack", "UNPACK",
         [("axis", 40), ("types", 15), ("conv", 8)],
         lambda rng, sw, i: sample_pack(rng, sw, i, unpack=True), build_unpack),
        ("data_shape", "SHAPE",
         [("i32", 30), ("i64", 10), ("types", 12)], sample_shape, build_shape),
        ("data_gather", "GATHER",
         [("axis", 35), ("batch", 15), ("dyn", 15), ("int64", 6), ("types", 15), ("conv", 8)],
         sample_gather, build_gather),
    ]
