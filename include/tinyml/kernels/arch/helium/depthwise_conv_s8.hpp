// SPDX-License-Identifier: Apache-2.0
// Helium (MVE) int8 depthwise convolution: lanes across (output) channels, eight
// channels per step. Per tap, VLDRB.S16 widens eight input and eight weight bytes to int16, and
// VMULLB / VMULLT give the int32 products of the even and odd channels, added into two int32x4
// accumulators (even channels c, c+2, c+4, c+6; odd c+1, ...). After requantization VMOVNB /
// VMOVNT interleave them back into channel order for one 8-byte narrowing store. The channel
// tail (in_c % 8) is predicated.
// A per-call table in scratch holds, per block of eight channels and in the even / odd order:
// bias + off * sum(filter taps) (output pixels whose window lies fully inside the image fold the
// input offset into it), the bias alone (border pixels clip their window and add the offset per
// tap: the reference skips out-of-image taps), and the requantization multiplier, left shift and
// negated right shift.
// Depth multipliers > 1 take the same scheme over output channels, the input bytes gathered
// (VLDRB.S16 gather) from input channel (c + l) / depth_multiplier. Input offsets outside
// [-255, 255] use the parent (DSP) path.
//
// Contract: as kernels::DepthwiseConvS8; scratch_bytes() = 160 * ceil(out_c / 8) bytes, plus 16
//   per block of eight output channels when depth_multiplier > 1 (16-byte aligned; the planner
//   gives 16).
// Numerics: bit-exact with the reference (same int32 sums modulo 2^32; int16 x int16 products
//   exact; mve::requantize's steps equal multiply_by_quantized_multiplier).
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

}  // namespace mve

template <>
struct DepthwiseConvS8<arch::Helium> {
  using ImplArch = arch::Helium;
  using Parent = DepthwiseConvS8<arch::CortexMDsp>;
  static bool handled(const DepthwiseConvS8Args& a) noexcept {
    return a.depth_multiplier >= 1 && a.input_offset >= -255 && a.input_offset <= 255;
  }
  static std::size_t scratch_bytes(const DepthwiseConvS8Args& a) noexcept {
    if (!handled(a)) return Parent::scratch_bytes(a);
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
