// SPDX-License-Identifier: Apache-2.0
// The small AVX2 vocabulary the x86 int8 kernels share: widening loads, an exact int16 dot
// product, an 8-way horizontal reduction, and TFLite's requantization on 8 int32 lanes.
//
// Numerics: requantize8 reproduces multiply_by_quantized_multiplier lane by lane, bit for bit.
// The high multiply uses floor((a*b + 2^30) / 2^31), which equals gemmlowp's nudge-and-truncate
// for every input (ties go toward +infinity in both); the right shift rounds half away from zero
// exactly like rounding_divide_by_pot. Multipliers are >= 0, so the INT32_MIN*INT32_MIN
// saturation case cannot occur. Products are formed with vpmaddwd on int16 operands (int8 values
// plus an offset in [-255, 255]): exact, no saturation.
#pragma once
#if defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)

#include <immintrin.h>

#include <cstdint>

#include "tinyml/config.hpp"
#include "tinyml/quant/fixed_point.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace avx2 {

/// multiply_by_quantized_multiplier on 8 lanes; `left`/`right` are the per-lane shifts
/// max(shift, 0) and max(-shift, 0).
inline __m256i requantize8(__m256i x, __m256i mult, __m256i left, __m256i right) noexcept {
  x = _mm256_sllv_epi32(x, left);
  const __m256i nudge = _mm256_set1_epi64x(std::int64_t{1} << 30);
  __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, mult), nudge);
  __m256i odd = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mult, 32)), nudge);
  even = _mm256_srli_epi64(even, 31);
  odd = _mm256_slli_epi64(_mm256_srli_epi64(odd, 31), 32);
  const __m256i hm = _mm256_blend_epi32(even, odd, 0xAA);
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
  const __m256i rem = _mm256_and_si256(hm, mask);
  const __m256i neg = _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), hm), one);
  const __m256i thr = _mm256_add_epi32(_mm256_srai_epi32(mask, 1), neg);
  return _mm256_add_epi32(_mm256_srav_epi32(hm, right),
                          _mm256_and_si256(_mm256_cmpgt_epi32(rem, thr), one));
}

/// Per-lane shift split of 8 consecutive int8 shifts.
struct Shifts8 {
  __m256i left, right;
};
inline Shifts8 load_shifts8(const std::int8_t* s) noexcept {
  const __m256i v = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(s)));
  const __m256i zero = _mm256_setzero_si256();
  return {_mm256_max_epi32(v, zero), _mm256_max_epi32(_mm256_sub_epi32(zero, v), zero)};
}
inline Shifts8 broadcast_shift(int shift) noexcept {
  return {_mm256_set1_epi32(shift > 0 ? shift : 0), _mm256_set1_epi32(shift > 0 ? 0 : -shift)};
}

/// quant::multiply_by_quantized_multiplier_single on 8 lanes (FULLY_CONNECTED's single rounding),
/// with the per-lane constants of the lanes' shifts prepared once. With t = 31 - shift in
/// [1, 62] and v = x*M + 2^(t-1) (|v| < 2^63), AVX2 has no 64-bit arithmetic shift, so it uses
///   u = v + 2^63 (as unsigned, exact), u >> t (logical) = floor(v / 2^t) + 2^(63-t),
/// then w = floor(v / 2^t) + 2^31: the result fits int32 iff w's high word is 0 (else it
/// saturates by the sign of that word), and is then w's low word with bit 31 flipped.
struct Single8 {
  __m256i t_even, t_odd;      // t of lanes 0,2,4,6 / 1,3,5,7, as 64-bit shift counts
  __m256i add_even, add_odd;  // 2^(t-1) + 2^63
  __m256i sub_even, sub_odd;  // 2^(63-t) - 2^31

  /// `shift`: the eight lanes' shifts as int32.
  explicit Single8(__m256i shift) noexcept {
    const __m256i t = _mm256_sub_epi32(_mm256_set1_epi32(31), shift);
    t_even = _mm256_and_si256(t, _mm256_set1_epi64x(0xFFFFFFFF));
    t_odd = _mm256_srli_epi64(t, 32);
    const __m256i one = _mm256_set1_epi64x(1), sign = _mm256_set1_epi64x(INT64_MIN);
    const __m256i k63 = _mm256_set1_epi64x(63), k31 = _mm256_set1_epi64x(std::int64_t{1} << 31);
    add_even = _mm256_or_si256(_mm256_sllv_epi64(one, _mm256_sub_epi64(t_even, one)), sign);
    add_odd = _mm256_or_si256(_mm256_sllv_epi64(one, _mm256_sub_epi64(t_odd, one)), sign);
    sub_even = _mm256_sub_epi64(_mm256_sllv_epi64(one, _mm256_sub_epi64(k63, t_even)), k31);
    sub_odd = _mm256_sub_epi64(_mm256_sllv_epi64(one, _mm256_sub_epi64(k63, t_odd)), k31);
  }
  /// x * mult per lane, rounded once (mult >= 0).
  __m256i operator()(__m256i x, __m256i mult) const noexcept {
    const __m256i pe = _mm256_mul_epi32(x, mult);
    const __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mult, 32));
    const __m256i we =
        _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(pe, add_even), t_even), sub_even);
    const __m256i wo =
        _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(po, add_odd), t_odd), sub_odd);
    const __m256i lo = _mm256_blend_epi32(we, _mm256_slli_epi64(wo, 32), 0xAA);
    const __m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(we, 32), wo, 0xAA);
    const __m256i zero = _mm256_setzero_si256();
    __m256i r = _mm256_xor_si256(lo, _mm256_set1_epi32(INT32_MIN));
    r = _mm256_blendv_epi8(r, _mm256_set1_epi32(INT32_MAX), _mm256_cmpgt_epi32(hi, zero));
    return _mm256_blendv_epi8(r, _mm256_set1_epi32(INT32_MIN), _mm256_cmpgt_epi32(zero, hi));
  }
};

