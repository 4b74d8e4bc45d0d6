// SPDX-License-Identifier: Apache-2.0
// AVX-512 VNNI "row dot" engine shared by fully connected and by the convolutions the packed
// path does not take (few output pixels, very deep receptive fields): out[b][o] = requant(
// dot(w[o], x[b] + input_offset) + bias[o]) for weight rows read in place (no packing).
//
// Each VPDPBUSD multiplies 64 activation bytes (unsigned, x + 128) by 64 bytes of one weight row
// and adds them into 16 int32 partial sums; a tile of B vectors x RR rows keeps B*RR such
// accumulators (plus RR weight sums, for the (offset - 128) * sum(w) term, when the input offset
// is not 128) and reduces them horizontally once at the end. Row tails are read with masked
// loads (zero beyond k), so nothing past a row or the input is touched.
//
// Contract: x vectors are k bytes, either int8 (kFlip: flipped to x + 128 on load) or already
// the unsigned bytes x + 128 (patches). Rows tiles past n_out repeat the last row, vector tiles
// past the count repeat the last vector; only real outputs are stored.
#pragma once

#include "tinyml/kernels/arch/avx512/primitives.hpp"

#if defined(TINYML_AVX512_KERNELS)

TINYML_AVX512_DIAGNOSTICS_PUSH

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace avx512 {

struct RowsArgs {
  const std::int8_t* weights = nullptr;  // [n_out, k]
  const std::int32_t* bias = nullptr;     // null or [n_out]
  const std::int32_t* multiplier = nullptr;
  const std::int8_t* shift = nullptr;
  bool per_channel = true;
  std::int32_t n_out = 0, k = 0;
  std::int32_t input_offset = 0, output_offset = 0, act_min = -128, act_max = 127;
};

/// `count` activation vectors at base + i * stride and their output rows at out + i * out_stride.
struct RowsIo {
  const std::uint8_t* x = nullptr;
  std::ptrdiff_t x_stride = 0;
  std::int8_t* out = nullptr;
  std::ptrdiff_t out_stride = 0;
  std::int32_t count = 0;
};

/// Sums of B vectors x RR rows (B * RR = 16, or 8 with B = 1): lane b * RR + r is
/// dot(x[b], w[r]) + c * sum(w[r]), c = input_offset - 128 (kW) or 0.
template <int B, int RR, bool kFlip, bool kW>
inline __m512i dot_tile(const std::uint8_t* const* x, const std::int8_t* const* w, std::int32_t k,
                        std::int32_t c) noexcept {
  static_assert(B * RR == 16 || (B == 1 && RR == 8), "tile must fill 16 or 8 lanes");
  __m512i s[B][RR], ws[RR];
  for (int r = 0; r < RR; ++r) {
    ws[r] = _mm512_setzero_si512();
    for (int b = 0; b < B; ++b) s[b][r] = _mm512_setzero_si512();
  }
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i ones = _mm512_set1_epi8(1);
  std::int32_t i = 0;
  for (; i + 64 <= k; i += 64) {
    __m512i xv[B];
    for (int b = 0; b < B; ++b) {
      xv[b] = _mm512_loadu_si512(x[b] + i);
      if (kFlip) xv[b] = _mm512_xor_si512(xv[b], flip);
    }
    for (int r = 0; r < RR; ++r) {
      const __m512i wv = _mm512_loadu_si512(w[r] + i);
      if (kW) ws[r] = dpbusd(ws[r], ones, wv);
      for (int b = 0; b < B; ++b) s[b][r] = dpbusd(s[b][r], xv[b], wv);
    }
  }
  if (i < k) {
    const __mmask64 m = byte_mask(k - i);
    __m512i xv[B];
    for (int b = 0; b < B; ++b) {
      xv[b] = _mm512_maskz_loadu_epi8(m, x[b] + i);
      if (kFlip) xv[b] = _mm512_xor_si512(xv[b], flip);
    }
    for (int r = 0; r < RR; ++r) {
      const __m512i wv = _mm512_maskz_loadu_epi8(m, w[r] + i);  // zero past the row: 0 products
      if (kW) ws[r] = dpbusd(ws[r], ones, wv);
      for (int b = 0; b < B; ++b) s[b][r] = dpbusd(s[b][r], xv[b], wv);
    }
  }
  __m512i v[B * RR];
  const __m512i cv = _mm512_set1_epi32(c);
  for (int r = 0; r < RR; ++r) {
    const __m512i corr = kW ? _mm512_mullo_epi32(ws[r], cv) : _mm512_setzero_si512();
    for (int b = 0; b < B; ++b) v[b * RR + r] = kW ? _mm512_add_epi32(s[b][r], corr) : s[b][r];
  }
  if constexpr (B * RR == 16) {
    return reduce16(v);
  } else {
    return reduce8(v);
  }
}

/// Runs every (vector, row) of `io` x `r`. R: requantization rounding.
template <quant::Rounding R, bool kFlip, int B, int RR, bool kW>
inline void dot_rows_tiled(const RowsArgs& r, const RowsIo& io) noexcept {
  const OutStage os(r.output_offset, r.act_min, r.act_max);
  const std::int32_t c = r.input_offset - 128;
  alignas(64) std::int32_t lane_bias[16], lane_mult[16], lane_shift[16];
  alignas(16) std::int8_t bytes[16];
  for (std::int32_t o0 = 0; o0 < r.n_out; o0 += RR) {
    const std::int32_t nr = r.n_out - o0 < RR ? r.n_out - o0 : RR;
    const std::int8_t* w[RR];
    for (int j = 0; j < RR; ++j) {
      const std::int32_t o = o0 + (j < nr ? j : nr - 1);
      w[j] = r.weights + static_cast<std::ptrdiff_t>(o) * r.k;
    }
    for (int j = 0; j < 16; ++j) {
      const std::int32_t o = o0 + (j % RR < nr ? j % RR : nr - 1);
      const std::int32_t q = r.per_channel ? o : 0;
      lane_bias[j] = r.bias != nullptr ? r.bias[o] : 0;
      lane_mult[j] = r.multiplier[q];
      lane_shift[j] = r.shift[q];
    }
    const __m512i bias = _mm512_load_si512(lane_bias);
    const Requant16<R> rq(_mm512_load_si512(lane_mult), _mm512_load_si512(lane_shift));
    for (std::int32_t b0 = 0; b0 < io.count; b0 += B) {
      const std::int32_t nb = io.count - b0 < B ? io.count - b0 : B;
      const std::uint8_t* x[B];
      for (int j = 0; j < B; ++j) x[j] = io.x + (b0 + (j < nb ? j : nb - 1)) * io.x_stride;
      const __m512i dot = dot_tile<B, RR, kFlip, kW>(x, w, r.k, c);
      const __m512i acc = _mm512_add_epi32(dot, bias);
      _mm_store_si128(reinterpret_cast<__m128i*>(bytes), os(rq(acc)));
      for (int j = 0; j < nb; ++j) {
        std::memcpy(io.out + (b0 + j) * io.out_stride + o0, bytes + j * RR, static_cast<std::size_t>(nr));
      }
    }
  }
}

template <quant::Rounding R, bool kFlip>
inline void dot_rows(const RowsArgs& r, const RowsIo& io) noexcept {
  const bool w = r.input_offset != 128;  // offset 128: x + offset is exactly the unsigned byte
  if (io.count == 1) {
    if (w) {
      dot_rows_tiled<R, kFlip, 1, 8, true>(r, io);
    } else {
      dot_rows_tiled<R, kFlip, 1, 8, false>(r, io);
    }
  } else if (w) {
    dot_rows_tiled<R, kFlip, 4, 4, true>(r, io);
  } else {
    dot_rows_tiled<R, kFlip, 4, 4, false>(r, io);
  }
}

}  // namespace avx512
}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

TINYML_AVX512_DIAGNOSTICS_POP

#endif  // TINYML_AVX512_KERNELS
