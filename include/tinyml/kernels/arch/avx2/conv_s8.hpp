// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 convolution and fully connected. Convolutions take one of two paths:
//  - packed (any filter of k = kh*kw*in_c values whose 8- or 16-channel block fits the stack
//    buffer, kStackBytes = 40 KB): the live filters are repacked per run, a chunk of blocks at a
//    time, into that stack buffer laid out [k pair][channel][2 int16]; each pixel's receptive
//    field is gathered as int16 into the arena scratch (input + input offset, 0 for padding,
//    which is exactly what the reference's skipped taps contribute); one broadcast int16 pair x
//    one weight vector (vpmaddwd) accumulates two k values for 8 channels, 4 pixels x 16
//    channels (or 8 x 8) per tile, no horizontal sums. Pointwise layers widen their contiguous
//    pixels directly; other undilated layers ("row mode") widen each input row once into a
//    ring of k_h rows (also on the stack) and read every window row from it, instead of
//    gathering each pixel's field.
//  - direct (filters too deep for that, left in place in the model): 3 pixels x 4 channels per
//    tile, int16 dot products along k (vpmaddwd), reduced horizontally.
// Both requantize with constants prepared once per channel block (avx2::requant8_pre). Grouped
// convolutions and asymmetric FC weights use the reference path. Fully connected takes 8 rows
// per step (int16 vpmaddwd), or, for rows the op marked pair-safe at prepare
// (FullyConnectedS8Args::pair_safe: every adjacent weight pair has |w0| + |w1| <= 128), byte
// multiplies of (input + 128) (vpmaddubsw, whose int16 pair sums then cannot saturate).
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
    madd_acc(a0, wv, x0);
    madd_acc(b0, wv, x1);
    wv = ld16(w1 + i);
    madd_acc(a1, wv, x0);
    madd_acc(b1, wv, x1);
    wv = ld16(w2 + i);
    madd_acc(a2, wv, x0);
    madd_acc(b2, wv, x1);
    wv = ld16(w3 + i);
    madd_acc(a3, wv, x0);
    madd_acc(b3, wv, x1);
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

