// SPDX-License-Identifier: Apache-2.0
// Helium (MVE) int8 convolution (any kernel size, stride, dilation, padding; groups = 1).
//
// Design. Output pixels are computed in tiles of three (receptive fields of more than 16 values)
// or four. Each pixel's receptive field (kh * kw * in_c int8 values, the OHWI weight row order) is
// taken from the input: read in place for 1x1 stride-1 unpadded convolutions, copied row segment
// by row segment for windows inside the image (straight into the patch when the segments are
// whole 16-byte chunks), and gathered tap by tap at the borders (mve::conv_field), where taps
// outside the image hold the input zero point. The input offset is folded out of the inner loop:
// sum(w * (x + off)) = sum(w * x) + off * sum(w), and a padded tap holding x = -off contributes
// w * (-off) + off * w = 0, exactly what the reference's skipped tap contributes.
// Fields of more than 16 values are interleaved in scratch (16-byte chunk i of field j at
// 16 * (3i + j)), and the weight rows are swept two at a time against the three fields: per 16
// values two weight loads, three patch loads and six VMLADAV.S8 (96 MACs) into six even-numbered
// core registers (the only ones VMLADAV writes). That loop, with its row-pair bookkeeping, is
// assembly (mac_quads / mac_2x3): GCC's allocator otherwise shuffles and spills around the
// accumulators. Fields of at most 16 values stay in vector registers for all rows (four fields,
// one weight load per row). Per weight row o, base[o] = bias + off * sum(w) is computed once per
// call. The raw sums go to a small int32 table (four channels of one field per vector, see
// sum_at); then each block of four channels is requantized as vectors for all the tile's fields
// (per-lane multipliers and shifts; without the left shift and the per-lane rounding choice when
// every shift is negative) and stored with one narrowing store per field. With a live list
// (exact pruning, see ConvS8Args) only the live rows are computed: the others keep a zero sum,
// whose requantized value is the dead channel's constant.
// Grouped convolutions and input zero points outside int8 use the parent (DSP) path.
//
// Contract: as kernels::ConvS8; scratch_bytes() = 4 * oc4 * (1 + tile) (bases, sums) + the patch:
//   tile * k16 (k > 16) plus, unless 1x1 stride-1 unpadded, k16 (a staging field) and 16 bytes of
//   slack, or for k <= 16 16 * tile + 16 bytes (none when 1x1 stride-1 unpadded); oc4 = out_c
//   rounded up to 4, k16 = k rounded up to 16, k = kh * kw * in_c; 16-byte aligned (the planner
//   gives 16).
// Numerics: bit-exact with the reference: the same int32 sums modulo 2^32 (the reference's sums
//   do not overflow), and the vector requantization equals multiply_by_quantized_multiplier
//   (see primitives.hpp).
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

/// Per-row constants base[o] = bias + input_offset * sum(weight row o), for every row.
inline void conv_bases(const ConvS8Args& a, std::int32_t k, std::int32_t* base) noexcept {
  const std::int32_t k16 = k & ~15;
  const mve_pred16_t tp = vctp8q(static_cast<std::uint32_t>(k - k16));
  const std::int8_t* w = a.filter;
  for (std::int32_t o = 0; o < a.out_c; ++o, w += k) {
    std::int32_t ws = 0;
    for (std::int32_t i = 0; i < k16; i += 16) ws = vaddvaq_s8(ws, vldrbq_s8(w + i));
    if (k16 != k) ws = vaddvaq_s8(ws, vldrbq_z_s8(w + k16, tp));
    std::uint32_t v = static_cast<std::uint32_t>(a.input_offset) * static_cast<std::uint32_t>(ws);
    if (a.bias != nullptr) v += static_cast<std::uint32_t>(a.bias[o]);
    base[o] = static_cast<std::int32_t>(v);
  }
}

