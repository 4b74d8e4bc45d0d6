#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The `tinyml` command-line contract (README, issue #2): info/run/bench output lines, exit codes
# and one-line errors. Usage: test_cli.sh TINYML_BIN SOURCE_DIR SHARED_DIR
set -u
bin=$1; src=$2; shared=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok: $1"; }
bad() { fail=$((fail+1)); echo "FAIL: $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

m=$src/examples/models/digits_cnn_int8.tflite
g=$src/tests/data/golden/digits_cnn_int8

"$bin" info "$m" >"$tmp/info" 2>"$tmp/err"; rc=$?
check "info exits 0" "[ $rc -eq 0 ]"
check "info prints arena_bytes" "grep -Eq '^arena_bytes: [0-9]+$' $tmp/info"
check "info prints one line per op" "[ \$(grep -c '^op [0-9]*: ' $tmp/info) -eq 9 ]"
check "info prints inputs with scale and zero point" "grep -q '^input 0: .*INT8 \[1,8,8,1\] scale=.* zero_point=' $tmp/info"
check "info prints total MACs" "grep -Eq '^total_macs: [0-9]+$' $tmp/info"

"$bin" info "$src/tests/data/unsupported_ops_int8.tflite" >"$tmp/uinfo" 2>"$tmp/uerr"; rc=$?
check "info on unsupported ops exits non-zero" "[ $rc -ne 0 ]"
check "info lists every unsupported op" "grep -q GELU $tmp/uinfo && grep -q LOG_SOFTMAX $tmp/uinfo"
check "one-line reason on stderr" "[ \$(wc -l < $tmp/uerr) -eq 1 ]"

for arch in native reference; do
  "$bin" run "$m" --input "$g/in_1.bin" --output "$tmp/out.bin" --arch $arch; rc=$?
  check "run --arch $arch exits 0" "[ $rc -eq 0 ]"
  check "run --arch $arch output equals LiteRT golden" "cmp -s $tmp/out.bin $g/out_1.bin"
done
mkdir -p "$tmp/dump"
"$bin" run "$m" --input "$g/in_2.bin" --output "$tmp/out2.bin" --dump-dir "$tmp/dump"
n=0; for f in "$g"/tensors_2/t*.bin; do cmp -s "$f" "$tmp/dump/$(basename "$f")" && n=$((n+1)); done
check "--dump-dir intermediates equal the goldens (9)" "[ $n -eq 9 ]"

head -c 63 "$g/in_1.bin" >"$tmp/short.bin"
"$bin" run "$m" --input "$tmp/short.bin" --output "$tmp/o.bin" 2>"$tmp/err2"; rc=$?
check "wrong input size is an error" "[ $rc -ne 0 ] && grep -q 'needs 64' $tmp/err2"
"$bin" run "$m" --output "$tmp/o.bin" 2>/dev/null; rc=$?
check "missing --input is an error" "[ $rc -ne 0 ]"
head -c 1000 "$m" >"$tmp/trunc.tflite"
"$bin" info "$tmp/trunc.tflite" 2>"$tmp/err3"; rc=$?
check "truncated model is an error" "[ $rc -ne 0 ] && [ \$(wc -l < $tmp/err3) -eq 1 ]"
"$bin" run /nonexistent.tflite --input x --output y 2>/dev/null; rc=$?
check "missing file is an error" "[ $rc -ne 0 ]"

"$bin" bench "$m" --iters 5 >"$tmp/bench"; rc=$?
check "bench exits 0" "[ $rc -eq 0 ]"
check "bench prints median_us and arena_bytes" "grep -Eq '^median_us: [0-9.]+$' $tmp/bench && grep -Eq '^arena_bytes: [0-9]+$' $tmp/bench"
"$bin" bench "$m" --iters 3 --arch reference --per-op >"$tmp/bench2"; rc=$?
check "bench --arch reference --per-op" "[ $rc -eq 0 ] && [ \$(grep -c '^op ' $tmp/bench2) -eq 9 ]"

# The shared models through the CLI, byte for byte (skipped where ../shared is absent): with
# --tflm-rounding against TFLite Micro's goldens, and in the default mode (LiteRT's rounding)
# against LiteRT BUILTIN_REF's outputs on the same inputs (tests/data/litert_goldens).
if [ -d "$shared/models/golden" ]; then
  total=0; same=0; same_lite=0; tflm_apart=0
  for s in kws_dscnn_int8 vww_96_int8 resnet8_int8 ad01_int8 hello_world_int8 micro_speech_quantized; do
    for k in 1 2 3 4 5; do
      total=$((total+1))
      in=$shared/models/golden/$s/in_$k.bin
      "$bin" run "$shared/models/$s.tflite" --input "$in" --output "$tmp/s.bin" --tflm-rounding &&
        cmp -s "$tmp/s.bin" "$shared/models/golden/$s/out_$k.bin" && same=$((same+1))
      "$bin" run "$shared/models/$s.tflite" --input "$in" --output "$tmp/d.bin" &&
        lit=$src/tests/data/litert_goldens/$s/out_$k.bin  # stored only where it differs from TFLM's
        [ -f "$lit" ] || lit=$shared/models/golden/$s/out_$k.bin
        cmp -s "$tmp/d.bin" "$lit" && same_lite=$((same_lite+1))
      cmp -s "$tmp/s.bin" "$tmp/d.bin" || tflm_apart=$((tflm_apart+1))
    done
  done
  check "tinyml run --tflm-rounding: $same/$total shared runs byte-identical to TFLM's goldens" "[ $same -eq $total ]"
  check "tinyml run (default): $same_lite/$total shared runs byte-identical to LiteRT's outputs" "[ $same_lite -eq $total ]"
  check "--tflm-rounding changes $tflm_apart/$total outputs (ad01_int8's)" "[ $tflm_apart -gt 0 ]"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
