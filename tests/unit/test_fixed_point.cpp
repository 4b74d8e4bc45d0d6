// SPDX-License-Identifier: Apache-2.0
// Requantization arithmetic against an independent oracle: exact integer/rational definitions of
// the rounding TFLite specifies, evaluated with 128-bit integers, plus hand-derived tie cases.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "doctest_config.hpp"
#include "tinyml/core/status.hpp"
#include "tinyml/quant/fixed_point.hpp"

namespace q = tinyml::quant;
using i128 = __int128;

namespace {
// round(n / d) with ties away from zero, d > 0, exact.
i128 div_round_half_away(i128 n, i128 d) {
  const i128 a = n < 0 ? -n : n;
  const i128 r = (2 * a + d) / (2 * d);
  return n < 0 ? -r : r;
}
// round(n / d) with ties toward +infinity (gemmlowp's high-mul: nudge then truncate), d > 0.
i128 div_round_half_up(i128 n, i128 d) {
  const i128 t = n + d / 2;
  return t >= 0 ? t / d : -((-t + d - 1) / d);
}
std::int32_t oracle_srdhm(std::int32_t a, std::int32_t b) {
  const i128 v = div_round_half_up(static_cast<i128>(a) * b, i128{1} << 31);
  return v > std::numeric_limits<std::int32_t>::max() ? std::numeric_limits<std::int32_t>::max()
                                                      : static_cast<std::int32_t>(v);
}
std::int32_t oracle_rdbp(std::int32_t x, int e) {
  return static_cast<std::int32_t>(div_round_half_away(x, i128{1} << e));
}
}  // namespace

TEST_CASE("rounding_divide_by_pot rounds half away from zero") {
  CHECK(q::rounding_divide_by_pot(3, 1) == 2);    // 1.5 -> 2
  CHECK(q::rounding_divide_by_pot(-3, 1) == -2);  // -1.5 -> -2
  CHECK(q::rounding_divide_by_pot(5, 2) == 1);    // 1.25 -> 1
  CHECK(q::rounding_divide_by_pot(-5, 2) == -1);
  CHECK(q::rounding_divide_by_pot(6, 2) == 2);    // 1.5 -> 2
  CHECK(q::rounding_divide_by_pot(-6, 2) == -2);
  CHECK(q::rounding_divide_by_pot(-2, 2) == -1);  // -0.5 -> -1
  CHECK(q::rounding_divide_by_pot(2, 2) == 1);    // 0.5 -> 1
  CHECK(q::rounding_divide_by_pot(7, 0) == 7);
  CHECK(q::rounding_divide_by_pot(q::kInt32Max, 31) == 1);
  CHECK(q::rounding_divide_by_pot(q::kInt32Min, 31) == -1);
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const auto x = static_cast<std::int32_t>(rng());
    const int e = static_cast<int>(rng() % 32);
    REQUIRE(q::rounding_divide_by_pot(x, e) == oracle_rdbp(x, e));
  }
}

TEST_CASE("saturating_rounding_doubling_high_mul: oracle, ties and the one saturating case") {
  // Ties round toward +infinity (not away from zero): -0.5 -> 0, +0.5 -> 1.
  CHECK(q::saturating_rounding_doubling_high_mul(q::kInt32Min, q::kInt32Min) == q::kInt32Max);
  CHECK(q::saturating_rounding_doubling_high_mul(q::kInt32Max, q::kInt32Max) == q::kInt32Max - 1);
  CHECK(q::saturating_rounding_doubling_high_mul(q::kInt32Min, q::kInt32Max) == -q::kInt32Max);
  CHECK(q::saturating_rounding_doubling_high_mul(1, 1 << 30) == 1);    // 0.5 -> 1
  CHECK(q::saturating_rounding_doubling_high_mul(-1, 1 << 30) == 0);   // -0.5 -> 0
  CHECK(q::saturating_rounding_doubling_high_mul(-3, 1 << 30) == -1);  // -1.5 -> -1
  CHECK(q::saturating_rounding_doubling_high_mul(3, 1 << 30) == 2);    // 1.5 -> 2
  CHECK(q::saturating_rounding_doubling_high_mul(0, q::kInt32Max) == 0);
  std::mt19937 rng(11);
  for (int i = 0; i < 200000; ++i) {
    const auto a = static_cast<std::int32_t>(rng());
    const auto b = static_cast<std::int32_t>(rng());
    REQUIRE(q::saturating_rounding_doubling_high_mul(a, b) == oracle_srdhm(a, b));
  }
}