/// Copies the k values of a field into slot j of the interleaved patch of three fields: chunk i
/// of field j (values 16i .. 16i + 15) goes to xp + 48 i + 16 j; the last chunk is zero-filled
/// past k.
inline void interleave3(std::int8_t* xp, std::int32_t j, const std::int8_t* src,
                        std::int32_t k) noexcept {
  std::int8_t* d = xp + 16 * j;
  for (; k >= 16; k -= 16, src += 16, d += 48) vstrbq_s8(d, vldrbq_s8(src));
  if (k > 0) vstrbq_s8(d, vldrbq_z_s8(src, vctp8q(static_cast<std::uint32_t>(k))));
}

/// n window rows of seg bytes (input rows `row` bytes apart) to d, back to back. Rows of at most
/// 16 bytes are stored as whole 16-byte vectors (each overwrites the previous one's excess), so d
/// needs 16 bytes of slack past n * seg.
inline void copy_rows(std::int8_t* d, const std::int8_t* s, std::int32_t seg, std::int32_t row,
                      std::int32_t n) noexcept {
  if (seg <= 16) {
    const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(seg));
    for (std::int32_t ky = 0; ky < n; ++ky, d += seg, s += row) vstrbq_s8(d, vldrbq_z_s8(s, p));
    return;
  }
  for (std::int32_t ky = 0; ky < n; ++ky, d += seg, s += row) copy_bytes(d, s, seg);
}

/// Walks the output pixels in order and hands out each one's receptive field (k values).
struct ConvFields {
  const ConvS8Args& a;
  std::int8_t zp;
  std::int32_t b = 0, oy = 0, ox = 0;  // the next pixel
  std::int32_t seg;                    // bytes of one window row (k_w * in_c, dilation_w = 1)
  std::int32_t row;                    // input bytes between window rows
  std::int32_t ext_h;                  // window height - 1 in input rows
  std::int32_t ox_lo, ox_hi;           // the columns whose windows are inside horizontally
  std::int32_t step;                   // input bytes between horizontally adjacent windows
  std::int32_t src = 0;                // input offset of the next pixel's window (when inside)
  bool y_in = false;                   // the current row's windows are inside vertically
  bool contiguous;                     // an inside window is one run of the input
  bool rows;                           // an inside window is k_h runs of seg bytes
  ConvFields(const ConvS8Args& args, std::int8_t z) noexcept
      : a(args),
        zp(z),
        seg(args.k_w * args.in_c),
        row(args.dilation_h * args.in_w * args.in_c),
        ext_h((args.k_h - 1) * args.dilation_h),
        ox_lo((args.pad_w + args.stride_w - 1) / args.stride_w),
        ox_hi(0),
        step(args.stride_w * args.in_c),
        contiguous(args.k_h == 1 && (args.k_w == 1 || args.dilation_w == 1)),
        rows(args.k_w == 1 || args.dilation_w == 1) {
    const std::int32_t last = args.in_w - 1 - (args.k_w - 1) * args.dilation_w + args.pad_w;
    ox_hi = last < 0 ? 0 : last / args.stride_w + 1;
    if (ox_hi > args.out_w) ox_hi = args.out_w;
    start_row();
  }
  void start_row() noexcept {
    const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
    y_in = in_y0 >= 0 && in_y0 + ext_h < a.in_h;
    src = ((b * a.in_h + in_y0) * a.in_w - a.pad_w) * a.in_c;
  }
  void advance() noexcept {
    src += step;
    if (++ox == a.out_w) {
      ox = 0;
      if (++oy == a.out_h) {
        oy = 0;
        ++b;
      }
      start_row();
    }
  }
  bool inside() const noexcept { return y_in && ox >= ox_lo && ox < ox_hi; }
  /// The next pixel's field: a pointer into the input, or `field` (k bytes + 16 bytes of slack)
  /// filled.
  const std::int8_t* next(std::int8_t* field) noexcept {
    const std::int8_t* r = field;
    if (inside() && contiguous) {
      r = a.input + src;
    } else if (inside() && rows) {
      copy_rows(field, a.input + src, seg, row, a.k_h);
    } else {
      r = conv_field(a, field, zp, b, oy, ox);
    }
    advance();
    return r;
  }
  /// The next pixel's field into slot j of the interleaved patch xp of three fields (see
  /// interleave3); `slot` (k bytes + 16 bytes of slack) is a staging buffer.
  void next3(std::int8_t* xp, std::int32_t j, std::int8_t* slot, std::int32_t k) noexcept {
    if (inside() && rows && !contiguous && (seg & 15) == 0) {
      // Window rows of whole chunks: straight into the patch.
      const std::int8_t* s = a.input + src;
      std::int8_t* d = xp + 16 * j;
      for (std::int32_t ky = 0; ky < a.k_h; ++ky, s += row) {
        const std::int8_t* q = s;
        for (std::int32_t i = 0; i < seg; i += 16, q += 16, d += 48) vstrbq_s8(d, vldrbq_s8(q));
      }
      advance();
      return;
    }
    interleave3(xp, j, next(slot), k);
  }
};

