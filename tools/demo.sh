#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's demo: set up, build, then classify a handwritten digit with the model this project
# trains and ships (examples/models/digits_cnn_int8.tflite, see its model card).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/setup.sh" "$root/build" >/dev/null
m=$root/examples/models
echo "== tinyml info (model summary) =="
"$root/build/tinyml" info "$m/digits_cnn_int8.tflite"
for d in 0 3 7; do
  echo "== example_classify on a held-out '$d' =="
  "$root/build/example_classify" "$m/digits_cnn_int8.tflite" "$m/digit_$d.bin" "$m/digits_cnn_int8.labels.txt"
done
