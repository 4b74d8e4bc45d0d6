// SPDX-License-Identifier: Apache-2.0
// Helium (MVE) int8 depthwise convolution.
// Depth multiplier 1 (kernels of at most 16 taps, no column dilation, input zero point in int8)
// goes through a per-row band of the input, one plane per channel with each window's taps
// consecutive, so one VMLADAV.S8 sums a window (see "the band" below).
// Everything else: lanes across (output) channels, eight channels per step. Per tap, VLDRB.S16
// widens eight input and eight weight bytes to int16, and VMULLB / VMULLT give the int32 products
// of the even and odd channels, added into two int32x4 accumulators (even channels c, c+2, c+4,
// c+6; odd c+1, ...). After requantization VMOVNB / VMOVNT interleave them back into channel
// order for one 8-byte narrowing store. The channel tail (in_c % 8) is predicated.
// A per-call table in scratch holds, per block of eight channels and in the even / odd order:
// bias + off * sum(filter taps) (output pixels whose window lies fully inside the image fold the
// input offset into it), the bias alone (border pixels clip their window and add the offset per
// tap: the reference skips out-of-image taps), and the requantization multiplier, left shift and
// negated right shift.
// Depth multipliers > 1 take the same scheme over output channels, the input bytes gathered
// (VLDRB.S16 gather) from input channel (c + l) / depth_multiplier. Input offsets outside
// [-255, 255] use the parent (DSP) path.
//
// Contract: as kernels::DepthwiseConvS8; scratch_bytes() = DwBand::bytes() for the band path
//   (192 + 12 * in_c rounded up to 16 + taps * in_c rounded up to 16 + 16 + min(in_c, 16) *
//   plane + 16, plane = k_h * band columns), else 160 * ceil(out_c / 8) bytes, plus 16 per block
//   of eight output channels when depth_multiplier > 1 (16-byte aligned; the planner gives 16).
// Numerics: bit-exact with the reference (same int32 sums modulo 2^32; int16 x int16 products
//   exact; the requantization steps equal multiply_by_quantized_multiplier).
#pragma once
#if defined(__ARM_FEATURE_MVE) && !defined(TINYML_FORCE_GENERIC)

#include <arm_mve.h>

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/helium/primitives.hpp"
#include "tinyml/kernels/depthwise_conv_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace mve {

/// Table entries of one block of eight channels (each an int32x4: even lanes, then odd lanes).
enum DwEntry : int {
  kDwPre = 0,
  kDwBias = 2,
  kDwMult = 4,
  kDwLeft = 6,
  kDwNegRight = 8,
  kDwN = 10
};

/// First tap index k in [0, n) with 0 <= start + k * step < size, and one past the last.
inline void dw_clip(std::int32_t start, std::int32_t step, std::int32_t n, std::int32_t size,
                    std::int32_t* k0, std::int32_t* k1) noexcept {
  std::int32_t lo = 0;
  while (lo < n && start + lo * step < 0) ++lo;
  std::int32_t hi = n;
  while (hi > lo && start + (hi - 1) * step >= size) --hi;
  *k0 = lo;
  *k1 = hi;
}

/// multiply_by_quantized_multiplier per lane with the shift split as in the table.
inline int32x4_t dw_requantize(int32x4_t x, int32x4_t mult, int32x4_t left,
                               int32x4_t neg_right) noexcept {
  int32x4_t h = vqrdmulhq_s32(vshlq_s32(x, left), mult);
  h = vaddq_s32(h, vandq_s32(vshrq_n_s32(h, 31), vshrq_n_s32(neg_right, 31)));
  return vrshlq_s32(h, neg_right);
}

/// Fills the table (see the top of this file).
inline void dw_table(const DepthwiseConvS8Args& a, int32x4_t* table) noexcept {
  const std::int32_t c_all = a.in_c * a.depth_multiplier;  // output channels
  const std::int32_t taps = a.k_h * a.k_w;
  const uint32x4_t even = vidupq_n_u32(0, 2);  // 0 2 4 6
  const int32x4_t zero = vdupq_n_s32(0);
  for (std::int32_t c = 0; c < c_all; c += 8, table += kDwN) {
    const std::int32_t rem = c_all - c;
    for (std::int32_t h = 0; h < 2; ++h) {  // even, odd lanes
      const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>((rem + 1 - h) >> 1));
      const std::int32_t ch = c + h;
      int32x4_t s = zero;
      for (std::int32_t t = 0; t < taps; ++t) {
        s = vaddq_s32(s, vldrbq_gather_offset_z_s32(a.filter + t * c_all + ch, even, p));
      }
      const int32x4_t bias =
          a.bias != nullptr ? vldrwq_gather_shifted_offset_z_s32(a.bias + ch, even, p) : zero;
      const int32x4_t shift = vldrbq_gather_offset_z_s32(a.shift + ch, even, p);
      table[kDwPre + h] = vmlaq_n_s32(bias, s, a.input_offset);
      table[kDwBias + h] = bias;
      table[kDwMult + h] = vldrwq_gather_shifted_offset_z_s32(a.multiplier + ch, even, p);
      table[kDwLeft + h] = vmaxq_s32(shift, zero);
      table[kDwNegRight + h] = vminq_s32(shift, zero);
    }
  }
}

