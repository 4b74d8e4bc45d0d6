// SPDX-License-Identifier: Apache-2.0
// Differential kernel tests (XNNPACK-style sweeps): every kernel's native path must equal the
// portable reference byte for byte over random shapes, channel counts around the SIMD tile
// (1..67, odd and prime), strides, dilations, padding, depth multipliers, per-channel
// multipliers/shifts at their extremes, zero points at -128 and 127, and clamping ranges.
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "doctest_config.hpp"
#include "tinyml/tinyml.hpp"
#include "unit/kernel_test_support.hpp"

namespace k = tinyml::kernels;
using Native = tinyml::arch::Native;
using Generic = tinyml::arch::Generic;

namespace {
using tinyml_test::place;
using tinyml_test::Rng;

template <class Kernel, class Args>
std::vector<std::int8_t> run_kernel(Args a, std::int8_t* out, std::size_t out_n) {
  std::vector<std::uint8_t> scratch(Kernel::scratch_bytes(a) + 64);
  std::memset(out, 0x5a, out_n);
  Kernel::run(a, scratch.empty() ? nullptr : scratch.data());
  return std::vector<std::int8_t>(out, out + out_n);
}

/// The reference and the native kernel K on the same arguments, each into an n-byte output:
/// {reference bytes, native bytes}.
template <template <class> class K, class Args>
std::pair<std::vector<std::int8_t>, std::vector<std::int8_t>> ref_and_native(Args a, std::size_t n) {
  std::vector<std::int8_t> o(n);
  a.output = o.data();
  auto ref = run_kernel<K<Generic>>(a, o.data(), n);
  auto nat = run_kernel<K<Native>>(a, o.data(), n);
  return {ref, nat};
}
}  // namespace

namespace {
/// Fills a convolution's data from r (input, weights, bias, omitted one time in six when
/// `may_omit_bias`, per-channel quantization, zero points, clamp); with `prune`, zeroes one
/// filter in `prune_odds` and passes the live list and dead outputs prepare would build; then
/// requires the native kernel's bytes to equal the reference's.
void check_conv(Rng& r, k::ConvS8Args a, bool prune, int prune_odds, bool may_omit_bias, int it) {
  tinyml_test::ConvOperands op;
  op.draw(r, a, static_cast<std::size_t>(a.batches) * a.in_h * a.in_w * a.in_c,
          static_cast<std::size_t>(a.out_c) * a.k_h * a.k_w * a.in_c, static_cast<std::size_t>(a.out_c), false,
          may_omit_bias);
  std::vector<std::int16_t> live;
  std::vector<std::int8_t> dead_out;
  if (prune) tinyml_test::prune_filters(r, a, op.w, op.m, op.s, prune_odds, &live, &dead_out);
  const std::size_t n = static_cast<std::size_t>(a.batches) * a.out_h * a.out_w * a.out_c;
  const auto [ref, nat] = ref_and_native<k::ConvS8>(a, n);
  INFO("iter " << it << " in " << a.in_h << "x" << a.in_w << "x" << a.in_c << " k " << a.k_h << "x"
               << a.k_w << " stride " << a.stride_h << "," << a.stride_w << " out_c " << a.out_c);
  REQUIRE(ref == nat);
}
}  // namespace

TEST_CASE("ConvS8 native == reference over random shapes") {
  Rng r(101);
  for (int it = 0; it < 600; ++it) {
    k::ConvS8Args a;
    a.batches = r.range(1, 2);
    a.in_h = r.range(1, 12);
    a.in_w = r.range(1, 12);
    a.in_c = it % 7 == 0 ? r.range(1, 67) : (r.coin() ? r.range(1, 4) : r.range(5, 40));
    a.out_c = r.range(1, 40);
    a.k_h = r.range(1, 7);
    a.k_w = r.range(1, 7);
    if (it % 3 == 0) a.k_h = a.k_w = 1;
    a.filter_in_c = a.in_c;
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
    check_conv(r, a, it % 4 == 1, 2, true, it);
  }
}

