#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cortex-M runner: installs the cross toolchain and QEMU if missing, builds the counting plugin and
# the firmware for one core, runs it under qemu-system-arm and returns the firmware's exit status.
#
#   bash tests/mcu/run.sh <test|corpus|bench|size|all> <cortex-m4|cortex-m7|cortex-m55> [SHARED_DIR] [FIRMWARE_ARGS...]
#
#   test    mcu_kernel_tests: native kernels vs the reference on random shapes;
#           mcu_model_tests: every model, 5 golden inputs, native + reference, outputs and every
#           intermediate tensor bit-exact; last line "N passed, M failed";
#           mcu_corpus_tests: every case of tests/data/corpus (read through semihosting), native +
#           reference, vs LiteRT's goldens; a "group ..." line per group, last line PASS/FAIL
#   corpus  mcu_corpus_tests alone; FIRMWARE_ARGS: --case SUBSTR --shard K/N --verbose --trace
#           --corpus DIR (SHARED_DIR is optional: the corpus is in the repository)
#   bench   mcu_bench under the instruction-counting plugin: model=... lines, per-op counts, stack
#   size    -Os KWS firmware: section sizes, the library object's .text+.rodata from the linker
#           map, nm check (no malloc / operator new / __cxa_*), and one run under QEMU
#   all     test, bench and size in turn
#
# SHARED_DIR defaults to ../shared beside the repository. FIRMWARE_ARGS go to the firmware:
#   --inputs N (1..5)   --models kws_dscnn_int8,ad01_int8   --no-ops (bench: no per-op counts)
#   (mcu_corpus_tests ignores these)
# Environment: TINYML_MCU_BUILD (build root, default <repo>/build-mcu), JOBS (default 2),
#   TINYML_MCU_TIMEOUT (seconds per QEMU run, default 900), CI=true (missing SHARED_DIR fails
#   instead of skipping with status 77).
set -uo pipefail

usage() {
  sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}
[ $# -ge 2 ] || usage
mode=$1
cpu=$2
shift 2
case "$mode" in test | corpus | bench | size | all) ;; *) usage ;; esac
case "$cpu" in cortex-m4 | cortex-m7 | cortex-m55) ;; *) echo "unknown cpu '$cpu'" >&2; usage ;; esac

root=$(cd "$(dirname "$0")/../.." && pwd)
shared="$root/../shared"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
  shared=$1
  shift
