// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 depthwise convolution (depth multiplier 1). Main path (>= 8 channels, <= 25 taps):
// blocks of 16 (else 8) channels; taps are taken in pairs and interleaved so one vpmaddwd does two
// taps for 8 channels exactly (int16 input x int16 weight pairs summed in int32); the input offset
// is folded into the bias (offset * the channel's tap sum) so inputs are only sign-extended, and
// taps outside the image read the input zero point (x + offset = 0, what the reference's skipped
// taps contribute); 3x3 windows use fixed addressing; padded images of at most kPadBuf bytes per
// block are first copied into a local zero-point-padded image so no pixel needs border checks;
// exactly 8 channels at horizontal stride 1 put two adjacent pixels in one vector
// (run_pixel_pairs8). Other shapes: the older paired/int32 paths; depth multipliers other than 1
// (except one input channel) use the reference path.
//
// Contract: as kernels::DepthwiseConvS8; no scratch.
// Numerics: bit-exact with the reference (identical integer sums modulo 2^32, requantize8 /
//   requant8_pre).
#pragma once
#if defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/kernels/arch/avx2/primitives.hpp"
#include "tinyml/kernels/depthwise_conv_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

namespace avx2 {
/// Vector of W (16 or 8) int16 lanes.
template <int W>
struct I16Vec {
  using T = __m256i;
};
template <>
struct I16Vec<8> {
  using T = __m128i;
};
}  // namespace avx2