namespace {
// Runs `iters` random depthwise shapes drawn by `shape` (which sets channels, multiplier,
// window, strides, dilations and the padding mode) through the reference and the native kernel.
template <class Shape>
void depthwise_sweep(std::uint64_t seed, int iters, Shape shape) {
  Rng r(seed);
  for (int it = 0; it < iters; ++it) {
    k::DepthwiseConvS8Args a;
    a.batches = r.range(1, 2);
    a.in_h = r.range(1, 12);
    a.in_w = r.range(1, 12);
    bool same = false;
    shape(r, it, a, &same);
    if (!place(same, a.in_h, a.k_h, a.stride_h, a.dilation_h, &a.out_h, &a.pad_h) ||
        !place(same, a.in_w, a.k_w, a.stride_w, a.dilation_w, &a.out_w, &a.pad_w)) {
      continue;
    }
    const std::int32_t oc = a.in_c * a.depth_multiplier;
    tinyml_test::ConvOperands op;
    op.draw(r, a, static_cast<std::size_t>(a.batches) * a.in_h * a.in_w * a.in_c,
            static_cast<std::size_t>(a.k_h) * a.k_w * oc, static_cast<std::size_t>(oc), false, true);
    const std::size_t n = static_cast<std::size_t>(a.batches) * a.out_h * a.out_w * oc;
    const auto [ref, nat] = ref_and_native<k::DepthwiseConvS8>(a, n);
    INFO("iter " << it << " c " << a.in_c << " dm " << a.depth_multiplier << " k " << a.k_h << "x"
                 << a.k_w << " s " << a.stride_h << "," << a.stride_w << " pad " << a.pad_h << ","
                 << a.pad_w);
    REQUIRE(ref == nat);
  }
}
}  // namespace

TEST_CASE("DepthwiseConvS8 native == reference over random shapes") {
  depthwise_sweep(202, 600, [](Rng& r, int it, k::DepthwiseConvS8Args& a, bool* same) {
    a.in_c = r.range(1, 67);
    a.depth_multiplier = it % 4 == 0 ? r.range(2, 4) : 1;
    if (it % 9 == 0) {  // one input channel, wide multiplier (micro_speech's first layer)
      a.in_c = 1;
      a.depth_multiplier = r.range(8, 20);
    }
    a.k_h = r.range(1, 5);
    a.k_w = r.range(1, 5);
    a.stride_h = r.range(1, 3);
    a.stride_w = r.range(1, 3);
    a.dilation_h = r.range(1, 3);
    a.dilation_w = r.range(1, 3);
    *same = r.coin();
  });
}

TEST_CASE("DepthwiseConvS8 native == reference on the fast paths' shapes (8..64 channels, 3x3, padded)") {
  // The SIMD paths specialise channel blocks of 8/16/64, stride 1 neighbours and small padded
  // images: shapes the general sweep reaches only rarely.
  depthwise_sweep(203, 1500, [](Rng& r, int, k::DepthwiseConvS8Args& a, bool* same) {
    const std::int32_t blocks[] = {8, 16, 24, 32, 48, 64, 8, 8};
    a.in_c = blocks[r.range(0, 7)] + (r.range(0, 4) == 0 ? r.range(1, 7) : 0);
    a.depth_multiplier = 1;
    a.k_h = r.range(0, 3) == 0 ? r.range(1, 5) : 3;
    a.k_w = r.range(0, 3) == 0 ? r.range(1, 5) : 3;
    a.stride_h = r.range(0, 2) == 0 ? 2 : 1;
    a.stride_w = r.range(0, 2) == 0 ? 2 : 1;
    a.dilation_h = 1;
    a.dilation_w = 1;
    *same = r.range(0, 4) != 0;
  });
}