/// 3 pixels x 4 output channels (patches p0..p2, weight rows w0..w3, exactly k values of each).
/// Returns lanes (pixel 0: channels 0-3, pixel 1: channels 0-3) in *r01 and pixel 2's four in
/// the low half of *r2 (high half zero).
__attribute__((noinline)) inline void dot_3x4(const std::int16_t* p0, const std::int16_t* p1,
                                              const std::int16_t* p2, const std::int8_t* w0,
                                              const std::int8_t* w1, const std::int8_t* w2,
                                              const std::int8_t* w3, std::int32_t k, __m256i* r01,
                                              __m256i* r2) noexcept {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  __m256i c0 = a0, c1 = a0, c2 = a0, c3 = a0;
  auto ld16 = [](const std::int8_t* p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  };
  auto px = [](const std::int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
  std::int32_t i = 0;
  for (; i + 16 <= k; i += 16) {
    __m256i wv = ld16(w0 + i);
    madd_acc(a0, wv, px(p0 + i));
    madd_acc(b0, wv, px(p1 + i));
    madd_acc(c0, wv, px(p2 + i));
    wv = ld16(w1 + i);
    madd_acc(a1, wv, px(p0 + i));
    madd_acc(b1, wv, px(p1 + i));
    madd_acc(c1, wv, px(p2 + i));
    wv = ld16(w2 + i);
    madd_acc(a2, wv, px(p0 + i));
    madd_acc(b2, wv, px(p1 + i));
    madd_acc(c2, wv, px(p2 + i));
    wv = ld16(w3 + i);
    madd_acc(a3, wv, px(p0 + i));
    madd_acc(b3, wv, px(p1 + i));
    madd_acc(c3, wv, px(p2 + i));
  }
  if (i + 8 <= k) {
    // Zero-extended 8-wide steps: the upper lanes' products are zero.
    auto ld8 = [](const std::int8_t* p) {
      return _mm256_zextsi128_si256(_mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
    };
    auto px8 = [](const std::int16_t* p) {
      return _mm256_zextsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    };
    const __m256i x0 = px8(p0 + i), x1 = px8(p1 + i), x2 = px8(p2 + i);
    __m256i wv = ld8(w0 + i);
    madd_acc(a0, wv, x0); madd_acc(b0, wv, x1); madd_acc(c0, wv, x2);
    wv = ld8(w1 + i);
    madd_acc(a1, wv, x0); madd_acc(b1, wv, x1); madd_acc(c1, wv, x2);
    wv = ld8(w2 + i);
    madd_acc(a2, wv, x0); madd_acc(b2, wv, x1); madd_acc(c2, wv, x2);
    wv = ld8(w3 + i);
    madd_acc(a3, wv, x0); madd_acc(b3, wv, x1); madd_acc(c3, wv, x2);
    i += 8;
  }
  const __m256i z = _mm256_setzero_si256();
  __m256i r = reduce8(a0, a1, a2, a3, b0, b1, b2, b3);
  __m256i q = reduce8(c0, c1, c2, c3, z, z, z, z);
  if (i < k) {
    std::int32_t t[12] = {};
    for (std::int32_t j = i; j < k; ++j) {
      t[0] += w0[j] * p0[j]; t[1] += w1[j] * p0[j]; t[2] += w2[j] * p0[j]; t[3] += w3[j] * p0[j];
      t[4] += w0[j] * p1[j]; t[5] += w1[j] * p1[j]; t[6] += w2[j] * p1[j]; t[7] += w3[j] * p1[j];
      t[8] += w0[j] * p2[j]; t[9] += w1[j] * p2[j]; t[10] += w2[j] * p2[j]; t[11] += w3[j] * p2[j];
    }
    r = _mm256_add_epi32(r, _mm256_setr_epi32(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]));
    q = _mm256_add_epi32(q, _mm256_setr_epi32(t[8], t[9], t[10], t[11], 0, 0, 0, 0));
  }
  *r01 = r;
  *r2 = q;
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

  /// Packed path: the (live) filters are repacked per run, a chunk of blocks at a time, into a
  /// stack buffer as blocks of 8 * kNB channels, [unit u][channel][2 int16] (a unit = two
  /// consecutive k values, sign-extended once here), so one vpmaddwd against a broadcast int16
  /// input pair accumulates two k values for 8 channels at once; kMR pixels x 8 * kNB channels
  /// per tile, no horizontal reductions. The buffer is on the stack, not in the arena: this is
  /// a host-only path, and the arena stays what an MCU build plans; the arena scratch holds only
  /// the pixels' int16 receptive fields.
  struct Block {
    avx2::Requant8Params rq[2];
    std::int32_t ch[16];  // output channel of each lane (the last one repeated past n)
    std::int32_t n;       // live lanes
    bool contiguous;      // ch[j] == ch[0] + j for j < n
  };
  static constexpr int kMR = 4;
  static constexpr std::size_t kStackBytes = 40960;  // packed blocks, per run() call
  static std::int32_t packed_channels(const ConvS8Args& a) noexcept {
    return a.live != nullptr ? a.n_live : a.out_c;
  }
  static int packed_nb(const ConvS8Args& a) noexcept { return packed_channels(a) <= 8 ? 1 : 2; }
  static std::int64_t filter_k(const ConvS8Args& a) noexcept {
    return static_cast<std::int64_t>(a.k_h) * a.k_w * a.in_c;
  }
  static std::size_t packed_block_bytes(const ConvS8Args& a, std::int64_t k2) noexcept {
    return (sizeof(Block) + static_cast<std::size_t>(k2) * 8 * packed_nb(a) * sizeof(std::int16_t) + 31) / 32 * 32;
  }
  static std::int64_t packed_blocks(const ConvS8Args& a) noexcept {
    const std::int64_t lanes = 8 * packed_nb(a);
    return (packed_channels(a) + lanes - 1) / lanes;
  }
  /// Blocks packed at once into the stack buffer.
  static std::int64_t chunk_blocks(const ConvS8Args& a, std::size_t bb) noexcept {
    const std::int64_t c = static_cast<std::int64_t>(kStackBytes / bb), n = packed_blocks(a);
    return c > n ? n : c;
  }
  /// 1x1, stride 1, no padding, even depth: a tile's pixels are contiguous input.
  static bool is_pointwise(const ConvS8Args& a) noexcept {
    return a.k_h == 1 && a.k_w == 1 && a.stride_h == 1 && a.stride_w == 1 && a.pad_h == 0 &&
           a.pad_w == 0 && a.in_c % 2 == 0;
  }
  static int packed_mr(const ConvS8Args& a) noexcept { return packed_nb(a) == 1 ? 8 : kMR; }
  static std::size_t patches_bytes(const ConvS8Args& a, std::int64_t k2) noexcept {
    return static_cast<std::size_t>(packed_mr(a)) * static_cast<std::size_t>((k2 + 15) / 16 * 16 + 16) *
           sizeof(std::int16_t);
  }
  /// Row mode (non-pointwise, undilated): instead of gathering each pixel's receptive field,
  /// the k_h input rows a row of outputs reads are widened once each (input + offset as int16,
  /// zero columns for the padding) into a ring of k_h row buffers on the stack, and each tile
  /// reads its pixels' window rows straight from them, one filter row (k_w * in_c values,
  /// rounded up to even with a zero weight) at a time. Every input row is widened about once
  /// instead of k_h * k_w / stride^2 times.
  static constexpr std::size_t kRingBytes = 16384;
  static std::int64_t ring_cols(const ConvS8Args& a) noexcept {
    return static_cast<std::int64_t>(a.out_w - 1) * a.stride_w + a.k_w;
  }
  static std::int64_t ring_row_elems(const ConvS8Args& a) noexcept {
    return (ring_cols(a) * a.in_c + 32 + 15) / 16 * 16;
  }
  static bool row_mode(const ConvS8Args& a) noexcept {
    return !is_pointwise(a) && a.dilation_h == 1 && a.dilation_w == 1 && a.out_w > 0 && a.k_h <= 15 &&
           static_cast<std::int64_t>(a.k_w) * a.in_c <= 4096 &&
           (a.k_h + 1) * ring_row_elems(a) * static_cast<std::int64_t>(sizeof(std::int16_t)) <=
               static_cast<std::int64_t>(kRingBytes);
  }
  /// Packed values per channel: k rounded up to even, or in row mode k_h filter rows each
  /// rounded up to even.
  static std::int64_t packed_k2(const ConvS8Args& a) noexcept {
    if (row_mode(a)) {
      const std::int64_t row = static_cast<std::int64_t>(a.k_w) * a.in_c;
      return a.k_h * ((row + 1) / 2 * 2);
    }
    return (filter_k(a) + 1) / 2 * 2;
  }
  /// Scratch of the packed path (the receptive fields; none in row mode), or 0 when the layer
  /// takes the direct path (filters so deep that one block does not fit the stack buffer).
  static std::size_t packed_scratch(const ConvS8Args& a) noexcept {
    const std::int64_t k = filter_k(a), k2 = packed_k2(a);
    if (packed_channels(a) <= 0 || k > 4096 || packed_block_bytes(a, k2) > kStackBytes) return 0;
    return row_mode(a) ? 32 : 32 + patches_bytes(a, k2);
  }

  static std::size_t scratch_bytes(const ConvS8Args& a) noexcept {
    if (a.filter_in_c != a.in_c) return 0;  // grouped: reference path
    const std::size_t packed = packed_scratch(a);
    if (packed > 0) return packed;
    return direct_scratch(a);
  }

  /// Direct path ("vector over k"): weights read in place from the model (no copy, for deep
  /// filters), 3 pixels x 4 channels per tile (dot_3x4), requantization constants prepared
  /// once per 4-channel group, receptive fields gathered once per pixel pair.
  /// Requantization constants (the fields of avx2::Requant8Params; lanes: channels ch[0..3]
  /// for pixel 0, then the same for pixel 1) and the group's channels, in 256 bytes.
  struct alignas(32) Group {
    std::int32_t bias[8], mult[8], mult_hi[8], left[8], right[8], mask[8], half[8];
    bool any_left;
    bool contiguous;
    std::int16_t n;
    std::int32_t ch[4];  // output channels (the last repeated past n)
  };
  static std::int64_t direct_groups(const ConvS8Args& a) noexcept { return (packed_channels(a) + 3) / 4; }
  static std::size_t direct_scratch(const ConvS8Args& a) noexcept {
    const std::size_t groups = packed_channels(a) > 0 ? static_cast<std::size_t>(direct_groups(a)) : 0;
    return 32 + groups * ((sizeof(Group) + 31) / 32 * 32) +
           3 * avx2::patch_bytes(static_cast<std::int64_t>(a.k_h) * a.k_w * a.in_c);
  }

  static void run(const ConvS8Args& a, void* scratch) noexcept {
    if (scratch == nullptr || a.filter_in_c != a.in_c) {
      ConvS8<arch::Generic>::run(a, scratch);
      return;
    }
    if (packed_scratch(a) > 0) {
      auto* patches = reinterpret_cast<std::int16_t*>((reinterpret_cast<std::uintptr_t>(scratch) + 31) / 32 * 32);
      run_packed_stack(a, patches);
      return;
    }
    run_direct(a, scratch);
  }

 private:
  static void run_direct(const ConvS8Args& a, void* scratch) noexcept {
    const std::int32_t k = a.k_h * a.k_w * a.in_c, k16 = (k + 15) / 16 * 16;
    const std::int32_t nch = packed_channels(a);
    const std::int32_t ng = nch > 0 ? static_cast<std::int32_t>(direct_groups(a)) : 0;
    constexpr std::size_t gb = (sizeof(Group) + 31) / 32 * 32;
    auto* base = reinterpret_cast<std::uint8_t*>((reinterpret_cast<std::uintptr_t>(scratch) + 31) / 32 * 32);
    for (std::int32_t g = 0; g < ng; ++g) {
      auto* grp = reinterpret_cast<Group*>(base + g * gb);
      grp->n = static_cast<std::int16_t>(nch - 4 * g < 4 ? nch - 4 * g : 4);
      std::int32_t ch8[8];
      for (std::int32_t j = 0; j < 4; ++j) {
        const std::int32_t i = 4 * g + (j < grp->n ? j : grp->n - 1);
        grp->ch[j] = ch8[j] = ch8[j + 4] = a.live != nullptr ? a.live[i] : i;
      }
      grp->contiguous = grp->n == 4 && grp->ch[1] == grp->ch[0] + 1 && grp->ch[2] == grp->ch[0] + 2 &&
                        grp->ch[3] == grp->ch[0] + 3;
      avx2::make_requant8_params(grp, a.bias, a.multiplier, a.shift, ch8);
    }
    std::int16_t* patch[3];
    patch[0] = reinterpret_cast<std::int16_t*>(base + ng * gb);
    patch[1] = patch[0] + k16 + 16;
    patch[2] = patch[1] + k16 + 16;
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m128i lo = _mm_set1_epi8(static_cast<char>(a.act_min)), hi = _mm_set1_epi8(static_cast<char>(a.act_max));
    const std::int32_t pixels = a.batches * a.out_h * a.out_w;
    PixelWalker pw(a);
    for (std::int32_t p = 0; p < pixels; p += 3) {
      const std::int32_t valid = pixels - p < 3 ? pixels - p : 3;
      for (std::int32_t m = 0; m < valid; ++m) {
        pw.gather(patch[m]);
        pw.next();
      }
      std::int8_t* out[3];
      for (std::int32_t m = 0; m < 3; ++m) out[m] = a.output + static_cast<std::ptrdiff_t>(p + m) * a.out_c;
      const std::int16_t* q1 = valid > 1 ? patch[1] : patch[0];
      const std::int16_t* q2 = valid > 2 ? patch[2] : patch[0];
      if (a.live != nullptr) {
        for (std::int32_t m = 0; m < valid; ++m) std::memcpy(out[m], a.dead_out, static_cast<std::size_t>(a.out_c));
      }
      for (std::int32_t g = 0; g < ng; ++g) {
        const auto* grp = reinterpret_cast<const Group*>(base + g * gb);
        const std::int8_t* w = a.filter;
        __m256i acc01, acc2;
        avx2::dot_3x4(patch[0], q1, q2, w + grp->ch[0] * k, w + grp->ch[1] * k, w + grp->ch[2] * k,
                      w + grp->ch[3] * k, k, &acc01, &acc2);
        const __m256i v01 = _mm256_add_epi32(avx2::requant8_pre(acc01, *grp), out_off);
        const __m256i v2 = _mm256_add_epi32(avx2::requant8_pre(acc2, *grp), out_off);
        // int16: [p0 c0-3, p2 c0-3 | p1 c0-3, p2 (high half: unused)]
        const __m256i p16 = _mm256_packs_epi32(v01, v2);
        const __m128i p8 = _mm_min_epi8(
            _mm_max_epi8(_mm_packs_epi16(_mm256_castsi256_si128(p16), _mm256_extracti128_si256(p16, 1)), lo), hi);
        // bytes: p0 c0-3 | p2 c0-3 | p1 c0-3 | unused
        alignas(16) std::int8_t t[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(t), p8);
        static constexpr int kAt[3] = {0, 8, 4};
        if (grp->contiguous) {
          for (std::int32_t m = 0; m < valid; ++m) std::memcpy(out[m] + grp->ch[0], t + kAt[m], 4);
        } else {
          for (std::int32_t m = 0; m < valid; ++m) {
            for (std::int32_t j = 0; j < grp->n; ++j) out[m][grp->ch[j]] = t[kAt[m] + j];
          }
        }
      }
    }
  }

  /// The packed path with its blocks in a stack buffer of kStackBytes (and, in row mode, its
  /// row ring in one of kRingBytes).
  __attribute__((noinline)) static void run_packed_stack(const ConvS8Args& a, std::int16_t* patches) noexcept {
    alignas(32) std::uint8_t blocks[kStackBytes];
    const auto chunk = static_cast<std::int32_t>(chunk_blocks(a, packed_block_bytes(a, packed_k2(a))));
    if (row_mode(a)) {
      alignas(32) std::int16_t ring[kRingBytes / sizeof(std::int16_t)];
      if (packed_nb(a) == 1) {
        run_rows<1, 8>(a, blocks, ring, chunk);
      } else {
        run_rows<2, kMR>(a, blocks, ring, chunk);
      }
      return;
    }
    if (packed_nb(a) == 1) {
      run_packed<1, 8>(a, blocks, patches, chunk);  // packed_mr()
    } else {
      run_packed<2, kMR>(a, blocks, patches, chunk);
    }
  }

  /// Row mode (see row_mode()): blocks packed per filter row, tiles of up to MR pixels of one
  /// output row, one tile() per filter row accumulating.
  template <int NB, int MR>
  static void run_rows(const ConvS8Args& a, std::uint8_t* base, std::int16_t* ring, std::int32_t chunk) noexcept {
    const std::int32_t row = a.k_w * a.in_c, row2 = (row + 1) / 2 * 2, urow = row2 / 2;
    const std::int32_t lanes = 8 * NB, nch = packed_channels(a);
    const std::int32_t nblk = static_cast<std::int32_t>(packed_blocks(a));
    const std::size_t bb = packed_block_bytes(a, static_cast<std::int64_t>(a.k_h) * row2);
    const auto relems = static_cast<std::ptrdiff_t>(ring_row_elems(a));
    const auto cols = static_cast<std::int32_t>(ring_cols(a));
    const std::int16_t* zero_row = ring + static_cast<std::ptrdiff_t>(a.k_h) * relems;
    PixelWalker::zero(ring + static_cast<std::ptrdiff_t>(a.k_h) * relems, static_cast<std::int32_t>(relems));
    const avx2::OutStage os(a.output_offset, a.act_min, a.act_max);
    const PixelWalker pw(a);  // for widen()
    const std::ptrdiff_t img = static_cast<std::ptrdiff_t>(a.in_h) * a.in_w * a.in_c;
    // Interior columns of a ring row: buffer column c holds input column c - pad_w.
    const std::int32_t c0 = a.pad_w < cols ? a.pad_w : cols;
    const std::int32_t c1 = a.pad_w + a.in_w < cols ? a.pad_w + a.in_w : cols;
    for (std::int32_t b0 = 0; b0 < nblk; b0 += chunk) {
      const std::int32_t nb = nblk - b0 < chunk ? nblk - b0 : chunk;
      for (std::int32_t bi = 0; bi < nb; ++bi) {
        pack_block<NB>(a, reinterpret_cast<Block*>(base + bi * bb), (b0 + bi) * lanes, nch, row, a.k_h, urow);
      }
      std::int64_t tag[16];  // input row (b * in_h + iy) held by each ring slot, -1: none
      for (auto& t : tag) t = -1;
      for (std::int32_t b = 0; b < a.batches; ++b) {
        for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
          const std::int16_t* rows[16];
          for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
            const std::int32_t iy = oy * a.stride_h - a.pad_h + ky;
            if (iy < 0 || iy >= a.in_h) {
              rows[ky] = zero_row;
              continue;
            }
            const std::int32_t slot = iy % a.k_h;
            std::int16_t* dst = ring + slot * relems;
            const std::int64_t id = static_cast<std::int64_t>(b) * a.in_h + iy;
            if (tag[slot] != id) {
              tag[slot] = id;
              PixelWalker::zero(dst, c0 * a.in_c);
              const std::int8_t* src = a.input + b * img + (static_cast<std::ptrdiff_t>(iy) * a.in_w + (c0 - a.pad_w)) * a.in_c;
              if (c1 > c0) pw.widen(dst + c0 * a.in_c, src, (c1 - c0) * a.in_c);
              const std::int32_t tail = static_cast<std::int32_t>(relems) - c1 * a.in_c;
              std::memset(dst + c1 * a.in_c, 0, static_cast<std::size_t>(tail) * sizeof(std::int16_t));
            }
            rows[ky] = dst;
          }
          std::int8_t* orow = a.output + (static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w * a.out_c;
          for (std::int32_t ox = 0; ox < a.out_w; ox += MR) {
            const int valid = a.out_w - ox < MR ? a.out_w - ox : MR;
            std::ptrdiff_t at[MR];
            for (int m = 0; m < MR; ++m) {
              at[m] = static_cast<std::ptrdiff_t>(ox + (m < valid ? m : 0)) * a.stride_w * a.in_c;
            }
            std::int8_t* out = orow + static_cast<std::ptrdiff_t>(ox) * a.out_c;
            tile_blocks<NB, MR>(a, os, base, bb, nb, b0 == 0, valid, out,
                                [&](const std::int16_t* w, __m256i (&acc)[MR][NB]) {
                                  for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
                                    const std::int16_t* x[MR];
                                    for (int m = 0; m < MR; ++m) x[m] = rows[ky] + at[m];
                                    if (ky == 0) {
                                      tile<MR, NB, false>(w, x, urow, acc);
                                    } else {
                                      tile<MR, NB, true>(w + static_cast<std::ptrdiff_t>(ky) * urow * 16 * NB, x, urow, acc);
                                    }
                                  }
                                });
          }
        }
      }
    }
  }

  /// blocks: 32-byte aligned room for `chunk` packed blocks; p0: packed_mr() int16 patches.
  template <int NB, int MR>
  static void run_packed(const ConvS8Args& a, std::uint8_t* base, std::int16_t* p0, std::int32_t chunk) noexcept {
    const std::int32_t k = a.k_h * a.k_w * a.in_c, k2 = (k + 1) / 2 * 2, units = k2 / 2;
    const std::int32_t lanes = 8 * NB, nch = packed_channels(a);
    const std::int32_t nblk = static_cast<std::int32_t>(packed_blocks(a));
    const std::size_t bb = packed_block_bytes(a, k2);
    std::int16_t* patch[MR];
    const std::int32_t pstride = (k2 + 15) / 16 * 16 + 16;
    for (int m = 0; m < MR; ++m) patch[m] = p0 + m * pstride;
    const avx2::OutStage os(a.output_offset, a.act_min, a.act_max);
    const std::int32_t pixels = a.batches * a.out_h * a.out_w;
    const bool pointwise = is_pointwise(a);
    for (std::int32_t b0 = 0; b0 < nblk; b0 += chunk) {
      const std::int32_t nb = nblk - b0 < chunk ? nblk - b0 : chunk;
      for (std::int32_t bi = 0; bi < nb; ++bi) pack_block<NB>(a, reinterpret_cast<Block*>(base + bi * bb), (b0 + bi) * lanes, nch, k, 1, units);
      PixelWalker pw(a);
      for (std::int32_t p = 0; p < pixels; p += MR) {
        const int valid = pixels - p < MR ? pixels - p : MR;
        const std::int16_t* x[MR];
        if (pointwise) {
          pw.widen(patch[0], a.input + static_cast<std::ptrdiff_t>(p) * k, valid * k);
          for (int m = 0; m < MR; ++m) x[m] = patch[0] + (m < valid ? m : 0) * k;
        } else {
          for (int m = 0; m < MR; ++m) {
            if (m < valid) {
              const bool zeroed = pw.gather(patch[m]);
              pw.next();
              if (k2 != k && !zeroed) patch[m][k] = 0;
              x[m] = patch[m];
            } else {
              x[m] = patch[0];
            }
          }
        }
        std::int8_t* out = a.output + static_cast<std::ptrdiff_t>(p) * a.out_c;
        tile_blocks<NB, MR>(a, os, base, bb, nb, b0 == 0, valid, out,
                            [&](const std::int16_t* w, __m256i (&acc)[MR][NB]) { tile<MR, NB, false>(w, x, units, acc); });
      }
    }
  }

  /// One pixel tile (valid of its MR pixels, outputs from `out`) over the chunk's nb blocks:
  /// the dead channels' constant outputs first (on the first chunk), then per block
  /// fill(weights, acc) and the requantized stores.
  template <int NB, int MR, class Fill>
  static void tile_blocks(const ConvS8Args& a, const avx2::OutStage& os, const std::uint8_t* base, std::size_t bb,
                          std::int32_t nb, bool first_chunk, int valid, std::int8_t* out, const Fill& fill) noexcept {
    if (a.live != nullptr && first_chunk) {
      for (int m = 0; m < valid; ++m) std::memcpy(out + m * a.out_c, a.dead_out, static_cast<std::size_t>(a.out_c));
    }
    for (std::int32_t bi = 0; bi < nb; ++bi) {
      const auto* blk = reinterpret_cast<const Block*>(base + bi * bb);
      __m256i acc[MR][NB];
      fill(reinterpret_cast<const std::int16_t*>(blk + 1), acc);
      for (int m = 0; m < valid; ++m) store<NB>(os, *blk, acc[m], out + m * a.out_c);
    }
  }

  /// Packs channels [first, first + 8 * NB) of nch (live ones) as `segs` segments of `seg`
  /// filter values each (the whole filter, or one filter row in row mode), each segment as
  /// `units` pairs (the odd value out paired with a zero weight).
  template <int NB>
  static void pack_block(const ConvS8Args& a, Block* blk, std::int32_t first, std::int32_t nch,
                         std::int32_t seg, std::int32_t segs, std::int32_t units) noexcept {
    const std::int32_t k = seg * segs;
    constexpr std::int32_t lanes = 8 * NB;
    auto* w = reinterpret_cast<std::int16_t*>(blk + 1);
    blk->n = nch - first < lanes ? nch - first : lanes;
    for (std::int32_t j = 0; j < 16; ++j) {
      const std::int32_t i = first + (j < blk->n ? j : blk->n - 1);
      blk->ch[j] = a.live != nullptr ? a.live[i] : i;
    }
    blk->contiguous = true;
    for (std::int32_t j = 1; j < blk->n; ++j) blk->contiguous = blk->contiguous && blk->ch[j] == blk->ch[0] + j;
    for (int g = 0; g < NB; ++g) {
      avx2::make_requant8_params(&blk->rq[g], a.bias, a.multiplier, a.shift, blk->ch + 8 * g);
      for (std::int32_t sg = 0; sg < segs; ++sg) {
        const std::int8_t* rows[8];
        for (int j = 0; j < 8; ++j) {
          rows[j] = a.filter + static_cast<std::ptrdiff_t>(blk->ch[8 * g + j]) * k + static_cast<std::ptrdiff_t>(sg) * seg;
        }
        avx2::pack_pairs8(w + static_cast<std::ptrdiff_t>(sg) * units * 16 * NB + 16 * g, 16 * NB, rows, seg, units);
      }
    }
  }

  template <int NB>
  static void store(const avx2::OutStage& os, const Block& blk, const __m256i* acc, std::int8_t* o) noexcept {
    __m128i v;
    if constexpr (NB == 2) {
      v = os.pack16(avx2::requant8_pre(acc[0], blk.rq[0]), avx2::requant8_pre(acc[1], blk.rq[1]));
    } else {
      v = os.pack8(avx2::requant8_pre(acc[0], blk.rq[0]));
    }
    if (blk.contiguous && blk.n == 8 * NB) {
      if constexpr (NB == 2) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o + blk.ch[0]), v);
      } else {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(o + blk.ch[0]), v);
      }
    } else {
      alignas(16) std::int8_t t[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(t), v);
      for (std::int32_t j = 0; j < blk.n; ++j) o[blk.ch[j]] = t[j];
    }
  }

  /// Walks output pixels in order and writes each one's receptive field as int16 (input +
  /// input offset; taps outside the image 0, which is what the reference's skipped taps
  /// contribute). Writes up to 15 values past the field's end (the patches have that slack);
  /// reads only input bytes (16-byte loads only where they stay inside the input tensor).
  struct PixelWalker {
    const std::int8_t* input;
    const std::int8_t* end;
    __m256i off16;
    std::int16_t off;
    std::int32_t in_h, in_w, in_c, out_h, out_w, k_h, k_w, s_h, s_w, d_h, d_w, pad_h, pad_w;
    std::int32_t row;               // k_w * in_c: one filter row's contiguous input values
    std::ptrdiff_t img_bytes, row_stride;  // one image; between the rows of one window
    std::int32_t b = 0, oy = 0, ox = 0;
    explicit PixelWalker(const ConvS8Args& a) noexcept
        : input(a.input),
          end(a.input + static_cast<std::ptrdiff_t>(a.batches) * a.in_h * a.in_w * a.in_c),
          off16(_mm256_set1_epi16(static_cast<std::int16_t>(a.input_offset))),
          off(static_cast<std::int16_t>(a.input_offset)),
          in_h(a.in_h), in_w(a.in_w), in_c(a.in_c), out_h(a.out_h), out_w(a.out_w), k_h(a.k_h),
          k_w(a.k_w), s_h(a.stride_h), s_w(a.stride_w), d_h(a.dilation_h), d_w(a.dilation_w),
          pad_h(a.pad_h), pad_w(a.pad_w), row(a.k_w * a.in_c),
          img_bytes(static_cast<std::ptrdiff_t>(a.in_h) * a.in_w * a.in_c),
          row_stride(static_cast<std::ptrdiff_t>(a.dilation_h) * a.in_w * a.in_c) {}
    void next() noexcept {
      if (++ox == out_w) {
        ox = 0;
        if (++oy == out_h) {
          oy = 0;
          ++b;
        }
      }
    }
    void widen(std::int16_t* dst, const std::int8_t* src, std::int32_t n) const noexcept {
      std::int32_t i = 0;
      for (; i < n && src + i + 16 <= end; i += 16) {
        const __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_add_epi16(v, off16));
      }
      for (; i < n; ++i) dst[i] = static_cast<std::int16_t>(src[i] + off);
    }
    static void zero(std::int16_t* dst, std::int32_t n) noexcept {
      for (std::int32_t i = 0; i < n; i += 16) _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_setzero_si256());
    }
    /// Returns true when the values from k up to the next multiple of 16 were written as 0.
    bool gather(std::int16_t* dst) const noexcept {
      const std::int32_t in_y0 = oy * s_h - pad_h, in_x0 = ox * s_w - pad_w;
      const std::int8_t* img = input + b * img_bytes;
      const bool x_inside = d_w == 1 && in_x0 >= 0 && in_x0 + k_w <= in_w;
      if (x_inside && in_y0 >= 0 && in_y0 + (k_h - 1) * d_h < in_h) {
        const std::int8_t* src = img + (static_cast<std::ptrdiff_t>(in_y0) * in_w + in_x0) * in_c;
        const std::int32_t row16 = (row + 15) / 16 * 16;
        if (src + (k_h - 1) * row_stride + row16 <= end) {
          // Interior window, whole 16-byte loads in bounds. Locals: the vector stores may alias
          // anything, so members would be reloaded after each one.
          const std::int32_t kh = k_h, r = row;
          const std::ptrdiff_t rs = row_stride;
          const __m256i o = off16;
          if (r == 9 && kh == 3) {
            // 3x3 windows of 3 channels (first layers): the 27 values are assembled in
            // registers and written as two non-overlapping 32-byte stores (zero from value 27
            // on), so the tile's loads are forwarded from single stores.
            const __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
            const __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + rs));
            const __m128i r2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * rs));
            const __m128i lo = _mm_or_si128(
                _mm_shuffle_epi8(r0, _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1, -1, -1, -1)),
                _mm_shuffle_epi8(r1, _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6)));
            const __m128i hi = _mm_or_si128(
                _mm_shuffle_epi8(r1, _mm_setr_epi8(7, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
                _mm_shuffle_epi8(r2, _mm_setr_epi8(-1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1, -1)));
            const __m256i keep = _mm256_setr_epi16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), _mm256_add_epi16(_mm256_cvtepi8_epi16(lo), o));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 16),
                                _mm256_and_si256(_mm256_add_epi16(_mm256_cvtepi8_epi16(hi), o), keep));
            return true;
          }
          if (r <= 16) {
            for (std::int32_t ky = 0; ky < kh; ++ky, dst += r, src += rs) {
              const __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)));
              _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), _mm256_add_epi16(v, o));
            }
            return false;
          }
          for (std::int32_t ky = 0; ky < kh; ++ky, dst += r, src += rs) {
            for (std::int32_t i = 0; i < r; i += 16) {
              const __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
              _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_add_epi16(v, o));
            }
          }
          return false;
        }
      }
      for (std::int32_t ky = 0; ky < k_h; ++ky, dst += row) {
        const std::int32_t iy = in_y0 + d_h * ky;
        if (iy < 0 || iy >= in_h) {
          zero(dst, row);
        } else if (x_inside) {
          widen(dst, img + (static_cast<std::ptrdiff_t>(iy) * in_w + in_x0) * in_c, row);
        } else {
          for (std::int32_t kx = 0; kx < k_w; ++kx) {
            const std::int32_t ix = in_x0 + d_w * kx;
            if (ix < 0 || ix >= in_w) {
              for (std::int32_t c = 0; c < in_c; ++c) dst[kx * in_c + c] = 0;
            } else {
              widen(dst + kx * in_c, img + (static_cast<std::ptrdiff_t>(iy) * in_w + ix) * in_c, in_c);
            }
          }
        }
      }
      return false;
    }
  };

  /// acc[m][g] = for each of the block's channels 8g..8g+7, the sum over units of the packed
  /// weight pair times pixel m's int16 pair. Named accumulators (arrays of vectors get copied
  /// around by the register allocator).
  template <int MR, int NB, bool kAccumulate>
  static inline void tile(const std::int16_t* w, const std::int16_t* const* x, std::int32_t units,
                          __m256i (&acc)[MR][NB]) noexcept {
    static_assert((NB == 2 && MR == 4) || (NB == 1 && MR == 8), "tile shapes");
    auto bc = [](const std::int16_t* p) {
      std::int32_t v;
      std::memcpy(&v, p, 4);
      return _mm256_set1_epi32(v);
    };
    auto cvt = [](const std::int16_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); };
    auto mac = [](__m256i& a, __m256i wv, __m256i xb) { a = _mm256_add_epi32(a, _mm256_madd_epi16(wv, xb)); };
    const __m256i z = _mm256_setzero_si256();
    if constexpr (NB == 2) {
      __m256i a0 = z, a1 = z, b0 = z, b1 = z, c0 = z, c1 = z, d0 = z, d1 = z;
      if constexpr (kAccumulate) {
        a0 = acc[0][0]; a1 = acc[0][NB - 1]; b0 = acc[1][0]; b1 = acc[1][NB - 1];
        c0 = acc[2][0]; c1 = acc[2][NB - 1]; d0 = acc[3][0]; d1 = acc[3][NB - 1];
      }
      const std::int16_t *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
      for (std::int32_t u = 0; u < units; ++u, w += 32) {
        const __m256i w0 = cvt(w), w1 = cvt(w + 16);
        __m256i xb = bc(x0 + 2 * u);
        mac(a0, w0, xb); mac(a1, w1, xb);
        xb = bc(x1 + 2 * u);
        mac(b0, w0, xb); mac(b1, w1, xb);
        xb = bc(x2 + 2 * u);
        mac(c0, w0, xb); mac(c1, w1, xb);
        xb = bc(x3 + 2 * u);
        mac(d0, w0, xb); mac(d1, w1, xb);
      }
      acc[0][0] = a0; acc[0][NB - 1] = a1; acc[1][0] = b0; acc[1][NB - 1] = b1;
      acc[2][0] = c0; acc[2][NB - 1] = c1; acc[3][0] = d0; acc[3][NB - 1] = d1;
    } else {
      __m256i a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
      if constexpr (kAccumulate) {
        a0 = acc[0][0]; a1 = acc[1 % MR][0]; a2 = acc[2 % MR][0]; a3 = acc[3 % MR][0];
        a4 = acc[4 % MR][0]; a5 = acc[5 % MR][0]; a6 = acc[6 % MR][0]; a7 = acc[7 % MR][0];
      }
      const std::int16_t *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
      const std::int16_t *x4 = x[MR > 4 ? 4 : 0], *x5 = x[MR > 5 ? 5 : 0], *x6 = x[MR > 6 ? 6 : 0],
                         *x7 = x[MR > 7 ? 7 : 0];
      for (std::int32_t u = 0; u < units; ++u, w += 16) {
        const __m256i w0 = cvt(w);
        mac(a0, w0, bc(x0 + 2 * u)); mac(a1, w0, bc(x1 + 2 * u));
        mac(a2, w0, bc(x2 + 2 * u)); mac(a3, w0, bc(x3 + 2 * u));
        mac(a4, w0, bc(x4 + 2 * u)); mac(a5, w0, bc(x5 + 2 * u));
        mac(a6, w0, bc(x6 + 2 * u)); mac(a7, w0, bc(x7 + 2 * u));
      }
      const __m256i r[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
      for (int m = 0; m < MR; ++m) acc[m][0] = r[m];
    }
  }
};