/// The sums of two weight rows (w0, w1: k values each) with the three fields of the interleaved
/// patch p (see interleave3), k > 16. Per 16 values: two weight loads, three patch loads and six
/// VMLADAV.S8 (96 MACs), in assembly because the six accumulators must live in even-numbered core
/// registers (the only ones VMLADAV writes), which GCC's allocator otherwise shuffles inside the
/// loop. The last partial chunk loads the weights predicated (nothing read past the row); the
/// patch's tail chunk is zero-filled.
inline void mac_2x3(const std::int8_t* w0, const std::int8_t* w1, const std::int8_t* p,
                    std::int32_t steps, std::int32_t rem, std::int32_t& s00, std::int32_t& s01,
                    std::int32_t& s02, std::int32_t& s10, std::int32_t& s11,
                    std::int32_t& s12) noexcept {
  int8x16_t v0, v1, x;
  __asm__ volatile(
      "vldrb.8 %q[v0], [%[w0]], #16\n\t"
      "vldrb.8 %q[v1], [%[w1]], #16\n\t"
      "vldrb.8 %q[x], [%[p]], #48\n\t"
      "vmladav.s8 %[s00], %q[x], %q[v0]\n\t"
      "vmladav.s8 %[s10], %q[x], %q[v1]\n\t"
      "vldrb.8 %q[x], [%[p], #-32]\n\t"
      "vmladav.s8 %[s01], %q[x], %q[v0]\n\t"
      "vmladav.s8 %[s11], %q[x], %q[v1]\n\t"
      "vldrb.8 %q[x], [%[p], #-16]\n\t"
      "vmladav.s8 %[s02], %q[x], %q[v0]\n\t"
      "vmladav.s8 %[s12], %q[x], %q[v1]\n\t"
      "wls lr, %[n], 2f\n"
      "1:\n\t"
      "vldrb.8 %q[v0], [%[w0]], #16\n\t"
      "vldrb.8 %q[v1], [%[w1]], #16\n\t"
      "vldrb.8 %q[x], [%[p]], #48\n\t"
      "vmladava.s8 %[s00], %q[x], %q[v0]\n\t"
      "vmladava.s8 %[s10], %q[x], %q[v1]\n\t"
      "vldrb.8 %q[x], [%[p], #-32]\n\t"
      "vmladava.s8 %[s01], %q[x], %q[v0]\n\t"
      "vmladava.s8 %[s11], %q[x], %q[v1]\n\t"
      "vldrb.8 %q[x], [%[p], #-16]\n\t"
      "vmladava.s8 %[s02], %q[x], %q[v0]\n\t"
      "vmladava.s8 %[s12], %q[x], %q[v1]\n\t"
      "le lr, 1b\n"
      "2:\n\t"
      "cbz %[rem], 3f\n\t"
      "vctp.8 %[rem]\n\t"
      "vpstt\n\t"
      "vldrbt.8 %q[v0], [%[w0]]\n\t"
      "vldrbt.8 %q[v1], [%[w1]]\n\t"
      "vldrb.8 %q[x], [%[p]]\n\t"
      "vmladava.s8 %[s00], %q[x], %q[v0]\n\t"
      "vmladava.s8 %[s10], %q[x], %q[v1]\n\t"
      "vldrb.8 %q[x], [%[p], #16]\n\t"
      "vmladava.s8 %[s01], %q[x], %q[v0]\n\t"
      "vmladava.s8 %[s11], %q[x], %q[v1]\n\t"
      "vldrb.8 %q[x], [%[p], #32]\n\t"
      "vmladava.s8 %[s02], %q[x], %q[v0]\n\t"
      "vmladava.s8 %[s12], %q[x], %q[v1]\n"
      "3:\n"
      : [s00] "=&Te"(s00), [s01] "=&Te"(s01), [s02] "=&Te"(s02), [s10] "=&Te"(s10),
        [s11] "=&Te"(s11), [s12] "=&Te"(s12), [v0] "=&w"(v0), [v1] "=&w"(v1), [x] "=&w"(x),
        [w0] "+r"(w0), [w1] "+r"(w1), [p] "+r"(p)
      : [n] "r"(steps - 1), [rem] "l"(rem)
      : "lr", "p0", "memory");
}