TEST_CASE("multiply_by_quantized_multiplier: identity scale, extremes, closeness to the real") {
  // 2^30 * 2^1 / 2^31 = 1: the exact-identity requantization.
  for (std::int32_t x : {0, 1, -1, 127, -128, 65535, -65536, 1 << 24, -(1 << 24)}) {
    CHECK(q::multiply_by_quantized_multiplier(x, 1 << 30, 1) == x);
  }
  // Largest right shift: any int32 times a Q31 multiplier / 2^31 is within [-1, 1].
  CHECK(q::multiply_by_quantized_multiplier(q::kInt32Max, q::kInt32Max, -31) == 1);
  CHECK(q::multiply_by_quantized_multiplier(q::kInt32Min, q::kInt32Max, -31) == -1);
  // Left shift wraps like the reference's int multiply (defined here, UB there only in C++).
  // (3 * 2^19) << 12 = 3 * 2^31 wraps to INT32_MIN; times 0.5 is -2^30.
  CHECK(q::multiply_by_quantized_multiplier(3 << 19, 1 << 30, 12) == -(1 << 30));
  std::mt19937 rng(3);
  for (int i = 0; i < 100000; ++i) {
    const auto x = static_cast<std::int32_t>(rng() % 2000001) - 1000000;
    const auto m = static_cast<std::int32_t>((1u << 30) + rng() % (1u << 30));
    const int shift = -static_cast<int>(rng() % 20);
    const std::int32_t got = q::multiply_by_quantized_multiplier(x, m, shift);
    REQUIRE(got == oracle_rdbp(oracle_srdhm(x, m), -shift));
    const long double real = static_cast<long double>(x) * m / std::ldexp(1.0L, 31 - shift);
    REQUIRE(std::fabs(static_cast<long double>(got) - real) <= 1.0L);
  }
}

namespace {
// LiteRT's FULLY_CONNECTED requantization, two independent ways: exact 128-bit integers
// (floor((x*M + 2^(t-1)) / 2^t)) and long double (round half up of x*M / 2^t; x*M < 2^62 and the
// scaled value keep at most 63 significant bits, so the 64-bit mantissa makes it exact). Both
// saturate to int32, as LiteRT 2.3 does for multipliers above 1.
std::int32_t saturate(i128 v) {
  return v > q::kInt32Max ? q::kInt32Max : (v < q::kInt32Min ? q::kInt32Min : static_cast<std::int32_t>(v));
}
std::int32_t oracle_single_i128(std::int32_t x, std::int32_t m, int shift) {
  const int t = 31 - shift;
  const i128 n = static_cast<i128>(x) * m + (i128{1} << (t - 1));
  const i128 d = i128{1} << t;
  return saturate(n >= 0 ? n / d : -((-n + d - 1) / d));
}
std::int32_t oracle_single_ld(std::int32_t x, std::int32_t m, int shift) {
  const long double v = std::ldexp(static_cast<long double>(x) * m, shift - 31);
  return saturate(static_cast<i128>(std::floor(v + 0.5L)));
}
}  // namespace

