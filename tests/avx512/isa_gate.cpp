// SPDX-License-Identifier: Apache-2.0
// Test launcher of -DTINYML_ARCH=avx512 builds (ctest runs every test through it, via
// CROSSCOMPILING_EMULATOR / TINYML_TEST_LAUNCHER in tests/CMakeLists.txt). It is compiled
// without the AVX-512 flags, checks the CPU, and either runs the test command or, on a CPU
// without AVX-512 F/BW/VL/VNNI, prints why and exits 77 (ctest: Skipped) instead of letting the
// test die of SIGILL.
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s COMMAND [ARGS...]\n", argv[0]);
    return 2;
  }
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512vl") || !__builtin_cpu_supports("avx512vnni")) {
    std::printf("SKIPPED: this CPU lacks AVX-512 VNNI (F/BW/VL/VNNI); this build's tests cannot run here: %s\n",
                argv[1]);
    return 77;
  }
  execvp(argv[1], argv + 1);
  std::perror(argv[1]);
  return 127;
}
