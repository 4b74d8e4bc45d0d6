// SPDX-License-Identifier: Apache-2.0
// Version, ABI namespace and the handful of configuration macros tinyml honours.
#pragma once

#include <cstddef>
#include <cstdint>

#define TINYML_VERSION_MAJOR 0
#define TINYML_VERSION_MINOR 1
#define TINYML_VERSION_PATCH 0

// Configuration macros (define before including tinyml):
//   TINYML_FORCE_GENERIC      arch::Native becomes arch::Generic (portable reference kernels only).
//   TINYML_NO_ERROR_STRINGS   error messages compile out; status codes remain.
//   TINYML_ENABLE_DCHECK      contract checks in kernels call tinyml_assert_failed().

// The inline ABI namespace folds in the native arch so that translation units built for different
// instruction sets cannot be linked together silently (see arch/native.hpp).
#if defined(TINYML_FORCE_GENERIC)
#define TINYML_ABI_ARCH generic
#elif defined(__ARM_FEATURE_MVE)
#define TINYML_ABI_ARCH helium
#elif defined(__ARM_FEATURE_DSP)
#define TINYML_ABI_ARCH cmdsp
#elif defined(__AVX512BW__) && defined(__AVX512VNNI__)
#define TINYML_ABI_ARCH avx512
#elif defined(__AVX2__)
#define TINYML_ABI_ARCH avx2
#else
#define TINYML_ABI_ARCH generic
#endif
// Prepare-time weight hints that only x86 kernels read (FullyConnectedS8Args::pair_safe and
// row_sums) exist on x86 targets only, so Cortex-M builds keep the smaller argument structs.
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define TINYML_X86_HINTS 1
#else
#define TINYML_X86_HINTS 0
#endif

#define TINYML_ABI_CAT2(a, b) a##_##b
#define TINYML_ABI_CAT(a, b) TINYML_ABI_CAT2(a, b)
#define TINYML_ABI TINYML_ABI_CAT(v0_1, TINYML_ABI_ARCH)

#if defined(TINYML_ENABLE_DCHECK)
extern "C" void tinyml_assert_failed(const char* file, int line, const char* expr);
#define TINYML_DCHECK(cond) \
  ((cond) ? static_cast<void>(0) : tinyml_assert_failed(__FILE__, __LINE__, #cond))
#else
#define TINYML_DCHECK(cond) static_cast<void>(0)
#endif

/// Propagates a non-Ok status to the caller.
#define TINYML_TRY(expr)                                                       \
  do {                                                                         \
    if (const ::tinyml::Status tinyml_s_ = (expr); tinyml_s_ != ::tinyml::Status::kOk) \
      return tinyml_s_;                                                        \
  } while (0)

namespace tinyml {
inline namespace TINYML_ABI {
/// Alignment (bytes) required of the model bytes and of the arena.
inline constexpr std::size_t kModelAlignment = 16;
inline constexpr std::size_t kArenaAlignment = 16;
/// Alignment of every activation tensor inside the arena.
inline constexpr std::size_t kTensorAlignment = 16;
}  // namespace TINYML_ABI
}  // namespace tinyml
