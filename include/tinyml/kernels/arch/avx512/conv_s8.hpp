// SPDX-License-Identifier: Apache-2.0
// AVX-512 VNNI int8 convolution. Two paths, both on VPDPBUSD (64 multiply-adds per instruction,
// exact int32 sums; see avx512/primitives.hpp for the x + 128 identity and the padding byte):
//
//  * packed (at least kMinPackedPixels output pixels, receptive field k <= kPackBytes / 16):
//    per block of up to 64 output channels, the OHWI weight rows are transposed once per run
//    into [k / 4][channel] groups of 4 bytes (a 16x16 dword transpose per 64 bytes of 16 rows,
//    kept in a stack buffer of at most kPackBytes) together with each channel's weight sum;
//    then tiles of P output pixels x NV vectors of 16 channels accumulate in registers: per group
//    of 4 receptive-field bytes, one broadcast per pixel and one VPDPBUSD per (pixel, vector).
//    The receptive field of each pixel is gathered as unsigned bytes into the scratch patch (a
//    plain flipped copy of contiguous input for 1x1 and in-image rows, the padding byte for
//    taps outside the image). The (offset - 128) * sum(w) term and the bias start the
//    accumulators.
//  * rows (fewer pixels, or deeper receptive fields): avx512/rows.hpp on the gathered patches,
//    weights read in place.
// Grouped convolutions use the reference path. The pruning lists (live / dead_out) are ignored:
// results are identical without them.
//
// Contract: as kernels::ConvS8; scratch_bytes() bytes of scratch, any alignment.
// Numerics: bit-exact with the reference (same int32 sums modulo 2^32, requantize16).
#pragma once

#include "tinyml/kernels/arch/avx512/isa.hpp"

#if defined(TINYML_AVX512_KERNELS)

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/kernels/arch/avx512/primitives.hpp"
#include "tinyml/kernels/arch/avx512/rows.hpp"
#include "tinyml/kernels/conv_s8.hpp"

