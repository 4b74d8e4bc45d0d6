// SPDX-License-Identifier: Apache-2.0
// Dynamic-range ("hybrid") kernels: float32 activations, constant int8 weights. Each batch of the
// input is quantized to int8 at run time, the products are exact int32 dot products, and the
// result is scaled back to float, + float bias, clamped.
//
// Quantization of one batch (TFLite's tensor_utils):
//   symmetric:  range = max(|min|, |max|); scale = range / 127; q = clamp(round(x * (127 / range)),
//               -127, 127) (all zeros and scale 1 when range is 0);
//   asymmetric: over [min(0, min), max(0, max)]: scale = (rmax - rmin) / 255, zero point nudged
//               to [-128, 127] from whichever end gives the smaller error (both in float);
//               q = clamp(round(zp + x * (1 / scale)), -128, 127).
// Per op (numerics as LiteRT 2.3, which each kernel's comment details):
//   FULLY_CONNECTED  symmetric or asymmetric (the op's asymmetric_quantize_inputs option), weight
//                    scales per tensor or per output channel;
//   CONV_2D          per-tensor weights (or equal per-channel scales): symmetric; different
//                    per-channel scales: asymmetric;
//   DEPTHWISE_CONV_2D per-channel weight scales, asymmetric.
//
// Every float operation is rounded on its own, in LiteRT's order (mul_rounded / add_rounded keep
// the compiler from fusing them), so the outputs are bit-identical to LiteRT 2.3's reference
// kernels (the hybrid_* corpus groups check it), not just close.
//
// Contract: see each Args struct. Scratch: scratch_bytes() bytes, 4-byte aligned (the quantized
//   input, one int8 per input element, and per-batch scales and zero points).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/kernels/float/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

namespace hybrid {

/// round(x) (half away from zero, TFLite's TfLiteRound) clamped to [lo, hi]; NaN gives lo.
inline std::int32_t round_clamp(float x, std::int32_t lo, std::int32_t hi) noexcept {
  const float r = std::round(x);
  if (!(r >= static_cast<float>(lo))) return lo;
  if (r > static_cast<float>(hi)) return hi;
  return static_cast<std::int32_t>(r);
}

inline void min_max(const float* v, std::int64_t n, float* mn, float* mx) noexcept {
  float lo = v[0], hi = v[0];
  for (std::int64_t i = 1; i < n; ++i) {
    lo = v[i] < lo ? v[i] : lo;
    hi = v[i] > hi ? v[i] : hi;
  }
  *mn = lo;
  *mx = hi;
}

/// TFLite's SymmetricQuantizeFloats. Returns the scale.
inline float quantize_symmetric(const float* v, std::int64_t n, std::int8_t* q) noexcept {
  float mn = 0.0f, mx = 0.0f;
  min_max(v, n, &mn, &mx);
  const float a = std::fabs(mn), b = std::fabs(mx);
  const float range = a > b ? a : b;
  if (range == 0.0f) {
    std::memset(q, 0, static_cast<std::size_t>(n));
    return 1.0f;
  }
  const float inv = 127.0f / range;
  for (std::int64_t i = 0; i < n; ++i) {
    q[i] = static_cast<std::int8_t>(round_clamp(v[i] * inv, -127, 127));
  }
  return range / 127.0f;
}

/// TFLite's AsymmetricQuantizeFloats as LiteRT 2.3 computes it: scale and zero point in float
/// (matching its outputs bit for bit, where the double-precision formulation of the portable
/// source differs by one ulp of the scale on some inputs). Returns the scale; *zero_point gets
/// the offset.
inline float quantize_asymmetric(const float* v, std::int64_t n, std::int8_t* q,
                                 std::int32_t* zero_point) noexcept {
  float mn = 0.0f, mx = 0.0f;
  min_max(v, n, &mn, &mx);
  const float rmin = mn < 0.0f ? mn : 0.0f;
  const float rmax = mx > 0.0f ? mx : 0.0f;
  if (rmin == rmax) {
    std::memset(q, 0, static_cast<std::size_t>(n));
    *zero_point = 0;
    return 1.0f;
  }
  const float scale = (rmax - rmin) / 255.0f;
  const float from_min = -128.0f - rmin / scale;
  const float from_max = 127.0f - rmax / scale;
  const float err_min = 128.0f + std::fabs(rmin / scale);
  const float err_max = 127.0f + std::fabs(rmax / scale);
  const float zp = err_min < err_max ? from_min : from_max;
  std::int32_t nudged = 0;
  if (!(zp > -128.0f)) {  // (also NaN, from non-finite inputs)
    nudged = -128;
  } else if (zp >= 127.0f) {
    nudged = 127;
  } else {
    nudged = static_cast<std::int32_t>(std::round(zp));
  }
  const float inv = 1.0f / scale;
  const float offset = static_cast<float>(nudged);
  for (std::int64_t i = 0; i < n; ++i) {
    q[i] = static_cast<std::int8_t>(round_clamp(add_rounded(offset, mul_rounded(v[i], inv)), -128, 127));
  }
  *zero_point = nudged;
  return scale;
}

/// Scratch layout shared by the hybrid kernels: [scales: batches floats][zero points: batches
/// int32][quantized input: batches * size int8].
struct Scratch {
  float* scale;
  std::int32_t* zero_point;
  std::int8_t* q;
};
inline std::size_t scratch_bytes(std::int32_t batches, std::int64_t size) noexcept {
  return static_cast<std::size_t>(batches) * 8 + static_cast<std::size_t>(batches * size);
}
inline Scratch split(void* scratch, std::int32_t batches) noexcept {
  auto* base = static_cast<std::uint8_t*>(scratch);
  return {reinterpret_cast<float*>(base), reinterpret_cast<std::int32_t*>(base + 4 * batches),
          reinterpret_cast<std::int8_t*>(base + 8 * batches)};
}

/// Quantizes every batch of `input` (`size` floats each) into `s`.
inline void quantize_batches(const float* input, std::int32_t batches, std::int64_t size,
                             bool asymmetric, const Scratch& s) noexcept {
  for (std::int32_t b = 0; b < batches; ++b) {
    const float* x = input + b * size;
    std::int8_t* q = s.q + b * size;
    if (asymmetric) {
      s.scale[b] = quantize_asymmetric(x, size, q, &s.zero_point[b]);
    } else {
      s.scale[b] = quantize_symmetric(x, size, q);
      s.zero_point[b] = 0;
    }
  }
}

}  // namespace hybrid

