// SPDX-License-Identifier: Apache-2.0
// Helium (MVE) int8 convolution (any kernel size, stride, dilation, padding; groups = 1).
//
// Design. Output pixels are computed in tiles of six (receptive fields of at most 256 values) or
// four. Each pixel's receptive field (kh * kw * in_c int8 values, the OHWI weight row order) is
// copied into an interleaved patch in scratch (16-byte chunk i of pixel j at 16 * (tile * i + j),
// so one pointer with immediate offsets reaches every pixel); it is read straight from the input
// for 1x1 stride-1 unpadded convolutions, and gathered through a one-field slot otherwise, where
// taps outside the image hold the input zero point. The input offset is folded out of the inner
// loop: sum(w * (x + off)) = sum(w * x) + off * sum(w), and a padded tap holding x = -off
// contributes w * (-off) + off * w = 0, exactly what the reference's skipped tap contributes.
// Per-row constants (bias + off * sum(w), multiplier, left shift, negated right shift) are
// computed once per call into scratch. Per 16 values of one weight row: one weight load, and per
// pixel one patch load and one VMLADAV.S8 (16 MACs) into an even-numbered core register (the
// only ones VMLADAV accumulates into: seven, hence at most six pixels). Fields of at most 16
// values stay in vector registers for all rows. The sums of one row are requantized four at a
// time as a vector and stored with a byte scatter (stride out_c). With a live list (exact
// pruning, see ConvS8Args) only the live rows are computed.
// Grouped convolutions and input zero points outside int8 use the parent (DSP) path.
//
// Contract: as kernels::ConvS8; scratch_bytes() = 16 * out_c (row constants) + 16 * tile *
//   ceil(k / 16) (patch) + k (slot) bytes, k = kh * kw * in_c; 16-byte aligned (the planner
//   gives 16).
// Numerics: bit-exact with the reference: the same int32 sums modulo 2^32 (the reference's sums
//   do not overflow), and RowStore's steps are mve::requantize's, which equal
//   multiply_by_quantized_multiplier.
#pragma once
#if defined(__ARM_FEATURE_MVE) && !defined(TINYML_FORCE_GENERIC)

#include <arm_mve.h>

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/helium/primitives.hpp"
#include "tinyml/kernels/conv_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace mve {

/// The receptive field of output pixel (b, oy, ox): a pointer into the input when contiguous,
/// else `slot` filled from the input (zero point at taps outside the image).
inline const std::int8_t* conv_field(const ConvS8Args& a, std::int8_t* slot, std::int8_t zp,
                                     std::int32_t b, std::int32_t oy, std::int32_t ox) noexcept {
  const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
  const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
  const std::int32_t row = a.k_w * a.in_c;
  const bool row_inside = in_x0 >= 0 && in_x0 + (a.k_w - 1) * a.dilation_w < a.in_w &&
                          (a.dilation_w == 1 || a.k_w == 1);
  if (a.k_h == 1 && row_inside && in_y0 >= 0 && in_y0 < a.in_h) {
    return a.input + ((b * a.in_h + in_y0) * a.in_w + in_x0) * a.in_c;
  }
  for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
    const std::int32_t iy = in_y0 + a.dilation_h * ky;
    std::int8_t* dst = slot + ky * row;
    if (iy < 0 || iy >= a.in_h) {
      fill_bytes(dst, zp, row);
      continue;
    }
    const std::int8_t* src_row = a.input + (b * a.in_h + iy) * a.in_w * a.in_c;
    if (row_inside) {
      copy_bytes(dst, src_row + in_x0 * a.in_c, row);
      continue;
    }
    if (a.dilation_w == 1) {  // zero points, one in-image segment, zero points
      // Columns [kx0, kx1) of the window are inside the image.
      const std::int32_t kx0 = in_x0 < 0 ? (-in_x0 < a.k_w ? -in_x0 : a.k_w) : 0;
      std::int32_t kx1 = a.in_w - in_x0 < a.k_w ? a.in_w - in_x0 : a.k_w;
      kx1 = kx1 < kx0 ? kx0 : kx1;
      fill_bytes(dst, zp, kx0 * a.in_c);
      copy_bytes(dst + kx0 * a.in_c, src_row + (in_x0 + kx0) * a.in_c, (kx1 - kx0) * a.in_c);
      fill_bytes(dst + kx1 * a.in_c, zp, (a.k_w - kx1) * a.in_c);
      continue;
    }
    for (std::int32_t kx = 0; kx < a.k_w; ++kx, dst += a.in_c) {
      const std::int32_t ix = in_x0 + a.dilation_w * kx;
      if (ix < 0 || ix >= a.in_w) {
        fill_bytes(dst, zp, a.in_c);
      } else {
        copy_bytes(dst, src_row + ix * a.in_c, a.in_c);
      }
    }
  }
  return slot;
}