TEST_CASE("FullyConnectedS8 native == reference (batches, depths, per-channel, weight offsets, both roundings)") {
  // Both requantization roundings (LiteRT's single, TFLM's double) on every case; shifts up to 30
  // now and then, where the single rounding saturates and the double one wraps.
  Rng r(303);
  int modes_differ = 0;
  for (int it = 0; it < 800; ++it) {
    k::FullyConnectedS8Args a;
    a.batches = r.range(1, 4);
    a.depth = r.coin() ? r.range(1, 40) : r.range(41, 700);
    a.out = r.range(1, 70);
    a.per_channel = r.coin();
    const auto in = r.bytes(static_cast<std::size_t>(a.batches) * a.depth);
    const auto w = r.bytes(static_cast<std::size_t>(a.out) * a.depth);
    const auto bias = r.bias(static_cast<std::size_t>(a.out));
    std::vector<std::int32_t> m;
    std::vector<std::int8_t> s;
    r.quant(static_cast<std::size_t>(a.per_channel ? a.out : 1), &m, &s);
    if (it % 8 == 0) {
      for (auto& x : s) x = static_cast<std::int8_t>(r.coin() ? r.range(-2, 0) : r.range(1, 30));
    }
    if (it % 8 == 3) {  // every shift <= -1: the x86 kernels' cheaper single-rounding path
      for (auto& x : s) x = static_cast<std::int8_t>(r.coin() ? r.range(-31, -1) : r.range(-12, -1));
    }
    a.input = in.data();
    a.filter = w.data();
    a.bias = r.range(0, 5) == 0 ? nullptr : bias.data();
    const std::int32_t input_offset = -r.zp();
    a.filter_offset = it % 10 == 0 ? r.range(-127, 127) : 0;
    tinyml_test::set_requant(r, a, m, s, input_offset);
    const std::size_t n = static_cast<std::size_t>(a.batches) * a.out;
    std::vector<std::int8_t> by_mode[2];
    for (const auto mode : {tinyml::quant::Rounding::kSingle, tinyml::quant::Rounding::kDouble}) {
      a.rounding = mode;
      const auto [ref, nat] = ref_and_native<k::FullyConnectedS8>(a, n);
      INFO("iter " << it << " depth " << a.depth << " out " << a.out << " rounding "
                   << (mode == tinyml::quant::Rounding::kSingle ? "single" : "double"));
      REQUIRE(ref == nat);
      by_mode[mode == tinyml::quant::Rounding::kSingle ? 0 : 1] = ref;
    }
    if (by_mode[0] != by_mode[1]) ++modes_differ;
  }
  // The modes must actually differ somewhere, or the sweep does not tell them apart.
  MESSAGE("FC cases where the two roundings give different bytes: " << modes_differ << "/800");
  CHECK(modes_differ > 0);
}