/// FULLY_CONNECTED. out[b, o] = act(bias[o] + float(dot(w[o], q[b]) - row_sum[o] * zp[b]) *
/// (scale[b] * w_scale[o])), the product and the sum each rounded; per-tensor weights fold
/// w_scale into scale[b] first (LiteRT's EvalHybridDense + MatrixBatchVectorMultiplyAccumulate).
struct HybridFullyConnectedArgs {
  const float* input = nullptr;
  const std::int8_t* filter = nullptr;    ///< [out, depth]
  const float* bias = nullptr;            ///< null or [out]
  float* output = nullptr;
  const float* channel_scale = nullptr;   ///< [out] (per-channel) or null (per-tensor)
  float filter_scale = 1.0f;              ///< per-tensor weight scale
  const std::int32_t* row_sums = nullptr; ///< [out]: sum of each weight row (asymmetric only)
  std::int32_t batches = 0, depth = 0, out = 0;
  bool asymmetric = false;
  FloatRange act;
};

template <class Arch>
struct HybridFullyConnected : HybridFullyConnected<typename Arch::Parent> {};

template <>
struct HybridFullyConnected<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const HybridFullyConnectedArgs& a) noexcept {
    return hybrid::scratch_bytes(a.batches, a.depth);
  }
  static void run(const HybridFullyConnectedArgs& a, void* scratch) noexcept {
    const hybrid::Scratch s = hybrid::split(scratch, a.batches);
    hybrid::quantize_batches(a.input, a.batches, a.depth, a.asymmetric, s);
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* q = s.q + static_cast<std::ptrdiff_t>(b) * a.depth;
      float* out = a.output + static_cast<std::ptrdiff_t>(b) * a.out;
      const float batch_scale =
          a.channel_scale != nullptr ? s.scale[b] : mul_rounded(s.scale[b], a.filter_scale);
      const std::int32_t zp = s.zero_point[b];
      for (std::int32_t o = 0; o < a.out; ++o) {
        const std::int8_t* w = a.filter + static_cast<std::ptrdiff_t>(o) * a.depth;
        std::int32_t dot = 0;
        for (std::int32_t d = 0; d < a.depth; ++d) {
          dot += static_cast<std::int32_t>(w[d]) * static_cast<std::int32_t>(q[d]);
        }
        if (a.asymmetric) dot -= a.row_sums[o] * zp;
        const float scale =
            a.channel_scale != nullptr ? mul_rounded(batch_scale, a.channel_scale[o]) : batch_scale;
        const float bias = a.bias != nullptr ? a.bias[o] : 0.0f;
        out[o] = clamp_f32(add_rounded(bias, mul_rounded(static_cast<float>(dot), scale)), a.act);
      }
    }
  }
};

/// CONV_2D (filter OHWI, int8). Per-tensor (symmetric inputs, LiteRT's HybridConv):
///   out = clamp(float(acc) * (scale[b] * w_scale) + bias), acc over in-image taps (padding
///   contributes 0, the symmetric zero point).
/// Per-channel (asymmetric inputs, reference_ops::HybridConvPerChannel):
///   out = clamp(float(acc) * w_scale[oc] * scale[b] + bias), acc = sum w * (q - zp[b]) over
///   in-image taps only.
struct HybridConvArgs {
  const float* input = nullptr;
  const std::int8_t* filter = nullptr;
  const float* bias = nullptr;
  float* output = nullptr;
  const float* channel_scale = nullptr;  ///< [out_c] (per-channel path) or null
  float filter_scale = 1.0f;
  std::int32_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  std::int32_t out_h = 0, out_w = 0, out_c = 0;
  std::int32_t k_h = 0, k_w = 0, filter_in_c = 0;
  std::int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int32_t pad_h = 0, pad_w = 0;
  FloatRange act;
};

