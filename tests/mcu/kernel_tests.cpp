// SPDX-License-Identifier: Apache-2.0
// mcu_kernel_tests: differential kernel tests on the Cortex-M itself (QEMU). Every kernel's
// arch::Native specialization against its arch::Generic reference, byte for byte, over random
// shapes: channel counts 1..67 (every 4/16-lane tile remainder), kernel sizes 1..5, strides 1..3,
// dilations 1..2, any padding, depth multipliers 1..3, grouped convolutions, zero points at
// -128/127, multipliers 0 / 2^30 / INT32_MAX, shifts -31..+7, partial activation ranges, batches;
// fully connected in both requantization roundings (LiteRT's single, TFLM's double).
// Also the requantization primitive itself against quant::multiply_by_quantized_multiplier on
// random int32 inputs. Output buffers carry guard bytes; scratch is exactly scratch_bytes().
// Prints one line per kernel and "N passed, M failed"; exits 0 only if nothing failed.
// Takes no files from the host; 300 random cases per kernel. Run by `tests/mcu/run.sh test`.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mcu_support.hpp"
#include "tinyml/tinyml.hpp"

namespace {

namespace k = tinyml::kernels;
using Native = tinyml::arch::Native;
using Generic = tinyml::arch::Generic;

// ---- deterministic random numbers -------------------------------------------------------------
std::uint32_t g_state = 0x9E3779B9u;
std::uint32_t next_u32() {
  g_state ^= g_state << 13;
  g_state ^= g_state >> 17;
  g_state ^= g_state << 5;
  return g_state;
}
std::int32_t uniform(std::int32_t lo, std::int32_t hi) {  // inclusive
  return lo + static_cast<std::int32_t>(next_u32() % static_cast<std::uint32_t>(hi - lo + 1));
}
bool chance(int percent) { return uniform(0, 99) < percent; }
/// Channel counts 1..67, weighted toward tile edges (3,4,5, 15,16,17, 31..33, 63..65).
std::int32_t channels() {
  static const std::int32_t kEdges[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 67};
  return chance(60) ? kEdges[uniform(0, sizeof kEdges / sizeof kEdges[0] - 1)] : uniform(1, 67);
}
std::int32_t zero_point() {
  const int r = uniform(0, 9);
  return r == 0 ? -128 : r == 1 ? 127 : r == 2 ? 0 : uniform(-128, 127);
}
std::int32_t multiplier() {
  const int r = uniform(0, 19);
  if (r == 0) return 0;
  if (r == 1) return 0x7FFFFFFF;
  if (r == 2) return 1 << 30;
  if (r == 3) return uniform(1, 1 << 20);  // not normalised
  return (1 << 30) + static_cast<std::int32_t>(next_u32() & 0x3FFFFFFF);
}
std::int8_t shift() {
  const int r = uniform(0, 19);
  if (r == 0) return -31;
  if (r == 1) return -1;
  if (r == 2) return 0;
  if (r == 3) return static_cast<std::int8_t>(uniform(1, 7));
  return static_cast<std::int8_t>(uniform(-20, -2));
}
void act_range(std::int32_t* lo, std::int32_t* hi) {
  if (chance(50)) {
    *lo = -128;
    *hi = 127;
    return;
  }
  *lo = uniform(-128, 127);
  *hi = uniform(*lo, 127);
}
void fill(std::int8_t* p, std::int32_t n) {
  for (std::int32_t i = 0; i < n; ++i) p[i] = static_cast<std::int8_t>(next_u32());
}

// ---- buffers (static: no heap) ------------------------------------------------------------------
constexpr std::int32_t kGuard = 16;
alignas(16) std::int8_t g_in[48 * 1024];
alignas(16) std::int8_t g_in2[48 * 1024];
alignas(16) std::int8_t g_filter[64 * 1024];
alignas(16) std::int32_t g_bias[256];
alignas(16) std::int32_t g_mult[256];
alignas(16) std::int8_t g_shift[256];
alignas(16) std::int8_t g_out_ref[32 * 1024 + 2 * kGuard];
alignas(16) std::int8_t g_out_nat[32 * 1024 + 2 * kGuard];
alignas(16) std::uint8_t g_scratch[32 * 1024];

struct Tally {
  const char* name;
  int cases = 0;
  int skipped = 0;
  int failed = 0;
};

/// Runs `nat` and `ref` into guarded output buffers and compares everything.
template <class RunNat, class RunRef>
bool compare(Tally& t, std::int32_t out_bytes, RunNat&& nat, RunRef&& ref, const char* what) {
  std::memset(g_out_ref, 0x5A, sizeof g_out_ref);
  std::memset(g_out_nat, 0x5A, sizeof g_out_nat);
  ref(g_out_ref + kGuard);
  nat(g_out_nat + kGuard);
  ++t.cases;
  if (std::memcmp(g_out_ref, g_out_nat, static_cast<std::size_t>(out_bytes + 2 * kGuard)) != 0) {
    std::int32_t first = 0;
    while (g_out_ref[first] == g_out_nat[first]) ++first;
    if (t.failed < 5) {
      std::printf("FAIL %s case %d: %s: byte %ld ref %d native %d\n", t.name, t.cases, what,
                  static_cast<long>(first - kGuard), g_out_ref[first], g_out_nat[first]);
    }
    ++t.failed;
    return false;
  }
  return true;
}

void report(const Tally& t, int* passed, int* failed) {
  std::printf("%s %s: %d cases (%d skipped as too large), %d failed\n", t.failed ? "FAIL" : "PASS",
              t.name, t.cases, t.skipped, t.failed);
  (t.failed ? *failed : *passed) += 1;
}

// ---- convolution --------------------------------------------------------------------------------
/// Output size of a padded window, or 0.
std::int32_t out_size(std::int32_t in, std::int32_t kernel, std::int32_t stride, std::int32_t dil,
                      std::int32_t pad) {
  const std::int32_t eff = (kernel - 1) * dil + 1;
  const std::int32_t span = in + 2 * pad - eff;
  return span < 0 ? 0 : span / stride + 1;
}

void test_conv(Tally& t, int cases) {
  for (int i = 0; i < cases; ++i) {
    k::ConvS8Args a;
    a.batches = uniform(1, 2);
    a.k_h = uniform(1, 5);
    a.k_w = uniform(1, 5);
    if (chance(30)) a.k_h = a.k_w = 1;  // pointwise
    a.in_h = uniform(1, 10);
    a.in_w = uniform(1, 10);
    a.in_c = channels();
    a.filter_in_c = a.in_c;
    if (chance(10) && a.in_c % 2 == 0) a.filter_in_c = a.in_c / 2;  // grouped: reference path
    const std::int32_t groups = a.in_c / a.filter_in_c;
    a.out_c = channels();
    a.out_c = (a.out_c + groups - 1) / groups * groups;
    a.stride_h = uniform(1, 3);
    a.stride_w = uniform(1, 3);
    a.dilation_h = chance(20) ? 2 : 1;
    a.dilation_w = chance(20) ? 2 : 1;
    a.pad_h = uniform(0, a.k_h - 1);
    a.pad_w = uniform(0, a.k_w - 1);
    a.out_h = out_size(a.in_h, a.k_h, a.stride_h, a.dilation_h, a.pad_h);
    a.out_w = out_size(a.in_w, a.k_w, a.stride_w, a.dilation_w, a.pad_w);
    const std::int32_t in_bytes = a.batches * a.in_h * a.in_w * a.in_c;
    const std::int32_t f_bytes = a.out_c * a.k_h * a.k_w * a.filter_in_c;
    const std::int32_t out_bytes = a.batches * a.out_h * a.out_w * a.out_c;
    if (a.out_h == 0 || a.out_w == 0 || in_bytes > static_cast<std::int32_t>(sizeof g_in) ||
        f_bytes > static_cast<std::int32_t>(sizeof g_filter) ||
        out_bytes > static_cast<std::int32_t>(sizeof g_out_ref) - 2 * kGuard ||
        k::ConvS8<Native>::scratch_bytes(a) > sizeof g_scratch) {
      ++t.skipped;
      continue;
    }
    fill(g_in, in_bytes);
    fill(g_filter, f_bytes);
    for (std::int32_t c = 0; c < a.out_c; ++c) {
      g_bias[c] = uniform(-(1 << 20), 1 << 20);
      g_mult[c] = multiplier();
      g_shift[c] = shift();
    }
    a.input = g_in;
    a.filter = g_filter;
    a.bias = chance(85) ? g_bias : nullptr;
    a.multiplier = g_mult;
    a.shift = g_shift;
    a.input_offset = -zero_point();
    a.output_offset = zero_point();
    act_range(&a.act_min, &a.act_max);
    compare(
        t, out_bytes,
        [&](std::int8_t* out) {
          k::ConvS8Args n = a;
          n.output = out;
          k::ConvS8<Native>::run(n, k::ConvS8<Native>::scratch_bytes(a) ? g_scratch : nullptr);
        },
        [&](std::int8_t* out) {
          k::ConvS8Args r = a;
          r.output = out;
          k::ConvS8<Generic>::run(r, nullptr);
        },
        "conv");
  }
}

// ---- depthwise convolution ----------------------------------------------------------------------
void test_depthwise(Tally& t, int cases) {
  for (int i = 0; i < cases; ++i) {
    k::DepthwiseConvS8Args a;
    a.batches = uniform(1, 2);
    a.k_h = chance(50) ? 3 : uniform(1, 5);
    a.k_w = chance(50) ? 3 : uniform(1, 5);
    a.in_h = uniform(1, 12);
    a.in_w = uniform(1, 12);
    a.in_c = channels();
    a.depth_multiplier = chance(80) ? 1 : uniform(2, 3);
    a.stride_h = uniform(1, 3);
    a.stride_w = uniform(1, 3);
    a.dilation_h = chance(15) ? 2 : 1;
    a.dilation_w = chance(15) ? 2 : 1;
    a.pad_h = uniform(0, a.k_h - 1);
    a.pad_w = uniform(0, a.k_w - 1);
    a.out_h = out_size(a.in_h, a.k_h, a.stride_h, a.dilation_h, a.pad_h);
    a.out_w = out_size(a.in_w, a.k_w, a.stride_w, a.dilation_w, a.pad_w);
    const std::int32_t out_c = a.in_c * a.depth_multiplier;
    const std::int32_t in_bytes = a.batches * a.in_h * a.in_w * a.in_c;
    const std::int32_t f_bytes = a.k_h * a.k_w * out_c;
    const std::int32_t out_bytes = a.batches * a.out_h * a.out_w * out_c;
    if (a.out_h == 0 || a.out_w == 0 || out_c > 256 ||
        in_bytes > static_cast<std::int32_t>(sizeof g_in) ||
        out_bytes > static_cast<std::int32_t>(sizeof g_out_ref) - 2 * kGuard ||
        k::DepthwiseConvS8<Native>::scratch_bytes(a) > sizeof g_scratch) {
      ++t.skipped;
      continue;
    }
    fill(g_in, in_bytes);
    fill(g_filter, f_bytes);
    const bool same_shift = chance(20);  // all channels on the fast requantization path or not
    for (std::int32_t c = 0; c < out_c; ++c) {
      g_bias[c] = uniform(-(1 << 20), 1 << 20);
      g_mult[c] = multiplier();
      g_shift[c] = same_shift ? -7 : shift();
    }
    a.input = g_in;
    a.filter = g_filter;
    a.bias = chance(85) ? g_bias : nullptr;
    a.multiplier = g_mult;
    a.shift = g_shift;
    a.input_offset = -zero_point();
    a.output_offset = zero_point();
    act_range(&a.act_min, &a.act_max);
    compare(
        t, out_bytes,
        [&](std::int8_t* out) {
          k::DepthwiseConvS8Args n = a;
          n.output = out;
          k::DepthwiseConvS8<Native>::run(
              n, k::DepthwiseConvS8<Native>::scratch_bytes(a) ? g_scratch : nullptr);
        },
        [&](std::int8_t* out) {
          k::DepthwiseConvS8Args r = a;
          r.output = out;
          k::DepthwiseConvS8<Generic>::run(r, nullptr);
        },
        "depthwise");
  }
}

// ---- fully connected ----------------------------------------------------------------------------
void test_fully_connected(Tally& t, int cases) {
  for (int i = 0; i < cases; ++i) {
    k::FullyConnectedS8Args a;
    a.batches = uniform(1, 3);
    a.depth = chance(50) ? channels() : uniform(1, 700);
    a.out = chance(70) ? channels() : uniform(1, 130);
    a.per_channel = chance(40);
    const std::int32_t in_bytes = a.batches * a.depth;
    const std::int32_t f_bytes = a.out * a.depth;
    const std::int32_t out_bytes = a.batches * a.out;
    if (f_bytes > static_cast<std::int32_t>(sizeof g_filter) || a.out > 256) {
      ++t.skipped;
      continue;
    }
    fill(g_in, in_bytes);
    fill(g_filter, f_bytes);
    for (std::int32_t c = 0; c < a.out; ++c) {
      g_bias[c] = uniform(-(1 << 20), 1 << 20);
      g_mult[c] = multiplier();
      g_shift[c] = shift();
    }
    a.input = g_in;
    a.filter = g_filter;
    a.bias = chance(85) ? g_bias : nullptr;
    a.multiplier = g_mult;
    a.shift = g_shift;
    a.input_offset = -zero_point();
    a.filter_offset = chance(10) ? -zero_point() : 0;
    a.output_offset = zero_point();
    act_range(&a.act_min, &a.act_max);
    // Both requantization roundings: LiteRT's single (default) and TFLM's double.
    for (const auto mode : {tinyml::quant::Rounding::kSingle, tinyml::quant::Rounding::kDouble}) {
      a.rounding = mode;
      compare(
          t, out_bytes,
          [&](std::int8_t* out) {
            k::FullyConnectedS8Args n = a;
            n.output = out;
            k::FullyConnectedS8<Native>::run(
                n, k::FullyConnectedS8<Native>::scratch_bytes(a) ? g_scratch : nullptr);
          },
          [&](std::int8_t* out) {
            k::FullyConnectedS8Args r = a;
            r.output = out;
            k::FullyConnectedS8<Generic>::run(r, nullptr);
          },
          mode == tinyml::quant::Rounding::kSingle ? "fully_connected (single rounding)"
                                                   : "fully_connected (double rounding)");
    }
  }
}

// ---- pooling ------------------------------------------------------------------------------------
template <template <class> class Pool>
void test_pool(Tally& t, int cases) {
  for (int i = 0; i < cases; ++i) {
    k::PoolS8Args a;
    a.batches = uniform(1, 2);
    a.in_h = uniform(1, 16);
    a.in_w = uniform(1, 16);
    a.channels = channels();
    a.filter_h = uniform(1, a.in_h < 5 ? a.in_h : 5);
    a.filter_w = uniform(1, a.in_w < 5 ? a.in_w : 5);
    if (chance(15)) {  // global pooling (KWS, ResNet-8)
      if (chance(30)) {  // windows of more than 256 taps
        a.in_h = uniform(12, 24);
        a.in_w = uniform(22, 24);
      }
      a.filter_h = a.in_h;
      a.filter_w = a.in_w;
    }
    a.stride_h = uniform(1, 3);
    a.stride_w = uniform(1, 3);
    a.pad_h = uniform(0, a.filter_h - 1);
    a.pad_w = uniform(0, a.filter_w - 1);
    a.out_h = out_size(a.in_h, a.filter_h, a.stride_h, 1, a.pad_h);
    a.out_w = out_size(a.in_w, a.filter_w, a.stride_w, 1, a.pad_w);
    // Every window must hold an in-image tap (the op checks this at prepare).
    const bool ok = a.out_h > 0 && a.out_w > 0 &&
                    (a.out_h - 1) * a.stride_h - a.pad_h < a.in_h &&
                    (a.out_w - 1) * a.stride_w - a.pad_w < a.in_w && a.pad_h < a.filter_h &&
                    a.pad_w < a.filter_w;
    const std::int32_t in_bytes = a.batches * a.in_h * a.in_w * a.channels;
    const std::int32_t out_bytes = a.batches * a.out_h * a.out_w * a.channels;
    if (!ok || in_bytes > static_cast<std::int32_t>(sizeof g_in) ||
        out_bytes > static_cast<std::int32_t>(sizeof g_out_ref) - 2 * kGuard ||
        Pool<Native>::scratch_bytes(a) > sizeof g_scratch) {
      ++t.skipped;
      continue;
    }
    fill(g_in, in_bytes);
    if (chance(10)) std::memset(g_in, 0x80, static_cast<std::size_t>(in_bytes));  // all -128
    if (chance(5)) std::memset(g_in, 0x7f, static_cast<std::size_t>(in_bytes));   // all 127
    a.input = g_in;
    act_range(&a.act_min, &a.act_max);
    compare(
        t, out_bytes,
        [&](std::int8_t* out) {
          k::PoolS8Args n = a;
          n.output = out;
          Pool<Native>::run(n, Pool<Native>::scratch_bytes(a) ? g_scratch : nullptr);
        },
        [&](std::int8_t* out) {
          k::PoolS8Args r = a;
          r.output = out;
          Pool<Generic>::run(r, nullptr);
        },
        "pool");
  }
}

// ---- add ----------------------------------------------------------------------------------------
void test_add(Tally& t, int cases) {
  for (int i = 0; i < cases; ++i) {
    k::AddS8Args a;
    for (int d = 0; d < 4; ++d) a.out_dims[d] = d == 3 ? channels() : uniform(1, 6);
    a.broadcast = chance(30);
    std::int32_t n = 1;
    for (int d = 0; d < 4; ++d) n *= a.out_dims[d];
    if (n > static_cast<std::int32_t>(sizeof g_in) ||
        n > static_cast<std::int32_t>(sizeof g_out_ref) - 2 * kGuard) {
      ++t.skipped;
      continue;
    }
    // Strides: row-major, with 0 on the dimensions input 2 broadcasts.
    std::int32_t s1 = 1, s2 = 1;
    for (int d = 3; d >= 0; --d) {
      a.in1_stride[d] = s1;
      s1 *= a.out_dims[d];
      const bool bcast = a.broadcast && chance(50);
      a.in2_stride[d] = bcast ? 0 : s2;
      if (!bcast) s2 *= a.out_dims[d];
    }
    if (!a.broadcast) {
      for (int d = 0; d < 4; ++d) a.in2_stride[d] = a.in1_stride[d];
    }
    fill(g_in, n);
    fill(g_in2, n);
    a.in1 = g_in;
    a.in2 = g_in2;
    a.left_shift = 20;
    a.in1_offset = -zero_point();
    a.in2_offset = -zero_point();
    a.output_offset = zero_point();
    a.in1_multiplier = multiplier();
    a.in2_multiplier = multiplier();
    a.output_multiplier = multiplier();
    // TFLite's ADD: input shifts <= 0, output shift anywhere in a sane range.
    a.in1_shift = -uniform(0, 31);
    a.in2_shift = -uniform(0, 31);
    a.output_shift = uniform(-31, 4);
    act_range(&a.act_min, &a.act_max);
    compare(
        t, n,
        [&](std::int8_t* out) {
          k::AddS8Args x = a;
          x.output = out;
          k::AddS8<Native>::run(x, k::AddS8<Native>::scratch_bytes(a) ? g_scratch : nullptr);
        },
        [&](std::int8_t* out) {
          k::AddS8Args r = a;
          r.output = out;
          k::AddS8<Generic>::run(r, nullptr);
        },
        "add");
  }
}

// ---- requantization primitive (Cortex-M DSP / Helium builds) ------------------------------------
void test_requantize(Tally& t, int cases) {
#if defined(__ARM_FEATURE_DSP) && !defined(TINYML_FORCE_GENERIC)
  namespace dsp = tinyml::kernels::dsp;
  for (int i = 0; i < cases * 1000; ++i) {
    const int r = uniform(0, 3);
    const std::int32_t x = r == 0   ? static_cast<std::int32_t>(next_u32())
                           : r == 1 ? uniform(-(1 << 24), 1 << 24)
                           : r == 2 ? (chance(50) ? INT32_MIN : INT32_MAX)
                                    : uniform(-300, 300);
    const std::int32_t m = multiplier();
    const int s = chance(10) ? uniform(1, 30) : uniform(-31, 0);
    const std::int32_t want = tinyml::quant::multiply_by_quantized_multiplier(x, m, s);
    std::int32_t got = dsp::requantize(x, m, s);
    dsp::RightShiftQ q;
    if (got == want && dsp::right_shift_q(m, s, &q)) got = dsp::requantize_rs(x, q);
    ++t.cases;
    if (got != want) {
      if (t.failed < 5) {
        std::printf("FAIL requantize x=%ld m=%ld shift=%d: got %ld want %ld\n",
                    static_cast<long>(x), static_cast<long>(m), s, static_cast<long>(got),
                    static_cast<long>(want));
      }
      ++t.failed;
    }
  }
#else
  (void)t;
  (void)cases;
#endif
}

}  // namespace