#if TINYML_X86_HINTS
TEST_CASE("FullyConnectedS8 native == reference with the pair-safe byte path (hints from mark_pair_safe_rows)") {
  // Weights mostly in [-64, 64] (pairs safe for byte multiplies), some rows unrestricted, one
  // row per case at the bound (|w0| + |w1| == 128 and 129); inputs sometimes at the extremes,
  // where a wrongly marked row would saturate; input zero point -128 (offset 128) or any other
  // (then the kernel adds (offset - 128) * row sum).
  Rng r(909);
  int safe_rows = 0, rows = 0;
  for (int it = 0; it < 400; ++it) {
    k::FullyConnectedS8Args a;
    a.batches = r.range(1, 3);
    a.depth = r.coin() ? r.range(16, 80) : r.range(81, 1100);
    a.out = r.range(1, 90);
    a.per_channel = r.coin();
    auto in = r.bytes(static_cast<std::size_t>(a.batches) * a.depth);
    if (it % 4 == 0) {
      const std::int8_t e = r.coin() ? -128 : 127;
      for (auto& x : in) x = r.range(0, 3) == 0 ? static_cast<std::int8_t>(r.range(-128, 127)) : e;
    }
    std::vector<std::int8_t> w(static_cast<std::size_t>(a.out) * a.depth);
    for (std::int32_t o = 0; o < a.out; ++o) {
      const bool wide = r.range(0, 9) == 0;
      for (std::int32_t i = 0; i < a.depth; ++i) {
        w[static_cast<std::size_t>(o) * a.depth + i] = static_cast<std::int8_t>(wide ? r.range(-127, 127) : r.range(-64, 64));
      }
      if (r.range(0, 5) == 0) {  // one pair at (or just past) the bound
        const std::int32_t i = 2 * r.range(0, (a.depth - 2) / 2);
        const int a0 = r.range(1, 127), s0 = r.coin() ? 1 : -1, s1 = r.coin() ? 1 : -1;
        const int b0 = std::min(127, 128 - a0 + r.range(0, 1));
        w[static_cast<std::size_t>(o) * a.depth + i] = static_cast<std::int8_t>(s0 * a0);
        w[static_cast<std::size_t>(o) * a.depth + i + 1] = static_cast<std::int8_t>(s1 * b0);
      }
    }
    const auto bias = r.bias(static_cast<std::size_t>(a.out));
    std::vector<std::int32_t> m;
    std::vector<std::int8_t> s;
    r.quant(static_cast<std::size_t>(a.per_channel ? a.out : 1), &m, &s);
    if (it % 2 == 0) {
      for (auto& x : s) x = static_cast<std::int8_t>(r.range(-31, -1));
    }
    a.input = in.data();
    a.filter = w.data();
    a.bias = r.range(0, 5) == 0 ? nullptr : bias.data();
    tinyml_test::set_requant(r, a, m, s, r.coin() ? 128 : -r.zp());
    std::vector<std::uint8_t> bits(static_cast<std::size_t>(a.out + 7) / 8);
    std::vector<std::int32_t> sums(static_cast<std::size_t>(a.out));
    if (k::mark_pair_safe_rows(a.filter, a.out, a.depth, bits.data())) {
      a.pair_safe = bits.data();
      k::filter_row_sums(a.filter, a.out, a.depth, sums.data());
      if (a.input_offset != 128) a.row_sums = sums.data();
    }
    for (std::int32_t o = 0; o < a.out; ++o) {
      safe_rows += (bits[static_cast<std::size_t>(o / 8)] >> (o % 8)) & 1;
      ++rows;
      // The marking itself, against its definition.
      bool safe = true;
      for (std::int32_t i = 0; i + 1 < a.depth; i += 2) {
        const int p = std::abs(w[static_cast<std::size_t>(o) * a.depth + i]) + std::abs(w[static_cast<std::size_t>(o) * a.depth + i + 1]);
        safe = safe && p <= 128;
      }
      REQUIRE(safe == (((bits[static_cast<std::size_t>(o / 8)] >> (o % 8)) & 1) != 0));
    }
    const std::size_t n = static_cast<std::size_t>(a.batches) * a.out;
    for (const auto mode : {tinyml::quant::Rounding::kSingle, tinyml::quant::Rounding::kDouble}) {
      a.rounding = mode;
      const auto [ref, nat] = ref_and_native<k::FullyConnectedS8>(a, n);
      INFO("iter " << it << " depth " << a.depth << " out " << a.out << " input_offset " << a.input_offset);
      REQUIRE(ref == nat);
    }
  }
  MESSAGE("pair-safe rows: " << safe_rows << "/" << rows);
  CHECK(safe_rows > rows / 2);
  CHECK(safe_rows < rows);
}
#endif  // TINYML_X86_HINTS

TEST_CASE("ConvS8 native == reference on deep filters (packed blocks in stack chunks)") {
  // 3x3 and 5x5 windows over 16..96 input channels and up to 136 output channels: filters of
  // 144..2400 values, repacked a few blocks at a time (several chunks per layer), with and
  // without padding, strides 1 and 2, pruned channels.
  Rng r(1201);
  for (int it = 0; it < 60; ++it) {
    k::ConvS8Args a;
    a.batches = 1;
    a.in_h = r.range(3, 10);
    a.in_w = r.range(3, 10);
    a.in_c = r.range(16, 96);
    a.out_c = it % 3 == 0 ? r.range(100, 136) : r.range(1, 70);
    a.k_h = a.k_w = r.coin() ? 3 : 5;
    a.filter_in_c = a.in_c;
    a.stride_h = a.stride_w = r.range(1, 2);
    a.dilation_h = a.dilation_w = 1;
    const bool same = r.coin();
    if (!place(same, a.in_h, a.k_h, a.stride_h, 1, &a.out_h, &a.pad_h) ||
        !place(same, a.in_w, a.k_w, a.stride_w, 1, &a.out_w, &a.pad_w)) {
      continue;
    }
    check_conv(r, a, it % 4 == 1, 4, false, it);
  }
}

