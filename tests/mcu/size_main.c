// SPDX-License-Identifier: Apache-2.0
// Minimal KWS firmware for the code-size check: no newlib stdio (raw semihosting only), so the
// whole image can be checked for malloc. Generates golden input 1 with the GENERATOR.txt recipe,
// runs one inference and compares the scores with the embedded out_1.bin.
#include <stdint.h>
#include <string.h>

#include "semihost.h"

int kws_init(unsigned* arena_bytes);
int kws_run(const signed char* in, unsigned in_size, signed char* out, unsigned out_size);
extern const unsigned char tinyml_kws_out1[];
extern const unsigned char tinyml_kws_out1_end[];

enum { kInputBytes = 490, kClasses = 12 };

int main(void) {
  unsigned arena = 0;
  const int s = kws_init(&arena);
  if (s != 0) {
    sh_write0("kws_size: init failed, status ");
    sh_write_dec((uint32_t)s);
    sh_write0("\n");
    return 1;
  }
  static signed char input[kInputBytes];
  uint32_t x = 1u * 2654435761u;
  for (unsigned i = 0; i < kInputBytes; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    input[i] = (signed char)(uint8_t)(x >> 24);
  }
  signed char scores[kClasses];
  const int n = kws_run(input, kInputBytes, scores, kClasses);
  const unsigned golden = (unsigned)(tinyml_kws_out1_end - tinyml_kws_out1);
  const int ok = n == kClasses && golden == kClasses && memcmp(scores, tinyml_kws_out1, kClasses) == 0;
  sh_write0("kws_size: arena=");
  sh_write_dec(arena);
  sh_write0(" scores=");
  for (int i = 0; i < kClasses && i < n; ++i) {
    sh_write_dec((uint32_t)(scores[i] + 128));
    sh_write0(i + 1 < n ? "," : "");
  }
  sh_write0(ok ? " (+128) match out_1.bin\n" : " (+128) DIFFER from out_1.bin\n");
  return ok ? 0 : 1;
}
