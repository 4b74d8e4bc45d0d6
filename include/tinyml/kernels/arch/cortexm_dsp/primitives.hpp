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

/// Requantization constants of one channel with a right shift of at least 2 (the usual case):
/// multiply_by_quantized_multiplier(x, multiplier, -r) then equals, in 64 bits,
///   (x * multiplier + 2^30 + 2^(30+r) - [x < 0] * 2^31) >> (31 + r),
/// i.e. the high word of one SMLAL shifted right by r - 1. (Both roundings fold into the added
/// constant: floor((floor(A / 2^31) + B) / 2^r) = floor((A + B * 2^31) / 2^(31+r)) for integer B,
/// and for r >= 1 the reference's "h < 0" correction equals "x < 0" because h = 0 whenever the
/// two differ.) round_hi is 2^(r-2), the high word of 2^(30+r).
struct RightShiftQ {
  std::int32_t multiplier;
  std::int32_t round_hi;
  std::int32_t shift_m1;  // r - 1
};
/// False when the shift is > -2 (use requantize()).
inline bool right_shift_q(std::int32_t multiplier, int shift, RightShiftQ* q) noexcept {
  if (shift > -2) return false;
  q->multiplier = multiplier;
  q->round_hi = std::int32_t{1} << (-shift - 2);
  q->shift_m1 = -shift - 1;
  return true;
}
inline std::int32_t requantize_rs(std::int32_t x, std::int32_t multiplier, std::int32_t round_hi,
                                  std::int32_t shift_m1) noexcept {
  std::uint32_t lo = 0x40000000u | (static_cast<std::uint32_t>(x) & 0x80000000u);
  std::int32_t hi = round_hi + (x >> 31);
  __asm__("smlal %[lo], %[hi], %[x], %[m]"
          : [lo] "+r"(lo), [hi] "+r"(hi)
          : [x] "r"(x), [m] "r"(multiplier));
  return hi >> shift_m1;
}
inline std::int32_t requantize_rs(std::int32_t x, const RightShiftQ& q) noexcept {
  return requantize_rs(x, q.multiplier, q.round_hi, q.shift_m1);
}

/// Output zero point added, then the fused activation clamp, for one value or four packed bytes.
struct OutClamp {
  std::int32_t output_offset, act_min, act_max;
  bool full_range() const noexcept { return act_min == -128 && act_max == 127; }
  std::int8_t one(std::int32_t v) const noexcept {
    v += output_offset;
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return static_cast<std::int8_t>(v);
  }
};

/// Saturates four int32 to int8 and packs them, v0 in the lowest byte.
inline std::uint32_t pack4_ssat(std::int32_t v0, std::int32_t v1, std::int32_t v2,
                                std::int32_t v3) noexcept {
  v0 = __ssat(v0, 8);
  v1 = __ssat(v1, 8);
  v2 = __ssat(v2, 8);
  v3 = __ssat(v3, 8);
  const std::uint32_t h02 =
      (static_cast<std::uint32_t>(v0) & 0xFFFFu) | (static_cast<std::uint32_t>(v2) << 16);
  const std::uint32_t h13 =
      (static_cast<std::uint32_t>(v1) & 0xFFFFu) | (static_cast<std::uint32_t>(v3) << 16);
  return __uxtb16(h02) | (__uxtb16(h13) << 8);
}
/// Per-byte signed clamp of four packed int8 to [lo, hi] (each replicated in all four bytes).
inline std::uint32_t clamp4(std::uint32_t v, std::uint32_t lo4, std::uint32_t hi4) noexcept {
  std::uint32_t t;
  __asm__(
      "ssub8 %[t], %[v], %[lo]\n\t"
      "sel %[v], %[v], %[lo]\n\t"
      "ssub8 %[t], %[hi], %[v]\n\t"
      "sel %[v], %[v], %[hi]"
      : [v] "+r"(v), [t] "=&r"(t)
      : [lo] "r"(lo4), [hi] "r"(hi4)
      : "cc");
  return v;
}
inline std::uint32_t splat4(std::int32_t v) noexcept {
  return static_cast<std::uint8_t>(v) * 0x01010101u;
}

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
