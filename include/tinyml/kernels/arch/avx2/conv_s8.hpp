// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 convolution and fully connected: per output pixel, the receptive field is gathered
// once into an int16 patch (input + input offset; padding taps become 0, which is exactly what
// the reference's skipped taps contribute), then every output channel is an exact int16 dot
// product with its contiguous OHWI weight row (vpmaddwd), 8 channels reduced and requantized at
// once. Grouped convolutions and asymmetric FC weights use the reference path.
//
// Contract: as kernels::ConvS8 / FullyConnectedS8; scratch_bytes() bytes of scratch, any alignment.
// Numerics: bit-exact with the reference (same integer sums; Requant8<R> == the scalar rounding:
//   double for convolutions, FullyConnectedS8Args::rounding for fully connected).
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
/// it may over-read the weights up to a multiple of 16). R: the requantization rounding
/// (convolutions: kDouble; fully connected: FullyConnectedS8Args::rounding).
template <quant::Rounding R = quant::Rounding::kDouble, class Src>
inline void dot_rows(const RowParams& r, const Src& src, std::int8_t* out) noexcept {
  const __m256i offset = _mm256_set1_epi32(r.output_offset);
  const __m256i lo = _mm256_set1_epi32(r.act_min), hi = _mm256_set1_epi32(r.act_max);
  __m256i mult = _mm256_set1_epi32(r.multiplier[0]);
  Requant8<R> rq(_mm256_set1_epi32(r.shift[0]));
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
        rq = Requant8<R>(load_shift_lanes(r.shift + ob));
      }
      store8_s8(out + ob, rq(acc, mult), offset, lo, hi);
    } else {
      alignas(32) std::int32_t b[8] = {}, m[8] = {};
      alignas(8) std::int8_t s[8] = {};
      for (std::int32_t j = 0; j < n; ++j) {
        b[j] = r.bias != nullptr ? r.bias[ob + j] : 0;
        m[j] = r.multiplier[r.per_channel ? ob + j : 0];
        s[j] = r.shift[r.per_channel ? ob + j : 0];
      }
      acc = _mm256_add_epi32(acc, _mm256_load_si256(reinterpret_cast<const __m256i*>(b)));
      const Requant8<R> ps(load_shift_lanes(s));
      store_n_s8(out + ob, ps(acc, _mm256_load_si256(reinterpret_cast<const __m256i*>(m))), offset, lo, hi, n);
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

/// 2 pixels x 4 output channels: int16 patches p0/p1 against weight rows w, w+k, w+2k, w+3k,
/// reading exactly k bytes of each row (16-wide steps, one 8-wide step, then a scalar tail).
/// Lane j of the result: pixel j / 4, channel j % 4.
inline __m256i dot_2x4(const std::int16_t* p0, const std::int16_t* p1, const std::int8_t* w0,
                       const std::int8_t* w1, const std::int8_t* w2, const std::int8_t* w3,
                       std::int32_t k) noexcept {
  // Eight named accumulators so they stay in registers (an array spills at -O2).
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  auto ld16 = [](const std::int8_t* p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  };
  std::int32_t i = 0;
  for (; i + 16 <= k; i += 16) {
    const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p0 + i));
    const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p1 + i));
    __m256i wv = ld16(w0 + i);
    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(wv, x0));
    b0 = _mm256_add_epi32(b0, _mm256_madd_epi16(wv, x1));
    wv = ld16(w1 + i);
    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(wv, x0));
    b1 = _mm256_add_epi32(b1, _mm256_madd_epi16(wv, x1));
    wv = ld16(w2 + i);
    a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(wv, x0));
    b2 = _mm256_add_epi32(b2, _mm256_madd_epi16(wv, x1));
    wv = ld16(w3 + i);
    a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(wv, x0));
    b3 = _mm256_add_epi32(b3, _mm256_madd_epi16(wv, x1));
  }
  if (i + 8 <= k) {
    const __m128i x0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p0 + i));
    const __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p1 + i));
    auto ld8 = [](const std::int8_t* p) {
      return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    };
    auto widen = [](__m128i v) { return _mm256_set_m128i(_mm_setzero_si128(), v); };
    __m128i wv = ld8(w0 + i);
    a0 = _mm256_add_epi32(a0, widen(_mm_madd_epi16(wv, x0)));
    b0 = _mm256_add_epi32(b0, widen(_mm_madd_epi16(wv, x1)));
    wv = ld8(w1 + i);
    a1 = _mm256_add_epi32(a1, widen(_mm_madd_epi16(wv, x0)));
    b1 = _mm256_add_epi32(b1, widen(_mm_madd_epi16(wv, x1)));
    wv = ld8(w2 + i);
    a2 = _mm256_add_epi32(a2, widen(_mm_madd_epi16(wv, x0)));
    b2 = _mm256_add_epi32(b2, widen(_mm_madd_epi16(wv, x1)));
    wv = ld8(w3 + i);
    a3 = _mm256_add_epi32(a3, widen(_mm_madd_epi16(wv, x0)));
    b3 = _mm256_add_epi32(b3, widen(_mm_madd_epi16(wv, x1)));
    i += 8;
  }
  __m256i r = reduce8(a0, a1, a2, a3, b0, b1, b2, b3);
  if (i < k) {
    std::int32_t t[8] = {};
    for (std::int32_t j = i; j < k; ++j) {
      t[0] += w0[j] * p0[j]; t[1] += w1[j] * p0[j]; t[2] += w2[j] * p0[j]; t[3] += w3[j] * p0[j];
      t[4] += w0[j] * p1[j]; t[5] += w1[j] * p1[j]; t[6] += w2[j] * p1[j]; t[7] += w3[j] * p1[j];
    }
    r = _mm256_add_epi32(r, _mm256_setr_epi32(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]));
  }
  return r;
}