/// multiply_by_quantized_multiplier_as<R> on 8 lanes, constants prepared from the lanes' shifts.
template <quant::Rounding R>
struct Requant8;
template <>
struct Requant8<quant::Rounding::kDouble> {
  Shifts8 sh;
  explicit Requant8(__m256i shift) noexcept {
    const __m256i zero = _mm256_setzero_si256();
    sh = {_mm256_max_epi32(shift, zero), _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero)};
  }
  __m256i operator()(__m256i x, __m256i mult) const noexcept {
    return requantize8(x, mult, sh.left, sh.right);
  }
};
template <>
struct Requant8<quant::Rounding::kSingle> : Single8 {
  explicit Requant8(__m256i shift) noexcept : Single8(shift) {}
};
/// Eight consecutive int8 shifts as int32 lanes.
inline __m256i load_shift_lanes(const std::int8_t* s) noexcept {
  return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(s)));
}

/// Adds the output offset, clamps to [lo, hi] and narrows 8 int32 lanes to 8 int8 stored at out.
inline void store8_s8(std::int8_t* out, __m256i v, __m256i offset, __m256i lo, __m256i hi) noexcept {
  v = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v, offset), lo), hi);
  const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packs_epi16(p16, p16));
}
/// Same for the first n (< 8) lanes.
inline void store_n_s8(std::int8_t* out, __m256i v, __m256i offset, __m256i lo, __m256i hi,
                       int n) noexcept {
  alignas(16) std::int8_t tmp[8];
  store8_s8(tmp, v, offset, lo, hi);
  for (int i = 0; i < n; ++i) out[i] = tmp[i];
}

/// Sums of 8 vectors' lanes: result lane j = sum of v[j]'s 8 lanes.
inline __m256i reduce8(__m256i v0, __m256i v1, __m256i v2, __m256i v3, __m256i v4, __m256i v5,
                       __m256i v6, __m256i v7) noexcept {
  const __m256i t0 = _mm256_hadd_epi32(v0, v1), t1 = _mm256_hadd_epi32(v2, v3);
  const __m256i t2 = _mm256_hadd_epi32(v4, v5), t3 = _mm256_hadd_epi32(v6, v7);
  const __m256i u0 = _mm256_hadd_epi32(t0, t1), u1 = _mm256_hadd_epi32(t2, t3);
  return _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20),
                          _mm256_permute2x128_si256(u0, u1, 0x31));
}

/// Widens n int8 values plus `offset` to int16 at dst (n may be any count).
inline void widen_offset_s8(std::int16_t* dst, const std::int8_t* src, int n, std::int16_t offset) noexcept {
  const __m256i off = _mm256_set1_epi16(offset);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_add_epi16(v, off));
  }
  if (i + 8 <= n) {
    const __m128i v = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_add_epi16(v, _mm256_castsi256_si128(off)));
    i += 8;
  }
  for (; i < n; ++i) dst[i] = static_cast<std::int16_t>(src[i] + offset);
}

/// Partial sums (8 lanes) of dot(w[0..k), p[0..k)) for int8 weights and int16 activations.
/// Reads exactly k weight bytes when `exact`, else up to round_up(k, 16) (the caller guarantees
/// those bytes are readable and that p is zero-padded to that length).
template <bool kExact>
inline __m256i dot_s8_s16(const std::int8_t* w, const std::int16_t* p, int k) noexcept {
  __m256i acc = _mm256_setzero_si256();
  int i = 0;
  for (; i + 16 <= k; i += 16) {
    const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(wv, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i))));
  }
  if (i == k) return acc;
  if (!kExact) {
    const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(wv, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i))));
  }
  if (i + 8 <= k) {
    const __m128i wv = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + i)));
    const __m128i pr = _mm_madd_epi16(wv, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
    acc = _mm256_add_epi32(acc, _mm256_set_m128i(_mm_setzero_si128(), pr));
    i += 8;
  }
  std::int32_t tail = 0;
  for (; i < k; ++i) tail += static_cast<std::int32_t>(w[i]) * p[i];
  return _mm256_add_epi32(acc, _mm256_setr_epi32(tail, 0, 0, 0, 0, 0, 0, 0));
}

/// Partial sums (8 lanes) of dot(w[0..k), x[0..k) + offset) for int8 weights and activations,
/// reading exactly k bytes of each (no scratch needed).
inline __m256i dot_s8_s8(const std::int8_t* w, const std::int8_t* x, __m256i offset16, int k) noexcept {
  __m256i acc = _mm256_setzero_si256();
  int i = 0;
  for (; i + 16 <= k; i += 16) {
    const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
    const __m256i xv = _mm256_add_epi16(
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))), offset16);
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(wv, xv));
  }
  if (i + 8 <= k) {
    const __m128i wv = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + i)));
    const __m128i xv = _mm_add_epi16(_mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(x + i))),
                                     _mm256_castsi256_si128(offset16));
    acc = _mm256_add_epi32(acc, _mm256_set_m128i(_mm_setzero_si128(), _mm_madd_epi16(wv, xv)));
    i += 8;
  }
  std::int32_t tail = 0;
  const std::int32_t off = static_cast<std::int16_t>(_mm256_extract_epi16(offset16, 0));
  for (; i < k; ++i) tail += static_cast<std::int32_t>(w[i]) * (x[i] + off);
  return _mm256_add_epi32(acc, _mm256_setr_epi32(tail, 0, 0, 0, 0, 0, 0, 0));
}

}  // namespace avx2
}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
