// SPDX-License-Identifier: Apache-2.0
// The Helium (MVE-I) vocabulary the int8 kernels share: TFLite's requantization on four int32
// lanes, the output stage, and tail-predicated byte copy / fill.
//
// Numerics: requantize() / requantize_n() equal quant::multiply_by_quantized_multiplier lane by
// lane for every int32 input and every multiplier >= 0:
//   * the left shift is VSHL (register), which wraps like quant::wrapping_shl;
//   * VQRDMULH computes sat((2*x*M + 2^31) >> 32) = floor((x*M + 2^30) / 2^31), which equals
//     gemmlowp's nudge-then-truncate for M >= 0 (see cortexm_dsp/primitives.hpp); its saturation
//     needs x = M = INT32_MIN, impossible here;
//   * VRSHL by -r computes floor((h + 2^(r-1)) / 2^r) (round half up, no intermediate overflow).
//     Half away from zero needs ties of negative h to go down: for r >= 1 that is
//     floor((h - 1 + 2^(r-1)) / 2^r) when h < 0, so h - 1 is fed to VRSHL for negative h and
//     r >= 1 (h > INT32_MIN because |h| <= |x| * M / 2^31 < 2^31, so h - 1 does not wrap).
#pragma once
#if defined(__ARM_FEATURE_MVE) && !defined(TINYML_FORCE_GENERIC)

#include <arm_mve.h>

#include <cstdint>

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace mve {

/// multiply_by_quantized_multiplier per lane, with per-lane multipliers (>= 0) and shifts.
inline int32x4_t requantize(int32x4_t x, int32x4_t multiplier, int32x4_t shift) noexcept {
  const int32x4_t zero = vdupq_n_s32(0);
  const int32x4_t left = vmaxq_s32(shift, zero);
  const int32x4_t neg_right = vminq_s32(shift, zero);
  x = vshlq_s32(x, left);
  int32x4_t h = vqrdmulhq_s32(x, multiplier);
  // -1 for lanes with h < 0 and a right shift, else 0.
  h = vaddq_s32(h, vandq_s32(vshrq_n_s32(h, 31), vshrq_n_s32(neg_right, 31)));
  return vrshlq_s32(h, neg_right);
}

/// multiply_by_quantized_multiplier per lane, one multiplier (>= 0) and shift for all lanes.
inline int32x4_t requantize_n(int32x4_t x, std::int32_t multiplier, std::int32_t shift) noexcept {
  if (shift > 0) x = vshlq_r_s32(x, shift);
  int32x4_t h = vqrdmulhq_n_s32(x, multiplier);
  if (shift < 0) {
    h = vaddq_s32(h, vshrq_n_s32(h, 31));
    h = vrshlq_n_s32(h, shift);
  }
  return h;
}

/// requantize_n with the shift split once (for loops): no branches per vector.
struct RequantN {
  std::int32_t multiplier, left, neg_right, has_right;
  RequantN(std::int32_t m, std::int32_t shift) noexcept
      : multiplier(m),
        left(shift > 0 ? shift : 0),
        neg_right(shift < 0 ? shift : 0),
        has_right(shift < 0 ? 1 : 0) {}
  int32x4_t operator()(int32x4_t x) const noexcept {
    int32x4_t h = vqrdmulhq_n_s32(vshlq_r_s32(x, left), multiplier);
    h = vmlaq_n_s32(h, vshrq_n_s32(h, 31), has_right);  // h - 1 when h < 0 and shifting right
    return vrshlq_n_s32(h, neg_right);
  }
};

/// Per-lane requantization of four channels with the shift split once for many vectors:
/// apply() equals requantize(x, multiplier, shift) lane by lane.
struct ChanRequant {
  int32x4_t multiplier, left, neg_right, fix;  // fix: -1 in lanes with a right shift, else 0
  ChanRequant(int32x4_t m, int32x4_t shift) noexcept
      : multiplier(m),
        left(vmaxq_s32(shift, vdupq_n_s32(0))),
        neg_right(vminq_s32(shift, vdupq_n_s32(0))),
        fix(vshrq_n_s32(vminq_s32(shift, vdupq_n_s32(0)), 31)) {}
  /// Four channels' multipliers (int32) and shifts (int8) from their arrays.
  static ChanRequant load(const std::int32_t* m, const std::int8_t* s) noexcept {
    return ChanRequant(vldrwq_s32(m), vldrbq_s32(s));
  }
  /// As load() for the first n < 4 channels (the other lanes are zero; nothing read past n).
  static ChanRequant load_n(const std::int32_t* m, const std::int8_t* s, std::int32_t n) noexcept {
    const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(n));
    return ChanRequant(vldrwq_z_s32(m, p), vldrbq_z_s32(s, p));
  }
  int32x4_t apply(int32x4_t x) const noexcept {
    int32x4_t h = vqrdmulhq_s32(vshlq_s32(x, left), multiplier);
    h = vaddq_s32(h, vandq_s32(vshrq_n_s32(h, 31), fix));  // h - 1 when h < 0 and shifting right
    return vrshlq_s32(h, neg_right);
  }
};

/// True when every shift is a right shift (>= 1 bit): requantization then needs neither the left
/// shift nor the per-lane choice of the rounding fix.
inline bool all_right_shifts(const std::int8_t* shift, std::int32_t n) noexcept {
  std::int8_t mx = INT8_MIN;
  std::int32_t i = 0;
  for (; i + 16 <= n; i += 16) mx = vmaxvq_s8(mx, vldrbq_s8(shift + i));
  if (i < n) {
    const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(n - i));
    mx = vmaxvq_p_s8(mx, vldrbq_z_s8(shift + i, p), p);
  }
  return mx < 0;
}

/// multiply_by_quantized_multiplier per lane when every lane's shift is negative (shift = the
/// negated right shift): no left shift, and the rounding fix applies to every lane.
inline int32x4_t requantize_right(int32x4_t x, int32x4_t multiplier, int32x4_t shift) noexcept {
  int32x4_t h = vqrdmulhq_s32(x, multiplier);
  h = vaddq_s32(h, vshrq_n_s32(h, 31));
  return vrshlq_s32(h, shift);
}

/// Output zero point (wrapping add, as the reference) then the activation clamp.
struct OutStage {
  std::int32_t output_offset, act_min, act_max;
  int32x4_t apply(int32x4_t v) const noexcept {
    v = vaddq_n_s32(v, output_offset);
    v = vmaxq_s32(v, vdupq_n_s32(act_min));
    return vminq_s32(v, vdupq_n_s32(act_max));
  }
};

/// n bytes from src to dst (16 per step, last step predicated).
inline void copy_bytes(std::int8_t* dst, const std::int8_t* src, std::int32_t n) noexcept {
  for (; n >= 16; n -= 16, src += 16, dst += 16) vstrbq_s8(dst, vldrbq_s8(src));
  if (n > 0) {
    const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(n));
    vstrbq_p_s8(dst, vldrbq_z_s8(src, p), p);
  }
}

/// n bytes at dst set to v.
inline void fill_bytes(std::int8_t* dst, std::int8_t v, std::int32_t n) noexcept {
  const int8x16_t vv = vdupq_n_s8(v);
  for (; n >= 16; n -= 16, dst += 16) vstrbq_s8(dst, vv);
  if (n > 0) vstrbq_p_s8(dst, vv, vctp8q(static_cast<std::uint32_t>(n)));
}

}  // namespace mve
}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_MVE
