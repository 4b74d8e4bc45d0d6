// SPDX-License-Identifier: Apache-2.0
// AVX-512 int8 pooling. Max: 64 channels per vector (VPMAXSB). Average: 16 channels per vector,
// int32 sums, then the reference's rounded division (acc +/- count/2) / count done in float:
// exact, because every operand has |value| < 2^24 (count <= kMaxFloatCount), so the correctly
// rounded quotient never crosses an integer and truncation gives the C division's result.
// The last block overlaps the previous one when the channel count is not a multiple of the
// step. Fewer channels than one vector (64 / 16) use the AVX2 kernel; windows larger than
// kMaxFloatCount taps the reference.
//
// Contract: as kernels::PoolS8Args; no scratch. Numerics: bit-exact with the reference.
#pragma once

#include "tinyml/kernels/arch/avx512/isa.hpp"

#if defined(TINYML_AVX512_KERNELS)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/avx512/primitives.hpp"
#include "tinyml/kernels/pool_s8.hpp"

TINYML_AVX512_DIAGNOSTICS_PUSH

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct MaxPoolS8<arch::Avx512> {
  using ImplArch = arch::Avx512;
  static std::size_t scratch_bytes(const PoolS8Args& a) noexcept {
    return a.channels >= 64 ? 0 : MaxPoolS8<arch::Avx2>::scratch_bytes(a);
  }
  static void run(const PoolS8Args& a, void* scratch) noexcept {
    if (a.channels < 64) {
      MaxPoolS8<arch::Avx2>::run(a, scratch);
      return;
    }
    const __m512i lo = _mm512_set1_epi8(static_cast<char>(a.act_min));
    const __m512i hi = _mm512_set1_epi8(static_cast<char>(a.act_max));
    detail::for_each_window(a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox,
                                   std::int32_t y0, std::int32_t y1, std::int32_t x0,
                                   std::int32_t x1) {
      std::int8_t* out = a.output + ((static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w + ox) * a.channels;
      for (std::int32_t cb = 0; cb < a.channels; cb += 64) {
        const std::int32_t c = cb + 64 <= a.channels ? cb : a.channels - 64;
        __m512i m = _mm512_set1_epi8(-128);
        for (std::int32_t y = y0; y < y1; ++y) {
          const std::int8_t* row = a.input + ((static_cast<std::ptrdiff_t>(b) * a.in_h + y) * a.in_w) * a.channels + c;
          for (std::int32_t x = x0; x < x1; ++x) {
            m = _mm512_max_epi8(m, _mm512_loadu_si512(row + static_cast<std::ptrdiff_t>(x) * a.channels));
          }
        }
        _mm512_storeu_si512(out + c, _mm512_min_epi8(_mm512_max_epi8(m, lo), hi));
      }
    });
  }
};

template <>
struct AveragePoolS8<arch::Avx512> {
  using ImplArch = arch::Avx512;
  /// Largest window whose rounded sums stay below 2^24 in magnitude (128 * n + n / 2 < 2^24).
  static constexpr std::int64_t kMaxFloatCount = 130000;

  static bool handles(const PoolS8Args& a) noexcept {
    return a.channels >= 16 && static_cast<std::int64_t>(a.filter_h) * a.filter_w <= kMaxFloatCount;
  }
  static std::size_t scratch_bytes(const PoolS8Args& a) noexcept {
    return handles(a) ? 0 : AveragePoolS8<arch::Avx2>::scratch_bytes(a);
  }
  static void run(const PoolS8Args& a, void* scratch) noexcept {
    if (!handles(a)) {
      AveragePoolS8<arch::Avx2>::run(a, scratch);
      return;
    }
    const __m512i lo = _mm512_set1_epi32(a.act_min), hi = _mm512_set1_epi32(a.act_max);
    const __m512i zero = _mm512_setzero_si512();
    detail::for_each_window(a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox,
                                   std::int32_t y0, std::int32_t y1, std::int32_t x0,
                                   std::int32_t x1) {
      const std::int32_t count = (y1 - y0) * (x1 - x0);
      const __m512i half = _mm512_set1_epi32(count / 2);
      const __m512 divisor = _mm512_set1_ps(static_cast<float>(count));
      std::int8_t* out = a.output + ((static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w + ox) * a.channels;
      for (std::int32_t cb = 0; cb < a.channels; cb += 16) {
        const std::int32_t c = cb + 16 <= a.channels ? cb : a.channels - 16;
        __m512i acc = zero;
        for (std::int32_t y = y0; y < y1; ++y) {
          const std::int8_t* row = a.input + ((static_cast<std::ptrdiff_t>(b) * a.in_h + y) * a.in_w) * a.channels + c;
          for (std::int32_t x = x0; x < x1; ++x) {
            acc = _mm512_add_epi32(acc, avx512::load16_s8_i32(row + static_cast<std::ptrdiff_t>(x) * a.channels));
          }
        }
        // acc > 0: acc + count/2, else acc - count/2; then divide, truncating toward zero.
        const __m512i n = _mm512_mask_add_epi32(_mm512_sub_epi32(acc, half), _mm512_cmpgt_epi32_mask(acc, zero), acc, half);
        __m512i q = _mm512_cvttps_epi32(_mm512_div_ps(_mm512_cvtepi32_ps(n), divisor));
        q = _mm512_min_epi32(_mm512_max_epi32(q, lo), hi);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c), _mm512_cvtsepi32_epi8(q));
      }
    });
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

TINYML_AVX512_DIAGNOSTICS_POP

#endif  // TINYML_AVX512_KERNELS
