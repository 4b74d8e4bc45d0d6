#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Generates the small WAV clips under tests/data/audio/ (speech from espeak-ng, noise and tones
# from sox), then their reference features with tools/audio/ref_features.py.
#   bash tools/audio/make_test_wavs.sh            # writes tests/data/audio/*.wav, *.bin, MANIFEST.txt
# Needs: apt-get install espeak-ng sox; pip install -r tools/requirements.txt (+ librosa, see
# tools/audio/ref_features.py). The outputs are committed; tests never run this script.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/tests/data/audio"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make_test_wavs: $tool not found (apt-get install $tool)" >&2; exit 1; }
done

# sox -R: repeatable random numbers (noise, dither), so reruns give the same bytes.
SOX="sox -R -V1"

# speak WORD VOICE SECONDS_OF_LEAD_IN OUT_WAV: espeak-ng (22.05 kHz) -> 16 kHz mono 16-bit,
# a lead-in of silence, then padded/trimmed to exactly 1 s.
speak() {
  espeak-ng -v "$2" -s 150 -w "$tmp/raw.wav" "$1"
  $SOX "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$4" pad "$3" 1 trim 0 1
}

speak yes en-us 0.15 "$out/speech_yes_16k.wav"
speak left en+f3 0.25 "$out/speech_left_16k.wav"
# A 0.6 s clip: the MLPerf preset zero-pads it at the end to 16000 samples.
espeak-ng -v en-gb -s 170 -w "$tmp/raw.wav" "stop"
$SOX "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$out/speech_stop_0600ms_16k.wav" pad 0.05 1 trim 0 0.6

# Background-like noise, and a tone sweep across the mel range over a -50 dB white-noise floor. A
# bare pure tone leaves the mel bands away from it nearly empty, where log(x + 1e-6) magnifies
# float32 rounding: TensorFlow's own float32 MFCCs of a bare sweep differ from exact (float64) ones
# by up to 3e-3, those of a sweep beyond 4 kHz by 8e-3. Speech and noise are well conditioned.
$SOX -n -r 16000 -c 1 -b 16 "$out/noise_pink_16k.wav" synth 1 pinknoise vol 0.25
$SOX -n -r 16000 -c 1 -b 16 "$tmp/sweep.wav" synth 1 sine 100-3900 vol 0.5
$SOX -n -r 16000 -c 1 -b 16 "$tmp/floor.wav" synth 1 whitenoise vol 0.003
$SOX -m "$tmp/sweep.wav" "$tmp/floor.wav" "$out/sweep_100_3900hz_16k.wav"

# Stereo 44.1 kHz: left = the word "go", right = the same word at half level plus brown noise,
# so mixing to mono and resampling to 16 kHz are both exercised.
espeak-ng -v en-us -s 150 -w "$tmp/raw.wav" "go"
$SOX "$tmp/raw.wav" -r 44100 -c 1 -b 16 "$tmp/go44.wav" pad 0.2 1 trim 0 1
$SOX -n -r 44100 -c 1 -b 16 "$tmp/brown44.wav" synth 1 brownnoise vol 0.1
$SOX -m -v 0.5 "$tmp/go44.wav" -v 1 "$tmp/brown44.wav" "$tmp/right44.wav"
$SOX -M "$tmp/go44.wav" "$tmp/right44.wav" -b 16 "$out/stereo_go_44k.wav"

# For the MLPerf AD features (and example_anomaly's contract test): a stationary machine-like hum
# (120 Hz and two harmonics, a 1.4 kHz whine, a brown-noise floor; sox -m scales each input by
# 1/5), white noise, and a spoken sentence; 16 kHz mono.
$SOX -n -r 16000 -c 1 -b 16 "$tmp/h1.wav" synth 2 sine 120 vol 0.9
$SOX -n -r 16000 -c 1 -b 16 "$tmp/h2.wav" synth 2 sine 240 vol 0.45
$SOX -n -r 16000 -c 1 -b 16 "$tmp/h3.wav" synth 2 sine 360 vol 0.25
$SOX -n -r 16000 -c 1 -b 16 "$tmp/h4.wav" synth 2 sine 1400 vol 0.1
$SOX -n -r 16000 -c 1 -b 16 "$tmp/h5.wav" synth 2 brownnoise vol 0.3
$SOX -m "$tmp/h1.wav" "$tmp/h2.wav" "$tmp/h3.wav" "$tmp/h4.wav" "$tmp/h5.wav" "$out/ad_hum_16k.wav"
$SOX -n -r 16000 -c 1 -b 16 "$out/ad_white_16k.wav" synth 1 whitenoise vol 0.3
espeak-ng -v en-us -s 160 -w "$tmp/raw.wav" "the motor is running"
$SOX "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$out/ad_speech_16k.wav" pad 0.1 0.1

python3 "$root/tools/audio/ref_features.py" --test-data "$out"
