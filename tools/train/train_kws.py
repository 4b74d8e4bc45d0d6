#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Train tinyml's own keyword spotter on speech synthesized with espeak-ng.

Data (all generated here, deterministic from --seed):
  words     10 keywords (down go left no off on right stop up yes: the MLPerf/Speech Commands set)
            plus "unknown" (25 other words) and "silence" (noise only): 12 classes in the MLPerf
            KWS output order, so example_kws reads both models the same way.
  voices    7 espeak-ng English accents x 12 voice variants (m1..m7 male, f1..f5 female) = 84
            voices; each utterance at a random speed (120..210 wpm) and pitch (25..75).
  split     by voice, never by clip: per accent, one male and one female variant are held out
            for test and one more variant for validation (14 test, 7 validation, 63 training
            voices), so the test set measures speakers the model never heard.
  augment   every utterance is used twice (training voices: three times): random placement in
            the 1 s window, a random tempo change (sox `tempo`), sox `reverb` on half of them, and
            sox-synthesized white/pink/brown noise mixed at 5..30 dB SNR (20% without noise).
  features  the MLPerf KWS MFCCs (tf.signal, as tools/audio/ref_features.py and
            tinyml::audio::kws): 49 x 10, computed in float32.
Model: a small DS-CNN (conv 10x4/2 -> 3 x [depthwise 3x3 + pointwise] -> average pool -> FC ->
softmax), 32 channels. Trained in float (Adam, --epochs), then converted two ways:
  PTQ  full-integer post-training quantization, representative set = 500 training clips;
  QAT  quantization-aware fine-tuning (tensorflow-model-optimization) for --qat-epochs, then the
       same conversion.
Both int8 models are scored with LiteRT's reference kernels on the held-out voices; the better on
validation accuracy is shipped as examples/models/kws_espeak_int8.tflite with its card
(examples/models/kws_espeak_int8.md), confusion-matrix PNG and a demo WAV of a held-out voice.

  python tools/train/train_kws.py --seed 1            (about 15 minutes on 2 cores)
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

import numpy as np  # noqa: E402

LABELS = ["down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence",
          "unknown"]
KEYWORDS = LABELS[:10]
UNKNOWN_WORDS = ["bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "tree", "wow",
                 "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "learn", "follow", "forward", "backward", "visual"]
ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd",
           "en-029"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"]
# More espeak-ng variants, for training only (more timbre variety; not part of the voice groups).
EXTRA_VARIANTS = ["klatt", "klatt2", "klatt3", "klatt4", "Andy", "Annie", "belinda", "Denis",
                  "john", "linda", "Michael", "steph", "Storm", "travis", "shelby", "norbert",
                  "grandma", "grandpa", "aunty", "max"]
RATE = 16000


def voice_split():
    """{(accent, variant): 'train'|'val'|'test'} — deterministic, independent of the seed, so
    a retrained model is scored on the same held-out voices."""
    split = {}
    for ai, a in enumerate(ACCENTS):
        test = {VARIANTS[ai % 7], VARIANTS[7 + ai % 5]}            # one male, one female
        val = {VARIANTS[(ai + 3) % 7]}
        for v in VARIANTS:
            split[(a, v)] = "test" if v in test else "val" if v in val else "train"
    return split


def synth(job):
    """One utterance: espeak-ng -> 16 kHz float samples (trimmed of leading/trailing silence)."""
    word, accent, variant, speed, pitch = job
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        raw = os.path.join(d, "e.wav")
        subprocess.run(["espeak-ng", "-v", f"{accent}+{variant}", "-s", str(speed), "-p",
                        str(pitch), "-w", raw, word], check=True, capture_output=True)
        C.sox([raw, "-r", str(RATE), "-b", "16", "-c", "1", "s.wav", "silence", "1", "0.01",
               "0.5%", "reverse", "silence", "1", "0.01", "0.5%", "reverse"], d)
        x, _ = C.read_wav(os.path.join(d, "s.wav"))
    return x


def augment(job):
    """Places an utterance in a 1 s window with tempo/reverb (sox) and noise at a given SNR."""
    x, seed, noise_bank = job
    rng = np.random.default_rng(seed)
    effects = []
    if rng.random() < 0.7:
        effects += ["tempo", f"{rng.uniform(0.85, 1.15):.3f}"]
    if rng.random() < 0.5:  # formant/pitch variety
        effects += ["pitch", str(int(rng.integers(-300, 301)))]
    if rng.random() < 0.7:  # microphone and room colouring
        effects += ["bass", f"{rng.uniform(-12, 12):.1f}", "treble", f"{rng.uniform(-12, 12):.1f}"]
    if rng.random() < 0.5:
        effects += ["reverb", str(int(rng.integers(10, 60))), "50", str(int(rng.integers(20, 100)))]
    if effects and len(x):
        x = C.sox_effects(x, effects)
    x = x[:RATE]
    clip = np.zeros(RATE, np.float32)
    if len(x):
        start = int(rng.integers(0, RATE - len(x) + 1))
        clip[start:start + len(x)] = x * rng.uniform(0.3, 1.0)
    if noise_bank is not None and rng.random() < 0.8:
        noise = noise_bank[int(rng.integers(len(noise_bank)))]
        off = int(rng.integers(0, len(noise) - RATE))
        n = noise[off:off + RATE]
        sig = float(np.sqrt(np.mean(clip ** 2))) if len(x) else 0.05
        snr = rng.uniform(5, 30)
        n = n / (np.sqrt(np.mean(n ** 2)) + 1e-9) * sig / (10 ** (snr / 20))
        clip = clip + n
    return np.clip(clip, -1, 1).astype(np.float32)


def silence_clip(seed, noise_bank):
    """Background only: coloured noise, sometimes with mains hum and a DC offset, then a random
    microphone colouring (sox bass/treble), at a random level."""
    rng = np.random.default_rng(seed)
    noise = noise_bank[int(rng.integers(len(noise_bank)))]
    off = int(rng.integers(0, len(noise) - RATE))
    x = noise[off:off + RATE] / (np.abs(noise).max() + 1e-9)
    if rng.random() < 0.3:
        t = np.arange(RATE) / RATE
        f = 50.0 if rng.random() < 0.5 else 60.0
        x = x + rng.uniform(0.05, 1.0) * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.28))
    if rng.random() < 0.3:
        x = x + rng.uniform(-0.2, 0.2)
    if rng.random() < 0.6:
        x = C.sox_effects(x / (np.abs(x).max() + 1e-9) * 0.5,
                          ["bass", f"{rng.uniform(-12, 12):.1f}", "treble", f"{rng.uniform(-12, 12):.1f}"])
    level = 10 ** rng.uniform(-4.2, -1)  # peak from ~2 LSB of 16-bit PCM upwards
    return (x / (np.abs(x).max() + 1e-9) * level).astype(np.float32)