TEST_CASE("multiply_by_quantized_multiplier_single: one rounding, half up, saturating") {
  static_assert(std::numeric_limits<long double>::digits >= 64, "the oracle needs x87 long double");
  // Identity scale and ties: half goes toward +infinity (the double rounding goes away from 0).
  for (std::int32_t x : {0, 1, -1, 127, -128, 65535, -65536, q::kInt32Max, q::kInt32Min}) {
    CHECK(q::multiply_by_quantized_multiplier_single(x, 1 << 30, 1) == x);
  }
  CHECK(q::multiply_by_quantized_multiplier_single(1, 1 << 30, 0) == 1);    // 0.5 -> 1
  CHECK(q::multiply_by_quantized_multiplier_single(-1, 1 << 30, 0) == 0);   // -0.5 -> 0
  CHECK(q::multiply_by_quantized_multiplier_single(-3, 1 << 30, 0) == -1);  // -1.5 -> -1
  // -6 / 4 = -1.5: once, half up -> -1; twice (exact -3, then half away from 0) -> -2.
  CHECK(q::multiply_by_quantized_multiplier_single(-6, 1 << 30, -1) == -1);
  CHECK(q::multiply_by_quantized_multiplier(-6, 1 << 30, -1) == -2);
  // Extremes of the shift range: total right shifts 62 and 1.
  CHECK(q::multiply_by_quantized_multiplier_single(q::kInt32Max, q::kInt32Max, -31) == 1);
  CHECK(q::multiply_by_quantized_multiplier_single(q::kInt32Min, q::kInt32Max, -31) == -1);
  CHECK(q::multiply_by_quantized_multiplier_single(3, 1 << 30, 30) == 3 << 29);
  // Shift > 0 never wraps: results past int32 saturate.
  CHECK(q::multiply_by_quantized_multiplier_single(1 << 20, 1 << 30, 30) == q::kInt32Max);
  CHECK(q::multiply_by_quantized_multiplier_single(-(1 << 20), 1 << 30, 30) == q::kInt32Min);
  CHECK(q::multiply_by_quantized_multiplier_single(q::kInt32Max, q::kInt32Max, 1) == q::kInt32Max);
  CHECK(q::multiply_by_quantized_multiplier_single(q::kInt32Min, 1 << 30, 1) == q::kInt32Min);
  CHECK(q::multiply_by_quantized_multiplier_single(q::kInt32Min, 1 << 30, 2) == q::kInt32Min);
  CHECK(q::multiply_by_quantized_multiplier_as<q::Rounding::kSingle>(-6, 1 << 30, -1) == -1);
  CHECK(q::multiply_by_quantized_multiplier_as<q::Rounding::kDouble>(-6, 1 << 30, -1) == -2);
  std::mt19937 rng(13);
  int differ = 0;
  for (int i = 0; i < 400000; ++i) {
    // Full-range x half the time, accumulator-sized x otherwise; every shift in [-31, 30].
    const auto x = i % 2 == 0 ? static_cast<std::int32_t>(rng())
                              : static_cast<std::int32_t>(rng() % 2000001) - 1000000;
    const auto m = i % 97 == 0 ? q::kInt32Max
                               : static_cast<std::int32_t>((1u << 30) + rng() % (1u << 30));
    const int shift = static_cast<int>(rng() % 62) - 31;
    const std::int32_t got = q::multiply_by_quantized_multiplier_single(x, m, shift);
    REQUIRE(got == oracle_single_i128(x, m, shift));
    REQUIRE(got == oracle_single_ld(x, m, shift));
    if (shift <= 0) {
      // Where nothing wraps or saturates the two roundings are at most 1 apart.
      const std::int32_t dbl = q::multiply_by_quantized_multiplier(x, m, shift);
      REQUIRE(std::abs(static_cast<long long>(got) - dbl) <= 1);
      differ += got != dbl ? 1 : 0;
    }
  }
  CHECK(differ > 0);
}

TEST_CASE("quantize_multiplier: significand range, ties, flush and saturation") {
  q::QuantizedMultiplier m;
  REQUIRE(q::quantize_multiplier(1.0, &m));
  CHECK(m.multiplier == (1 << 30));
  CHECK(m.shift == 1);
  REQUIRE(q::quantize_multiplier(0.5, &m));
  CHECK(m.multiplier == (1 << 30));
  CHECK(m.shift == 0);
  REQUIRE(q::quantize_multiplier(0.0, &m));
  CHECK(m.multiplier == 0);
  CHECK(m.shift == 0);
  // A significand that rounds up to 2^31 renormalises to 2^30 with shift + 1.
  REQUIRE(q::quantize_multiplier(std::nextafter(1.0, 0.0), &m));
  CHECK(m.multiplier == (1 << 30));
  CHECK(m.shift == 1);
  // Below 2^-32 the multiplier flushes to zero; above 2^30 it saturates.
  REQUIRE(q::quantize_multiplier(1e-12, &m));
  CHECK(m.multiplier == 0);
  CHECK(m.shift == 0);
  REQUIRE(q::quantize_multiplier(1e12, &m));
  CHECK(m.multiplier == q::kInt32Max);
  CHECK(m.shift == 30);
  CHECK_FALSE(q::quantize_multiplier(-0.25, &m));
  CHECK_FALSE(q::quantize_multiplier(std::nan(""), &m));
  CHECK_FALSE(q::quantize_multiplier(INFINITY, &m));
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> exp_dist(-30.0, 29.0);
  for (int i = 0; i < 100000; ++i) {
    const double real = std::exp2(exp_dist(rng));
    REQUIRE(q::quantize_multiplier(real, &m));
    REQUIRE(m.multiplier >= (1 << 30));
    const double back = std::ldexp(static_cast<double>(m.multiplier), m.shift - 31);
    REQUIRE(std::fabs(back - real) <= std::ldexp(real, -31));
  }
}

