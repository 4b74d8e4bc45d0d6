// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 fully connected. Input rows of at most kFcUnpackMaxDepth (256) values are
// unpacked once per call into scratch (SXTAB16 pairs, input offset added), then four weight rows
// go against them per pass: one LDRD of the input pair, then per row one weight word, two SXTB16
// unpacks and two SMLADs (dot_4rows_pre: 22 instructions per 16 MACs). Longer rows (kept out of
// scratch for the arena) take three rows per pass with the input unpacked in the loop
// (dot_3rows_x8 / dot_3rows: 18 per 12 MACs). Weights read in place.
// Asymmetric weights (filter_offset != 0) use the reference path.
//
// Contract: as kernels::FullyConnectedS8; scratch_bytes() = 2 * (depth & ~3) bytes when
//   4 <= depth <= 256 (4-byte aligned), else none.
// Numerics: bit-exact with the reference (same int32 sums) in both roundings, chosen once per
//   run(): kDouble via requantize_rs / dsp::requantize_out (= multiply_by_quantized_multiplier),
//   kSingle via requantize_single (= multiply_by_quantized_multiplier_single).
#pragma once
#if defined(__ARM_FEATURE_DSP) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/cortexm_dsp/conv_s8.hpp"
#include "tinyml/kernels/fully_connected_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace dsp {

/// quant::multiply_by_quantized_multiplier_single(x, multiplier, shift) for shift <= -1, i.e. a
/// total right shift t = 31 - shift >= 32: the rounding constant 2^(t-1) seeds one SMLAL
/// (round_lo:round_hi) and the result is its high word >> (t - 32) (x*M + 2^(t-1) < 2^62, so the
/// result is well inside int32 and never saturates).
inline std::int32_t requantize_single_rs(std::int32_t x, std::int32_t multiplier,
                                         std::uint32_t round_lo, std::int32_t round_hi,
                                         std::int32_t hi_shift) noexcept {
  std::uint32_t lo = round_lo;
  std::int32_t hi = round_hi;
  __asm__("smlal %[lo], %[hi], %[x], %[m]"
          : [lo] "+r"(lo), [hi] "+r"(hi)
          : [x] "r"(x), [m] "r"(multiplier));
  return hi >> hi_shift;
}
/// quant::multiply_by_quantized_multiplier_single for multiplier >= 0 and any shift.
inline std::int32_t requantize_single(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
  if (shift >= 0) return quant::multiply_by_quantized_multiplier_single(x, multiplier, shift);
  const int t = 31 - shift;
  return requantize_single_rs(x, multiplier, t == 32 ? 0x80000000u : 0u,
                              t == 32 ? 0 : std::int32_t{1} << (t - 33), t - 32);
}

/// Per-tensor requantization constants of rounding R prepared once per call (c0..c2), or false
/// when the shift needs the general path (double: shift > -2; single: shift >= 0).
struct FastQ {
  std::int32_t multiplier = 0, c0 = 0, c1 = 0, c2 = 0;
};
inline bool fast_q(quant::Rounding R, std::int32_t multiplier, int shift, FastQ* q) noexcept {
  if (R == quant::Rounding::kDouble) {
    RightShiftQ rs{};
    if (!right_shift_q(multiplier, shift, &rs)) return false;
    *q = {rs.multiplier, rs.round_hi, rs.shift_m1, 0};
  } else {
    if (shift >= 0) return false;
    const int t = 31 - shift;
    *q = {multiplier, t == 32 ? INT32_MIN : 0, t == 32 ? 0 : std::int32_t{1} << (t - 33), t - 32};
  }
  return true;
}
inline std::int32_t fast_rq(quant::Rounding R, std::int32_t x, std::int32_t multiplier, std::int32_t c0,
                            std::int32_t c1, std::int32_t c2) noexcept {
  if (R == quant::Rounding::kDouble) {
    (void)c2;
    return requantize_rs(x, multiplier, c0, c1);
  } else {
    return requantize_single_rs(x, multiplier, static_cast<std::uint32_t>(c0), c1, c2);
  }
}
/// op.out() (requantize, output zero point, clamp) with rounding R.
inline std::int8_t out_rq(quant::Rounding R, const OutParams& op, std::int32_t acc, std::int32_t o) noexcept {
  if (R == quant::Rounding::kDouble) {
    return op.out(acc, o);
  } else {
    const std::int32_t c = op.per_channel ? o : 0;
    // Wrapping: a saturated requantization plus the zero point wraps in LiteRT too.
    std::int32_t v = quant::wrapping_add(requantize_single(acc, op.multiplier[c], op.shift[c]),
                                         op.output_offset);
    v = v < op.act_min ? op.act_min : v;
    v = v > op.act_max ? op.act_max : v;
    return static_cast<std::int8_t>(v);
  }
}