inline __m256i dot_2x4(const std::int16_t* p0, const std::int16_t* p1, const std::int8_t* w,
                       std::int32_t k) noexcept {
  return dot_2x4(p0, p1, w, w + k, w + 2 * k, w + 3 * k, k);
}

/// 1 pixel x 4 output channels with int8 activations widened on the fly (k % 16 == 0).
/// Lanes 0..3: channels; lanes 4..7: zero.
inline __m256i dot_1x4_direct(const std::int8_t* x, __m256i off16, const std::int8_t* w,
                              std::int32_t k) noexcept {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (std::int32_t i = 0; i < k; i += 16) {
    const __m256i xv = _mm256_add_epi16(
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))), off16);
    auto wrow = [&](std::int32_t o) {
      return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + o * k + i)));
    };
    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(wrow(0), xv));
    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(wrow(1), xv));
    a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(wrow(2), xv));
    a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(wrow(3), xv));
  }
  const __m256i z = _mm256_setzero_si256();
  return reduce8(a0, a1, a2, a3, z, z, z, z);
}

/// Requantizes a 2x4 (or 1x4 in the low half) tile for channels [oc, oc + 4) and stores the
/// low half at out0 and the high half at out1 (null: not stored).
template <quant::Rounding R = quant::Rounding::kDouble>
inline void store_tile_2x4(const RowParams& r, std::int32_t oc, __m256i acc, std::int8_t* out0,
                           std::int8_t* out1) noexcept {
  const std::int32_t c = r.per_channel ? oc : 0;
  __m128i m4, b4;
  std::int32_t s4;
  if (r.per_channel) {
    m4 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r.multiplier + c));
    std::memcpy(&s4, r.shift + c, 4);
  } else {
    m4 = _mm_set1_epi32(r.multiplier[0]);
    s4 = static_cast<std::int32_t>(0x01010101u * static_cast<std::uint8_t>(r.shift[0]));
  }
  b4 = r.bias != nullptr ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(r.bias + oc))
                         : _mm_setzero_si128();
  acc = _mm256_add_epi32(acc, _mm256_broadcastsi128_si256(b4));
  const __m256i sv = _mm256_cvtepi8_epi32(_mm_set1_epi32(s4));
  __m256i v = Requant8<R>(sv)(acc, _mm256_broadcastsi128_si256(m4));
  v = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v, _mm256_set1_epi32(r.output_offset)),
                                        _mm256_set1_epi32(r.act_min)),
                       _mm256_set1_epi32(r.act_max));
  const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i p8 = _mm_packs_epi16(p16, p16);
  const std::int32_t lo = _mm_cvtsi128_si32(p8), hi = _mm_extract_epi32(p8, 1);
  std::memcpy(out0 + oc, &lo, 4);
  if (out1 != nullptr) std::memcpy(out1 + oc, &hi, 4);
}

