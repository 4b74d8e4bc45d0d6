#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The examples' command-line contract (issue #6): output lines, exit codes, one-line errors.
# Usage: test_examples.sh BUILD_DIR SOURCE_DIR SHARED_DIR   (exit 77 without ../shared, unless CI=true)
set -u
bin=$1; src=$2; shared=$3
if [ ! -f "$shared/models/vww_96_int8.tflite" ]; then
  [ "${CI:-}" = "true" ] && { echo "FAIL: shared models missing"; exit 1; }
  echo "SKIP: shared models not found at $shared"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok: $1"; else fail=$((fail+1)); echo "FAIL: $1"; fi; }
m=$shared/models

# A 2x2 RGB image in three containers (PPM, BMP bottom-up 24-bit, and its grey PGM).
printf 'P6\n2 2\n255\n\xff\x00\x00\x00\xff\x00\x00\x00\xff\x80\x80\x80' >"$tmp/a.ppm"
{ printf 'BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x18\x00\x00\x00\x00\x00\x10\x00\x00\x00\x13\x0b\x00\x00\x13\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
  printf '\xff\x00\x00\x80\x80\x80\x00\x00'   # bottom row: blue, grey (BGR) + padding
  printf '\x00\x00\xff\x00\xff\x00\x00\x00'; } >"$tmp/a.bmp"   # top row: red, green
printf 'P5\n2 2\n255\n\x10\x80\xf0\x40' >"$tmp/a.pgm"
for f in a.ppm a.bmp a.pgm; do
  "$bin/example_vww" --model "$m/vww_96_int8.tflite" --image "$tmp/$f" >"$tmp/$f.out"; rc=$?
  check "example_vww on $f exits 0" "[ $rc -eq 0 ]"
  check "example_vww on $f prints person_score in [0,1]" "grep -Eq '^person_score: (0\.[0-9]+|1\.0+)$' $tmp/$f.out"
done
check "PPM and BMP of the same pixels score the same" "[ \"\$(head -1 $tmp/a.ppm.out)\" = \"\$(head -1 $tmp/a.bmp.out)\" ]"
printf 'JUNK' >"$tmp/bad.img"
"$bin/example_vww" --model "$m/vww_96_int8.tflite" --image "$tmp/bad.img" 2>"$tmp/err"; rc=$?
check "example_vww refuses a non-image with one line" "[ $rc -ne 0 ] && [ \$(wc -l < $tmp/err) -eq 1 ]"
"$bin/example_vww" --model "$m/ad01_int8.tflite" --image "$tmp/a.ppm" 2>"$tmp/err2"; rc=$?
check "example_vww refuses a model whose input is not an image" "[ $rc -ne 0 ] && [ \$(wc -l < $tmp/err2) -eq 1 ]"

"$bin/example_hello_world" --model "$m/hello_world_int8.tflite" >"$tmp/hw.out"; rc=$?
check "example_hello_world exits 0" "[ $rc -eq 0 ]"
check "example_hello_world tracks sin(x) within 0.15 at 8 points" \
  "awk '{d=\$4-\$6; if (d<0) d=-d; if (d>0.15) bad=1; n++} END {exit (bad || n!=8)}' $tmp/hw.out"

"$bin/example_kws" --model "$m/kws_dscnn_int8.tflite" --wav "$shared/audio/yes_1000ms.wav" >"$tmp/k1"; rc=$?
check "example_kws: yes_1000ms.wav is 'yes'" "[ $rc -eq 0 ] && grep -q '^label: yes score: ' $tmp/k1"
"$bin/example_kws" --model "$m/kws_dscnn_int8.tflite" --wav "$shared/audio/silence_1000ms.wav" >"$tmp/k2"; rc=$?
check "example_kws: silence_1000ms.wav is 'silence'" "[ $rc -eq 0 ] && grep -q '^label: silence score: ' $tmp/k2"
"$bin/example_kws" --model "$m/kws_dscnn_int8.tflite" --wav "$shared/audio/marvin_617de221_0.wav" >"$tmp/k3"; rc=$?
check "example_kws handles the stereo clip" "[ $rc -eq 0 ] && grep -Eq '^label: [a-z]+ score: ' $tmp/k3"
"$bin/example_kws" --model "$m/kws_dscnn_int8.tflite" --wav "$tmp/a.ppm" 2>"$tmp/err3"; rc=$?
check "example_kws refuses a non-WAV with one line" "[ $rc -ne 0 ] && [ \$(wc -l < $tmp/err3) -eq 1 ]"