/// (e, o) += (x + off) * w for eight channels at xt / wt. Pred: predicated loads (channel
/// tail). AddOff: add the input offset (|x + off| < 2^15).
template <bool Pred, bool AddOff>
inline void dw_tap8(int32x4_t& e, int32x4_t& o, const std::int8_t* xt, const std::int8_t* wt,
                    std::int16_t off, mve_pred16_t p) noexcept {
  // Makes this tap's loads wait for the previous tap's sums: otherwise GCC hoists every load of
  // an unrolled row ahead and spills Q registers.
  __asm__("" : "+r"(xt), "+r"(wt) : "w"(e), "w"(o));
  int16x8_t xv = Pred ? vldrbq_z_s16(xt, p) : vldrbq_s16(xt);
  const int16x8_t wv = Pred ? vldrbq_z_s16(wt, p) : vldrbq_s16(wt);
  if constexpr (AddOff) xv = vaddq_n_s16(xv, off);
  e = vaddq_s32(e, vmullbq_int_s16(xv, wv));
  o = vaddq_s32(o, vmulltq_int_s16(xv, wv));
}

/// All channels of one output pixel over `rows` x `cols` window taps starting at in / w.
/// Cols: the window's column count when known (3), else 0. Full: the window is the whole filter.
template <int Cols, bool Full>
inline void dw_pixel(const DepthwiseConvS8Args& a, const int32x4_t* table, const std::int8_t* in,
                     const std::int8_t* w, std::int32_t rows, std::int32_t cols,
                     std::int8_t* out) noexcept {
  const std::int32_t c_all = a.in_c;
  const std::int32_t in_row = a.in_w * c_all * a.dilation_h;
  const std::int32_t in_col = c_all * a.dilation_w;
  const std::int32_t w_row = a.k_w * c_all;
  const OutStage stage{a.output_offset, a.act_min, a.act_max};
  const auto off = static_cast<std::int16_t>(a.input_offset);
  const int16x8_t zero16 = vdupq_n_s16(0);
  std::int32_t c = 0;
  for (; c + 8 <= c_all; c += 8, table += kDwN) {
    int32x4_t e = table[Full ? kDwPre : kDwBias];
    int32x4_t o = table[(Full ? kDwPre : kDwBias) + 1];
    const std::int8_t* x = in + c;
    const std::int8_t* wr = w + c;
    for (std::int32_t r = 0; r < rows; ++r, x += in_row, wr += w_row) {
      if constexpr (Cols == 3) {
        dw_tap8<false, !Full>(e, o, x, wr, off, 0);
        dw_tap8<false, !Full>(e, o, x + in_col, wr + c_all, off, 0);
        dw_tap8<false, !Full>(e, o, x + 2 * in_col, wr + 2 * c_all, off, 0);
      } else {
        const std::int8_t* xc = x;
        const std::int8_t* wc = wr;
        for (std::int32_t q = 0; q < cols; ++q, xc += in_col, wc += c_all) {
          dw_tap8<false, !Full>(e, o, xc, wc, off, 0);
        }
      }
    }
    e = stage.apply(dw_requantize(e, table[kDwMult], table[kDwLeft], table[kDwNegRight]));
    o = stage.apply(
        dw_requantize(o, table[kDwMult + 1], table[kDwLeft + 1], table[kDwNegRight + 1]));
    vstrbq_s16(out + c, vmovntq_s32(vmovnbq_s32(zero16, e), o));
  }
  if (c < c_all) {
    const mve_pred16_t p = vctp16q(static_cast<std::uint32_t>(c_all - c));
    int32x4_t e = table[Full ? kDwPre : kDwBias];
    int32x4_t o = table[(Full ? kDwPre : kDwBias) + 1];
    const std::int8_t* x = in + c;
    const std::int8_t* wr = w + c;
    for (std::int32_t r = 0; r < rows; ++r, x += in_row, wr += w_row) {
      const std::int8_t* xc = x;
      const std::int8_t* wc = wr;
      for (std::int32_t q = 0; q < cols; ++q, xc += in_col, wc += c_all) {
        dw_tap8<true, !Full>(e, o, xc, wc, off, p);
      }
    }
    e = stage.apply(dw_requantize(e, table[kDwMult], table[kDwLeft], table[kDwNegRight]));
    o = stage.apply(
        dw_requantize(o, table[kDwMult + 1], table[kDwLeft + 1], table[kDwNegRight + 1]));
    vstrbq_p_s16(out + c, vmovntq_s32(vmovnbq_s32(zero16, e), o), p);
  }
}

