// SPDX-License-Identifier: Apache-2.0
// int8 depthwise 2-D convolution, NHWC input, filter [1, kh, kw, in_c * depth_multiplier].
//
// Contract: input [batches, in_h, in_w, in_c]; output [batches, out_h, out_w, in_c * depth_mult];
//   multiplier/shift have out_c entries; bias may be null; output does not alias input.
// Numerics: bit-exact with TFLite's reference_integer_ops::DepthwiseConvPerChannel: output channel
//   oc = ic * depth_multiplier + m accumulates filter[.., oc] * (input[.., ic] + input_offset) over
//   in-image taps, adds bias, then MultiplyByQuantizedMultiplier, + output zero point, clamp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct DepthwiseConvS8Args {
  const std::int8_t* input = nullptr;
  const std::int8_t* filter = nullptr;
  const std::int32_t* bias = nullptr;
  std::int8_t* output = nullptr;
  const std::int32_t* multiplier = nullptr;
  const std::int8_t* shift = nullptr;
  std::int32_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  std::int32_t out_h = 0, out_w = 0, depth_multiplier = 1;
  std::int32_t k_h = 0, k_w = 0;
  std::int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int32_t pad_h = 0, pad_w = 0;
  std::int32_t input_offset = 0, output_offset = 0;
  std::int32_t act_min = -128, act_max = 127;
};

template <class Arch>
struct DepthwiseConvS8 : DepthwiseConvS8<typename Arch::Parent> {};

template <>
struct DepthwiseConvS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const DepthwiseConvS8Args&) noexcept { return 0; }
  static void run(const DepthwiseConvS8Args& a, void* /*scratch*/) noexcept {
    const std::int32_t out_c = a.in_c * a.depth_multiplier;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * out_c;
          for (std::int32_t ic = 0; ic < a.in_c; ++ic) {
            for (std::int32_t m = 0; m < a.depth_multiplier; ++m) {
              const std::int32_t oc = ic * a.depth_multiplier + m;
              std::int32_t acc = 0;
              for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
                const std::int32_t iy = in_y0 + a.dilation_h * ky;
                if (iy < 0 || iy >= a.in_h) continue;
                for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
                  const std::int32_t ix = in_x0 + a.dilation_w * kx;
                  if (ix < 0 || ix >= a.in_w) continue;
                  const std::int32_t v = a.input[((b * a.in_h + iy) * a.in_w + ix) * a.in_c + ic];
                  const std::int32_t f = a.filter[(ky * a.k_w + kx) * out_c + oc];
                  acc += f * (v + a.input_offset);
                }
              }
              if (a.bias != nullptr) acc = quant::wrapping_add(acc, a.bias[oc]);
              out[oc] = requantize(acc, a.multiplier[oc], a.shift[oc], a.output_offset, a.act_min,
                                   a.act_max);
            }
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
#include "tinyml/kernels/arch/avx2/depthwise_conv_s8.hpp"
#include "tinyml/kernels/arch/cortexm_dsp/depthwise_conv_s8.hpp"
#include "tinyml/kernels/arch/helium/depthwise_conv_s8.hpp"
#include "tinyml/kernels/arch/avx512/depthwise_conv_s8.hpp"
