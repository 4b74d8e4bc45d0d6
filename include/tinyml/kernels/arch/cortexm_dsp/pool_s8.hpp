// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 average / max pooling: four channels per step (one unaligned word per window
// tap).
//   Average: SXTAB16 adds the tap's bytes (x0, x2) and (x1, x3) into two pairs of int16 sums,
//   exact for up to 256 taps (|sum| <= 128 * 256), so larger windows flush them into int32
//   sums every 256 taps. Then per channel the reference's rounding division ((acc +/- count/2) / count,
//   SDIV) and the activation clamp.
//   Max: SSUB8 sets the GE flags of the bytes where the tap is >= the running maximum and SEL
//   takes those bytes: a per-byte signed max in two instructions; the activation clamp is the
//   same pair against the packed bounds.
// Channel tails (C % 4) are scalar.
//
// Contract: as kernels::AveragePoolS8 / MaxPoolS8; no scratch.
// Numerics: bit-exact with the reference (same integer sums and division, same maxima).
#pragma once
#if defined(__ARM_FEATURE_DSP) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/cortexm_dsp/primitives.hpp"
#include "tinyml/kernels/pool_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace dsp {

/// Per-byte signed max of two packed int8 words.
inline std::uint32_t max4(std::uint32_t a, std::uint32_t b) noexcept {
  std::uint32_t t;
  __asm__(
      "ssub8 %[t], %[a], %[b]\n\t"
      "sel %[a], %[a], %[b]"
      : [a] "+r"(a), [t] "=&r"(t)
      : [b] "r"(b)
      : "cc");
  return a;
}

/// The reference's average of one channel: round half away from zero, then the clamp.
inline std::int8_t pool_average(std::int32_t sum, std::int32_t count, std::int32_t half,
                                std::int32_t lo, std::int32_t hi) noexcept {
  std::int32_t v = sum > 0 ? (sum + half) / count : (sum - half) / count;
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return static_cast<std::int8_t>(v);
}

}  // namespace dsp

template <>
struct AveragePoolS8<arch::CortexMDsp> {
  using ImplArch = arch::CortexMDsp;
  static std::size_t scratch_bytes(const PoolS8Args&) noexcept { return 0; }
  static void run(const PoolS8Args& a, void* scratch) noexcept {
    (void)scratch;
    const std::int32_t c_all = a.channels;
    const std::int32_t row = a.in_w * c_all;
    detail::for_each_window(
        a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox, std::int32_t y0, std::int32_t y1,
               std::int32_t x0, std::int32_t x1) {
          const std::int32_t count = (y1 - y0) * (x1 - x0);
          const std::int32_t half = count / 2;
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c_all;
          const std::int8_t* base = a.input + ((b * a.in_h + y0) * a.in_w + x0) * c_all;
          const std::int32_t cols = x1 - x0;
          std::int32_t c = 0;
          for (; c + 4 <= c_all; c += 4) {
            std::int32_t s02 = 0, s13 = 0;  // int16 pairs: channels (c, c+2) and (c+1, c+3)
            std::int32_t sum[4] = {0, 0, 0, 0};
            std::int32_t budget = 256;  // taps the int16 pairs can still take exactly
            const auto flush = [&] {
              sum[0] += static_cast<std::int16_t>(s02 & 0xFFFF);
              sum[1] += static_cast<std::int16_t>(s13 & 0xFFFF);
              sum[2] += s02 >> 16;
              sum[3] += s13 >> 16;
              s02 = s13 = 0;
              budget = 256;
            };
            const std::int8_t* r = base + c;
            for (std::int32_t y = y0; y < y1; ++y, r += row) {
              const std::int8_t* q = r;
              for (std::int32_t x = 0; x < cols; ++x, q += c_all) {
                const std::uint32_t v = dsp::load4(q);
                s02 = dsp::sxtab16(s02, v);
                s13 = dsp::sxtab16_ror8(s13, v);
                if (--budget == 0) flush();
              }
            }
            flush();
            for (std::int32_t j = 0; j < 4; ++j) {
              out[c + j] = dsp::pool_average(sum[j], count, half, a.act_min, a.act_max);
            }
          }
          for (; c < c_all; ++c) {
            std::int32_t s = 0;
            const std::int8_t* r = base + c;
            for (std::int32_t y = y0; y < y1; ++y, r += row) {
              for (std::int32_t x = 0; x < cols; ++x) s += r[x * c_all];
            }
            out[c] = dsp::pool_average(s, count, half, a.act_min, a.act_max);
          }
        });
  }
};

template <>
struct MaxPoolS8<arch::CortexMDsp> {
  using ImplArch = arch::CortexMDsp;
  static std::size_t scratch_bytes(const PoolS8Args&) noexcept { return 0; }
  static void run(const PoolS8Args& a, void* /*scratch*/) noexcept {
    const std::int32_t c_all = a.channels;
    const std::int32_t row = a.in_w * c_all;
    const std::uint32_t lo4 = dsp::splat4(a.act_min), hi4 = dsp::splat4(a.act_max);
    detail::for_each_window(
        a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox, std::int32_t y0, std::int32_t y1,
               std::int32_t x0, std::int32_t x1) {
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c_all;
          const std::int8_t* base = a.input + ((b * a.in_h + y0) * a.in_w + x0) * c_all;
          const std::int32_t cols = x1 - x0;
          std::int32_t c = 0;
          for (; c + 4 <= c_all; c += 4) {
            std::uint32_t m = 0x80808080u;  // -128 in every byte
            const std::int8_t* r = base + c;
            for (std::int32_t y = y0; y < y1; ++y, r += row) {
              const std::int8_t* q = r;
              for (std::int32_t x = 0; x < cols; ++x, q += c_all) m = dsp::max4(dsp::load4(q), m);
            }
            dsp::store4(out + c, dsp::clamp4(m, lo4, hi4));
          }
          for (; c < c_all; ++c) {
            std::int32_t m = -128;
            const std::int8_t* r = base + c;
            for (std::int32_t y = y0; y < y1; ++y, r += row) {
              for (std::int32_t x = 0; x < cols; ++x) m = r[x * c_all] > m ? r[x * c_all] : m;
            }
            m = m < a.act_min ? a.act_min : m;
            out[c] = static_cast<std::int8_t>(m > a.act_max ? a.act_max : m);
          }
        });
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_DSP