/// Constants of mac_quads.
struct QuadCfg {
  const std::int8_t* xp;  // the interleaved patch
  std::int32_t k;         // values per weight row (> 16)
  std::int32_t steps1;    // whole 16-value chunks - 1
  std::int32_t rem;       // values in the last partial chunk (0: none)
  std::int32_t delta;     // 2k - 16 * whole chunks: from a row pair's end to the next pair
};

#define TINYML_MVE_STEP2X3(OP)                 \
  "vldrb.u8 %q[v0], [%[w0]], #16\n\t"          \
  "vldrb.u8 %q[v1], [%[w1]], #16\n\t"          \
  "vldrb.u8 %q[x], [%[p]], #48\n\t"            \
  OP " %[s00], %q[x], %q[v0]\n\t"              \
  OP " %[s10], %q[x], %q[v1]\n\t"              \
  "vldrb.u8 %q[x], [%[p], #-32]\n\t"           \
  OP " %[s01], %q[x], %q[v0]\n\t"              \
  OP " %[s11], %q[x], %q[v1]\n\t"              \
  "vldrb.u8 %q[x], [%[p], #-16]\n\t"           \
  OP " %[s02], %q[x], %q[v0]\n\t"              \
  OP " %[s12], %q[x], %q[v1]\n\t"
