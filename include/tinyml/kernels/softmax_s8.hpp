// SPDX-License-Identifier: Apache-2.0
// int8 softmax over the last dimension; output scale 1/256, zero point -128.
//
// Contract: input and output [outer, depth]; parameters from prepare (input_multiplier,
//   input_left_shift, diff_min as TFLite's PreprocessSoftmaxScaling/CalculateInputRadius give them).
// Numerics: bit-exact with TFLite's reference_ops::Softmax for int8 (gemmlowp fixed point): input
//   differences to the row max are rescaled into Q5.26, exponentiated with exp_on_negative_values,
//   summed in Q12.19, inverted with one_over_one_plus_x_for_x_in_0_1, and each output is the
//   rounding right shift of reciprocal*exp, offset by -128 and saturated.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct SoftmaxS8Args {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t outer = 0, depth = 0;
  std::int32_t input_multiplier = 0;
  std::int32_t input_left_shift = 0;
  std::int32_t diff_min = 0;
};

template <class Arch>
struct SoftmaxS8 : SoftmaxS8<typename Arch::Parent> {};

template <>
struct SoftmaxS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static constexpr int kScaledDiffIntegerBits = 5;
  static constexpr int kAccumulationIntegerBits = 12;
  static std::size_t scratch_bytes(const SoftmaxS8Args&) noexcept { return 0; }

  static void run(const SoftmaxS8Args& a, void* /*scratch*/) noexcept {
    for (std::int32_t i = 0; i < a.outer; ++i) {
      const std::int8_t* in = a.input + i * a.depth;
      std::int8_t* out = a.output + i * a.depth;
      std::int32_t max_in_row = -128;
      for (std::int32_t c = 0; c < a.depth; ++c) max_in_row = in[c] > max_in_row ? in[c] : max_in_row;

      std::int32_t sum_of_exps = 0;  // Q12.19
      for (std::int32_t c = 0; c < a.depth; ++c) {
        const std::int32_t diff = in[c] - max_in_row;
        if (diff >= a.diff_min) {
          sum_of_exps = quant::wrapping_add(
              sum_of_exps, quant::saturating_rounding_mul_by_pot(exp_of(a, diff),
                                                                 -kAccumulationIntegerBits));
        }
      }
      int num_bits_over_unit = 0;
      const std::int32_t reciprocal =
          quant::get_reciprocal(sum_of_exps, kAccumulationIntegerBits, &num_bits_over_unit);
      for (std::int32_t c = 0; c < a.depth; ++c) {
        const std::int32_t diff = in[c] - max_in_row;
        if (diff >= a.diff_min) {
          const std::int32_t prod =
              quant::saturating_rounding_doubling_high_mul(reciprocal, exp_of(a, diff));
          // The exponent exceeds 31 only when the row's exp-sum reaches 512 (depth >= 512 near
          // the max); the reference then shifts an int32 by >= 32, which C++ leaves undefined.
          // We return the mathematically rounded value there (0 for any |prod| < 2^31).
          const int exponent = num_bits_over_unit + 31 - 8;
          const std::int32_t unsat =
              exponent <= 31 ? quant::rounding_divide_by_pot(prod, exponent) : 0;
          out[c] = static_cast<std::int8_t>(clamp_i32(unsat - 128, -128, 127));
        } else {
          out[c] = -128;
        }
      }
    }
  }

 private:
  static std::int32_t exp_of(const SoftmaxS8Args& a, std::int32_t diff) noexcept {
    const std::int32_t rescaled = quant::saturating_rounding_doubling_high_mul(
        quant::wrapping_shl(diff, a.input_left_shift), a.input_multiplier);
    return quant::exp_on_negative_values<kScaledDiffIntegerBits>(rescaled);
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
