#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer target (clang, ASan + UBSan) and runs it for SECONDS (default 60), seeded
# with the repository's models, the conformance corpus and the shared models when present.
# Crashers land in build-fuzz/crashes/; copy each into tests/fuzz/regressions/ (replayed by ctest).
#   bash tests/fuzz/run.sh [SECONDS] [SHARED_DIR]
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
echo "fuzz: $(ls "$out/seeds" | wc -l) seed files, ${secs}s"
"$out/fuzz_model" -max_total_time="$secs" -max_len=1048576 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/crashes/" "$out/work" "$out/seeds" 2>&1 | tail -20
