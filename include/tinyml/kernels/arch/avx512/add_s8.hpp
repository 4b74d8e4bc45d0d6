// SPDX-License-Identifier: Apache-2.0
// AVX-512 int8 ADD: 16 elements per step through the reference's integer pipeline (offset, shift
// left 20, per-input requantize, wrapping sum, output requantize, zero point, clamp), scalar
// tails. Broadcasting ADDs run the same rows: the innermost dimension of each input is either
// contiguous or broadcast (stride 0, one value splatted).
//
// Contract: as kernels::AddS8Args; no scratch. Numerics: bit-exact with the reference.
#pragma once

#include "tinyml/kernels/arch/avx512/isa.hpp"

#if defined(TINYML_AVX512_KERNELS)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/add_s8.hpp"
#include "tinyml/kernels/arch/avx512/primitives.hpp"

TINYML_AVX512_DIAGNOSTICS_PUSH

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct AddS8<arch::Avx512> {
  using ImplArch = arch::Avx512;
  static std::size_t scratch_bytes(const AddS8Args&) noexcept { return 0; }

  static void run(const AddS8Args& a, void* /*scratch*/) noexcept {
    const Pipeline pl(a);
    if (!a.broadcast) {
      const std::int32_t n = a.out_dims[0] * a.out_dims[1] * a.out_dims[2] * a.out_dims[3];
      row(a, pl, a.in1, 1, a.in2, 1, a.output, n);
      return;
    }
    std::int8_t* out = a.output;
    for (std::int32_t d0 = 0; d0 < a.out_dims[0]; ++d0) {
      for (std::int32_t d1 = 0; d1 < a.out_dims[1]; ++d1) {
        for (std::int32_t d2 = 0; d2 < a.out_dims[2]; ++d2) {
          const std::int32_t b1 = d0 * a.in1_stride[0] + d1 * a.in1_stride[1] + d2 * a.in1_stride[2];
          const std::int32_t b2 = d0 * a.in2_stride[0] + d1 * a.in2_stride[1] + d2 * a.in2_stride[2];
          row(a, pl, a.in1 + b1, a.in1_stride[3], a.in2 + b2, a.in2_stride[3], out, a.out_dims[3]);
          out += a.out_dims[3];
        }
      }
    }
  }

 private:
  struct Pipeline {
    __m512i off1, off2, shift;
    avx512::Quant16 q1, q2, qo;
    avx512::OutStage os;
    explicit Pipeline(const AddS8Args& a) noexcept
        : off1(_mm512_set1_epi32(a.in1_offset)),
          off2(_mm512_set1_epi32(a.in2_offset)),
          shift(_mm512_set1_epi32(a.left_shift)),
          q1(avx512::quant16(_mm512_set1_epi32(a.in1_multiplier), _mm512_set1_epi32(a.in1_shift))),
          q2(avx512::quant16(_mm512_set1_epi32(a.in2_multiplier), _mm512_set1_epi32(a.in2_shift))),
          qo(avx512::quant16(_mm512_set1_epi32(a.output_multiplier), _mm512_set1_epi32(a.output_shift))),
          os(a.output_offset, a.act_min, a.act_max) {}
    /// x, y: the inputs as int32 lanes.
    __m128i operator()(__m512i x, __m512i y) const noexcept {
      x = _mm512_sllv_epi32(_mm512_add_epi32(x, off1), shift);
      y = _mm512_sllv_epi32(_mm512_add_epi32(y, off2), shift);
      const __m512i sum = _mm512_add_epi32(avx512::requantize16(x, q1), avx512::requantize16(y, q2));
      return os(avx512::requantize16(sum, qo));
    }
  };

  /// n outputs from x (stride sx: 1 or 0) and y (stride sy).
  static void row(const AddS8Args& a, const Pipeline& pl, const std::int8_t* x, std::int32_t sx,
                  const std::int8_t* y, std::int32_t sy, std::int8_t* out, std::int32_t n) noexcept {
    if (n <= 0) return;
    const __m512i xs = _mm512_set1_epi32(x[0]), ys = _mm512_set1_epi32(y[0]);
    std::int32_t i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m512i xv = sx != 0 ? avx512::load16_s8_i32(x + i) : xs;
      const __m512i yv = sy != 0 ? avx512::load16_s8_i32(y + i) : ys;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), pl(xv, yv));
    }
    for (; i < n; ++i) out[i] = detail::add_one(a, x[i * sx], y[i * sy]);
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

TINYML_AVX512_DIAGNOSTICS_POP

#endif  // TINYML_AVX512_KERNELS
