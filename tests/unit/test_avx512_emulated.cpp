// SPDX-License-Identifier: Apache-2.0
// The AVX-512 (F + BW + VNNI) kernels against the reference, byte for byte. Built twice:
//   * with TINYML_AVX512_EMULATE on AVX2 machines (ctest `avx512_emulated`): the very same
//     _mm512_* source runs on SIMDe's portable implementations (kernels/arch/avx512/isa.hpp);
//   * natively in a -DTINYML_ARCH=avx512 (or -march=native on AVX-512) build, where the first
//     test case also pins down the instructions' semantics on real hardware.
// First the intrinsics the kernels use are checked against scalar models written from the
// instruction definitions (so the emulator cannot hide a misunderstanding that real hardware
// would expose), then the shared primitives, then random sweeps of every Avx512 kernel vs
// arch::Generic over shapes that reach each of its paths and fallbacks, with guard bytes after
// the output and the scratch.
// Exit 77 (ctest SKIP) if the CPU lacks what the binary needs (AVX2 + FMA emulated, AVX-512
// BW + VNNI native).
#define DOCTEST_CONFIG_IMPLEMENT
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "doctest_config.hpp"
#include "tinyml/tinyml.hpp"
#include "unit/kernel_test_support.hpp"

#if !defined(TINYML_AVX512_KERNELS)
#error "test_avx512_emulated.cpp needs the AVX-512 kernels (TINYML_AVX512_EMULATE or -mavx512bw -mavx512vnni)"
#endif

TINYML_AVX512_DIAGNOSTICS_PUSH

namespace k = tinyml::kernels;
namespace q = tinyml::quant;
using Avx512 = tinyml::arch::Avx512;
using Generic = tinyml::arch::Generic;

namespace {

using tinyml_test::place;
using tinyml_test::Rng;

constexpr std::size_t kGuard = 64;
constexpr unsigned char kGuardByte = 0xC3;

/// Runs Kernel on `a` with exactly scratch_bytes() of scratch (misaligned on purpose) and an
/// output buffer of n bytes, both followed by guard bytes that must survive. Returns the output.
template <class Kernel, class Args>
std::vector<std::int8_t> run_guarded(Args a, std::size_t n, bool* guards_ok) {
  const std::size_t sb = Kernel::scratch_bytes(a);
  std::vector<unsigned char> scratch(1 + sb + kGuard, kGuardByte);
  std::vector<std::int8_t> out(n + kGuard, static_cast<std::int8_t>(kGuardByte));
  a.output = out.data();
  Kernel::run(a, sb > 0 ? scratch.data() + 1 : nullptr);
  for (std::size_t i = 0; i < kGuard; ++i) {
    if (static_cast<unsigned char>(out[n + i]) != kGuardByte || scratch[1 + sb + i] != kGuardByte) *guards_ok = false;
  }
  if (scratch[0] != kGuardByte) *guards_ok = false;
  out.resize(n);
  return out;
}

// ---- scalar models of the instructions, from their definitions ----------------------------

template <class T, std::size_t N>
struct Lanes {
  T v[N];
};
template <class T, std::size_t N>
Lanes<T, N> lanes(__m512i x) {
  static_assert(sizeof(T) * N == 64, "");
  Lanes<T, N> l;
  std::memcpy(l.v, &x, 64);
  return l;
}
template <class T, std::size_t N>
__m512i vec(const Lanes<T, N>& l) {
  __m512i x;
  std::memcpy(&x, l.v, 64);
  return x;
}
__m512i random_vec(Rng& r) {
  Lanes<std::uint32_t, 16> l;
  for (auto& x : l.v) {
    const int kind = r.range(0, 7);
    x = kind == 0 ? 0x80000000u : kind == 1 ? 0x7FFFFFFFu : kind == 2 ? 0u : kind == 3 ? 0xFFFFFFFFu : r.u32();
  }
  return vec(l);
}

}  // namespace