template <>
struct DepthwiseConvS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const DepthwiseConvS8Args&) noexcept { return 0; }

  static constexpr std::int32_t kMaxTaps = 25;
  static constexpr std::int64_t kPadBuf = 4096;  // bytes of run_block's padded local image

  static void run(const DepthwiseConvS8Args& a, void* scratch) noexcept {
    if (a.in_c == 1 && a.depth_multiplier >= 8) {
      run_one_input_channel(a);
      return;
    }
    if (a.depth_multiplier != 1 || a.in_c < 8) {
      DepthwiseConvS8<arch::Generic>::run(a, scratch);
      return;
    }
    if (a.k_h * a.k_w <= kMaxTaps) {
      // Blocks of 16 channels, then 8 (the last block may overlap the previous one: its
      // channels are recomputed to identical values).
      const Taps g(a);
      std::int32_t cb = 0;
      for (; cb + 16 <= a.in_c; cb += 16) run_block<16>(a, g, cb);
      const std::int32_t rem = a.in_c - cb;
      if (rem > 8 && a.in_c >= 16) {
        run_block<16>(a, g, a.in_c - 16);
      } else if (rem > 8) {
        run_block<8>(a, g, 0);
        run_block<8>(a, g, a.in_c - 8);
      } else if (rem > 0 && a.in_c == 8 && a.stride_w == 1) {
        run_pixel_pairs8(a, g);
      } else if (rem > 0) {
        run_block<8>(a, g, a.in_c - 8);
      }
      return;
    }
    if (a.in_c >= 16 && a.k_h * a.k_w <= kMaxTaps) {
      run_pairs(a);
      return;
    }
    if (a.k_h * a.k_w <= kMaxTaps) {
      run_pairs8(a);
      return;
    }
    run_i32(a);
  }

 private:
  /// Tap geometry, computed once per call: row/column offsets of each tap from the window origin
  /// and its element offset in the NHWC input.
  struct Taps {
    std::int32_t dy[kMaxTaps], dx[kMaxTaps];
    std::ptrdiff_t off[kMaxTaps];
    explicit Taps(const DepthwiseConvS8Args& a) noexcept {
      for (std::int32_t t = 0; t < a.k_h * a.k_w; ++t) {
        dy[t] = a.dilation_h * (t / a.k_w);
        dx[t] = a.dilation_w * (t % a.k_w);
        off[t] = (static_cast<std::ptrdiff_t>(dy[t]) * a.in_w + dx[t]) * a.in_c;
      }
    }
  };

  /// One block of W (16 or 8) channels starting at ch over every output pixel. Taps go in
  /// pairs: the two taps' int16 inputs are interleaved so one vpmaddwd adds both for 4 (W=8)
  /// or 8 channels. The input offset is folded into the bias (bias + offset * sum of the
  /// channel's taps), so the raw int8 inputs are only sign-extended; taps outside the image
  /// read a vector of the input zero point, whose (x + offset) is exactly the 0 that the
  /// reference's skipped taps contribute.
  template <int W>
  static void run_block(const DepthwiseConvS8Args& a, const Taps& g, std::int32_t ch) noexcept {
    using V = typename avx2::I16Vec<W>::T;
    const std::int32_t c = a.in_c, taps = a.k_h * a.k_w, pairs = (taps + 1) / 2;
    auto cvt = [](const std::int8_t* p) -> V {
      if constexpr (W == 16) {
        return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
      } else {
        return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
      }
    };
    auto unlo = [](V x, V y) -> V {
      if constexpr (W == 16) return _mm256_unpacklo_epi16(x, y); else return _mm_unpacklo_epi16(x, y);
    };
    auto unhi = [](V x, V y) -> V {
      if constexpr (W == 16) return _mm256_unpackhi_epi16(x, y); else return _mm_unpackhi_epi16(x, y);
    };
    auto mac = [](V& acc, V x, V w) {
      if constexpr (W == 16) {
        avx2::madd_acc(acc, x, w);
      } else {
        acc = _mm_add_epi32(acc, _mm_madd_epi16(x, w));
      }
    };
    // Interleaved weight pairs (an odd last tap pairs with zero weights).
    V wlo[(kMaxTaps + 1) / 2], whi[(kMaxTaps + 1) / 2];
    for (std::int32_t j = 0; j < pairs; ++j) {
      const V wa = cvt(a.filter + (2 * j) * c + ch);
      const V wb = 2 * j + 1 < taps ? cvt(a.filter + (2 * j + 1) * c + ch) : V{};
      wlo[j] = unlo(wa, wb);
      whi[j] = unhi(wa, wb);
    }
    // Lane order of the accumulators: W=16: lo = channels {0-3, 8-11}, hi = {4-7, 12-15};
    // W=8: lo = 0-3, hi = 4-7 (joined into one 8-lane vector before requantizing).
    avx2::Requant8Params rq[2];
    for (int h = 0; h < (W == 16 ? 2 : 1); ++h) {
      std::int32_t chs[8];
      for (int j = 0; j < 8; ++j) {
        chs[j] = W == 16 ? ch + (j < 4 ? j : j + 4) + 4 * h : ch + j;
      }
      avx2::make_requant8_params(&rq[h], a.bias, a.multiplier, a.shift, chs);
    }
    {
      // Tap sums of the block's channels in channel order (int16: |sum| <= 25 * 128), then
      // bias += sum * input_offset (wrapping, as the scalar fold) in the lanes' order.
      __m256i s16 = _mm256_setzero_si256();
      for (std::int32_t t = 0; t < taps; ++t) {
        const std::int8_t* f = a.filter + t * c + ch;
        const __m128i v = W == 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(f))
                                  : _mm_loadl_epi64(reinterpret_cast<const __m128i*>(f));
        s16 = _mm256_add_epi16(s16, _mm256_cvtepi8_epi16(v));
      }
      const __m256i s_lo = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s16));   // channels 0-7
      const __m256i s_hi = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s16, 1));  // 8-15
      const __m256i io = _mm256_set1_epi32(a.input_offset);
      __m256i sums[2];
      if constexpr (W == 16) {
        sums[0] = _mm256_permute2x128_si256(s_lo, s_hi, 0x20);  // 0-3, 8-11
        sums[1] = _mm256_permute2x128_si256(s_lo, s_hi, 0x31);  // 4-7, 12-15
      } else {
        sums[0] = sums[1] = s_lo;
      }
      for (int h = 0; h < (W == 16 ? 2 : 1); ++h) {
        auto* bp = reinterpret_cast<__m256i*>(rq[h].bias);
        _mm256_store_si256(bp, _mm256_add_epi32(_mm256_load_si256(bp), _mm256_mullo_epi32(sums[h], io)));
      }
    }
    alignas(16) std::int8_t zp[16];
    for (int j = 0; j < 16; ++j) zp[j] = static_cast<std::int8_t>(-a.input_offset);
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m128i lo = _mm_set1_epi8(static_cast<char>(a.act_min)), hi = _mm_set1_epi8(static_cast<char>(a.act_max));
    const std::ptrdiff_t* off = g.off;
    const std::int32_t last = taps - 1;
    const bool k3x3 = a.k_h == 3 && a.k_w == 3 && a.dilation_h == 1 && a.dilation_w == 1;
    const std::ptrdiff_t rs = static_cast<std::ptrdiff_t>(a.in_w) * c;
    // Small padded images: the block's channels are copied once into a local image that
    // includes the padding (filled with the zero point) and spans every window, so every pixel
    // takes the fixed-offset path instead of the per-tap border checks.
    const std::int32_t bh = (a.out_h - 1) * a.stride_h + (a.k_h - 1) * a.dilation_h + 1;
    const std::int32_t bw = (a.out_w - 1) * a.stride_w + (a.k_w - 1) * a.dilation_w + 1;
    if ((a.pad_h > 0 || a.pad_w > 0 || bh > a.in_h || bw > a.in_w) &&
        static_cast<std::int64_t>(bh) * bw * W <= kPadBuf) {
      alignas(32) std::int8_t buf[kPadBuf];
      std::ptrdiff_t boff[kMaxTaps + 1];
      for (std::int32_t t = 0; t < taps; ++t) boff[t] = (static_cast<std::ptrdiff_t>(g.dy[t]) * bw + g.dx[t]) * W;
      boff[taps] = boff[last];
      const std::ptrdiff_t brs = static_cast<std::ptrdiff_t>(bw) * W;
      auto compute = [&](const std::int8_t* base, std::int8_t* o) {
        V acc_lo{}, acc_hi{};
        if (k3x3) {
          const std::int8_t* r0 = base;
          const std::int8_t* r1 = base + brs;
          const std::int8_t* r2 = r1 + brs;
          auto pair = [&](int j, const std::int8_t* pa, const std::int8_t* pb) {
            const V xa = cvt(pa), xb = cvt(pb);
            mac(acc_lo, unlo(xa, xb), wlo[j]);
            mac(acc_hi, unhi(xa, xb), whi[j]);
          };
          pair(0, r0, r0 + W);
          pair(1, r0 + 2 * W, r1);
          pair(2, r1 + W, r1 + 2 * W);
          pair(3, r2, r2 + W);
          pair(4, r2 + 2 * W, r2 + 2 * W);
        } else {
          for (std::int32_t j = 0; j < pairs; ++j) {
            const V xa = cvt(base + boff[2 * j]), xb = cvt(base + boff[2 * j + 1]);
            mac(acc_lo, unlo(xa, xb), wlo[j]);
            mac(acc_hi, unhi(xa, xb), whi[j]);
          }
        }
        if constexpr (W == 16) {
          const __m256i rl = _mm256_add_epi32(avx2::requant8_pre(acc_lo, rq[0]), out_off);
          const __m256i rh = _mm256_add_epi32(avx2::requant8_pre(acc_hi, rq[1]), out_off);
          const __m256i p16 = _mm256_packs_epi32(rl, rh);
          const __m128i p8 = _mm_packs_epi16(_mm256_castsi256_si128(p16), _mm256_extracti128_si256(p16, 1));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_min_epi8(_mm_max_epi8(p8, lo), hi));
        } else {
          const __m256i r = _mm256_add_epi32(avx2::requant8_pre(_mm256_set_m128i(acc_hi, acc_lo), rq[0]), out_off);
          const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
          _mm_storel_epi64(reinterpret_cast<__m128i*>(o), _mm_min_epi8(_mm_max_epi8(_mm_packs_epi16(p16, p16), lo), hi));
        }
      };
      std::int8_t* o = a.output + ch;
      for (std::int32_t b = 0; b < a.batches; ++b) {
        for (std::int32_t y = 0; y < bh; ++y) {
          const std::int32_t iy = y - a.pad_h;
          for (std::int32_t x = 0; x < bw; ++x) {
            const std::int32_t ix = x - a.pad_w;
            const std::int8_t* src = iy >= 0 && iy < a.in_h && ix >= 0 && ix < a.in_w
                                         ? a.input + ((static_cast<std::ptrdiff_t>(b) * a.in_h + iy) * a.in_w + ix) * c + ch
                                         : zp;
            std::memcpy(buf + (static_cast<std::ptrdiff_t>(y) * bw + x) * W, src, W);
          }
        }
        for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
          const std::int8_t* row = buf + static_cast<std::ptrdiff_t>(oy) * a.stride_h * brs;
          for (std::int32_t ox = 0; ox < a.out_w; ++ox, o += c) {
            compute(row + static_cast<std::ptrdiff_t>(ox) * a.stride_w * W, o);
          }
        }
      }
      return;
    }
    std::int8_t* out = a.output + ch;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        const bool rows_inside = in_y0 >= 0 && in_y0 + (a.k_h - 1) * a.dilation_h < a.in_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox, out += c) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          const std::int8_t* base = a.input + ((static_cast<std::ptrdiff_t>(b) * a.in_h + in_y0) * a.in_w + in_x0) * c + ch;
          V acc_lo{}, acc_hi{};
          if (rows_inside && in_x0 >= 0 && in_x0 + (a.k_w - 1) * a.dilation_w < a.in_w) {
            if (k3x3) {
              // Row pointers plus 0, c, 2c: every load is one addressing mode.
              const std::int8_t* r0 = base;
              const std::int8_t* r1 = base + rs;
              const std::int8_t* r2 = r1 + rs;
              auto pair = [&](int j, const std::int8_t* pa, const std::int8_t* pb) {
                const V xa = cvt(pa), xb = cvt(pb);
                mac(acc_lo, unlo(xa, xb), wlo[j]);
                mac(acc_hi, unhi(xa, xb), whi[j]);
              };
              pair(0, r0, r0 + c);
              pair(1, r0 + 2 * c, r1);
              pair(2, r1 + c, r1 + 2 * c);
              pair(3, r2, r2 + c);
              pair(4, r2 + 2 * c, r2 + 2 * c);
            } else {
              for (std::int32_t j = 0; j < pairs; ++j) {
                const V xa = cvt(base + off[2 * j]);
                const V xb = cvt(base + off[2 * j + 1 <= last ? 2 * j + 1 : last]);
                mac(acc_lo, unlo(xa, xb), wlo[j]);
                mac(acc_hi, unhi(xa, xb), whi[j]);
              }
            }
          } else {
            const std::int8_t* ptr[kMaxTaps + 1];
            for (std::int32_t t = 0; t < taps; ++t) {
              const std::int32_t iy = in_y0 + g.dy[t], ix = in_x0 + g.dx[t];
              ptr[t] = iy >= 0 && iy < a.in_h && ix >= 0 && ix < a.in_w ? base + off[t] : zp;
            }
            ptr[taps] = ptr[last];
            for (std::int32_t j = 0; j < pairs; ++j) {
              const V xa = cvt(ptr[2 * j]), xb = cvt(ptr[2 * j + 1]);
              mac(acc_lo, unlo(xa, xb), wlo[j]);
              mac(acc_hi, unhi(xa, xb), whi[j]);
            }
          }
          if constexpr (W == 16) {
            const __m256i rl = _mm256_add_epi32(avx2::requant8_pre(acc_lo, rq[0]), out_off);
            const __m256i rh = _mm256_add_epi32(avx2::requant8_pre(acc_hi, rq[1]), out_off);
            // packs within halves: [0-3, 4-7 | 8-11, 12-15] as int16, in channel order.
            const __m256i p16 = _mm256_packs_epi32(rl, rh);
            const __m128i p8 = _mm_packs_epi16(_mm256_castsi256_si128(p16), _mm256_extracti128_si256(p16, 1));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_min_epi8(_mm_max_epi8(p8, lo), hi));
          } else {
            const __m256i r = _mm256_add_epi32(avx2::requant8_pre(_mm256_set_m128i(acc_hi, acc_lo), rq[0]), out_off);
            const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_min_epi8(_mm_max_epi8(_mm_packs_epi16(p16, p16), lo), hi));
          }
        }
      }
    }
  }

  /// Exactly 8 channels, horizontal stride 1: two horizontally adjacent output pixels share a
  /// 256-bit vector (low half: pixel ox, high half: ox + 1), so one 16-byte load holds a tap's
  /// inputs for both and the pair's 16 outputs are contiguous. Same tap pairing, offset folding
  /// and zero-point padding as run_block; windows touching the border (and an odd last pixel of
  /// a row) assemble each tap's vector from two 8-byte loads.
  static void run_pixel_pairs8(const DepthwiseConvS8Args& a, const Taps& g) noexcept {
    constexpr std::int32_t c = 8;
    const std::int32_t taps = a.k_h * a.k_w, pairs = (taps + 1) / 2, last = taps - 1;
    auto cvt8 = [](const std::int8_t* p) {
      return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    };
    __m256i wlo[(kMaxTaps + 1) / 2], whi[(kMaxTaps + 1) / 2];
    for (std::int32_t j = 0; j < pairs; ++j) {
      const __m128i wa = cvt8(a.filter + (2 * j) * c);
      const __m128i wb = 2 * j + 1 < taps ? cvt8(a.filter + (2 * j + 1) * c) : _mm_setzero_si128();
      wlo[j] = _mm256_broadcastsi128_si256(_mm_unpacklo_epi16(wa, wb));
      whi[j] = _mm256_broadcastsi128_si256(_mm_unpackhi_epi16(wa, wb));
    }
    // Lanes: lo = (pixel 0: channels 0-3, pixel 1: 0-3), hi = the same for channels 4-7.
    avx2::Requant8Params rq[2];
    for (int h = 0; h < 2; ++h) {
      std::int32_t chs[8];
      for (int j = 0; j < 8; ++j) chs[j] = 4 * h + j % 4;
      avx2::make_requant8_params(&rq[h], a.bias, a.multiplier, a.shift, chs);
      for (int j = 0; j < 8; ++j) {
        std::int32_t sum = 0;
        for (std::int32_t t = 0; t < taps; ++t) sum += a.filter[t * c + chs[j]];
        rq[h].bias[j] = static_cast<std::int32_t>(static_cast<std::uint32_t>(rq[h].bias[j]) +
                                                   static_cast<std::uint32_t>(sum * a.input_offset));
      }
    }
    alignas(16) std::int8_t zp[16];
    for (int j = 0; j < 16; ++j) zp[j] = static_cast<std::int8_t>(-a.input_offset);
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m128i lo = _mm_set1_epi8(static_cast<char>(a.act_min)), hi = _mm_set1_epi8(static_cast<char>(a.act_max));
    const std::ptrdiff_t* off = g.off;
    std::int8_t* out = a.output;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        const bool rows_inside = in_y0 >= 0 && in_y0 + (a.k_h - 1) * a.dilation_h < a.in_h;
        const std::int8_t* row = a.input + (static_cast<std::ptrdiff_t>(b) * a.in_h + in_y0) * a.in_w * c;
        for (std::int32_t ox = 0; ox < a.out_w; ox += 2) {
          const bool two = ox + 1 < a.out_w;
          const std::int32_t in_x0 = ox - a.pad_w;
          const std::int8_t* base = row + static_cast<std::ptrdiff_t>(in_x0) * c;
          __m256i acc_lo = _mm256_setzero_si256(), acc_hi = acc_lo;
          if (two && rows_inside && in_x0 >= 0 && in_x0 + 1 + (a.k_w - 1) * a.dilation_w < a.in_w) {
            if (taps == 9) {
              // 3x3: fixed trip count, the nine offsets held in registers.
              const std::ptrdiff_t o[9] = {off[0], off[1], off[2], off[3], off[4], off[5], off[6], off[7], off[8]};
              auto ld16 = [&](int t) {
                return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + o[t])));
              };
              for (int j = 0; j < 5; ++j) {
                const __m256i xa = ld16(2 * j), xb = j < 4 ? ld16(2 * j + 1) : xa;
                avx2::madd_acc(acc_lo, _mm256_unpacklo_epi16(xa, xb), wlo[j]);
                avx2::madd_acc(acc_hi, _mm256_unpackhi_epi16(xa, xb), whi[j]);
              }
            } else {
            for (std::int32_t j = 0; j < pairs; ++j) {
              const __m256i xa = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + off[2 * j])));
              const __m256i xb = _mm256_cvtepi8_epi16(
                  _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + off[2 * j + 1 <= last ? 2 * j + 1 : last])));
              avx2::madd_acc(acc_lo, _mm256_unpacklo_epi16(xa, xb), wlo[j]);
              avx2::madd_acc(acc_hi, _mm256_unpackhi_epi16(xa, xb), whi[j]);
            }
            }
          } else {
            const std::int8_t* pa[kMaxTaps + 1];
            const std::int8_t* pb[kMaxTaps + 1];
            for (std::int32_t t = 0; t < taps; ++t) {
              const std::int32_t iy = in_y0 + g.dy[t], ix = in_x0 + g.dx[t];
              const bool y_in = iy >= 0 && iy < a.in_h;
              pa[t] = y_in && ix >= 0 && ix < a.in_w ? base + off[t] : zp;
              pb[t] = !two ? pa[t] : y_in && ix + 1 >= 0 && ix + 1 < a.in_w ? base + c + off[t] : zp;
            }
            pa[taps] = pa[last];
            pb[taps] = pb[last];
            auto ld = [](const std::int8_t* p, const std::int8_t* q) {
              return _mm256_cvtepi8_epi16(_mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                                                             _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q))));
            };
            for (std::int32_t j = 0; j < pairs; ++j) {
              const __m256i xa = ld(pa[2 * j], pb[2 * j]), xb = ld(pa[2 * j + 1], pb[2 * j + 1]);
              avx2::madd_acc(acc_lo, _mm256_unpacklo_epi16(xa, xb), wlo[j]);
              avx2::madd_acc(acc_hi, _mm256_unpackhi_epi16(xa, xb), whi[j]);
            }
          }
          const __m256i rl = _mm256_add_epi32(avx2::requant8_pre(acc_lo, rq[0]), out_off);
          const __m256i rh = _mm256_add_epi32(avx2::requant8_pre(acc_hi, rq[1]), out_off);
          const __m256i p16 = _mm256_packs_epi32(rl, rh);  // [pixel 0: 0-7 | pixel 1: 0-7]
          const __m128i p8 = _mm_min_epi8(
              _mm_max_epi8(_mm_packs_epi16(_mm256_castsi256_si128(p16), _mm256_extracti128_si256(p16, 1)), lo), hi);
          if (two) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out), p8);
            out += 2 * c;
          } else {
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out), p8);
            out += c;
          }
        }
      }
    }
  }

  /// Paired taps on 8 channels per step (128-bit), for 8 <= channels < 16.
  static void run_pairs8(const DepthwiseConvS8Args& a) noexcept {
    const std::int32_t c = a.in_c, taps = a.k_h * a.k_w, pairs = (taps + 1) / 2;
    const __m128i off16 = _mm_set1_epi16(static_cast<std::int16_t>(a.input_offset));
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m256i lo = _mm256_set1_epi32(a.act_min), hi = _mm256_set1_epi32(a.act_max);
    const __m128i zero = _mm_setzero_si128();
    auto cvt8 = [](const std::int8_t* p) {
      return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    };
    __m128i wlo[(kMaxTaps + 1) / 2], whi[(kMaxTaps + 1) / 2];
    const Taps g(a);
    const std::int32_t* tap_dy = g.dy;
    const std::int32_t* tap_dx = g.dx;
    const std::ptrdiff_t* tap_off = g.off;
    for (std::int32_t cb = 0; cb < c; cb += 8) {
      const std::int32_t ch = cb + 8 <= c ? cb : c - 8;
      for (std::int32_t j = 0; j < pairs; ++j) {
        const __m128i wa = cvt8(a.filter + (2 * j) * c + ch);
        const __m128i wb = 2 * j + 1 < taps ? cvt8(a.filter + (2 * j + 1) * c + ch) : zero;
        wlo[j] = _mm_unpacklo_epi16(wa, wb);  // channels 0-3
        whi[j] = _mm_unpackhi_epi16(wa, wb);  // channels 4-7
      }
      const __m256i mult = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.multiplier + ch));
      const __m256i bias = a.bias != nullptr
                               ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bias + ch))
                               : _mm256_setzero_si256();
      const avx2::Shifts8 sh = avx2::load_shifts8(a.shift + ch);
      for (std::int32_t b = 0; b < a.batches; ++b) {
        for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
          const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
          const bool rows_inside = in_y0 >= 0 && in_y0 + (a.k_h - 1) * a.dilation_h < a.in_h;
          for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
            const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
            const std::int8_t* base = a.input + ((b * a.in_h + in_y0) * a.in_w + in_x0) * c + ch;
            const bool inside = rows_inside && in_x0 >= 0 && in_x0 + (a.k_w - 1) * a.dilation_w < a.in_w;
            auto tap = [&](std::int32_t t) {
              if (t >= taps) return zero;
              if (!inside) {
                const std::int32_t iy = in_y0 + tap_dy[t], ix = in_x0 + tap_dx[t];
                if (iy < 0 || iy >= a.in_h || ix < 0 || ix >= a.in_w) return zero;
              }
              return _mm_add_epi16(cvt8(base + tap_off[t]), off16);
            };
            __m128i acc_lo = _mm_setzero_si128(), acc_hi = acc_lo;
            for (std::int32_t j = 0; j < pairs; ++j) {
              const __m128i xa = tap(2 * j), xb = tap(2 * j + 1);
              acc_lo = _mm_add_epi32(acc_lo, _mm_madd_epi16(_mm_unpacklo_epi16(xa, xb), wlo[j]));
              acc_hi = _mm_add_epi32(acc_hi, _mm_madd_epi16(_mm_unpackhi_epi16(xa, xb), whi[j]));
            }
            const __m256i acc = _mm256_add_epi32(_mm256_set_m128i(acc_hi, acc_lo), bias);
            avx2::store8_s8(a.output + ((b * a.out_h + oy) * a.out_w + ox) * c + ch,
                            avx2::requantize8(acc, mult, sh.left, sh.right), out_off, lo, hi);
          }
        }
      }
    }
  }

  static void run_pairs(const DepthwiseConvS8Args& a) noexcept {
    const std::int32_t c = a.in_c, taps = a.k_h * a.k_w, pairs = (taps + 1) / 2;
    const __m256i off16 = _mm256_set1_epi16(static_cast<std::int16_t>(a.input_offset));
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m256i lo = _mm256_set1_epi32(a.act_min), hi = _mm256_set1_epi32(a.act_max);
    const __m256i zero = _mm256_setzero_si256();
    auto cvt16 = [](const std::int8_t* p) {
      return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    };
    // Lane order after unpacklo/hi within 128-bit halves: lo = channels {0-3, 8-11},
    // hi = {4-7, 12-15}. Per-channel vectors are permuted to match.
    auto split = [](__m256i v0_7, __m256i v8_15, __m256i* vlo, __m256i* vhi) {
      *vlo = _mm256_permute2x128_si256(v0_7, v8_15, 0x20);
      *vhi = _mm256_permute2x128_si256(v0_7, v8_15, 0x31);
      // v0_7 = [0-3 | 4-7], v8_15 = [8-11 | 12-15] -> lo [0-3 | 8-11], hi [4-7 | 12-15]
    };
    __m256i wlo[(kMaxTaps + 1) / 2], whi[(kMaxTaps + 1) / 2];
    const Taps g(a);
    const std::int32_t* tap_dy = g.dy;
    const std::int32_t* tap_dx = g.dx;
    const std::ptrdiff_t* tap_off = g.off;
    for (std::int32_t cb = 0; cb < c; cb += 16) {
      const std::int32_t ch = cb + 16 <= c ? cb : c - 16;
      for (std::int32_t j = 0; j < pairs; ++j) {
        const __m256i wa = cvt16(a.filter + (2 * j) * c + ch);
        const __m256i wb = 2 * j + 1 < taps ? cvt16(a.filter + (2 * j + 1) * c + ch) : zero;
        wlo[j] = _mm256_unpacklo_epi16(wa, wb);
        whi[j] = _mm256_unpackhi_epi16(wa, wb);
      }
      __m256i mlo, mhi, blo = zero, bhi = zero;
      split(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.multiplier + ch)),
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.multiplier + ch + 8)), &mlo, &mhi);
      if (a.bias != nullptr) {
        split(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bias + ch)),
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bias + ch + 8)), &blo, &bhi);
      }
      const avx2::Shifts8 s0 = avx2::load_shifts8(a.shift + ch), s1 = avx2::load_shifts8(a.shift + ch + 8);
      __m256i llo, lhi, rlo, rhi;
      split(s0.left, s1.left, &llo, &lhi);
      split(s0.right, s1.right, &rlo, &rhi);
      for (std::int32_t b = 0; b < a.batches; ++b) {
        for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
          const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
          const bool rows_inside = in_y0 >= 0 && in_y0 + (a.k_h - 1) * a.dilation_h < a.in_h;
          for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
            const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
            const std::int8_t* base = a.input + ((b * a.in_h + in_y0) * a.in_w + in_x0) * c + ch;
            __m256i acc_lo = blo, acc_hi = bhi;
            if (rows_inside && in_x0 >= 0 && in_x0 + (a.k_w - 1) * a.dilation_w < a.in_w) {
              // Interior pixel: every tap is in the image; no bounds checks.
              for (std::int32_t j = 0; j < pairs; ++j) {
                const __m256i xa = _mm256_add_epi16(cvt16(base + tap_off[2 * j]), off16);
                const __m256i xb = 2 * j + 1 < taps
                                       ? _mm256_add_epi16(cvt16(base + tap_off[2 * j + 1]), off16)
                                       : zero;
                acc_lo = _mm256_add_epi32(acc_lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(xa, xb), wlo[j]));
                acc_hi = _mm256_add_epi32(acc_hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(xa, xb), whi[j]));
              }
            } else {
              auto tap = [&](std::int32_t t) {
                if (t >= taps) return zero;
                const std::int32_t iy = in_y0 + tap_dy[t], ix = in_x0 + tap_dx[t];
                if (iy < 0 || iy >= a.in_h || ix < 0 || ix >= a.in_w) return zero;
                return _mm256_add_epi16(cvt16(base + tap_off[t]), off16);
              };
              for (std::int32_t j = 0; j < pairs; ++j) {
                const __m256i xa = tap(2 * j), xb = tap(2 * j + 1);
                acc_lo = _mm256_add_epi32(acc_lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(xa, xb), wlo[j]));
                acc_hi = _mm256_add_epi32(acc_hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(xa, xb), whi[j]));
              }
            }
            __m256i rl = avx2::requantize8(acc_lo, mlo, llo, rlo);
            __m256i rh = avx2::requantize8(acc_hi, mhi, lhi, rhi);
            rl = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(rl, out_off), lo), hi);
            rh = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(rh, out_off), lo), hi);
            // packs within halves: [0-3, 4-7 | 8-11, 12-15] as int16, in channel order.
            const __m256i p16 = _mm256_packs_epi32(rl, rh);
            const __m128i p8 = _mm_packs_epi16(_mm256_castsi256_si128(p16), _mm256_extracti128_si256(p16, 1));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(
                                 a.output + ((b * a.out_h + oy) * a.out_w + ox) * c + ch), p8);
          }
        }
      }
    }
  }

  /// One input channel, depth multiplier >= 8 (e.g. micro_speech's first layer): outputs are
  /// vectorized over the multiplier, each tap broadcasting its single input value.
  static void run_one_input_channel(const DepthwiseConvS8Args& a) noexcept {
    const std::int32_t m = a.depth_multiplier;
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m256i lo = _mm256_set1_epi32(a.act_min), hi = _mm256_set1_epi32(a.act_max);
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * m;
          for (std::int32_t mb = 0; mb < m; mb += 8) {
            const std::int32_t oc = mb + 8 <= m ? mb : m - 8;
            __m256i acc = a.bias != nullptr
                              ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bias + oc))
                              : _mm256_setzero_si256();
            for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
              const std::int32_t iy = in_y0 + a.dilation_h * ky;
              if (iy < 0 || iy >= a.in_h) continue;
              for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
                const std::int32_t ix = in_x0 + a.dilation_w * kx;
                if (ix < 0 || ix >= a.in_w) continue;
                const __m256i x = _mm256_set1_epi32(a.input[(b * a.in_h + iy) * a.in_w + ix] + a.input_offset);
                const __m256i w = _mm256_cvtepi8_epi32(_mm_loadl_epi64(
                    reinterpret_cast<const __m128i*>(a.filter + (ky * a.k_w + kx) * m + oc)));
                acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(x, w));
              }
            }
            const avx2::Shifts8 sh = avx2::load_shifts8(a.shift + oc);
            const __m256i mult = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.multiplier + oc));
            avx2::store8_s8(out + oc, avx2::requantize8(acc, mult, sh.left, sh.right), out_off, lo, hi);
          }
        }
      }
    }
  }

  static void run_i32(const DepthwiseConvS8Args& a) noexcept {
    const std::int32_t c = a.in_c;
    const __m256i in_off = _mm256_set1_epi32(a.input_offset);
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m256i lo = _mm256_set1_epi32(a.act_min), hi = _mm256_set1_epi32(a.act_max);
    auto load8 = [](const std::int8_t* p) {
      return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    };
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c;
          // The last block overlaps the previous one when c % 8 != 0 (c >= 8): recomputing a
          // few channels is cheaper than a scalar tail and writes identical values.
          for (std::int32_t cb = 0; cb < c; cb += 8) {
            const std::int32_t ch = cb + 8 <= c ? cb : c - 8;
            __m256i acc = a.bias != nullptr
                              ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bias + ch))
                              : _mm256_setzero_si256();
            for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
              const std::int32_t iy = in_y0 + a.dilation_h * ky;
              if (iy < 0 || iy >= a.in_h) continue;
              for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
                const std::int32_t ix = in_x0 + a.dilation_w * kx;
                if (ix < 0 || ix >= a.in_w) continue;
                const __m256i x = _mm256_add_epi32(
                    load8(a.input + ((b * a.in_h + iy) * a.in_w + ix) * c + ch), in_off);
                const __m256i w = load8(a.filter + (ky * a.k_w + kx) * c + ch);
                acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(x, w));
              }
            }
            const avx2::Shifts8 sh = avx2::load_shifts8(a.shift + ch);
            const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.multiplier + ch));
            avx2::store8_s8(out + ch, avx2::requantize8(acc, m, sh.left, sh.right), out_off, lo, hi);
          }
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
