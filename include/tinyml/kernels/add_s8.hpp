// SPDX-License-Identifier: Apache-2.0
// int8 elementwise ADD with up to 4-D broadcasting.
//
// Contract: out_dims is the broadcast shape (right-aligned to 4-D); in1_stride/in2_stride are
//   element strides per output dimension with 0 on broadcast dimensions. Output may alias an
//   input only when that input is not broadcast.
// Numerics: bit-exact with TFLite's reference_integer_ops::Add / BroadcastAdd4DSlow: each input
//   is offset by its zero point, shifted left by 20, scaled by its multiplier (rounding shift), the
//   sum scaled by the output multiplier, the output zero point added, then clamped.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct AddS8Args {
  const std::int8_t* in1 = nullptr;
  const std::int8_t* in2 = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t out_dims[4] = {1, 1, 1, 1};
  std::int32_t in1_stride[4] = {0, 0, 0, 0};
  std::int32_t in2_stride[4] = {0, 0, 0, 0};
  bool broadcast = false;  ///< false: both inputs have the output's element count
  std::int32_t left_shift = 20;
  std::int32_t in1_offset = 0, in2_offset = 0, output_offset = 0;
  std::int32_t in1_multiplier = 0, in2_multiplier = 0, output_multiplier = 0;
  std::int32_t in1_shift = 0, in2_shift = 0, output_shift = 0;
  std::int32_t act_min = -128, act_max = 127;
};

namespace detail {
constexpr std::int8_t add_one(const AddS8Args& a, std::int32_t x, std::int32_t y) noexcept {
  const std::int32_t sx = quant::wrapping_shl(x + a.in1_offset, a.left_shift);
  const std::int32_t sy = quant::wrapping_shl(y + a.in2_offset, a.left_shift);
  const std::int32_t rx = quant::multiply_by_quantized_multiplier(sx, a.in1_multiplier, a.in1_shift);
  const std::int32_t ry = quant::multiply_by_quantized_multiplier(sy, a.in2_multiplier, a.in2_shift);
  const std::int32_t raw = quant::wrapping_add(
      quant::multiply_by_quantized_multiplier(quant::wrapping_add(rx, ry), a.output_multiplier,
                                              a.output_shift),
      a.output_offset);
  return static_cast<std::int8_t>(clamp_i32(raw, a.act_min, a.act_max));
}
}  // namespace detail

template <class Arch>
struct AddS8 : AddS8<typename Arch::Parent> {};

template <>
struct AddS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const AddS8Args&) noexcept { return 0; }
  static void run(const AddS8Args& a, void* /*scratch*/) noexcept {
    if (!a.broadcast) {
      const std::int32_t n = a.out_dims[0] * a.out_dims[1] * a.out_dims[2] * a.out_dims[3];
      for (std::int32_t i = 0; i < n; ++i) a.output[i] = detail::add_one(a, a.in1[i], a.in2[i]);
      return;
    }
    std::int8_t* out = a.output;
    for (std::int32_t d0 = 0; d0 < a.out_dims[0]; ++d0) {
      for (std::int32_t d1 = 0; d1 < a.out_dims[1]; ++d1) {
        for (std::int32_t d2 = 0; d2 < a.out_dims[2]; ++d2) {
          const std::int32_t b1 = d0 * a.in1_stride[0] + d1 * a.in1_stride[1] + d2 * a.in1_stride[2];
          const std::int32_t b2 = d0 * a.in2_stride[0] + d1 * a.in2_stride[1] + d2 * a.in2_stride[2];
          for (std::int32_t d3 = 0; d3 < a.out_dims[3]; ++d3) {
            *out++ = detail::add_one(a, a.in1[b1 + d3 * a.in1_stride[3]],
                                     a.in2[b2 + d3 * a.in2_stride[3]]);
          }
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

// Per-arch specializations (each file is empty unless its ISA is enabled).
#include "tinyml/kernels/arch/avx2/add_s8.hpp"
#include "tinyml/kernels/arch/cortexm_dsp/add_s8.hpp"
#include "tinyml/kernels/arch/helium/add_s8.hpp"
#include "tinyml/kernels/arch/avx512/add_s8.hpp"