TEST_CASE("AVX-512 intrinsics the kernels use follow the instruction definitions") {
  Rng r(1);
  for (int it = 0; it < 3000; ++it) {
    const __m512i a = random_vec(r), b = random_vec(r), c = random_vec(r);
    const auto a8 = lanes<std::uint8_t, 64>(a);
    const auto b8 = lanes<std::int8_t, 64>(b);
    const auto a32 = lanes<std::int32_t, 16>(a), b32 = lanes<std::int32_t, 16>(b), c32 = lanes<std::int32_t, 16>(c);
    const auto a64 = lanes<std::int64_t, 8>(a), b64 = lanes<std::int64_t, 8>(b);
    // VPDPBUSD: c + sum of 4 u8*s8 products per dword, wrapping.
    {
      const auto got = lanes<std::int32_t, 16>(_mm512_dpbusd_epi32(c, a, b));
      const auto helper = lanes<std::int32_t, 16>(k::avx512::dpbusd(c, a, b));  // inline asm on GCC
      for (int i = 0; i < 16; ++i) {
        std::uint32_t s = static_cast<std::uint32_t>(c32.v[i]);
        for (int j = 0; j < 4; ++j) s += static_cast<std::uint32_t>(a8.v[4 * i + j] * b8.v[4 * i + j]);
        REQUIRE(got.v[i] == static_cast<std::int32_t>(s));
        REQUIRE(helper.v[i] == static_cast<std::int32_t>(s));
      }
    }
    // VPSRAVD / VPSLLVD / VPSRAVQ / VPSLLVQ with counts in and beyond range.
    {
      Lanes<std::int32_t, 16> cnt;
      for (auto& x : cnt.v) x = r.range(0, 9) == 0 ? r.range(32, 300) : r.range(0, 31);
      const auto sra = lanes<std::int32_t, 16>(_mm512_srav_epi32(a, vec(cnt)));
      const auto sll = lanes<std::uint32_t, 16>(_mm512_sllv_epi32(a, vec(cnt)));
      for (int i = 0; i < 16; ++i) {
        const int n = cnt.v[i] > 31 ? 31 : cnt.v[i];
        REQUIRE(sra.v[i] == (a32.v[i] >> n));
        REQUIRE(sll.v[i] == (cnt.v[i] > 31 ? 0u : static_cast<std::uint32_t>(a32.v[i]) << cnt.v[i]));
      }
      Lanes<std::int64_t, 8> cnt64;
      for (auto& x : cnt64.v) x = r.range(0, 9) == 0 ? r.range(64, 300) : r.range(0, 63);
      const auto sra64 = lanes<std::int64_t, 8>(_mm512_srav_epi64(a, vec(cnt64)));
      const auto sll64 = lanes<std::uint64_t, 8>(_mm512_sllv_epi64(a, vec(cnt64)));
      for (int i = 0; i < 8; ++i) {
        const int n = cnt64.v[i] > 63 ? 63 : static_cast<int>(cnt64.v[i]);
        REQUIRE(sra64.v[i] == (a64.v[i] >> n));
        REQUIRE(sll64.v[i] == (cnt64.v[i] > 63 ? 0u : static_cast<std::uint64_t>(a64.v[i]) << cnt64.v[i]));
      }
    }
    // VPMULDQ: signed low dwords -> 64-bit products.
    {
      const auto got = lanes<std::int64_t, 8>(_mm512_mul_epi32(a, b));
      for (int i = 0; i < 8; ++i) {
        REQUIRE(got.v[i] == static_cast<std::int64_t>(a32.v[2 * i]) * b32.v[2 * i]);
      }
    }
    // VPBLENDMD, VPADDD with a mask from VPCMPGTD, VPMINSQ / VPMAXSQ, VPMULLD.
    {
      const auto blend = lanes<std::int32_t, 16>(_mm512_mask_blend_epi32(0xAAAA, a, b));
      const __mmask16 gt = _mm512_cmpgt_epi32_mask(a, b);
      const auto madd = lanes<std::int32_t, 16>(_mm512_mask_add_epi32(c, gt, a, b));
      const auto mul = lanes<std::int32_t, 16>(_mm512_mullo_epi32(a, b));
      for (int i = 0; i < 16; ++i) {
        REQUIRE(blend.v[i] == (i % 2 ? b32.v[i] : a32.v[i]));
        REQUIRE(((gt >> i) & 1) == (a32.v[i] > b32.v[i] ? 1 : 0));
        REQUIRE(madd.v[i] == (a32.v[i] > b32.v[i] ? q::wrapping_add(a32.v[i], b32.v[i]) : c32.v[i]));
        REQUIRE(mul.v[i] == static_cast<std::int32_t>(static_cast<std::uint32_t>(a32.v[i]) * static_cast<std::uint32_t>(b32.v[i])));
      }
      const auto mn = lanes<std::int64_t, 8>(_mm512_min_epi64(a, b)), mx = lanes<std::int64_t, 8>(_mm512_max_epi64(a, b));
      for (int i = 0; i < 8; ++i) {
        REQUIRE(mn.v[i] == std::min(a64.v[i], b64.v[i]));
        REQUIRE(mx.v[i] == std::max(a64.v[i], b64.v[i]));
      }
    }
    // VPMOVSDB (saturating), VPMOVSXBD, VPACKSSDW / VPACKSSWB (in-lane), VPMAXSB / VPMINSB.
    {
      Lanes<std::int8_t, 16> n8;
      std::memcpy(n8.v, &a, 16);
      const auto cvt = _mm512_cvtsepi32_epi8(a);
      std::int8_t got8[16];
      std::memcpy(got8, &cvt, 16);
      const auto wide = lanes<std::int32_t, 16>(_mm512_cvtepi8_epi32(_mm512_castsi512_si128(a)));
      for (int i = 0; i < 16; ++i) {
        REQUIRE(got8[i] == static_cast<std::int8_t>(std::clamp(a32.v[i], -128, 127)));
        REQUIRE(wide.v[i] == n8.v[i]);
      }
      const auto p16 = lanes<std::int16_t, 32>(_mm512_packs_epi32(a, b));
      const auto a16 = lanes<std::int16_t, 32>(a), b16 = lanes<std::int16_t, 32>(b);
      const auto p8 = lanes<std::int8_t, 64>(_mm512_packs_epi16(a, b));
      for (int l = 0; l < 4; ++l) {
        for (int i = 0; i < 4; ++i) {
          REQUIRE(p16.v[8 * l + i] == std::clamp(a32.v[4 * l + i], -32768, 32767));
          REQUIRE(p16.v[8 * l + 4 + i] == std::clamp(b32.v[4 * l + i], -32768, 32767));
        }
        for (int i = 0; i < 8; ++i) {
          REQUIRE(p8.v[16 * l + i] == std::clamp<int>(a16.v[8 * l + i], -128, 127));
          REQUIRE(p8.v[16 * l + 8 + i] == std::clamp<int>(b16.v[8 * l + i], -128, 127));
        }
      }
      const auto s8a = lanes<std::int8_t, 64>(a);
      const auto mx = lanes<std::int8_t, 64>(_mm512_max_epi8(a, b)), mn = lanes<std::int8_t, 64>(_mm512_min_epi8(a, b));
      for (int i = 0; i < 64; ++i) {
        REQUIRE(mx.v[i] == std::max(s8a.v[i], b8.v[i]));
        REQUIRE(mn.v[i] == std::min(s8a.v[i], b8.v[i]));
      }
    }
    // VPUNPCKL/HBW, WD, DQ, QDQ (per 128-bit lane) and VSHUFI32X4.
    {
      const auto ua = lanes<std::uint8_t, 64>(a), ub = lanes<std::uint8_t, 64>(b);
      const auto lo8 = lanes<std::uint8_t, 64>(_mm512_unpacklo_epi8(a, b)), hi8 = lanes<std::uint8_t, 64>(_mm512_unpackhi_epi8(a, b));
      const auto lo16 = lanes<std::uint16_t, 32>(_mm512_unpacklo_epi16(a, b)), hi16 = lanes<std::uint16_t, 32>(_mm512_unpackhi_epi16(a, b));
      const auto lo32 = lanes<std::int32_t, 16>(_mm512_unpacklo_epi32(a, b)), hi32 = lanes<std::int32_t, 16>(_mm512_unpackhi_epi32(a, b));
      const auto lo64 = lanes<std::int64_t, 8>(_mm512_unpacklo_epi64(a, b)), hi64 = lanes<std::int64_t, 8>(_mm512_unpackhi_epi64(a, b));
      const auto w16a = lanes<std::uint16_t, 32>(a), w16b = lanes<std::uint16_t, 32>(b);
      for (int l = 0; l < 4; ++l) {
        for (int i = 0; i < 8; ++i) {
          REQUIRE(lo8.v[16 * l + 2 * i] == ua.v[16 * l + i]);
          REQUIRE(lo8.v[16 * l + 2 * i + 1] == ub.v[16 * l + i]);
          REQUIRE(hi8.v[16 * l + 2 * i] == ua.v[16 * l + 8 + i]);
          REQUIRE(hi8.v[16 * l + 2 * i + 1] == ub.v[16 * l + 8 + i]);
        }
        for (int i = 0; i < 4; ++i) {
          REQUIRE(lo16.v[8 * l + 2 * i] == w16a.v[8 * l + i]);
          REQUIRE(lo16.v[8 * l + 2 * i + 1] == w16b.v[8 * l + i]);
          REQUIRE(hi16.v[8 * l + 2 * i] == w16a.v[8 * l + 4 + i]);
          REQUIRE(hi16.v[8 * l + 2 * i + 1] == w16b.v[8 * l + 4 + i]);
        }
        for (int i = 0; i < 2; ++i) {
          REQUIRE(lo32.v[4 * l + 2 * i] == a32.v[4 * l + i]);
          REQUIRE(lo32.v[4 * l + 2 * i + 1] == b32.v[4 * l + i]);
          REQUIRE(hi32.v[4 * l + 2 * i] == a32.v[4 * l + 2 + i]);
          REQUIRE(hi32.v[4 * l + 2 * i + 1] == b32.v[4 * l + 2 + i]);
        }
        REQUIRE(lo64.v[2 * l] == a64.v[2 * l]);
        REQUIRE(lo64.v[2 * l + 1] == b64.v[2 * l]);
        REQUIRE(hi64.v[2 * l] == a64.v[2 * l + 1]);
        REQUIRE(hi64.v[2 * l + 1] == b64.v[2 * l + 1]);
      }
      const int imms[] = {0x44, 0xEE, 0x88, 0xDD};
      const __m512i sh[] = {_mm512_shuffle_i32x4(a, b, 0x44), _mm512_shuffle_i32x4(a, b, 0xEE),
                            _mm512_shuffle_i32x4(a, b, 0x88), _mm512_shuffle_i32x4(a, b, 0xDD)};
      for (int s = 0; s < 4; ++s) {
        const auto got = lanes<std::int32_t, 16>(sh[s]);
        for (int l = 0; l < 4; ++l) {
          const int src = (imms[s] >> (2 * l)) & 3;
          for (int i = 0; i < 4; ++i) REQUIRE(got.v[4 * l + i] == (l < 2 ? a32 : b32).v[4 * src + i]);
        }
      }
    }
    // Masked byte loads and stores touch only the masked bytes.
    {
      const int n = r.range(0, 64);
      const __mmask64 m = k::avx512::byte_mask(n);
      std::vector<std::int8_t> src(static_cast<std::size_t>(n) + 1);
      for (auto& x : src) x = static_cast<std::int8_t>(r.range(-128, 127));
      const auto got = lanes<std::int8_t, 64>(_mm512_maskz_loadu_epi8(m, src.data()));
      std::int8_t dst[64];
      std::memset(dst, 0x55, sizeof dst);
      _mm512_mask_storeu_epi8(dst, m, a);
      const auto s8a = lanes<std::int8_t, 64>(a);
      for (int i = 0; i < 64; ++i) {
        REQUIRE(got.v[i] == (i < n ? src[static_cast<std::size_t>(i)] : 0));
        REQUIRE(dst[i] == (i < n ? s8a.v[i] : 0x55));
      }
    }
    // VCVTDQ2PS / VDIVPS / VCVTTPS2DQ on the average pool's operands (exact below 2^24).
    {
      Lanes<std::int32_t, 16> num;
      for (auto& x : num.v) x = r.range(-(1 << 23), 1 << 23);
      const float d = static_cast<float>(r.range(1, 130000));
      const auto got = lanes<std::int32_t, 16>(_mm512_cvttps_epi32(_mm512_div_ps(_mm512_cvtepi32_ps(vec(num)), _mm512_set1_ps(d))));
      for (int i = 0; i < 16; ++i) REQUIRE(got.v[i] == num.v[i] / static_cast<std::int32_t>(d));
    }
  }
}

