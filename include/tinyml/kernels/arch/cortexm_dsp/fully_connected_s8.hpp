// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 fully connected: three weight rows against one input row at a time. The
// input's four bytes are unpacked once per step with SXTAB16 (input offset added for free) and
// meet each row's SXTB16-unpacked weights through two SMLADs (dot_3rows); no scratch, weights
// read in place.
// Asymmetric weights (filter_offset != 0) use the reference path.
//
// Contract: as kernels::FullyConnectedS8; no scratch.
// Numerics: bit-exact with the reference (same int32 sums; dsp::requantize_out equals
//   multiply_by_quantized_multiplier, TFLite's MultiplyByQuantizedMultiplier).
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

/// out[o] for o in [0, n_out): weight rows [n_out, depth] against int8 x plus the input offset.
inline void dot_rows(const std::int8_t* weights, std::int32_t n_out, std::int32_t depth,
                     const std::int8_t* x, std::int32_t input_offset, const OutParams& op,
                     std::int8_t* out) noexcept {
  const std::int32_t off2 = dup16(input_offset);
  const std::int32_t d4 = depth & ~3;
  RightShiftQ q{};
  const bool per_tensor_rs = !op.per_channel && right_shift_q(op.multiplier[0], op.shift[0], &q);
  std::int32_t o = 0;
  for (; o + 3 <= n_out; o += 3) {
    const std::int8_t* w0 = weights + o * depth;
    const std::int8_t* w1 = w0 + depth;
    const std::int8_t* w2 = w1 + depth;
    std::int32_t a0 = op.bias_of(o), a1 = op.bias_of(o + 1), a2 = op.bias_of(o + 2);
    if (d4 > 0) dot_3rows(w0, depth, x, x + d4, off2, a0, a1, a2);
    for (std::int32_t d = d4; d < depth; ++d) {
      const std::int32_t v = x[d] + input_offset;
      a0 += w0[d] * v;
      a1 += w1[d] * v;
      a2 += w2[d] * v;
    }
    if (per_tensor_rs) {
      out[o] = op.out_rs(a0, q);
      out[o + 1] = op.out_rs(a1, q);
      out[o + 2] = op.out_rs(a2, q);
    } else {
      out[o] = op.out(a0, o);
      out[o + 1] = op.out(a1, o + 1);
      out[o + 2] = op.out(a2, o + 2);
    }
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
    out[o] = op.out(a0, o);
  }
}

}  // namespace dsp

template <>
struct FullyConnectedS8<arch::CortexMDsp> {
  using ImplArch = arch::CortexMDsp;
  static std::size_t scratch_bytes(const FullyConnectedS8Args&) noexcept { return 0; }
  static void run(const FullyConnectedS8Args& a, void* scratch) noexcept {
    if (a.filter_offset != 0) {
      FullyConnectedS8<arch::Generic>::run(a, scratch);
      return;
    }
    const dsp::OutParams op{a.bias,          a.multiplier, a.shift,  a.per_channel,
                            a.output_offset, a.act_min,    a.act_max};
    for (std::int32_t b = 0; b < a.batches; ++b) {
      dsp::dot_rows(a.filter, a.out, a.depth, a.input + b * a.depth, a.input_offset, op,
                    a.output + b * a.out);
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_DSP