/// Depth multiplier > 1: all output channels of one pixel, like dw_pixel<0, Full>, with the
/// input bytes of output channels c .. c + 7 gathered from input channels (c + l) / multiplier
/// (VLDRB.S16 gather; xoff holds those offsets per block of eight output channels).
template <bool Full>
inline void dw_pixel_mult(const DepthwiseConvS8Args& a, const int32x4_t* table,
                          const uint16x8_t* xoff, const std::int8_t* in, const std::int8_t* w,
                          std::int32_t rows, std::int32_t cols, std::int8_t* out) noexcept {
  const std::int32_t c_all = a.in_c * a.depth_multiplier;
  const std::int32_t in_row = a.in_w * a.in_c * a.dilation_h;
  const std::int32_t in_col = a.in_c * a.dilation_w;
  const std::int32_t w_row = a.k_w * c_all;
  const OutStage stage{a.output_offset, a.act_min, a.act_max};
  const auto off = static_cast<std::int16_t>(a.input_offset);
  const int16x8_t zero16 = vdupq_n_s16(0);
  for (std::int32_t c = 0; c < c_all; c += 8, table += kDwN, ++xoff) {
    const mve_pred16_t p = vctp16q(static_cast<std::uint32_t>(c_all - c));
    const uint16x8_t xo = *xoff;
    int32x4_t e = table[Full ? kDwPre : kDwBias];
    int32x4_t o = table[(Full ? kDwPre : kDwBias) + 1];
    const std::int8_t* x = in;
    const std::int8_t* wr = w + c;
    for (std::int32_t r = 0; r < rows; ++r, x += in_row, wr += w_row) {
      const std::int8_t* xc = x;
      const std::int8_t* wc = wr;
      for (std::int32_t q = 0; q < cols; ++q, xc += in_col, wc += c_all) {
        int16x8_t xv = vldrbq_gather_offset_z_s16(xc, xo, p);
        const int16x8_t wv = vldrbq_z_s16(wc, p);
        if constexpr (!Full) xv = vaddq_n_s16(xv, off);
        e = vaddq_s32(e, vmullbq_int_s16(xv, wv));
        o = vaddq_s32(o, vmulltq_int_s16(xv, wv));
      }
    }
    e = stage.apply(dw_requantize(e, table[kDwMult], table[kDwLeft], table[kDwNegRight]));
    o = stage.apply(
        dw_requantize(o, table[kDwMult + 1], table[kDwLeft + 1], table[kDwNegRight + 1]));
    vstrbq_p_s16(out + c, vmovntq_s32(vmovnbq_s32(zero16, e), o), p);
  }
}

// ---- depth multiplier 1: the band ------------------------------------------------------------
// Per output row and chunk of up to 16 channels, the k_h input rows the row's windows read are
// copied into a band in scratch, one plane per channel, column-major: band[c][column][ky] (the
// input zero point outside the image), so the k_h x k_w taps of a window are k_w * k_h
// consecutive bytes. The weights are repacked once per call in the same tap order
// (wt[c][kx][ky]), so a window's sum is one VLDRB.8 and one VMLADAV.S8 against the channel's
// weight vector (zero past the taps). pre = bias + off * sum(channel's taps) folds the input
// offset out: a padded tap holds x = -off and contributes w * (-off) + off * w = 0, what the
// reference's skipped tap contributes. Four adjacent output pixels of one channel make one
// int32x4 (two STRD and one VLDRW through the stack), requantized with the channel's scalar
// multiplier and shift and stored with a byte scatter (stride in_c); the loop over the channels
// of a chunk is assembly for 3x3 kernels at strides 1 and 2 (VMLADAV writes even-numbered core
// registers only, which GCC's allocator handles poorly). The pixels left over at the end of a
// row (out_w % 4) keep their sums in a small table and are requantized four channels at a time.

/// Per-channel constants: pre (see above), multiplier and shift.
struct DwRec {
  std::int32_t pre, mult, shift;
};