TEST_CASE("avx512 primitives: requantization (both roundings), reductions, transpose") {
  Rng r(2);
  for (int it = 0; it < 50000; ++it) {
    Lanes<std::int32_t, 16> x, m, s, ss;
    for (int j = 0; j < 16; ++j) {
      const int kind = r.range(0, 5);
      x.v[j] = kind == 0 ? q::kInt32Max : kind == 1 ? q::kInt32Min : static_cast<std::int32_t>(r.u32());
      if (r.range(0, 3) == 0) x.v[j] = r.range(-300000, 300000);
      m.v[j] = r.range(0, 7) == 0 ? 0 : static_cast<std::int32_t>((1u << 30) + (r.u32() >> 2));
      s.v[j] = r.range(-31, 7);
      ss.v[j] = r.range(-31, 30);
    }
    const auto d = lanes<std::int32_t, 16>(k::avx512::requantize16(vec(x), k::avx512::quant16(vec(m), vec(s))));
    const auto one = lanes<std::int32_t, 16>(k::avx512::Single16(vec(m), vec(ss))(vec(x)));
    for (int j = 0; j < 16; ++j) {
      REQUIRE(d.v[j] == q::multiply_by_quantized_multiplier(x.v[j], m.v[j], s.v[j]));
      REQUIRE(one.v[j] == q::multiply_by_quantized_multiplier_single(x.v[j], m.v[j], ss.v[j]));
    }
  }
  for (int it = 0; it < 500; ++it) {
    __m512i v[16];
    for (auto& e : v) e = random_vec(r);
    const auto r16 = lanes<std::int32_t, 16>(k::avx512::reduce16(v));
    const auto r8 = lanes<std::int32_t, 16>(k::avx512::reduce8(v));
    for (int j = 0; j < 16; ++j) {
      const auto l = lanes<std::int32_t, 16>(v[j]);
      std::int32_t sum = 0;
      for (int i = 0; i < 16; ++i) sum = q::wrapping_add(sum, l.v[i]);
      REQUIRE(r16.v[j] == sum);
      if (j < 8) {
        REQUIRE(r8.v[j] == sum);
        REQUIRE(r8.v[j + 8] == sum);
      }
    }
    __m512i t[16];
    std::copy(v, v + 16, t);
    k::avx512::transpose16x16(t);
    for (int row = 0; row < 16; ++row) {
      const auto l = lanes<std::int32_t, 16>(v[row]);
      for (int col = 0; col < 16; ++col) REQUIRE(lanes<std::int32_t, 16>(t[col]).v[row] == l.v[col]);
    }
  }
}

