#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""LiteRT reference-kernel runner used by gen_corpus.py, in a child process of its own.

The generator talks to this process over stdin/stdout with length-prefixed pickles, so a model
that makes LiteRT abort (a TFLITE_CHECK in a Prepare function kills the whole process) costs
one restart instead of the whole run, and TensorFlow (loaded by the generator for conversion)
never shares a process with LiteRT's interpreter.

Request:  (model bytes, [input bytes, one per graph input in subgraph order], intermediates)
Reply:    ("ok", [output bytes, one per graph output], [op names in execution order],
           [(tensor index, bytes) of every op output that is not a graph output, in op order]
           if intermediates else [])
          ("error", "message")                 (LiteRT refused the model or the inputs)
"""
import os
import pickle
import struct
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402


def run(model, inputs, intermediates):
    it = Interpreter(model_content=model,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                     experimental_preserve_all_tensors=bool(intermediates),
                     num_threads=1)
    it.allocate_tensors()
    details = {d["index"]: d for d in it.get_input_details()}
    in_idx = [d["index"] for d in it.get_input_details()]
    out_idx = [d["index"] for d in it.get_output_details()]
    # Graph inputs in subgraph order: get_input_details() follows the subgraph's input list.
    if len(in_idx) != len(inputs):
        raise ValueError(f"model has {len(in_idx)} inputs, {len(inputs)} given")
    for idx, buf in zip(in_idx, inputs):
        d = details[idx]
        arr = np.frombuffer(buf, dtype=d["dtype"])
        if arr.size != int(np.prod(d["shape"])):
            raise ValueError(f"input {idx}: {arr.size} elements given, shape {list(d['shape'])}")
        it.set_tensor(idx, arr.reshape(d["shape"]))
    it.invoke()
    outs = [it.get_tensor(i).tobytes() for i in out_idx]
    details = it._get_ops_details()
    ops = [o["op_name"] for o in details]
    inter = []
    if intermediates:
        for o in details:
            inter += [(int(t), it.get_tensor(t).tobytes()) for t in o["outputs"]
                      if t >= 0 and t not in out_idx]
    return outs, ops, inter


def main():
    rd, wr = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = rd.read(4)
        if len(head) < 4:
            return
        (n,) = struct.unpack("<I", head)
        model, inputs, intermediates = pickle.loads(rd.read(n))
        try:
            outs, ops, inter = run(model, inputs, intermediates)
            reply = ("ok", outs, ops, inter)
        except Exception as e:  # LiteRT raises RuntimeError/ValueError on refusal
            reply = ("error", f"{type(e).__name__}: {e}".replace("\n", " ")[:400])
        data = pickle.dumps(reply)
        wr.write(struct.pack("<I", len(data)) + data)
        wr.flush()


if __name__ == "__main__":
    main()
