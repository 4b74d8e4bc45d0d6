// SPDX-License-Identifier: Apache-2.0
// float32 2-D convolution (NHWC input, OHWI filter [out_c, kh, kw, in_c / groups]) and depthwise
// convolution (filter [1, kh, kw, in_c * depth_multiplier]), optional float bias, fused clamp.
//
// Contract: shapes as the int8 kernels (kernels/conv_s8.hpp, depthwise_conv_s8.hpp); bias null or
//   [out_c]; output does not alias input; scratch_bytes() bytes of scratch (0 for Generic).
// Numerics: TFLite's reference_ops::Conv / DepthwiseConv: sum over in-image taps in (ky, kx, ic)
//   order, + bias, clamp. Arch paths may sum in another order (see kernels/float/common.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/float/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct ConvF32Args {
  const float* input = nullptr;
  const float* filter = nullptr;
  const float* bias = nullptr;
  float* output = nullptr;
  std::int32_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  std::int32_t out_h = 0, out_w = 0, out_c = 0;
  std::int32_t k_h = 0, k_w = 0, filter_in_c = 0;
  std::int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int32_t pad_h = 0, pad_w = 0;
  FloatRange act;
};

struct DepthwiseConvF32Args {
  const float* input = nullptr;
  const float* filter = nullptr;
  const float* bias = nullptr;
  float* output = nullptr;
  std::int32_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  std::int32_t out_h = 0, out_w = 0, depth_multiplier = 1;
  std::int32_t k_h = 0, k_w = 0;
  std::int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int32_t pad_h = 0, pad_w = 0;
  FloatRange act;
};

template <class Arch>
struct ConvF32 : ConvF32<typename Arch::Parent> {};
template <class Arch>
struct DepthwiseConvF32 : DepthwiseConvF32<typename Arch::Parent> {};

template <>
struct ConvF32<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const ConvF32Args&) noexcept { return 0; }
  static void run(const ConvF32Args& a, void* /*scratch*/) noexcept {
    const std::int32_t groups = a.in_c / a.filter_in_c;
    const std::int32_t filters_per_group = a.out_c / groups;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          float* out = a.output + ((static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w + ox) * a.out_c;
          for (std::int32_t oc = 0; oc < a.out_c; ++oc) {
            const std::int32_t ic0 = (oc / filters_per_group) * a.filter_in_c;
            float total = 0.0f;
            for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
              const std::int32_t iy = in_y0 + a.dilation_h * ky;
              if (iy < 0 || iy >= a.in_h) continue;
              for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
                const std::int32_t ix = in_x0 + a.dilation_w * kx;
                if (ix < 0 || ix >= a.in_w) continue;
                const float* in =
                    a.input + ((static_cast<std::ptrdiff_t>(b) * a.in_h + iy) * a.in_w + ix) * a.in_c + ic0;
                const float* f =
                    a.filter + ((static_cast<std::ptrdiff_t>(oc) * a.k_h + ky) * a.k_w + kx) * a.filter_in_c;
                for (std::int32_t ic = 0; ic < a.filter_in_c; ++ic) total += in[ic] * f[ic];
              }
            }
            const float bias = a.bias != nullptr ? a.bias[oc] : 0.0f;
            out[oc] = clamp_f32(total + bias, a.act);
          }
        }
      }
    }
  }
};

template <>
struct DepthwiseConvF32<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const DepthwiseConvF32Args&) noexcept { return 0; }
  static void run(const DepthwiseConvF32Args& a, void* /*scratch*/) noexcept {
    const std::int32_t out_c = a.in_c * a.depth_multiplier;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          float* out = a.output + ((static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w + ox) * out_c;
          for (std::int32_t ic = 0; ic < a.in_c; ++ic) {
            for (std::int32_t m = 0; m < a.depth_multiplier; ++m) {
              const std::int32_t oc = ic * a.depth_multiplier + m;
              float total = 0.0f;
              for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
                const std::int32_t iy = in_y0 + a.dilation_h * ky;
                if (iy < 0 || iy >= a.in_h) continue;
                for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
                  const std::int32_t ix = in_x0 + a.dilation_w * kx;
                  if (ix < 0 || ix >= a.in_w) continue;
                  total += a.input[((static_cast<std::ptrdiff_t>(b) * a.in_h + iy) * a.in_w + ix) * a.in_c + ic] *
                           a.filter[(static_cast<std::ptrdiff_t>(ky) * a.k_w + kx) * out_c + oc];
                }
              }
              const float bias = a.bias != nullptr ? a.bias[oc] : 0.0f;
              out[oc] = clamp_f32(total + bias, a.act);
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
