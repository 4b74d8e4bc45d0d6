// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 convolution (any kernel size, stride, dilation, padding; 1x1 pointwise and
// few-input-channel first layers take the same path).
//
// Design. Output pixels are computed four at a time. Their receptive fields are gathered into a
// small int16 patch in scratch (input offset added with SXTAB16; taps outside the image become 0,
// which is what the reference's skipped taps contribute), laid out group by group:
// [pixel 0: x0 x2 x1 x3][pixel 1: ...][pixel 2: ...][pixel 3: ...] for each group of four
// values, then the k % 4 tail values of each pixel in natural order. The OHWI weight rows are
// read in place, four bytes at a time, and unpacked once with SXTB16 (even bytes) and SXTB16
// ROR #8 (odd bytes); each unpacked weight pair meets the four pixels' matching patch words,
// which two LDMs bring in, so one channel x four pixels costs 13 instructions per 16 MACs plus
// the loop branch. A partial last tile repeats pixel 0 in its unused slots. When prepare found
// all-zero filters, only the live output channels are computed (the others are constants).
// Grouped convolutions use the reference path.
//
// Contract: as kernels::ConvS8; scratch_bytes() = 8 * kh * kw * in_c bytes, 4-byte aligned (the
//   planner gives 16).
// Numerics: bit-exact with the reference: the same int32 sums (int16 x int16 products exact,
//   accumulation order irrelevant for int32 wrap-free sums), then dsp::requantize_out, which
//   equals multiply_by_quantized_multiplier (TFLite MultiplyByQuantizedMultiplier, double
//   rounding; CMSIS-NN arm_nn_requantize).
#pragma once
#if defined(__ARM_FEATURE_DSP) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/kernels/arch/cortexm_dsp/primitives.hpp"
#include "tinyml/kernels/conv_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace dsp {

/// The four-pixel int16 patch described at the top of this file; `words` is 4-byte aligned.
struct Patch4 {
  static constexpr std::int32_t kPixels = 4;
  std::int32_t* words;
  std::int32_t k;   // receptive field size
  std::int32_t k4;  // k rounded down to a multiple of 4

  /// Byte address of value i of pixel `pix`.
  char* at(std::int32_t pix, std::int32_t i) const noexcept {
    char* base = reinterpret_cast<char*>(words);
    if (i < k4) {
      const std::int32_t swz = ((i & 1) << 1) | ((i >> 1) & 1);  // 0 2 1 3
      return base + 2 * (((i >> 2) << 4) + (pix << 2) + swz);
    }
    return base + 2 * (kPixels * k4 + pix * (k - k4) + (i - k4));
  }
  void put(std::int32_t pix, std::int32_t i, std::int32_t v) const noexcept {
    const auto h = static_cast<std::int16_t>(v);
    std::memcpy(at(pix, i), &h, 2);
  }
  /// Tail (k % 4 values, natural order) of pixel `pix`.
  const std::int16_t* tail(std::int32_t pix) const noexcept {
    return reinterpret_cast<const std::int16_t*>(words + 2 * k4) + pix * (k - k4);
  }

  /// Values [k0, k0 + n) of pixel `pix` from n int8 at src, plus the input offset.
  void copy(std::int32_t pix, std::int32_t k0, const std::int8_t* src, std::int32_t n,
            std::int32_t offset, std::int32_t offset2) const noexcept {
    std::int32_t i = 0;
    for (; i < n && ((k0 + i) & 3) != 0; ++i) put(pix, k0 + i, src[i] + offset);
    if (i + 4 <= n) {
      std::int32_t* d = words + ((k0 + i) >> 2) * 8 + pix * 2;
      for (; i + 4 <= n; i += 4, d += 8) {
        const std::uint32_t x = load4(src + i);
        d[0] = sxtab16(offset2, x);
        d[1] = sxtab16_ror8(offset2, x);
      }
    }
    for (; i < n; ++i) put(pix, k0 + i, src[i] + offset);
  }
  /// Values [k0, k0 + n) of pixel `pix` set to 0 (taps outside the image).
  void zero(std::int32_t pix, std::int32_t k0, std::int32_t n) const noexcept {
    std::int32_t i = 0;
    for (; i < n && ((k0 + i) & 3) != 0; ++i) put(pix, k0 + i, 0);
    if (i + 4 <= n) {
      std::int32_t* d = words + ((k0 + i) >> 2) * 8 + pix * 2;
      for (; i + 4 <= n; i += 4, d += 8) d[0] = d[1] = 0;
    }
    for (; i < n; ++i) put(pix, k0 + i, 0);
  }
  /// Copies slot `from` into slot `to` (padding a partial last tile).
  void duplicate(std::int32_t from, std::int32_t to) const noexcept {
    for (std::int32_t g = 0; g < k4; g += 4) {
      std::int32_t* d = words + (g >> 2) * 8;
      d[to * 2] = d[from * 2];
      d[to * 2 + 1] = d[from * 2 + 1];
    }
    for (std::int32_t i = k4; i < k; ++i) std::memcpy(at(to, i), at(from, i), 2);
  }
};

