// SPDX-License-Identifier: Apache-2.0
// int8 elementwise binary ops with broadcasting up to 6-D: MUL, SUB, SQUARED_DIFFERENCE,
// MAXIMUM, MINIMUM (and the broadcast walk PRELU shares).
//
// Contract: BroadcastS8 holds the output shape right-aligned to 6-D and per-dimension element
//   strides of both inputs (0 on broadcast dimensions); `count` is the output element count.
//   Output never aliases an input.
// Numerics: bit-exact with TFLite's reference kernels (reference_integer_ops::Mul /
//   BroadcastMul6DSlow, reference_ops::Sub / BroadcastQuantSubSlow, the int8 SquaredDifference of
//   squared_difference.cc, MaximumMinimumBroadcastSlow):
//   * MUL: (x - zx) * (y - zy) scaled by one multiplier, + output zero point, clamped;
//   * SUB: each input offset, shifted left by 20 and scaled by its own multiplier (as ADD), the
//     difference scaled by the output multiplier, + output zero point, clamped;
//   * SQUARED_DIFFERENCE: as SUB with a left shift of 7, the difference squared before the output
//     multiplier; clamped to the int8 range (no fused activation);
//   * MAXIMUM/MINIMUM: on the raw int8 values (the reference ignores quantization).
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

/// Broadcast geometry of a binary op, right-aligned to kRank dimensions.
struct BroadcastS8 {
  static constexpr int kRank = 6;
  std::int32_t out_dims[kRank] = {1, 1, 1, 1, 1, 1};
  std::int32_t in1_stride[kRank] = {0, 0, 0, 0, 0, 0};
  std::int32_t in2_stride[kRank] = {0, 0, 0, 0, 0, 0};
  std::int32_t count = 0;   ///< output elements
  bool broadcast = false;   ///< false: both inputs have `count` elements in output order
};

namespace detail {
/// Calls out[i] = f(a[ia], b[ib]) over the output in row-major order.
template <class T, class U, class F>
inline void broadcast_apply(const BroadcastS8& s, const T* a, const U* b, std::int8_t* out,
                            const F& f) noexcept {
  if (!s.broadcast) {
    for (std::int32_t i = 0; i < s.count; ++i) out[i] = f(a[i], b[i]);
    return;
  }
  const std::int32_t* d = s.out_dims;
  const std::int32_t* sa = s.in1_stride;
  const std::int32_t* sb = s.in2_stride;
  for (std::int32_t i0 = 0; i0 < d[0]; ++i0) {
    for (std::int32_t i1 = 0; i1 < d[1]; ++i1) {
      for (std::int32_t i2 = 0; i2 < d[2]; ++i2) {
        for (std::int32_t i3 = 0; i3 < d[3]; ++i3) {
          for (std::int32_t i4 = 0; i4 < d[4]; ++i4) {
            const std::int32_t oa = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3] + i4 * sa[4];
            const std::int32_t ob = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3] + i4 * sb[4];
            for (std::int32_t i5 = 0; i5 < d[5]; ++i5) {
              *out++ = f(a[oa + i5 * sa[5]], b[ob + i5 * sb[5]]);
            }
          }
        }
      }
    }
  }
}
}  // namespace detail

// ---- MUL ---------------------------------------------------------------------------------------

struct MulS8Args {
  const std::int8_t* in1 = nullptr;
  const std::int8_t* in2 = nullptr;
  std::int8_t* output = nullptr;
  BroadcastS8 shape;
  std::int32_t in1_offset = 0, in2_offset = 0, output_offset = 0;  ///< -zp1, -zp2, +zp_out
  std::int32_t output_multiplier = 0;
  std::int32_t output_shift = 0;
  std::int32_t act_min = -128, act_max = 127;
};

template <class Arch>
struct MulS8 : MulS8<typename Arch::Parent> {};

template <>
struct MulS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const MulS8Args&) noexcept { return 0; }
  static void run(const MulS8Args& a, void* /*scratch*/) noexcept {
    detail::broadcast_apply(a.shape, a.in1, a.in2, a.output, [&a](std::int32_t x, std::int32_t y) {
      return requantize((x + a.in1_offset) * (y + a.in2_offset), a.output_multiplier,
                        a.output_shift, a.output_offset, a.act_min, a.act_max);
    });
  }
};

