#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Train tinyml's own anomaly detector on synthetic machine sounds.

Data (all generated here, deterministic from --seed): four "machines" (ids 0..3), each a motor
with its own rotation frequency (40..70 Hz), a harmonic series with its own spectral tilt, a gear
mesh tone, slow wow and amplitude flutter, and background noise synthesized by sox (`synth
pinknoise`/`brownnoise`), recorded as 4 s clips at 16 kHz. Normal clips vary the speed (+-3%),
loudness and noise level. Anomalous clips (test only, never seen in training) add one fault:
  bearing   periodic impulses at a non-harmonic rate exciting a 2.5..5 kHz resonance;
  imbalance strong amplitude modulation at the rotation rate and a raised first harmonic;
  rub       bursts of high-passed noise once per revolution;
  whine     an extra tone between the harmonics (1.2..3 kHz).
Features: the MLPerf Tiny AD preset, librosa.feature.melspectrogram(n_fft=1024, hop_length=512,
n_mels=128, power=2, center=True, pad_mode="reflect") (Slaney mel; reflect padding as the
librosa 0.6 that MLPerf pins, and as example_anomaly's default), then
10*log10(mel + float epsilon), 5 consecutive frames stacked into 640-value vectors (as
tinyml::audio and example_anomaly compute them).
Model: fully connected autoencoder 640-64-64-8-64-64-640 with ReLU (the MLPerf ad01 shape,
narrower), trained on normal clips only (MSE). Anomaly score of a clip = mean over its 5-frame
windows of the mean squared reconstruction error (MLPerf's scoring). Converted by full-integer
PTQ and by quantization-aware training; both scored with LiteRT's reference kernels on held-out
clips by ROC AUC. The better (validation AUC) is shipped as
examples/models/ad_synth_int8.tflite with its card, ROC PNG and two demo WAVs.

  python tools/train/train_ad.py --seed 1
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

import numpy as np  # noqa: E402

RATE = 16000
SECONDS = 4
FAULTS = ["bearing", "imbalance", "rub", "whine"]


def machine(mid):
    r = np.random.default_rng([7, mid])  # the machines themselves are fixed
    return dict(f0=40 + 10 * mid + r.uniform(0, 5), tilt=r.uniform(0.6, 0.9),
                nh=int(r.integers(12, 30)), mesh=int(r.integers(9, 23)),
                noise="pink" if mid % 2 == 0 else "brown", hum=r.uniform(0.3, 0.6))


def clip(mid, rng, noise_bank, fault=None):
    m = machine(mid)
    n = RATE * SECONDS
    t = np.arange(n) / RATE
    f0 = m["f0"] * rng.uniform(0.97, 1.03)
    wow = 1 + 0.004 * np.sin(2 * np.pi * rng.uniform(0.2, 0.8) * t + rng.uniform(0, 6.28))
    phase = 2 * np.pi * np.cumsum(f0 * wow) / RATE
    x = np.zeros(n)
    for h in range(1, m["nh"] + 1):
        amp = m["tilt"] ** h * (1.8 if (fault == "imbalance" and h == 1) else 1.0)
        x += amp * np.sin(h * phase + rng.uniform(0, 6.28))
    x += 0.25 * np.sin(m["mesh"] * phase) * (1 + 0.3 * np.sin(phase))
    x *= 1 + 0.05 * np.sin(phase / 7)
    if fault == "imbalance":
        x *= 1 + 0.6 * np.sin(phase + rng.uniform(0, 6.28))
    if fault == "bearing":
        rate = f0 * rng.uniform(3.1, 5.3)
        fres = rng.uniform(2500, 5000)
        k = np.arange(0, 0.03, 1 / RATE)
        ring = np.exp(-k * rng.uniform(300, 800)) * np.sin(2 * np.pi * fres * k)
        imp = np.zeros(n)
        imp[(np.arange(0, SECONDS, 1 / rate) * RATE).astype(int)] = rng.uniform(0.8, 1.5)
        x += np.convolve(imp, ring)[:n] * rng.uniform(0.4, 1.0)
    if fault == "whine":
        x += rng.uniform(0.05, 0.15) * np.sin(2 * np.pi * rng.uniform(1200, 3000) * t)
    noise = noise_bank[m["noise"]]
    off = int(rng.integers(0, len(noise) - n))
    bg = noise[off:off + n] / (np.std(noise) + 1e-9)
    x = x / np.std(x) + bg * m["hum"] * rng.uniform(0.7, 1.3)
    if fault == "rub":
        w = noise_bank["white"][off:off + n] / np.std(noise_bank["white"])
        w = np.diff(w, prepend=0)  # high-passed
        gate = (np.sin(phase + rng.uniform(0, 6.28)) > 0.85).astype(float)
        x += w * gate * rng.uniform(0.4, 0.9)
    x = x / np.abs(x).max() * rng.uniform(0.2, 0.8)
    return x.astype(np.float32)


def features(x):
    """[frames - 4, 640]: MLPerf AD log-mel vectors of one clip (see module doc)."""
    import librosa
    mel = librosa.feature.melspectrogram(y=x, sr=RATE, n_fft=1024, hop_length=512, n_mels=128,
                                         power=2.0, center=True, pad_mode="reflect")
    logmel = 10.0 * np.log10(mel + sys.float_info.epsilon)  # 20/power * log10
    frames = logmel.shape[1] - 5 + 1
    return np.stack([logmel[:, t:t + 5].T.reshape(-1) for t in range(frames)]).astype(np.float32)


def build_model(keras):
    L = keras.layers
    inp = L.Input((640,))
    x = inp
    for width in (64, 64, 8, 64, 64):
        x = L.Dense(width, activation="relu")(x)
    out = L.Dense(640)(x)
    return keras.Model(inp, out)


def auc(scores_normal, scores_anom):
    """ROC AUC = P(score_anom > score_normal) (ties count half), and the ROC curve."""
    s = np.concatenate([scores_normal, scores_anom])
    y = np.concatenate([np.zeros(len(scores_normal)), np.ones(len(scores_anom))])
    order = np.argsort(-s, kind="stable")
    tpr = np.concatenate([[0], np.cumsum(y[order]) / y.sum()])
    fpr = np.concatenate([[0], np.cumsum(1 - y[order]) / (1 - y).sum()])
    a = np.mean([(sa > scores_normal).mean() + 0.5 * (sa == scores_normal).mean()
                 for sa in scores_anom])
    return float(a), fpr, tpr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--qat-epochs", type=int, default=10)
    ap.add_argument("--out", default=os.path.join(C.ROOT, "examples", "models"))
    args = ap.parse_args()
    t_start = time.time()
    tf = C.tf_setup(args.seed)
    import tf_keras as keras

    rng = np.random.default_rng([args.seed, 1])
    noise_bank = {c: C.sox_noise(c, 40) for c in ("white", "pink", "brown")}
    train_clips = [clip(mid, rng, noise_bank) for mid in range(4) for _ in range(40)]
    val = [(clip(mid, rng, noise_bank), 0) for mid in range(4) for _ in range(8)] + \
          [(clip(mid, rng, noise_bank, FAULTS[k % 4]), 1) for mid in range(4) for k in range(8)]
    test = [(clip(mid, rng, noise_bank), 0, mid, None) for mid in range(4) for _ in range(25)] + \
           [(clip(mid, rng, noise_bank, f), 1, mid, f) for mid in range(4) for f in FAULTS
            for _ in range(6)]
    xtr = np.concatenate([features(c) for c in train_clips])
    print("train vectors", xtr.shape, f"{time.time() - t_start:.0f} s", flush=True)

    C.tf_setup(args.seed)
    model = build_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    model.fit(xtr, xtr, epochs=args.epochs, batch_size=256, verbose=2, shuffle=True)

    def float_score(c):
        f = features(c)
        return float(np.mean((model.predict(f, verbose=0) - f) ** 2))

    def int8_score(runner, c):
        f = features(c)
        return float(np.mean([np.mean((runner.run(v) - v) ** 2) for v in f]))

    rep = xtr[np.random.default_rng([args.seed, 4]).choice(len(xtr), 500, replace=False)]
    ptq = C.convert_int8(model, rep)
    qat_model = C.quantize_aware(model, xtr, xtr, args.qat_epochs, 1e-4, 256, "mse", args.seed)
    qat = C.convert_int8(qat_model, rep)

    def score_set(fn, items):
        n = np.array([fn(it[0]) for it in items if it[1] == 0])
        a = np.array([fn(it[0]) for it in items if it[1] == 1])
        return n, a

    res = {}
    vn, va = score_set(float_score, val)
    tn, ta = score_set(float_score, test)
    res["float"] = dict(val_auc=auc(vn, va)[0], test_auc=auc(tn, ta)[0])
    curves = {"float": auc(tn, ta)}
    per_fault = {}
    for name, blob in (("ptq", ptq), ("qat", qat)):
        r = C.Int8Runner(blob)
        vn, va = score_set(lambda c: int8_score(r, c), val)
        scores = [int8_score(r, it[0]) for it in test]
        tn = np.array([s for s, it in zip(scores, test) if it[1] == 0])
        ta = np.array([s for s, it in zip(scores, test) if it[1] == 1])
        curves[name] = auc(tn, ta)
        res[name] = dict(val_auc=auc(vn, va)[0], test_auc=curves[name][0], ops=r.ops(),
                         size=len(blob), normal_mean=float(tn.mean()), anomaly_mean=float(ta.mean()),
                         threshold=float(np.percentile(tn, 90)))
        res[name]["detected_at_threshold"] = float(np.mean(ta > res[name]["threshold"]))
        per_fault[name] = {f: auc(tn, np.array([s for s, it in zip(scores, test) if it[3] == f]))[0]
                           for f in FAULTS}
        print(name, res[name], per_fault[name], flush=True)
    best = "qat" if res["qat"]["val_auc"] > res["ptq"]["val_auc"] else "ptq"
    blob = ptq if best == "ptq" else qat
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, "ad_synth_int8")
    with open(stem + ".tflite", "wb") as f:
        f.write(blob)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    for name in ("float", "ptq", "qat"):
        a, fpr, tpr = curves[name]
        ax.plot(fpr, tpr, label=f"{name} (AUC {a:.3f})")
    ax.plot([0, 1], [0, 1], "k:", lw=0.8)
    ax.set_xlabel("false-positive rate")
    ax.set_ylabel("true-positive rate")
    ax.set_title("ad_synth_int8: ROC on held-out clips")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(stem + ".roc.png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    # Demo WAVs: fresh draws (in no set) of machine 0, normal and with a rubbing fault: the first
    # normal clip scoring below the threshold and the first faulty one scoring above it.
    r = C.Int8Runner(blob)
    drng = np.random.default_rng([args.seed, 9])
    thr = res[best]["threshold"]
    demo = {}
    for _ in range(20):
        if "normal" not in demo:
            c = clip(0, drng, noise_bank)
            if int8_score(r, c) < thr:
                demo["normal"] = c
        if "rub" not in demo:
            c = clip(0, drng, noise_bank, "rub")
            if int8_score(r, c) > thr:
                demo["rub"] = c
    for kind, c in demo.items():
        C.write_wav(os.path.join(args.out, f"machine_{kind}.wav"), c)
    arena, macs = C.tinyml_info(stem + ".tflite")
    b = res[best]
    card = f"""# ad_synth_int8

tinyml's own anomaly detector: a fully connected autoencoder on the MLPerf Tiny AD features
(5 frames x 128 log-mel bins = 640 values; `tinyml::audio` computes them), trained on synthetic
machine sounds. A demonstration model: it knows four synthetic motors, not real machines.

- Data: 4 synthetic machines (motor harmonics, gear mesh, wow and flutter, sox pink/brown noise
  background), 4 s clips at 16 kHz; training: 160 normal clips (40 per machine, {len(xtr)} vectors);
  validation: 32 normal + 32 anomalous; test: 100 normal + 96 anomalous clips (6 per machine and
  fault: {", ".join(FAULTS)}). Anomalies never appear in training. See tools/train/train_ad.py.
- Features: librosa {__import__("librosa").__version__} melspectrogram (n_fft 1024, hop 512, 128 Slaney mel
  bins, power 2, centred frames with reflect padding as MLPerf's librosa 0.6 and `example_anomaly`),
  10*log10(x + eps), 5 frames stacked.
- Model: 640-64-64-8-64-64-640 FULLY_CONNECTED (ReLU), MSE on normal data only.
  Ops: {", ".join(b["ops"])}. Shipped: **{best.upper()}** (QAT only if strictly better on validation AUC, else PTQ).
- Quantization: int8 in/out, full integer. PTQ: representative set = 500 training vectors. QAT:
  tensorflow-model-optimization `quantize_model`, range calibration (~3000 steps at learning rate
  0), {args.qat_epochs} epochs fine-tuning at 1e-4, then the same conversion.
- Input: int8 [1,640], scale {r.in_scale:.6g}, zero point {r.in_zp}; output int8 [1,640], scale
  {r.out_scale:.6g}, zero point {r.out_zp}.
- Score: mean over 5-frame windows of the mean squared reconstruction error (dequantized
  output vs float features), as `example_anomaly` prints it.

## Detection on held-out clips (ROC AUC; anomaly = positive)

{C.md_table(["model", "validation AUC", "test AUC"] + [f"test AUC {f}" for f in FAULTS], [
    ["float (Keras)", f"{res['float']['val_auc']:.4f}", f"{res['float']['test_auc']:.4f}"] + [""] * 4,
    ["int8 PTQ (LiteRT reference)", f"{res['ptq']['val_auc']:.4f}", f"{res['ptq']['test_auc']:.4f}"]
    + [f"{per_fault['ptq'][f]:.4f}" for f in FAULTS],
    ["int8 QAT (LiteRT reference)", f"{res['qat']['val_auc']:.4f}", f"{res['qat']['test_auc']:.4f}"]
    + [f"{per_fault['qat'][f]:.4f}" for f in FAULTS]])}

ROC curves: ad_synth_int8.roc.png. Shipped model, test clips: mean score normal {b['normal_mean']:.2f},
anomalous {b['anomaly_mean']:.2f}; a threshold of {b['threshold']:.2f} (90th percentile of the normal
test scores) flags 10% of normal clips (false positives) and detects
{100 * b['detected_at_threshold']:.1f}% of the anomalous ones.

## Footprint
- File: {len(blob)} bytes; MACs per inference: {macs if macs is not None else "n/a"}; tinyml arena:
  {arena if arena is not None else "n/a"} bytes (`build/tinyml info`).
- Demo clips (machine 0, fresh draws): machine_normal.wav (scores below the threshold) and
  machine_rub.wav (a rubbing fault, scores above it): `example_anomaly --model
  examples/models/ad_synth_int8.tflite --wav examples/models/machine_rub.wav --threshold {thr:.2f}`.

## Reproduce
    pip install -r tools/train/requirements.txt
    python tools/train/train_ad.py --seed {args.seed} --epochs {args.epochs} --qat-epochs {args.qat_epochs}
(or `bash tools/train/train_all.sh`). Took {time.time() - t_start:.0f} s here. Versions: {C.versions()}.
"""
    with open(stem + ".md", "w") as f:
        f.write(card)
    with open(stem + ".results.json", "w") as f:
        json.dump({"results": res, "per_fault": per_fault}, f, indent=1)
    print(card)
    del tf


if __name__ == "__main__":
    main()