fi
fw_args=("$@")
build_root=${TINYML_MCU_BUILD:-$root/build-mcu}
build="$build_root/$cpu"
jobs=${JOBS:-2}
timeout_s=${TINYML_MCU_TIMEOUT:-900}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- packages -------------------------------------------------------------------------------
install_missing() {
  local pkgs=() p
  local want=(gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
              qemu-system-arm libflatbuffers-dev cmake make gcc)
  if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${want[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || pkgs+=("$p")
    done
  else
    command -v arm-none-eabi-g++ >/dev/null || pkgs+=(gcc-arm-none-eabi)
    command -v qemu-system-arm >/dev/null || pkgs+=(qemu-system-arm)
  fi
  [ ${#pkgs[@]} -eq 0 ] && return 0
  echo "== installing: ${pkgs[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! { $sudo apt-get update -qq &&
          $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null; }; then
    echo "error: could not install ${pkgs[*]}" >&2
    exit 1
  fi
}
install_missing

# ---- inputs ---------------------------------------------------------------------------------
# Every mode but corpus needs the shared models (the size firmware embeds the KWS model).
if [ "$mode" = corpus ] && [ ! -d "$shared" ]; then
  shared=$root  # only passed on (--shared) and recorded in the build: any existing folder
elif [ ! -f "$shared/models/kws_dscnn_int8.tflite" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: shared models not found at $shared (CI=true requires them)" >&2
    exit 1
  fi
  echo "SKIP: shared models not found at $shared"
  exit 77
fi
shared=$(cd "$shared" && pwd)
case "$shared$root" in *" "*)
  echo "error: paths with spaces cannot be passed through the semihosting command line" >&2
  exit 2 ;;
esac

# ---- build ----------------------------------------------------------------------------------
build_plugin() {
  local so="$build_root/plugin/insn_count_plugin.so" src="$root/tools/mcu/insn_count_plugin.c"
  mkdir -p "$build_root/plugin"
  if [ ! -f "$so" ] || [ "$src" -nt "$so" ]; then
    gcc -O2 -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -o "$so" "$src" || exit 1
  fi
  plugin=$so
}

build_firmware() {  # targets...
  local t0
  t0=$(now)
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root/tests/mcu" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" \
      -DTINYML_MCU="$cpu" -DTINYML_SHARED_DIR="$shared" >"$build_root/configure-$cpu.log" 2>&1 ||
      { cat "$build_root/configure-$cpu.log"; echo "error: configure failed" >&2; exit 1; }
  else
    # Re-configure every time (cheap): a build tree left from an older checkout may lack targets
    # that were added since, and make would not know them until CMake re-runs.
    cmake "$build" -DTINYML_SHARED_DIR="$shared" >/dev/null || exit 1
  fi
  local log="$build/build.log"
  cmake --build "$build" -j "$jobs" --target "$@" >"$log" 2>&1 ||
    { cat "$log"; echo "error: firmware build failed" >&2; exit 1; }
  echo "== built $* for $cpu in $(elapsed "$t0") s"
}

mkdir -p "$build_root"

# ---- run ------------------------------------------------------------------------------------
qemu_run() {  # elf, then extra qemu args; the firmware gets --shared/--repo and fw_args
  local elf=$1
  shift
  local machine semi a
  machine=$(cat "$build/qemu_machine.txt")
  # All semihosting console output (newlib stdio and raw SYS_WRITE0, e.g. the fault handler's)
  # goes to one stdio chardev, so it stays in order with the plugin's counts on stdout.
  semi="enable=on,target=native,chardev=semihost,arg=$(basename "$elf" .elf)"
  # QEMU option syntax: a literal comma inside a value is written ",,".
  for a in --shared "$shared" --repo "$root" "${fw_args[@]}"; do semi+=",arg=${a//,/,,}"; done
  # shellcheck disable=SC2086
  timeout --foreground "$timeout_s" qemu-system-arm $machine -display none -monitor none -serial none \
    -chardev stdio,id=semihost -semihosting-config "$semi" -kernel "$elf" "$@"
}

report_rc() {  # what, rc, start time
  local what=$1 rc=$2 t0=$3
  if [ "$rc" -eq 124 ]; then
    echo "== $what on $cpu: TIMEOUT after ${timeout_s} s (TINYML_MCU_TIMEOUT)"
  else
    echo "== $what on $cpu: exit status $rc, wall time $(elapsed "$t0") s"
  fi
}

run_test() {
  build_firmware mcu_kernel_tests mcu_model_tests mcu_corpus_tests example_kws_mcu
  local t0 rc krc crc erc
  t0=$(now)
  qemu_run "$build/mcu_kernel_tests.elf"
  krc=$?
  report_rc "mcu_kernel_tests" "$krc" "$t0"
  t0=$(now)
  qemu_run "$build/mcu_model_tests.elf"
  rc=$?
  report_rc "mcu_model_tests" "$rc" "$t0"
  t0=$(now)
  qemu_run "$build/mcu_corpus_tests.elf"
  crc=$?
  report_rc "mcu_corpus_tests" "$crc" "$t0"
  t0=$(now)
  qemu_run "$build/example_kws_mcu.elf"  # exits 0 only if it hears "yes" in yes_espeak.wav
  erc=$?
  report_rc "example_kws_mcu" "$erc" "$t0"
  [ "$krc" -ne 0 ] && rc=$krc
  [ "$crc" -ne 0 ] && [ "$rc" -eq 0 ] && rc=$crc
  [ "$erc" -ne 0 ] && [ "$rc" -eq 0 ] && rc=$erc
  return "$rc"
}

run_corpus() {
  build_firmware mcu_corpus_tests
  local t0 rc
  t0=$(now)
  qemu_run "$build/mcu_corpus_tests.elf"
  rc=$?
  report_rc "mcu_corpus_tests" "$rc" "$t0"
  return "$rc"
}

run_bench() {
  build_plugin
  build_firmware mcu_bench
  local t0 rc raw="$build/bench_raw.txt" out="$build/bench.txt"
  t0=$(now)
  qemu_run "$build/mcu_bench.elf" -plugin "$plugin" >"$raw"
  rc=$?
  # The plugin prints "insn_count=N" for each counted region, in order; the firmware prints
  # "@INSN@" in the line of each region: the k-th count belongs to the k-th placeholder.
  awk '
    /^insn_count=/ { counts[++nc] = substr($0, 12); next }
    { lines[++nl] = $0 }
    END {
      k = 0
      for (i = 1; i <= nl; ++i) {
        line = lines[i]
        while (index(line, "@INSN@") > 0) {
          ++k
          v = (k <= nc) ? counts[k] : "MISSING"
          if (k > nc) bad = 1
          sub(/@INSN@/, v, line)
        }
        print line
      }
      if (k != nc) { printf("error: %d counted regions but %d placeholders\n", nc, k); bad = 1 }
      exit bad
    }' "$raw" >"$out"
  local merge_rc=$?
  cat "$out"
  [ "$rc" -eq 0 ] && [ "$merge_rc" -ne 0 ] && rc=1
  grep -q '^calibration empty_region instructions=0$' "$out" ||
    { echo "error: the counting plugin's empty-region calibration is not 0"; [ "$rc" -eq 0 ] && rc=1; }
  echo "== results in $out"
  report_rc "mcu_bench" "$rc" "$t0"
  return "$rc"
}

# Sums the input sections of the linker map by group and output section.
map_sizes() {  # map file
  awk '
    function hex(s,   i, v) {
      s = tolower(s); sub(/^0x/, "", s); v = 0
      for (i = 1; i <= length(s); ++i) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
      return v
    }
    function group(f) {
      if (f ~ /size_kws_infer\.cpp\.obj$/) return "tinyml"
      if (f ~ /kws_model_data\.s\.obj$/) return "model"
      if (f ~ /(size_main\.c|startup\.c|semihost\.c)\.obj$/) return "harness"
      return "toolchain"
    }
    function add(sz, f,   g, sec) {
      g = group(f)
      if (outsec ~ /^\.(text|rodata|data|bss)$/) sec = outsec
      else if (outsec ~ /^\.(vectors|ARM\.extab|ARM\.exidx|preinit_array|init_array|fini_array)$/) sec = ".other"
      else return  # not loaded (.comment, .ARM.attributes, debug info)
      total[g, sec] += hex(sz)
    }
    /^Linker script and memory map/ { inmap = 1; next }
    !inmap { next }
    /^\./ { outsec = $1; pending = ""; next }
    /^ [^ ]/ {
      if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) add($3, $4)
      pending = (NF == 1) ? $1 : ""
      next
    }
    /^  +0x/ {
      if (pending != "" && NF >= 3 && $1 ~ /^0x/ && $2 ~ /^0x/) add($2, $3)
      pending = ""
      next
    }
    { pending = "" }
    END {
      n = split("tinyml model harness toolchain", gs, " ")
      printf("  %-10s %9s %9s %9s %9s %9s\n", "objects", ".text", ".rodata", ".data", ".bss", "other (1)")
      for (i = 1; i <= n; ++i) {
        g = gs[i]
        printf("  %-10s %9d %9d %9d %9d %9d\n", g, total[g, ".text"], total[g, ".rodata"],
               total[g, ".data"], total[g, ".bss"], total[g, ".other"])
      }
      printf("  (1) .vectors, .ARM.exidx/extab, init/fini arrays\n")
      printf("library (tinyml objects) .text+.rodata = %d bytes\n", total["tinyml", ".text"] + total["tinyml", ".rodata"])
    }' "$1"
}

run_size() {
  build_firmware mcu_size_kws mcu_size_kws_o2 mcu_size_kws_os_terse
  local rc=0 t0 v elf map obj label text
  for v in mcu_size_kws:-Os mcu_size_kws_o2:-O2 "mcu_size_kws_os_terse:-Os TINYML_NO_ERROR_STRINGS"; do
    elf="$build/${v%%:*}.elf" map="$build/${v%%:*}.map" label=${v#*:}
    echo "== KWS size firmware ($label), $cpu: sections of $(basename "$elf")"
    arm-none-eabi-size -A "$elf" | awk '$1 ~ /^\.(vectors|text|rodata|ARM\.exidx|init_array|data|bss)$/ { printf("  %-12s %8d\n", $1, $2) }'
    echo "== by object (linker map; model = the embedded .tflite + out_1.bin):"
    map_sizes "$map"
    text=$(arm-none-eabi-size -A "$elf" | awk '$1 == ".text" { print $2 }')
    echo "size: cpu=$cpu build=\"$label\" firmware_text=$text target_text<=24576: $([ "$text" -le 24576 ] && echo met || echo NOT met)"
  done
  local bad run_rc t
  for t in mcu_size_kws mcu_size_kws_o2 mcu_size_kws_os_terse; do
    elf="$build/$t.elf"
    obj="$build/CMakeFiles/$t.dir/size_kws_infer.cpp.obj"
    if [ "$t" = mcu_size_kws ]; then
      echo "== undefined symbols of the library object ($t: $(basename "$obj")):"
      arm-none-eabi-nm -u "$obj" | awk '{ printf("  %s\n", $2) }' | arm-none-eabi-c++filt
    fi
    bad=$(arm-none-eabi-nm -u "$obj" | awk '{ print $2 }' |
          grep -E '^(malloc|calloc|realloc|free|_malloc_r|_free_r|_calloc_r|_realloc_r|_Znw|_Zna|_Zdl|_Zda|__cxa_)' || true)
    if [ -n "$bad" ]; then
      echo "FAIL: $t: the library object references heap / C++ runtime symbols:"
      while read -r sym; do echo "  $sym"; done <<<"$bad"
      rc=1
    else
      echo "PASS: $t: no malloc / operator new / delete / __cxa_* in the library object"
    fi
    if arm-none-eabi-nm "$elf" | awk '{ print $NF }' | grep -qE '^(malloc|_malloc_r)$'; then
      echo "note: $t: the firmware image contains malloc (pulled by something outside the library)"
    else
      echo "note: $t: the whole firmware image contains no malloc"
    fi
    t0=$(now)
    qemu_run "$elf"
    run_rc=$?
    report_rc "$t" "$run_rc" "$t0"
    [ "$run_rc" -ne 0 ] && rc=$run_rc
  done
  return "$rc"
}

status=0
t_all=$(now)
case "$mode" in
  test) run_test; status=$? ;;
  corpus) run_corpus; status=$? ;;
  bench) run_bench; status=$? ;;
  size) run_size; status=$? ;;
  all)
    run_test || status=1
    run_bench || status=1
    run_size || status=1
    echo "== all on $cpu: total wall time $(elapsed "$t_all") s, status $status"
    ;;
esac
exit "$status"