TEST_CASE("activation_range for int8 outputs") {
  q::ActRange r;
  REQUIRE(q::activation_range(0, 0.1f, 5, -128, 127, &r));
  CHECK(r.min == -128);
  CHECK(r.max == 127);
  REQUIRE(q::activation_range(1, 0.1f, 5, -128, 127, &r));  // RELU: quantize(0) = zp
  CHECK(r.min == 5);
  CHECK(r.max == 127);
  REQUIRE(q::activation_range(3, 0.05f, -128, -128, 127, &r));  // RELU6: 6 / 0.05 = 120
  CHECK(r.min == -128);
  CHECK(r.max == -8);
  REQUIRE(q::activation_range(2, 0.25f, 0, -128, 127, &r));  // RELU_N1_TO_1: +-4
  CHECK(r.min == -4);
  CHECK(r.max == 4);
  REQUIRE(q::activation_range(3, 1e-6f, 0, -128, 127, &r));  // 6/1e-6 saturates to qmax
  CHECK(r.max == 127);
  CHECK_FALSE(q::activation_range(4, 0.1f, 0, -128, 127, &r));  // TANH is not a clamp
}

TEST_CASE("exp_on_negative_values and the reciprocal track their real functions") {
  // Q5.26 inputs in [-31, 0]; exp in Q0.31 within a few ulps of 2^-31 of the true value.
  for (double v = -31.0; v <= 0.0; v += 0.03125) {
    const auto raw = static_cast<std::int32_t>(std::lround(v * (1 << 26)));
    const double got = q::exp_on_negative_values<5>(raw) / 2147483648.0;
    REQUIRE(std::fabs(got - std::exp(raw / static_cast<double>(1 << 26))) < 2e-8 + 1e-6 * got);
  }
  CHECK(q::exp_on_negative_values<5>(0) == q::kInt32Max);
  for (double x = 0.0; x < 1.0; x += 1.0 / 512) {
    const auto raw = static_cast<std::int32_t>(x * 2147483648.0);
    const double got = q::one_over_one_plus_x_for_x_in_0_1(raw) / 2147483648.0;
    REQUIRE(std::fabs(got - 1.0 / (1.0 + raw / 2147483648.0)) < 1e-8);
  }
}

namespace {
// A float drawn to reach the corners: random bit patterns of positive normals over the range
// requantization scales live in, subnormals, powers of two and short significands (which make
// exact ratios and half-way Q31 roundings likely).
float corner_float(std::mt19937_64& rng) {
  std::uniform_int_distribution<std::uint32_t> bits(0, 0xffffffffu);
  std::uniform_int_distribution<int> kind(0, 9), e(-60, 40), small(1, 4095);
  switch (kind(rng)) {
    case 0: return std::ldexp(1.0f, e(rng));
    case 1:
    case 2: return std::ldexp(static_cast<float>(small(rng)), e(rng));
    case 3: {  // subnormal
      const std::uint32_t u = (bits(rng) & 0x7fffffu) | 1u;
      float f;
      std::memcpy(&f, &u, sizeof f);
      return f;
    }
    case 4: {  // anywhere in the normal range
      const std::uint32_t u = (bits(rng) % (0x7f7fffffu - 0x00800000u)) + 0x00800000u;
      float f;
      std::memcpy(&f, &u, sizeof f);
      return f;
    }
    default: {  // typical scales: 2^-20 .. 2^4 with a random significand
      const float m = 1.0f + static_cast<float>(bits(rng) & 0x7fffffu) / 8388608.0f;
      return std::ldexp(m, std::uniform_int_distribution<int>(-20, 4)(rng));
    }
  }
}
void check_same(bool ok_d, const q::QuantizedMultiplier& d, bool ok_e,
                const q::QuantizedMultiplier& x, double real) {
  INFO("real = " << real);
  REQUIRE(ok_d == ok_e);
  if (ok_d) {
    REQUIRE(d.multiplier == x.multiplier);
    REQUIRE(d.shift == x.shift);
  }
}
}  // namespace

