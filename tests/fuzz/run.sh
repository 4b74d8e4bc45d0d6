#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer target (clang, ASan + UBSan) and runs it for SECONDS (default 60), seeded
# with the repository's models, the conformance corpus and the shared models when present.
# Crashers land in build-fuzz/crashes/; copy each into tests/fuzz/regressions/ (replayed by ctest).
#   bash tests/fuzz/run.sh [SECONDS] [SHARED_DIR] [RUNS]
# RUNS > 0 stops after that many executions instead (e.g. 10000000 for the long run; the time
# limit still applies, so give SECONDS generously).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
shared=${2:-$root/../shared}
for p in clang libclang-rt-14-dev libflatbuffers-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang libclang-rt-14-dev libflatbuffers-dev >/dev/null; break; }
done
out=$root/build-fuzz
mkdir -p "$out/seeds" "$out/crashes" "$out/work"
clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -fno-exceptions -fno-rtti -I"$root/include" "$root/tests/fuzz/fuzz_model.cpp" -o "$out/fuzz_model"
find "$root/examples/models" "$root/tests/data" -name '*.tflite' -size -100k -exec cp {} "$out/seeds/" \; 2>/dev/null || true
if [ -d "$shared/models" ]; then
  find "$shared/models" -name '*.tflite' -size -100k -exec cp {} "$out/seeds/" \;
fi
cp "$root"/tests/fuzz/regressions/* "$out/seeds/" 2>/dev/null || true
# Every model of the conformance corpus (index.txt: name group ops pack model_off model_size ...).
corpus=$root/tests/data/corpus
if [ -f "$corpus/index.txt" ]; then
  while read -r name _ _ pack off size _; do
    dd if="$corpus/$pack" of="$out/seeds/corpus_$name.tflite" bs=64K iflag=skip_bytes,count_bytes \
      skip="$off" count="$size" status=none
  done < <(grep -v '^#' "$corpus/index.txt")
fi
echo "fuzz: $(ls "$out/seeds" | wc -l) seed files, ${secs}s"
runs=${3:-0}
runs_flag=()
[ "$runs" -gt 0 ] && runs_flag=(-runs="$runs")
"$out/fuzz_model" "${runs_flag[@]}" -max_total_time="$secs" -max_len=1048576 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/crashes/" "$out/work" "$out/seeds" 2>&1 | tail -20