/// Band geometry (depth multiplier 1, dilation_w 1, k_h * k_w <= 16).
struct DwBand {
  static constexpr std::int32_t kChunk = 16;  // channels per band
  std::int32_t taps;   // k_h * k_w
  std::int32_t cols;   // band columns
  std::int32_t plane;  // band bytes per channel (cols * k_h)
  std::int32_t px;     // band bytes between adjacent output pixels (stride_w * k_h)
  explicit DwBand(const DepthwiseConvS8Args& a) noexcept
      : taps(a.k_h * a.k_w),
        cols((a.out_w - 1) * a.stride_w + a.k_w),
        plane(((a.out_w - 1) * a.stride_w + a.k_w) * a.k_h),
        px(a.stride_w * a.k_h) {}
  static std::int32_t round16(std::int32_t n) noexcept { return (n + 15) & ~15; }
  /// Scratch layout: the leftover sums (3 x 16 int32), the records, wt, band; 16 bytes of slack
  /// after wt and band (16-byte loads of a window's taps).
  static std::int32_t rec_offset() noexcept { return 3 * 4 * kChunk; }
  static std::int32_t wt_offset(std::int32_t c) noexcept {
    return rec_offset() + round16(static_cast<std::int32_t>(sizeof(DwRec)) * c);
  }
  std::int32_t band_offset(std::int32_t c) const noexcept {
    return wt_offset(c) + round16(c * taps) + 16;
  }
  std::size_t bytes(std::int32_t c) const noexcept {
    const std::int32_t chunk = c < kChunk ? c : kChunk;
    return static_cast<std::size_t>(band_offset(c)) + static_cast<std::size_t>(chunk) * plane + 16;
  }
};

/// wt and the records, once per call.
inline void dw_band_weights(const DepthwiseConvS8Args& a, const DwBand& g, DwRec* rec,
                            std::int8_t* wt) noexcept {
  const std::int32_t c_all = a.in_c;
  const uint8x16_t offs = vmulq_n_u8(vidupq_n_u8(0, 1), static_cast<std::uint8_t>(g.taps));
  for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
    for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
      const std::int8_t* src = a.filter + (ky * a.k_w + kx) * c_all;
      std::int8_t* dst = wt + kx * a.k_h + ky;
      for (std::int32_t c = 0; c < c_all; c += 16, dst += 16 * g.taps) {
        const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(c_all - c));
        vstrbq_scatter_offset_p_s8(dst, offs, vldrbq_z_s8(src + c, p), p);
      }
    }
  }
  const mve_pred16_t tp = vctp8q(static_cast<std::uint32_t>(g.taps));
  for (std::int32_t c = 0; c < c_all; ++c) {
    const std::int32_t s = vaddvq_s8(vldrbq_z_s8(wt + c * g.taps, tp));
    std::uint32_t v = static_cast<std::uint32_t>(a.input_offset) * static_cast<std::uint32_t>(s);
    if (a.bias != nullptr) v += static_cast<std::uint32_t>(a.bias[c]);
    rec[c] = DwRec{static_cast<std::int32_t>(v), a.multiplier[c], a.shift[c]};
  }
}

/// Fills band columns [j0, j1) (those inside the image horizontally) of channels
/// [c0, c0 + n) for output row oy of batch b; the columns outside hold the zero point
/// (dw_band_edges).
inline void dw_band_fill(const DepthwiseConvS8Args& a, const DwBand& g, std::int8_t* band,
                         std::int32_t b, std::int32_t oy, std::int32_t j0, std::int32_t j1,
                         std::int32_t c0, std::int32_t n) noexcept {
  const std::int32_t c_all = a.in_c;
  const std::int32_t kh = a.k_h;
  const uint16x8_t offs = vmulq_n_u16(vidupq_n_u16(0, 1), static_cast<std::uint16_t>(g.plane));
  const int16x8_t zpv = vdupq_n_s16(static_cast<std::int16_t>(-a.input_offset));
  const mve_pred16_t p0 = vctp16q(static_cast<std::uint32_t>(n));
  const mve_pred16_t p1 = vctp16q(static_cast<std::uint32_t>(n > 8 ? n - 8 : 0));
  const std::int32_t ncols = j1 - j0;
  const std::int32_t iy0 = oy * a.stride_h - a.pad_h;
  const std::int8_t* const row0 = a.input + ((b * a.in_h) * a.in_w + j0 - a.pad_w) * c_all + c0;
  for (std::int32_t ky = 0; ky < kh; ++ky) {
    const std::int32_t iy = iy0 + ky * a.dilation_h;
    std::int8_t* d = band + j0 * kh + ky;
    if (iy < 0 || iy >= a.in_h) {
      for (std::int32_t j = 0; j < ncols; ++j, d += kh) {
        vstrbq_scatter_offset_p_s16(d, offs, zpv, p0);
        vstrbq_scatter_offset_p_s16(d + 8 * g.plane, offs, zpv, p1);
      }
      continue;
    }
    const std::int8_t* src = row0 + iy * a.in_w * c_all;
    if (n == 16) {
      std::int8_t* d8 = d + 8 * g.plane;
      for (std::int32_t j = 0; j < ncols; ++j, d += kh, d8 += kh, src += c_all) {
        vstrbq_scatter_offset_s16(d, offs, vldrbq_s16(src));
        vstrbq_scatter_offset_s16(d8, offs, vldrbq_s16(src + 8));
      }
      continue;
    }
    for (std::int32_t j = 0; j < ncols; ++j, d += kh, src += c_all) {
      vstrbq_scatter_offset_p_s16(d, offs, vldrbq_z_s16(src, p0), p0);
      vstrbq_scatter_offset_p_s16(d + 8 * g.plane, offs, vldrbq_z_s16(src + 8, p1), p1);
    }
  }
}

