// SPDX-License-Identifier: Apache-2.0
// Helium (MVE) int8 fully connected: groups of four weight rows, two rows per pass over the
// input (four accumulators: VMLADAV / VADDVA accumulate only into even-numbered core
// registers). Per 16 inputs: one input load, then per row one weight load, VMLADAV.S8 (16 MACs)
// and VADDVA for the row's weight sum, which folds the input offset out of the loop:
// sum(w * (x + off)) = sum(w * x) + off * sum(w). The four sums of a group are requantized as
// one vector and stored with one predicated byte store. No scratch; weights read in place.
// Asymmetric weights (filter_offset != 0) use the parent (DSP) path.
//
// Contract: as kernels::FullyConnectedS8; no scratch.
// Numerics: bit-exact with the reference (same int32 sums modulo 2^32; mve::requantize /
//   requantize_n equal multiply_by_quantized_multiplier).
#pragma once
#if defined(__ARM_FEATURE_MVE) && !defined(TINYML_FORCE_GENERIC)

#include <arm_mve.h>

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/helium/primitives.hpp"
#include "tinyml/kernels/fully_connected_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace mve {

/// Two weight rows r0, r1 against x over `depth` values (d16 = depth rounded down to 16, tp the
/// tail predicate): s = sum(w * x), t = sum(w), accumulated.
inline void fc_pass2(const std::int8_t* x, const std::int8_t* r0, const std::int8_t* r1,
                     std::int32_t d16, std::int32_t depth, mve_pred16_t tp, std::int32_t& s0,
                     std::int32_t& s1, std::int32_t& t0, std::int32_t& t1) noexcept {
  std::int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
  for (std::int32_t i = 0; i < d16; i += 16, x += 16, r0 += 16, r1 += 16) {
    const int8x16_t xv = vldrbq_s8(x);
    const int8x16_t v0 = vldrbq_s8(r0);
    const int8x16_t v1 = vldrbq_s8(r1);
    a0 = vmladavaq_s8(a0, xv, v0);
    b0 = vaddvaq_s8(b0, v0);
    a1 = vmladavaq_s8(a1, xv, v1);
    b1 = vaddvaq_s8(b1, v1);
  }
  if (d16 != depth) {
    const int8x16_t xv = vldrbq_z_s8(x, tp);
    const int8x16_t v0 = vldrbq_z_s8(r0, tp);
    const int8x16_t v1 = vldrbq_z_s8(r1, tp);
    a0 = vmladavaq_s8(a0, xv, v0);
    b0 = vaddvaq_s8(b0, v0);
    a1 = vmladavaq_s8(a1, xv, v1);
    b1 = vaddvaq_s8(b1, v1);
  }
  s0 = a0;
  s1 = a1;
  t0 = b0;
  t1 = b1;
}

}  // namespace mve

template <>
struct FullyConnectedS8<arch::Helium> {
  using ImplArch = arch::Helium;
  using Parent = FullyConnectedS8<arch::CortexMDsp>;
  static std::size_t scratch_bytes(const FullyConnectedS8Args& a) noexcept {
    return a.filter_offset != 0 ? Parent::scratch_bytes(a) : 0;
  }
  static void run(const FullyConnectedS8Args& a, void* scratch) noexcept {
    if (a.filter_offset != 0) {
      Parent::run(a, scratch);
      return;
    }
    const mve::OutStage stage{a.output_offset, a.act_min, a.act_max};
    const std::int32_t depth = a.depth;
    const std::int32_t d16 = depth & ~15;
    const mve_pred16_t tp = vctp8q(static_cast<std::uint32_t>(depth - d16));
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* in = a.input + b * depth;
      std::int8_t* out = a.output + b * a.out;
      for (std::int32_t o = 0; o < a.out; o += 4) {
        const std::int32_t n = a.out - o < 4 ? a.out - o : 4;
        const std::int8_t* w0 = a.filter + o * depth;
        const std::int8_t* w1 = n > 1 ? w0 + depth : w0;
        const std::int8_t* w2 = n > 2 ? w0 + 2 * depth : w0;
        const std::int8_t* w3 = n > 3 ? w0 + 3 * depth : w0;
        std::int32_t s0, s1, t0, t1;
        // Two rows per pass (VMLADAV / VADDVA accumulate only into even-numbered core
        // registers); the first pass's sums move to vector lanes before the second pass.
        mve::fc_pass2(in, w0, w1, d16, depth, tp, s0, s1, t0, t1);
        int32x4_t s = vsetq_lane_s32(s1, vdupq_n_s32(s0), 1);
        int32x4_t t = vsetq_lane_s32(t1, vdupq_n_s32(t0), 1);
        mve::fc_pass2(in, w2, w3, d16, depth, tp, s0, s1, t0, t1);
        s = vsetq_lane_s32(s1, vsetq_lane_s32(s0, s, 2), 3);
        t = vsetq_lane_s32(t1, vsetq_lane_s32(t0, t, 2), 3);
        const mve_pred16_t op = vctp32q(static_cast<std::uint32_t>(n));
        s = vmlaq_n_s32(s, t, a.input_offset);
        if (a.bias != nullptr) s = vaddq_s32(s, vldrwq_z_s32(a.bias + o, op));
        if (a.per_channel) {
          s = mve::requantize(s, vldrwq_z_s32(a.multiplier + o, op), vldrbq_z_s32(a.shift + o, op));
        } else {
          s = mve::requantize_n(s, a.multiplier[0], a.shift[0]);
        }
        vstrbq_p_s32(out + o, stage.apply(s), op);
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_MVE