#define TINYML_MVE_PAIR2X3(L, OFF)                         \
  "ldr %[p], [%[cfg]]\n\t"                                 \
  "ldr %[tmp], [%[cfg], #4]\n\t"                           \
  "add %[w1], %[w0], %[tmp]\n\t"                           \
  TINYML_MVE_STEP2X3("vmladav.s8")                         \
  "ldr %[tmp], [%[cfg], #8]\n\t"                           \
  "wls lr, %[tmp], " #L "2f\n"                              \
  #L "1:\n\t"                                              \
  TINYML_MVE_STEP2X3("vmladava.s8")                        \
  "le lr, " #L "1b\n"                                       \
  #L "2:\n\t"                                              \
  "ldr %[tmp], [%[cfg], #12]\n\t"                          \
  "cbz %[tmp], " #L "3f\n\t"                               \
  "vctp.8 %[tmp]\n\t"                                      \
  "vpstt\n\t"                                              \
  "vldrbt.u8 %q[v0], [%[w0]]\n\t"                          \
  "vldrbt.u8 %q[v1], [%[w1]]\n\t"                          \
  "vldrb.u8 %q[x], [%[p]]\n\t"                             \
  "vmladava.s8 %[s00], %q[x], %q[v0]\n\t"                  \
  "vmladava.s8 %[s10], %q[x], %q[v1]\n\t"                  \
  "vldrb.u8 %q[x], [%[p], #16]\n\t"                        \
  "vmladava.s8 %[s01], %q[x], %q[v0]\n\t"                  \
  "vmladava.s8 %[s11], %q[x], %q[v1]\n\t"                  \
  "vldrb.u8 %q[x], [%[p], #32]\n\t"                        \
  "vmladava.s8 %[s02], %q[x], %q[v0]\n\t"                  \
  "vmladava.s8 %[s12], %q[x], %q[v1]\n"                     \
  #L "3:\n\t"                                              \
  "strd %[s00], %[s10], [%[t], #" #OFF "]\n\t"             \
  "strd %[s01], %[s11], [%[t], #" #OFF "+16]\n\t"          \
  "strd %[s02], %[s12], [%[t], #" #OFF "+32]\n\t"          \
  "ldr %[tmp], [%[cfg], #16]\n\t"                          \
  "add %[w0], %[tmp]\n\t"

/// Weight rows 0 .. 4 * quads - 1 (from w0) against the interleaved patch of three fields, two
/// row pairs per iteration (each as mac_2x3), sums to the table from t (sum_at<3> layout: 48
/// bytes per block of four rows). The whole loop is assembly: the pair loop's bookkeeping stays in
/// registers (GCC spills it around the accumulators).
inline void mac_quads(const std::int8_t* w0, std::int32_t* t, std::int32_t quads,
                      const QuadCfg* cfg) noexcept {
  std::int32_t s00, s01, s02, s10, s11, s12, tmp;
  const std::int8_t *w1, *p;
  int8x16_t v0, v1, x;
  __asm__ volatile(
      "9:\n\t"
      TINYML_MVE_PAIR2X3(4, 0)
      TINYML_MVE_PAIR2X3(5, 8)
      "adds %[t], #48\n\t"
      "subs %[quads], #1\n\t"
      "bne 9b"
      : [s00] "=&Te"(s00), [s01] "=&Te"(s01), [s02] "=&Te"(s02), [s10] "=&Te"(s10),
        [s11] "=&Te"(s11), [s12] "=&Te"(s12), [v0] "=&w"(v0), [v1] "=&w"(v1), [x] "=&w"(x),
        [w0] "+r"(w0), [t] "+r"(t), [quads] "+r"(quads), [w1] "=&r"(w1), [p] "=&r"(p),
        [tmp] "=&l"(tmp)
      : [cfg] "r"(cfg)
      : "lr", "p0", "memory", "cc");
}
#undef TINYML_MVE_PAIR2X3
#undef TINYML_MVE_STEP2X3