/// The band columns outside the image horizontally ([0, j0) and [j1, cols)): the zero point, for
/// every row of the n channel planes.
inline void dw_band_edges(const DepthwiseConvS8Args& a, const DwBand& g, std::int8_t* band,
                          std::int32_t j0, std::int32_t j1, std::int32_t n) noexcept {
  const auto zp = static_cast<std::int8_t>(-a.input_offset);
  for (std::int32_t c = 0; c < n; ++c) {
    std::int8_t* plane = band + c * g.plane;
    fill_bytes(plane, zp, j0 * a.k_h);
    fill_bytes(plane + j1 * a.k_h, zp, (g.cols - j1) * a.k_h);
  }
}

/// Output pixels ox .. ox + 3 of n channels (a 3x3 kernel, every shift negative): x = the first
/// channel's band plane at pixel ox (pixels PX bytes apart), w = its weights (9 per channel),
/// out = its output byte at pixel ox; sc = byte offsets of four pixels in the output.
template <int PX>
inline void dw_asm_group4(const std::int8_t* w, const std::int8_t* x, std::int32_t plane,
                          const DwRec* rec, std::int8_t* out, std::int32_t n, uint32x4_t sc,
                          int32x4_t off, int32x4_t lo, int32x4_t hi) noexcept {
  int8x16_t wv, t;
  int32x4_t v;
  std::int32_t s0, s1, pre, mult, sh;
  __asm__ volatile(
      "sub sp, #16\n\t"
      "vctp.8 %[nt]\n\t"
      "dls lr, %[n]\n"
      "1:\n\t"
      "vpst\n\t"
      "vldrbt.u8 %q[w], [%[wp]], #9\n\t"
      "vldrb.u8 %q[t], [%[x]]\n\t"
      "vmladav.s8 %[s0], %q[t], %q[w]\n\t"
      "vldrb.u8 %q[t], [%[x], %[o1]]\n\t"
      "vmladav.s8 %[s1], %q[t], %q[w]\n\t"
      "vldrb.u8 %q[t], [%[x], %[o2]]\n\t"
      "strd %[s0], %[s1], [sp]\n\t"
      "vmladav.s8 %[s0], %q[t], %q[w]\n\t"
      "vldrb.u8 %q[t], [%[x], %[o3]]\n\t"
      "vmladav.s8 %[s1], %q[t], %q[w]\n\t"
      "add %[x], %[plane]\n\t"
      "ldr %[sh], [%[rec], #8]\n\t"
      "ldrd %[pre], %[mult], [%[rec]], #12\n\t"
      "strd %[s0], %[s1], [sp, #8]\n\t"
      "vldrw.u32 %q[v], [sp]\n\t"
      "vadd.i32 %q[v], %q[v], %[pre]\n\t"
      "vqrdmulh.s32 %q[v], %q[v], %[mult]\n\t"
      "vshr.s32 %q[t], %q[v], #31\n\t"
      "vadd.i32 %q[v], %q[v], %q[t]\n\t"
      "vrshl.s32 %q[v], %[sh]\n\t"
      "vadd.i32 %q[v], %q[v], %q[off]\n\t"
      "vmax.s32 %q[v], %q[v], %q[lo]\n\t"
      "vmin.s32 %q[v], %q[v], %q[hi]\n\t"
      "vstrb.32 %q[v], [%[o], %q[sc]]\n\t"
      "adds %[o], #1\n\t"
      "le lr, 1b\n\t"
      "add sp, #16"
      : [wp] "+r"(w), [x] "+r"(x), [rec] "+r"(rec), [o] "+r"(out), [w] "=&w"(wv), [t] "=&w"(t),
        [v] "=&w"(v), [s0] "=&Te"(s0), [s1] "=&Te"(s1), [pre] "=&r"(pre), [mult] "=&r"(mult),
        [sh] "=&r"(sh)
      : [n] "r"(n), [plane] "r"(plane), [nt] "r"(9), [sc] "w"(sc), [off] "w"(off), [lo] "w"(lo),
        [hi] "w"(hi), [o1] "I"(PX), [o2] "I"(2 * PX), [o3] "I"(3 * PX)
      : "lr", "p0", "memory");
}

