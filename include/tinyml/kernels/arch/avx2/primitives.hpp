// SPDX-License-Identifier: Apache-2.0
// The small AVX2 vocabulary the x86 int8 kernels share: widening loads, an exact int16 dot
// product, an 8-way horizontal reduction, TFLite's requantization on 8 int32 lanes (requantize8,
// and requant8_pre with per-block constants prepared once), the int8 output stage, and the
// byte-pair transpose that packs filters for the broadcast kernels.
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

/// acc += madd(a, b) with the sum written in place (GCC otherwise often adds into the product's
/// register and copies it back to the accumulator: one extra instruction per step).
inline void madd_acc(__m256i& acc, __m256i a, __m256i b) noexcept {
#if defined(__GNUC__)
  const __m256i p = _mm256_madd_epi16(a, b);
  __asm__("vpaddd {%1, %0, %0|%0, %0, %1}" : "+x"(acc) : "x"(p));  // AT&T | Intel syntax
#else
  acc = _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
#endif
}

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

/// Single8 for lanes whose shifts are all <= -1 (t = 31 - shift in [32, 62], the usual case of
/// per-channel multipliers below one): |x*M + 2^(t-1)| < 2^63 and the result always fits int32,
/// so floor(v / 2^t) is v's high word shifted right (arithmetically) by t - 32: no saturation
/// and no 64-bit shift emulation.
struct SingleNeg8 {
  __m256i rnd_even, rnd_odd;  // 2^(t-1) of lanes 0,2,4,6 / 1,3,5,7, as 64-bit lanes
  __m256i rs;                 // t - 32 per lane
  explicit SingleNeg8(__m256i shift) noexcept {
    const __m256i t = _mm256_sub_epi32(_mm256_set1_epi32(31), shift);
    rs = _mm256_sub_epi32(t, _mm256_set1_epi32(32));
    const __m256i tm1 = _mm256_sub_epi32(t, _mm256_set1_epi32(1)), one = _mm256_set1_epi64x(1);
    rnd_even = _mm256_sllv_epi64(one, _mm256_and_si256(tm1, _mm256_set1_epi64x(0xFFFFFFFF)));
    rnd_odd = _mm256_sllv_epi64(one, _mm256_srli_epi64(tm1, 32));
  }
  __m256i operator()(__m256i x, __m256i mult) const noexcept {
    const __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, mult), rnd_even);
    const __m256i po =
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mult, 32)), rnd_odd);
    return _mm256_srav_epi32(_mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA), rs);
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


/// Requantization constants of 8 output channels, prepared once per channel block so that the
/// per-pixel requantization (requant8_pre) is 16 vector instructions with memory operands.
struct alignas(32) Requant8Params {
  std::int32_t bias[8];     // added first (0 when the op has none)
  std::int32_t mult[8];     // even 64-bit lanes' multipliers (low words)
  std::int32_t mult_hi[8];  // odd lanes' multipliers moved to the low words (mult >> 32)
  std::int32_t left[8], right[8];
  std::int32_t mask[8];     // (1 << right) - 1
  std::int32_t half[8];     // mask >> 1
  bool any_left;            // some lane shifts left
};

