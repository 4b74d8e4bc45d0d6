// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 depthwise convolution, depth multiplier 1: four channels per step. Per tap,
// one word of input (SXTAB16 twice: channels 0/2 and 1/3 with the input offset added) meets one
// word of weights (SXTB16 twice) through SMLABB/SMLATT into four per-channel accumulators. The
// in-image window of each output pixel is clipped once, so no tap is tested for padding; windows
// three taps wide are unrolled. Requantization is per channel, then four bytes are stored at
// once. Channel tails (C % 4) are scalar.
// Depth multipliers > 1: the weights are repacked once per call as int16, one row of taps per
// output channel (window order, padded to an even count with a zero), and for each output pixel
// and input channel the window's taps are gathered into an int16 patch with the input offset
// added (taps outside the image hold 0, which the reference skips). The depth_multiplier output
// channels of that input channel then take one SMLAD per two taps each, four channels per pass
// sharing each patch word.
//
// Contract: as kernels::DepthwiseConvS8; scratch_bytes() = 12 * in_c (requantization constants)
//   for depth multiplier 1, else 12 * out_c + 2 * taps2 * (out_c + 1) bytes (taps2 = k_h * k_w
//   rounded up to even); 4-byte aligned.
// Numerics: bit-exact with the reference (same int32 sums; dsp::requantize_out equals
//   multiply_by_quantized_multiplier, TFLite's MultiplyByQuantizedMultiplier, double rounding).
#pragma once
#if defined(__ARM_FEATURE_DSP) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/kernels/arch/cortexm_dsp/primitives.hpp"
#include "tinyml/kernels/depthwise_conv_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace dsp {

/// Accumulates one tap of four channels: x and w point at the tap's first channel.
inline void dw_tap4(const std::int8_t* x, const std::int8_t* w, std::int32_t off2, std::int32_t& a0,
                    std::int32_t& a1, std::int32_t& a2, std::int32_t& a3) noexcept {
  const std::uint32_t xv = load4(x), wv = load4(w);
  const std::int32_t xe = sxtab16(off2, xv), we = sxtb16(wv);
  a0 = smlabb(xe, we, a0);
  a2 = smlatt(xe, we, a2);
  const std::int32_t xo = sxtab16_ror8(off2, xv), wo = sxtb16_ror8(wv);
  a1 = smlabb(xo, wo, a1);
  a3 = smlatt(xo, wo, a3);
}