/// The sums of one output pixel for n channels (a 3x3 kernel) to sums[0 .. n-1]: x = the first
/// channel's band plane at the pixel, w = its weights.
inline void dw_asm_sums1(const std::int8_t* w, const std::int8_t* x, std::int32_t plane,
                         std::int32_t* sums, std::int32_t n) noexcept {
  int8x16_t wv, t;
  std::int32_t s0;
  __asm__ volatile(
      "vctp.8 %[nt]\n\t"
      "dls lr, %[n]\n"
      "1:\n\t"
      "vpst\n\t"
      "vldrbt.u8 %q[w], [%[wp]], #9\n\t"
      "vldrb.u8 %q[t], [%[x]]\n\t"
      "add %[x], %[plane]\n\t"
      "vmladav.s8 %[s0], %q[t], %q[w]\n\t"
      "str %[s0], [%[s]], #4\n\t"
      "le lr, 1b"
      : [wp] "+r"(w), [x] "+r"(x), [s] "+r"(sums), [w] "=&w"(wv), [t] "=&w"(t), [s0] "=&Te"(s0)
      : [n] "r"(n), [plane] "r"(plane), [nt] "r"(9)
      : "lr", "p0", "memory");
}

/// The window sums of four output pixels of one channel (band plane at x, pixels px bytes
/// apart; w: the channel's weights, zero past the taps) as one vector.
inline int32x4_t dw_sums4(const std::int8_t* x, std::int32_t px, int8x16_t w,
                          std::int32_t* tmp) noexcept {
  tmp[0] = vmladavq_s8(vldrbq_s8(x), w);
  tmp[1] = vmladavq_s8(vldrbq_s8(x + px), w);
  tmp[2] = vmladavq_s8(vldrbq_s8(x + 2 * px), w);
  tmp[3] = vmladavq_s8(vldrbq_s8(x + 3 * px), w);
  return vldrwq_s32(tmp);
}

/// The channels [c0, c0 + n) of one output row from their band. Fast: a 3x3 kernel, every
/// shift negative, and PX (band bytes between adjacent pixels) 3 or 6: the assembly loops;
/// otherwise intrinsics (PX = 0: spacing at run time).
template <int PX, bool Fast>
inline void dw_band_row(const DepthwiseConvS8Args& a, const DwBand& g, const DwRec* rec,
                        std::int32_t* rem, const std::int8_t* wt, const std::int8_t* band,
                        std::int8_t* out, std::int32_t c0, std::int32_t n) noexcept {
  const std::int32_t c_all = a.in_c;
  const std::int32_t px = PX > 0 ? PX : g.px;
  const std::int32_t groups = a.out_w >> 2;
  const std::int32_t left = a.out_w & 3;
  const uint32x4_t sc = vmulq_n_u32(vidupq_n_u32(0, 1), static_cast<std::uint32_t>(c_all));
  const int32x4_t lo = vdupq_n_s32(a.act_min);
  const int32x4_t hi = vdupq_n_s32(a.act_max);
  const int32x4_t offv = vdupq_n_s32(a.output_offset);
  const std::int8_t* const w0 = wt + c0 * g.taps;
  const DwRec* const r0 = rec + c0;
  if (Fast) {
    for (std::int32_t q = 0; q < groups; ++q) {
      dw_asm_group4<PX>(w0, band + 4 * q * PX, g.plane, r0, out + 4 * q * c_all + c0, n, sc,
                        offv, lo, hi);
    }
    for (std::int32_t r = 0; r < left; ++r) {
      dw_asm_sums1(w0, band + (4 * groups + r) * PX, g.plane, rem + r * DwBand::kChunk, n);
    }
  } else {
    const mve_pred16_t tp = vctp8q(static_cast<std::uint32_t>(g.taps));
    alignas(16) std::int32_t tmp[4];
    const std::int8_t* w = w0;
    const std::int8_t* x0 = band;
    for (std::int32_t i = 0; i < n; ++i, w += g.taps, x0 += g.plane) {
      const int8x16_t wv = vldrbq_z_s8(w, tp);
      const DwRec k = r0[i];
      const std::int32_t sl = k.shift > 0 ? k.shift : 0;
      const std::int32_t sr = k.shift < 0 ? k.shift : 0;
      const std::int32_t fix = k.shift < 0 ? 1 : 0;
      const std::int8_t* x = x0;
      std::int8_t* o = out + c0 + i;
      for (std::int32_t q = 0; q < groups; ++q, x += 4 * px, o += 4 * c_all) {
        int32x4_t v = vaddq_n_s32(dw_sums4(x, px, wv, tmp), k.pre);
        v = vqrdmulhq_n_s32(vshlq_r_s32(v, sl), k.mult);
        v = vrshlq_n_s32(vmlaq_n_s32(v, vshrq_n_s32(v, 31), fix), sr);
        v = vminq_s32(vmaxq_s32(vaddq_s32(v, offv), lo), hi);
        vstrbq_scatter_offset_s32(o, sc, v);
      }
      for (std::int32_t r = 0; r < left; ++r) {
        rem[r * DwBand::kChunk + i] = vmladavq_s8(vldrbq_s8(x + r * px), wv);
      }
    }
  }
  // The leftover pixels: four channels at a time (records gathered: pre, multiplier, shift).
  const uint32x4_t ro = vmulq_n_u32(vidupq_n_u32(0, 1), 3);
  for (std::int32_t r = 0; r < left; ++r) {
    std::int8_t* o = out + (4 * groups + r) * c_all + c0;
    const std::int32_t* s = rem + r * DwBand::kChunk;
    for (std::int32_t i = 0; i < n; i += 4) {
      const std::int32_t k = n - i < 4 ? n - i : 4;
      const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(k));
      const auto* f = reinterpret_cast<const std::int32_t*>(r0 + i);
      const ChanRequant q(vldrwq_gather_shifted_offset_z_s32(f + 1, ro, p),
                          vldrwq_gather_shifted_offset_z_s32(f + 2, ro, p));
      int32x4_t v = vaddq_s32(vldrwq_s32(s + i), vldrwq_gather_shifted_offset_z_s32(f, ro, p));
      v = vminq_s32(vmaxq_s32(vaddq_s32(q.apply(v), offv), lo), hi);
      vstrbq_p_s32(o + i, v, p);
    }
  }
}