/// store_tile_2x4 for four arbitrary channels ch[0..3] (per-channel parameters).
inline void store_tile_2x4_at(const RowParams& r, const std::int32_t* ch, __m256i acc,
                              std::int8_t* out0, std::int8_t* out1) noexcept {
  const __m128i m4 = _mm_setr_epi32(r.multiplier[ch[0]], r.multiplier[ch[1]], r.multiplier[ch[2]], r.multiplier[ch[3]]);
  const __m128i b4 = r.bias != nullptr ? _mm_setr_epi32(r.bias[ch[0]], r.bias[ch[1]], r.bias[ch[2]], r.bias[ch[3]])
                                       : _mm_setzero_si128();
  const __m128i s4 = _mm_setr_epi32(r.shift[ch[0]], r.shift[ch[1]], r.shift[ch[2]], r.shift[ch[3]]);
  acc = _mm256_add_epi32(acc, _mm256_broadcastsi128_si256(b4));
  const __m256i sv = _mm256_broadcastsi128_si256(s4);
  const __m256i zero = _mm256_setzero_si256();
  __m256i v = requantize8(acc, _mm256_broadcastsi128_si256(m4), _mm256_max_epi32(sv, zero),
                          _mm256_max_epi32(_mm256_sub_epi32(zero, sv), zero));
  v = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v, _mm256_set1_epi32(r.output_offset)),
                                        _mm256_set1_epi32(r.act_min)),
                       _mm256_set1_epi32(r.act_max));
  alignas(32) std::int32_t t[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(t), v);
  for (int j = 0; j < 4; ++j) {
    out0[ch[j]] = static_cast<std::int8_t>(t[j]);
    if (out1 != nullptr) out1[ch[j]] = static_cast<std::int8_t>(t[4 + j]);
  }
}

/// The rows [from, n_out) of dot_rows for one pixel.
template <quant::Rounding R = quant::Rounding::kDouble, class Src>
inline void dot_rows_from(const RowParams& r, std::int32_t from, const Src& src, std::int8_t* out) noexcept {
  if (from >= r.n_out) return;
  RowParams t = r;
  t.weights = r.weights + static_cast<std::ptrdiff_t>(from) * r.k;
  t.bias = r.bias != nullptr ? r.bias + from : nullptr;
  if (r.per_channel) {
    t.multiplier = r.multiplier + from;
    t.shift = r.shift + from;
  }
  t.n_out = r.n_out - from;
  dot_rows<R>(t, src, out + from);
}

}  // namespace avx2

