# SPDX-License-Identifier: Apache-2.0
"""Builds small .tflite models the C++ tests need beyond the demo model.

  unsupported_ops_int8.tflite: an int8 model whose ops include GELU and LOG_SOFTMAX, which tinyml
  does not implement (tests that `tinyml info` lists every unsupported op and exits non-zero).

Usage: python tools/make_test_models.py [--out tests/data] [--seed 1]
Requires tools/requirements.txt.
"""
import argparse
import os

import numpy as np
import tensorflow as tf


def unsupported_ops_model(seed):
    tf.keras.utils.set_random_seed(seed)
    inp = tf.keras.Input(shape=(8,), batch_size=1)
    x = tf.keras.layers.Dense(8)(inp)
    a = tf.keras.layers.Activation("gelu")(x)
    b = tf.keras.layers.Lambda(tf.nn.log_softmax)(x)
    out = tf.keras.layers.Add()([a, b])
    model = tf.keras.Model(inp, out)
    rng = np.random.default_rng(seed)

    def rep():
        for _ in range(32):
            yield [rng.standard_normal((1, 8)).astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    return conv.convert()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "data"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "unsupported_ops_int8.tflite")
    with open(path, "wb") as f:
        f.write(unsupported_ops_model(args.seed))
    print("wrote", path)


if __name__ == "__main__":
    main()