/// a0..a2 += rows r, r + depth, r + 2 * depth against x + offset over [x, x_end) (a non-empty
/// multiple of 4 bytes). Per four inputs: one input word unpacked once, then per row one weight
/// word (register-offset addressing, so one pointer serves all rows), two unpacks and two SMLADs:
/// 18 instructions per 12 MACs. Written as asm because GCC spills this loop.
inline void dot_3rows(const std::int8_t* r, std::int32_t depth, const std::int8_t* x,
                      const std::int8_t* x_end, std::int32_t off2, std::int32_t& a0,
                      std::int32_t& a1, std::int32_t& a2) noexcept {
  std::int32_t xe, xo, t, v;
  __asm__(
      "1:\n\t"
      "ldr %[v], [%[x]], #4\n\t"
      "sxtab16 %[xe], %[off2], %[v]\n\t"
      "sxtab16 %[xo], %[off2], %[v], ror #8\n\t"
      "ldr %[v], [%[r], %[d]]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a1], %[t], %[xe], %[a1]\n\t"
      "smlad %[a1], %[v], %[xo], %[a1]\n\t"
      "ldr %[v], [%[r], %[d], lsl #1]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a2], %[t], %[xe], %[a2]\n\t"
      "smlad %[a2], %[v], %[xo], %[a2]\n\t"
      "ldr %[v], [%[r]], #4\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a0], %[t], %[xe], %[a0]\n\t"
      "smlad %[a0], %[v], %[xo], %[a0]\n\t"
      "cmp %[x], %[x_end]\n\t"
      "bne 1b"
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [r] "+r"(r), [x] "+r"(x), [xe] "=&r"(xe),
        [xo] "=&r"(xo), [t] "=&r"(t), [v] "=&r"(v)
      : [d] "r"(depth), [x_end] "r"(x_end), [off2] "r"(off2)
      : "cc", "memory");
}

/// dot_3rows over eight inputs per step ([x, x_end) a non-empty multiple of 8 bytes): the same
/// instructions twice per loop branch, 36 per 24 MACs plus the compare and branch.
inline void dot_3rows_x8(const std::int8_t* r, std::int32_t depth, const std::int8_t* x,
                         const std::int8_t* x_end, std::int32_t off2, std::int32_t& a0,
                         std::int32_t& a1, std::int32_t& a2) noexcept {
  std::int32_t xe, xo, t, v;
  __asm__(
      "1:\n\t"
      "ldr %[v], [%[x]], #4\n\t"
      "sxtab16 %[xe], %[off2], %[v]\n\t"
      "sxtab16 %[xo], %[off2], %[v], ror #8\n\t"
      "ldr %[v], [%[r], %[d]]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a1], %[t], %[xe], %[a1]\n\t"
      "smlad %[a1], %[v], %[xo], %[a1]\n\t"
      "ldr %[v], [%[r], %[d], lsl #1]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a2], %[t], %[xe], %[a2]\n\t"
      "smlad %[a2], %[v], %[xo], %[a2]\n\t"
      "ldr %[v], [%[r]], #4\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a0], %[t], %[xe], %[a0]\n\t"
      "smlad %[a0], %[v], %[xo], %[a0]\n\t"
      "ldr %[v], [%[x]], #4\n\t"
      "sxtab16 %[xe], %[off2], %[v]\n\t"
      "sxtab16 %[xo], %[off2], %[v], ror #8\n\t"
      "ldr %[v], [%[r], %[d]]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a1], %[t], %[xe], %[a1]\n\t"
      "smlad %[a1], %[v], %[xo], %[a1]\n\t"
      "ldr %[v], [%[r], %[d], lsl #1]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a2], %[t], %[xe], %[a2]\n\t"
      "smlad %[a2], %[v], %[xo], %[a2]\n\t"
      "ldr %[v], [%[r]], #4\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a0], %[t], %[xe], %[a0]\n\t"
      "smlad %[a0], %[v], %[xo], %[a0]\n\t"
      "cmp %[x], %[x_end]\n\t"
      "bne 1b"
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [r] "+r"(r), [x] "+r"(x), [xe] "=&r"(xe),
        [xo] "=&r"(xo), [t] "=&r"(t), [v] "=&r"(v)
      : [d] "r"(depth), [x_end] "r"(x_end), [off2] "r"(off2)
      : "cc", "memory");
}

