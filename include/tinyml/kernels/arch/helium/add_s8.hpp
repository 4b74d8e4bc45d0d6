// SPDX-License-Identifier: Apache-2.0
// Helium (MVE) int8 ADD without broadcasting: four elements per step (VLDRB.S32 widens them),
// the zero point and the left shift applied by one VMLA ((x + off) << ls = x * 2^ls + off * 2^ls,
// exact modulo 2^32), then the three requantizations on vectors (mve::RequantN, branch-free) and
// one narrowing store; the last partial step is predicated. Broadcasting uses the parent (DSP)
// path. No scratch.
//
// Contract: as kernels::AddS8 (the output may alias a non-broadcast input: every element is
//   loaded before it is stored).
// Numerics: bit-exact with the reference (mve::RequantN's steps are mve::requantize's, which equal
//   multiply_by_quantized_multiplier for multipliers >= 0; others use the parent path).
#pragma once
#if defined(__ARM_FEATURE_MVE) && !defined(TINYML_FORCE_GENERIC)

#include <arm_mve.h>

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/add_s8.hpp"
#include "tinyml/kernels/arch/helium/primitives.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct AddS8<arch::Helium> {
  using ImplArch = arch::Helium;
  using Parent = AddS8<arch::CortexMDsp>;
  static std::size_t scratch_bytes(const AddS8Args& a) noexcept { return Parent::scratch_bytes(a); }
  static void run(const AddS8Args& a, void* scratch) noexcept {
    if (a.broadcast || a.left_shift < 0 || a.left_shift > 31 || a.in1_multiplier < 0 ||
        a.in2_multiplier < 0 || a.output_multiplier < 0) {
      Parent::run(a, scratch);
      return;
    }
    const std::int32_t n = a.out_dims[0] * a.out_dims[1] * a.out_dims[2] * a.out_dims[3];
    const auto scale = static_cast<std::int32_t>(std::uint32_t{1} << a.left_shift);
    const int32x4_t off1 = vdupq_n_s32(quant::wrapping_shl(a.in1_offset, a.left_shift));
    const int32x4_t off2 = vdupq_n_s32(quant::wrapping_shl(a.in2_offset, a.left_shift));
    const mve::OutStage stage{a.output_offset, a.act_min, a.act_max};
    const mve::RequantN r1(a.in1_multiplier, a.in1_shift);
    const mve::RequantN r2(a.in2_multiplier, a.in2_shift);
    const mve::RequantN ro(a.output_multiplier, a.output_shift);
    auto four = [&](int32x4_t xv, int32x4_t yv) {
      const int32x4_t x = vmlaq_n_s32(off1, xv, scale);
      const int32x4_t y = vmlaq_n_s32(off2, yv, scale);
      return stage.apply(ro(vaddq_s32(r1(x), r2(y))));
    };
    std::int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
      vstrbq_s32(a.output + i, four(vldrbq_s32(a.in1 + i), vldrbq_s32(a.in2 + i)));
    }
    if (i < n) {
      const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(n - i));
      vstrbq_p_s32(a.output + i, four(vldrbq_z_s32(a.in1 + i, p), vldrbq_z_s32(a.in2 + i, p)), p);
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_MVE
