// SPDX-License-Identifier: Apache-2.0
// The small Cortex-M DSP-extension vocabulary (Armv7E-M / Armv8-M Mainline with DSP, also present
// on the M55) the int8 kernels share: unaligned 4-byte loads, the SXTB16 / SXTAB16 unpacks with
// their free ROR #8 form, SMLAD / SMLABB / SMLATT, and TFLite's requantization on one lane.
//
// Unpack convention. A word holding int8 x0 x1 x2 x3 unpacks into two int16 pairs: sxtb16 gives
// (x0, x2) and sxtb16_ror8 gives (x1, x3). Both operands of an SMLAD are unpacked the same way, so
// the pairs meet their partners without restoring the natural order; int16 patches written by the
// kernels store each group of four values in that order (x0 x2 x1 x3).
//
// Numerics: requantize() reproduces quant::multiply_by_quantized_multiplier bit for bit for every
// int32 input and every multiplier >= 0 (the INT32_MIN*INT32_MIN saturation needs a negative
// multiplier). The high multiply is floor((x*M + 2^30) / 2^31), which equals gemmlowp's
// nudge-then-truncate for all such inputs; the rounding right shift uses that half away from zero
// of h / 2^r is floor(((h - [h<0]) / 2^(r-1) + 1) / 2), all in int32 without overflow because
// |h| < 2^31 - 1. Products of (int8 + offset) by int8 fit int16 x int16 exactly.
#pragma once
#if defined(__ARM_FEATURE_DSP) && !defined(TINYML_FORCE_GENERIC)

#include <arm_acle.h>

#include <cstdint>
#include <cstring>

#include "tinyml/config.hpp"
#include "tinyml/quant/fixed_point.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace dsp {

/// Four bytes from any address (LDR allows unaligned access on these cores).
inline std::uint32_t load4(const std::int8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline void store4(std::int8_t* p, std::uint32_t v) noexcept { std::memcpy(p, &v, 4); }

/// (x0, x2) of the bytes x0 x1 x2 x3, sign-extended to int16 halves.
inline std::int32_t sxtb16(std::uint32_t x) noexcept {
  return static_cast<std::int32_t>(__sxtb16(static_cast<std::int32_t>(x)));
}
/// (x1, x3): SXTB16 with its rotate field (GCC does not fold a separate ROR into it).
inline std::int32_t sxtb16_ror8(std::uint32_t x) noexcept {
  std::int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
/// off + (x0, x2) per int16 half.
inline std::int32_t sxtab16(std::int32_t off, std::uint32_t x) noexcept {
  return static_cast<std::int32_t>(__sxtab16(off, static_cast<std::int32_t>(x)));
}
/// off + (x1, x3) per int16 half.
inline std::int32_t sxtab16_ror8(std::int32_t off, std::uint32_t x) noexcept {
  std::int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(off), "r"(x));
  return r;
}
/// acc + a.lo*b.lo + a.hi*b.hi (int16 halves).
inline std::int32_t smlad(std::int32_t a, std::int32_t b, std::int32_t acc) noexcept {
  return __smlad(a, b, acc);
}
inline std::int32_t smlabb(std::int32_t a, std::int32_t b, std::int32_t acc) noexcept {
  return __smlabb(a, b, acc);
}
inline std::int32_t smlatt(std::int32_t a, std::int32_t b, std::int32_t acc) noexcept {
  return __smlatt(a, b, acc);
}
/// The same int16 value in both halves (for SXTAB16's addend).
inline std::int32_t dup16(std::int32_t v) noexcept {
  const std::uint32_t h = static_cast<std::uint16_t>(v);
  return static_cast<std::int32_t>(h | (h << 16));
}

/// quant::multiply_by_quantized_multiplier(x, multiplier, shift) for multiplier >= 0.
inline std::int32_t requantize(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
  if (shift > 0) x = quant::wrapping_shl(x, shift);
  const std::int64_t p = static_cast<std::int64_t>(x) * multiplier + (std::int64_t{1} << 30);
  std::int32_t h = static_cast<std::int32_t>(p >> 31);
  if (shift >= 0) return h;
  h += h >> 31;  // h - 1 when negative: turns "half away from zero" into "half up"
  return ((h >> (-shift - 1)) + 1) >> 1;
}

/// One channel's requantization with the shift split done once (for several outputs).
struct Requant {
  std::int32_t multiplier;
  int shift;
  std::int32_t output_offset, act_min, act_max;

  std::int8_t operator()(std::int32_t acc) const noexcept {
    std::int32_t v = requantize(acc, multiplier, shift) + output_offset;
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return static_cast<std::int8_t>(v);
  }
};

/// Requantize, add the output zero point, clamp, narrow (TFLite's order).
inline std::int8_t requantize_out(std::int32_t acc, std::int32_t multiplier, int shift,
                                  std::int32_t output_offset, std::int32_t act_min,
                                  std::int32_t act_max) noexcept {
  std::int32_t v = requantize(acc, multiplier, shift) + output_offset;
  v = v < act_min ? act_min : v;
  v = v > act_max ? act_max : v;
  return static_cast<std::int8_t>(v);
}

}  // namespace dsp
}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_DSP
