// SPDX-License-Identifier: Apache-2.0
// Raw Arm semihosting calls (BKPT 0xAB), usable without newlib: console output, exit status
// through SYS_EXIT_EXTENDED, the command line QEMU passes (-semihosting-config arg=...).
#ifndef TINYML_MCU_SEMIHOST_H_
#define TINYML_MCU_SEMIHOST_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes a NUL-terminated string to the host console (SYS_WRITE0).
void sh_write0(const char* s);
/// Writes `value` in hex ("0x%08lx") to the host console.
void sh_write_hex(uint32_t value);
/// Writes `value` in decimal to the host console.
void sh_write_dec(uint32_t value);
/// Ends the simulation with exit status `code` (SYS_EXIT_EXTENDED, ADP_Stopped_ApplicationExit).
__attribute__((noreturn)) void sh_exit(int code);
/// Copies the host-side command line into buf (NUL-terminated). Returns 0 on success.
int sh_get_cmdline(char* buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif  // TINYML_MCU_SEMIHOST_H_
