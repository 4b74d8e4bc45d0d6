// SPDX-License-Identifier: Apache-2.0
// AVX2 int8 depthwise convolution (depth multiplier 1): 8 channels per vector, taps accumulated
// in int32 ((input + offset) * weight with vpmulld), then requantized 8 lanes at once. Depth
// multipliers other than 1 use the reference path.
//
// Contract: as kernels::DepthwiseConvS8; no scratch.
// Numerics: bit-exact with the reference (identical integer sums, requantize8).
#pragma once
#if defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/avx2/primitives.hpp"
#include "tinyml/kernels/depthwise_conv_s8.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct DepthwiseConvS8<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const DepthwiseConvS8Args&) noexcept { return 0; }

  static void run(const DepthwiseConvS8Args& a, void* scratch) noexcept {
    if (a.depth_multiplier != 1 || a.in_c < 8) {
      DepthwiseConvS8<arch::Generic>::run(a, scratch);
      return;
    }
    const std::int32_t c = a.in_c;
    const __m256i in_off = _mm256_set1_epi32(a.input_offset);
    const __m256i out_off = _mm256_set1_epi32(a.output_offset);
    const __m256i lo = _mm256_set1_epi32(a.act_min), hi = _mm256_set1_epi32(a.act_max);
    auto load8 = [](const std::int8_t* p) {
      return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    };
    for (std::int32_t b = 0; b < a.batches; ++b) {
      for (std::int32_t oy = 0; oy < a.out_h; ++oy) {
        const std::int32_t in_y0 = oy * a.stride_h - a.pad_h;
        for (std::int32_t ox = 0; ox < a.out_w; ++ox) {
          const std::int32_t in_x0 = ox * a.stride_w - a.pad_w;
          std::int8_t* out = a.output + ((b * a.out_h + oy) * a.out_w + ox) * c;
          // The last block overlaps the previous one when c % 8 != 0 (c >= 8): recomputing a
          // few channels is cheaper than a scalar tail and writes identical values.
          for (std::int32_t cb = 0; cb < c; cb += 8) {
            const std::int32_t ch = cb + 8 <= c ? cb : c - 8;
            __m256i acc = a.bias != nullptr
                              ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.bias + ch))
                              : _mm256_setzero_si256();
            for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
              const std::int32_t iy = in_y0 + a.dilation_h * ky;
              if (iy < 0 || iy >= a.in_h) continue;
              for (std::int32_t kx = 0; kx < a.k_w; ++kx) {
                const std::int32_t ix = in_x0 + a.dilation_w * kx;
                if (ix < 0 || ix >= a.in_w) continue;
                const __m256i x = _mm256_add_epi32(
                    load8(a.input + ((b * a.in_h + iy) * a.in_w + ix) * c + ch), in_off);
                const __m256i w = load8(a.filter + (ky * a.k_w + kx) * c + ch);
                acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(x, w));
              }
            }
            const avx2::Shifts8 sh = avx2::load_shifts8(a.shift + ch);
            const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.multiplier + ch));
            avx2::store8_s8(out + ch, avx2::requantize8(acc, m, sh.left, sh.right), out_off, lo, hi);
          }
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