/// Per-row constants: bias + input_offset * sum(weight row), and the requantization split as
/// multiplier, left shift and negated right shift (see mve::requantize).
struct RowParams {
  std::int32_t base, multiplier, left, neg_right;
};

/// params[o] for the rows computed.
inline void row_params(const ConvS8Args& a, std::int32_t k, const std::int16_t* live,
                       std::int32_t n_rows, RowParams* params) noexcept {
  const std::int32_t k16 = k & ~15;
  const mve_pred16_t tp = vctp8q(static_cast<std::uint32_t>(k - k16));
  for (std::int32_t r = 0; r < n_rows; ++r) {
    const std::int32_t o = live != nullptr ? live[r] : r;
    const std::int8_t* w = a.filter + o * k;
    std::int32_t ws = 0;
    for (std::int32_t i = 0; i < k16; i += 16) ws = vaddvaq_s8(ws, vldrbq_s8(w + i));
    if (k16 != k) ws = vaddvaq_s8(ws, vldrbq_z_s8(w + k16, tp));
    std::uint32_t v = static_cast<std::uint32_t>(a.input_offset) * static_cast<std::uint32_t>(ws);
    if (a.bias != nullptr) v += static_cast<std::uint32_t>(a.bias[o]);
    const std::int32_t shift = a.shift[o];
    params[o] = RowParams{static_cast<std::int32_t>(v), a.multiplier[o], shift > 0 ? shift : 0,
                          shift < 0 ? shift : 0};
  }
}

/// Copies the k values of a field into slot j of the interleaved patch of `tile` fields: chunk
/// i of field j (values 16i .. 16i + 15) goes to xp + 16 * tile * i + 16 j. The last chunk's bytes
/// past k are left as they are (the weights' tail load zeroes their partners).
inline void interleave(std::int8_t* xp, std::int32_t j, const std::int8_t* src, std::int32_t k,
                       std::int32_t tile = 4) noexcept {
  std::int8_t* d = xp + 16 * j;
  const std::int32_t chunk = 16 * tile;
  for (; k >= 16; k -= 16, src += 16, d += chunk) vstrbq_s8(d, vldrbq_s8(src));
  if (k > 0) vstrbq_s8(d, vldrbq_z_s8(src, vctp8q(static_cast<std::uint32_t>(k))));
}

/// Requantizes the four pixels' sums of row o and scatters them to out + o + j * n_out.
struct RowStore {
  const RowParams* params;
  std::int8_t* out;
  uint32x4_t offs;
  mve_pred16_t valid;
  OutStage stage;
  void operator()(std::int32_t o, std::int32_t s0, std::int32_t s1, std::int32_t s2,
                  std::int32_t s3) const noexcept {
    const RowParams q = params[o];
    int32x4_t v = vdupq_n_s32(s0);
    v = vsetq_lane_s32(s1, v, 1);
    v = vsetq_lane_s32(s2, v, 2);
    v = vsetq_lane_s32(s3, v, 3);
    v = vshlq_r_s32(vaddq_n_s32(v, q.base), q.left);
    v = vqrdmulhq_n_s32(v, q.multiplier);
    // h - 1 for negative h when there is a right shift (see mve::requantize), then VRSHL.
    const auto has_right = static_cast<std::int32_t>(static_cast<std::uint32_t>(q.neg_right) >> 31);
    v = vmlaq_n_s32(v, vshrq_n_s32(v, 31), has_right);
    v = vrshlq_n_s32(v, q.neg_right);
    vstrbq_scatter_offset_p_s32(out + o, offs, stage.apply(v), valid);
  }
};