# example_anomaly on the committed clips (tests/data/audio): a stationary machine-like hum, white
# noise, speech, and a stereo 44.1 kHz clip. Scores are the MLPerf mean squared reconstruction
# error (dB^2); the ToyCar model scores its own normal sounds ~10-12.
ad=$m/ad01_int8.tflite; au=$src/tests/data/audio
score() { sed -n 's/^anomaly_score: //p' "$1"; }
"$bin/example_anomaly" --model "$ad" --wav "$au/ad_hum_16k.wav" >"$tmp/a1"; rc=$?
check "example_anomaly exits 0 and prints anomaly_score first" "[ $rc -eq 0 ] && head -1 $tmp/a1 | grep -Eq '^anomaly_score: [0-9]+\.[0-9]+$'"
check "example_anomaly prints no decision without --threshold" "! grep -q '^decision:' $tmp/a1"
check "example_anomaly scores all 59 windows of the 2 s hum" "grep -q '^windows: 59$' $tmp/a1"
"$bin/example_anomaly" --model "$ad" --wav "$au/ad_white_16k.wav" >"$tmp/a2"; rc2=$?
"$bin/example_anomaly" --model "$ad" --wav "$au/ad_speech_16k.wav" >"$tmp/a3"; rc3=$?
hum=$(score $tmp/a1); white=$(score $tmp/a2); speech=$(score $tmp/a3)
echo "   anomaly scores: hum $hum, white noise $white, speech $speech"
check "example_anomaly: white noise scores over 1.5x the stationary hum" "[ $rc2 -eq 0 ] && awk -v a=$hum -v b=$white 'BEGIN {exit !(a > 0 && b > 1.5 * a)}'"
check "example_anomaly: speech scores over 1.5x the stationary hum" "[ $rc3 -eq 0 ] && awk -v a=$hum -v b=$speech 'BEGIN {exit !(a > 0 && b > 1.5 * a)}'"
mid=$(awk -v a=$hum -v b=$white 'BEGIN {print (a + b) / 2}')
"$bin/example_anomaly" --model "$ad" --wav "$au/ad_hum_16k.wav" --threshold "$mid" >"$tmp/a4"; rc=$?
check "example_anomaly --threshold above the hum's score: decision normal" "[ $rc -eq 0 ] && grep -q '^decision: normal$' $tmp/a4"
"$bin/example_anomaly" --model "$ad" --wav "$au/ad_white_16k.wav" --threshold "$mid" >"$tmp/a5"; rc=$?
check "example_anomaly --threshold below white noise's score: decision anomaly" "[ $rc -eq 0 ] && grep -q '^decision: anomaly$' $tmp/a5"
"$bin/example_anomaly" --model "$ad" --wav "$au/ad_hum_16k.wav" --frontend fixed >"$tmp/a6"; rc=$?
check "example_anomaly --frontend fixed (integer features) scores within 0.1% of float" \
  "[ $rc -eq 0 ] && awk -v a=$hum -v b=$(score $tmp/a6) 'BEGIN {d = a - b; if (d < 0) d = -d; exit !(d <= 1e-3 * a)}'"
"$bin/example_anomaly" --model "$ad" --wav "$au/stereo_go_44k.wav" >"$tmp/a7"; rc=$?
check "example_anomaly handles a stereo 44.1 kHz WAV" "[ $rc -eq 0 ] && grep -Eq '^anomaly_score: [0-9]+\.[0-9]+$' $tmp/a7"
"$bin/example_anomaly" --model "$ad" --wav "$tmp/a.ppm" 2>"$tmp/e1"; rc=$?
check "example_anomaly refuses a non-WAV with one line" "[ $rc -ne 0 ] && [ \$(wc -l < $tmp/e1) -eq 1 ]"
"$bin/example_anomaly" --model "$m/kws_dscnn_int8.tflite" --wav "$au/ad_hum_16k.wav" 2>"$tmp/e2"; rc=$?
check "example_anomaly refuses a model whose input is not [1,640]" "[ $rc -ne 0 ] && [ \$(wc -l < $tmp/e2) -eq 1 ] && grep -q '1,640' $tmp/e2"
{ printf 'RIFF\x44\x01\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data\x20\x01\x00\x00'
  head -c 288 /dev/zero; } >"$tmp/short.wav"   # 144 samples: fewer than one 5-frame window
"$bin/example_anomaly" --model "$ad" --wav "$tmp/short.wav" 2>"$tmp/e3"; rc=$?
check "example_anomaly refuses a WAV shorter than one window with one line" "[ $rc -ne 0 ] && [ \$(wc -l < $tmp/e3) -eq 1 ]"
"$bin/example_anomaly" --model "$ad" --wav "$au/ad_hum_16k.wav" --threshold x 2>"$tmp/e4"; rc=$?
check "example_anomaly refuses a non-numeric threshold" "[ $rc -ne 0 ] && [ \$(wc -l < $tmp/e4) -eq 1 ]"

# The models this project trains and ships (examples/models, see their cards), on the shipped
# demo clips: the README demo's keyword, and the anomaly card's two clips on either side of its
# threshold.
em=$src/examples/models
"$bin/example_kws" --model "$em/kws_espeak_int8.tflite" --wav "$em/yes_espeak.wav" >"$tmp/o1"; rc=$?
check "example_kws, our model: yes_espeak.wav is 'yes' (labels from the .labels.txt beside it)" \
  "[ $rc -eq 0 ] && grep -q '^label: yes score: 0\.9' $tmp/o1 && grep -q '^arena_bytes: ' $tmp/o1 && grep -q '^latency_us: ' $tmp/o1"
thr=$(sed -n 's/.*--threshold \([0-9.]*\)`.*/\1/p' "$em/ad_synth_int8.md" | head -1)
"$bin/example_anomaly" --model "$em/ad_synth_int8.tflite" --wav "$em/machine_normal.wav" --threshold "$thr" >"$tmp/o2"; rc=$?
check "example_anomaly, our model: machine_normal.wav is normal at the card's threshold ($thr)" \
  "[ $rc -eq 0 ] && grep -q '^decision: normal' $tmp/o2"
"$bin/example_anomaly" --model "$em/ad_synth_int8.tflite" --wav "$em/machine_rub.wav" --threshold "$thr" >"$tmp/o3"; rc=$?
check "example_anomaly, our model: machine_rub.wav is an anomaly at the card's threshold" \
  "[ $rc -eq 0 ] && grep -q '^decision: anomaly' $tmp/o3"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