/// Taps 0..Taps-1 of one window row (consecutive columns, stride c bytes) for four channels.
/// Each tap: input and weight words at x + q * c and w + q * c (register-offset addressing, so
/// a row needs no address arithmetic), SXTAB16/SXTB16 twice each, SMLABB/SMLATT into the four
/// accumulators. Written as asm because GCC spills the accumulators of this loop nest.
template <int Taps>
inline void dw_row4(const std::int8_t* x, const std::int8_t* w, std::int32_t c, std::int32_t off2,
                    std::int32_t& a0, std::int32_t& a1, std::int32_t& a2,
                    std::int32_t& a3) noexcept {
  std::int32_t t0, t1, t2, t3;
  if constexpr (Taps == 3) {
    __asm__(
        "ldr %[t0], [%[x]]\n\t"
        "ldr %[t1], [%[w]]\n\t"
        "sxtab16 %[t2], %[off2], %[t0]\n\t"
        "sxtb16 %[t3], %[t1]\n\t"
        "smlabb %[a0], %[t2], %[t3], %[a0]\n\t"
        "smlatt %[a2], %[t2], %[t3], %[a2]\n\t"
        "sxtab16 %[t2], %[off2], %[t0], ror #8\n\t"
        "sxtb16 %[t3], %[t1], ror #8\n\t"
        "smlabb %[a1], %[t2], %[t3], %[a1]\n\t"
        "smlatt %[a3], %[t2], %[t3], %[a3]\n\t"
        "ldr %[t0], [%[x], %[c]]\n\t"
        "ldr %[t1], [%[w], %[c]]\n\t"
        "sxtab16 %[t2], %[off2], %[t0]\n\t"
        "sxtb16 %[t3], %[t1]\n\t"
        "smlabb %[a0], %[t2], %[t3], %[a0]\n\t"
        "smlatt %[a2], %[t2], %[t3], %[a2]\n\t"
        "sxtab16 %[t2], %[off2], %[t0], ror #8\n\t"
        "sxtb16 %[t3], %[t1], ror #8\n\t"
        "smlabb %[a1], %[t2], %[t3], %[a1]\n\t"
        "smlatt %[a3], %[t2], %[t3], %[a3]\n\t"
        "ldr %[t0], [%[x], %[c], lsl #1]\n\t"
        "ldr %[t1], [%[w], %[c], lsl #1]\n\t"
        "sxtab16 %[t2], %[off2], %[t0]\n\t"
        "sxtb16 %[t3], %[t1]\n\t"
        "smlabb %[a0], %[t2], %[t3], %[a0]\n\t"
        "smlatt %[a2], %[t2], %[t3], %[a2]\n\t"
        "sxtab16 %[t2], %[off2], %[t0], ror #8\n\t"
        "sxtb16 %[t3], %[t1], ror #8\n\t"
        "smlabb %[a1], %[t2], %[t3], %[a1]\n\t"
        "smlatt %[a3], %[t2], %[t3], %[a3]\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [t0] "=&r"(t0),
          [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
        : [x] "r"(x), [w] "r"(w), [c] "r"(c), [off2] "r"(off2)
        : "memory");
  } else if constexpr (Taps == 2) {
    __asm__(
        "ldr %[t0], [%[x]]\n\t"
        "ldr %[t1], [%[w]]\n\t"
        "sxtab16 %[t2], %[off2], %[t0]\n\t"
        "sxtb16 %[t3], %[t1]\n\t"
        "smlabb %[a0], %[t2], %[t3], %[a0]\n\t"
        "smlatt %[a2], %[t2], %[t3], %[a2]\n\t"
        "sxtab16 %[t2], %[off2], %[t0], ror #8\n\t"
        "sxtb16 %[t3], %[t1], ror #8\n\t"
        "smlabb %[a1], %[t2], %[t3], %[a1]\n\t"
        "smlatt %[a3], %[t2], %[t3], %[a3]\n\t"
        "ldr %[t0], [%[x], %[c]]\n\t"
        "ldr %[t1], [%[w], %[c]]\n\t"
        "sxtab16 %[t2], %[off2], %[t0]\n\t"
        "sxtb16 %[t3], %[t1]\n\t"
        "smlabb %[a0], %[t2], %[t3], %[a0]\n\t"
        "smlatt %[a2], %[t2], %[t3], %[a2]\n\t"
        "sxtab16 %[t2], %[off2], %[t0], ror #8\n\t"
        "sxtb16 %[t3], %[t1], ror #8\n\t"
        "smlabb %[a1], %[t2], %[t3], %[a1]\n\t"
        "smlatt %[a3], %[t2], %[t3], %[a3]\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [t0] "=&r"(t0),
          [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
        : [x] "r"(x), [w] "r"(w), [c] "r"(c), [off2] "r"(off2)
        : "memory");
  } else {
    static_assert(Taps == 1, "rows of 1..3 taps");
    (void)c;
    __asm__(
        "ldr %[t0], [%[x]]\n\t"
        "ldr %[t1], [%[w]]\n\t"
        "sxtab16 %[t2], %[off2], %[t0]\n\t"
        "sxtb16 %[t3], %[t1]\n\t"
        "smlabb %[a0], %[t2], %[t3], %[a0]\n\t"
        "smlatt %[a2], %[t2], %[t3], %[a2]\n\t"
        "sxtab16 %[t2], %[off2], %[t0], ror #8\n\t"
        "sxtb16 %[t3], %[t1], ror #8\n\t"
        "smlabb %[a1], %[t2], %[t3], %[a1]\n\t"
        "smlatt %[a3], %[t2], %[t3], %[a3]\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [t0] "=&r"(t0),
          [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
        : [x] "r"(x), [w] "r"(w), [off2] "r"(off2)
        : "memory");
  }
}

/// The clipped window of one output pixel: rows [ky0, ky1), columns [kx0, kx1).
struct DwWindow {
  std::int32_t ky0, ky1, kx0, kx1;
  const std::int8_t* in;  // input at (ky0, kx0), channel 0
  const std::int8_t* w;   // filter at (ky0, kx0), channel 0
};

/// All channels of one output pixel. kw in {1, 2, 3}: the window has kw columns and dilation_w
/// is 1 (asm rows); kw = 0: any window. A run-time argument, not a template one: one copy of the
/// requantization tail (about 1.2 KB of Cortex-M4 code) for a branch per window row.
inline void dw_pixel(int kw, const DepthwiseConvS8Args& a, const DwWindow& win,
                     const RightShiftQ* rq, std::int8_t* out) noexcept {
  const std::int32_t c_all = a.in_c;
  const std::int32_t in_row = a.in_w * c_all * a.dilation_h;
  const std::int32_t in_col = c_all * a.dilation_w;
  const std::int32_t w_row = a.k_w * c_all;
  const std::int32_t rows = win.ky1 - win.ky0;
  const std::int32_t cols = win.kx1 - win.kx0;
  const std::int32_t off2 = dup16(a.input_offset);
  std::int32_t c = 0;
  for (; c + 4 <= c_all; c += 4) {
    std::int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    if (a.bias != nullptr) {
      a0 = a.bias[c];
      a1 = a.bias[c + 1];
      a2 = a.bias[c + 2];
      a3 = a.bias[c + 3];
    }
    const std::int8_t* x = win.in + c;
    const std::int8_t* w = win.w + c;
    for (std::int32_t r = 0; r < rows; ++r, x += in_row, w += w_row) {
      if (kw == 3) {
        dw_row4<3>(x, w, c_all, off2, a0, a1, a2, a3);
      } else if (kw == 2) {
        dw_row4<2>(x, w, c_all, off2, a0, a1, a2, a3);
      } else {
        const std::int8_t* xc = x;
        const std::int8_t* wc = w;
        for (std::int32_t q = 0; q < cols; ++q, xc += in_col, wc += c_all) {
          dw_tap4(xc, wc, off2, a0, a1, a2, a3);
        }
      }
    }
    if (rq != nullptr) {
      const RightShiftQ* q = rq + c;
      const std::int32_t off = a.output_offset;
      std::uint32_t packed =
          pack4_ssat(requantize_rs(a0, q[0]) + off, requantize_rs(a1, q[1]) + off,
                     requantize_rs(a2, q[2]) + off, requantize_rs(a3, q[3]) + off);
      if (a.act_min != -128 || a.act_max != 127) {
        packed = clamp4(packed, splat4(a.act_min), splat4(a.act_max));
      }
      store4(out + c, packed);
      continue;
    }
    const std::uint32_t o0 = static_cast<std::uint8_t>(
        requantize_out(a0, a.multiplier[c], a.shift[c], a.output_offset, a.act_min, a.act_max));
    const std::uint32_t o1 = static_cast<std::uint8_t>(requantize_out(
        a1, a.multiplier[c + 1], a.shift[c + 1], a.output_offset, a.act_min, a.act_max));
    const std::uint32_t o2 = static_cast<std::uint8_t>(requantize_out(
        a2, a.multiplier[c + 2], a.shift[c + 2], a.output_offset, a.act_min, a.act_max));
    const std::uint32_t o3 = static_cast<std::uint8_t>(requantize_out(
        a3, a.multiplier[c + 3], a.shift[c + 3], a.output_offset, a.act_min, a.act_max));
    store4(out + c, o0 | (o1 << 8) | (o2 << 16) | (o3 << 24));
  }
  for (; c < c_all; ++c) {
    std::int32_t acc = a.bias != nullptr ? a.bias[c] : 0;
    const std::int8_t* x = win.in + c;
    const std::int8_t* w = win.w + c;
    for (std::int32_t r = 0; r < rows; ++r, x += in_row, w += w_row) {
      for (std::int32_t q = 0; q < cols; ++q) {
        acc += w[q * c_all] * (x[q * in_col] + a.input_offset);
      }
    }
    out[c] =
        requantize_out(acc, a.multiplier[c], a.shift[c], a.output_offset, a.act_min, a.act_max);
  }
}

/// First tap index k in [0, n) with 0 <= start + k * step < size, and one past the last.
inline void clip_taps(std::int32_t start, std::int32_t step, std::int32_t n, std::int32_t size,
                      std::int32_t* k0, std::int32_t* k1) noexcept {
  std::int32_t lo = 0;
  while (lo < n && start + lo * step < 0) ++lo;
  std::int32_t hi = n;
  while (hi > lo && start + (hi - 1) * step >= size) --hi;
  *k0 = lo;
  *k1 = hi;
}

/// Four int8 at src plus the input offset (off2: in both halves) as four int16 at dst, in order.
inline void widen4(const std::int8_t* src, std::int32_t off2, std::int16_t* dst) noexcept {
  const std::uint32_t v = load4(src);
  const auto e = static_cast<std::uint32_t>(sxtab16(off2, v));        // x0, x2
  const auto o = static_cast<std::uint32_t>(sxtab16_ror8(off2, v));   // x1, x3
  const std::uint32_t lo = (e & 0xFFFFu) | (o << 16);                  // x0, x1
  const std::uint32_t hi = (e >> 16) | (o & 0xFFFF0000u);              // x2, x3
  auto* d = reinterpret_cast<std::int8_t*>(dst);
  store4(d, lo);
  store4(d + 4, hi);
}

/// Depth multiplier > 1: wpack[oc][t] = filter tap t of output channel oc as int16 (t < taps2,
/// zero past the taps).
inline void dw_mult_pack(const DepthwiseConvS8Args& a, std::int32_t taps2,
                         std::int16_t* wpack) noexcept {
  const std::int32_t c_out = a.in_c * a.depth_multiplier;
  const std::int32_t taps = a.k_h * a.k_w;
  for (std::int32_t oc = 0; oc < c_out; ++oc, wpack += taps2) {
    const std::int8_t* f = a.filter + oc;
    for (std::int32_t t = 0; t < taps; ++t, f += c_out) wpack[t] = *f;
    if (taps2 != taps) wpack[taps] = 0;
  }
}

/// Sums of `n` (1 or 4) consecutive output channels over the patch: acc[j] += sum_t
/// patch[t] * w[j][t], two taps per SMLAD (pairs = taps2 / 2; rows of w `taps2` int16 apart).
template <int N>
inline void dw_mult_dot(const std::int16_t* patch, const std::int16_t* w, std::int32_t taps2,
                        std::int32_t pairs, std::int32_t* acc) noexcept {
  const auto* x = reinterpret_cast<const std::uint8_t*>(patch);
  const auto* w0 = reinterpret_cast<const std::uint8_t*>(w);
  std::int32_t a0 = acc[0];
  if constexpr (N == 4) {
    const auto* w1 = w0 + 2 * taps2;
    const auto* w2 = w1 + 2 * taps2;
    const auto* w3 = w2 + 2 * taps2;
    std::int32_t a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (std::int32_t i = 0; i < pairs; ++i, x += 4, w0 += 4, w1 += 4, w2 += 4, w3 += 4) {
      std::int32_t xv, v;
      std::memcpy(&xv, x, 4);
      std::memcpy(&v, w0, 4);
      a0 = smlad(xv, v, a0);
      std::memcpy(&v, w1, 4);
      a1 = smlad(xv, v, a1);
      std::memcpy(&v, w2, 4);
      a2 = smlad(xv, v, a2);
      std::memcpy(&v, w3, 4);
      a3 = smlad(xv, v, a3);
    }
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
  } else {
    for (std::int32_t i = 0; i < pairs; ++i, x += 4, w0 += 4) {
      std::int32_t xv, v;
      std::memcpy(&xv, x, 4);
      std::memcpy(&v, w0, 4);
      a0 = smlad(xv, v, a0);
    }
  }
  acc[0] = a0;
}

}  // namespace dsp

template <>
struct DepthwiseConvS8<arch::CortexMDsp> {
  using ImplArch = arch::CortexMDsp;
  static std::int32_t taps2(const DepthwiseConvS8Args& a) noexcept {
    return (a.k_h * a.k_w + 1) & ~1;
  }
  static std::size_t scratch_bytes(const DepthwiseConvS8Args& a) noexcept {
    if (a.depth_multiplier == 1) {
      return sizeof(dsp::RightShiftQ) * static_cast<std::size_t>(a.in_c);
    }
    const std::size_t c_out =
        static_cast<std::size_t>(a.in_c) * static_cast<std::size_t>(a.depth_multiplier);
    return sizeof(dsp::RightShiftQ) * c_out +
           sizeof(std::int16_t) * static_cast<std::size_t>(taps2(a)) * (c_out + 1);
  }

  static void run(const DepthwiseConvS8Args& a, void* scratch) noexcept {
    // scratch_bytes() is never 0, and the op guarantees depth_multiplier >= 1.
    if (a.depth_multiplier != 1) {
      run_mult(a, scratch);
      return;
    }
    const std::int32_t c = a.in_c;
    // Per-channel requantization constants, when every shift allows the one-SMLAL form.
    auto* rq = static_cast<dsp::RightShiftQ*>(scratch);
    for (std::int32_t i = 0; rq != nullptr && i < c; ++i) {
      if (!dsp::right_shift_q(a.multiplier[i], a.shift[i], &rq[i])) rq = nullptr;
    }
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        dsp::DwWindow win;
        dsp::clip_taps(in_y0, a.dilation_h, a.k_h, a.in_h, &win.ky0, &win.ky1);
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          dsp::clip_taps(in_x0, a.dilation_w, a.k_w, a.in_w, &win.kx0, &win.kx1);
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c;
          if (win.ky0 >= win.ky1 || win.kx0 >= win.kx1) {
            // No tap inside the image: bias only (what the reference computes).
            dsp::DwWindow empty = win;
            empty.ky1 = empty.ky0;
            empty.in = a.input;
            empty.w = a.filter;
            dsp::dw_pixel(0, a, empty, rq, out);
            continue;
          }
          const std::int32_t iy = in_y0 + win.ky0 * a.dilation_h;
          const std::int32_t ix = in_x0 + win.kx0 * a.dilation_w;
          win.in = a.input + ((b * a.in_h + iy) * a.in_w + ix) * c;
          win.w = a.filter + (win.ky0 * a.k_w + win.kx0) * c;
          const std::int32_t cols = win.kx1 - win.kx0;
          dsp::dw_pixel(a.dilation_w == 1 && (cols == 2 || cols == 3) ? cols : 0, a, win, rq, out);
        }
      }
    }
  }

  /// Depth multiplier > 1 (see the top of this file).
  static void run_mult(const DepthwiseConvS8Args& a, void* scratch) noexcept {
    const std::int32_t dm = a.depth_multiplier;
    const std::int32_t c_out = a.in_c * dm;
    const std::int32_t t2 = taps2(a);
    auto* rq = static_cast<dsp::RightShiftQ*>(scratch);
    auto* wpack = reinterpret_cast<std::int16_t*>(rq + c_out);
    std::int16_t* patch = wpack + t2 * c_out;
    dsp::dw_mult_pack(a, t2, wpack);
    bool fast = true;
    for (std::int32_t i = 0; i < c_out && fast; ++i) {
      fast = dsp::right_shift_q(a.multiplier[i], a.shift[i], &rq[i]);
    }
    const dsp::OutClamp oc_clamp{a.output_offset, a.act_min, a.act_max};
    const std::int32_t pairs = t2 / 2;
    const std::int32_t in_row = a.in_w * a.in_c;
    const std::int32_t groups = dm & ~3;  // output channels per input channel taken four at once
    const std::int32_t step = a.dilation_w * a.in_c;  // input bytes between window columns
    const std::int32_t off2 = dsp::dup16(a.input_offset);
    const std::int32_t row_step = a.dilation_h * in_row;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        std::int32_t ky0, ky1;
        dsp::clip_taps(in_y0, a.dilation_h, a.k_h, a.in_h, &ky0, &ky1);
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int32_t kx0, kx1;
          dsp::clip_taps(in_x0, a.dilation_w, a.k_w, a.in_w, &kx0, &kx1);
          const bool inside = ky0 == 0 && ky1 == a.k_h && kx0 == 0 && kx1 == a.k_w;
          if (!inside) {  // taps outside the image stay 0
            for (std::int32_t t = 0; t < t2; t += 2) {
              dsp::store4(reinterpret_cast<std::int8_t*>(patch + t), 0u);
            }
          } else if (t2 != a.k_h * a.k_w) {
            patch[t2 - 1] = 0;
          }
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c_out;
          // Input at the first in-image tap of the window, channel 0.
          const std::int8_t* win0 =
              ky0 < ky1 && kx0 < kx1
                  ? a.input + ((b * a.in_h + in_y0 + ky0 * a.dilation_h) * a.in_w + in_x0 +
                               kx0 * a.dilation_w) * a.in_c
                  : a.input;
          const std::int32_t ncols = kx1 - kx0;
          for (std::int32_t ic = 0; ic < a.in_c; ++ic) {
            // The window of input channel ic, plus the input offset.
            {
              const std::int8_t* src = win0 + ic;
              std::int16_t* dst = patch + ky0 * a.k_w + kx0;
              for (std::int32_t ky = ky0; ky < ky1; ++ky, src += row_step, dst += a.k_w) {
                const std::int8_t* s = src;
                std::int16_t* d = dst;
                std::int32_t n = ncols;
                if (step == 1) {  // one channel, no dilation: four taps per word
                  for (; n >= 4; n -= 4, s += 4, d += 4) dsp::widen4(s, off2, d);
                }
                for (; n > 0; --n, s += step, ++d) {
                  *d = static_cast<std::int16_t>(*s + a.input_offset);
                }
              }
            }
            const std::int32_t o0 = ic * dm;
            std::int32_t acc[4];
            std::int32_t m = 0;
            for (; m < groups; m += 4) {
              const std::int32_t o = o0 + m;
              for (std::int32_t j = 0; j < 4; ++j) acc[j] = a.bias != nullptr ? a.bias[o + j] : 0;
              dsp::dw_mult_dot<4>(patch, wpack + o * t2, t2, pairs, acc);
              for (std::int32_t j = 0; j < 4; ++j) {
                out[o + j] = fast ? oc_clamp.one(dsp::requantize_rs(acc[j], rq[o + j]))
                                  : dsp::requantize_out(acc[j], a.multiplier[o + j],
                                                        a.shift[o + j], a.output_offset,
                                                        a.act_min, a.act_max);
              }
            }
            for (; m < dm; ++m) {
              const std::int32_t o = o0 + m;
              acc[0] = a.bias != nullptr ? a.bias[o] : 0;
              dsp::dw_mult_dot<1>(patch, wpack + o * t2, t2, pairs, acc);
              out[o] = fast ? oc_clamp.one(dsp::requantize_rs(acc[0], rq[o]))
                            : dsp::requantize_out(acc[0], a.multiplier[o], a.shift[o],
                                                  a.output_offset, a.act_min, a.act_max);
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

#endif  // __ARM_FEATURE_DSP