/// Fills p (a Requant8Params or any struct with the same fields) for channels ch[0..7]
/// (duplicates allowed).
template <class P = Requant8Params>
inline void make_requant8_params(P* p, const std::int32_t* bias,
                                 const std::int32_t* mult, const std::int8_t* shift,
                                 const std::int32_t* ch) noexcept {
  bool contiguous = true;
  for (int j = 1; j < 8; ++j) contiguous = contiguous && ch[j] == ch[0] + j;
  __m256i b, m, sh;
  if (contiguous) {
    const std::int32_t c = ch[0];
    b = bias != nullptr ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + c)) : _mm256_setzero_si256();
    m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(mult + c));
    sh = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(shift + c)));
  } else {
    alignas(32) std::int32_t tb[8], tm[8], ts[8];
    for (int j = 0; j < 8; ++j) {
      tb[j] = bias != nullptr ? bias[ch[j]] : 0;
      tm[j] = mult[ch[j]];
      ts[j] = shift[ch[j]];
    }
    b = _mm256_load_si256(reinterpret_cast<const __m256i*>(tb));
    m = _mm256_load_si256(reinterpret_cast<const __m256i*>(tm));
    sh = _mm256_load_si256(reinterpret_cast<const __m256i*>(ts));
  }
  const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1);
  const __m256i left = _mm256_max_epi32(sh, zero), right = _mm256_max_epi32(_mm256_sub_epi32(zero, sh), zero);
  // (1 << right) - 1, and -1 for right >= 32 (the variable shift then yields 0).
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
  auto st = [](std::int32_t* d, __m256i v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(d), v); };
  st(p->bias, b);
  st(p->mult, m);
  st(p->mult_hi, _mm256_srli_epi64(m, 32));  // odd lanes' multipliers in the even lanes, 0 in odd
  st(p->left, left);
  st(p->right, right);
  st(p->mask, mask);
  st(p->half, _mm256_srai_epi32(mask, 1));
  p->any_left = _mm256_movemask_epi8(_mm256_cmpgt_epi32(sh, zero)) != 0;
}

/// p for one multiplier/shift in every lane (no bias). Shifts beyond +-31 behave as in
/// requantize8 (the variable vector shifts' out-of-range semantics).
inline void make_requant8_params_scalar(Requant8Params* p, std::int32_t mult, std::int32_t shift) noexcept {
  const std::int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  for (int j = 0; j < 8; ++j) {
    p->bias[j] = 0;
    p->mult[j] = mult;
    p->mult_hi[j] = j % 2 == 0 ? mult : 0;
    p->left[j] = left;
    p->right[j] = right;
    p->mask[j] = right >= 32 ? -1 : static_cast<std::int32_t>((std::uint32_t{1} << right) - 1u);
    p->half[j] = p->mask[j] >> 1;
  }
  p->any_left = left > 0;
}

/// (acc + bias) requantized lane by lane exactly as multiply_by_quantized_multiplier (double
/// rounding), with p's prepared constants. Same arithmetic as requantize8: the high multiply is
/// floor((x*M + 2^30) / 2^31) taken from the 64-bit products (odd lanes shifted left by one so
/// the wanted bits land in the high word), then the rounding right shift adds 1 when the
/// remainder exceeds mask/2 (+1 for negative values), i.e. rounds half away from zero.
/// kBias = false skips the bias (for constants whose bias lanes are all 0).
template <class P = Requant8Params, bool kBias = true>
inline __m256i requant8_pre(__m256i acc, const P& p) noexcept {
  auto ld = [](const std::int32_t* v) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(v)); };
  __m256i x = kBias ? _mm256_add_epi32(acc, ld(p.bias)) : acc;
  if (p.any_left) x = _mm256_sllv_epi32(x, ld(p.left));
  const __m256i nudge = _mm256_set1_epi64x(std::int64_t{1} << 30);
  const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, ld(p.mult)), nudge);
  const __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), ld(p.mult_hi)), nudge);
  const __m256i hm = _mm256_blend_epi32(_mm256_srli_epi64(even, 31), _mm256_slli_epi64(odd, 1), 0xAA);
  const __m256i thr = _mm256_sub_epi32(ld(p.half), _mm256_srai_epi32(hm, 31));
  const __m256i rem = _mm256_and_si256(hm, ld(p.mask));
  return _mm256_sub_epi32(_mm256_srav_epi32(hm, ld(p.right)), _mm256_cmpgt_epi32(rem, thr));
}

