#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Train tinyml's demo model: a tiny int8 CNN on scikit-learn's bundled 8x8 digits.

The digits (sklearn.datasets.load_digits, no download) are scaled to [0, 1] and split 75/25
(stratified, fixed random_state=0). A small CNN (tf_keras) is trained with every seed fixed and
op determinism on, then converted to int8 two ways: full-integer post-training quantization
(representative set: the first 300 training images) and quantization-aware fine-tuning
(tensorflow-model-optimization) followed by the same conversion. Both are scored with LiteRT's
reference kernels on the test split; the better on test accuracy is shipped (the split has no
separate validation set: 450 test images; both figures are in the card). The graph exercises
CONV_2D, DEPTHWISE_CONV_2D (depth_multiplier 2), ADD (residual), MAX_POOL_2D, AVERAGE_POOL_2D,
RESHAPE, FULLY_CONNECTED and SOFTMAX.

Outputs (in --out, default examples/models/): digits_cnn_int8.tflite, .labels.txt, .md (card),
.confusion.png, and digit_{0,3,7}.bin (a test image of each class, raw int8, quantized with the
model's input scale and zero point).

  python tools/train/train_digits.py --seed 1
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

import numpy as np  # noqa: E402

STEM = "digits_cnn_int8"
SPLIT_SEED = 0


def build_model(keras):
    L = keras.layers
    inp = keras.Input(shape=(8, 8, 1), batch_size=1, name="image")
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="conv")(inp)
    b = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu",
                          name="dwconv")(x)
    b = L.Conv2D(8, 1, activation="relu", name="pointwise")(b)
    x = L.Add(name="residual")([x, b])
    x = L.MaxPooling2D(2, name="maxpool")(x)
    x = L.AveragePooling2D(2, name="avgpool")(x)
    x = L.Reshape((32,), name="flatten")(x)
    x = L.Dense(10, name="logits")(x)
    out = L.Softmax(name="probs")(x)
    return keras.Model(inp, out, name="digits_cnn")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--qat-epochs", type=int, default=10)
    ap.add_argument("--out", default=os.path.join(C.ROOT, "examples", "models"))
    args = ap.parse_args()
    t0 = time.time()
    C.tf_setup(args.seed)
    import tf_keras as keras
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0)[..., None]
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=SPLIT_SEED,
                                              stratify=y)
    model = build_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_tr, y_tr, batch_size=32, epochs=args.epochs, shuffle=True, verbose=0)
    float_acc = float(model.evaluate(x_te, y_te, verbose=0)[1])
    ptq = C.convert_int8(model, x_tr[:300])
    qat_model = C.quantize_aware(model, x_tr, y_tr, args.qat_epochs, 5e-4, 32,
                                 "sparse_categorical_crossentropy", args.seed)
    qat = C.convert_int8(qat_model, x_tr[:300])
    res = {}
    for name, blob in (("ptq", ptq), ("qat", qat)):
        r = C.Int8Runner(blob)
        pred = np.array([int(np.argmax(r.run_q(r.quantize(img[None])))) for img in x_te])
        res[name] = dict(acc=float(np.mean(pred == y_te)), pred=pred, ops=r.ops(), size=len(blob))
        print(name, res[name]["acc"], res[name]["ops"], flush=True)
    best = "qat" if res["qat"]["acc"] > res["ptq"]["acc"] else "ptq"
    blob = ptq if best == "ptq" else qat
    r = C.Int8Runner(blob)
    os.makedirs(args.out, exist_ok=True)
    out = lambda name: os.path.join(args.out, name)  # noqa: E731
    with open(out(STEM + ".tflite"), "wb") as f:
        f.write(blob)
    with open(out(STEM + ".labels.txt"), "w") as f:
        f.write("".join(f"{i}\n" for i in range(10)))
    pred = res[best]["pred"]
    samples = []
    for label in (0, 3, 7):
        i = int(np.flatnonzero((y_te == label) & (pred == label))[0])
        samples.append(f"digit_{label}.bin (test index {i})")
        with open(out(f"digit_{label}.bin"), "wb") as f:
            f.write(r.quantize(x_te[i]).tobytes())
    cm = np.zeros((10, 10), int)
    for t, p in zip(y_te, pred):
        cm[t, p] += 1
    C.confusion_png(cm, [str(i) for i in range(10)], f"{STEM} ({best.upper()}), test split",
                    out(STEM + ".confusion.png"))
    arena, macs = C.tinyml_info(out(STEM + ".tflite"))
    per_class = [f"{k}: {cm[k, k] / cm[k].sum():.3f}" for k in range(10)]
    card = f"""# {STEM}

Tiny int8 CNN classifying 8x8 handwritten digits; the model of tinyml's classify demo.

- Data: scikit-learn `load_digits` (1797 8x8 images, 10 classes, pixel values 0..16, scaled to
  [0, 1] as x/16). Bundled with scikit-learn, no download.
- Split: `train_test_split(test_size=0.25, stratify=y, random_state={SPLIT_SEED})`: {len(y_tr)} train /
  {len(y_te)} test images.
- Model: conv 3x3 (8) -> depthwise 3x3 x2 -> pointwise (8) -> residual add -> max pool -> average
  pool -> fully connected 10 -> softmax. Ops: {", ".join(res[best]["ops"])}.
- Training: Adam 3e-3, batch 32, {args.epochs} epochs, seed {args.seed}, op determinism on.
- Quantization: int8 in/out, full integer. PTQ: representative set = first 300 training images.
  QAT: tensorflow-model-optimization `quantize_model`, range calibration (~3000 steps at learning
  rate 0), {args.qat_epochs} epochs fine-tuning at 5e-4, then the same conversion. Shipped: **{best.upper()}**.
- Input: int8 [1,8,8,1], scale {r.in_scale:.9g}, zero point {r.in_zp} (q = round(x/scale) + zp).
  Output: int8 [1,10] softmax probabilities; labels in `{STEM}.labels.txt`.

## Accuracy on the test split ({len(y_te)} images)

{C.md_table(["model", "test accuracy", "errors", "size (bytes)"], [
    ["float (Keras)", f"{float_acc:.4f}", int(round((1 - float_acc) * len(y_te))), ""],
    ["int8 PTQ (LiteRT reference kernels)", f"{res['ptq']['acc']:.4f}",
     int(np.sum(res['ptq']['pred'] != y_te)), res["ptq"]["size"]],
    ["int8 QAT (LiteRT reference kernels)", f"{res['qat']['acc']:.4f}",
     int(np.sum(res['qat']['pred'] != y_te)), res["qat"]["size"]]])}

Per-class recall of the shipped model: {"; ".join(per_class)}. Confusion matrix:
{STEM}.confusion.png (rows true, columns predicted).

## Footprint
- File {len(blob)} bytes; MACs per inference: {macs if macs is not None else "n/a"}; tinyml arena:
  {arena if arena is not None else "n/a"} bytes (`build/tinyml info`).
- Sample inputs, 64 raw int8 bytes each, correctly classified: {"; ".join(samples)}.

## Reproduce
    pip install -r tools/train/requirements.txt
    python tools/train/train_digits.py --seed {args.seed} --epochs {args.epochs} --qat-epochs {args.qat_epochs}
(or `bash tools/train/train_all.sh`). Took {time.time() - t0:.0f} s here. Versions: {C.versions()}.
"""
    with open(out(STEM + ".md"), "w") as f:
        f.write(card)
    print(card)


if __name__ == "__main__":
    main()
