# SPDX-License-Identifier: Apache-2.0
# Cross toolchain for bare-metal Cortex-M: Debian's arm-none-eabi-gcc + newlib, semihosting
# through librdimon. Select the core with -DTINYML_MCU=cortex-m4|cortex-m7|cortex-m55; this sets
# the CPU flags (for every language and for try_compile) and, for firmware projects, the QEMU
# machine and the linker script with its memory map:
#
#   TINYML_MCU   QEMU machine / -cpu            flags                                      memory map
#   cortex-m4    mps2-an386  / cortex-m4        -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 hard     code 0x0, RAM 0x20000000
#   cortex-m7    mps2-an500  / cortex-m7        -mcpu=cortex-m7 -mfpu=fpv5-d16 hard        code 0x0, RAM 0x20000000
#   cortex-m55   mps3-an547  / cortex-m55       -mcpu=cortex-m55 hard (MVE + FP)           vectors 0x0 (ITCM), code
#                                                                                          0x01000000, RAM 0x21000000
#
# Usage: cmake -S tests/mcu -B build-mcu-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DTINYML_MCU=cortex-m4
# Packages: apt-get install -y gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(TINYML_MCU "cortex-m4" CACHE STRING "Target core: cortex-m4 | cortex-m7 | cortex-m55")
set_property(CACHE TINYML_MCU PROPERTY STRINGS cortex-m4 cortex-m7 cortex-m55)
# try_compile re-reads this file in a scratch project: hand it the selection.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TINYML_MCU)

set(TINYML_MCU_TRIPLE "arm-none-eabi" CACHE STRING "Cross compiler prefix (without the trailing -)")
find_program(CMAKE_C_COMPILER ${TINYML_MCU_TRIPLE}-gcc)
find_program(CMAKE_CXX_COMPILER ${TINYML_MCU_TRIPLE}-g++)
find_program(CMAKE_ASM_COMPILER ${TINYML_MCU_TRIPLE}-gcc)
find_program(CMAKE_OBJCOPY ${TINYML_MCU_TRIPLE}-objcopy)
find_program(CMAKE_SIZE ${TINYML_MCU_TRIPLE}-size)
find_program(CMAKE_NM ${TINYML_MCU_TRIPLE}-nm)
if(NOT CMAKE_C_COMPILER OR NOT CMAKE_CXX_COMPILER)
  message(FATAL_ERROR "${TINYML_MCU_TRIPLE}-gcc/g++ not found. Debian: apt-get install -y "
                      "gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib")
endif()

# Compiler checks only compile (no linker script yet, no semihosting startup).
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_tinyml_ld_dir "${CMAKE_CURRENT_LIST_DIR}/../tests/mcu/ld")
if(TINYML_MCU STREQUAL "cortex-m4")
  set(_tinyml_cpu_flags "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb")
  set(TINYML_MCU_QEMU_MACHINE "mps2-an386")
  set(TINYML_MCU_QEMU_CPU "cortex-m4")
  set(_tinyml_ld "${_tinyml_ld_dir}/mps2.ld")
elseif(TINYML_MCU STREQUAL "cortex-m7")
  set(_tinyml_cpu_flags "-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard -mthumb")
  set(TINYML_MCU_QEMU_MACHINE "mps2-an500")
  set(TINYML_MCU_QEMU_CPU "cortex-m7")
  set(_tinyml_ld "${_tinyml_ld_dir}/mps2.ld")
elseif(TINYML_MCU STREQUAL "cortex-m55")
  set(_tinyml_cpu_flags "-mcpu=cortex-m55 -mfloat-abi=hard -mthumb")
  set(TINYML_MCU_QEMU_MACHINE "mps3-an547")
  set(TINYML_MCU_QEMU_CPU "cortex-m55")
  set(_tinyml_ld "${_tinyml_ld_dir}/mps3_an547.ld")
else()
  message(FATAL_ERROR "TINYML_MCU must be cortex-m4, cortex-m7 or cortex-m55 (got '${TINYML_MCU}')")
endif()
get_filename_component(_tinyml_ld "${_tinyml_ld}" ABSOLUTE)
set(TINYML_MCU_CPU_FLAGS "${_tinyml_cpu_flags}")
set(TINYML_MCU_LINKER_SCRIPT "${_tinyml_ld}" CACHE FILEPATH "Linker script (memory map) for the firmware")

set(CMAKE_C_FLAGS_INIT "${_tinyml_cpu_flags}")
set(CMAKE_CXX_FLAGS_INIT "${_tinyml_cpu_flags}")
set(CMAKE_ASM_FLAGS_INIT "${_tinyml_cpu_flags}")
# newlib with semihosting stdio/file I/O; the firmware brings its own startup (-nostartfiles).
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_tinyml_cpu_flags} --specs=rdimon.specs -nostartfiles -Wl,--gc-sections")

# Find the target's libraries and headers only in the cross sysroot, programs on the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_EXECUTABLE_SUFFIX ".elf")
