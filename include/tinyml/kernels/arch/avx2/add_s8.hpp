// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 ADD without broadcast: 8 elements per step through the same integer pipeline as the
// reference (offset, shift left 20, per-input requantize, sum, output requantize, clamp).
// Broadcasting ADDs use the reference path.
//
// Contract: as kernels::AddS8Args; no scratch. Numerics: bit-exact with the reference.
#pragma once
#if defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/add_s8.hpp"
#include "tinyml/kernels/arch/avx2/primitives.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct AddS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const AddS8Args&) noexcept { return 0; }
  static void run(const AddS8Args& a, void* scratch) noexcept {
    if (a.broadcast) {
      AddS8<arch::Generic>::run(a, scratch);
      return;
    }
    const std::int32_t n = a.out_dims[0] * a.out_dims[1] * a.out_dims[2] * a.out_dims[3];
    const __m256i off1 = _mm256_set1_epi32(a.in1_offset), off2 = _mm256_set1_epi32(a.in2_offset);
    const __m256i m1 = _mm256_set1_epi32(a.in1_multiplier), m2 = _mm256_set1_epi32(a.in2_multiplier);
    const __m256i mo = _mm256_set1_epi32(a.output_multiplier);
    const avx2::Shifts8 s1 = avx2::broadcast_shift(a.in1_shift), s2 = avx2::broadcast_shift(a.in2_shift);
    const avx2::Shifts8 so = avx2::broadcast_shift(a.output_shift);
    const __m128i ls = _mm_cvtsi32_si128(a.left_shift);
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m256i lo = _mm256_set1_epi32(a.act_min), hi = _mm256_set1_epi32(a.act_max);
    std::int32_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const __m256i x = _mm256_sll_epi32(_mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a.in1 + i))), off1), ls);
      const __m256i y = _mm256_sll_epi32(_mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a.in2 + i))), off2), ls);
      const __m256i sum = _mm256_add_epi32(avx2::requantize8(x, m1, s1.left, s1.right),
                                           avx2::requantize8(y, m2, s2.left, s2.right));
      avx2::store8_s8(a.output + i, avx2::requantize8(sum, mo, so.left, so.right), out_off, lo, hi);
    }
    for (; i < n; ++i) a.output[i] = detail::add_one(a, a.in1[i], a.in2[i]);
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
