// SPDX-License-Identifier: Apache-2.0
// The small AVX-512 vocabulary the avx512 int8 kernels share: TFLite's requantization on 16
// int32 lanes (double and single rounding), clamping and narrowing stores, horizontal reductions,
// byte copies with the 0x80 flip that VPDPBUSD's unsigned operand needs, and a 16x16 dword
// transpose (weight packing).
//
// The VPDPBUSD identity. VPDPBUSD multiplies unsigned bytes by signed bytes and adds each group
// of four products to an int32 lane (wrapping, no saturation). With activations x in [-128, 127]
// fed as u = x + 128 (the byte x ^ 0x80) and int8 weights w:
//   sum(w * (x + offset)) = sum(w * u) + (offset - 128) * sum(w)
// exactly in int32 (two's complement arithmetic is a ring, so even a wrapped reference sum is
// reproduced). A tap outside the image, which the reference skips, becomes the byte
// u = 128 - offset (in [0, 255] for every int8 zero point): its term w * (u - 128 + offset) is 0.
//
// Numerics: requantize16 / Single16 reproduce quant::multiply_by_quantized_multiplier and
// multiply_by_quantized_multiplier_single lane by lane, bit for bit (multipliers >= 0).
#pragma once

#include "tinyml/kernels/arch/avx512/isa.hpp"

#if defined(TINYML_AVX512_KERNELS)

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/config.hpp"
#include "tinyml/quant/fixed_point.hpp"

TINYML_AVX512_DIAGNOSTICS_PUSH

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace avx512 {

constexpr std::int64_t round_up(std::int64_t v, std::int64_t m) noexcept { return (v + m - 1) / m * m; }

/// 64-byte aligned pointer at or after p (p must have 63 bytes of slack).
template <class T>
inline T* align64(void* p) noexcept {
  const auto v = reinterpret_cast<std::uintptr_t>(p);
  return reinterpret_cast<T*>((v + 63) / 64 * 64);
}

/// acc + VPDPBUSD(x: unsigned bytes, w: signed bytes): each int32 lane adds its four u8 x s8
/// products (wrapping). GCC 12 wraps the intrinsic in two register copies per use inside
/// unrolled tiles; the inline-asm form (same encoding) keeps the accumulators in place.
inline __m512i dpbusd(__m512i acc, __m512i x, __m512i w) noexcept {
#if defined(TINYML_AVX512_NATIVE) && defined(__GNUC__) && !defined(__clang__)
  __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
  return acc;
#else
  return _mm512_dpbusd_epi32(acc, x, w);
#endif
}

/// Mask of the first n bytes (0 <= n <= 64).
inline __mmask64 byte_mask(std::int64_t n) noexcept {
  return n >= 64 ? ~__mmask64{0} : ((__mmask64{1} << n) - 1);
}

/// multiply_by_quantized_multiplier on 16 lanes. `left`/`right`: per-lane max(shift, 0) and
/// max(-shift, 0). The high multiply is floor((a*b + 2^30) / 2^31), which equals gemmlowp's
/// nudge-and-truncate for every input; the right shift rounds half away from zero.
inline __m512i requantize16(__m512i x, __m512i mult, __m512i left, __m512i right) noexcept {
  x = _mm512_sllv_epi32(x, left);
  const __m512i nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, mult), nudge);
  const __m512i odd = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(mult, 32)), nudge);
  // Bits 31..62 of each 64-bit sum: the even lanes' land in the low dword by a logical right
  // shift, the odd lanes' in the high dword by a left shift of one.
  const __m512i hm = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, right), one);
  const __m512i rem = _mm512_and_si512(hm, mask);
  const __m512i thr = _mm512_add_epi32(_mm512_srli_epi32(mask, 1), _mm512_srli_epi32(hm, 31));
  const __m512i q = _mm512_srav_epi32(hm, right);
  return _mm512_mask_add_epi32(q, _mm512_cmpgt_epi32_mask(rem, thr), q, one);
}

/// Per-lane constants of requantize16 for 16 channels.
struct Quant16 {
  __m512i mult, left, right;
};
/// From 16 int32 shifts (one per lane).
inline Quant16 quant16(__m512i mult, __m512i shift) noexcept {
  const __m512i zero = _mm512_setzero_si512();
  return {mult, _mm512_max_epi32(shift, zero), _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero)};
}
inline __m512i requantize16(__m512i x, const Quant16& q) noexcept {
  return requantize16(x, q.mult, q.left, q.right);
}