/// out[o] for o in [0, n_out): weight rows [n_out, depth] against int8 x plus the input offset.
inline void dot_rows(quant::Rounding R, const std::int8_t* weights, std::int32_t n_out, std::int32_t depth,
                     const std::int8_t* x, std::int32_t input_offset, const OutParams& op,
                     std::int8_t* out) noexcept {
  const std::int32_t off2 = dup16(input_offset);
  const std::int32_t d4 = depth & ~3;
  const std::int32_t d8 = depth & ~7;
  FastQ q{};
  const bool per_tensor_rs = !op.per_channel && fast_q(R, op.multiplier[0], op.shift[0], &q);
  // Locals: the int8 output stores may alias anything reachable through op, so GCC would reload
  // every field after each store.
  const std::int32_t* const bias = op.bias;
  const std::int32_t q_mult = q.multiplier, q0 = q.c0, q1 = q.c1, q2 = q.c2;
  const OutClamp cl{op.output_offset, op.act_min, op.act_max};
  std::int32_t o = 0;
  for (; o + 3 <= n_out; o += 3) {
    const std::int8_t* w0 = weights + o * depth;
    const std::int8_t* w1 = w0 + depth;
    const std::int8_t* w2 = w1 + depth;
    std::int32_t a0 = 0, a1 = 0, a2 = 0;
    if (bias != nullptr) {
      a0 = bias[o];
      a1 = bias[o + 1];
      a2 = bias[o + 2];
    }
    if (d8 > 0) dot_3rows_x8(w0, depth, x, x + d8, off2, a0, a1, a2);
    if (d4 > d8) dot_3rows(w0 + d8, depth, x + d8, x + d4, off2, a0, a1, a2);
    for (std::int32_t d = d4; d < depth; ++d) {
      const std::int32_t v = x[d] + input_offset;
      a0 += w0[d] * v;
      a1 += w1[d] * v;
      a2 += w2[d] * v;
    }
    std::int8_t v0, v1, v2;
    if (per_tensor_rs) {
      v0 = cl.one(fast_rq(R, a0, q_mult, q0, q1, q2));
      v1 = cl.one(fast_rq(R, a1, q_mult, q0, q1, q2));
      v2 = cl.one(fast_rq(R, a2, q_mult, q0, q1, q2));
    } else {
      v0 = out_rq(R, op, a0, o);
      v1 = out_rq(R, op, a1, o + 1);
      v2 = out_rq(R, op, a2, o + 2);
    }
    out[o] = v0;
    out[o + 1] = v1;
    out[o + 2] = v2;
  }
  for (; o < n_out; ++o) {
    const std::int8_t* w0 = weights + o * depth;
    std::int32_t a0 = op.bias_of(o);
    std::int32_t d = 0;
    for (; d < d4; d += 4) {
      const std::uint32_t xv = load4(x + d), w = load4(w0 + d);
      a0 = smlad(sxtb16(w), sxtab16(off2, xv), a0);
      a0 = smlad(sxtb16_ror8(w), sxtab16_ror8(off2, xv), a0);
    }
    for (; d < depth; ++d) a0 += w0[d] * (x[d] + input_offset);
    out[o] = out_rq(R, op, a0, o);
  }
}

