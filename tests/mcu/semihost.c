// SPDX-License-Identifier: Apache-2.0
// Raw Arm semihosting calls (see semihost.h). Operation numbers from the Arm semihosting spec.
#include "semihost.h"

enum {
  kSysWrite0 = 0x04,
  kSysGetCmdline = 0x15,
  kSysExit = 0x18,
  kSysExitExtended = 0x20,
  kAdpStoppedApplicationExit = 0x20026,
};

static int sh_call(int op, const void* arg) {
  register int r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void sh_write0(const char* s) { sh_call(kSysWrite0, s); }

void sh_write_hex(uint32_t value) {
  char buf[11];
  buf[0] = '0';
  buf[1] = 'x';
  for (int i = 0; i < 8; ++i) {
    const uint32_t nib = (value >> (28 - 4 * i)) & 0xFu;
    buf[2 + i] = (char)(nib < 10 ? '0' + nib : 'a' + nib - 10);
  }
  buf[10] = '\0';
  sh_write0(buf);
}

void sh_write_dec(uint32_t value) {
  char buf[11];
  int i = 10;
  buf[i] = '\0';
  do {
    buf[--i] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  sh_write0(&buf[i]);
}

void sh_exit(int code) {
  const uint32_t block[2] = {kAdpStoppedApplicationExit, (uint32_t)code};
  sh_call(kSysExitExtended, block);
  // Hosts without SYS_EXIT_EXTENDED: plain SYS_EXIT can only tell success from failure.
  sh_call(kSysExit, (const void*)(uintptr_t)(code == 0 ? kAdpStoppedApplicationExit : 0x20023));
  for (;;) {
  }
}

int sh_get_cmdline(char* buf, size_t size) {
  struct {
    char* buf;
    uint32_t len;
  } block = {buf, (uint32_t)size};
  if (size == 0) return -1;
  buf[0] = '\0';
  if (sh_call(kSysGetCmdline, &block) != 0) return -1;
  if (block.len >= size) block.len = (uint32_t)size - 1;
  buf[block.len] = '\0';
  return 0;
}