/// multiply_by_quantized_multiplier_single on 16 lanes: (x*M + 2^(t-1)) >> t in 64 bits with
/// t = 31 - shift in [1, 62], saturated to int32 (|x*M| < 2^62, so the sum cannot overflow).
struct Single16 {
  __m512i mult;
  __m512i t_even, t_odd;          // t of lanes 0,2,.. / 1,3,.. as 64-bit counts
  __m512i round_even, round_odd;  // 2^(t-1)
  Single16(__m512i m, __m512i shift) noexcept : mult(m) {
    const __m512i t = _mm512_sub_epi32(_mm512_set1_epi32(31), shift);
    t_even = _mm512_and_si512(t, _mm512_set1_epi64(0xFFFFFFFF));
    t_odd = _mm512_srli_epi64(t, 32);
    const __m512i one = _mm512_set1_epi64(1);
    round_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(t_even, one));
    round_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(t_odd, one));
  }
  __m512i operator()(__m512i x) const noexcept {
    const __m512i lo = _mm512_set1_epi64(INT32_MIN), hi = _mm512_set1_epi64(INT32_MAX);
    __m512i e = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, mult), round_even), t_even);
    __m512i o = _mm512_srav_epi64(
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(mult, 32)), round_odd),
        t_odd);
    e = _mm512_min_epi64(_mm512_max_epi64(e, lo), hi);
    o = _mm512_min_epi64(_mm512_max_epi64(o, lo), hi);
    return _mm512_mask_blend_epi32(0xAAAA, e, _mm512_slli_epi64(o, 32));
  }
};

/// The requantizer of a rounding mode on 16 lanes.
template <quant::Rounding R>
struct Requant16;
template <>
struct Requant16<quant::Rounding::kDouble> {
  Quant16 q;
  Requant16(__m512i mult, __m512i shift) noexcept : q(quant16(mult, shift)) {}
  __m512i operator()(__m512i x) const noexcept { return requantize16(x, q); }
};
template <>
struct Requant16<quant::Rounding::kSingle> {
  Single16 s;
  Requant16(__m512i mult, __m512i shift) noexcept : s(mult, shift) {}
  __m512i operator()(__m512i x) const noexcept { return s(x); }
};

/// Output stage constants: zero point and the fused activation range.
struct OutStage {
  __m512i offset, lo, hi;
  OutStage(std::int32_t output_offset, std::int32_t act_min, std::int32_t act_max) noexcept
      : offset(_mm512_set1_epi32(output_offset)),
        lo(_mm512_set1_epi32(act_min)),
        hi(_mm512_set1_epi32(act_max)) {}
  /// + zero point (wrapping, as quant::wrapping_add), clamp, narrow to 16 int8.
  __m128i operator()(__m512i v) const noexcept {
    v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, offset), lo), hi);
    return _mm512_cvtsepi32_epi8(v);  // in range: the saturation never applies
  }
  /// Same, clamped int32 (for packing several vectors at once).
  __m512i clamp(__m512i v) const noexcept {
    return _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, offset), lo), hi);
  }
};

/// Stores the first n (1..16) bytes of v at out.
inline void store_n(std::int8_t* out, __m128i v, std::int32_t n) noexcept {
  if (n >= 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v);
  } else {
    _mm512_mask_storeu_epi8(out, byte_mask(n), _mm512_castsi128_si512(v));
  }
}

