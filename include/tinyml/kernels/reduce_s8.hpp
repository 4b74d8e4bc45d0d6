// SPDX-License-Identifier: Apache-2.0
// int8 reductions over any set of axes: requantized sum (MEAN, SUM), maximum (REDUCE_MAX), and
// the index of the extremum along one axis (ARG_MAX, ARG_MIN).
//
// Geometry: the input is walked as two odometers, the kept dimensions (one output element per
// position, in row-major output order) and the reduced dimensions (the elements that fold into
// it), each given as sizes and input strides. make_reduce_geometry() builds them from a shape
// and an axis mask, dropping size-1 dimensions and merging neighbours of the same kind.
// Numerics: bit-exact with TFLite's reference kernels:
//   * ReduceSumS8 (reference_ops::QuantizedMeanOrSum on int8): acc = the wrapping int32 sum of the
//     raw values, minus input_zp * count, then MultiplyByQuantizedMultiplier (double rounding),
//     + output zero point, clamp to [-128, 127]. For MEAN the caller folds 1/count into the
//     multiplier as the reference does (mean_multiplier()).
//   * ReduceMaxS8: the largest raw value (input and output share quantization).
//   * ArgMinMaxS8: the first index holding the maximum (or minimum); ties keep the lower index.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/core/shape.hpp"
#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

/// Two odometers over the input: kept dims (one output each) and reduced dims (folded).
struct ReduceGeometry {
  std::int32_t n_keep = 0, n_red = 0;
  std::int32_t keep_size[kMaxRank] = {}, keep_stride[kMaxRank] = {};
  std::int32_t red_size[kMaxRank] = {}, red_stride[kMaxRank] = {};
  std::int32_t outputs = 1;  ///< product of keep_size
  std::int32_t count = 1;    ///< product of red_size: elements folded into each output
};

/// Geometry of reducing `in` over the dims with reduce[d] set (shape elements fit int32).
constexpr ReduceGeometry make_reduce_geometry(const Shape& in, const bool* reduce) noexcept {
  ReduceGeometry g;
  std::int32_t stride = 1;
  int prev = -1;  // kind of the last group added: 0 kept, 1 reduced
  for (int d = in.rank - 1; d >= 0; --d) {
    const std::int32_t n = in.dims[d];
    if (n == 1) continue;
    const int kind = reduce[d] ? 1 : 0;
    std::int32_t* size = kind ? g.red_size : g.keep_size;
    std::int32_t* str = kind ? g.red_stride : g.keep_stride;
    std::int32_t& cnt = kind ? g.n_red : g.n_keep;
    if (kind == prev) {
      size[cnt - 1] *= n;  // contiguous with the group below: merge (strides stay row-major)
    } else {
      size[cnt] = n;
      str[cnt] = stride;
      ++cnt;
    }
    prev = kind;
    stride *= n;
    (kind ? g.count : g.outputs) *= n;
  }
  // Groups were collected innermost first; the walkers want outermost first.
  for (int i = 0, j = g.n_keep - 1; i < j; ++i, --j) {
    const std::int32_t s = g.keep_size[i], t = g.keep_stride[i];
    g.keep_size[i] = g.keep_size[j]; g.keep_stride[i] = g.keep_stride[j];
    g.keep_size[j] = s; g.keep_stride[j] = t;
  }
  for (int i = 0, j = g.n_red - 1; i < j; ++i, --j) {
    const std::int32_t s = g.red_size[i], t = g.red_stride[i];
    g.red_size[i] = g.red_size[j]; g.red_stride[i] = g.red_stride[j];
    g.red_size[j] = s; g.red_stride[j] = t;
  }
  return g;
}

