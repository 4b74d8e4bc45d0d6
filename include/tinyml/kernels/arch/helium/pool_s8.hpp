// SPDX-License-Identifier: Apache-2.0
// Helium (MVE) int8 average pooling: four channels per step, each window tap one VLDRB.S32 and
// one VADD (int32 sums, exact); the rounding division (the reference's (acc +/- count/2) / count)
// stays scalar, one SDIV per channel. Max pooling inherits the parent's.
//
// Contract: as kernels::AveragePoolS8; no scratch.
// Numerics: bit-exact with the reference (same int32 sums, same integer division).
#pragma once
#if defined(__ARM_FEATURE_MVE) && !defined(TINYML_FORCE_GENERIC)

#include <arm_mve.h>

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/pool_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct AveragePoolS8<arch::Helium> {
  using ImplArch = arch::Helium;
  using Parent = AveragePoolS8<arch::CortexMDsp>;
  static std::size_t scratch_bytes(const PoolS8Args& a) noexcept {
    return Parent::scratch_bytes(a);
  }
  static void run(const PoolS8Args& a, void* /*scratch*/) noexcept {
    const std::int32_t c_all = a.channels;
    detail::for_each_window(
        a, [&](std::int32_t b, std::int32_t oy, std::int32_t ox, std::int32_t y0, std::int32_t y1,
               std::int32_t x0, std::int32_t x1) {
          const std::int32_t count = (y1 - y0) * (x1 - x0);
          const std::int32_t half = count / 2;
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c_all;
          const std::int8_t* base = a.input + ((b * a.in_h + y0) * a.in_w + x0) * c_all;
          const std::int32_t row = a.in_w * c_all;
          for (std::int32_t c = 0; c < c_all; c += 4) {
            const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(c_all - c));
            int32x4_t acc = vdupq_n_s32(0);
            const std::int8_t* r = base + c;
            for (std::int32_t y = y0; y < y1; ++y, r += row) {
              const std::int8_t* q = r;
              for (std::int32_t x = x0; x < x1; ++x, q += c_all) {
                acc = vaddq_s32(acc, vldrbq_z_s32(q, p));
              }
            }
            std::int32_t sums[4];
            vst1q_s32(sums, acc);
            const std::int32_t n = c_all - c < 4 ? c_all - c : 4;
            for (std::int32_t l = 0; l < n; ++l) {
              const std::int32_t v = sums[l];
              const std::int32_t avg = v > 0 ? (v + half) / count : (v - half) / count;
              out[c + l] = static_cast<std::int8_t>(clamp_i32(avg, a.act_min, a.act_max));
            }
          }
        });
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __ARM_FEATURE_MVE
