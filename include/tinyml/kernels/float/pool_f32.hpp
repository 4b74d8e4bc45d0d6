// SPDX-License-Identifier: Apache-2.0
// float32 average and max pooling, NHWC.
//
// Contract: input [batches, in_h, in_w, c]; output [batches, out_h, out_w, c]; every output window
//   holds at least one in-image tap (checked at prepare). No scratch.
// Numerics: TFLite's reference_ops::AveragePool / MaxPool (float): the average is the sum of the
//   in-image taps in (ky, kx) order divided by their count; both clamp to the fused range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "tinyml/kernels/float/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct PoolF32Args {
  const float* input = nullptr;
  float* output = nullptr;
  std::int32_t batches = 0, in_h = 0, in_w = 0, channels = 0;
  std::int32_t out_h = 0, out_w = 0;
  std::int32_t filter_h = 0, filter_w = 0, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  FloatRange act;
};

namespace detail {
/// Visits every output position with its in-image window rows [y0, y1) and columns [x0, x1).
template <class Fn>
inline void for_each_pool_window(const PoolF32Args& a, Fn&& fn) noexcept {
  for (std::int32_t b = 0; b < a.batches; ++b) {
    for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
      const std::int32_t iy0 = oy * a.stride_h - a.pad_h;
      const std::int32_t y0 = iy0 < 0 ? 0 : iy0;
      const std::int32_t y1 = iy0 + a.filter_h < a.in_h ? iy0 + a.filter_h : a.in_h;
      for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
        const std::int32_t ix0 = ox * a.stride_w - a.pad_w;
        const std::int32_t x0 = ix0 < 0 ? 0 : ix0;
        const std::int32_t x1 = ix0 + a.filter_w < a.in_w ? ix0 + a.filter_w : a.in_w;
        float* out = a.output + ((static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w + ox) * a.channels;
        fn(b, y0, y1, x0, x1, out);
      }
    }
  }
}
}  // namespace detail

template <class Arch>
struct AveragePoolF32 : AveragePoolF32<typename Arch::Parent> {};
template <class Arch>
struct MaxPoolF32 : MaxPoolF32<typename Arch::Parent> {};

template <>
struct AveragePoolF32<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const PoolF32Args&) noexcept { return 0; }
  static void run(const PoolF32Args& a, void* /*scratch*/) noexcept {
    detail::for_each_pool_window(a, [&](std::int32_t b, std::int32_t y0, std::int32_t y1,
                                        std::int32_t x0, std::int32_t x1, float* out) {
      const float count = static_cast<float>((y1 - y0) * (x1 - x0));
      for (std::int32_t c = 0; c < a.channels; ++c) {
        float total = 0.0f;
        for (std::int32_t y = y0; y < y1; ++y) {
          for (std::int32_t x = x0; x < x1; ++x) {
            total += a.input[((static_cast<std::ptrdiff_t>(b) * a.in_h + y) * a.in_w + x) * a.channels + c];
          }
        }
        out[c] = clamp_f32(total / count, a.act);
      }
    });
  }
};

template <>
struct MaxPoolF32<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const PoolF32Args&) noexcept { return 0; }
  static void run(const PoolF32Args& a, void* /*scratch*/) noexcept {
    detail::for_each_pool_window(a, [&](std::int32_t b, std::int32_t y0, std::int32_t y1,
                                        std::int32_t x0, std::int32_t x1, float* out) {
      for (std::int32_t c = 0; c < a.channels; ++c) {
        float m = std::numeric_limits<float>::lowest();
        for (std::int32_t y = y0; y < y1; ++y) {
          for (std::int32_t x = x0; x < x1; ++x) {
            const float v =
                a.input[((static_cast<std::ptrdiff_t>(b) * a.in_h + y) * a.in_w + x) * a.channels + c];
            m = v > m ? v : m;
          }
        }
        out[c] = clamp_f32(m, a.act);
      }
    });
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
