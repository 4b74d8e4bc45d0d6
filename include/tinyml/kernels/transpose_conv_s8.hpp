// SPDX-License-Identifier: Apache-2.0
// int8 transposed convolution (TRANSPOSE_CONV), NHWC, per-channel or per-tensor int8 weights.
//
// Contract: input [batches, in_h, in_w, in_c]; filter [out_c, k_h, k_w, in_c]; bias null or
//   [out_c]; output [batches, out_h, out_w, out_c]; multiplier/shift have out_c entries. Input
//   pixel (iy, ix) scatters onto output rows iy*stride_h - pad_h + fy (fy < k_h) and columns
//   likewise; taps outside the output are dropped.
// Numerics: bit-exact with TFLite's reference_integer_ops::TransposeConv: every output is the
//   int32 sum of (input + input_offset) * filter over the taps reaching it, + bias, then
//   MultiplyByQuantizedMultiplier (double rounding), + output zero point, clamp. The reference
//   scatters into an int32 scratch tensor; this kernel gathers the same terms per output, which
//   gives the same int32 sums (wrapping addition is associative) without the scratch.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct TransposeConvS8Args {
  const std::int8_t* input = nullptr;
  const std::int8_t* filter = nullptr;
  const std::int32_t* bias = nullptr;
  std::int8_t* output = nullptr;
  const std::int32_t* multiplier = nullptr;
  const std::int8_t* shift = nullptr;
  std::int32_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  std::int32_t out_h = 0, out_w = 0, out_c = 0;
  std::int32_t k_h = 0, k_w = 0, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  std::int32_t input_offset = 0, output_offset = 0;
  std::int32_t act_min = -128, act_max = 127;
};

template <class Arch>
struct TransposeConvS8 : TransposeConvS8<typename Arch::Parent> {};

template <>
struct TransposeConvS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const TransposeConvS8Args&) noexcept { return 0; }
  static void run(const TransposeConvS8Args& a, void* /*scratch*/) noexcept {
    const std::size_t in_row = static_cast<std::size_t>(a.in_w) * a.in_c;
    const std::size_t f_oc = static_cast<std::size_t>(a.k_h) * a.k_w * a.in_c;
    std::int8_t* out = a.output;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* in_b = a.input + static_cast<std::size_t>(b) * a.in_h * in_row;
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          for (std::int32_t oc = 0; oc < a.out_c; ++oc) {
            const std::int8_t* f_o = a.filter + static_cast<std::size_t>(oc) * f_oc;
            std::int32_t acc = 0;
            for (std::int32_t fy = 0; fy < a.k_h; ++fy) {
              const std::int32_t ty = oy + a.pad_h - fy;  // = iy * stride_h
              if (ty < 0 || ty % a.stride_h != 0 || ty / a.stride_h >= a.in_h) continue;
              const std::int8_t* in_y = in_b + static_cast<std::size_t>(ty / a.stride_h) * in_row;
              for (std::int32_t fx = 0; fx < a.k_w; ++fx) {
                const std::int32_t tx = ox + a.pad_w - fx;
                if (tx < 0 || tx % a.stride_w != 0 || tx / a.stride_w >= a.in_w) continue;
                const std::int8_t* x = in_y + static_cast<std::size_t>(tx / a.stride_w) * a.in_c;
                const std::int8_t* w =
                    f_o + (static_cast<std::size_t>(fy) * a.k_w + fx) * a.in_c;
                for (std::int32_t ic = 0; ic < a.in_c; ++ic) {
                  acc = quant::wrapping_add(acc, (x[ic] + a.input_offset) * w[ic]);
                }
              }
            }
            if (a.bias != nullptr) acc = quant::wrapping_add(acc, a.bias[oc]);
            *out++ = requantize(acc, a.multiplier[oc], a.shift[oc], a.output_offset, a.act_min,
                                a.act_max);
          }
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