/// Tiles of three fields (patch chunks of 48 bytes: field j at xp + 48 i + 16 j) against the
/// weight rows, two rows per pass: per 16 values two weight loads, three patch loads and six
/// VMLADAV.S8 into six of the seven even-numbered core registers (12 instructions per 96 MACs).
/// Outputs of field j go to out + j * n_out for j < n_valid (<= 3).
template <bool Live>
inline void gemm_3px(const ConvS8Args& a, std::int32_t k, const RowParams* params,
                     const std::int8_t* xp, std::int8_t* out, std::int32_t n_valid,
                     const std::int16_t* live, std::int32_t n_rows) noexcept {
  const std::int32_t steps = k >> 4;
  const bool has_tail = (k & 15) != 0;
  const mve_pred16_t tp = vctp8q(static_cast<std::uint32_t>(k & 15));
  const RowStore store{params, out,
                       vmulq_n_u32(vidupq_n_u32(0, 1), static_cast<std::uint32_t>(a.out_c)),
                       vctp32q(static_cast<std::uint32_t>(n_valid)),
                       OutStage{a.output_offset, a.act_min, a.act_max}};
  const std::int8_t* const filter = a.filter;
  std::int32_t r = 0;
  for (; r + 2 <= n_rows; r += 2) {
    const std::int32_t o0 = Live ? live[r] : r;
    const std::int32_t o1 = Live ? live[r + 1] : r + 1;
    const std::int8_t* w0 = filter + o0 * k;
    const std::int8_t* w1 = filter + o1 * k;
    const std::int8_t* p = xp;
    std::int32_t s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0;
    auto step = [&](int8x16_t v0, int8x16_t v1) {
      int8x16_t x = vldrbq_s8(p);
      s00 = vmladavaq_s8(s00, x, v0);
      s10 = vmladavaq_s8(s10, x, v1);
      x = vldrbq_s8(p + 16);
      s01 = vmladavaq_s8(s01, x, v0);
      s11 = vmladavaq_s8(s11, x, v1);
      x = vldrbq_s8(p + 32);
      s02 = vmladavaq_s8(s02, x, v0);
      s12 = vmladavaq_s8(s12, x, v1);
      p += 48;
    };
    for (std::int32_t i = 0; i < steps; ++i, w0 += 16, w1 += 16) {
      step(vldrbq_s8(w0), vldrbq_s8(w1));
    }
    if (has_tail) step(vldrbq_z_s8(w0, tp), vldrbq_z_s8(w1, tp));
    store(o0, s00, s01, s02, s02);
    store(o1, s10, s11, s12, s12);
  }
  if (r < n_rows) {
    const std::int32_t o0 = Live ? live[r] : r;
    const std::int8_t* w0 = filter + o0 * k;
    const std::int8_t* p = xp;
    std::int32_t s0 = 0, s1 = 0, s2 = 0;
    auto step = [&](int8x16_t v0) {
      s0 = vmladavaq_s8(s0, vldrbq_s8(p), v0);
      s1 = vmladavaq_s8(s1, vldrbq_s8(p + 16), v0);
      s2 = vmladavaq_s8(s2, vldrbq_s8(p + 32), v0);
      p += 48;
    };
    for (std::int32_t i = 0; i < steps; ++i, w0 += 16) step(vldrbq_s8(w0));
    if (has_tail) step(vldrbq_z_s8(w0, tp));
    store(o0, s0, s1, s2, s2);
  }
}

/// gemm_4px for k <= 16: the four fields are one vector each, loaded once for all rows, so a
/// row costs one weight load, four VMLADAV.S8 and the requantization.
/// Fields j at x[j] (k bytes each; the interleaved patch has them 16 bytes apart).
inline void gemm_4px_small(const ConvS8Args& a, std::int32_t k, const RowParams* params,
                           const std::int8_t* const* x, std::int8_t* out, std::int32_t n_valid,
                           const std::int16_t* live, std::int32_t n_rows) noexcept {
  const mve_pred16_t kp = vctp8q(static_cast<std::uint32_t>(k));
  const RowStore store{params, out,
                       vmulq_n_u32(vidupq_n_u32(0, 1), static_cast<std::uint32_t>(a.out_c)),
                       vctp32q(static_cast<std::uint32_t>(n_valid)),
                       OutStage{a.output_offset, a.act_min, a.act_max}};
  const int8x16_t x0 = vldrbq_z_s8(x[0], kp);
  const int8x16_t x1 = vldrbq_z_s8(x[1], kp);
  const int8x16_t x2 = vldrbq_z_s8(x[2], kp);
  const int8x16_t x3 = vldrbq_z_s8(x[3], kp);
  const std::int8_t* const filter = a.filter;
  for (std::int32_t r = 0; r < n_rows; ++r) {
    const std::int32_t o = live != nullptr ? live[r] : r;
    const int8x16_t w = vldrbq_z_s8(filter + o * k, kp);
    store(o, vmladavq_s8(x0, w), vmladavq_s8(x1, w), vmladavq_s8(x2, w), vmladavq_s8(x3, w));
  }
}

}  // namespace mve