/// Output stage shared by the kernels: zero point (wrapping int32 add, as the reference), then
/// saturating narrowing and the activation clamp on int8 (the clamp range lies inside int8, so
/// clamp(sat8(v)) == clamp(v)).
struct OutStage {
  __m256i offset;
  __m128i lo, hi;
  OutStage(std::int32_t output_offset, std::int32_t act_min, std::int32_t act_max) noexcept
      : offset(_mm256_set1_epi32(output_offset)),
        lo(_mm_set1_epi8(static_cast<char>(act_min))),
        hi(_mm_set1_epi8(static_cast<char>(act_max))) {}
  /// 16 lanes (v0: channels 0-7, v1: 8-15) to 16 int8 in channel order.
  __m128i pack16(__m256i v0, __m256i v1) const noexcept {
    const __m256i p16 = _mm256_permute4x64_epi64(
        _mm256_packs_epi32(_mm256_add_epi32(v0, offset), _mm256_add_epi32(v1, offset)), 0xD8);
    const __m128i p8 = _mm_packs_epi16(_mm256_castsi256_si128(p16), _mm256_extracti128_si256(p16, 1));
    return _mm_min_epi8(_mm_max_epi8(p8, lo), hi);
  }
  /// 8 lanes to 8 int8 (low 8 bytes of the result).
  __m128i pack8(__m256i v) const noexcept {
    v = _mm256_add_epi32(v, offset);
    const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return _mm_min_epi8(_mm_max_epi8(_mm_packs_epi16(p16, p16), lo), hi);
  }
};

/// Transposes 8 rows of byte pairs ("units") into [unit][row] and sign-extends them:
/// dst[u * stride + r * 2 + b] = rows[r][2u + b] as int16, for units u in [0, units) (row bytes
/// at or beyond `k` read as 0). `stride` is the int16 elements between consecutive units in dst
/// (16 for one 8-row group, 32 for two).
inline void pack_pairs8(std::int16_t* dst, std::ptrdiff_t stride, const std::int8_t* const* rows,
                        std::int32_t k, std::int32_t units) noexcept {
  std::int32_t u = 0;
  for (; 2 * u + 16 <= k; u += 8) {
    __m128i r[8];
    for (int j = 0; j < 8; ++j) r[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[j] + 2 * u));
    const __m128i a0 = _mm_unpacklo_epi16(r[0], r[1]), a1 = _mm_unpackhi_epi16(r[0], r[1]);
    const __m128i a2 = _mm_unpacklo_epi16(r[2], r[3]), a3 = _mm_unpackhi_epi16(r[2], r[3]);
    const __m128i a4 = _mm_unpacklo_epi16(r[4], r[5]), a5 = _mm_unpackhi_epi16(r[4], r[5]);
    const __m128i a6 = _mm_unpacklo_epi16(r[6], r[7]), a7 = _mm_unpackhi_epi16(r[6], r[7]);
    const __m128i b0 = _mm_unpacklo_epi32(a0, a2), b1 = _mm_unpackhi_epi32(a0, a2);
    const __m128i b2 = _mm_unpacklo_epi32(a1, a3), b3 = _mm_unpackhi_epi32(a1, a3);
    const __m128i b4 = _mm_unpacklo_epi32(a4, a6), b5 = _mm_unpackhi_epi32(a4, a6);
    const __m128i b6 = _mm_unpacklo_epi32(a5, a7), b7 = _mm_unpackhi_epi32(a5, a7);
    const __m128i c[8] = {_mm_unpacklo_epi64(b0, b4), _mm_unpackhi_epi64(b0, b4),
                          _mm_unpacklo_epi64(b1, b5), _mm_unpackhi_epi64(b1, b5),
                          _mm_unpacklo_epi64(b2, b6), _mm_unpackhi_epi64(b2, b6),
                          _mm_unpacklo_epi64(b3, b7), _mm_unpackhi_epi64(b3, b7)};
    for (int j = 0; j < 8; ++j) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + (u + j) * stride), _mm256_cvtepi8_epi16(c[j]));
    }
  }
  for (; u < units; ++u) {
    for (int j = 0; j < 8; ++j) {
      dst[u * stride + 2 * j] = 2 * u < k ? rows[j][2 * u] : 0;
      dst[u * stride + 2 * j + 1] = 2 * u + 1 < k ? rows[j][2 * u + 1] : 0;
    }
  }
}

}  // namespace avx2
}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // __AVX2__