/// All output rows (depth multiplier 1) through the band.
template <int PX, bool Fast>
inline void dw_band_run(const DepthwiseConvS8Args& a, const DwBand& g, void* scratch) noexcept {
  auto* base = static_cast<std::int8_t*>(scratch);
  auto* rem = reinterpret_cast<std::int32_t*>(base);
  auto* rec = reinterpret_cast<DwRec*>(base + DwBand::rec_offset());
  std::int8_t* wt = base + DwBand::wt_offset(a.in_c);
  std::int8_t* band = base + g.band_offset(a.in_c);
  dw_band_weights(a, g, rec, wt);
  // Band columns [j0, j1) are inside the image horizontally.
  const std::int32_t j0 = a.pad_w < g.cols ? a.pad_w : g.cols;
  std::int32_t j1 = a.in_w + a.pad_w < g.cols ? a.in_w + a.pad_w : g.cols;
  if (j1 < j0) j1 = j0;
  const std::int32_t c_all = a.in_c;
  const std::int32_t chunk = c_all < DwBand::kChunk ? c_all : DwBand::kChunk;
  dw_band_edges(a, g, band, j0, j1, chunk);
  for (std::int32_t b = 0; b < a.batches; ++b) {
    for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
      std::int8_t* out = a.output + (b * a.out_h + oy) * a.out_w * c_all;
      for (std::int32_t c0 = 0; c0 < c_all; c0 += DwBand::kChunk) {
        const std::int32_t n = c_all - c0 < DwBand::kChunk ? c_all - c0 : DwBand::kChunk;
        dw_band_fill(a, g, band, b, oy, j0, j1, c0, n);
        dw_band_row<PX, Fast>(a, g, rec, rem, wt, band, out, c0, n);
      }
    }
  }
}

}  // namespace mve

template <>
struct DepthwiseConvS8<arch::Helium> {
  using ImplArch = arch::Helium;
  using Parent = DepthwiseConvS8<arch::CortexMDsp>;
  static bool handled(const DepthwiseConvS8Args& a) noexcept {
    return a.depth_multiplier >= 1 && a.input_offset >= -255 && a.input_offset <= 255;
  }
  /// Depth multiplier 1 through the band (mve::dw_band_run), unless the band would be large.
  static bool banded(const DepthwiseConvS8Args& a) noexcept {
    return a.depth_multiplier == 1 && a.dilation_w == 1 && a.k_h * a.k_w <= 16 &&
           a.input_offset >= -127 && a.input_offset <= 128 &&
           mve::DwBand(a).bytes(a.in_c) <= kMaxBand;
  }
  static constexpr std::size_t kMaxBand = 32 * 1024;
  static std::size_t scratch_bytes(const DepthwiseConvS8Args& a) noexcept {
    if (!handled(a)) return Parent::scratch_bytes(a);
    if (banded(a)) return mve::DwBand(a).bytes(a.in_c);
    const std::size_t blocks =
        (static_cast<std::size_t>(a.in_c) * static_cast<std::size_t>(a.depth_multiplier) + 7) / 8;
    // The table, then (depth multiplier > 1) one uint16x8 of gather offsets per block.
    return (sizeof(int32x4_t) * mve::kDwN + (a.depth_multiplier != 1 ? sizeof(uint16x8_t) : 0)) *
           blocks;
  }