/// Gathers output pixel (b, oy, ox)'s receptive field into slot `pix` of the patch.
inline void gather(const ConvS8Args& a, const Patch4& p, std::int32_t pix, std::int32_t b,
                   std::int32_t oy, std::int32_t ox) noexcept {
  const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
  const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
  const std::int32_t row = a.k_w * a.in_c;
  const std::int32_t off2 = dup16(a.input_offset);
  const bool row_inside = a.dilation_w == 1 && in_x0 >= 0 && in_x0 + a.k_w <= a.in_w;
  for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
    const std::int32_t iy = in_y0 + a.dilation_h * ky;
    const std::int32_t k0 = ky * row;
    if (iy < 0 || iy >= a.in_h) {
      p.zero(pix, k0, row);
      continue;
    }
    const std::int8_t* src_row = a.input + (b * a.in_h + iy) * a.in_w * a.in_c;
    if (row_inside) {
      p.copy(pix, k0, src_row + in_x0 * a.in_c, row, a.input_offset, off2);
      continue;
    }
    for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
      const std::int32_t ix = in_x0 + a.dilation_w * kx;
      if (ix < 0 || ix >= a.in_w) {
        p.zero(pix, k0 + kx * a.in_c, a.in_c);
      } else {
        p.copy(pix, k0 + kx * a.in_c, src_row + ix * a.in_c, a.in_c, a.input_offset, off2);
      }
    }
  }
}

/// Output parameters shared by convolution and fully connected.
struct OutParams {
  const std::int32_t* bias;  // null or [n]
  const std::int32_t* multiplier;
  const std::int8_t* shift;
  bool per_channel;
  std::int32_t output_offset, act_min, act_max;

  std::int8_t out(std::int32_t acc, std::int32_t o) const noexcept {
    const std::int32_t c = per_channel ? o : 0;
    return requantize_out(acc, multiplier[c], shift[c], output_offset, act_min, act_max);
  }
  /// out() for a per-tensor multiplier prepared once as `q` (right_shift_q succeeded).
  std::int8_t out_rs(std::int32_t acc, const RightShiftQ& q) const noexcept {
    std::int32_t v = requantize_rs(acc, q) + output_offset;
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return static_cast<std::int8_t>(v);
  }
  std::int32_t bias_of(std::int32_t o) const noexcept { return bias != nullptr ? bias[o] : 0; }
};

/// acc[j] += dot(weight row w, patch pixel j) over the first k4 values (k4 > 0, multiple of 4).
/// One step: one weight word, SXTB16 twice, two LDMs of four patch words, eight SMLADs.
inline void dot_4px(const std::int8_t* w, const std::int32_t* x, const std::int32_t* x_end,
                    std::int32_t& a0, std::int32_t& a1, std::int32_t& a2,
                    std::int32_t& a3) noexcept {
  // LDM fills registers in ascending order: pin the four patch registers.
  register std::int32_t x0 __asm__("r4");
  register std::int32_t x1 __asm__("r5");
  register std::int32_t x2 __asm__("r6");
  register std::int32_t x3 __asm__("r8");
  std::uint32_t wv;
  std::int32_t we;
  __asm__(
      "1:\n\t"
      "ldr %[wv], [%[w]], #4\n\t"
      "ldm %[x]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"
      "sxtb16 %[we], %[wv]\n\t"
      "sxtb16 %[wv], %[wv], ror #8\n\t"
      "smlad %[a0], %[we], %[x0], %[a0]\n\t"
      "smlad %[a0], %[wv], %[x1], %[a0]\n\t"
      "smlad %[a1], %[we], %[x2], %[a1]\n\t"
      "smlad %[a1], %[wv], %[x3], %[a1]\n\t"
      "ldm %[x]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"
      "smlad %[a2], %[we], %[x0], %[a2]\n\t"
      "smlad %[a2], %[wv], %[x1], %[a2]\n\t"
      "smlad %[a3], %[we], %[x2], %[a3]\n\t"
      "smlad %[a3], %[wv], %[x3], %[a3]\n\t"
      "cmp %[x], %[x_end]\n\t"
      "bne 1b"
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w), [x] "+r"(x),
        [wv] "=&r"(wv), [we] "=&r"(we), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2),
        [x3] "=&r"(x3)
      : [x_end] "r"(x_end)
      : "cc", "memory");
}

