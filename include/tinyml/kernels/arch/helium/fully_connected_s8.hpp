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
// Numerics: bit-exact with the reference (same int32 sums modulo 2^32) in both roundings, chosen
//   once per run(): kDouble via mve::requantize / requantize_n (= multiply_by_quantized_multiplier),
//   kSingle via requantize_single / requantize_single_n (= multiply_by_quantized_multiplier_single)
//   when every shift is negative, else lane by lane with the scalar function.
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

// Single rounding for shift <= -1 (total right shift t = 31 - shift >= 32), with x*M = H*2^32 + L
// (H = VMULH, the floored high word; 0 <= L < 2^32):
//   t = 32:          floor((x*M + 2^31) / 2^32) is VRMULH exactly;
//   t = 32 + r > 32: floor((H*2^32 + L + 2^(t-1)) / 2^t) = floor((H + 2^(r-1)) / 2^r), since
//                    L / 2^32 < 1 cannot carry past an integer step of H + 2^(r-1); that is
//                    VRSHL of H by -r = shift + 1 (round half up, computed without overflow).
// Both stay far inside int32 (|x*M| < 2^62), so nothing saturates.

/// multiply_by_quantized_multiplier_single per lane, per-lane multipliers (>= 0) and shifts <= -1.
inline int32x4_t requantize_single(int32x4_t x, int32x4_t multiplier, int32x4_t shift) noexcept {
  const int32x4_t shift_p1 = vaddq_n_s32(shift, 1);  // -r, <= 0
  const int32x4_t wide = vrshlq_s32(vmulhq_s32(x, multiplier), shift_p1);
  const int32x4_t narrow = vrmulhq_s32(x, multiplier);
  // All ones in lanes with r >= 1. (A bitwise select: GCC 12.2 ICEs on VPSEL here.)
  const int32x4_t is_wide = vshrq_n_s32(shift_p1, 31);
  return veorq_s32(narrow, vandq_s32(veorq_s32(wide, narrow), is_wide));
}
/// The same with one multiplier (>= 0) and shift (<= -1) for all lanes.
inline int32x4_t requantize_single_n(int32x4_t x, std::int32_t multiplier,
                                     std::int32_t shift) noexcept {
  const int32x4_t m = vdupq_n_s32(multiplier);
  if (shift == -1) return vrmulhq_s32(x, m);
  return vrshlq_n_s32(vmulhq_s32(x, m), shift + 1);
}

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
    if (a.rounding == quant::Rounding::kSingle) {
      run_as<quant::Rounding::kSingle>(a);
    } else {
      run_as<quant::Rounding::kDouble>(a);
    }
  }

 private:
  template <quant::Rounding R>
  static void run_as(const FullyConnectedS8Args& a) noexcept {
    // Single rounding is vectorized for negative shifts (multipliers below 1/2, the usual case);
    // any other shift sends every group through the scalar function.
    bool vector_rq = true;
    if constexpr (R == quant::Rounding::kSingle) {
      for (std::int32_t c = 0; c < (a.per_channel ? a.out : 1); ++c) vector_rq &= a.shift[c] < 0;
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
        if constexpr (R == quant::Rounding::kDouble) {
          if (a.per_channel) {
            s = mve::requantize(s, vldrwq_z_s32(a.multiplier + o, op), vldrbq_z_s32(a.shift + o, op));
          } else {
            s = mve::requantize_n(s, a.multiplier[0], a.shift[0]);
          }
        } else if (!vector_rq) {
          alignas(16) std::int32_t v[4];
          vstrwq_s32(v, s);
          for (std::int32_t j = 0; j < n; ++j) {
            const std::int32_t c = a.per_channel ? o + j : 0;
            v[j] = quant::multiply_by_quantized_multiplier_single(v[j], a.multiplier[c], a.shift[c]);
          }
          s = vldrwq_s32(v);
        } else if (a.per_channel) {
          // Inactive lanes load shift 0 and multiplier 0: a harmless 0, not stored.
          s = mve::requantize_single(s, vldrwq_z_s32(a.multiplier + o, op),
                                     vldrbq_z_s32(a.shift + o, op));
        } else {
          s = mve::requantize_single_n(s, a.multiplier[0], a.shift[0]);
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