namespace {
template <template <class> class K, class Args>
void compare(const Args& a, std::size_t n) {
  bool g_ref = true, g_simd = true;
  const auto ref = run_guarded<K<Generic>>(a, n, &g_ref);
  const auto got = run_guarded<K<Avx512>>(a, n, &g_simd);
  REQUIRE(g_ref);
  REQUIRE_MESSAGE(g_simd, "Avx512 kernel wrote past its output or its scratch");
  if (ref != got) {
    std::size_t i = 0;
    while (ref[i] == got[i]) ++i;
    FAIL("first difference at byte " << i << " of " << n << ": got " << int(got[i]) << ", want " << int(ref[i]));
  }
}

std::string tally(const std::map<std::string, int>& m) {
  std::string s;
  for (const auto& [k2, v] : m) s += " " + k2 + "=" + std::to_string(v);
  return s;
}
}  // namespace

TEST_CASE("ConvS8<Avx512> == reference: packed and row paths, 1x1 .. 7x7, strides, dilation, padding") {
  Rng r(101);
  std::map<std::string, int> paths;
  int cases = 0;
  for (int it = 0; it < 4000; ++it) {
    k::ConvS8Args a;
    const int kind = it % 10;  // 0-5 general, 6-7 1x1 pointwise, 8 deep (rows, k > 2048), 9 grouped
    a.batches = r.range(1, 2);
    a.in_h = it % 17 == 0 ? r.range(13, 24) : r.range(1, 12);
    a.in_w = it % 19 == 0 ? r.range(13, 24) : r.range(1, 12);
    a.in_c = it % 7 == 0 ? r.range(1, 67) : (r.coin() ? r.range(1, 4) : r.range(5, 40));
    a.out_c = r.range(0, 3) == 0 ? r.range(41, 150) : r.range(1, 40);
    a.k_h = r.range(1, 7);
    a.k_w = r.range(1, 7);
    a.stride_h = r.range(1, 3);
    a.stride_w = r.range(1, 3);
    a.dilation_h = r.range(1, 3);
    a.dilation_w = r.range(1, 3);
    if (kind == 6 || kind == 7) {
      a.k_h = a.k_w = 1;
      a.in_c = r.range(1, 130);
      a.stride_h = a.stride_w = kind == 6 ? 1 : r.range(1, 2);
      a.dilation_h = a.dilation_w = 1;
    } else if (kind == 8) {
      a.k_h = a.k_w = 3;
      a.in_c = r.range(228, 300);
      a.in_h = r.range(3, 6);
      a.in_w = r.range(3, 6);
      a.out_c = r.range(1, 24);
    } else if (kind < 3) {
      a.stride_h = a.stride_w = a.dilation_h = a.dilation_w = 1;
    }
    a.filter_in_c = a.in_c;
    if (kind == 9) {
      const std::int32_t groups = r.range(2, 4);
      a.filter_in_c = r.range(1, 8);
      a.in_c = a.filter_in_c * groups;
      a.out_c = groups * r.range(1, 6);
    }
    const bool same = r.coin();
    if (!place(same, a.in_h, a.k_h, a.stride_h, a.dilation_h, &a.out_h, &a.pad_h) ||
        !place(same, a.in_w, a.k_w, a.stride_w, a.dilation_w, &a.out_w, &a.pad_w)) {
      continue;
    }
    const std::size_t kk = static_cast<std::size_t>(a.k_h) * a.k_w * a.filter_in_c;
    tinyml_test::ConvOperands op;
    op.draw(r, a, static_cast<std::size_t>(a.batches) * a.in_h * a.in_w * a.in_c,
            static_cast<std::size_t>(a.out_c) * kk, static_cast<std::size_t>(a.out_c), true, true);
    // Some cases with dead filters and the pruning lists prepare would build (ignored here).
    std::vector<std::int16_t> live;
    std::vector<std::int8_t> dead_out;
    if (it % 4 == 1 && kind != 9) tinyml_test::prune_filters(r, a, op.w, op.m, op.s, 2, &live, &dead_out);
    const auto p = k::ConvS8<Avx512>::path(a);
    const char* pname = p == k::ConvS8<Avx512>::Path::kPacked ? "packed" : p == k::ConvS8<Avx512>::Path::kRows ? "rows" : "reference";
    ++paths[std::string(pname) + (a.k_h * a.k_w == 1 ? "/1x1" : "/KxK") + (a.input_offset == 128 ? "/off128" : "")];
    INFO("iter " << it << " path " << std::string(pname) << " in " << a.batches << "x" << a.in_h << "x" << a.in_w << "x" << a.in_c
                 << " k " << a.k_h << "x" << a.k_w << " s " << a.stride_h << "," << a.stride_w << " d "
                 << a.dilation_h << "," << a.dilation_w << " pad " << a.pad_h << "," << a.pad_w
                 << " out_c " << a.out_c << " in_off " << a.input_offset);
    compare<k::ConvS8>(a, static_cast<std::size_t>(a.batches) * a.out_h * a.out_w * a.out_c);
    ++cases;
  }
  MESSAGE("ConvS8 cases: " << cases << ", by path:" << tally(paths));
  CHECK(paths.size() >= 6);
}

