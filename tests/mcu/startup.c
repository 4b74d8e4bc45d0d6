// SPDX-License-Identifier: Apache-2.0
// Bare-metal start-up for the QEMU MPS2/MPS3 Cortex-M machines: vector table, reset handler, and a
// HardFault handler that prints where the fault happened and exits non-zero through semihosting.
//
// Reset: enable CP10/CP11 (FPU, and MVE on v8.1-M) before any compiled code can use them, set
// the main stack (and MSPLIM on v8-M), VTOR, trap integer division by zero, copy .data, zero
// .bss, open semihosting stdio (newlib/rdimon), run static constructors, then exit(main()).
// Built with -DTINYML_MCU_NO_NEWLIB for firmware that reports only through raw semihosting calls
// (no newlib stdio, hence no malloc in the image): main's result then goes straight to sh_exit.
#include <stdint.h>
#include <string.h>

#include "semihost.h"

#ifndef TINYML_MCU_NO_NEWLIB
#include <stdlib.h>
extern void initialise_monitor_handles(void);
#endif

extern int main(void);

// Linker-script symbols (ld/sections.ld).
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top[], __stack_limit[];
extern uint32_t __ram_start__[], __ram_end__[];
extern void (*__preinit_array_start[])(void);
extern void (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

// C++ objects with destructors register them against this handle (crtbegin.o is not linked).
void* __dso_handle = &__dso_handle;

#ifndef TINYML_MCU_NO_NEWLIB
// newlib's __libc_fini_array (reached from exit) calls _fini, normally from crti.o/crtn.o.
void _init(void) {}
void _fini(void) {}
#endif

#define SCB_REG(off) (*(volatile uint32_t*)(0xE000ED00u + (off)))
enum {
  kScbVtor = 0x08,
  kScbCcr = 0x14,
  kScbCfsr = 0x28,
  kScbHfsr = 0x2C,
  kScbMmfar = 0x34,
  kScbBfar = 0x38,
  kCcrDiv0Trp = 1u << 4,
};

void Reset_Handler(void);
void HardFault_Handler(void);
void Default_Handler(void);
void tinyml_mcu_reset_c(void);
void tinyml_mcu_fault_report(const uint32_t* frame, uint32_t exc_return);

// 16 system vectors + 16 external interrupts (none is enabled). 128 bytes: VTOR-aligned.
__attribute__((section(".vectors"), used, aligned(128))) void (*const g_vectors[32])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    Default_Handler,    // NMI
    HardFault_Handler,  // HardFault (MemManage/BusFault/UsageFault escalate here)
    Default_Handler,    // MemManage
    Default_Handler,    // BusFault
    Default_Handler,    // UsageFault
    Default_Handler,    // SecureFault (v8-M)
    0, 0, 0,
    Default_Handler,    // SVCall
    Default_Handler,    // DebugMonitor
    0,
    Default_Handler,    // PendSV
    Default_Handler,    // SysTick
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};

// No compiled code runs before CPACR is set: at -O2 GCC may vectorise even the .data copy loop
// with MVE on the M55, which would fault with the coprocessors still disabled.
__attribute__((naked, noreturn)) void Reset_Handler(void) {
  __asm__ volatile(
      "cpsid i\n"
      "ldr r0, =0xE000ED88\n"  // CPACR: CP10 + CP11 full access
      "ldr r1, [r0]\n"
      "orr r1, r1, #(0xF << 20)\n"
      "str r1, [r0]\n"
      "dsb\n"
      "isb\n"
      "ldr r0, =__stack_top\n"
      "mov sp, r0\n"
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
      "ldr r0, =__stack_limit\n"
      "msr msplim, r0\n"  // stack overflow faults (STKOF) instead of corrupting the heap
#endif
      "b tinyml_mcu_reset_c\n"
      ".ltorg\n");
}

void tinyml_mcu_reset_c(void) {
  SCB_REG(kScbVtor) = (uint32_t)(uintptr_t)g_vectors;
  SCB_REG(kScbCcr) |= kCcrDiv0Trp;
  __asm__ volatile("dsb\nisb" ::: "memory");

  const uint32_t* src = __data_load__;
  for (uint32_t* dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start__; dst < __bss_end__;) *dst++ = 0;

#ifndef TINYML_MCU_NO_NEWLIB
  initialise_monitor_handles();
#endif
  for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (void (**f)(void) = __init_array_start; f < __init_array_end; ++f) (*f)();

  const int rc = main();
#ifndef TINYML_MCU_NO_NEWLIB
  exit(rc);  // flushes stdio; newlib's _exit reports rc via SYS_EXIT_EXTENDED
#else
  sh_exit(rc);
#endif
}

// Picks the stack the faulting context used and hands its exception frame to the reporter.
__attribute__((naked)) void HardFault_Handler(void) {
  __asm__ volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "mov r1, lr\n"
      "b tinyml_mcu_fault_report\n");
}

void tinyml_mcu_fault_report(const uint32_t* frame, uint32_t exc_return) {
  sh_write0("\n*** HardFault");
  const uintptr_t f = (uintptr_t)frame;
  if (f >= (uintptr_t)__ram_start__ && f + 32 <= (uintptr_t)__ram_end__ && (f & 3u) == 0) {
    sh_write0(": PC=");
    sh_write_hex(frame[6]);
    sh_write0(" LR=");
    sh_write_hex(frame[5]);
    sh_write0(" xPSR=");
    sh_write_hex(frame[7]);
  } else {
    sh_write0(": exception frame not readable, SP=");
    sh_write_hex((uint32_t)f);
  }
  sh_write0(" EXC_RETURN=");
  sh_write_hex(exc_return);
  sh_write0(" CFSR=");
  sh_write_hex(SCB_REG(kScbCfsr));
  sh_write0(" HFSR=");
  sh_write_hex(SCB_REG(kScbHfsr));
  sh_write0(" MMFAR=");
  sh_write_hex(SCB_REG(kScbMmfar));
  sh_write0(" BFAR=");
  sh_write_hex(SCB_REG(kScbBfar));
  sh_write0("\n");
  sh_exit(3);
}

void Default_Handler(void) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  sh_write0("\n*** unexpected exception, IPSR=");
  sh_write_dec(ipsr);
  sh_write0("\n");
  sh_exit(4);
}