/// 16 int8 at p as int32 lanes.
inline __m512i load16_s8_i32(const std::int8_t* p) noexcept {
  return _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

/// Lane sums of 16 vectors: result lane j = sum of v[j]'s 16 lanes.
inline __m512i reduce16(const __m512i* v) noexcept {
  __m512i t[8], u[4];
  for (int i = 0; i < 8; ++i) {
    // per 128-bit lane: [a0+a2, b0+b2, a1+a3, b1+b3]
    t[i] = _mm512_add_epi32(_mm512_unpacklo_epi32(v[2 * i], v[2 * i + 1]),
                            _mm512_unpackhi_epi32(v[2 * i], v[2 * i + 1]));
  }
  for (int i = 0; i < 4; ++i) {
    // per 128-bit lane: [a, b, c, d] partial sums of v[4i..4i+3]
    u[i] = _mm512_add_epi32(_mm512_unpacklo_epi64(t[2 * i], t[2 * i + 1]),
                            _mm512_unpackhi_epi64(t[2 * i], t[2 * i + 1]));
  }
  const __m512i s01 = _mm512_add_epi32(_mm512_shuffle_i32x4(u[0], u[1], 0x44), _mm512_shuffle_i32x4(u[0], u[1], 0xEE));
  const __m512i s23 = _mm512_add_epi32(_mm512_shuffle_i32x4(u[2], u[3], 0x44), _mm512_shuffle_i32x4(u[2], u[3], 0xEE));
  return _mm512_add_epi32(_mm512_shuffle_i32x4(s01, s23, 0x88), _mm512_shuffle_i32x4(s01, s23, 0xDD));
}
/// Lane sums of 8 vectors in lanes 0..7 (lanes 8..15: a copy of them).
inline __m512i reduce8(const __m512i* v) noexcept {
  __m512i t[4], u[2];
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_add_epi32(_mm512_unpacklo_epi32(v[2 * i], v[2 * i + 1]),
                            _mm512_unpackhi_epi32(v[2 * i], v[2 * i + 1]));
  }
  for (int i = 0; i < 2; ++i) {
    u[i] = _mm512_add_epi32(_mm512_unpacklo_epi64(t[2 * i], t[2 * i + 1]),
                            _mm512_unpackhi_epi64(t[2 * i], t[2 * i + 1]));
  }
  const __m512i s = _mm512_add_epi32(_mm512_shuffle_i32x4(u[0], u[1], 0x44), _mm512_shuffle_i32x4(u[0], u[1], 0xEE));
  return _mm512_add_epi32(_mm512_shuffle_i32x4(s, s, 0x88), _mm512_shuffle_i32x4(s, s, 0xDD));
}

/// Transposes 16 rows of 16 dwords in place: afterwards v[c] holds dword c of every row (row r
/// in lane r).
inline void transpose16x16(__m512i* v) noexcept {
  __m512i t[16], u[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_epi32(v[2 * i], v[2 * i + 1]);      // [a0 b0 a1 b1] per lane
    t[2 * i + 1] = _mm512_unpackhi_epi32(v[2 * i], v[2 * i + 1]);  // [a2 b2 a3 b3]
  }
  for (int i = 0; i < 4; ++i) {
    u[4 * i + 0] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);      // rows 4i..4i+3, dword 0 of each lane
    u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);      // dword 1
    u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);  // dword 2
    u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);  // dword 3
  }
  for (int j = 0; j < 4; ++j) {
    // u[j], u[4+j], u[8+j], u[12+j]: rows 0-3, 4-7, 8-11, 12-15; lane L = column 4L + j.
    const __m512i ab_lo = _mm512_shuffle_i32x4(u[j], u[4 + j], 0x44);
    const __m512i ab_hi = _mm512_shuffle_i32x4(u[j], u[4 + j], 0xEE);
    const __m512i cd_lo = _mm512_shuffle_i32x4(u[8 + j], u[12 + j], 0x44);
    const __m512i cd_hi = _mm512_shuffle_i32x4(u[8 + j], u[12 + j], 0xEE);
    v[0 + j] = _mm512_shuffle_i32x4(ab_lo, cd_lo, 0x88);
    v[4 + j] = _mm512_shuffle_i32x4(ab_lo, cd_lo, 0xDD);
    v[8 + j] = _mm512_shuffle_i32x4(ab_hi, cd_hi, 0x88);
    v[12 + j] = _mm512_shuffle_i32x4(ab_hi, cd_hi, 0xDD);
  }
}

/// dst[i] = src[i] ^ 0x80 (int8 -> the unsigned byte x + 128) for n bytes.
inline void flip_copy(std::uint8_t* dst, const std::int8_t* src, std::int64_t n) noexcept {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  std::int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    _mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), flip));
  }
  if (i < n) {
    const __mmask64 m = byte_mask(n - i);
    _mm512_mask_storeu_epi8(dst + i, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + i), flip));
  }
}

}  // namespace avx512
}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

TINYML_AVX512_DIAGNOSTICS_POP

#endif  // TINYML_AVX512_KERNELS