TEST_CASE("DepthwiseConvS8<Avx512> == reference: 64- and 16-channel paths, fallbacks") {
  Rng r(202);
  std::map<std::string, int> paths;
  int cases = 0;
  for (int it = 0; it < 3000; ++it) {
    k::DepthwiseConvS8Args a;
    a.batches = r.range(1, 2);
    a.in_h = r.range(1, 12);
    a.in_w = r.range(1, 12);
    const int c = r.range(0, 3);
    a.in_c = c == 0 ? r.range(1, 15) : c == 1 ? r.range(16, 63) : r.range(64, 150);
    a.depth_multiplier = it % 5 == 0 ? r.range(2, 4) : 1;
    if (it % 11 == 0) {
      a.in_c = 1;
      a.depth_multiplier = r.range(8, 20);
    }
    a.k_h = r.range(1, 5);
    a.k_w = r.range(1, 5);
    if (it % 13 == 0) {  // windows at and past kMaxTaps
      a.k_h = r.range(7, 9);
      a.k_w = r.range(7, 9);
      a.in_h = r.range(7, 12);
      a.in_w = r.range(7, 12);
    }
    a.stride_h = r.range(1, 3);
    a.stride_w = r.range(1, 3);
    a.dilation_h = r.range(1, 3);
    a.dilation_w = r.range(1, 3);
    if (it % 3 == 0) a.stride_h = a.stride_w = a.dilation_h = a.dilation_w = 1;
    const bool same = r.coin();
    if (!place(same, a.in_h, a.k_h, a.stride_h, a.dilation_h, &a.out_h, &a.pad_h) ||
        !place(same, a.in_w, a.k_w, a.stride_w, a.dilation_w, &a.out_w, &a.pad_w)) {
      continue;
    }
    const std::int32_t oc = a.in_c * a.depth_multiplier;
    tinyml_test::ConvOperands op;
    op.draw(r, a, static_cast<std::size_t>(a.batches) * a.in_h * a.in_w * a.in_c,
            static_cast<std::size_t>(a.k_h) * a.k_w * oc, static_cast<std::size_t>(oc), true, true);
    const bool own = k::DepthwiseConvS8<Avx512>::handles(a);
    ++paths[!own ? "avx2-fallback" : a.in_c >= 64 ? "c64" : a.in_c >= 16 ? "c16" : "c8"];
    INFO("iter " << it << " in " << a.batches << "x" << a.in_h << "x" << a.in_w << "x" << a.in_c << " dm "
                 << a.depth_multiplier << " k " << a.k_h << "x" << a.k_w << " s " << a.stride_h << ","
                 << a.stride_w << " d " << a.dilation_h << "," << a.dilation_w);
    compare<k::DepthwiseConvS8>(a, static_cast<std::size_t>(a.batches) * a.out_h * a.out_w * oc);
    ++cases;
  }
  MESSAGE("DepthwiseConvS8 cases: " << cases << ", by path:" << tally(paths));
  CHECK(paths.size() == 4);
}

