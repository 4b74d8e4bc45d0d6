// SPDX-License-Identifier: Apache-2.0
// int8 average and max pooling, NHWC.
//
// Contract: input [batches, in_h, in_w, c]; output [batches, out_h, out_w, c]; every output window
//   holds at least one in-image tap (guaranteed by TFLite's padding rules, checked at prepare).
// Numerics: bit-exact with TFLite's reference_integer_ops::AveragePool / MaxPool: the average sums
//   the in-image taps only and divides by their count rounding half away from zero
//   ((acc +/- count/2) / count); both clamp to the fused activation range.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct PoolS8Args {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t batches = 0, in_h = 0, in_w = 0, channels = 0;
  std::int32_t out_h = 0, out_w = 0;
  std::int32_t filter_h = 0, filter_w = 0, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  std::int32_t act_min = -128, act_max = 127;
};

namespace detail {
/// Visits every output position with the clipped filter window [y0, y1) x [x0, x1).
template <class Fn>
inline void for_each_window(const PoolS8Args& a, Fn&& fn) noexcept {
  for (std::int32_t b = 0; b < a.batches; ++b) {
    for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
      const std::int32_t iy0 = oy * a.stride_h - a.pad_h;
      const std::int32_t y0 = iy0 < 0 ? -iy0 : 0;
      const std::int32_t y1 = a.filter_h < a.in_h - iy0 ? a.filter_h : a.in_h - iy0;
      for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
        const std::int32_t ix0 = ox * a.stride_w - a.pad_w;
        const std::int32_t x0 = ix0 < 0 ? -ix0 : 0;
        const std::int32_t x1 = a.filter_w < a.in_w - ix0 ? a.filter_w : a.in_w - ix0;
        fn(b, oy, ox, iy0 + y0, iy0 + y1, ix0 + x0, ix0 + x1);
      }
    }
  }
}
}  // namespace detail

template <class Arch>
struct AveragePoolS8 : AveragePoolS8<typename Arch::Parent> {};
template <class Arch>
struct MaxPoolS8 : MaxPoolS8<typename Arch::Parent> {};

template <>
struct AveragePoolS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const PoolS8Args&) noexcept { return 0; }
  static void run(const PoolS8Args& a, void* /*scratch*/) noexcept {
    detail::for_each_window(a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox,
                                   std::int32_t y0, std::int32_t y1, std::int32_t x0,
                                   std::int32_t x1) {
      const std::int32_t count = (y1 - y0) * (x1 - x0);
      std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * a.channels;
      for (std::int32_t c = 0; c < a.channels; ++c) {
        std::int32_t acc = 0;
        for (std::int32_t y = y0; y < y1; ++y) {
          for (std::int32_t x = x0; x < x1; ++x) {
            acc += a.input[((b * a.in_h + y) * a.in_w + x) * a.channels + c];
          }
        }
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        out[c] = static_cast<std::int8_t>(clamp_i32(acc, a.act_min, a.act_max));
      }
    });
  }
};

template <>
struct MaxPoolS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const PoolS8Args&) noexcept { return 0; }
  static void run(const PoolS8Args& a, void* /*scratch*/) noexcept {
    detail::for_each_window(a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox,
                                   std::int32_t y0, std::int32_t y1, std::int32_t x0,
                                   std::int32_t x1) {
      std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * a.channels;
      for (std::int32_t c = 0; c < a.channels; ++c) {
        std::int32_t m = -128;
        for (std::int32_t y = y0; y < y1; ++y) {
          for (std::int32_t x = x0; x < x1; ++x) {
            const std::int32_t v = a.input[((b * a.in_h + y) * a.in_w + x) * a.channels + c];
            m = v > m ? v : m;
          }
        }
        out[c] = static_cast<std::int8_t>(clamp_i32(m, a.act_min, a.act_max));
      }
    });
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

// Per-arch specializations (each file is empty unless its ISA is enabled).
#include "tinyml/kernels/arch/avx2/pool_s8.hpp"
#include "tinyml/kernels/arch/cortexm_dsp/pool_s8.hpp"
#include "tinyml/kernels/arch/helium/pool_s8.hpp"
#include "tinyml/kernels/arch/avx512/pool_s8.hpp"