TEST_CASE("pools native == reference") {
  Rng r(404);
  for (int it = 0; it < 400; ++it) {
    k::PoolS8Args a;
    a.batches = r.range(1, 2);
    a.in_h = r.range(1, 12);
    a.in_w = r.range(1, 12);
    a.channels = r.range(1, 70);
    a.filter_h = r.range(1, 6);
    a.filter_w = r.range(1, 6);
    a.stride_h = r.range(1, 3);
    a.stride_w = r.range(1, 3);
    const bool same = r.coin();
    if (!place(same, a.in_h, a.filter_h, a.stride_h, 1, &a.out_h, &a.pad_h) ||
        !place(same, a.in_w, a.filter_w, a.stride_w, 1, &a.out_w, &a.pad_w)) {
      continue;
    }
    r.act(&a.act_min, &a.act_max);
    const auto in = r.bytes(static_cast<std::size_t>(a.batches) * a.in_h * a.in_w * a.channels);
    a.input = in.data();
    const std::size_t n = static_cast<std::size_t>(a.batches) * a.out_h * a.out_w * a.channels;
    const auto [avg_ref, avg_nat] = ref_and_native<k::AveragePoolS8>(a, n);
    REQUIRE(avg_ref == avg_nat);
    const auto [max_ref, max_nat] = ref_and_native<k::MaxPoolS8>(a, n);
    REQUIRE(max_ref == max_nat);
  }
}

TEST_CASE("AddS8 native == reference, with and without broadcast") {
  Rng r(505);
  for (int it = 0; it < 400; ++it) {
    k::AddS8Args a;
    const std::int32_t n = r.range(1, 300);
    a.out_dims[3] = n;
    a.broadcast = it % 5 == 0;
    const auto x = r.bytes(static_cast<std::size_t>(n));
    const auto y = r.bytes(static_cast<std::size_t>(n));
    a.in1_stride[3] = 1;
    a.in2_stride[3] = a.broadcast ? 0 : 1;
    a.in1 = x.data();
    a.in2 = y.data();
    a.in1_offset = -r.zp();
    a.in2_offset = -r.zp();
    a.output_offset = r.zp();
    tinyml::quant::QuantizedMultiplier q1, q2, qo;
    const double s1 = 0.001 + r.range(1, 1000) / 100.0, s2 = 0.001 + r.range(1, 1000) / 100.0;
    const double so = 0.01 + r.range(1, 1000) / 50.0;
    const double twice = 2 * (s1 > s2 ? s1 : s2);
    tinyml::quant::quantize_multiplier(s1 / twice, &q1);
    tinyml::quant::quantize_multiplier(s2 / twice, &q2);
    tinyml::quant::quantize_multiplier(twice / ((1 << 20) * so), &qo);
    a.in1_multiplier = q1.multiplier; a.in1_shift = q1.shift;
    a.in2_multiplier = q2.multiplier; a.in2_shift = q2.shift;
    a.output_multiplier = qo.multiplier; a.output_shift = qo.shift;
    r.act(&a.act_min, &a.act_max);
    const auto [ref, nat] = ref_and_native<k::AddS8>(a, static_cast<std::size_t>(n));
    REQUIRE(ref == nat);
  }
}

#if defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)
TEST_CASE("AVX2 requantize8 equals the scalar rounding on random and extreme lanes") {
  Rng r(606);
  for (int it = 0; it < 20000; ++it) {
    alignas(32) std::int32_t x[8], m[8], out[8];
    alignas(8) std::int8_t s[8];
    for (int j = 0; j < 8; ++j) {
      const int kind = r.range(0, 5);
      x[j] = kind == 0 ? tinyml::quant::kInt32Max : kind == 1 ? tinyml::quant::kInt32Min
                                                             : static_cast<std::int32_t>(r.g());
      m[j] = r.range(0, 3) == 0 ? 0 : static_cast<std::int32_t>((1u << 30) + (r.g() >> 2));
      s[j] = static_cast<std::int8_t>(r.range(-31, 7));
    }
    const auto sh = k::avx2::load_shifts8(s);
    _mm256_store_si256(reinterpret_cast<__m256i*>(out),
                       k::avx2::requantize8(_mm256_load_si256(reinterpret_cast<const __m256i*>(x)),
                                            _mm256_load_si256(reinterpret_cast<const __m256i*>(m)),
                                            sh.left, sh.right));
    for (int j = 0; j < 8; ++j) {
      REQUIRE(out[j] == tinyml::quant::multiply_by_quantized_multiplier(x[j], m[j], s[j]));
    }
  }
}
#endif