TEST_CASE("FullyConnectedS8<Avx512> == reference: batches, depths, per-channel, bias, both roundings") {
  Rng r(303);
  int cases = 0, modes_differ = 0;
  std::map<std::string, int> paths;
  for (int it = 0; it < 2000; ++it) {
    k::FullyConnectedS8Args a;
    a.batches = r.range(0, 2) == 0 ? r.range(2, 7) : 1;
    a.depth = r.coin() ? r.range(1, 70) : r.range(71, 700);
    a.out = r.range(1, 70);
    a.per_channel = r.coin();
    const auto in = r.data(static_cast<std::size_t>(a.batches) * a.depth);
    const auto w = r.data(static_cast<std::size_t>(a.out) * a.depth);
    const auto bias = r.bias(static_cast<std::size_t>(a.out));
    std::vector<std::int32_t> m;
    std::vector<std::int8_t> s;
    r.quant(static_cast<std::size_t>(a.per_channel ? a.out : 1), &m, &s);
    if (it % 8 == 0) {
      for (auto& x : s) x = static_cast<std::int8_t>(r.coin() ? r.range(-2, 0) : r.range(1, 30));
    }
    a.input = in.data();
    a.filter = w.data();
    a.bias = r.range(0, 3) == 0 ? nullptr : bias.data();
    const std::int32_t input_offset = -r.zp();
    a.filter_offset = it % 10 == 0 ? r.range(-127, 127) : 0;
    tinyml_test::set_requant(r, a, m, s, input_offset);
    ++paths[a.filter_offset != 0 ? "reference" : a.batches == 1 ? "1x8" : "4x4"];
    const std::size_t n = static_cast<std::size_t>(a.batches) * a.out;
    std::vector<std::int8_t> by_mode[2];
    for (const auto mode : {q::Rounding::kSingle, q::Rounding::kDouble}) {
      a.rounding = mode;
      INFO("iter " << it << " batches " << a.batches << " depth " << a.depth << " out " << a.out
                   << " rounding " << (mode == q::Rounding::kSingle ? "single" : "double"));
      compare<k::FullyConnectedS8>(a, n);
      bool g = true;
      by_mode[mode == q::Rounding::kSingle ? 0 : 1] = run_guarded<k::FullyConnectedS8<Generic>>(a, n, &g);
      ++cases;
    }
    if (by_mode[0] != by_mode[1]) ++modes_differ;
  }
  MESSAGE("FullyConnectedS8 cases (x2 roundings): " << cases << ", by path:" << tally(paths)
                                                     << "; roundings differ in " << modes_differ);
  CHECK(modes_differ > 0);
}

