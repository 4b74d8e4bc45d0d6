// SPDX-License-Identifier: Apache-2.0
// AVX-512 VNNI int8 depthwise convolution (depth multiplier 1, at least 8 channels, up to
// kMaxTaps taps). Taps are taken four at a time and byte-interleaved so that each int32 lane
// holds one channel's four taps: one VPDPBUSD then does 4 taps x 16 channels exactly.
//   * 64 channels per step: four 64-byte tap rows are interleaved with in-lane unpacks
//     (8-bit, then 16-bit), giving four vectors whose lane 4L + i is channel 16L + 4j + i; the
//     interleaved weights, weight sums and per-channel constants are built once per block in
//     that same order, and the final saturating packs (32 -> 16 -> 8 bits, also in-lane) put
//     the 64 results back in channel order.
//   * 16 channels per step (16..63 channels), or 8 (8..15 channels): the same interleave on
//     16- or 8-byte rows, the four quarters joined into one vector in channel order.
// Blocks overlap at the end when the channel count is not a multiple of the step (a few
// channels recomputed, identical values). Activations are fed as x + 128 with the padding byte
// for taps outside the image (avx512/primitives.hpp). Depth multipliers other than 1, fewer
// than 8 channels and larger windows use the AVX2 kernel.
//
// Contract: as kernels::DepthwiseConvS8; no scratch.
// Numerics: bit-exact with the reference (identical int32 sums, requantize16).
#pragma once

#include "tinyml/kernels/arch/avx512/isa.hpp"

#if defined(TINYML_AVX512_KERNELS)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/avx512/primitives.hpp"
#include "tinyml/kernels/depthwise_conv_s8.hpp"