// ---- SUB / SQUARED_DIFFERENCE ----------------------------------------------------------------

/// Shared by SUB (left_shift 20, fused activation range) and SQUARED_DIFFERENCE (left_shift 7,
/// range [-128, 127]). Every shift is <= 0 (prepare refuses other quantizations, as LiteRT's
/// QuantizeMultiplierSmallerThanOneExp checks do; its SUB output path is undefined otherwise).
struct SubS8Args {
  const std::int8_t* in1 = nullptr;
  const std::int8_t* in2 = nullptr;
  std::int8_t* output = nullptr;
  BroadcastS8 shape;
  std::int32_t left_shift = 20;
  std::int32_t in1_offset = 0, in2_offset = 0, output_offset = 0;
  std::int32_t in1_multiplier = 0, in2_multiplier = 0, output_multiplier = 0;
  std::int32_t in1_shift = 0, in2_shift = 0, output_shift = 0;
  std::int32_t act_min = -128, act_max = 127;
};
using SquaredDifferenceS8Args = SubS8Args;

namespace detail {
/// Both inputs on the common scale, minus each other (the raw difference of SUB and
/// SQUARED_DIFFERENCE).
constexpr std::int32_t scaled_difference(const SubS8Args& a, std::int32_t x,
                                         std::int32_t y) noexcept {
  const std::int32_t sx = quant::multiply_by_quantized_multiplier(
      quant::wrapping_shl(x + a.in1_offset, a.left_shift), a.in1_multiplier, a.in1_shift);
  const std::int32_t sy = quant::multiply_by_quantized_multiplier(
      quant::wrapping_shl(y + a.in2_offset, a.left_shift), a.in2_multiplier, a.in2_shift);
  return quant::wrapping_sub(sx, sy);
}
}  // namespace detail

template <class Arch>
struct SubS8 : SubS8<typename Arch::Parent> {};

template <>
struct SubS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const SubS8Args&) noexcept { return 0; }
  static void run(const SubS8Args& a, void* /*scratch*/) noexcept {
    detail::broadcast_apply(a.shape, a.in1, a.in2, a.output, [&a](std::int32_t x, std::int32_t y) {
      return requantize(detail::scaled_difference(a, x, y), a.output_multiplier, a.output_shift,
                        a.output_offset, a.act_min, a.act_max);
    });
  }
};

template <class Arch>
struct SquaredDifferenceS8 : SquaredDifferenceS8<typename Arch::Parent> {};

template <>
struct SquaredDifferenceS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const SquaredDifferenceS8Args&) noexcept { return 0; }
  static void run(const SquaredDifferenceS8Args& a, void* /*scratch*/) noexcept {
    detail::broadcast_apply(a.shape, a.in1, a.in2, a.output, [&a](std::int32_t x, std::int32_t y) {
      // |difference| <= 255 * 2^7, so the square fits int32.
      const std::int32_t d = detail::scaled_difference(a, x, y);
      return requantize(d * d, a.output_multiplier, a.output_shift, a.output_offset, a.act_min,
                        a.act_max);
    });
  }
};

// ---- MAXIMUM / MINIMUM -------------------------------------------------------------------------

struct MinMaxS8Args {
  const std::int8_t* in1 = nullptr;
  const std::int8_t* in2 = nullptr;
  std::int8_t* output = nullptr;
  BroadcastS8 shape;
  bool maximum = true;  ///< false: MINIMUM
};

template <class Arch>
struct MinMaxS8 : MinMaxS8<typename Arch::Parent> {};

template <>
struct MinMaxS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const MinMaxS8Args&) noexcept { return 0; }
  static void run(const MinMaxS8Args& a, void* /*scratch*/) noexcept {
    if (a.maximum) {
      detail::broadcast_apply(a.shape, a.in1, a.in2, a.output,
                              [](std::int8_t x, std::int8_t y) { return x > y ? x : y; });
    } else {
      detail::broadcast_apply(a.shape, a.in1, a.in2, a.output,
                              [](std::int8_t x, std::int8_t y) { return x < y ? x : y; });
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