TEST_CASE("MaxPoolS8 / AveragePoolS8<Avx512> == reference") {
  Rng r(404);
  std::map<std::string, int> paths;
  int cases = 0;
  for (int it = 0; it < 2000; ++it) {
    k::PoolS8Args a;
    a.batches = r.range(1, 2);
    a.in_h = r.range(1, 12);
    a.in_w = r.range(1, 12);
    a.channels = r.coin() ? r.range(1, 70) : r.range(64, 200);
    a.filter_h = r.range(1, 6);
    a.filter_w = r.range(1, 6);
    a.stride_h = r.range(1, 3);
    a.stride_w = r.range(1, 3);
    if (it % 10 == 0) {  // global pooling
      a.filter_h = a.in_h = r.range(1, 20);
      a.filter_w = a.in_w = r.range(1, 20);
    }
    const bool same = r.coin();
    if (!place(same, a.in_h, a.filter_h, a.stride_h, 1, &a.out_h, &a.pad_h) ||
        !place(same, a.in_w, a.filter_w, a.stride_w, 1, &a.out_w, &a.pad_w)) {
      continue;
    }
    r.act(&a.act_min, &a.act_max);
    const auto in = r.data(static_cast<std::size_t>(a.batches) * a.in_h * a.in_w * a.channels);
    a.input = in.data();
    const std::size_t n = static_cast<std::size_t>(a.batches) * a.out_h * a.out_w * a.channels;
    INFO("iter " << it << " in " << a.in_h << "x" << a.in_w << "x" << a.channels << " f " << a.filter_h
                 << "x" << a.filter_w << " s " << a.stride_h << "," << a.stride_w);
    ++paths[k::AveragePoolS8<Avx512>::handles(a) ? "avg" : "avg-fallback"];
    ++paths[a.channels >= 64 ? "max" : "max-fallback"];
    compare<k::AveragePoolS8>(a, n);
    compare<k::MaxPoolS8>(a, n);
    cases += 2;
  }
  MESSAGE("pool cases: " << cases << ", by path:" << tally(paths));
  CHECK(paths.size() == 4);
}

