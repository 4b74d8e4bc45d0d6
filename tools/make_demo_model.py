#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Train and quantize tinyml's demo model: a tiny int8 CNN on scikit-learn's digits.

The 8x8 grayscale digits (sklearn.datasets.load_digits, bundled, no download) are
scaled to [0, 1] and split 75/25 (stratified, fixed random_state=0). A small Keras
CNN is trained with every seed fixed and TensorFlow op determinism enabled, then
converted with full-integer post-training quantization (int8 in/out). The graph is
chosen to exercise CONV_2D, DEPTHWISE_CONV_2D (depth_multiplier 2), ADD (residual),
MAX_POOL_2D, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED and SOFTMAX.

Outputs (in --outdir, default examples/models/):
  digits_cnn_int8.tflite       the int8 model
  digits_cnn_int8.labels.txt   labels 0..9, one per line
  digits_cnn_int8.md           model card (data, split, accuracies, size, versions)
  digit_<label>.bin            3 test images, raw int8 bytes (64 each), quantized
                               with the model's input scale / zero point

Usage:
  python tools/make_demo_model.py [--seed 1] [--epochs 60] [--outdir examples/models]
"""
import argparse
import contextlib
import io
import importlib.metadata as md
import os
import random
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from ai_edge_litert.interpreter import Interpreter  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

STEM = "digits_cnn_int8"
SPLIT_SEED = 0  # the train/test split never changes with --seed


def set_seeds(seed):
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    tf.keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def build_model():
    L = tf.keras.layers
    inp = tf.keras.Input(shape=(8, 8, 1), batch_size=1, name="image")
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="conv")(inp)
    b = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2,
                          activation="relu", name="dwconv")(x)
    b = L.Conv2D(8, 1, activation="relu", name="pointwise")(b)
    x = L.Add(name="residual")([x, b])
    x = L.MaxPooling2D(2, name="maxpool")(x)          # 4x4x8
    x = L.AveragePooling2D(2, name="avgpool")(x)      # 2x2x8
    x = L.Reshape((32,), name="flatten")(x)
    x = L.Dense(10, name="logits")(x)
    out = L.Softmax(name="probs")(x)
    return tf.keras.Model(inp, out, name="digits_cnn")


def quantize(x, scale, zp):
    return np.clip(np.round(x / scale) + zp, -128, 127).astype(np.int8)


def int8_predict(tflite_bytes, x_test):
    """Return (predicted classes, input scale, input zero point) from LiteRT."""
    it = Interpreter(model_content=tflite_bytes)
    it.allocate_tensors()
    idet, odet = it.get_input_details()[0], it.get_output_details()[0]
    scale, zp = idet["quantization"]
    preds = []
    for img in x_test:
        it.set_tensor(idet["index"], quantize(img[None], scale, zp))
        it.invoke()
        preds.append(int(np.argmax(it.get_tensor(odet["index"])[0])))
    return np.array(preds), scale, zp


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--outdir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "examples", "models"))
    args = ap.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    set_seeds(args.seed)

    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0)[..., None]
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=0.25, random_state=SPLIT_SEED, stratify=y)

    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_tr, y_tr, batch_size=32, epochs=args.epochs, shuffle=True, verbose=0)
    float_acc = float(model.evaluate(x_te, y_te, batch_size=1, verbose=0)[1])

    def representative():
        for img in x_tr[:300]:
            yield [img[None]]

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    with contextlib.redirect_stdout(io.StringIO()):  # Keras export chatter
        tfl = conv.convert()
    preds, scale, zp = int8_predict(tfl, x_te)
    int8_acc = float(np.mean(preds == y_te))

    os.makedirs(args.outdir, exist_ok=True)
    out = lambda name: os.path.join(args.outdir, name)  # noqa: E731
    with open(out(STEM + ".tflite"), "wb") as f:
        f.write(tfl)
    with open(out(STEM + ".labels.txt"), "w") as f:
        f.write("".join(f"{i}\n" for i in range(10)))
    samples = []
    for label in (0, 3, 7):  # first test image of each of these classes
        i = int(np.flatnonzero(y_te == label)[0])
        samples.append(f"digit_{label}.bin (test index {i}, int8 model predicts {preds[i]})")
        with open(out(f"digit_{label}.bin"), "wb") as f:
            f.write(quantize(x_te[i], scale, zp).tobytes())

    ops = sorted({o["op_name"] for o in Interpreter(model_content=tfl)._get_ops_details()})
    card = f"""# {STEM}

Tiny int8 CNN classifying 8x8 handwritten digits; the demo model of tinyml.

- Data: scikit-learn `load_digits` (1797 8x8 images, 10 classes, pixel values 0..16,
  scaled to [0, 1] as x/16). Bundled with scikit-learn, no download.
- Split: `train_test_split(test_size=0.25, stratify=y, random_state={SPLIT_SEED})`:
  {len(y_tr)} train / {len(y_te)} test images.
- Training: Adam 3e-3, batch 32, {args.epochs} epochs, seed {args.seed}, op determinism on.
- Input: int8 [1,8,8,1], scale {scale:.9g}, zero point {zp} (q = round(x/scale) + zp).
- Output: int8 [1,10] softmax probabilities; labels in `{STEM}.labels.txt`.
- Ops: {", ".join(ops)}.
- Quantization: full-integer PTQ, representative set = first 300 training images,
  `TFLITE_BUILTINS_INT8`, int8 input and output.
- Float (Keras) test accuracy: {float_acc:.4f}
- Int8 test accuracy (LiteRT interpreter): {int8_acc:.4f}
- Size: {len(tfl)} bytes
- Sample inputs, 64 raw int8 bytes each: {"; ".join(samples)}.
- Versions: TensorFlow {tf.__version__}, ai-edge-litert {md.version("ai-edge-litert")},
  scikit-learn {md.version("scikit-learn")}, numpy {np.__version__}, Python {sys.version.split()[0]}.

Reproduce (from the repository root, after `pip install -r tools/requirements.txt`):

    python tools/make_demo_model.py --seed {args.seed} --epochs {args.epochs}
"""
    with open(out(STEM + ".md"), "w") as f:
        f.write(card)
    print(f"float acc {float_acc:.4f}  int8 acc {int8_acc:.4f}  size {len(tfl)} B  ops {ops}")


if __name__ == "__main__":
    main()