/// The patch's four pixels against the weight rows [n_out, k]; pixel j's n_out outputs go to
/// out + j * n_out, for j < n_valid. With a live list (exact pruning, see ConvS8Args), only the
/// live rows are computed and every other output takes its constant dead_out value.
inline void gemm_4px(const std::int8_t* weights, std::int32_t n_out, const Patch4& p,
                     const OutParams& op, std::int8_t* out, std::int32_t n_valid,
                     const std::int16_t* live, std::int32_t n_live,
                     const std::int8_t* dead_out) noexcept {
  const std::int32_t k = p.k, k4 = p.k4, tail = k - k4;
  const std::int16_t* t0 = p.tail(0);
  const std::int16_t* t1 = p.tail(1);
  const std::int16_t* t2 = p.tail(2);
  const std::int16_t* t3 = p.tail(3);
  const std::int32_t* const x_end = p.words + 2 * k4;
  std::int32_t n_rows = n_out;
  if (live != nullptr) {
    for (std::int32_t j = 0; j < n_valid; ++j) {
      std::memcpy(out + j * n_out, dead_out, static_cast<std::size_t>(n_out));
    }
    n_rows = n_live;
  }
  for (std::int32_t r = 0; r < n_rows; ++r) {
    const std::int32_t o = live != nullptr ? live[r] : r;
    const std::int8_t* w = weights + o * k;
    std::int32_t a0 = op.bias_of(o);
    std::int32_t a1 = a0, a2 = a0, a3 = a0;
    if (k4 > 0) dot_4px(w, p.words, x_end, a0, a1, a2, a3);
    for (std::int32_t i = 0; i < tail; ++i) {
      const std::int32_t wi = w[k4 + i];
      a0 += wi * t0[i];
      a1 += wi * t1[i];
      a2 += wi * t2[i];
      a3 += wi * t3[i];
    }
    const std::int32_t c = op.per_channel ? o : 0;
    RightShiftQ q;
    if (right_shift_q(op.multiplier[c], op.shift[c], &q)) {
      a0 = requantize_rs(a0, q);
      a1 = requantize_rs(a1, q);
      a2 = requantize_rs(a2, q);
      a3 = requantize_rs(a3, q);
    } else {
      a0 = requantize(a0, op.multiplier[c], op.shift[c]);
      a1 = requantize(a1, op.multiplier[c], op.shift[c]);
      a2 = requantize(a2, op.multiplier[c], op.shift[c]);
      a3 = requantize(a3, op.multiplier[c], op.shift[c]);
    }
    const OutClamp cl{op.output_offset, op.act_min, op.act_max};
    std::int8_t* po = out + o;
    po[0] = cl.one(a0);
    if (n_valid == 4) {
      po[n_out] = cl.one(a1);
      po[2 * n_out] = cl.one(a2);
      po[3 * n_out] = cl.one(a3);
    } else {
      if (n_valid > 1) po[n_out] = cl.one(a1);
      if (n_valid > 2) po[2 * n_out] = cl.one(a2);
    }
  }
}

}  // namespace dsp

template <>
struct ConvS8<arch::CortexMDsp> {
  using ImplArch = arch::CortexMDsp;
  static bool handled(const ConvS8Args& a) noexcept { return a.filter_in_c == a.in_c; }
  static std::size_t scratch_bytes(const ConvS8Args& a) noexcept {
    if (!handled(a)) return 0;
    return static_cast<std::size_t>(a.k_h) * a.k_w * a.in_c * dsp::Patch4::kPixels *
           sizeof(std::int16_t);
  }
  static void run(const ConvS8Args& a, void* scratch) noexcept {
    if (!handled(a) || scratch == nullptr) {
      ConvS8<arch::Generic>::run(a, scratch);
      return;
    }
    const std::int32_t k = a.k_h * a.k_w * a.in_c;
    const dsp::Patch4 p{static_cast<std::int32_t*>(scratch), k, k & ~3};
    const dsp::OutParams op{a.bias,          a.multiplier, a.shift,  true,
                            a.output_offset, a.act_min,    a.act_max};
    const std::int32_t pixels = a.batches * a.out_h * a.out_w;
    std::int32_t b = 0, oy = 0, ox = 0;  // coordinates of the next pixel to gather
    for (std::int32_t px = 0; px < pixels; px += dsp::Patch4::kPixels) {
      const std::int32_t n = pixels - px < 4 ? pixels - px : 4;
      for (std::int32_t j = 0; j < n; ++j) {
        dsp::gather(a, p, j, b, oy, ox);
        if (++ox == a.out_w) {
          ox = 0;
          if (++oy == a.out_h) {
            oy = 0;
            ++b;
          }
        }
      }
      for (std::int32_t j = n; j < 4; ++j) p.duplicate(0, j);
      dsp::gemm_4px(a.filter, a.out_c, p, op, a.output + px * a.out_c, n,
                    a.dead_out != nullptr ? a.live : nullptr, a.n_live, a.dead_out);
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_DSP
