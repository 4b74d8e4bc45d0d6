// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 convolution and fully connected: per output pixel, the receptive field is gathered
// once into an int16 patch (input + input offset; padding taps become 0, which is exactly what
// the reference's skipped taps contribute), then every output channel is an exact int16 dot
// product with its contiguous OHWI weight row (vpmaddwd), 8 channels reduced and requantized at
// once. Grouped convolutions and asymmetric FC weights use the reference path.
//
// Contract: as kernels::ConvS8 / FullyConnectedS8; scratch_bytes() bytes of scratch, any alignment.
// Numerics: bit-exact with the reference (same integer sums, requantize8 == the scalar rounding).
#pragma once
#if defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/kernels/arch/avx2/primitives.hpp"
#include "tinyml/kernels/conv_s8.hpp"
#include "tinyml/kernels/fully_connected_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace avx2 {

/// Bytes of int16 patch for a receptive field of k values (zero-padded to 16, plus alignment).
constexpr std::size_t patch_bytes(std::int64_t k) noexcept {
  return static_cast<std::size_t>((k + 15) / 16 * 16) * sizeof(std::int16_t) + 32;
}
inline std::int16_t* align_patch(void* scratch) noexcept {
  const auto p = reinterpret_cast<std::uintptr_t>(scratch);
  return reinterpret_cast<std::int16_t*>((p + 31) / 32 * 32);
}

/// out[o] = requant(dot(w[o], patch) + bias[o]) for o in [0, n_out): the shared inner part of
/// convolution and fully connected. `per_channel` selects multiplier[o] or multiplier[0].
struct RowParams {
  const std::int8_t* weights;  // [n_out, k]
  const std::int32_t* bias;    // null or [n_out]
  const std::int32_t* multiplier;
  const std::int8_t* shift;
  bool per_channel;
  std::int32_t n_out, k;
  std::int32_t output_offset, act_min, act_max;
};

/// `Src` computes the 8-lane partial dot product of weight row `w` (the `exact` flag says whether
/// it may over-read the weights up to a multiple of 16).
template <class Src>
inline void dot_rows(const RowParams& r, const Src& src, std::int8_t* out) noexcept {
  const __m256i offset = _mm256_set1_epi32(r.output_offset);
  const __m256i lo = _mm256_set1_epi32(r.act_min), hi = _mm256_set1_epi32(r.act_max);
  __m256i mult = _mm256_set1_epi32(r.multiplier[0]);
  Shifts8 sh = broadcast_shift(r.shift[0]);
  const std::int32_t k = r.k;
  for (std::int32_t ob = 0; ob < r.n_out; ob += 8) {
    const std::int32_t n = r.n_out - ob < 8 ? r.n_out - ob : 8;
    __m256i v[8];
    for (std::int32_t j = 0; j < 8; ++j) {
      const std::int32_t o = ob + j;
      if (j >= n) {
        v[j] = _mm256_setzero_si256();
      } else if (static_cast<std::int64_t>(o) * k + (k + 15) / 16 * 16 <=
                 static_cast<std::int64_t>(r.n_out) * k) {
        // Over-reading into the next rows is in bounds; the patch's zero tail cancels it.
        v[j] = src(r.weights + static_cast<std::ptrdiff_t>(o) * k, false);
      } else {
        v[j] = src(r.weights + static_cast<std::ptrdiff_t>(o) * k, true);
      }
    }
    __m256i acc = reduce8(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    if (n == 8) {
      if (r.bias != nullptr) acc = _mm256_add_epi32(acc, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r.bias + ob)));
      if (r.per_channel) {
        mult = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r.multiplier + ob));
        sh = load_shifts8(r.shift + ob);
      }
      store8_s8(out + ob, requantize8(acc, mult, sh.left, sh.right), offset, lo, hi);
    } else {
      alignas(32) std::int32_t b[8] = {}, m[8] = {};
      alignas(8) std::int8_t s[8] = {};
      for (std::int32_t j = 0; j < n; ++j) {
        b[j] = r.bias != nullptr ? r.bias[ob + j] : 0;
        m[j] = r.multiplier[r.per_channel ? ob + j : 0];
        s[j] = r.shift[r.per_channel ? ob + j : 0];
      }
      acc = _mm256_add_epi32(acc, _mm256_load_si256(reinterpret_cast<const __m256i*>(b)));
      const Shifts8 ps = load_shifts8(s);
      store_n_s8(out + ob, requantize8(acc, _mm256_load_si256(reinterpret_cast<const __m256i*>(m)), ps.left, ps.right),
                 offset, lo, hi, n);
    }
  }
}

