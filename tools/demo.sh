#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's demo: set up, build, then spot the keyword in a shipped 1 s recording with the
# keyword spotter this project trains and ships (examples/models/kws_espeak_int8.tflite, see its
# model card): WAV -> MLPerf KWS MFCCs (tinyml::audio) -> int8 DS-CNN -> label, score, latency
# and arena bytes. Then the same for a handwritten digit (examples/models/digits_cnn_int8.tflite).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/setup.sh" "$root/build" >/dev/null
m=$root/examples/models
echo "== example_kws: examples/models/yes_espeak.wav (a voice the model never heard in training) =="
"$root/build/example_kws" --model "$m/kws_espeak_int8.tflite" --wav "$m/yes_espeak.wav"
echo "== tinyml info examples/models/kws_espeak_int8.tflite (summary) =="
"$root/build/tinyml" info "$m/kws_espeak_int8.tflite" | grep -E '^(input|output|ops|total_macs|arch|arena_bytes)'
echo "== example_classify: a held-out handwritten '7' =="
"$root/build/example_classify" "$m/digits_cnn_int8.tflite" "$m/digit_7.bin" "$m/digits_cnn_int8.labels.txt"
