// SPDX-License-Identifier: Apache-2.0
// int8 activations: table lookup (LOGISTIC, TANH), RELU / RELU6 / RELU_N1_TO_1, LEAKY_RELU,
// HARD_SWISH and PRELU (alpha broadcast up to 6-D).
//
// Contract: input and output have `count` elements (PRELU: the output has the input's shape and
//   alpha broadcasts into it); parameters come from the ops' prepare. Output never aliases input.
// Numerics: bit-exact with the kernels LiteRT's reference resolver runs:
//   * LOGISTIC, TANH: a 256-entry table filled at prepare as TFLite's LUTPopulate<int8_t> does,
//     in float: dequantize, f(x), multiply by 1/output_scale, round half away, add the zero point,
//     clamp (populate_lut_s8);
//   * RELU family: (x - zx) requantized by input_scale/output_scale, + zero point, clamped to the
//     activation's quantized bounds (reference_ops::ReluX);
//   * LEAKY_RELU: the identity multiplier for x >= zx, the alpha multiplier otherwise; a negative
//     alpha multiplier is applied as its magnitude and the result negated
//     (reference_ops::QuantizeLeakyRelu);
//   * HARD_SWISH: reference_ops::HardSwish's 16-bit fixed point (int16 high multiplies, the
//     "reluish" multiplier with saturating shifts, truncating doubling high mul, int16 wrap of the
//     zero point addition);
//   * PRELU: x requantized by multiplier 1 when x - zx >= 0, else (x - zx) * (alpha - za) by
//     multiplier 2 (reference_ops::BroadcastPrelu4DSlow / Prelu).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/binary_s8.hpp"
#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

// ---- LOGISTIC / TANH (table) -------------------------------------------------------------------

/// Fills lut[static_cast<uint8_t>(q)] = quantized f(dequantized q) for every int8 q, in float as
/// TFLite's LUTPopulate<int8_t>. A value beyond the int32 range (a huge 1/output_scale) saturates,
/// as LiteRT's build of it does (the C++ conversion itself would be undefined).
inline void populate_lut_s8(float input_scale, std::int32_t input_zero_point, float output_scale,
                            std::int32_t output_zero_point, float (*f)(float),
                            std::int8_t* lut) noexcept {
  const float inverse_scale = 1.0f / output_scale;
  for (std::int32_t v = -128; v <= 127; ++v) {
    const float x = input_scale * static_cast<float>(v - input_zero_point);
    const float rescaled = std::round(f(x) * inverse_scale);
    const float shifted = rescaled + static_cast<float>(output_zero_point);
    const std::int32_t q = shifted >= 2147483648.0f    ? quant::kInt32Max
                           : shifted >= -2147483648.0f ? static_cast<std::int32_t>(shifted)
                                                       : quant::kInt32Min;
    lut[static_cast<std::uint8_t>(static_cast<std::int8_t>(v))] =
        static_cast<std::int8_t>(clamp_i32(q, -128, 127));
  }
}

/// The reference's transforms, in float.
inline float logistic_f32(float x) noexcept { return 1.0f / (1.0f + std::exp(-x)); }
inline float tanh_f32(float x) noexcept { return std::tanh(x); }

struct LutS8Args {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t count = 0;
  const std::int8_t* lut = nullptr;  ///< 256 entries, indexed by the input's bit pattern
};

template <class Arch>
struct LutS8 : LutS8<typename Arch::Parent> {};

template <>
struct LutS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const LutS8Args&) noexcept { return 0; }
  static void run(const LutS8Args& a, void* /*scratch*/) noexcept {
    for (std::int32_t i = 0; i < a.count; ++i) {
      a.output[i] = a.lut[static_cast<std::uint8_t>(a.input[i])];
    }
  }
};

// ---- RELU / RELU6 / RELU_N1_TO_1 ---------------------------------------------------------------

struct ReluS8Args {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t count = 0;
  std::int32_t input_zero_point = 0, output_zero_point = 0;
  std::int32_t multiplier = 0;  ///< input_scale / output_scale
  std::int32_t shift = 0;
  std::int32_t act_min = -128, act_max = 127;
};

template <class Arch>
struct ReluS8 : ReluS8<typename Arch::Parent> {};

template <>
struct ReluS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const ReluS8Args&) noexcept { return 0; }
  static void run(const ReluS8Args& a, void* /*scratch*/) noexcept {
    for (std::int32_t i = 0; i < a.count; ++i) {
      a.output[i] = requantize(a.input[i] - a.input_zero_point, a.multiplier, a.shift,
                               a.output_zero_point, a.act_min, a.act_max);
    }
  }
};

// ---- LEAKY_RELU --------------------------------------------------------------------------------

struct LeakyReluS8Args {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t count = 0;
  std::int32_t input_zero_point = 0, output_zero_point = 0;
  std::int32_t identity_multiplier = 0, identity_shift = 0;
  std::int32_t alpha_multiplier = 0, alpha_shift = 0;  ///< magnitude (wrapping) of a negative one
  bool alpha_negative = false;
};

template <class Arch>
struct LeakyReluS8 : LeakyReluS8<typename Arch::Parent> {};

template <>
struct LeakyReluS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const LeakyReluS8Args&) noexcept { return 0; }
  static void run(const LeakyReluS8Args& a, void* /*scratch*/) noexcept {
    for (std::int32_t i = 0; i < a.count; ++i) {
      const std::int32_t x = a.input[i] - a.input_zero_point;
      std::int32_t v;
      if (x >= 0) {
        v = quant::multiply_by_quantized_multiplier(x, a.identity_multiplier, a.identity_shift);
      } else {
        v = quant::multiply_by_quantized_multiplier(x, a.alpha_multiplier, a.alpha_shift);
        if (a.alpha_negative) v = quant::wrapping_sub(0, v);
      }
      a.output[i] =
          static_cast<std::int8_t>(clamp_i32(quant::wrapping_add(v, a.output_zero_point), -128, 127));
    }
  }
};

