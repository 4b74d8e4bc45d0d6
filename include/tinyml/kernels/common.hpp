// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the int8 kernels: the primary-template/parent-chain helper and small math.
#pragma once

#include <cstdint>

#include "tinyml/arch/tags.hpp"
#include "tinyml/quant/fixed_point.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

constexpr std::int32_t clamp_i32(std::int32_t v, std::int32_t lo, std::int32_t hi) noexcept {
  return v < lo ? lo : (v > hi ? hi : v);
}

/// Requantizes an int32 accumulator to the output's int8 range (TFLite's order: scale, add the
/// output zero point, clamp to the fused activation range).
constexpr std::int8_t requantize(std::int32_t acc, std::int32_t multiplier, int shift,
                                 std::int32_t output_offset, std::int32_t act_min,
                                 std::int32_t act_max) noexcept {
  // Wrapping add: only absurd multipliers get near INT32_MIN, where the reference's int add
  // overflows (undefined in C++, wraps on every target it runs on).
  const std::int32_t v = quant::wrapping_add(
      quant::multiply_by_quantized_multiplier(acc, multiplier, shift), output_offset);
  return static_cast<std::int8_t>(clamp_i32(v, act_min, act_max));
}

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