TEST_CASE("AddS8<Avx512> == reference, flat and 4-D broadcast") {
  Rng r(505);
  int cases = 0, broadcast = 0;
  for (int it = 0; it < 2000; ++it) {
    k::AddS8Args a;
    std::int32_t dx[4], dy[4];
    if (it % 3 == 0) {
      const std::int32_t n = r.range(1, 300);
      for (int i = 0; i < 4; ++i) dx[i] = dy[i] = i == 3 ? n : 1;
    } else {
      for (int i = 0; i < 4; ++i) {
        const std::int32_t d = i == 3 ? r.range(1, 70) : r.range(1, 4);
        const int which = r.range(0, 3);  // 0: both, 1: x broadcast, 2: y broadcast
        dx[i] = which == 1 ? 1 : d;
        dy[i] = which == 2 ? 1 : d;
      }
    }
    std::int32_t sx = 1, sy = 1;
    std::size_t nx = 1, ny = 1, n = 1;
    a.broadcast = false;
    for (int i = 3; i >= 0; --i) {
      a.out_dims[i] = dx[i] > dy[i] ? dx[i] : dy[i];
      a.in1_stride[i] = dx[i] == 1 ? 0 : sx;
      a.in2_stride[i] = dy[i] == 1 ? 0 : sy;
      sx *= dx[i];
      sy *= dy[i];
      nx *= static_cast<std::size_t>(dx[i]);
      ny *= static_cast<std::size_t>(dy[i]);
      n *= static_cast<std::size_t>(a.out_dims[i]);
      if (dx[i] != dy[i]) a.broadcast = true;
    }
    broadcast += a.broadcast ? 1 : 0;
    const auto x = r.data(nx), y = r.data(ny);
    a.in1 = x.data();
    a.in2 = y.data();
    a.in1_offset = -r.zp();
    a.in2_offset = -r.zp();
    a.output_offset = r.zp();
    q::QuantizedMultiplier q1, q2, qo;
    const double s1 = 0.001 + r.range(1, 1000) / 100.0, s2 = 0.001 + r.range(1, 1000) / 100.0;
    const double so = 0.01 + r.range(1, 1000) / 50.0;
    const double twice = 2 * (s1 > s2 ? s1 : s2);
    q::quantize_multiplier(s1 / twice, &q1);
    q::quantize_multiplier(s2 / twice, &q2);
    q::quantize_multiplier(twice / ((1 << 20) * so), &qo);
    a.in1_multiplier = q1.multiplier; a.in1_shift = q1.shift;
    a.in2_multiplier = q2.multiplier; a.in2_shift = q2.shift;
    a.output_multiplier = qo.multiplier; a.output_shift = qo.shift;
    r.act(&a.act_min, &a.act_max);
    INFO("iter " << it << " dims " << a.out_dims[0] << "x" << a.out_dims[1] << "x" << a.out_dims[2] << "x" << a.out_dims[3]);
    compare<k::AddS8>(a, n);
    ++cases;
  }
  MESSAGE("AddS8 cases: " << cases << " (" << broadcast << " broadcasting)");
}

TEST_CASE("every Avx512 kernel resolves to its own specialization") {
  CHECK(std::is_same_v<k::ConvS8<Avx512>::ImplArch, Avx512>);
  CHECK(std::is_same_v<k::DepthwiseConvS8<Avx512>::ImplArch, Avx512>);
  CHECK(std::is_same_v<k::FullyConnectedS8<Avx512>::ImplArch, Avx512>);
  CHECK(std::is_same_v<k::AveragePoolS8<Avx512>::ImplArch, Avx512>);
  CHECK(std::is_same_v<k::MaxPoolS8<Avx512>::ImplArch, Avx512>);
  CHECK(std::is_same_v<k::AddS8<Avx512>::ImplArch, Avx512>);
}

TINYML_AVX512_DIAGNOSTICS_POP

int main(int argc, char** argv) {
#if defined(TINYML_AVX512_NATIVE)
  if (!__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512vnni")) {
    std::printf("SKIPPED: this CPU lacks AVX-512 BW/VNNI\n");
    return 77;
  }
#else
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    std::printf("SKIPPED: this CPU lacks AVX2/FMA (needed by the emulated AVX-512 build)\n");
    return 77;
  }
  std::printf("AVX-512 kernels emulated with SIMDe on this CPU\n");
#endif
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
