// SPDX-License-Identifier: Apache-2.0
// int8 2-D convolution, NHWC input, OHWI filter [out_c, kh, kw, in_c / groups], int32 bias.
//
// Contract: input [batches, in_h, in_w, in_c]; output [batches, out_h, out_w, out_c]; in_c is a
//   multiple of filter_in_c (groups = in_c / filter_in_c) and out_c a multiple of groups;
//   multiplier/shift have out_c entries; bias may be null; act_min <= act_max within [-128, 127];
//   output does not alias input. No scratch.
// Numerics: bit-exact with TFLite's reference_integer_ops::ConvPerChannel: the accumulator is
//   sum(filter * (input + input_offset)) + bias over in-image taps only (zero padding in the real
//   domain), then MultiplyByQuantizedMultiplier (double rounding), + output zero point, clamp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct ConvS8Args {
  const std::int8_t* input = nullptr;
  const std::int8_t* filter = nullptr;
  const std::int32_t* bias = nullptr;
  std::int8_t* output = nullptr;
  const std::int32_t* multiplier = nullptr;
  const std::int8_t* shift = nullptr;
  std::int32_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  std::int32_t out_h = 0, out_w = 0, out_c = 0;
  std::int32_t k_h = 0, k_w = 0, filter_in_c = 0;
  std::int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int32_t pad_h = 0, pad_w = 0;
  std::int32_t input_offset = 0, output_offset = 0;
  std::int32_t act_min = -128, act_max = 127;
  /// Optional, from prepare when some filters are all zero (exact pruning): the output channels
  /// whose filters are not all zero, and every channel's output value when its filter is zero
  /// (a constant: requantized bias). Kernels may use them or ignore them; results are identical.
  const std::int16_t* live = nullptr;
  std::int32_t n_live = 0;
  const std::int8_t* dead_out = nullptr;
};

template <class Arch>
struct ConvS8 : ConvS8<typename Arch::Parent> {};

template <>
struct ConvS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const ConvS8Args&) noexcept { return 0; }
  static void run(const ConvS8Args& a, void* /*scratch*/) noexcept {
    const std::int32_t groups = a.in_c / a.filter_in_c;
    const std::int32_t filters_per_group = a.out_c / groups;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * a.out_c;
          for (std::int32_t oc = 0; oc < a.out_c; ++oc) {
            const std::int32_t ic0 = (oc / filters_per_group) * a.filter_in_c;
            std::int32_t acc = 0;
            for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
              const std::int32_t iy = in_y0 + a.dilation_h * ky;
              if (iy < 0 || iy >= a.in_h) continue;
              for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
                const std::int32_t ix = in_x0 + a.dilation_w * kx;
                if (ix < 0 || ix >= a.in_w) continue;
                const std::int8_t* in = a.input + ((b * a.in_h + iy) * a.in_w + ix) * a.in_c + ic0;
                const std::int8_t* f = a.filter + ((oc * a.k_h + ky) * a.k_w + kx) * a.filter_in_c;
                for (std::int32_t ic = 0; ic < a.filter_in_c; ++ic) {
                  acc += static_cast<std::int32_t>(f[ic]) * (in[ic] + a.input_offset);
                }
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
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

// Per-arch specializations (each file is empty unless its ISA is enabled).
#include "tinyml/kernels/arch/avx2/conv_s8.hpp"
#include "tinyml/kernels/arch/cortexm_dsp/conv_s8.hpp"
#include "tinyml/kernels/arch/helium/conv_s8.hpp"
#include "tinyml/kernels/arch/avx512/conv_s8.hpp"