template <class Arch>
struct HybridConv : HybridConv<typename Arch::Parent> {};

template <>
struct HybridConv<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const HybridConvArgs& a) noexcept {
    return hybrid::scratch_bytes(a.batches, static_cast<std::int64_t>(a.in_h) * a.in_w * a.in_c);
  }
  static void run(const HybridConvArgs& a, void* scratch) noexcept {
    const std::int64_t size = static_cast<std::int64_t>(a.in_h) * a.in_w * a.in_c;
    const bool per_channel = a.channel_scale != nullptr;
    const hybrid::Scratch s = hybrid::split(scratch, a.batches);
    hybrid::quantize_batches(a.input, a.batches, size, per_channel, s);
    const std::int32_t groups = a.in_c / a.filter_in_c;
    const std::int32_t filters_per_group = a.out_c / groups;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* qb = s.q + b * size;
      const std::int32_t zp = s.zero_point[b];
      const float batch_scale = per_channel ? s.scale[b] : mul_rounded(s.scale[b], a.filter_scale);
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          float* out = a.output + ((static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w + ox) * a.out_c;
          for (std::int32_t oc = 0; oc < a.out_c; ++oc) {
            const std::int32_t ic0 = (oc / filters_per_group) * a.filter_in_c;
            std::int32_t acc = 0;
            for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
              const std::int32_t iy = in_y0 + a.dilation_h * ky;
              if (iy < 0 || iy >= a.in_h) continue;
              for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
                const std::int32_t ix = in_x0 + a.dilation_w * kx;
                if (ix < 0 || ix >= a.in_w) continue;
                const std::int8_t* in = qb + (static_cast<std::ptrdiff_t>(iy) * a.in_w + ix) * a.in_c + ic0;
                const std::int8_t* f =
                    a.filter + ((static_cast<std::ptrdiff_t>(oc) * a.k_h + ky) * a.k_w + kx) * a.filter_in_c;
                for (std::int32_t ic = 0; ic < a.filter_in_c; ++ic) {
                  acc += static_cast<std::int32_t>(f[ic]) * (static_cast<std::int32_t>(in[ic]) - zp);
                }
              }
            }
            const float scaled =
                per_channel
                    ? mul_rounded(mul_rounded(static_cast<float>(acc), a.channel_scale[oc]), batch_scale)
                    : mul_rounded(static_cast<float>(acc), batch_scale);
            const float bias = a.bias != nullptr ? a.bias[oc] : 0.0f;
            out[oc] = clamp_f32(add_rounded(scaled, bias), a.act);
          }
        }
      }
    }
  }
};

/// DEPTHWISE_CONV_2D (filter [1, kh, kw, in_c * m], int8 per-channel), asymmetric inputs
/// (reference_integer_ops::DepthwiseConvHybridPerChannel):
///   out = clamp(float(acc) * (w_scale[oc] * scale[b]) + bias), acc = sum w * (q - zp[b]) over
///   in-image taps.
struct HybridDepthwiseConvArgs {
  const float* input = nullptr;
  const std::int8_t* filter = nullptr;
  const float* bias = nullptr;
  float* output = nullptr;
  const float* channel_scale = nullptr;  ///< [in_c * depth_multiplier]
  std::int32_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  std::int32_t out_h = 0, out_w = 0, depth_multiplier = 1;
  std::int32_t k_h = 0, k_w = 0;
  std::int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int32_t pad_h = 0, pad_w = 0;
  FloatRange act;
};

template <class Arch>
struct HybridDepthwiseConv : HybridDepthwiseConv<typename Arch::Parent> {};

template <>
struct HybridDepthwiseConv<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const HybridDepthwiseConvArgs& a) noexcept {
    return hybrid::scratch_bytes(a.batches, static_cast<std::int64_t>(a.in_h) * a.in_w * a.in_c);
  }
  static void run(const HybridDepthwiseConvArgs& a, void* scratch) noexcept {
    const std::int64_t size = static_cast<std::int64_t>(a.in_h) * a.in_w * a.in_c;
    const hybrid::Scratch s = hybrid::split(scratch, a.batches);
    hybrid::quantize_batches(a.input, a.batches, size, true, s);
    const std::int32_t out_c = a.in_c * a.depth_multiplier;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* qb = s.q + b * size;
      const std::int32_t zp = s.zero_point[b];
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          float* out = a.output + ((static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w + ox) * out_c;
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
                  const std::int32_t v = qb[(static_cast<std::ptrdiff_t>(iy) * a.in_w + ix) * a.in_c + ic];
                  acc += static_cast<std::int32_t>(a.filter[(static_cast<std::ptrdiff_t>(ky) * a.k_w + kx) * out_c + oc]) * (v - zp);
                }
              }
              const float scale = mul_rounded(a.channel_scale[oc], s.scale[b]);
              const float bias = a.bias != nullptr ? a.bias[oc] : 0.0f;
              out[oc] = clamp_f32(add_rounded(mul_rounded(static_cast<float>(acc), scale), bias), a.act);
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
