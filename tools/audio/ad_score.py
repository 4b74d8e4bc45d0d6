#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""MLPerf-style anomaly score of a WAV with LiteRT and librosa: the Python reference for
example_anomaly (examples/anomaly/main.cpp).

  ad_score.py MODEL.tflite WAV [--pad-mode reflect|constant]

Features: tools/audio/ref_features.py's mlperf_ad_logmel (librosa melspectrogram, 10 log10(x +
eps), after the same mono mix and resampling as tinyml); windows of 5 frames (640 values); each
window quantized with the input's scale and zero point (round half away from zero, as TFLite's
QUANTIZE), run with LiteRT, the output dequantized; score = mean over windows of the mean squared
error against the float window (03_tflite_test.py's scoring, over all windows of the file).
"""
import argparse
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import ref_features as rf  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("wav")
    p.add_argument("--pad-mode", default="reflect", choices=("reflect", "constant"))
    a = p.parse_args()
    from ai_edge_litert.interpreter import Interpreter
    frames = rf.mlperf_ad_logmel(rf.load_mono_16k(a.wav), a.pad_mode).astype(np.float64)
    count = frames.shape[0] - 4
    if count < 1:
        raise SystemExit(f"{a.wav}: {frames.shape[0]} frames, fewer than one 5-frame window")
    windows = np.concatenate([frames[t:t + count] for t in range(5)], axis=1)
    it = Interpreter(model_path=a.model)
    it.allocate_tensors()
    inp, out = it.get_input_details()[0], it.get_output_details()[0]
    errors = []
    for v in windows:
        if inp["dtype"] == np.int8:
            scale, zp = inp["quantization"]
            q = np.clip(np.sign(v / scale) * np.floor(np.abs(v / scale) + 0.5) + zp, -128, 127)
            it.set_tensor(inp["index"], q.astype(np.int8)[None])
        else:
            it.set_tensor(inp["index"], v.astype(np.float32)[None])
        it.invoke()
        y = it.get_tensor(out["index"])[0].astype(np.float64)
        if out["dtype"] == np.int8:
            scale, zp = out["quantization"]
            y = scale * (y - zp)
        errors.append(np.mean((y - v) ** 2))
    print(f"anomaly_score: {np.mean(errors):.6f}")
    print(f"windows: {len(errors)}")


if __name__ == "__main__":
    main()