/// The sums of one weight row with the three fields of the interleaved patch p (k > 16).
inline void mac_1x3(const std::int8_t* w0, const std::int8_t* p, std::int32_t steps,
                    std::int32_t rem, std::int32_t* s) noexcept {
  const mve_pred16_t tp = vctp8q(static_cast<std::uint32_t>(rem));
  std::int32_t s0 = 0, s1 = 0, s2 = 0;
  for (std::int32_t i = 0; i < steps; ++i, w0 += 16, p += 48) {
    const int8x16_t v0 = vldrbq_s8(w0);
    s0 = vmladavaq_s8(s0, vldrbq_s8(p), v0);
    s1 = vmladavaq_s8(s1, vldrbq_s8(p + 16), v0);
    s2 = vmladavaq_s8(s2, vldrbq_s8(p + 32), v0);
  }
  if (rem != 0) {
    const int8x16_t v0 = vldrbq_z_s8(w0, tp);
    s0 = vmladavaq_s8(s0, vldrbq_s8(p), v0);
    s1 = vmladavaq_s8(s1, vldrbq_s8(p + 16), v0);
    s2 = vmladavaq_s8(s2, vldrbq_s8(p + 32), v0);
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
}

/// Sums table layout: the sum of field j (of a tile of T) and row o is at
/// sums[(o / 4) * 4T + 4j + o % 4], so the four channels of a block and field are one vector.
template <int T>
inline std::int32_t* sum_at(std::int32_t* sums, std::int32_t o) noexcept {
  return sums + (o >> 2) * (4 * T) + (o & 3);
}

/// The interleaved patch of three fields against the weight rows (all, or the live ones), two
/// rows per pass (mac_2x3), sums to the table (sum_at<3>).
template <bool Live>
inline void conv_rows3(const ConvS8Args& a, std::int32_t k, const std::int8_t* xp,
                       std::int32_t* sums, const std::int16_t* live, std::int32_t n_rows) noexcept {
  const std::int32_t steps = k >> 4;  // >= 1
  const std::int32_t rem = k & 15;
  const std::int8_t* const filter = a.filter;
  std::int32_t r = 0;
  if (!Live && n_rows >= 4) {
    const QuadCfg cfg{xp, k, steps - 1, rem, 2 * k - 16 * steps};
    mac_quads(filter, sums, n_rows >> 2, &cfg);
    r = n_rows & ~3;
  }
  for (; r + 2 <= n_rows; r += 2) {
    const std::int32_t o0 = Live ? live[r] : r;
    const std::int32_t o1 = Live ? live[r + 1] : r + 1;
    const std::int8_t* w0 = filter + o0 * k;
    std::int32_t s00, s01, s02, s10, s11, s12;
    mac_2x3(w0, Live ? filter + o1 * k : w0 + k, xp, steps, rem, s00, s01, s02, s10, s11, s12);
    std::int32_t* t = sum_at<3>(sums, o0);
    std::int32_t* u = Live ? sum_at<3>(sums, o1) : t + 1;  // o0 even: o0 + 1 in the same block
    t[0] = s00;
    u[0] = s10;
    t[4] = s01;
    u[4] = s11;
    t[8] = s02;
    u[8] = s12;
  }
  if (r < n_rows) {
    const std::int32_t o0 = Live ? live[r] : r;
    std::int32_t s[3];
    mac_1x3(filter + o0 * k, xp, steps, rem, s);
    std::int32_t* t = sum_at<3>(sums, o0);
    t[0] = s[0];
    t[4] = s[1];
    t[8] = s[2];
  }
}

/// Fields x[0..3] of k <= 16 values: loaded once into vector registers, so a row costs one weight
/// load and four VMLADAV.S8. Sums to the table (sum_at<4>).
inline void conv_rows4_small(const ConvS8Args& a, std::int32_t k, const std::int8_t* const* x,
                             std::int32_t* sums, const std::int16_t* live,
                             std::int32_t n_rows) noexcept {
  const mve_pred16_t kp = vctp8q(static_cast<std::uint32_t>(k));
  const int8x16_t x0 = vldrbq_z_s8(x[0], kp);
  const int8x16_t x1 = vldrbq_z_s8(x[1], kp);
  const int8x16_t x2 = vldrbq_z_s8(x[2], kp);
  const int8x16_t x3 = vldrbq_z_s8(x[3], kp);
  const std::int8_t* const filter = a.filter;
  for (std::int32_t r = 0; r < n_rows; ++r) {
    const std::int32_t o = live != nullptr ? live[r] : r;
    const int8x16_t w = vldrbq_z_s8(filter + o * k, kp);
    std::int32_t* t = sum_at<4>(sums, o);
    t[0] = vmladavq_s8(x0, w);
    t[4] = vmladavq_s8(x1, w);
    t[8] = vmladavq_s8(x2, w);
    t[12] = vmladavq_s8(x3, w);
  }
}

/// Requantizes a full tile (T fields) from the sums table plus base[o] and stores field j's
/// channels to out + j * out_c. Right: every shift is negative (all_right_shifts).
template <int T, bool Right>
inline void conv_store(const ConvS8Args& a, const std::int32_t* base, const std::int32_t* sums,
                       std::int8_t* out) noexcept {
  const std::int32_t out_c = a.out_c;
  const int32x4_t lo = vdupq_n_s32(a.act_min);
  const int32x4_t hi = vdupq_n_s32(a.act_max);
  const std::int32_t off = a.output_offset;
  std::int8_t* d[T];
  for (int j = 0; j < T; ++j) d[j] = out + j * out_c;
  auto block = [&](int32x4_t mult, int32x4_t shift, int32x4_t b, const std::int32_t* s,
                   std::int32_t c, mve_pred16_t p, bool pred) {
    const ChanRequant q(mult, shift);
#pragma GCC unroll 4
    for (int j = 0; j < T; ++j) {
      int32x4_t v = vaddq_s32(vldrwq_s32(s + 4 * j), b);
      v = Right ? requantize_right(v, mult, shift) : q.apply(v);
      v = vminq_s32(vmaxq_s32(vaddq_n_s32(v, off), lo), hi);
      if (pred) {
        vstrbq_p_s32(d[j] + c, v, p);
      } else {
        vstrbq_s32(d[j] + c, v);
      }
    }
  };
  std::int32_t c = 0;
  for (; c + 4 <= out_c; c += 4, sums += 4 * T) {
    block(vldrwq_s32(a.multiplier + c), vldrbq_s32(a.shift + c), vldrwq_s32(base + c), sums, c,
          0, false);
  }
  if (c < out_c) {
    const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(out_c - c));
    block(vldrwq_z_s32(a.multiplier + c, p), vldrbq_z_s32(a.shift + c, p), vldrwq_s32(base + c),
          sums, c, p, true);
  }
}

