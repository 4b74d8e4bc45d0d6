// SPDX-License-Identifier: Apache-2.0
// Integer helpers for the fixed-point audio front end (features_fixed.hpp): bit length, rounding
// shifts, integer square root, base-2 logarithm, and a tiny (mantissa, exponent) number for
// adding values of very different magnitude before a log. Integer arithmetic only (no FPU):
// 32- and 64-bit adds and shifts, and 32x32 -> 64-bit multiplies (one instruction, UMULL/SMULL,
// on Armv7-M and later; a library call on Armv6-M).
//
// Numerics: log2_q16 is exact to +-1 in its last place (2^-16 ~ 1.5e-5): the fraction comes from
//   17 rounds of squaring a Q30 mantissa (each yields one bit), then one rounding. isqrt_round is
//   the exactly rounded square root.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {
namespace fixed {

/// Number of significant bits: 0 for 0, floor(log2(v)) + 1 otherwise.
constexpr int bit_length(std::uint64_t v) noexcept {
  int n = 0;
  for (int step = 32; step > 0; step >>= 1) {
    if ((v >> step) != 0) {
      v >>= step;
      n += step;
    }
  }
  return n + static_cast<int>(v);
}

/// v * 2^shift for shift of either sign; right shifts round half up, and bits shifted out to the
/// left are the caller's concern (contract: the result fits).
constexpr std::uint64_t shift_round(std::uint64_t v, int shift) noexcept {
  if (shift >= 0) return shift >= 64 ? 0 : v << shift;
  if (shift <= -64) return 0;
  const int r = -shift;
  return (v >> r) + ((v >> (r - 1)) & 1u);
}

/// Signed x / 2^r rounded half up (r in [1, 62]); arithmetic on two's complement.
constexpr std::int64_t rshift_round(std::int64_t x, int r) noexcept {
  return (x + (std::int64_t{1} << (r - 1))) >> r;
}

/// round(sqrt(v)) for any 64-bit v (bit-by-bit square root, then rounding: r + 1 when
/// v - r^2 > r, i.e. sqrt(v) >= r + 1/2).
constexpr std::uint64_t isqrt_round(std::uint64_t v) noexcept {
  std::uint64_t rem = v, root = 0;
  std::uint64_t bit = std::uint64_t{1} << 62;
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (rem >= root + bit) {
      rem -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  // root = floor(sqrt(v)), rem = v - root^2.
  return rem > root ? root + 1 : root;
}

/// log2(v) in Q16 (65536 = 1.0) for v > 0; v = 0 gives INT32_MIN.
constexpr std::int32_t log2_q16(std::uint64_t v) noexcept {
  if (v == 0) return INT32_MIN;
  const int e = bit_length(v) - 1;
  // Mantissa in [2^30, 2^31): value in [1, 2) in Q30.
  std::uint64_t m = e >= 30 ? v >> (e - 30) : v << (30 - e);
  std::int32_t frac = 0;
  for (int i = 0; i < 17; ++i) {
    m = (m * m) >> 30;  // m < 2^31, so m*m < 2^62
    frac <<= 1;
    if (m >= (std::uint64_t{1} << 31)) {
      m >>= 1;
      frac |= 1;
    }
  }
  return static_cast<std::int32_t>(e) * 65536 + ((frac + 1) >> 1);
}

/// A non-negative number mantissa * 2^exponent, kept normalised (mantissa below 2^62 with its top
/// bit at 61, or 0), so that two of them add without overflow.
struct Scaled {
  std::uint64_t mantissa = 0;
  std::int32_t exponent = 0;
};

/// Normalises v * 2^e (v any 64-bit value).
constexpr Scaled make_scaled(std::uint64_t v, std::int32_t e) noexcept {
  if (v == 0) return Scaled{0, 0};
  const int shift = 62 - bit_length(v);  // top bit to position 61
  if (shift >= 0) return Scaled{v << shift, e - shift};
  const std::uint64_t m = shift_round(v, shift);
  // Rounding up can carry into bit 62: renormalise (exact, the low bit is 0 then).
  return m >> 62 != 0 ? Scaled{m >> 1, e - shift + 1} : Scaled{m, e - shift};
}

/// a + b, the smaller operand rounded to the larger one's exponent.
constexpr Scaled add(Scaled a, Scaled b) noexcept {
  if (a.mantissa == 0) return b;
  if (b.mantissa == 0) return a;
  if (a.exponent < b.exponent) {
    const Scaled t = a;
    a = b;
    b = t;
  }
  const std::int64_t gap = static_cast<std::int64_t>(a.exponent) - b.exponent;
  const std::uint64_t bm = gap >= 64 ? 0 : shift_round(b.mantissa, -static_cast<int>(gap));
  return make_scaled(a.mantissa + bm, a.exponent);  // both < 2^62: the sum fits
}

/// log2 of a Scaled number in Q16 (INT64_MIN for 0).
constexpr std::int64_t log2_q16(Scaled s) noexcept {
  if (s.mantissa == 0) return INT64_MIN;
  return static_cast<std::int64_t>(log2_q16(s.mantissa)) + static_cast<std::int64_t>(s.exponent) * 65536;
}

}  // namespace fixed
}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