  static void run(const DepthwiseConvS8Args& a, void* scratch) noexcept {
    if (!handled(a) || scratch == nullptr) {
      Parent::run(a, scratch);
      return;
    }
    if (a.depth_multiplier != 1) {
      run_mult(a, scratch);
      return;
    }
    if (banded(a)) {
      run_band(a, scratch);
      return;
    }
    const std::int32_t c_all = a.in_c;
    auto* table = static_cast<int32x4_t*>(scratch);
    mve::dw_table(a, table);
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        std::int32_t ky0, ky1;
        mve::dw_clip(in_y0, a.dilation_h, a.k_h, a.in_h, &ky0, &ky1);
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int32_t kx0, kx1;
          mve::dw_clip(in_x0, a.dilation_w, a.k_w, a.in_w, &kx0, &kx1);
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c_all;
          const std::int32_t rows = ky1 - ky0;
          const std::int32_t cols = kx1 - kx0;
          if (rows <= 0 || cols <= 0) {  // no tap inside the image: bias only
            mve::dw_pixel<0, false>(a, table, a.input, a.filter, 0, 0, out);
            continue;
          }
          const std::int32_t iy = in_y0 + ky0 * a.dilation_h;
          const std::int32_t ix = in_x0 + kx0 * a.dilation_w;
          const std::int8_t* in = a.input + ((b * a.in_h + iy) * a.in_w + ix) * c_all;
          const std::int8_t* w = a.filter + (ky0 * a.k_w + kx0) * c_all;
          const bool full = rows == a.k_h && cols == a.k_w;
          if (cols == 3) {
            if (full) {
              mve::dw_pixel<3, true>(a, table, in, w, rows, cols, out);
            } else {
              mve::dw_pixel<3, false>(a, table, in, w, rows, cols, out);
            }
          } else if (full) {
            mve::dw_pixel<0, true>(a, table, in, w, rows, cols, out);
          } else {
            mve::dw_pixel<0, false>(a, table, in, w, rows, cols, out);
          }
        }
      }
    }
  }

  /// Depth multiplier 1 through the band, the pixel spacing unrolled for 3-row kernels at
  /// strides 1 and 2.
  static void run_band(const DepthwiseConvS8Args& a, void* scratch) noexcept {
    const mve::DwBand g(a);
    const bool fast = g.taps == 9 && a.k_w == 3 && mve::all_right_shifts(a.shift, a.in_c);
    if (fast && g.px == 3) {
      mve::dw_band_run<3, true>(a, g, scratch);
    } else if (fast && g.px == 6) {
      mve::dw_band_run<6, true>(a, g, scratch);
    } else {
      mve::dw_band_run<0, false>(a, g, scratch);
    }
  }

  /// Depth multiplier > 1 (mve::dw_pixel_mult).
  static void run_mult(const DepthwiseConvS8Args& a, void* scratch) noexcept {
    const std::int32_t c_all = a.in_c * a.depth_multiplier;
    const std::int32_t blocks = (c_all + 7) / 8;
    auto* table = static_cast<int32x4_t*>(scratch);
    auto* xoff = reinterpret_cast<uint16x8_t*>(table + mve::kDwN * blocks);
    mve::dw_table(a, table);
    for (std::int32_t blk = 0; blk < blocks; ++blk) {
      std::uint16_t v[8];
      for (std::int32_t l = 0; l < 8; ++l) {
        const std::int32_t oc = blk * 8 + l < c_all ? blk * 8 + l : blk * 8;
        v[l] = static_cast<std::uint16_t>(oc / a.depth_multiplier);
      }
      xoff[blk] = vld1q_u16(v);
    }
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        std::int32_t ky0, ky1;
        mve::dw_clip(in_y0, a.dilation_h, a.k_h, a.in_h, &ky0, &ky1);
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int32_t kx0, kx1;
          mve::dw_clip(in_x0, a.dilation_w, a.k_w, a.in_w, &kx0, &kx1);
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c_all;
          const std::int32_t rows = ky1 > ky0 ? ky1 - ky0 : 0;
          const std::int32_t cols = kx1 > kx0 ? kx1 - kx0 : 0;
          if (rows == 0 || cols == 0) {  // no tap inside the image: bias only
            mve::dw_pixel_mult<false>(a, table, xoff, a.input, a.filter, 0, 0, out);
            continue;
          }
          const std::int32_t iy = in_y0 + ky0 * a.dilation_h;
          const std::int32_t ix = in_x0 + kx0 * a.dilation_w;
          const std::int8_t* in = a.input + ((b * a.in_h + iy) * a.in_w + ix) * a.in_c;
          const std::int8_t* w = a.filter + (ky0 * a.k_w + kx0) * c_all;
          if (rows == a.k_h && cols == a.k_w) {
            mve::dw_pixel_mult<true>(a, table, xoff, in, w, rows, cols, out);
          } else {
            mve::dw_pixel_mult<false>(a, table, xoff, in, w, rows, cols, out);
          }
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_MVE