template <>
struct FullyConnectedS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  /// Rows marked in FullyConnectedS8Args::pair_safe take byte multiplies (input_offset 128).
  static constexpr bool kReadsPairSafe = true;
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
    if (a.out >= 8) {
      // LiteRT's single rounding with every shift <= -1 (as usual): the cheaper SingleNeg8.
      bool neg = R == quant::Rounding::kSingle;
      for (std::int32_t i = 0; neg && i < (a.per_channel ? a.out : 1); ++i) neg = a.shift[i] <= -1;
      if (neg) {
        run_1x8<R, avx2::SingleNeg8>(a);
      } else {
        run_1x8<R, avx2::Requant8<R>>(a);
      }
      return;
    }
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* x = a.input + b * a.depth;
      std::int8_t* out = a.output + b * a.out;
      for (std::int32_t o = 0; o < tiled; o += 4) {
        avx2::store_tile_2x4<R>(rp, o, avx2::dot_1x4_direct(x, off, a.filter + o * a.depth, a.depth), out, nullptr);
      }
      avx2::dot_rows_from<R>(rp, tiled, avx2::DirectSrc{x, off, a.depth}, out);
    }
  }

  /// Eight outputs per step (the last step overlaps the previous one when out % 8 != 0: its
  /// outputs are recomputed to identical values); any depth (16-wide steps, one 8-wide step,
  /// then scalar); per-tensor requantization constants prepared once.
  /// Rq: the 8-lane requantization (avx2::Requant8<R>, or SingleNeg8 when it applies).
  template <quant::Rounding R, class Rq>
  static void run_1x8(const FullyConnectedS8Args& a) noexcept {
    const __m256i off = _mm256_set1_epi16(static_cast<std::int16_t>(a.input_offset));
    const avx2::OutStage os(a.output_offset, a.act_min, a.act_max);
    const Rq rq_tensor(_mm256_set1_epi32(a.shift[0]));
    const __m256i mult_tensor = _mm256_set1_epi32(a.multiplier[0]);
    // Inputs plus offset as int16, widened once per batch when they fit this buffer.
    alignas(32) std::int16_t xs[kMaxWidened];
    const bool widened = a.depth <= kMaxWidened;
    // For pair-safe rows: inputs + 128 as bytes (x ^ 0x80).
    alignas(32) std::uint8_t us[kMaxWidened];
    const bool bytes = a.pair_safe != nullptr && widened && a.depth >= 16 &&
                       (a.input_offset == 128 || a.row_sums != nullptr);
    const __m256i sum_scale = _mm256_set1_epi32(a.input_offset - 128);
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* x = a.input + static_cast<std::ptrdiff_t>(b) * a.depth;
      std::int8_t* out = a.output + static_cast<std::ptrdiff_t>(b) * a.out;
      if (widened) avx2::widen_offset_s8(xs, x, a.depth, static_cast<std::int16_t>(a.input_offset));
      if (bytes) flip_sign_bits(us, x, a.depth);
      for (std::int32_t o0 = 0; o0 < a.out; o0 += 8) {
        const std::int32_t o = o0 + 8 <= a.out ? o0 : a.out - 8;
        const std::int8_t* w = a.filter + static_cast<std::ptrdiff_t>(o) * a.depth;
        __m256i acc;
        if (bytes && rows_safe(a.pair_safe, o)) {
          acc = dot_1x8_u8(us, w, a.depth);
          if (a.input_offset != 128) {
            const __m256i sums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.row_sums + o));
            acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(sums, sum_scale));
          }
        } else {
          acc = widened ? dot_1x8_s16(xs, w, a.depth) : dot_1x8(x, off, w, a.depth);
        }
        if (a.bias != nullptr) acc = _mm256_add_epi32(acc, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bias + o)));
        __m256i v;
        if (a.per_channel) {
          const Rq rq(avx2::load_shift_lanes(a.shift + o));
          v = rq(acc, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.multiplier + o)));
        } else {
          v = rq_tensor(acc, mult_tensor);
        }
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out + o), os.pack8(v));
      }
    }
  }

  static constexpr std::int32_t kMaxWidened = 1024;

  /// Rows [o, o + 8) all marked in the pair_safe bitmap (which has a byte for each row's 8).
  static bool rows_safe(const std::uint8_t* bits, std::int32_t o) noexcept {
    const std::int32_t i = o / 8, sh = o % 8;
    const std::uint32_t two = bits[i] | (sh != 0 ? static_cast<std::uint32_t>(bits[i + 1]) << 8 : 0u);
    return ((two >> sh) & 0xFFu) == 0xFFu;
  }
  /// us[i] = x[i] + 128 as a byte.
  static void flip_sign_bits(std::uint8_t* us, const std::int8_t* x, std::int32_t n) noexcept {
    const __m256i sign = _mm256_set1_epi8(static_cast<char>(0x80));
    std::int32_t i = 0;
    for (; i + 32 <= n; i += 32) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(us + i),
                         _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i)), sign));
    }
    for (; i < n; ++i) us[i] = static_cast<std::uint8_t>(x[i] ^ 0x80);
  }

  /// dot_1x8 for pair-safe rows against us = input + 128 (bytes): vpmaddubsw's int16 pair sums
  /// are at most 255 * 128 in magnitude, so they never saturate; vpmaddwd with ones widens them.
  static inline __m256i dot_1x8_u8(const std::uint8_t* us, const std::int8_t* w,
                                                      std::int32_t depth) noexcept {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const std::int8_t *w0 = w, *w1 = w + depth, *w2 = w1 + depth, *w3 = w2 + depth;
    const std::int8_t *w4 = w3 + depth, *w5 = w4 + depth, *w6 = w5 + depth, *w7 = w6 + depth;
    const __m256i ones = _mm256_set1_epi16(1);
    auto mac = [&](__m256i& acc, __m256i uv, const std::int8_t* p) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      avx2::madd_acc(acc, _mm256_maddubs_epi16(uv, wv), ones);
    };
    std::int32_t i = 0;
    for (; i + 32 <= depth; i += 32) {
      const __m256i uv = _mm256_load_si256(reinterpret_cast<const __m256i*>(us + i));
      mac(a0, uv, w0 + i); mac(a1, uv, w1 + i); mac(a2, uv, w2 + i); mac(a3, uv, w3 + i);
      mac(a4, uv, w4 + i); mac(a5, uv, w5 + i); mac(a6, uv, w6 + i); mac(a7, uv, w7 + i);
    }
    if (i + 16 <= depth) {
      // 16-byte step in the low half (upper lanes zero, so their products are zero).
      const __m256i uv = _mm256_zextsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(us + i)));
      auto mac16 = [&](__m256i& acc, const std::int8_t* p) {
        const __m256i wv = _mm256_zextsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        avx2::madd_acc(acc, _mm256_maddubs_epi16(uv, wv), ones);
      };
      mac16(a0, w0 + i); mac16(a1, w1 + i); mac16(a2, w2 + i); mac16(a3, w3 + i);
      mac16(a4, w4 + i); mac16(a5, w5 + i); mac16(a6, w6 + i); mac16(a7, w7 + i);
      i += 16;
    }
    __m256i r = avx2::reduce8(a0, a1, a2, a3, a4, a5, a6, a7);
    if (i < depth) {
      std::int32_t t[8] = {};
      const std::int8_t* rows[8] = {w0, w1, w2, w3, w4, w5, w6, w7};
      for (; i < depth; ++i) {
        for (int j = 0; j < 8; ++j) t[j] += rows[j][i] * static_cast<std::int32_t>(us[i]);
      }
      r = _mm256_add_epi32(r, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t)));
    }
    return r;
  }

  /// dot_1x8 with the activations already widened and offset (xs: depth int16 values).
  __attribute__((noinline)) static __m256i dot_1x8_s16(const std::int16_t* xs, const std::int8_t* w,
                                                       std::int32_t depth) noexcept {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const std::int8_t *w0 = w, *w1 = w + depth, *w2 = w1 + depth, *w3 = w2 + depth;
    const std::int8_t *w4 = w3 + depth, *w5 = w4 + depth, *w6 = w5 + depth, *w7 = w6 + depth;
    auto ld = [](const std::int8_t* p) {
      return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    };
    std::int32_t i = 0;
    for (; i + 16 <= depth; i += 16) {
      const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xs + i));
      avx2::madd_acc(a0, ld(w0 + i), xv);
      avx2::madd_acc(a1, ld(w1 + i), xv);
      avx2::madd_acc(a2, ld(w2 + i), xv);
      avx2::madd_acc(a3, ld(w3 + i), xv);
      avx2::madd_acc(a4, ld(w4 + i), xv);
      avx2::madd_acc(a5, ld(w5 + i), xv);
      avx2::madd_acc(a6, ld(w6 + i), xv);
      avx2::madd_acc(a7, ld(w7 + i), xv);
    }
    if (i + 8 <= depth) {
      auto ld8 = [](const std::int8_t* p) {
        return _mm256_zextsi128_si256(_mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
      };
      // Upper lanes of the widened weights are zero, so the products there are zero.
      const __m256i xv = _mm256_zextsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(xs + i)));
      avx2::madd_acc(a0, ld8(w0 + i), xv);
      avx2::madd_acc(a1, ld8(w1 + i), xv);
      avx2::madd_acc(a2, ld8(w2 + i), xv);
      avx2::madd_acc(a3, ld8(w3 + i), xv);
      avx2::madd_acc(a4, ld8(w4 + i), xv);
      avx2::madd_acc(a5, ld8(w5 + i), xv);
      avx2::madd_acc(a6, ld8(w6 + i), xv);
      avx2::madd_acc(a7, ld8(w7 + i), xv);
      i += 8;
    }
    __m256i r = avx2::reduce8(a0, a1, a2, a3, a4, a5, a6, a7);
    if (i < depth) {
      std::int32_t t[8] = {};
      const std::int8_t* rows[8] = {w0, w1, w2, w3, w4, w5, w6, w7};
      for (; i < depth; ++i) {
        for (int j = 0; j < 8; ++j) t[j] += rows[j][i] * xs[i];
      }
      r = _mm256_add_epi32(r, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t)));
    }
    return r;
  }

  /// Lane j: dot(w row j, x + offset) for rows w, w + depth, ..., w + 7 * depth (exact reads).
  __attribute__((noinline)) static __m256i dot_1x8(const std::int8_t* x, __m256i off, const std::int8_t* w,
                                                   std::int32_t depth) noexcept {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const std::int8_t *w0 = w, *w1 = w + depth, *w2 = w1 + depth, *w3 = w2 + depth;
    const std::int8_t *w4 = w3 + depth, *w5 = w4 + depth, *w6 = w5 + depth, *w7 = w6 + depth;
    auto ld = [](const std::int8_t* p) {
      return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    };
    std::int32_t i = 0;
    for (; i + 16 <= depth; i += 16) {
      const __m256i xv = _mm256_add_epi16(ld(x + i), off);
      avx2::madd_acc(a0, ld(w0 + i), xv);
      avx2::madd_acc(a1, ld(w1 + i), xv);
      avx2::madd_acc(a2, ld(w2 + i), xv);
      avx2::madd_acc(a3, ld(w3 + i), xv);
      avx2::madd_acc(a4, ld(w4 + i), xv);
      avx2::madd_acc(a5, ld(w5 + i), xv);
      avx2::madd_acc(a6, ld(w6 + i), xv);
      avx2::madd_acc(a7, ld(w7 + i), xv);
    }
    if (i + 8 <= depth) {
      auto ld8 = [](const std::int8_t* p) {
        return _mm256_zextsi128_si256(_mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
      };
      // Upper lanes of the widened vectors are zero, so the products there are zero.
      const __m256i xv = _mm256_add_epi16(ld8(x + i), _mm256_zextsi128_si256(_mm256_castsi256_si128(off)));
      avx2::madd_acc(a0, ld8(w0 + i), xv);
      avx2::madd_acc(a1, ld8(w1 + i), xv);
      avx2::madd_acc(a2, ld8(w2 + i), xv);
      avx2::madd_acc(a3, ld8(w3 + i), xv);
      avx2::madd_acc(a4, ld8(w4 + i), xv);
      avx2::madd_acc(a5, ld8(w5 + i), xv);
      avx2::madd_acc(a6, ld8(w6 + i), xv);
      avx2::madd_acc(a7, ld8(w7 + i), xv);
      i += 8;
    }
    __m256i r = avx2::reduce8(a0, a1, a2, a3, a4, a5, a6, a7);
    if (i < depth) {
      const std::int32_t o = static_cast<std::int16_t>(_mm256_extract_epi16(off, 0));
      std::int32_t t[8] = {};
      const std::int8_t* rows[8] = {w0, w1, w2, w3, w4, w5, w6, w7};
      for (; i < depth; ++i) {
        const std::int32_t xi = x[i] + o;
        for (int j = 0; j < 8; ++j) t[j] += rows[j][i] * xi;
      }
      r = _mm256_add_epi32(r, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t)));
    }
    return r;
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