TEST_CASE("quantize_multiplier on exact values (integer only) equals the double computation") {
  // The double path (hardware FPU, std::frexp / std::round) is the oracle for the integer path
  // that Cortex-M builds use to avoid soft-double: same multiplier, shift and verdict.
  std::mt19937_64 rng(11);
  q::QuantizedMultiplier d, x;
  for (int i = 0; i < 400000; ++i) {
    const float a = corner_float(rng), b = corner_float(rng), c = corner_float(rng);
    INFO("a = " << a << " b = " << b << " c = " << c);
    // in_scale * w_scale / out_scale, product in double (per-channel conv / depthwise).
    const double r1 = static_cast<double>(a) * static_cast<double>(b) / static_cast<double>(c);
    check_same(q::quantize_multiplier(r1, &d), d,
               q::quantize_multiplier(q::exact_mul(q::exact(a), q::exact(b)), q::exact(c), &x), x, r1);
    // Product in float first (per-tensor FULLY_CONNECTED).
    const double r2 = static_cast<double>(a * b) / static_cast<double>(c);
    check_same(q::quantize_multiplier(r2, &d), d,
               q::quantize_multiplier(q::exact(a * b), q::exact(c), &x), x, r2);
    // A plain ratio, and one with a power-of-two factor (ADD's 2 * max and 2^20 * out_scale).
    const double r3 = static_cast<double>(a) / (std::ldexp(static_cast<double>(c), 20));
    check_same(q::quantize_multiplier(r3, &d), d,
               q::quantize_multiplier(q::exact(a), q::exact_ldexp(q::exact(c), 20), &x), x, r3);
  }
  // Zero, infinity, NaN and negative operands give the double path's verdicts.
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, std::nanf(""), -1.5f, 2.5f};
  for (float a : specials) {
    for (float c : specials) {
      const double r = static_cast<double>(a) / static_cast<double>(c);
      check_same(q::quantize_multiplier(r, &d), d, q::quantize_multiplier(q::exact(a), q::exact(c), &x),
                 x, r);
    }
  }
}

TEST_CASE("round_half_away(float) equals std::round, sign of zero included") {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<std::uint32_t> bits(0, 0xffffffffu);
  auto check = [](float v) {
    const float want = std::round(v), got = q::round_half_away(v);
    INFO("v = " << v);
    if (std::isnan(want)) {
      REQUIRE(std::isnan(got));
    } else {
      REQUIRE(got == want);
      REQUIRE(std::signbit(got) == std::signbit(want));
    }
  };
  for (int i = 0; i < 1000000; ++i) {
    std::uint32_t u = bits(rng);
    float f;
    std::memcpy(&f, &u, sizeof f);
    check(f);
    check(static_cast<float>(static_cast<std::int32_t>(u % 20001) - 10000) / 4.0f);  // halves
  }
  for (float v : {0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -0.49999997f, 0.49999997f, 8388607.5f,
                  -8388607.5f, 8388608.0f, 16777217.0f, 0.0f, -0.0f, INFINITY, -INFINITY}) {
    check(v);
  }
}

TEST_CASE("Diag prints integers of every width as std::to_string does (32-bit division only)") {
  std::mt19937_64 rng(17);
  const long long fixed[] = {0, 1, -1, 9, 10, -10, 4294967295LL, 4294967296LL, -4294967296LL,
                             std::numeric_limits<long long>::max(),
                             std::numeric_limits<long long>::min(), 1000000000000000000LL};
  auto check = [](long long v) {
    tinyml::Diag d;
    d << v;
    REQUIRE(std::string(d.c_str()) == std::to_string(v));
  };
  for (long long v : fixed) check(v);
  for (int i = 0; i < 20000; ++i) {
    check(static_cast<long long>(rng()));
    check(static_cast<long long>(rng() >> (rng() % 64)));
  }
  tinyml::Diag d;
  d << "n=" << 42u << ' ' << static_cast<unsigned long long>(4294967296ULL) << ' ' << -7;
  CHECK(std::string(d.c_str()) == "n=42 4294967296 -7");
}
