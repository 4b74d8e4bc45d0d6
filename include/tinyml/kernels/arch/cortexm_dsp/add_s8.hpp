// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 ADD without broadcasting: one element per step, scalar. The zero point and the
// left shift are one MLA ((x + off) << ls = x * 2^ls + (off << ls), exact modulo 2^32); each
// requantization uses the one-SMLAL form of primitives.hpp (requantize_rs) when its shift is
// <= -2 and dsp::requantize otherwise (the branch is loop-invariant). Broadcasting uses the
// reference path. No scratch.
//
// Contract: as kernels::AddS8 (the output may alias a non-broadcast input: every element is
//   loaded before it is stored).
// Numerics: bit-exact with the reference (requantize_rs / requantize equal
//   multiply_by_quantized_multiplier for multipliers >= 0; negative multipliers use the
//   reference path).
#pragma once
#if defined(__ARM_FEATURE_DSP) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/add_s8.hpp"
#include "tinyml/kernels/arch/cortexm_dsp/primitives.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace dsp {

/// One requantization step of ADD with its constants prepared once.
struct AddRq {
  RightShiftQ q;
  std::int32_t multiplier;
  int shift;
  bool rs;
  AddRq(std::int32_t m, int s) noexcept
      : q{}, multiplier(m), shift(s), rs(right_shift_q(m, s, &q)) {}
  std::int32_t operator()(std::int32_t x) const noexcept {
    return rs ? requantize_rs(x, q.multiplier, q.round_hi, q.shift_m1)
              : requantize(x, multiplier, shift);
  }
};

}  // namespace dsp

template <>
struct AddS8<arch::CortexMDsp> {
  using ImplArch = arch::CortexMDsp;
  static std::size_t scratch_bytes(const AddS8Args&) noexcept { return 0; }
  static void run(const AddS8Args& a, void* scratch) noexcept {
    if (a.broadcast || a.left_shift < 0 || a.left_shift > 31 || a.in1_multiplier < 0 ||
        a.in2_multiplier < 0 || a.output_multiplier < 0) {
      AddS8<arch::Generic>::run(a, scratch);
      return;
    }
    const std::int32_t n = a.out_dims[0] * a.out_dims[1] * a.out_dims[2] * a.out_dims[3];
    const auto scale = static_cast<std::uint32_t>(std::uint32_t{1} << a.left_shift);
    const auto off1 = static_cast<std::uint32_t>(quant::wrapping_shl(a.in1_offset, a.left_shift));
    const auto off2 = static_cast<std::uint32_t>(quant::wrapping_shl(a.in2_offset, a.left_shift));
    const dsp::AddRq r1(a.in1_multiplier, a.in1_shift);
    const dsp::AddRq r2(a.in2_multiplier, a.in2_shift);
    const dsp::AddRq ro(a.output_multiplier, a.output_shift);
    const dsp::OutClamp cl{a.output_offset, a.act_min, a.act_max};
    const std::int8_t* in1 = a.in1;
    const std::int8_t* in2 = a.in2;
    std::int8_t* out = a.output;
    for (std::int32_t i = 0; i < n; ++i) {
      const auto x = static_cast<std::int32_t>(static_cast<std::uint32_t>(in1[i]) * scale + off1);
      const auto y = static_cast<std::int32_t>(static_cast<std::uint32_t>(in2[i]) * scale + off2);
      const std::int32_t s = quant::wrapping_add(r1(x), r2(y));
      out[i] = cl.one(ro(s));
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_DSP