TINYML_AVX512_DIAGNOSTICS_PUSH

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct DepthwiseConvS8<arch::Avx512> {
  using ImplArch = arch::Avx512;
  static constexpr std::int32_t kMaxTaps = 64;

  static bool handles(const DepthwiseConvS8Args& a) noexcept {
    return a.depth_multiplier == 1 && a.in_c >= 8 && a.k_h * a.k_w <= kMaxTaps &&
           a.input_offset >= -127 && a.input_offset <= 128;
  }
  static std::size_t scratch_bytes(const DepthwiseConvS8Args& a) noexcept {
    return handles(a) ? 0 : DepthwiseConvS8<arch::Avx2>::scratch_bytes(a);
  }
  static void run(const DepthwiseConvS8Args& a, void* scratch) noexcept {
    if (!handles(a)) {
      DepthwiseConvS8<arch::Avx2>::run(a, scratch);
    } else if (a.in_c >= 64) {
      run_c64(a);
    } else if (a.in_c >= 16) {
      run_narrow<16>(a);
    } else {
      run_narrow<8>(a);
    }
  }

 private:
  static constexpr std::int32_t kMaxQuads = kMaxTaps / 4;

  /// Tap geometry: offsets of each tap from the window origin and its element offset in NHWC.
  struct Taps {
    std::int32_t n = 0;
    std::int32_t dy[kMaxTaps], dx[kMaxTaps];
    std::ptrdiff_t off[kMaxTaps];
    explicit Taps(const DepthwiseConvS8Args& a) noexcept : n(a.k_h * a.k_w) {
      for (std::int32_t t = 0; t < n; ++t) {
        dy[t] = a.dilation_h * (t / a.k_w);
        dx[t] = a.dilation_w * (t % a.k_w);
        off[t] = (static_cast<std::ptrdiff_t>(dy[t]) * a.in_w + dx[t]) * a.in_c;
      }
    }
  };

  /// Output pixel geometry: the window origin and whether every tap is in the image.
  struct Pixel {
    std::int32_t y0, x0;
    bool inside;
    const std::int8_t* base;  // input at the window origin (valid only when inside)
  };
  template <class Fn>
  static void for_each_pixel(const DepthwiseConvS8Args& a, std::int32_t ch, Fn&& fn) noexcept {
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t y0 = oy * a.stride_h - a.pad_h;
        const bool rows_inside = y0 >= 0 && y0 + (a.k_h - 1) * a.dilation_h < a.in_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t x0 = ox * a.stride_w - a.pad_w;
          Pixel px{y0, x0, rows_inside && x0 >= 0 && x0 + (a.k_w - 1) * a.dilation_w < a.in_w, nullptr};
          if (px.inside) px.base = a.input + ((static_cast<std::ptrdiff_t>(b) * a.in_h + y0) * a.in_w + x0) * a.in_c + ch;
          fn(b, px, a.output + ((static_cast<std::ptrdiff_t>(b) * a.out_h + oy) * a.out_w + ox) * a.in_c + ch);
        }
      }
    }
  }
  /// Input at tap t of a pixel outside the fast path, or null if the tap is outside the image.
  static const std::int8_t* tap_ptr(const DepthwiseConvS8Args& a, const Taps& g, std::int32_t b,
                                    const Pixel& px, std::int32_t t, std::int32_t ch) noexcept {
    const std::int32_t iy = px.y0 + g.dy[t], ix = px.x0 + g.dx[t];
    if (iy < 0 || iy >= a.in_h || ix < 0 || ix >= a.in_w) return nullptr;
    return a.input + ((static_cast<std::ptrdiff_t>(b) * a.in_h + iy) * a.in_w + ix) * a.in_c + ch;
  }

  /// Byte-interleaves four rows within each 128-bit lane: q[j] lane 4L + i holds the four rows'
  /// bytes of element 16L + 4j + i.
  static void interleave4(__m512i x0, __m512i x1, __m512i x2, __m512i x3, __m512i* q) noexcept {
    const __m512i a = _mm512_unpacklo_epi8(x0, x1), b = _mm512_unpackhi_epi8(x0, x1);
    const __m512i c = _mm512_unpacklo_epi8(x2, x3), d = _mm512_unpackhi_epi8(x2, x3);
    q[0] = _mm512_unpacklo_epi16(a, c);
    q[1] = _mm512_unpackhi_epi16(a, c);
    q[2] = _mm512_unpacklo_epi16(b, d);
    q[3] = _mm512_unpackhi_epi16(b, d);
  }
  /// Four 16-byte rows interleaved into one vector in element order (lane i: element i's bytes).
  static __m512i interleave4(__m128i x0, __m128i x1, __m128i x2, __m128i x3) noexcept {
    const __m128i a = _mm_unpacklo_epi8(x0, x1), b = _mm_unpackhi_epi8(x0, x1);
    const __m128i c = _mm_unpacklo_epi8(x2, x3), d = _mm_unpackhi_epi8(x2, x3);
    __m512i v = _mm512_castsi128_si512(_mm_unpacklo_epi16(a, c));
    v = _mm512_inserti32x4(v, _mm_unpackhi_epi16(a, c), 1);
    v = _mm512_inserti32x4(v, _mm_unpacklo_epi16(b, d), 2);
    return _mm512_inserti32x4(v, _mm_unpackhi_epi16(b, d), 3);
  }

  static void run_c64(const DepthwiseConvS8Args& a) noexcept {
    const std::int32_t c = a.in_c;
    const Taps g(a);
    const std::int32_t quads = (g.n + 3) / 4;
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    const __m512i ones = _mm512_set1_epi8(1);
    const __m512i zero = _mm512_setzero_si512();
    // The raw int8 whose flipped byte is the padding byte 128 - offset.
    const __m512i pad = _mm512_set1_epi8(static_cast<char>(-a.input_offset));
    const avx512::OutStage os(a.output_offset, a.act_min, a.act_max);
    __m512i wq[kMaxQuads][4];
    alignas(64) std::int32_t lb[4][16], lm[4][16], ls[4][16];
    for (std::int32_t cb = 0; cb < c; cb += 64) {
      const std::int32_t ch = cb + 64 <= c ? cb : c - 64;
      __m512i ws[4] = {zero, zero, zero, zero};
      for (std::int32_t q = 0; q < quads; ++q) {
        __m512i w[4];
        for (std::int32_t i = 0; i < 4; ++i) {
          const std::int32_t t = 4 * q + i;
          w[i] = t < g.n ? _mm512_loadu_si512(a.filter + static_cast<std::ptrdiff_t>(t) * c + ch) : zero;
        }
        interleave4(w[0], w[1], w[2], w[3], wq[q]);
        for (int j = 0; j < 4; ++j) ws[j] = avx512::dpbusd(ws[j], ones, wq[q][j]);
      }
      for (int j = 0; j < 4; ++j) {
        for (int l = 0; l < 16; ++l) {
          const std::int32_t oc = ch + 16 * (l / 4) + 4 * j + l % 4;
          lb[j][l] = a.bias != nullptr ? a.bias[oc] : 0;
          lm[j][l] = a.multiplier[oc];
          ls[j][l] = a.shift[oc];
        }
      }
      __m512i start[4];
      avx512::Quant16 qs[4];
      const __m512i corr = _mm512_set1_epi32(a.input_offset - 128);
      for (int j = 0; j < 4; ++j) {
        start[j] = _mm512_add_epi32(_mm512_load_si512(lb[j]), _mm512_mullo_epi32(ws[j], corr));
        qs[j] = avx512::quant16(_mm512_load_si512(lm[j]), _mm512_load_si512(ls[j]));
      }
      for_each_pixel(a, ch, [&](std::int32_t b, const Pixel& px, std::int8_t* out) {
        __m512i acc[4] = {start[0], start[1], start[2], start[3]};
        for (std::int32_t q = 0; q < quads; ++q) {
          __m512i x[4];
          for (std::int32_t i = 0; i < 4; ++i) {
            const std::int32_t t = 4 * q + i;
            const std::int8_t* p = t >= g.n ? nullptr : px.inside ? px.base + g.off[t] : tap_ptr(a, g, b, px, t, ch);
            x[i] = p != nullptr ? _mm512_loadu_si512(p) : pad;
          }
          __m512i xq[4];
          interleave4(x[0], x[1], x[2], x[3], xq);
          for (int j = 0; j < 4; ++j) {
            acc[j] = avx512::dpbusd(acc[j], _mm512_xor_si512(xq[j], flip), wq[q][j]);
          }
        }
        __m512i r[4];
        for (int j = 0; j < 4; ++j) r[j] = os.clamp(avx512::requantize16(acc[j], qs[j]));
        // In-lane packs undo the interleave: lane L becomes elements 16L..16L+15 in order.
        const __m512i p = _mm512_packs_epi16(_mm512_packs_epi32(r[0], r[1]), _mm512_packs_epi32(r[2], r[3]));
        _mm512_storeu_si512(out, p);
      });
    }
  }

  /// Blocks of W = 16 (or 8, for 8..15 channels) channels: 16-byte (8-byte) tap rows,
  /// interleaved and joined in channel order; with W = 8 the upper eight lanes are unused.
  template <int W>
  static void run_narrow(const DepthwiseConvS8Args& a) noexcept {
    const std::int32_t c = a.in_c;
    const Taps g(a);
    const std::int32_t quads = (g.n + 3) / 4;
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    const __m512i ones = _mm512_set1_epi8(1);
    const __m128i zero = _mm_setzero_si128();
    const __m128i pad = _mm_set1_epi8(static_cast<char>(-a.input_offset));
    const avx512::OutStage os(a.output_offset, a.act_min, a.act_max);
    __m512i wq[kMaxQuads];
    alignas(64) std::int32_t lb[16], lm[16], ls[16];
    auto load = [](const std::int8_t* p) {
      return W == 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p))
                     : _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    };
    for (std::int32_t cb = 0; cb < c; cb += W) {
      const std::int32_t ch = cb + W <= c ? cb : c - W;
      __m512i ws = _mm512_setzero_si512();
      for (std::int32_t q = 0; q < quads; ++q) {
        __m128i w[4];
        for (std::int32_t i = 0; i < 4; ++i) {
          const std::int32_t t = 4 * q + i;
          w[i] = t < g.n ? load(a.filter + static_cast<std::ptrdiff_t>(t) * c + ch) : zero;
        }
        wq[q] = interleave4(w[0], w[1], w[2], w[3]);
        ws = avx512::dpbusd(ws, ones, wq[q]);
      }
      for (int l = 0; l < 16; ++l) {
        const bool real = l < W;
        lb[l] = real && a.bias != nullptr ? a.bias[ch + l] : 0;
        lm[l] = real ? a.multiplier[ch + l] : 0;
        ls[l] = real ? a.shift[ch + l] : 0;
      }
      const __m512i start = _mm512_add_epi32(
          _mm512_load_si512(lb), _mm512_mullo_epi32(ws, _mm512_set1_epi32(a.input_offset - 128)));
      const avx512::Quant16 qs = avx512::quant16(_mm512_load_si512(lm), _mm512_load_si512(ls));
      for_each_pixel(a, ch, [&](std::int32_t b, const Pixel& px, std::int8_t* out) {
        __m512i acc = start;
        for (std::int32_t q = 0; q < quads; ++q) {
          __m128i x[4];
          for (std::int32_t i = 0; i < 4; ++i) {
            const std::int32_t t = 4 * q + i;
            const std::int8_t* p = t >= g.n ? nullptr : px.inside ? px.base + g.off[t] : tap_ptr(a, g, b, px, t, ch);
            x[i] = p != nullptr ? load(p) : pad;
          }
          acc = avx512::dpbusd(acc, _mm512_xor_si512(interleave4(x[0], x[1], x[2], x[3]), flip), wq[q]);
        }
        const __m128i r = os(avx512::requantize16(acc, qs));
        if (W == 16) {
          _mm_storeu_si128(reinterpret_cast<__m128i*>(out), r);
        } else {
          _mm_storel_epi64(reinterpret_cast<__m128i*>(out), r);
        }
      });
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

TINYML_AVX512_DIAGNOSTICS_POP

#endif  // TINYML_AVX512_KERNELS
