// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 fully connected: four weight rows against one input row at a time. The
// input's four bytes are unpacked once per step with SXTAB16 (input offset added for free) and
// meet each row's SXTB16-unpacked weights through two SMLADs; no scratch, weights read in place.
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

/// out[o] for o in [0, n_out): weight rows [n_out, depth] against int8 x plus the input offset.
inline void dot_rows(const std::int8_t* weights, std::int32_t n_out, std::int32_t depth,
                     const std::int8_t* x, std::int32_t input_offset, const OutParams& op,
                     std::int8_t* out) noexcept {
  const std::int32_t off2 = dup16(input_offset);
  const std::int32_t d4 = depth & ~3;
  std::int32_t o = 0;
  for (; o + 4 <= n_out; o += 4) {
    const std::int8_t* w0 = weights + o * depth;
    const std::int8_t* w1 = w0 + depth;
    const std::int8_t* w2 = w1 + depth;
    const std::int8_t* w3 = w2 + depth;
    std::int32_t a0 = op.bias_of(o), a1 = op.bias_of(o + 1), a2 = op.bias_of(o + 2),
                 a3 = op.bias_of(o + 3);
    const std::int8_t* xp = x;
    const std::int8_t* const x_end = x + d4;
    while (xp != x_end) {
      const std::uint32_t xv = load4(xp);
      xp += 4;
      const std::int32_t xe = sxtab16(off2, xv), xo = sxtab16_ror8(off2, xv);
      std::uint32_t w = load4(w0);
      w0 += 4;
      a0 = smlad(sxtb16(w), xe, a0);
      a0 = smlad(sxtb16_ror8(w), xo, a0);
      w = load4(w1);
      w1 += 4;
      a1 = smlad(sxtb16(w), xe, a1);
      a1 = smlad(sxtb16_ror8(w), xo, a1);
      w = load4(w2);
      w2 += 4;
      a2 = smlad(sxtb16(w), xe, a2);
      a2 = smlad(sxtb16_ror8(w), xo, a2);
      w = load4(w3);
      w3 += 4;
      a3 = smlad(sxtb16(w), xe, a3);
      a3 = smlad(sxtb16_ror8(w), xo, a3);
    }
    for (std::int32_t d = d4; d < depth; ++d) {
      const std::int32_t v = x[d] + input_offset;
      a0 += *w0++ * v;
      a1 += *w1++ * v;
      a2 += *w2++ * v;
      a3 += *w3++ * v;
    }
    out[o] = op.out(a0, o);
    out[o + 1] = op.out(a1, o + 1);
    out[o + 2] = op.out(a2, o + 2);
    out[o + 3] = op.out(a3, o + 3);
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