TINYML_AVX512_DIAGNOSTICS_PUSH

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct ConvS8<arch::Avx512> {
  using ImplArch = arch::Avx512;
  /// Largest packed weight block (stack), and so the deepest receptive field of the packed path
  /// (16 channels x k rounded up to 4).
  static constexpr std::int64_t kPackBytes = 32768;
  /// Below this many output pixels, packing the weights costs more than it saves.
  static constexpr std::int64_t kMinPackedPixels = 16;
  /// Largest pixel tile of the packed path (patch rows in scratch).
  static constexpr std::int64_t kMaxTile = 8;

  enum class Path { kReference, kPacked, kRows };

  static Path path(const ConvS8Args& a) noexcept {
    // Grouped convolutions; offsets outside the int8 zero-point range cannot be expressed as a
    // padding byte.
    if (a.filter_in_c != a.in_c || a.input_offset < -127 || a.input_offset > 128) return Path::kReference;
    const std::int64_t k = depth(a);
    const std::int64_t pixels = static_cast<std::int64_t>(a.batches) * a.out_h * a.out_w;
    if (avx512::round_up(k, 4) * 16 <= kPackBytes && pixels >= kMinPackedPixels) return Path::kPacked;
    return Path::kRows;
  }

  static std::size_t scratch_bytes(const ConvS8Args& a) noexcept {
    switch (path(a)) {
      case Path::kPacked:
        return static_cast<std::size_t>(64 + kMaxTile * avx512::round_up(depth(a), 4));
      case Path::kRows:
        return static_cast<std::size_t>(64 + 4 * avx512::round_up(depth(a), 64));
      default:
        return 0;
    }
  }

  static void run(const ConvS8Args& a, void* scratch) noexcept {
    const Path p = path(a);
    if (p == Path::kReference || scratch == nullptr) {
      ConvS8<arch::Generic>::run(a, scratch);
    } else if (p == Path::kPacked) {
      run_packed(a, avx512::align64<std::uint8_t>(scratch));
    } else {
      run_rows(a, avx512::align64<std::uint8_t>(scratch));
    }
  }

 private:
  static std::int64_t depth(const ConvS8Args& a) noexcept {
    return static_cast<std::int64_t>(a.k_h) * a.k_w * a.in_c;
  }

  /// The unsigned byte of a tap outside the image: its term w * (u - 128 + offset) is 0.
  static std::uint8_t pad_byte(const ConvS8Args& a) noexcept {
    return static_cast<std::uint8_t>(128 - a.input_offset);
  }

  /// Writes output pixel p's receptive field (k bytes, OHWI order) as unsigned bytes x + 128,
  /// taps outside the image as the padding byte, then zeros up to `len`.
  static void gather(const ConvS8Args& a, std::int32_t p, std::uint8_t* dst, std::int64_t len) noexcept {
    const std::uint8_t pad = pad_byte(a);
    std::uint8_t* const start = dst;
    const std::int32_t ox = p % a.out_w, oy = (p / a.out_w) % a.out_h, b = p / (a.out_w * a.out_h);
    const std::int32_t in_y0 = oy * a.stride_h - a.pad_h, in_x0 = ox * a.stride_w - a.pad_w;
    const bool row_inside = (a.dilation_w == 1 || a.k_w == 1) && in_x0 >= 0 && in_x0 + a.k_w <= a.in_w;
    const std::size_t row_bytes = static_cast<std::size_t>(a.k_w) * static_cast<std::size_t>(a.in_c);
    for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
      const std::int32_t iy = in_y0 + a.dilation_h * ky;
      if (iy < 0 || iy >= a.in_h) {
        std::memset(dst, pad, row_bytes);
        dst += row_bytes;
        continue;
      }
      const std::int8_t* row = a.input + (static_cast<std::ptrdiff_t>(b) * a.in_h + iy) * a.in_w * a.in_c;
      if (row_inside) {
        // The whole filter row is in the image: k_w * in_c contiguous input bytes.
        avx512::flip_copy(dst, row + static_cast<std::ptrdiff_t>(in_x0) * a.in_c, static_cast<std::int64_t>(row_bytes));
        dst += row_bytes;
        continue;
      }
      for (std::int32_t kx = 0; kx < a.k_w; ++kx, dst += a.in_c) {
        const std::int32_t ix = in_x0 + a.dilation_w * kx;
        if (ix < 0 || ix >= a.in_w) {
          std::memset(dst, pad, static_cast<std::size_t>(a.in_c));
        } else {
          avx512::flip_copy(dst, row + static_cast<std::ptrdiff_t>(ix) * a.in_c, a.in_c);
        }
      }
    }
    const std::int64_t k = depth(a);
    if (len > k) std::memset(start + k, 0, static_cast<std::size_t>(len - k));
  }

  /// Per-block constants: accumulator start (bias + (offset - 128) * sum(w)) and requantization.
  struct Block {
    __m512i start[4];
    avx512::Quant16 q[4];
  };

  /// Packs output channels [oc0, oc0 + 16 * nv) (rows past out_c are zero) into `packed` as
  /// [group][vector][16 channels x 4 bytes] and fills `blk`.
  static void pack_block(const ConvS8Args& a, std::int32_t oc0, std::int32_t nv, std::int64_t k,
                         std::int64_t groups, std::int8_t* packed, Block* blk) noexcept {
    const __m512i ones = _mm512_set1_epi8(1);
    alignas(64) std::int32_t lb[16], lm[16], ls[16];
    for (std::int32_t v = 0; v < nv; ++v) {
      __m512i wsum = _mm512_setzero_si512();
      const std::int32_t c0 = oc0 + 16 * v;
      for (std::int64_t j = 0; j * 16 < groups; ++j) {
        const std::int64_t off = 64 * j;
        const __mmask64 m = avx512::byte_mask(k - off);
        __m512i rows[16];
        for (std::int32_t r = 0; r < 16; ++r) {
          const std::int32_t oc = c0 + r;
          rows[r] = oc < a.out_c ? _mm512_maskz_loadu_epi8(m, a.filter + oc * k + off) : _mm512_setzero_si512();
        }
        avx512::transpose16x16(rows);
        const std::int64_t n = groups - 16 * j < 16 ? groups - 16 * j : 16;
        for (std::int64_t g = 0; g < n; ++g) {
          _mm512_store_si512(packed + ((16 * j + g) * nv + v) * 64, rows[g]);
          wsum = avx512::dpbusd(wsum, ones, rows[g]);
        }
      }
      for (std::int32_t r = 0; r < 16; ++r) {
        const std::int32_t oc = c0 + r;
        const bool real = oc < a.out_c;
        lb[r] = real && a.bias != nullptr ? a.bias[oc] : 0;
        lm[r] = real ? a.multiplier[oc] : 0;
        ls[r] = real ? a.shift[oc] : 0;
      }
      blk->start[v] = _mm512_add_epi32(_mm512_load_si512(lb),
                                       _mm512_mullo_epi32(wsum, _mm512_set1_epi32(a.input_offset - 128)));
      blk->q[v] = avx512::quant16(_mm512_load_si512(lm), _mm512_load_si512(ls));
    }
  }

  /// All output pixels for one packed block: tiles of P pixels x NV vectors of 16 channels.
  template <int P, int NV>
  static void tiles(const ConvS8Args& a, const std::int8_t* packed, std::int64_t groups,
                    const Block& blk, std::int32_t oc0, std::uint8_t* patch) noexcept {
    const std::int64_t k4 = groups * 4;
    const std::int32_t pixels = a.batches * a.out_h * a.out_w;
    const avx512::OutStage os(a.output_offset, a.act_min, a.act_max);
    for (std::int32_t p0 = 0; p0 < pixels; p0 += P) {
      const std::int32_t n = pixels - p0 < P ? pixels - p0 : P;
      const std::uint8_t* rows[P];
      for (int i = 0; i < P; ++i) {
        if (i < n) gather(a, p0 + i, patch + i * k4, k4);
        rows[i] = patch + (i < n ? i : n - 1) * k4;
      }
      __m512i acc[P][NV];
      for (int i = 0; i < P; ++i) {
        for (int v = 0; v < NV; ++v) acc[i][v] = blk.start[v];
      }
      const std::int8_t* wg = packed;
      for (std::int64_t g = 0; g < groups; ++g, wg += NV * 64) {
        __m512i w[NV];
        for (int v = 0; v < NV; ++v) w[v] = _mm512_load_si512(wg + v * 64);
        for (int i = 0; i < P; ++i) {
          std::int32_t x4;
          std::memcpy(&x4, rows[i] + 4 * g, 4);
          const __m512i x = _mm512_set1_epi32(x4);
          for (int v = 0; v < NV; ++v) acc[i][v] = avx512::dpbusd(acc[i][v], x, w[v]);
        }
      }
      for (int i = 0; i < P; ++i) {
        if (i >= n) break;
        std::int8_t* out = a.output + static_cast<std::ptrdiff_t>(p0 + i) * a.out_c + oc0;
        for (int v = 0; v < NV; ++v) {
          const std::int32_t cnt = a.out_c - oc0 - 16 * v;
          avx512::store_n(out + 16 * v, os(avx512::requantize16(acc[i][v], blk.q[v])), cnt);
        }
      }
    }
  }

  static void run_packed(const ConvS8Args& a, std::uint8_t* patch) noexcept {
    const std::int64_t k = depth(a);
    const std::int64_t groups = avx512::round_up(k, 4) / 4;
    const std::int64_t fit = kPackBytes / (groups * 4) / 16;  // vectors of 16 channels per block
    const std::int32_t nv_max = fit < 4 ? static_cast<std::int32_t>(fit) : 4;
    alignas(64) std::int8_t packed[kPackBytes];
    Block blk;
    for (std::int32_t oc0 = 0; oc0 < a.out_c;) {
      const std::int32_t left = (a.out_c - oc0 + 15) / 16;
      const std::int32_t nv = left < nv_max ? left : nv_max;
      pack_block(a, oc0, nv, k, groups, packed, &blk);
      switch (nv) {
        case 4: tiles<6, 4>(a, packed, groups, blk, oc0, patch); break;
        case 3: tiles<8, 3>(a, packed, groups, blk, oc0, patch); break;
        case 2: tiles<8, 2>(a, packed, groups, blk, oc0, patch); break;
        default: tiles<8, 1>(a, packed, groups, blk, oc0, patch); break;
      }
      oc0 += 16 * nv;
    }
  }

  static void run_rows(const ConvS8Args& a, std::uint8_t* patch) noexcept {
    const std::int64_t k = depth(a), stride = avx512::round_up(k, 64);
    avx512::RowsArgs r;
    r.weights = a.filter;
    r.bias = a.bias;
    r.multiplier = a.multiplier;
    r.shift = a.shift;
    r.per_channel = true;
    r.n_out = a.out_c;
    r.k = static_cast<std::int32_t>(k);
    r.input_offset = a.input_offset;
    r.output_offset = a.output_offset;
    r.act_min = a.act_min;
    r.act_max = a.act_max;
    const std::int32_t pixels = a.batches * a.out_h * a.out_w;
    for (std::int32_t p0 = 0; p0 < pixels; p0 += 4) {
      const std::int32_t n = pixels - p0 < 4 ? pixels - p0 : 4;
      for (std::int32_t i = 0; i < n; ++i) gather(a, p0 + i, patch + i * stride, stride);
      avx512::RowsIo io;
      io.x = patch;
      io.x_stride = static_cast<std::ptrdiff_t>(stride);
      io.out = a.output + static_cast<std::ptrdiff_t>(p0) * a.out_c;
      io.out_stride = a.out_c;
      io.count = n;
      avx512::dot_rows<quant::Rounding::kDouble, false>(r, io);
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

TINYML_AVX512_DIAGNOSTICS_POP

#endif  // TINYML_AVX512_KERNELS
