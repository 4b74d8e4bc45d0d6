// SPDX-License-Identifier: Apache-2.0
// The instruction set of the AVX-512 kernels (AVX-512F + BW + VNNI, on top of AVX2), real or
// emulated.
//
// TINYML_AVX512_KERNELS is defined when the kernels under kernels/arch/avx512/ are compiled:
//   * a build whose target has AVX-512F, BW and VNNI (e.g. -mavx512bw -mavx512vnni, or
//     -march=native on such a CPU): <immintrin.h>, the real instructions;
//   * TINYML_AVX512_EMULATE (test builds only, on any AVX2 machine): the same _mm512_* source is
//     compiled against SIMDe's portable implementations (libsimde-dev) through its native
//     aliases, so the kernels can be checked bit for bit where the CPU has no AVX-512. The few
//     intrinsics SIMDe 0.7 lacks are supplied below from AVX2 halves or scalar loops, with the
//     instructions' documented semantics (tests/unit/test_avx512_emulated.cpp checks them).
// TINYML_AVX512_NATIVE is defined in the first case only.
#pragma once

#if !defined(TINYML_FORCE_GENERIC) && defined(__AVX2__) &&                                    \
    ((defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__)) ||            \
     defined(TINYML_AVX512_EMULATE))
#define TINYML_AVX512_KERNELS 1

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__)
#define TINYML_AVX512_NATIVE 1
#include <immintrin.h>
#else
#if !defined(SIMDE_ENABLE_NATIVE_ALIASES)
#define SIMDE_ENABLE_NATIVE_ALIASES
#endif
#include <immintrin.h>
#if defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
// AVX-512F target without VNNI: SIMDe calls GCC's AVX-512 intrinsics (see the note below).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <simde/x86/avx512.h>
#pragma GCC diagnostic pop
#else
#include <simde/x86/avx512.h>
#endif

#include <cstdint>
#include <cstring>

namespace tinyml_avx512_emu {

inline __m512i join(__m256i lo, __m256i hi) noexcept {
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}
inline __m256i lo256(__m512i v) noexcept { return _mm512_castsi512_si256(v); }
inline __m256i hi256(__m512i v) noexcept { return _mm512_extracti64x4_epi64(v, 1); }

/// VPSRAVD: per-lane arithmetic right shift (counts above 31 fill with the sign).
inline __m512i srav_epi32(__m512i a, __m512i count) noexcept {
  return join(_mm256_srav_epi32(lo256(a), lo256(count)), _mm256_srav_epi32(hi256(a), hi256(count)));
}
/// VPSRAVQ: per-lane 64-bit arithmetic right shift (counts above 63 fill with the sign).
inline __m512i srav_epi64(__m512i a, __m512i count) noexcept {
  std::int64_t x[8], c[8];
  std::memcpy(x, &a, sizeof x);
  std::memcpy(c, &count, sizeof c);
  for (int i = 0; i < 8; ++i) {
    const std::uint64_t n = static_cast<std::uint64_t>(c[i]);
    x[i] = n > 63 ? (x[i] < 0 ? -1 : 0) : (x[i] >> n);  // >> of a negative: arithmetic in GCC/Clang
  }
  __m512i r;
  std::memcpy(&r, x, sizeof r);
  return r;
}
/// VPMOVSXBD: 16 int8 -> 16 int32.
inline __m512i cvtepi8_epi32(__m128i a) noexcept {
  return join(_mm256_cvtepi8_epi32(a), _mm256_cvtepi8_epi32(_mm_srli_si128(a, 8)));
}
/// VMOVDQU8 with a zeroing mask: bytes whose mask bit is clear are 0 and never read.
inline __m512i maskz_loadu_epi8(std::uint64_t k, const void* p) noexcept {
  unsigned char b[64] = {};
  const auto* s = static_cast<const unsigned char*>(p);
  for (int i = 0; i < 64; ++i) {
    if ((k >> i) & 1u) b[i] = s[i];
  }
  __m512i r;
  std::memcpy(&r, b, sizeof r);
  return r;
}
/// VMOVDQU8 store with a mask: only bytes whose mask bit is set are written.
inline void mask_storeu_epi8(void* p, std::uint64_t k, __m512i a) noexcept {
  unsigned char b[64];
  std::memcpy(b, &a, sizeof b);
  auto* d = static_cast<unsigned char*>(p);
  for (int i = 0; i < 64; ++i) {
    if ((k >> i) & 1u) d[i] = b[i];
  }
}
/// VCVTDQ2PS and VCVTTPS2DQ (truncation toward zero).
inline __m512 cvtepi32_ps(__m512i a) noexcept {
  const __m256 lo = _mm256_cvtepi32_ps(lo256(a)), hi = _mm256_cvtepi32_ps(hi256(a));
  return _mm512_insertf32x8(_mm512_castps256_ps512(lo), hi, 1);
}
inline __m512i cvttps_epi32(__m512 a) noexcept {
  return join(_mm256_cvttps_epi32(_mm512_castps512_ps256(a)),
              _mm256_cvttps_epi32(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1))));
}

}  // namespace tinyml_avx512_emu

#if !defined(_mm512_srav_epi32)
#define _mm512_srav_epi32(a, c) ::tinyml_avx512_emu::srav_epi32((a), (c))
#endif
#if !defined(_mm512_srav_epi64)
#define _mm512_srav_epi64(a, c) ::tinyml_avx512_emu::srav_epi64((a), (c))
#endif
#if !defined(_mm512_cvtepi8_epi32)
#define _mm512_cvtepi8_epi32(a) ::tinyml_avx512_emu::cvtepi8_epi32(a)
#endif
#if !defined(_mm512_maskz_loadu_epi8)
#define _mm512_maskz_loadu_epi8(k, p) ::tinyml_avx512_emu::maskz_loadu_epi8((k), (p))
#endif
#if !defined(_mm512_mask_storeu_epi8)
#define _mm512_mask_storeu_epi8(p, k, a) ::tinyml_avx512_emu::mask_storeu_epi8((p), (k), (a))
#endif
#if !defined(_mm512_cvtepi32_ps)
#define _mm512_cvtepi32_ps(a) ::tinyml_avx512_emu::cvtepi32_ps(a)
#endif
#if !defined(_mm512_cvttps_epi32)
#define _mm512_cvttps_epi32(a) ::tinyml_avx512_emu::cvttps_epi32(a)
#endif

#endif  // native or emulated

// GCC before 13 reports -W(maybe-)uninitialized inside its own AVX-512 intrinsics (their
// _mm512_undefined_* self-initialisation, GCC PR 105593) wherever they are inlined; -Werror makes
// that fatal. The avx512 kernel headers wrap their code in these (the state at the inlined
// function's definition is what counts). Also when emulating on a CPU target with AVX-512F but
// no VNNI, where SIMDe itself calls the native AVX-512 intrinsics.
#if defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#define TINYML_AVX512_DIAGNOSTICS_PUSH                   \
  _Pragma("GCC diagnostic push")                         \
  _Pragma("GCC diagnostic ignored \"-Wuninitialized\"") \
  _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
#define TINYML_AVX512_DIAGNOSTICS_POP _Pragma("GCC diagnostic pop")
#else
#define TINYML_AVX512_DIAGNOSTICS_PUSH
#define TINYML_AVX512_DIAGNOSTICS_POP
#endif
#endif  // TINYML_AVX512_KERNELS