/// Weight rows against a zero-padded int16 patch.
struct PatchSrc {
  const std::int16_t* patch;
  int k;
  __m256i operator()(const std::int8_t* w, bool exact) const noexcept {
    return exact ? dot_s8_s16<true>(w, patch, k) : dot_s8_s16<false>(w, patch, k);
  }
};
/// Weight rows against int8 activations plus the input offset, read in place.
struct DirectSrc {
  const std::int8_t* x;
  __m256i offset16;
  int k;
  __m256i operator()(const std::int8_t* w, bool) const noexcept { return dot_s8_s8(w, x, offset16, k); }
};

}  // namespace avx2

template <>
struct ConvS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  /// 1x1, stride 1, unpadded: every output pixel's receptive field is one contiguous input pixel.
  static bool pointwise(const ConvS8Args& a) noexcept {
    return a.k_h == 1 && a.k_w == 1 && a.stride_h == 1 && a.stride_w == 1 && a.pad_h == 0 &&
           a.pad_w == 0 && a.filter_in_c == a.in_c;
  }
  static std::size_t scratch_bytes(const ConvS8Args& a) noexcept {
    if (pointwise(a) || a.filter_in_c != a.in_c) return 0;
    return avx2::patch_bytes(static_cast<std::int64_t>(a.k_h) * a.k_w * a.filter_in_c);
  }
  static void run(const ConvS8Args& a, void* scratch) noexcept {
    if (pointwise(a)) {
      const avx2::RowParams rp{a.filter, a.bias, a.multiplier, a.shift, true, a.out_c, a.in_c,
                               a.output_offset, a.act_min, a.act_max};
      const __m256i off = _mm256_set1_epi16(static_cast<std::int16_t>(a.input_offset));
      const std::int32_t pixels = a.batches * a.out_h * a.out_w;
      for (std::int32_t p = 0; p < pixels; ++p) {
        avx2::dot_rows(rp, avx2::DirectSrc{a.input + p * a.in_c, off, a.in_c}, a.output + p * a.out_c);
      }
      return;
    }
    if (scratch == nullptr || a.filter_in_c != a.in_c) {
      ConvS8<arch::Generic>::run(a, scratch);
      return;
    }
    const std::int32_t k = a.k_h * a.k_w * a.in_c;
    std::int16_t* patch = avx2::align_patch(scratch);
    for (std::int32_t i = k; i < (k + 15) / 16 * 16; ++i) patch[i] = 0;
    const avx2::RowParams rp{a.filter, a.bias, a.multiplier, a.shift, true, a.out_c, k,
                             a.output_offset, a.act_min, a.act_max};
    const auto in_off = static_cast<std::int16_t>(a.input_offset);
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int16_t* dst = patch;
          const bool row_inside = a.dilation_w == 1 && in_x0 >= 0 && in_x0 + a.k_w <= a.in_w;
          for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
            const std::int32_t iy = in_y0 + a.dilation_h * ky;
            if (row_inside && iy >= 0 && iy < a.in_h) {
              // The whole filter row is inside the image: k_w * in_c contiguous input bytes.
              avx2::widen_offset_s8(dst, a.input + ((b * a.in_h + iy) * a.in_w + in_x0) * a.in_c,
                                    a.k_w * a.in_c, in_off);
              dst += a.k_w * a.in_c;
              continue;
            }
            for (std::int32_t kx = 0; kx < a.k_w; ++kx, dst += a.in_c) {
              const std::int32_t ix = in_x0 + a.dilation_w * kx;
              if (iy < 0 || iy >= a.in_h || ix < 0 || ix >= a.in_w) {
                std::memset(dst, 0, sizeof(std::int16_t) * static_cast<std::size_t>(a.in_c));
              } else {
                avx2::widen_offset_s8(dst, a.input + ((b * a.in_h + iy) * a.in_w + ix) * a.in_c, a.in_c, in_off);
              }
            }
          }
          avx2::dot_rows(rp, avx2::PatchSrc{patch, k}, a.output + ((b * a.out_h + oy) * a.out_w + ox) * a.out_c);
        }
      }
    }
  }
};

template <>
struct FullyConnectedS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const FullyConnectedS8Args&) noexcept { return 0; }
  static void run(const FullyConnectedS8Args& a, void* scratch) noexcept {
    if (a.filter_offset != 0) {
      FullyConnectedS8<arch::Generic>::run(a, scratch);
      return;
    }
    const avx2::RowParams rp{a.filter, a.bias, a.multiplier, a.shift, a.per_channel, a.out,
                             a.depth, a.output_offset, a.act_min, a.act_max};
    const __m256i off = _mm256_set1_epi16(static_cast<std::int16_t>(a.input_offset));
    for (std::int32_t b = 0; b < a.batches; ++b) {
      avx2::dot_rows(rp, avx2::DirectSrc{a.input + b * a.depth, off, a.depth}, a.output + b * a.out);
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