/// conv_store for the first n fields of a partial tile of T (the general requantization).
template <int T>
inline void conv_store_n(const ConvS8Args& a, const std::int32_t* base, const std::int32_t* sums,
                         std::int8_t* out, std::int32_t n) noexcept {
  const OutStage stage{a.output_offset, a.act_min, a.act_max};
  const std::int32_t out_c = a.out_c;
  for (std::int32_t c = 0; c < out_c; c += 4, sums += 4 * T) {
    const std::int32_t m = out_c - c < 4 ? out_c - c : 4;
    const ChanRequant q = ChanRequant::load_n(a.multiplier + c, a.shift + c, m);
    const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(m));
    const int32x4_t b = vldrwq_s32(base + c);
    for (std::int32_t j = 0; j < n; ++j) {
      vstrbq_p_s32(out + j * out_c + c,
                   stage.apply(q.apply(vaddq_s32(vldrwq_s32(sums + 4 * j), b))), p);
    }
  }
}

}  // namespace mve

template <>
struct ConvS8<arch::Helium> {
  using ImplArch = arch::Helium;
  using Parent = ConvS8<arch::CortexMDsp>;
  /// Pixels per tile: four for receptive fields of at most 16 values, else three.
  static constexpr std::int32_t tile_of(std::int32_t k) noexcept { return k <= 16 ? 4 : 3; }
  static bool handled(const ConvS8Args& a) noexcept {
    return a.filter_in_c == a.in_c && a.input_offset >= -127 && a.input_offset <= 128;
  }
  /// 1x1, stride 1, no padding: output pixel p reads input pixel p (k = in_c bytes at p * k).
  static bool direct(const ConvS8Args& a) noexcept {
    return a.k_h == 1 && a.k_w == 1 && a.stride_h == 1 && a.stride_w == 1 && a.pad_h == 0 &&
           a.pad_w == 0 && a.out_h == a.in_h && a.out_w == a.in_w;
  }
  static std::size_t scratch_bytes(const ConvS8Args& a) noexcept {
    if (!handled(a)) return Parent::scratch_bytes(a);
    const std::size_t k = static_cast<std::size_t>(a.k_h) * a.k_w * a.in_c;
    const std::size_t tile = static_cast<std::size_t>(tile_of(static_cast<std::int32_t>(k)));
    const std::size_t oc4 = (static_cast<std::size_t>(a.out_c) + 3) & ~std::size_t{3};
    const std::size_t k16 = (k + 15) & ~std::size_t{15};
    // Patch: tile fields (interleaved when k > 16), plus one staging field when k > 16, plus
    // 16 bytes of slack (mve::copy_rows).
    const std::size_t patch =
        direct(a) ? (k <= 16 ? 0 : tile * k16) : (k <= 16 ? tile * 16 : (tile + 1) * k16) + 16;
    return sizeof(std::int32_t) * oc4 * (1 + tile) + patch;
  }
  static void run(const ConvS8Args& a, void* scratch) noexcept {
    if (!handled(a) || scratch == nullptr) {
      Parent::run(a, scratch);
      return;
    }
    const std::int32_t k = a.k_h * a.k_w * a.in_c;
    const std::int32_t tile = tile_of(k);
    const std::int32_t oc4 = (a.out_c + 3) & ~3;
    const std::int32_t k16 = (k + 15) & ~15;
    auto* base = static_cast<std::int32_t*>(scratch);
    std::int32_t* sums = base + oc4;
    auto* patch = reinterpret_cast<std::int8_t*>(sums + tile * oc4);
    std::int8_t* slot = patch + tile * k16;  // one gathered field (k > 16)
    const bool pruned = a.live != nullptr && a.dead_out != nullptr;
    const std::int16_t* live = pruned ? a.live : nullptr;
    const std::int32_t n_rows = pruned ? a.n_live : a.out_c;
    mve::conv_bases(a, k, base);
    if (pruned) {  // dead rows keep a zero sum
      for (std::int32_t i = 0; i < tile * oc4; i += 4) vstrwq_s32(sums + i, vdupq_n_s32(0));
    }
    const bool right = mve::all_right_shifts(a.shift, a.out_c);
    const bool is_direct = direct(a);
    mve::ConvFields fields(a, static_cast<std::int8_t>(-a.input_offset));
    const std::int32_t pixels = a.batches * a.out_h * a.out_w;
    for (std::int32_t px = 0; px < pixels; px += tile) {
      const std::int32_t n = pixels - px < tile ? pixels - px : tile;
      std::int8_t* out = a.output + px * a.out_c;
      if (k <= 16) {
        const std::int8_t* x[4];
        for (std::int32_t j = 0; j < n; ++j) {
          x[j] = is_direct ? a.input + (px + j) * k : fields.next(patch + j * 16);
        }
        for (std::int32_t j = n; j < 4; ++j) x[j] = x[0];
        mve::conv_rows4_small(a, k, x, sums, live, n_rows);
        if (n < 4) {
          mve::conv_store_n<4>(a, base, sums, out, n);
        } else if (right) {
          mve::conv_store<4, true>(a, base, sums, out);
        } else {
          mve::conv_store<4, false>(a, base, sums, out);
        }
        continue;
      }
      for (std::int32_t j = 0; j < n; ++j) {
        if (is_direct) {
          mve::interleave3(patch, j, a.input + (px + j) * k, k);
        } else {
          fields.next3(patch, j, slot, k);
        }
      }
      if (live != nullptr) {
        mve::conv_rows3<true>(a, k, patch, sums, live, n_rows);
      } else {
        mve::conv_rows3<false>(a, k, patch, sums, live, n_rows);
      }
      if (n < 3) {
        mve::conv_store_n<3>(a, base, sums, out, n);
      } else if (right) {
        mve::conv_store<3, true>(a, base, sums, out);
      } else {
        mve::conv_store<3, false>(a, base, sums, out);
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_MVE
