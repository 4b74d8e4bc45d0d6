// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 ADD without broadcast: 16 elements per step through the same integer pipeline as the
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
    // Per-tensor requantization constants, prepared once (lanes all equal).
    avx2::Requant8Params r1, r2, ro;
    avx2::make_requant8_params_scalar(&r1, a.in1_multiplier, a.in1_shift);
    avx2::make_requant8_params_scalar(&r2, a.in2_multiplier, a.in2_shift);
    avx2::make_requant8_params_scalar(&ro, a.output_multiplier, a.output_shift);
    const __m256i off1 = _mm256_set1_epi32(a.in1_offset), off2 = _mm256_set1_epi32(a.in2_offset);
    const __m128i ls = _mm_cvtsi32_si128(a.left_shift);
    const avx2::OutStage os(a.output_offset, a.act_min, a.act_max);
    std::int32_t i = 0;
    auto sum8 = [&](std::int32_t j) {
      const __m256i x = _mm256_sll_epi32(_mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a.in1 + j))), off1), ls);
      const __m256i y = _mm256_sll_epi32(_mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a.in2 + j))), off2), ls);
      // Bias lanes of the scalar constants are 0.
      constexpr auto rq = avx2::requant8_pre<avx2::Requant8Params, false>;
      return rq(_mm256_add_epi32(rq(x, r1), rq(y, r2)), ro);
    };
    for (; i + 16 <= n; i += 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(a.output + i), os.pack16(sum8(i), sum8(i + 8)));
    }
    for (; i + 8 <= n; i += 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(a.output + i), os.pack8(sum8(i)));
    }
    for (; i < n; ++i) a.output[i] = detail::add_one(a, a.in1[i], a.in2[i]);
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
