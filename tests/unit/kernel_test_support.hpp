// SPDX-License-Identifier: Apache-2.0
// Random shapes and data shared by the kernel sweeps (tests/unit/test_kernels.cpp and
// tests/unit/test_avx512_emulated.cpp): a seeded generator with the quantization parameters'
// interesting values (multipliers over [2^30, 2^31), shifts from -31 to 2, zero points at -128
// and 127, full-range biases now and then, clamp ranges) and TFLite's window placement.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "tinyml/tinyml.hpp"

namespace tinyml_test {

struct Rng {
  std::mt19937 g;
  explicit Rng(unsigned seed) : g(seed) {}
  int range(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g); }
  bool coin() { return range(0, 1) == 1; }
  std::uint32_t u32() { return static_cast<std::uint32_t>(g()); }
  std::vector<std::int8_t> bytes(std::size_t n) {
    std::vector<std::int8_t> v(n);
    for (auto& x : v) x = static_cast<std::int8_t>(range(-128, 127));
    return v;
  }
  /// Extreme-heavy int8 data: all -128 / all 127 now and then (the sums' bounds).
  std::vector<std::int8_t> data(std::size_t n) {
    const int kind = range(0, 9);
    if (kind == 0) return std::vector<std::int8_t>(n, -128);
    if (kind == 1) return std::vector<std::int8_t>(n, 127);
    return bytes(n);
  }
  /// Mostly within +-40000, one in ten anywhere in int32 (the accumulator then wraps).
  std::vector<std::int32_t> bias(std::size_t n) {
    std::vector<std::int32_t> v(n);
    for (auto& x : v) x = range(0, 9) == 0 ? static_cast<std::int32_t>(u32()) : range(-40000, 40000);
    return v;
  }
  /// Q31 multipliers in [2^30, 2^31) and shifts from -31 to 2 (extremes included).
  void quant(std::size_t n, std::vector<std::int32_t>* m, std::vector<std::int8_t>* s) {
    m->resize(n);
    s->resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      (*m)[i] = static_cast<std::int32_t>((1u << 30) + static_cast<unsigned>(range(0, (1 << 30) - 1)));
      const int r = range(0, 9);
      (*s)[i] = static_cast<std::int8_t>(r == 0 ? -31 : r == 1 ? 2 : range(-12, 0));
    }
  }
  int zp() {
    const int r = range(0, 4);
    return r == 0 ? -128 : r == 1 ? 127 : range(-128, 127);
  }
  void act(std::int32_t* lo, std::int32_t* hi) {
    *lo = coin() ? -128 : range(-128, 0);
    *hi = coin() ? 127 : range(*lo, 127);
  }
};

/// Output size and TFLite padding of one spatial dimension; false if the window does not fit.
inline bool place(bool same, std::int32_t in, std::int32_t k, std::int32_t stride, std::int32_t dil,
                  std::int32_t* out, std::int32_t* pad) {
  *out = tinyml::runtime::window_out_size(same, in, k, stride, dil);
  if (*out <= 0) return false;
  *pad = tinyml::runtime::window_padding(in, k, stride, dil, *out);
  return true;
}

/// The requantization fields shared by the conv, depthwise and FC argument structs: m and s as
/// per-channel (or per-tensor) multipliers and shifts, the given input offset, a random output
/// zero point and clamp range (drawn in that order).
template <class Args>
inline void set_requant(Rng& r, Args& a, const std::vector<std::int32_t>& m, const std::vector<std::int8_t>& s,
                        std::int32_t input_offset) {
  a.multiplier = m.data();
  a.shift = s.data();
  a.input_offset = input_offset;
  a.output_offset = r.zp();
  r.act(&a.act_min, &a.act_max);
}

/// Random operands of a convolution-like kernel, owned here and pointed to by its arguments:
/// input, weights, bias (omitted one time in six when may_omit_bias), per-channel
/// requantization, then set_requant() with a random input zero point. `extreme` draws with
/// Rng::data (all -128 / all 127 now and then), else uniform bytes.
struct ConvOperands {
  std::vector<std::int8_t> in, w;
  std::vector<std::int32_t> bias, m;
  std::vector<std::int8_t> s;
  template <class Args>
  void draw(Rng& r, Args& a, std::size_t in_n, std::size_t w_n, std::size_t channels, bool extreme,
            bool may_omit_bias) {
    in = extreme ? r.data(in_n) : r.bytes(in_n);
    w = extreme ? r.data(w_n) : r.bytes(w_n);
    bias = r.bias(channels);
    r.quant(channels, &m, &s);
    a.input = in.data();
    a.filter = w.data();
    a.bias = may_omit_bias && r.range(0, 5) == 0 ? nullptr : bias.data();
    set_requant(r, a, m, s, -r.zp());
  }
};

/// Zeroes about one filter in `odds` of a convolution (a.filter must point into w) and sets
/// a.live, a.n_live and a.dead_out as the op's prepare would; live and dead_out hold the lists.
inline void prune_filters(Rng& r, tinyml::kernels::ConvS8Args& a, std::vector<std::int8_t>& w,
                          const std::vector<std::int32_t>& m, const std::vector<std::int8_t>& s, int odds,
                          std::vector<std::int16_t>* live, std::vector<std::int8_t>* dead_out) {
  const std::size_t kk = static_cast<std::size_t>(a.k_h) * a.k_w * a.filter_in_c;
  dead_out->assign(static_cast<std::size_t>(a.out_c), 0);
  live->clear();
  for (std::int32_t oc = 0; oc < a.out_c; ++oc) {
    const auto c = static_cast<std::size_t>(oc);
    if (r.range(1, odds) == 1) {
      std::fill(w.begin() + static_cast<std::ptrdiff_t>(c * kk), w.begin() + static_cast<std::ptrdiff_t>((c + 1) * kk), 0);
      (*dead_out)[c] = tinyml::kernels::requantize(a.bias ? a.bias[oc] : 0, m[c], s[c], a.output_offset,
                                                   a.act_min, a.act_max);
    } else {
      live->push_back(static_cast<std::int16_t>(oc));
    }
  }
  a.live = live->data();
  a.n_live = static_cast<std::int32_t>(live->size());
  a.dead_out = dead_out->data();
}

}  // namespace tinyml_test