/// Input rows up to this depth are unpacked once into scratch (int16, offset added).
constexpr std::int32_t kFcUnpackMaxDepth = 256;

/// a0..a3 += rows r + k * depth (k = 0..3) against the pre-unpacked input xs (pairs (x0, x2),
/// (x1, x3) per four inputs, offset added) over [xs, xs_end) (a non-empty multiple of 8 bytes):
/// per four inputs one LDRD of the input pair, then per row one weight word, two unpacks and two
/// SMLADs: 22 instructions per 16 MACs plus the compare and branch (12 registers).
inline void dot_4rows_pre(const std::int8_t* r, std::int32_t depth, const std::int32_t* xs,
                          const std::int32_t* xs_end, std::int32_t& a0, std::int32_t& a1,
                          std::int32_t& a2, std::int32_t& a3) noexcept {
  std::int32_t xe, xo, t, v;
  __asm__(
      "1:\n\t"
      "ldrd %[xe], %[xo], [%[xs]], #8\n\t"
      "ldr %[v], [%[r], %[d]]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a1], %[t], %[xe], %[a1]\n\t"
      "smlad %[a1], %[v], %[xo], %[a1]\n\t"
      "ldr %[v], [%[r], %[d], lsl #1]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a2], %[t], %[xe], %[a2]\n\t"
      "smlad %[a2], %[v], %[xo], %[a2]\n\t"
      "add %[t], %[r], %[d], lsl #1\n\t"
      "ldr %[v], [%[t], %[d]]\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a3], %[t], %[xe], %[a3]\n\t"
      "smlad %[a3], %[v], %[xo], %[a3]\n\t"
      "ldr %[v], [%[r]], #4\n\t"
      "sxtb16 %[t], %[v]\n\t"
      "sxtb16 %[v], %[v], ror #8\n\t"
      "smlad %[a0], %[t], %[xe], %[a0]\n\t"
      "smlad %[a0], %[v], %[xo], %[a0]\n\t"
      "cmp %[xs], %[xs_end]\n\t"
      "bne 1b"
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [r] "+r"(r), [xs] "+r"(xs),
        [xe] "=&r"(xe), [xo] "=&r"(xo), [t] "=&r"(t), [v] "=&r"(v)
      : [d] "r"(depth), [xs_end] "r"(xs_end)
      : "cc", "memory");
}

