// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 pooling: max over 32 channels per vector; average sums 8 channels per vector in int32
// and divides with the reference's rounding (scalar division: no SIMD integer divide).
//
// Contract: as kernels::PoolS8Args; no scratch. Numerics: bit-exact with the reference.
#pragma once
#if defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/avx2/primitives.hpp"
#include "tinyml/kernels/pool_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct MaxPoolS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const PoolS8Args&) noexcept { return 0; }
  static void run(const PoolS8Args& a, void* scratch) noexcept {
    if (a.channels < 32) {
      MaxPoolS8<arch::Generic>::run(a, scratch);
      return;
    }
    const __m256i lo = _mm256_set1_epi8(static_cast<char>(a.act_min));
    const __m256i hi = _mm256_set1_epi8(static_cast<char>(a.act_max));
    detail::for_each_window(a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox,
                                   std::int32_t y0, std::int32_t y1, std::int32_t x0,
                                   std::int32_t x1) {
      std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * a.channels;
      for (std::int32_t cb = 0; cb < a.channels; cb += 32) {
        const std::int32_t c = cb + 32 <= a.channels ? cb : a.channels - 32;
        __m256i m = _mm256_set1_epi8(-128);
        for (std::int32_t y = y0; y < y1; ++y) {
          for (std::int32_t x = x0; x < x1; ++x) {
            m = _mm256_max_epi8(m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(
                                       a.input + ((b * a.in_h + y) * a.in_w + x) * a.channels + c)));
          }
        }
        m = _mm256_min_epi8(_mm256_max_epi8(m, lo), hi);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), m);
      }
    });
  }
};

template <>
struct AveragePoolS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const PoolS8Args&) noexcept { return 0; }
  static void run(const PoolS8Args& a, void* scratch) noexcept {
    if (a.channels < 8) {
      AveragePoolS8<arch::Generic>::run(a, scratch);
      return;
    }
    detail::for_each_window(a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox,
                                   std::int32_t y0, std::int32_t y1, std::int32_t x0,
                                   std::int32_t x1) {
      const std::int32_t count = (y1 - y0) * (x1 - x0);
      std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * a.channels;
      for (std::int32_t cb = 0; cb < a.channels; cb += 8) {
        const std::int32_t c = cb + 8 <= a.channels ? cb : a.channels - 8;
        __m256i acc = _mm256_setzero_si256();
        for (std::int32_t y = y0; y < y1; ++y) {
          for (std::int32_t x = x0; x < x1; ++x) {
            acc = _mm256_add_epi32(acc, _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(
                                            a.input + ((b * a.in_h + y) * a.in_w + x) * a.channels + c))));
          }
        }
        alignas(32) std::int32_t s[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(s), acc);
        for (int j = 0; j < 8; ++j) {
          const std::int32_t v = s[j] > 0 ? (s[j] + count / 2) / count : (s[j] - count / 2) / count;
          out[c + j] = static_cast<std::int8_t>(clamp_i32(v, a.act_min, a.act_max));
        }
      }
    });
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