// ---- HARD_SWISH --------------------------------------------------------------------------------

struct HardSwishS8Args {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t count = 0;
  std::int32_t input_zero_point = 0, output_zero_point = 0;
  std::int16_t output_multiplier = 0;   ///< Q0.15, from hires_input_scale / output_scale
  std::int32_t output_exponent = 0;     ///< <= 0
  std::int16_t reluish_multiplier = 0;  ///< Q0.15, from hires_input_scale / (3 / 32768)
  std::int32_t reluish_exponent = 0;
};

namespace detail {
constexpr std::int16_t wrap_i16(std::int32_t v) noexcept {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<std::uint32_t>(v)));
}
constexpr std::int16_t sat_i16(std::int64_t v) noexcept {
  return static_cast<std::int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}
/// gemmlowp's int16 SaturatingRoundingDoublingHighMul (ties toward +inf).
constexpr std::int16_t srdhm_i16(std::int16_t a, std::int16_t b) noexcept {
  if (a == b && a == -32768) return 32767;
  const std::int32_t ab = static_cast<std::int32_t>(a) * b;
  const std::int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return wrap_i16((ab + nudge) / (1 << 15));
}
/// Doubling high mul truncating toward zero (the reference's SaturatingDoublingHighMul).
constexpr std::int16_t sdhm_i16(std::int16_t a, std::int16_t b) noexcept {
  if (a == b && a == -32768) return 32767;
  return wrap_i16((static_cast<std::int32_t>(a) * b) / (1 << 15));
}
/// gemmlowp's RoundingDivideByPOT on int16, exponent in [0, 31]: the mask is the int16
/// truncation of 2^e - 1, so exponents >= 16 give 1 for x >= 0 and -1 for x < 0, as there.
constexpr std::int16_t rounding_divide_by_pot_i16(std::int16_t x, int exponent) noexcept {
  const std::int16_t mask =
      wrap_i16(static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1));
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return wrap_i16((x >> exponent) + (remainder > threshold ? 1 : 0));
}
constexpr std::int16_t saturating_left_shift_i16(std::int16_t v, int amount) noexcept {
  return sat_i16(static_cast<std::int64_t>(v) * (std::int64_t{1} << amount));
}

constexpr std::int8_t hard_swish_one(const HardSwishS8Args& a, std::int32_t in) noexcept {
  const std::int16_t x = wrap_i16(in - a.input_zero_point);
  const std::int16_t hires = wrap_i16(x * (1 << 7));
  const std::int16_t preshift_out = srdhm_i16(hires, a.output_multiplier);
  std::int16_t reluish = hires;
  if (a.reluish_exponent > 0) reluish = saturating_left_shift_i16(reluish, a.reluish_exponent - 1);
  reluish = srdhm_i16(reluish, a.reluish_multiplier);
  if (a.reluish_exponent > 0) reluish = saturating_left_shift_i16(reluish, 1);
  if (a.reluish_exponent < 0) reluish = rounding_divide_by_pot_i16(reluish, -a.reluish_exponent);
  reluish = wrap_i16((reluish + (1 << 15)) >> 1);  // [-1, 1] -> [0, 1]
  const std::int16_t preshift = sdhm_i16(reluish, preshift_out);
  std::int16_t out = rounding_divide_by_pot_i16(preshift, -a.output_exponent);
  out = wrap_i16(out + a.output_zero_point);
  return static_cast<std::int8_t>(clamp_i32(out, -128, 127));
}
}  // namespace detail

template <class Arch>
struct HardSwishS8 : HardSwishS8<typename Arch::Parent> {};

template <>
struct HardSwishS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const HardSwishS8Args&) noexcept { return 0; }
  static void run(const HardSwishS8Args& a, void* /*scratch*/) noexcept {
    for (std::int32_t i = 0; i < a.count; ++i) a.output[i] = detail::hard_swish_one(a, a.input[i]);
  }
};

// ---- PRELU -------------------------------------------------------------------------------------

struct PreluS8Args {
  const std::int8_t* input = nullptr;
  const std::int8_t* alpha = nullptr;
  std::int8_t* output = nullptr;
  BroadcastS8 shape;  ///< in1 = input, in2 = alpha
  std::int32_t input_offset = 0, alpha_offset = 0, output_offset = 0;  ///< -zx, -za, +zo
  std::int32_t multiplier_1 = 0, shift_1 = 0;  ///< input_scale / output_scale
  std::int32_t multiplier_2 = 0, shift_2 = 0;  ///< input_scale * alpha_scale / output_scale
};

template <class Arch>
struct PreluS8 : PreluS8<typename Arch::Parent> {};

template <>
struct PreluS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const PreluS8Args&) noexcept { return 0; }
  static void run(const PreluS8Args& a, void* /*scratch*/) noexcept {
    detail::broadcast_apply(a.shape, a.input, a.alpha, a.output,
                            [&a](std::int32_t x, std::int32_t al) {
                              const std::int32_t v = x + a.input_offset;
                              return v >= 0
                                         ? requantize(v, a.multiplier_1, a.shift_1, a.output_offset,
                                                      -128, 127)
                                         : requantize(v * (al + a.alpha_offset), a.multiplier_2,
                                                      a.shift_2, a.output_offset, -128, 127);
                            });
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
