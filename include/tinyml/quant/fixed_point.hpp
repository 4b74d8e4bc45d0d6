// SPDX-License-Identifier: Apache-2.0
// Integer requantization arithmetic with TensorFlow Lite's exact rounding.
//
// Numerics: every function here reproduces, bit for bit, the integer helpers TFLite's reference
// kernels use (tensorflow/lite/kernels/internal/common.h and gemmlowp's fixedpoint.h, default
// double-rounding mode, i.e. TFLITE_SINGLE_ROUNDING off):
//   * saturating_rounding_doubling_high_mul: (a*b*2)/2^32 rounded to nearest with ties toward
//     +infinity (the nudge-then-truncate of gemmlowp), saturating INT32_MIN*INT32_MIN;
//   * rounding_divide_by_pot: arithmetic shift right rounding half away from zero;
//   * multiply_by_quantized_multiplier: left shift (wrapping), high mul, rounding right shift;
//   * quantize_multiplier: frexp + round-half-away into a Q31 significand.
// Wrapping overflow is done on unsigned types so it is defined behaviour in C++.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace quant {

constexpr std::int32_t kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t kInt32Max = std::numeric_limits<std::int32_t>::max();

/// x * 2^shift with two's complement wrap-around (what the reference's int multiply does).
constexpr std::int32_t wrapping_shl(std::int32_t x, int shift) noexcept {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << shift);
}
constexpr std::int32_t wrapping_add(std::int32_t a, std::int32_t b) noexcept {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}
constexpr std::int32_t wrapping_sub(std::int32_t a, std::int32_t b) noexcept {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) - static_cast<std::uint32_t>(b));
}

/// High 32 bits of 2*a*b, rounded to nearest (ties toward +inf); saturates INT32_MIN*INT32_MIN.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a,
                                                             std::int32_t b) noexcept {
  if (a == b && a == kInt32Min) return kInt32Max;
  const std::int64_t ab = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : (1 - (std::int64_t{1} << 30));
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

/// x / 2^exponent rounded half away from zero, for 0 <= exponent <= 31.
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) noexcept {
  const std::int32_t mask = static_cast<std::int32_t>((std::uint32_t{1} << exponent) - 1u);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/// x * multiplier * 2^shift with TFLite's double rounding (shift in [-31, 30]).
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, std::int32_t multiplier,
                                                        int shift) noexcept {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(wrapping_shl(x, left), multiplier), right);
}

/// x * multiplier * 2^shift rounded once, half toward +infinity: (x*M + 2^(30-shift)) >> (31-shift)
/// in 64 bits, for multiplier >= 0 and shift in [-31, 30] (no left shift, so nothing wraps; the
/// 64-bit sum stays below 2^63). This is how LiteRT's reference FULLY_CONNECTED requantizes.
/// Only shift > 0 can leave int32; the result then saturates, which is what LiteRT 2.3 produces
/// (probed with multipliers up to 2^27: tools/litert_vs_tflm.md).
constexpr std::int32_t multiply_by_quantized_multiplier_single(std::int32_t x,
                                                               std::int32_t multiplier,
                                                               int shift) noexcept {
  const int total = 31 - shift;
  const std::int64_t r =
      (static_cast<std::int64_t>(x) * multiplier + (std::int64_t{1} << (total - 1))) >> total;
  return r > kInt32Max ? kInt32Max : (r < kInt32Min ? kInt32Min : static_cast<std::int32_t>(r));
}

/// Requantization rounding: kDouble is TFLite's gemmlowp pair (SaturatingRoundingDoublingHighMul,
/// then RoundingDivideByPOT; TFLite Micro, CMSIS-NN, and LiteRT's conv/depthwise), kSingle is
/// multiply_by_quantized_multiplier_single (LiteRT's reference FULLY_CONNECTED).
enum class Rounding : std::uint8_t { kSingle, kDouble };

template <Rounding R>
constexpr std::int32_t multiply_by_quantized_multiplier_as(std::int32_t x, std::int32_t multiplier,
                                                           int shift) noexcept {
  if constexpr (R == Rounding::kSingle) {
    return multiply_by_quantized_multiplier_single(x, multiplier, shift);
  } else {
    return multiply_by_quantized_multiplier(x, multiplier, shift);
  }
}

