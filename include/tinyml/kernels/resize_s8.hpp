// SPDX-License-Identifier: Apache-2.0
// int8 spatial resize, NHWC: nearest neighbour and bilinear.
//
// Contract: input [batches, in_h, in_w, c]; output [batches, out_h, out_w, c]; input and output
//   share quantization (values are moved or blended raw).
// Numerics: bit-exact with TFLite's reference kernels:
//   * ResizeNearestS8 (reference_ops::ResizeNearestNeighbor): source index computed in float,
//     (dst + 0.5 if half_pixel_centers) * scale, rounded half away from zero with align_corners,
//     else floored, then clamped to the input (and to >= 0 with half_pixel_centers); scale is
//     (in-1)/(out-1) with align_corners (out > 1), else in/out, divided in float.
//   * ResizeBilinearS8 (reference_ops::ResizeBilinearInteger): 10-bit fixed-point source
//     coordinates (scale_10 = round(1024*in/out) by integer division), four-tap blend in 64 bits
//     with weights summing to 2^20, rounded half away from zero ((v +/- 2^19) / 2^20).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct ResizeS8Args {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t batches = 0, in_h = 0, in_w = 0, channels = 0, out_h = 0, out_w = 0;
  bool align_corners = false, half_pixel_centers = false;
};

/// Source index of output coordinate `dst` for nearest-neighbour resize.
inline std::int32_t nearest_source(std::int32_t dst, std::int32_t in_size, std::int32_t out_size,
                                   bool align_corners, bool half_pixel_centers) noexcept {
  const float scale = (align_corners && out_size > 1)
                          ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
                          : static_cast<float>(in_size) / static_cast<float>(out_size);
  const float pos = (static_cast<float>(dst) + (half_pixel_centers ? 0.5f : 0.0f)) * scale;
  std::int32_t src = static_cast<std::int32_t>(align_corners ? std::round(pos) : std::floor(pos));
  if (src > in_size - 1) src = in_size - 1;
  if (half_pixel_centers && src < 0) src = 0;
  return src;
}

/// 10-bit fixed-point scale of a bilinear axis (TFLite's scale_10).
constexpr std::int32_t bilinear_scale_10(std::int32_t in_size, std::int32_t out_size,
                                         bool align_corners) noexcept {
  return (align_corners && out_size > 1)
             ? ((1 << 10) * (in_size - 1) + (out_size - 1) / 2) / (out_size - 1)
             : ((1 << 10) * in_size + out_size / 2) / out_size;
}

/// Source position (10-bit fixed point) and the two neighbouring input indices.
struct BilinearTap {
  std::int32_t pos = 0, lo = 0, hi = 0;
};
constexpr BilinearTap bilinear_tap(std::int32_t dst, std::int32_t scale_10, bool half_pixel_centers,
                                   std::int32_t in_size) noexcept {
  BilinearTap t;
  t.pos = half_pixel_centers ? dst * scale_10 + scale_10 / 2 - (1 << 9) : dst * scale_10;
  const std::int32_t lo = t.pos / (1 << 10);  // truncates toward zero, like the reference
  t.lo = lo > 0 ? lo : 0;
  const std::int32_t hi = (t.pos + (1 << 10) - 1) / (1 << 10);
  t.hi = hi < in_size - 1 ? hi : in_size - 1;
  return t;
}

template <class Arch>
struct ResizeNearestS8 : ResizeNearestS8<typename Arch::Parent> {};
template <class Arch>
struct ResizeBilinearS8 : ResizeBilinearS8<typename Arch::Parent> {};

template <>
struct ResizeNearestS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const ResizeS8Args&) noexcept { return 0; }
  static void run(const ResizeS8Args& a, void* /*scratch*/) noexcept {
    const std::size_t c = static_cast<std::size_t>(a.channels);
    std::int8_t* out = a.output;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* in_b = a.input + static_cast<std::size_t>(b) * a.in_h * a.in_w * c;
      for (std::int32_t y = 0; y < a.out_h; ++y) {
        const std::int32_t sy =
            nearest_source(y, a.in_h, a.out_h, a.align_corners, a.half_pixel_centers);
        const std::int8_t* row = in_b + static_cast<std::size_t>(sy) * a.in_w * c;
        for (std::int32_t x = 0; x < a.out_w; ++x) {
          const std::int32_t sx =
              nearest_source(x, a.in_w, a.out_w, a.align_corners, a.half_pixel_centers);
          std::memcpy(out, row + static_cast<std::size_t>(sx) * c, c);
          out += c;
        }
      }
    }
  }
};

template <>
struct ResizeBilinearS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const ResizeS8Args&) noexcept { return 0; }
  static void run(const ResizeS8Args& a, void* /*scratch*/) noexcept {
    const std::int32_t sy10 = bilinear_scale_10(a.in_h, a.out_h, a.align_corners);
    const std::int32_t sx10 = bilinear_scale_10(a.in_w, a.out_w, a.align_corners);
    const std::size_t c = static_cast<std::size_t>(a.channels);
    std::int8_t* out = a.output;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* in_b = a.input + static_cast<std::size_t>(b) * a.in_h * a.in_w * c;
      for (std::int32_t y = 0; y < a.out_h; ++y) {
        const BilinearTap ty = bilinear_tap(y, sy10, a.half_pixel_centers, a.in_h);
        const std::int64_t wy1 = ty.pos - (1 << 10) * ty.lo;  // may exceed 1024 or be < 0
        const std::int64_t wy0 = (1 << 10) - wy1;
        const std::int8_t* r0 = in_b + static_cast<std::size_t>(ty.lo) * a.in_w * c;
        const std::int8_t* r1 = in_b + static_cast<std::size_t>(ty.hi) * a.in_w * c;
        for (std::int32_t x = 0; x < a.out_w; ++x) {
          const BilinearTap tx = bilinear_tap(x, sx10, a.half_pixel_centers, a.in_w);
          const std::int64_t wx1 = tx.pos - (1 << 10) * tx.lo;
          const std::int64_t wx0 = (1 << 10) - wx1;
          const std::size_t x0 = static_cast<std::size_t>(tx.lo) * c;
          const std::size_t x1 = static_cast<std::size_t>(tx.hi) * c;
          for (std::size_t k = 0; k < c; ++k) {
            const std::int64_t v = r0[x0 + k] * wy0 * wx0 + r1[x0 + k] * wy1 * wx0 +
                                   r0[x1 + k] * wy0 * wx1 + r1[x1 + k] * wy1 * wx1;
            const std::int64_t half = v > 0 ? (1 << 19) : -(1 << 19);
            out[k] = static_cast<std::int8_t>((v + half) / (1 << 20));
          }
          out += c;
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