template <>
struct ConvS8<arch::Helium> {
  using ImplArch = arch::Helium;
  using Parent = ConvS8<arch::CortexMDsp>;
  /// Pixels per tile: four for receptive fields of at most 16 values (gemm_4px_small), else
  /// three (gemm_3px, two rows per pass).
  static constexpr std::int32_t tile_of(std::int32_t k) noexcept { return k <= 16 ? 4 : 3; }
  static bool handled(const ConvS8Args& a) noexcept {
    return a.filter_in_c == a.in_c && a.input_offset >= -127 && a.input_offset <= 128;
  }
  static std::size_t scratch_bytes(const ConvS8Args& a) noexcept {
    if (!handled(a)) return Parent::scratch_bytes(a);
    const std::size_t k = static_cast<std::size_t>(a.k_h) * a.k_w * a.in_c;
    const std::size_t tile = static_cast<std::size_t>(tile_of(static_cast<std::int32_t>(k)));
    return sizeof(mve::RowParams) * static_cast<std::size_t>(a.out_c) +
           16 * tile * ((k + 15) / 16) + k;
  }
  static void run(const ConvS8Args& a, void* scratch) noexcept {
    if (!handled(a) || scratch == nullptr) {
      Parent::run(a, scratch);
      return;
    }
    const std::int32_t k = a.k_h * a.k_w * a.in_c;
    const std::int32_t chunks = (k + 15) >> 4;
    auto* params = static_cast<mve::RowParams*>(scratch);
    auto* xp = reinterpret_cast<std::int8_t*>(params + a.out_c);
    std::int8_t* slot = xp + 16 * tile_of(k) * chunks;
    const auto zp = static_cast<std::int8_t>(-a.input_offset);
    const bool pruned = a.live != nullptr && a.dead_out != nullptr;
    const std::int16_t* live = pruned ? a.live : nullptr;
    const std::int32_t n_rows = pruned ? a.n_live : a.out_c;
    mve::row_params(a, k, live, n_rows, params);
    const std::int32_t pixels = a.batches * a.out_h * a.out_w;
    // 1x1, stride 1, no padding: output pixel p reads input pixel p (k = in_c bytes at p * k).
    const bool direct = a.k_h == 1 && a.k_w == 1 && a.stride_h == 1 && a.stride_w == 1 &&
                        a.pad_h == 0 && a.pad_w == 0 && a.out_h == a.in_h && a.out_w == a.in_w;
    std::int32_t b = 0, oy = 0, ox = 0;  // coordinates of the next pixel
    const std::int32_t tile = tile_of(k);
    for (std::int32_t px = 0; px < pixels; px += tile) {
      const std::int32_t n = pixels - px < tile ? pixels - px : tile;
      std::int8_t* out = a.output + px * a.out_c;
      if (pruned) {
        for (std::int32_t j = 0; j < n; ++j)
          mve::copy_bytes(out + j * a.out_c, a.dead_out, a.out_c);
      }
      if (direct && k <= 16) {
        const std::int8_t* x[4];
        for (std::int32_t j = 0; j < 4; ++j) x[j] = a.input + (px + (j < n ? j : 0)) * k;
        mve::gemm_4px_small(a, k, params, x, out, n, live, n_rows);
        continue;
      }
      for (std::int32_t j = 0; j < n; ++j) {
        if (direct) {
          mve::interleave(xp, j, a.input + (px + j) * k, k, tile);
          continue;
        }
        mve::interleave(xp, j, mve::conv_field(a, slot, zp, b, oy, ox), k, tile);
        if (++ox == a.out_w) {
          ox = 0;
          if (++oy == a.out_h) {
            oy = 0;
            ++b;
          }
        }
      }
      if (k <= 16) {
        const std::int8_t* const x[4] = {xp, xp + 16, xp + 32, xp + 48};
        mve::gemm_4px_small(a, k, params, x, out, n, live, n_rows);
      } else {
        if (live != nullptr) {
          mve::gemm_3px<true>(a, k, params, xp, out, n, live, n_rows);
        } else {
          mve::gemm_3px<false>(a, k, params, xp, out, n, live, n_rows);
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_MVE