/// dot_rows with the input unpacked once into xs (depth rounded down to 4 values, 2 bytes each):
/// four rows per pass.
inline void dot_rows_pre(quant::Rounding R, const std::int8_t* weights, std::int32_t n_out, std::int32_t depth,
                         const std::int8_t* x, std::int32_t input_offset, const OutParams& op,
                         std::int32_t* xs, std::int8_t* out) noexcept {
  const std::int32_t off2 = dup16(input_offset);
  const std::int32_t d4 = depth & ~3;
  for (std::int32_t d = 0; d < d4; d += 4) {
    const std::uint32_t v = load4(x + d);
    xs[d >> 1] = sxtab16(off2, v);
    xs[(d >> 1) + 1] = sxtab16_ror8(off2, v);
  }
  const std::int32_t* const xs_end = xs + (d4 >> 1);
  FastQ q{};
  const bool per_tensor_rs = !op.per_channel && fast_q(R, op.multiplier[0], op.shift[0], &q);
  // Locals: the int8 output stores may alias anything reachable through op.
  const std::int32_t* const bias = op.bias;
  const std::int32_t q_mult = q.multiplier, q0 = q.c0, q1 = q.c1, q2 = q.c2;
  const OutClamp cl{op.output_offset, op.act_min, op.act_max};
  std::int32_t o = 0;
  for (; o + 4 <= n_out; o += 4) {
    const std::int8_t* w0 = weights + o * depth;
    std::int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    if (bias != nullptr) {
      a0 = bias[o];
      a1 = bias[o + 1];
      a2 = bias[o + 2];
      a3 = bias[o + 3];
    }
    if (d4 > 0) dot_4rows_pre(w0, depth, xs, xs_end, a0, a1, a2, a3);
    for (std::int32_t d = d4; d < depth; ++d) {
      const std::int32_t v = x[d] + input_offset;
      a0 += w0[d] * v;
      a1 += w0[depth + d] * v;
      a2 += w0[2 * depth + d] * v;
      a3 += w0[3 * depth + d] * v;
    }
    std::int8_t v0, v1, v2, v3;
    if (per_tensor_rs) {
      v0 = cl.one(fast_rq(R, a0, q_mult, q0, q1, q2));
      v1 = cl.one(fast_rq(R, a1, q_mult, q0, q1, q2));
      v2 = cl.one(fast_rq(R, a2, q_mult, q0, q1, q2));
      v3 = cl.one(fast_rq(R, a3, q_mult, q0, q1, q2));
    } else {
      v0 = out_rq(R, op, a0, o);
      v1 = out_rq(R, op, a1, o + 1);
      v2 = out_rq(R, op, a2, o + 2);
      v3 = out_rq(R, op, a3, o + 3);
    }
    out[o] = v0;
    out[o + 1] = v1;
    out[o + 2] = v2;
    out[o + 3] = v3;
  }
  if (o < n_out) {
    const std::int32_t n = n_out - o;
    const std::int8_t* w0 = weights + o * depth;
    // Rows past the end are not read: with n < 4 the asm's four rows all repeat row 0, so the
    // rows are done one call each (rare: the last group only). The bias is added after the
    // sums here (wrapping, like the reference).
    std::int32_t acc[3] = {0, 0, 0};
    for (std::int32_t j = 0; j < n && d4 > 0; ++j) {
      std::int32_t t1 = 0, t2 = 0, t3 = 0;
      dot_4rows_pre(w0 + j * depth, 0, xs, xs_end, acc[j], t1, t2, t3);
    }
    for (std::int32_t j = 0; j < n; ++j) {
      std::int32_t s = acc[j];
      const std::int8_t* wj = w0 + j * depth;
      for (std::int32_t d = d4; d < depth; ++d) s += wj[d] * (x[d] + input_offset);
      if (bias != nullptr) s = quant::wrapping_add(s, bias[o + j]);
      const std::int8_t v =
          per_tensor_rs ? cl.one(fast_rq(R, s, q_mult, q0, q1, q2)) : out_rq(R, op, s, o + j);
      out[o + j] = v;
    }
  }
}

}  // namespace dsp

template <>
struct FullyConnectedS8<arch::CortexMDsp> {
  using ImplArch = arch::CortexMDsp;
  static bool unpacks(const FullyConnectedS8Args& a) noexcept {
    return a.filter_offset == 0 && a.depth >= 4 && a.depth <= dsp::kFcUnpackMaxDepth;
  }
  static std::size_t scratch_bytes(const FullyConnectedS8Args& a) noexcept {
    return unpacks(a) ? static_cast<std::size_t>(a.depth & ~3) * 2 : 0;
  }
  static void run(const FullyConnectedS8Args& a, void* scratch) noexcept {
    if (a.filter_offset != 0) {
      FullyConnectedS8<arch::Generic>::run(a, scratch);
      return;
    }
    run_as(a.rounding, a, scratch);
  }

 private:
  // The rounding is a run-time argument rather than a template one: one copy of the row loops
  // (about 1.4 KB of Cortex-M4 code saved) for one predictable branch per output value.
  static void run_as(quant::Rounding R, const FullyConnectedS8Args& a, void* scratch) noexcept {
    const dsp::OutParams op{a.bias,          a.multiplier, a.shift,  a.per_channel,
                            a.output_offset, a.act_min,    a.act_max};
    if (unpacks(a) && scratch != nullptr) {
      for (std::int32_t b = 0; b < a.batches; ++b) {
        dsp::dot_rows_pre(R, a.filter, a.out, a.depth, a.input + b * a.depth, a.input_offset, op,
                          static_cast<std::int32_t*>(scratch), a.output + b * a.out);
      }
      return;
    }
    for (std::int32_t b = 0; b < a.batches; ++b) {
      dsp::dot_rows(R, a.filter, a.out, a.depth, a.input + b * a.depth, a.input_offset, op,
                    a.output + b * a.out);
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_DSP