template <>
struct ConvS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const ConvS8Args& a) noexcept {
    if (a.filter_in_c != a.in_c) return 0;  // grouped: reference path
    // Two int16 patches (a 2-pixel tile).
    return 2 * avx2::patch_bytes(static_cast<std::int64_t>(a.k_h) * a.k_w * a.in_c);
  }

  static void run(const ConvS8Args& a, void* scratch) noexcept {
    if (scratch == nullptr || a.filter_in_c != a.in_c) {
      ConvS8<arch::Generic>::run(a, scratch);
      return;
    }
    const std::int32_t k = a.k_h * a.k_w * a.in_c;
    const std::int32_t k16 = (k + 15) / 16 * 16;
    std::int16_t* patch0 = avx2::align_patch(scratch);
    std::int16_t* patch1 = patch0 + k16;
    for (std::int32_t i = k; i < k16; ++i) patch0[i] = patch1[i] = 0;
    const avx2::RowParams rp{a.filter, a.bias, a.multiplier, a.shift, true, a.out_c, k,
                             a.output_offset, a.act_min, a.act_max};
    const std::int32_t tiled = a.out_c / 4 * 4;
    const std::int32_t pixels = a.batches * a.out_h * a.out_w;
    for (std::int32_t p = 0; p < pixels; p += 2) {
      const bool two = p + 1 < pixels;
      gather(a, p, patch0);
      if (two) gather(a, p + 1, patch1);
      std::int8_t* out0 = a.output + static_cast<std::ptrdiff_t>(p) * a.out_c;
      std::int8_t* out1 = two ? out0 + a.out_c : nullptr;
      const std::int16_t* q1 = two ? patch1 : patch0;
      if (a.live != nullptr) {
        // Pruned: dead channels are constants; live ones in tiles of 4 (the last tile repeats
        // its final channel, which rewrites the same value).
        std::memcpy(out0, a.dead_out, static_cast<std::size_t>(a.out_c));
        if (two) std::memcpy(out1, a.dead_out, static_cast<std::size_t>(a.out_c));
        for (std::int32_t j = 0; j < a.n_live; j += 4) {
          std::int32_t ch[4];
          for (std::int32_t t = 0; t < 4; ++t) ch[t] = a.live[j + t < a.n_live ? j + t : a.n_live - 1];
          const __m256i acc = avx2::dot_2x4(patch0, q1, a.filter + ch[0] * k, a.filter + ch[1] * k,
                                            a.filter + ch[2] * k, a.filter + ch[3] * k, k);
          avx2::store_tile_2x4_at(rp, ch, acc, out0, out1);
        }
        continue;
      }
      for (std::int32_t oc = 0; oc < tiled; oc += 4) {
        avx2::store_tile_2x4(rp, oc, avx2::dot_2x4(patch0, q1, a.filter + oc * k, k), out0, out1);
      }
      avx2::dot_rows_from(rp, tiled, avx2::PatchSrc{patch0, k}, out0);
      if (two) avx2::dot_rows_from(rp, tiled, avx2::PatchSrc{patch1, k}, out1);
    }
  }

 private:
  /// Writes output pixel p's receptive field (input + offset, 0 for padding) as int16.
  static void gather(const ConvS8Args& a, std::int32_t p, std::int16_t* dst) noexcept {
    const auto in_off = static_cast<std::int16_t>(a.input_offset);
    const std::int32_t ox = p % a.out_w, oy = (p / a.out_w) % a.out_h, b = p / (a.out_w * a.out_h);
    const std::int32_t in_y0 = oy * a.stride_h - a.pad_h, in_x0 = ox * a.stride_w - a.pad_w;
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
    if (a.rounding == quant::Rounding::kSingle) {
      run_as<quant::Rounding::kSingle>(a);
    } else {
      run_as<quant::Rounding::kDouble>(a);
    }
  }

 private:
  template <quant::Rounding R>
  static void run_as(const FullyConnectedS8Args& a) noexcept {
    const avx2::RowParams rp{a.filter, a.bias, a.multiplier, a.shift, a.per_channel, a.out,
                             a.depth, a.output_offset, a.act_min, a.act_max};
    const __m256i off = _mm256_set1_epi16(static_cast<std::int16_t>(a.input_offset));
    // Depths that are multiples of 16 take 4-row tiles (no over-read); the rest row by row.
    const std::int32_t tiled = a.depth % 16 == 0 ? a.out / 4 * 4 : 0;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* x = a.input + b * a.depth;
      std::int8_t* out = a.output + b * a.out;
      for (std::int32_t o = 0; o < tiled; o += 4) {
        avx2::store_tile_2x4<R>(rp, o, avx2::dot_1x4_direct(x, off, a.filter + o * a.depth, a.depth), out, nullptr);
      }
      avx2::dot_rows_from<R>(rp, tiled, avx2::DirectSrc{x, off, a.depth}, out);
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