int main() {
  mcu::Options opt;
  if (!mcu::parse_options(&opt)) return 2;
  const int cases = 300;
  std::printf("mcu_kernel_tests: cpu=%s native=%s cases=%d\n", mcu::kCpu, Native::kName, cases);
  std::printf("impl: conv=%s depthwise=%s fully_connected=%s avg_pool=%s max_pool=%s add=%s\n",
              k::ConvS8<Native>::ImplArch::kName, k::DepthwiseConvS8<Native>::ImplArch::kName,
              k::FullyConnectedS8<Native>::ImplArch::kName,
              k::AveragePoolS8<Native>::ImplArch::kName, k::MaxPoolS8<Native>::ImplArch::kName,
              k::AddS8<Native>::ImplArch::kName);
  int passed = 0, failed = 0;
  Tally rq{"requantize"}, conv{"conv_s8"}, dw{"depthwise_conv_s8"}, fc{"fully_connected_s8"},
      avg{"average_pool_s8"}, max{"max_pool_s8"}, add{"add_s8"};
  test_requantize(rq, cases);
  report(rq, &passed, &failed);
  test_conv(conv, cases);
  report(conv, &passed, &failed);
  test_depthwise(dw, cases);
  report(dw, &passed, &failed);
  test_fully_connected(fc, cases);
  report(fc, &passed, &failed);
  test_pool<k::AveragePoolS8>(avg, cases);
  report(avg, &passed, &failed);
  test_pool<k::MaxPoolS8>(max, cases);
  report(max, &passed, &failed);
  test_add(add, cases);
  report(add, &passed, &failed);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