/// TFLite's TfLiteRound: round half away from zero.
inline double round_half_away(double x) noexcept { return std::round(x); }
/// The float overload without libm (no roundf on bare metal): |x| >= 2^23 is already integral
/// (or NaN/inf); below, truncation through int32 and the exact difference x - trunc(x) decide.
inline float round_half_away(float x) noexcept {
  if (!(x > -8388608.0f && x < 8388608.0f)) return x;
  const float t = static_cast<float>(static_cast<std::int32_t>(x));
  const float d = x - t;
  if (d >= 0.5f) return t + 1.0f;
  if (d <= -0.5f) return t - 1.0f;
  return std::copysign(t, x);
}

/// A real multiplier as significand (Q31, in [2^30, 2^31)) and power-of-two exponent.
struct QuantizedMultiplier {
  std::int32_t multiplier = 0;
  int shift = 0;
};

/// TFLite's QuantizeMultiplier. Returns false for negative or non-finite input (the reference
/// would assert); 0 maps to {0, 0}; tiny values (shift < -31) flush to {0, 0}; values too large
/// for shift 30 saturate to {INT32_MAX, 30} like current TFLite.
inline bool quantize_multiplier(double real, QuantizedMultiplier* out) noexcept {
  if (!(real >= 0.0) || !std::isfinite(real)) return false;
  if (real == 0.0) {
    *out = {};
    return true;
  }
  int shift = 0;
  const double q = std::frexp(real, &shift);
  auto q_fixed = static_cast<std::int64_t>(round_half_away(q * static_cast<double>(1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) {
    shift = 0;
    q_fixed = 0;
  }
  if (shift > 30) {
    shift = 30;
    q_fixed = (1LL << 31) - 1;
  }
  out->multiplier = static_cast<std::int32_t>(q_fixed);
  out->shift = shift;
  return true;
}

/// TFLite's QuantizeMultiplier for a multiplier of either sign (LEAKY_RELU's alpha may be
/// negative): the significand keeps the sign, in (-2^31, -2^30] for negative input (-2^31 itself
/// when the significand rounds to -1, which, unlike +1, is not renormalized). Returns false for
/// non-finite input.
inline bool quantize_multiplier_signed(double real, QuantizedMultiplier* out) noexcept {
  if (!std::isfinite(real)) return false;
  if (real >= 0.0) return quantize_multiplier(real, out);
  int shift = 0;
  const double q = std::frexp(real, &shift);
  auto q_fixed = static_cast<std::int64_t>(round_half_away(q * static_cast<double>(1LL << 31)));
  if (shift < -31) {
    shift = 0;
    q_fixed = 0;
  }
  if (shift > 30) {  // as the reference: saturates to the largest *positive* multiplier
    shift = 30;
    q_fixed = (1LL << 31) - 1;
  }
  out->multiplier = static_cast<std::int32_t>(q_fixed);
  out->shift = shift;
  return true;
}

/// An exact real number sign * mant * 2^exp, for computing requantization multipliers without
/// double-precision arithmetic (which Cortex-M4/M33/M55 lack in hardware: the soft-double library
/// costs ~5 KB of flash). Products of two floats are exact (48-bit significands).
struct Exact {
  std::uint64_t mant = 0;  // < 2^53, so the value is also exactly a double (not finite: 0 = inf)
  int exp = 0;
  bool negative = false;
  bool finite = true;
};

/// The exact value of a float (subnormals included; infinities and NaN are not finite).
inline Exact exact(float f) noexcept {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  Exact e;
  e.negative = (bits >> 31) != 0;
  const int biased = static_cast<int>((bits >> 23) & 0xffu);
  const std::uint32_t frac = bits & 0x7fffffu;
  if (biased == 0xff) {
    e.finite = false;
    e.mant = frac;  // 0: infinity; otherwise NaN
  } else if (biased == 0) {
    e.mant = frac;
    e.exp = -149;
  } else {
    e.mant = frac | 0x800000u;
    e.exp = biased - 150;
  }
  return e;
}

/// a * b, exactly (both significands below 2^26, so the product stays below 2^53).
inline Exact exact_mul(Exact a, Exact b) noexcept {
  Exact r;
  r.mant = a.mant * b.mant;
  r.exp = a.exp + b.exp;
  r.negative = a.negative != b.negative;
  r.finite = a.finite && b.finite;
  if (!r.finite) {  // NaN if either is NaN or it is infinity * 0; else infinity (mant 0)
    const bool nan = (!a.finite && a.mant != 0) || (!b.finite && b.mant != 0) ||
                     (a.finite && a.mant == 0) || (b.finite && b.mant == 0);
    r.mant = nan ? 1u : 0u;
  }
  return r;
}

/// a * 2^k, exactly.
inline Exact exact_ldexp(Exact a, int k) noexcept {
  a.exp += k;
  return a;
}

/// Number of significant bits of v (0 for 0).
inline int bit_length(std::uint64_t v) noexcept {
  int n = 0;
  while (v != 0) {
    v >>= 1;
    ++n;
  }
  return n;
}

/// a >= b for finite, non-negative exact values.
inline bool exact_ge(Exact a, Exact b) noexcept {
  if (b.mant == 0) return true;
  if (a.mant == 0) return false;
  const int la = bit_length(a.mant) + a.exp, lb = bit_length(b.mant) + b.exp;
  if (la != lb) return la > lb;
  // Same magnitude class: align the significands at bit 62 and compare.
  const std::uint64_t ma = a.mant << (63 - bit_length(a.mant));
  const std::uint64_t mb = b.mant << (63 - bit_length(b.mant));
  return ma >= mb;
}

/// TFLite's QuantizeMultiplier(num / den) where the quotient is the correctly rounded double of
/// the exact ratio, computed with integers only: bit-identical to
/// quantize_multiplier(double(num) / double(den)) for every num, den that are exact doubles.
/// Returns false where that would (negative, infinite or NaN ratio).
inline bool quantize_multiplier(Exact num, Exact den, QuantizedMultiplier* out) noexcept {
  if (!num.finite || (!den.finite && den.mant != 0)) return false;  // inf or NaN ratio
  if (den.finite && den.mant == 0) return false;                     // x / 0: inf or NaN
  if (num.mant == 0 || !den.finite) {                                // 0 / x and x / inf: 0
    *out = {};
    return true;
  }
  if (num.negative != den.negative) return false;
  // Normalize both significands to [2^62, 2^63) and divide bit by bit: 55 quotient bits plus a
  // sticky bit are enough to round to 53 bits exactly.
  const int ln = bit_length(num.mant), ld = bit_length(den.mant);
  std::uint64_t r = num.mant << (63 - ln);
  const std::uint64_t d = den.mant << (63 - ld);
  int e = (num.exp + ln) - (den.exp + ld);  // ratio = (r / d) * 2^e, r / d in (1/2, 2)
  if (r < d) {
    r <<= 1;  // r < 2^63 here, so no bit is lost
    --e;
  }
  std::uint64_t q = 0;  // ratio = q * 2^(e - 54) + remainder, q in [2^54, 2^55)
  for (int i = 0; i < 55; ++i) {
    q <<= 1;
    if (r >= d) {
      q |= 1u;
      r -= d;
    }
    r <<= 1;
  }
  // Round to the double's 53 bits, to nearest with ties to even.
  const unsigned low = static_cast<unsigned>(q & 3u);
  std::uint64_t q53 = q >> 2;
  if (low == 3u || (low == 2u && (r != 0 || (q53 & 1u) != 0))) ++q53;
  if (q53 == (std::uint64_t{1} << 53)) {
    q53 >>= 1;
    ++e;
  }
  // The double is q53 * 2^(e - 52); its frexp fraction is in [1/2, 1) with exponent e + 1.
  // Ratios of products of floats stay far inside the double's normal range except for the
  // overflow that TFLite would see as infinity; tiny ratios are flushed to 0 below.
  if (e > 1023) return false;
  int shift = e < -64 ? -64 : e + 1;
  // Q31 significand, rounded half away from zero: q53 * 2^(31 - 53).
  std::int64_t q_fixed = static_cast<std::int64_t>((q53 + (std::uint64_t{1} << 21)) >> 22);
  if (q_fixed == (std::int64_t{1} << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) {
    shift = 0;
    q_fixed = 0;
  }
  if (shift > 30) {
    shift = 30;
    q_fixed = (std::int64_t{1} << 31) - 1;
  }
  out->multiplier = static_cast<std::int32_t>(q_fixed);
  out->shift = shift;
  return true;
}

/// Clamp range of a fused activation on a quantized output (TFLite's
/// CalculateActivationRangeQuantized). `act` uses the TFLite enum: 0 NONE, 1 RELU,
/// 2 RELU_N1_TO_1, 3 RELU6. Returns false for other activations.
struct ActRange {
  std::int32_t min = 0;
  std::int32_t max = 0;
};
inline bool activation_range(int act, float scale, std::int32_t zero_point, std::int32_t qmin,
                             std::int32_t qmax, ActRange* out) noexcept {
  // zero_point + round(f / scale), computed in float as the reference does; saturated to int32
  // instead of the reference's undefined float->int conversion for absurd scales.
  auto quantize = [&](float f) -> std::int32_t {
    const float q = round_half_away(f / scale);
    if (!(q > -2147483648.0f)) return kInt32Min;
    if (!(q < 2147483648.0f)) return kInt32Max;
    const std::int64_t v = static_cast<std::int64_t>(zero_point) + static_cast<std::int32_t>(q);
    return static_cast<std::int32_t>(v < kInt32Min ? kInt32Min : (v > kInt32Max ? kInt32Max : v));
  };
  auto max = [](std::int32_t a, std::int32_t b) { return a > b ? a : b; };
  auto min = [](std::int32_t a, std::int32_t b) { return a < b ? a : b; };
  switch (act) {
    case 0: *out = {qmin, qmax}; return true;
    case 1: *out = {max(qmin, quantize(0.0f)), qmax}; return true;
    case 2: *out = {max(qmin, quantize(-1.0f)), min(qmax, quantize(1.0f))}; return true;
    case 3: *out = {max(qmin, quantize(0.0f)), min(qmax, quantize(6.0f))}; return true;
    default: return false;
  }
}

// ---- gemmlowp-style Q-format helpers used by SOFTMAX (int8) ------------------------------------

/// x * 2^exponent, saturating for exponent > 0 and rounding (half away) for exponent < 0.
constexpr std::int32_t saturating_rounding_mul_by_pot(std::int32_t x, int exponent) noexcept {
  if (exponent > 0) {
    const std::int32_t threshold =
        static_cast<std::int32_t>((std::uint32_t{1} << (31 - exponent)) - 1u);
    if (x > threshold) return kInt32Max;
    if (x < -threshold) return kInt32Min;
    return wrapping_shl(x, exponent);
  }
  if (exponent < 0) return rounding_divide_by_pot(x, -exponent);
  return x;
}

/// (a + b) / 2 rounded half away from zero, without overflow.
constexpr std::int32_t rounding_half_sum(std::int32_t a, std::int32_t b) noexcept {
  const std::int64_t sum = static_cast<std::int64_t>(a) + b;
  const std::int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<std::int32_t>((sum + sign) / 2);
}

/// exp(a) for a in [-1/4, 0), a and result in Q0.31.
constexpr std::int32_t exp_on_interval_neg_quarter_to_0(std::int32_t a) noexcept {
  constexpr std::int32_t kConstantTerm = 1895147668;  // exp(-1/8) in Q0.31
  constexpr std::int32_t kOneThird = 715827883;       // 1/3 in Q0.31
  const std::int32_t x = wrapping_add(a, std::int32_t{1} << 28);  // a + 1/8
  const std::int32_t x2 = saturating_rounding_doubling_high_mul(x, x);
  const std::int32_t x3 = saturating_rounding_doubling_high_mul(x2, x);
  const std::int32_t x4 = saturating_rounding_doubling_high_mul(x2, x2);
  const std::int32_t x4_over_4 = saturating_rounding_mul_by_pot(x4, -2);
  const std::int32_t poly = saturating_rounding_mul_by_pot(
      wrapping_add(saturating_rounding_doubling_high_mul(wrapping_add(x4_over_4, x3), kOneThird),
                   x2),
      -1);
  return wrapping_add(kConstantTerm,
                      saturating_rounding_doubling_high_mul(kConstantTerm, wrapping_add(x, poly)));
}

/// exp(a) for a <= 0 given in Q(kIntegerBits).(31-kIntegerBits); result in Q0.31.
template <int kIntegerBits>
constexpr std::int32_t exp_on_negative_values(std::int32_t a) noexcept {
  constexpr int kFractionalBits = 31 - kIntegerBits;
  constexpr std::int32_t kOneQuarter = std::int32_t{1} << (kFractionalBits - 2);
  const std::int32_t mask = kOneQuarter - 1;
  const std::int32_t a_mod_quarter_minus_quarter = wrapping_sub(a & mask, kOneQuarter);
  std::int32_t result = exp_on_interval_neg_quarter_to_0(
      saturating_rounding_mul_by_pot(a_mod_quarter_minus_quarter, kIntegerBits));
  const std::int32_t remainder = wrapping_sub(a_mod_quarter_minus_quarter, a);
  // Multipliers exp(-2^k) in Q0.31 for k = -2 .. 4.
  constexpr std::int32_t kMul[7] = {1672461947, 1302514674, 790015084, 290630308,
                                    39332535,   720401,     242};
  for (int k = -2; k <= 4; ++k) {
    if (kIntegerBits > k) {
      const int shift = kFractionalBits + k;
      if ((remainder & static_cast<std::int32_t>(std::uint32_t{1} << shift)) != 0) {
        result = saturating_rounding_doubling_high_mul(result, kMul[k + 2]);
      }
    }
  }
  if (kIntegerBits > 5) {
    const std::int32_t clamp = -(std::int32_t{1} << (kIntegerBits > 5 ? 36 - kIntegerBits : 0));
    if (a < clamp) result = 0;
  }
  if (a == 0) result = kInt32Max;
  return result;
}

/// 1/(1+x) for x in [0, 1), Q0.31 in and out (Newton-Raphson, three iterations).
constexpr std::int32_t one_over_one_plus_x_for_x_in_0_1(std::int32_t a) noexcept {
  const std::int32_t half_denominator = rounding_half_sum(a, kInt32Max);  // Q0.31
  constexpr std::int32_t k48Over17 = 1515870810;                            // Q2.29
  constexpr std::int32_t kNeg32Over17 = -1010580540;                        // Q2.29
  constexpr std::int32_t kOneQ2 = std::int32_t{1} << 29;
  std::int32_t x =
      wrapping_add(k48Over17, saturating_rounding_doubling_high_mul(half_denominator, kNeg32Over17));
  for (int i = 0; i < 3; ++i) {
    const std::int32_t half_denominator_times_x =
        saturating_rounding_doubling_high_mul(half_denominator, x);              // Q2.29
    const std::int32_t one_minus = wrapping_sub(kOneQ2, half_denominator_times_x);  // Q2.29
    // x * one_minus is Q4.27; rescale to Q2.29 (multiply by 4, saturating).
    x = wrapping_add(x, saturating_rounding_mul_by_pot(
                            saturating_rounding_doubling_high_mul(x, one_minus), 2));
  }
  // x/2 as Q1.30 rescaled to Q0.31: multiply the raw value by 2, saturating.
  return saturating_rounding_mul_by_pot(x, 1);
}

/// Number of leading zero bits of a 32-bit value (32 for 0).
constexpr int count_leading_zeros(std::uint32_t x) noexcept {
  if (x == 0) return 32;
  int n = 0;
  while ((x & 0x80000000u) == 0) {
    x <<= 1;
    ++n;
  }
  return n;
}

/// 1/x for x in Q(x_integer_digits); returns Q0.31 significand and the extra exponent.
constexpr std::int32_t get_reciprocal(std::int32_t x, int x_integer_digits,
                                      int* num_bits_over_unit) noexcept {
  const int headroom_plus_one = count_leading_zeros(static_cast<std::uint32_t>(x));
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  const std::int32_t shifted_sum_minus_one = static_cast<std::int32_t>(
      (static_cast<std::uint32_t>(x) << headroom_plus_one) - (std::uint32_t{1} << 31));
  return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

}  // namespace quant
}  // namespace TINYML_ABI
}  // namespace tinyml