def silence_job(job):
    return silence_clip(*job)


def mfcc_batch(clips):
    """MLPerf KWS MFCCs of [N, 16000] clips (same TF ops as tools/audio/ref_features.py)."""
    import tensorflow as tf
    clips = np.round(np.asarray(clips) * 32767.0) / 32768.0  # as captured: 16-bit PCM
    out = []
    mel_m = tf.signal.linear_to_mel_weight_matrix(40, 257, RATE, 20.0, 4000.0)
    for i in range(0, len(clips), 256):
        x = tf.constant(clips[i:i + 256])
        x = x / tf.reduce_max(x, axis=1, keepdims=True)
        s = tf.abs(tf.signal.stft(x, frame_length=480, frame_step=320, fft_length=None,
                                  window_fn=tf.signal.hann_window))
        lm = tf.math.log(tf.tensordot(s, mel_m, 1) + 1e-6)
        out.append(tf.signal.mfccs_from_log_mel_spectrograms(lm)[..., :10].numpy())
    return np.concatenate(out).astype(np.float32)[..., None]


def build_model(keras, channels=32):
    L = keras.layers
    inp = L.Input((49, 10, 1))
    x = L.Conv2D(channels, (10, 4), strides=2, padding="same", use_bias=False)(inp)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    for _ in range(3):
        x = L.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
        x = L.Conv2D(channels, 1, use_bias=False)(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
    x = L.Dropout(0.2)(x)
    x = L.AveragePooling2D(pool_size=(25, 5))(x)
    x = L.Flatten()(x)
    x = L.Dense(len(LABELS))(x)
    out = L.Softmax()(x)
    return keras.Model(inp, out)


def make_dataset(seed, jobs_per_proc=2):
    """Returns dict split -> (clips [N,16000], labels [N], voice keys [N])."""
    rng = np.random.default_rng([seed, 1])
    split = voice_split()
    noise_bank = [C.sox_noise(c, 30) for c in ("white", "pink", "brown")]
    utter = []  # (word, label, accent, variant, speed, pitch)
    for a in ACCENTS:
        for v in VARIANTS:
            for w in KEYWORDS:
                for _ in range(2):
                    utter.append((w, LABELS.index(w), a, v, int(rng.integers(120, 211)),
                                  int(rng.integers(25, 76))))
            for w in rng.choice(UNKNOWN_WORDS, 4, replace=False):
                utter.append((str(w), LABELS.index("unknown"), a, v, int(rng.integers(120, 211)),
                              int(rng.integers(25, 76))))
        for v in EXTRA_VARIANTS:  # training only
            for w in KEYWORDS + [str(u) for u in rng.choice(UNKNOWN_WORDS, 2, replace=False)]:
                utter.append((w, LABELS.index(w) if w in KEYWORDS else LABELS.index("unknown"),
                              a, v, int(rng.integers(120, 211)), int(rng.integers(25, 76))))
    t0 = time.time()
    with ProcessPoolExecutor(2) as ex:
        waves = list(ex.map(synth, [(w, a, v, s, p) for w, _, a, v, s, p in utter], chunksize=32))
    print(f"synthesized {len(waves)} utterances in {time.time() - t0:.0f} s", flush=True)
    aug_jobs, meta = [], []
    for k, ((w, lab, a, v, s, p), x) in enumerate(zip(utter, waves)):
        part = split.get((a, v), "train")
        reps = 3 if part == "train" else 2
        for r in range(reps):
            aug_jobs.append((x, [seed, 2, k, r], noise_bank))
            meta.append((lab, a, v, part))
    with ProcessPoolExecutor(2) as ex:
        clips = list(ex.map(augment, aug_jobs, chunksize=64))
    print(f"augmented {len(clips)} clips in {time.time() - t0:.0f} s", flush=True)
    # Silence: noise-only clips, per split in proportion (~8% of the data).
    keys = sorted(split)
    n_sil = int(0.09 * len(clips))
    sil = []
    for k in range(n_sil):
        a, v = keys[int(rng.integers(len(keys)))]
        sil.append(([seed, 3, k], noise_bank))
        meta.append((LABELS.index("silence"), a, v, split[(a, v)]))
    with ProcessPoolExecutor(2) as ex:
        clips += list(ex.map(silence_job, sil, chunksize=32))
    data = {}
    for part in ("train", "val", "test"):
        idx = [i for i, m in enumerate(meta) if m[3] == part]
        data[part] = (np.stack([clips[i] for i in idx]), np.array([meta[i][0] for i in idx]),
                      [(meta[i][1], meta[i][2]) for i in idx])
    return data


def evaluate(runner, feats, labels):
    pred = np.array([int(np.argmax(runner.run(f))) for f in feats])
    return pred


def real_recordings(runner):
    """Labels the shipped model gives the real recordings in ../shared/audio (read in place,
    not part of any training data), or [] where that folder is absent."""
    folder = os.path.join(C.ROOT, "..", "shared", "audio")
    sys.path.insert(0, os.path.join(C.ROOT, "tools", "audio"))
    import ref_features as R
    rows = []
    for name, truth in (("yes_1000ms.wav", "yes"), ("no_1000ms.wav", "no"),
                        ("marvin_617de221_0.wav", "unknown"), ("silence_1000ms.wav", "silence"),
                        ("noise_1000ms.wav", "silence")):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        probs = runner.run(R.mlperf_kws_mfcc(R.load_mono_16k(path))[..., None])
        k = int(np.argmax(probs))
        rows.append([name, truth, LABELS[k], f"{probs[k]:.4f}"])
    return rows


def kws_rates(pred, labels):
    """False-reject rate: keyword clips not labelled with their keyword. False-accept rate:
    silence/unknown clips labelled as some keyword."""
    kw = labels < 10
    frr = float(np.mean(pred[kw] != labels[kw]))
    far = float(np.mean(pred[~kw] < 10))
    return frr, far


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--qat-epochs", type=int, default=6)
    ap.add_argument("--out", default=os.path.join(C.ROOT, "examples", "models"))
    ap.add_argument("--cache", default="/tmp/tinyml_kws_data.npz",
                    help="dataset cache (rebuilt when missing or made with another seed)")
    args = ap.parse_args()
    t_start = time.time()
    tf = C.tf_setup(args.seed)
    import tf_keras as keras

    if os.path.exists(args.cache) and int(np.load(args.cache)["seed"]) == args.seed:
        z = np.load(args.cache, allow_pickle=True)
        data = {p: (z[p + "_x"], z[p + "_y"], [tuple(v) for v in z[p + "_v"]])
                for p in ("train", "val", "test")}
        print("dataset from cache", args.cache)
    else:
        data = make_dataset(args.seed)
        np.savez(args.cache, seed=args.seed,
                 **{p + "_x": data[p][0] for p in data}, **{p + "_y": data[p][1] for p in data},
                 **{p + "_v": np.array(data[p][2]) for p in data})
    feats = {p: mfcc_batch(data[p][0]) for p in data}
    ys = {p: data[p][1] for p in data}
    for p in data:
        print(p, feats[p].shape, np.bincount(ys[p], minlength=12).tolist())

    C.tf_setup(args.seed)
    model = build_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    sched = keras.callbacks.LearningRateScheduler(
        lambda e: 2e-3 if e < args.epochs * 0.6 else 5e-4 if e < args.epochs * 0.85 else 1e-4)
    model.fit(feats["train"], ys["train"], validation_data=(feats["val"], ys["val"]),
              epochs=args.epochs, batch_size=64, verbose=2, callbacks=[sched], shuffle=True)
    float_acc = {p: float(model.evaluate(feats[p], ys[p], verbose=0)[1]) for p in ("val", "test")}
    print("float", float_acc, flush=True)

    rep = feats["train"][np.random.default_rng([args.seed, 4]).choice(len(feats["train"]), 500,
                                                                        replace=False)]
    ptq = C.convert_int8(model, rep)
    qat_model = C.quantize_aware(model, feats["train"], ys["train"], args.qat_epochs, 2e-4, 64,
                                 "sparse_categorical_crossentropy", args.seed)
    qat = C.convert_int8(qat_model, rep)

    results = {}
    for name, blob in (("ptq", ptq), ("qat", qat)):
        r = C.Int8Runner(blob)
        res = {"ops": r.ops(), "size": len(blob)}
        for p in ("val", "test"):
            pred = evaluate(r, feats[p], ys[p])
            res[p + "_acc"] = float(np.mean(pred == ys[p]))
            res[p + "_pred"] = pred
        results[name] = res
        print(name, res["val_acc"], res["test_acc"], res["ops"], flush=True)
    best = "qat" if results["qat"]["val_acc"] > results["ptq"]["val_acc"] else "ptq"
    blob = ptq if best == "ptq" else qat
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, "kws_espeak_int8")
    with open(stem + ".tflite", "wb") as f:
        f.write(blob)
    with open(stem + ".labels.txt", "w") as f:
        f.write("\n".join(LABELS) + "\n")
    r = C.Int8Runner(blob)
    pred, y = results[best]["test_pred"], ys["test"]
    cm = np.zeros((12, 12), int)
    for t, p_ in zip(y, pred):
        cm[t, p_] += 1
    C.confusion_png(cm, LABELS, f"kws_espeak_int8 ({best.upper()}), held-out voices",
                    stem + ".confusion.png")
    frr, far = kws_rates(pred, y)
    rates = {n: kws_rates(results[n]["test_pred"], y) for n in ("ptq", "qat")}
    # Accuracy per voice group (accent, and male/female variant) on the test voices.
    voices = data["test"][2]
    groups = {}
    for (a, v), t, p_ in zip(voices, y, pred):
        for g in (a, "male" if v.startswith("m") else "female"):
            groups.setdefault(g, []).append(t == p_)
    # Demo WAV: a held-out voice saying "yes", 1 s, light noise — kept only if the model gets it.
    split = voice_split()
    test_voices = sorted(k for k, s in split.items() if s == "test")
    demo = None
    for a, v in test_voices:
        x = synth(("yes", a, v, 160, 50))
        clip = np.zeros(RATE, np.float32)
        start = (RATE - min(len(x), RATE)) // 2
        clip[start:start + min(len(x), RATE)] = x[:RATE] * 0.8
        f = mfcc_batch(clip[None])[0]
        probs = r.run(f)
        if int(np.argmax(probs)) == LABELS.index("yes"):
            demo = (a, v, clip, float(probs.max()))
            break
    if demo:
        C.write_wav(os.path.join(args.out, "yes_espeak.wav"), demo[2])
    arena, macs = C.tinyml_info(stem + ".tflite")
    card = f"""# kws_espeak_int8

tinyml's own keyword spotter: 12 classes ({", ".join(LABELS)}; the MLPerf Tiny KWS order) on the
MLPerf KWS features (49 x 10 MFCC; `tinyml::audio` computes them on device). Trained only on
speech synthesized with espeak-ng, so it is a demonstration model: it knows 84 synthetic voices,
not the variety of real speakers.

- Data: espeak-ng, {len(ACCENTS)} English accents ({", ".join(ACCENTS)}) x {len(VARIANTS)} voice
  variants ({", ".join(VARIANTS)}); 2 utterances per keyword and voice, 4 "unknown" words per voice
  (from {len(UNKNOWN_WORDS)}), random speed 120..210 wpm and pitch 25..75; each utterance placed at a
  random offset in 1 s; sox `tempo` 0.85..1.15, `pitch` +-300 cents, `bass`/`treble` +-12 dB and
  `reverb` on part of them; white/pink/brown noise (sox `synth`) at 5..30 dB SNR; "silence" =
  background only (noise, sometimes mains hum or a DC offset, random colouring, peak level down
  to 2 LSB). Every clip is rounded to 16-bit PCM before the features, as a WAV would be. See tools/train/train_kws.py.
- Split by voice (speakers never heard in training): train {len(ys["train"])} clips (63 voices, plus
  {len(EXTRA_VARIANTS)} more espeak-ng variants per accent used only for training: {", ".join(EXTRA_VARIANTS)}),
  validation {len(ys["val"])} (7 voices), test {len(ys["test"])} (14 voices: per accent one male and
  one female variant).
- Model: DS-CNN, conv 10x4 stride 2 (32 ch) -> 3 x (depthwise 3x3 + pointwise 32) -> average
  pool -> fully connected 12 -> softmax. Ops: {", ".join(results[best]["ops"])}.
- Quantization: int8 in/out, full integer. PTQ: representative set = 500 training clips. QAT:
  tensorflow-model-optimization `quantize_model`, range calibration (~3000 steps at learning rate
  0), {args.qat_epochs} epochs fine-tuning at 2e-4, then the same conversion.
- Shipped: **{best.upper()}** (QAT only if strictly better on validation accuracy, else PTQ).
- Input: int8 [1,49,10,1], scale {r.in_scale:.6g}, zero point {r.in_zp}. Output: int8 [1,12]
  softmax, scale {r.out_scale:.6g}, zero point {r.out_zp}. Labels: kws_espeak_int8.labels.txt.

## Accuracy on held-out voices (test set, {len(ys["test"])} clips)

{C.md_table(["model", "validation accuracy", "test accuracy", "false-reject rate", "false-accept rate"], [
    ["float (Keras)", f"{float_acc['val']:.4f}", f"{float_acc['test']:.4f}", "", ""],
    ["int8 PTQ (LiteRT reference kernels)", f"{results['ptq']['val_acc']:.4f}",
     f"{results['ptq']['test_acc']:.4f}", f"{rates['ptq'][0]:.4f}", f"{rates['ptq'][1]:.4f}"],
    ["int8 QAT (LiteRT reference kernels)", f"{results['qat']['val_acc']:.4f}",
     f"{results['qat']['test_acc']:.4f}", f"{rates['qat'][0]:.4f}", f"{rates['qat'][1]:.4f}"]])}

False-reject rate: keyword clips not labelled with their keyword. False-accept rate:
"silence"/"unknown" clips labelled as a keyword. Confusion matrix of the shipped model:
kws_espeak_int8.confusion.png.

Accuracy of the shipped model per voice group (test voices):

{C.md_table(["group", "clips", "accuracy"], [[g, len(v), f"{np.mean(v):.4f}"] for g, v in sorted(groups.items())])}

## Real recordings
Synthetic voices are not real speakers. On the real recordings of `../shared/audio` (not used in
training; LiteRT reference kernels on the Python features):

{C.md_table(["recording", "expected", "model says", "score"], real_recordings(r)) if real_recordings(r) else "(../shared/audio absent when the card was made)"}

## Footprint
- File: {len(blob)} bytes; MACs per inference: {macs if macs is not None else "n/a (build/tinyml missing)"};
  tinyml arena: {arena if arena is not None else "n/a"} bytes (`build/tinyml info`).
- Demo clip: yes_espeak.wav ({demo[0] + "+" + demo[1] if demo else "none"}, a held-out voice;
  model score {demo[3]:.4f} for "yes").

## Reproduce
    pip install -r tools/train/requirements.txt
    python tools/train/train_kws.py --seed {args.seed} --epochs {args.epochs} --qat-epochs {args.qat_epochs}
(or `bash tools/train/train_all.sh`). Took {time.time() - t_start:.0f} s here. Versions: {C.versions()}.
""" if demo else None
    if card is None:
        raise SystemExit("no held-out voice's 'yes' was recognized; not writing the card")
    with open(stem + ".md", "w") as f:
        f.write(card)
    with open(stem + ".results.json", "w") as f:
        json.dump({k: {kk: vv for kk, vv in v.items() if not kk.endswith("_pred")}
                   for k, v in results.items()} | {"float": float_acc}, f, indent=1)
    print(card)


if __name__ == "__main__":
    main()