namespace detail {
/// Calls fn(offset) for every position of an odometer (row-major; once for n == 0).
template <class Fn>
inline void walk_offsets(std::int32_t n, const std::int32_t* size, const std::int32_t* stride,
                         Fn&& fn) noexcept {
  std::int32_t idx[kMaxRank] = {};
  std::int32_t off = 0;
  for (;;) {
    fn(off);
    int d = n - 1;
    for (; d >= 0; --d) {
      off += stride[d];
      if (++idx[d] < size[d]) break;
      off -= stride[d] * size[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
}  // namespace detail

/// The multiplier/shift MEAN uses: in_scale/out_scale (as `qm`) with 1/count folded in the way
/// TFLite's QuantizedMeanOrSum does (shift by floor(log2(count)), clamped so the final shift
/// stays >= -31, then an integer division of the widened multiplier).
constexpr quant::QuantizedMultiplier mean_multiplier(quant::QuantizedMultiplier qm,
                                                     std::int32_t count) noexcept {
  int s = 31 - quant::count_leading_zeros(static_cast<std::uint32_t>(count));
  if (s > 31 + qm.shift) s = 31 + qm.shift;
  if (s < 0) s = 0;
  const std::int64_t m = (static_cast<std::int64_t>(qm.multiplier) << s) / count;
  return {static_cast<std::int32_t>(m), qm.shift - s};
}

struct ReduceS8Args {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  ReduceGeometry geo;
  // Requantization (sum/mean only).
  std::int32_t multiplier = 0, shift = 0, input_zp = 0, output_zp = 0;
};

struct ArgMinMaxS8Args {
  const std::int8_t* input = nullptr;
  void* output = nullptr;  ///< int32 or int64 indices
  std::int32_t outer = 1, axis = 1, inner = 1;
  bool is_max = true;
  bool out64 = false;
};

template <class Arch>
struct ReduceSumS8 : ReduceSumS8<typename Arch::Parent> {};
template <class Arch>
struct ReduceMaxS8 : ReduceMaxS8<typename Arch::Parent> {};
template <class Arch>
struct ArgMinMaxS8 : ArgMinMaxS8<typename Arch::Parent> {};

template <>
struct ReduceSumS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const ReduceS8Args&) noexcept { return 0; }
  static void run(const ReduceS8Args& a, void* /*scratch*/) noexcept {
    const ReduceGeometry& g = a.geo;
    // input_zp * count in 64 bits, reduced mod 2^32 like the reference's int64 -> int32 cast.
    const auto zp_total = static_cast<std::int32_t>(static_cast<std::uint32_t>(
        static_cast<std::int64_t>(a.input_zp) * g.count));
    std::int8_t* out = a.output;
    detail::walk_offsets(g.n_keep, g.keep_size, g.keep_stride, [&](std::int32_t base) {
      const std::int8_t* in = a.input + base;
      std::int32_t acc = 0;
      detail::walk_offsets(g.n_red, g.red_size, g.red_stride,
                           [&](std::int32_t off) { acc = quant::wrapping_add(acc, in[off]); });
      *out++ = requantize(quant::wrapping_sub(acc, zp_total), a.multiplier, a.shift, a.output_zp,
                          -128, 127);
    });
  }
};

template <>
struct ReduceMaxS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const ReduceS8Args&) noexcept { return 0; }
  static void run(const ReduceS8Args& a, void* /*scratch*/) noexcept {
    const ReduceGeometry& g = a.geo;
    std::int8_t* out = a.output;
    detail::walk_offsets(g.n_keep, g.keep_size, g.keep_stride, [&](std::int32_t base) {
      const std::int8_t* in = a.input + base;
      std::int8_t m = -128;
      detail::walk_offsets(g.n_red, g.red_size, g.red_stride, [&](std::int32_t off) {
        m = in[off] > m ? in[off] : m;
      });
      *out++ = m;
    });
  }
};

template <>
struct ArgMinMaxS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const ArgMinMaxS8Args&) noexcept { return 0; }
  static void run(const ArgMinMaxS8Args& a, void* /*scratch*/) noexcept {
    auto* out32 = static_cast<std::int32_t*>(a.output);
    auto* out64 = static_cast<std::int64_t*>(a.output);
    for (std::int32_t o = 0; o < a.outer; ++o) {
      const std::int8_t* in = a.input + static_cast<std::ptrdiff_t>(o) * a.axis * a.inner;
      for (std::int32_t i = 0; i < a.inner; ++i) {
        std::int8_t best = in[i];
        std::int32_t at = 0;
        for (std::int32_t k = 1; k < a.axis; ++k) {
          const std::int8_t v = in[static_cast<std::ptrdiff_t>(k) * a.inner + i];
          if (a.is_max ? v > best : v < best) {
            best = v;
            at = k;
          }
        }
        const std::ptrdiff_t idx = static_cast<std::ptrdiff_t>(o) * a.inner + i;
        if (a.out64) {
          out64[idx] = at;
        } else {
          out32[idx] = at;
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
