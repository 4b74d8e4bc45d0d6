// SPDX-License-Identifier: Apache-2.0
// Per-kernel benchmarks, reference (Generic) and native in one binary, on real-model shapes.
// Counters: MACs and bytes (weights + activations touched) as rates.
//   build/bench/tinyml_bench_kernels --benchmark_filter=Conv
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "shapes.hpp"
#include "tinyml/tinyml.hpp"

namespace k = tinyml::kernels;
using tinyml::arch::Generic;
using tinyml::arch::Native;
// An AVX-512 build also carries the AVX2 kernels (arch::Avx512's parent): bench those too.
constexpr bool kAlsoAvx2 = std::is_same_v<Native, tinyml::arch::Avx512>;
using tinyml::arch::Avx2;

namespace {
std::vector<std::int8_t> random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(g());
  return v;
}
struct Quant {
  std::vector<std::int32_t> mult, bias;
  std::vector<std::int8_t> shift;
  explicit Quant(std::size_t n) : mult(n, 1518500250), bias(n, 1234), shift(n, -7) {}
};
void rates(benchmark::State& st, double macs, double bytes) {
  st.counters["MACs"] = benchmark::Counter(macs, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["bytes"] = benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Arch>
void BM_ConvS8(benchmark::State& st, tinyml_bench::ConvShape s) {
  k::ConvS8Args a;
  a.batches = 1; a.in_h = s.h; a.in_w = s.w; a.in_c = s.in_c; a.out_c = s.out_c;
  a.k_h = s.k == 0 ? 10 : s.k; a.k_w = s.k == 0 ? 4 : s.k; a.filter_in_c = s.in_c;
  a.stride_h = a.stride_w = s.stride;
  a.out_h = tinyml::runtime::window_out_size(true, a.in_h, a.k_h, a.stride_h, 1);
  a.out_w = tinyml::runtime::window_out_size(true, a.in_w, a.k_w, a.stride_w, 1);
  a.pad_h = tinyml::runtime::window_padding(a.in_h, a.k_h, a.stride_h, 1, a.out_h);
  a.pad_w = tinyml::runtime::window_padding(a.in_w, a.k_w, a.stride_w, 1, a.out_w);
  const auto in = random_bytes(static_cast<std::size_t>(a.in_h) * a.in_w * a.in_c, 1);
  const auto w = random_bytes(static_cast<std::size_t>(a.out_c) * a.k_h * a.k_w * a.in_c, 2);
  std::vector<std::int8_t> out(static_cast<std::size_t>(a.out_h) * a.out_w * a.out_c);
  Quant q(static_cast<std::size_t>(a.out_c));
  a.input = in.data(); a.filter = w.data(); a.bias = q.bias.data(); a.output = out.data();
  a.multiplier = q.mult.data(); a.shift = q.shift.data(); a.input_offset = 128; a.output_offset = -128;
  std::vector<std::uint8_t> scratch(k::ConvS8<Arch>::scratch_bytes(a) + 64);
  for (auto _ : st) {
    k::ConvS8<Arch>::run(a, scratch.data());
    benchmark::ClobberMemory();
  }
  rates(st, double(out.size()) * a.k_h * a.k_w * a.in_c, double(in.size() + w.size() + out.size()));
}

template <class Arch>
void BM_DepthwiseConvS8(benchmark::State& st, tinyml_bench::DwShape s) {
  k::DepthwiseConvS8Args a;
  a.batches = 1; a.in_h = s.h; a.in_w = s.w; a.in_c = s.c; a.depth_multiplier = 1;
  a.k_h = a.k_w = s.k; a.stride_h = a.stride_w = s.stride;
  a.out_h = tinyml::runtime::window_out_size(true, a.in_h, a.k_h, a.stride_h, 1);
  a.out_w = tinyml::runtime::window_out_size(true, a.in_w, a.k_w, a.stride_w, 1);
  a.pad_h = tinyml::runtime::window_padding(a.in_h, a.k_h, a.stride_h, 1, a.out_h);
  a.pad_w = tinyml::runtime::window_padding(a.in_w, a.k_w, a.stride_w, 1, a.out_w);
  const auto in = random_bytes(static_cast<std::size_t>(a.in_h) * a.in_w * a.in_c, 3);
  const auto w = random_bytes(static_cast<std::size_t>(a.k_h) * a.k_w * a.in_c, 4);
  std::vector<std::int8_t> out(static_cast<std::size_t>(a.out_h) * a.out_w * a.in_c);
  Quant q(static_cast<std::size_t>(a.in_c));
  a.input = in.data(); a.filter = w.data(); a.bias = q.bias.data(); a.output = out.data();
  a.multiplier = q.mult.data(); a.shift = q.shift.data(); a.input_offset = 128; a.output_offset = -128;
  std::vector<std::uint8_t> scratch(k::DepthwiseConvS8<Arch>::scratch_bytes(a) + 64);
  for (auto _ : st) {
    k::DepthwiseConvS8<Arch>::run(a, scratch.data());
    benchmark::ClobberMemory();
  }
  rates(st, double(out.size()) * a.k_h * a.k_w, double(in.size() + w.size() + out.size()));
}

template <class Arch>
void BM_FullyConnectedS8(benchmark::State& st, tinyml_bench::FcShape s) {
  k::FullyConnectedS8Args a;
  a.batches = s.batches; a.depth = s.depth; a.out = s.out;
  const auto in = random_bytes(static_cast<std::size_t>(a.batches) * a.depth, 5);
  const auto w = random_bytes(static_cast<std::size_t>(a.out) * a.depth, 6);
  std::vector<std::int8_t> out(static_cast<std::size_t>(a.batches) * a.out);
  Quant q(static_cast<std::size_t>(a.out));
  a.input = in.data(); a.filter = w.data(); a.bias = q.bias.data(); a.output = out.data();
  a.multiplier = q.mult.data(); a.shift = q.shift.data(); a.input_offset = -89; a.output_offset = -128;
  std::vector<std::uint8_t> scratch(k::FullyConnectedS8<Arch>::scratch_bytes(a) + 64);
  for (auto _ : st) {
    k::FullyConnectedS8<Arch>::run(a, scratch.data());
    benchmark::ClobberMemory();
  }
  rates(st, double(a.batches) * a.depth * a.out, double(in.size() + w.size() + out.size()));
}

template <class Arch>
std::string name(const char* kernel, const char* shape) {
  return std::string("BM_") + kernel + "<" + Arch::kName + ">/" + shape;
}

int register_all() {
  for (const auto& s : tinyml_bench::kConvShapes) {
    benchmark::RegisterBenchmark(name<Generic>("ConvS8", s.name).c_str(), BM_ConvS8<Generic>, s);
    benchmark::RegisterBenchmark(name<Native>("ConvS8", s.name).c_str(), BM_ConvS8<Native>, s);
    if constexpr (kAlsoAvx2) benchmark::RegisterBenchmark(name<Avx2>("ConvS8", s.name).c_str(), BM_ConvS8<Avx2>, s);
  }
  for (const auto& s : tinyml_bench::kDwShapes) {
    benchmark::RegisterBenchmark(name<Generic>("DepthwiseConvS8", s.name).c_str(), BM_DepthwiseConvS8<Generic>, s);
    benchmark::RegisterBenchmark(name<Native>("DepthwiseConvS8", s.name).c_str(), BM_DepthwiseConvS8<Native>, s);
    if constexpr (kAlsoAvx2) benchmark::RegisterBenchmark(name<Avx2>("DepthwiseConvS8", s.name).c_str(), BM_DepthwiseConvS8<Avx2>, s);
  }
  for (const auto& s : tinyml_bench::kFcShapes) {
    benchmark::RegisterBenchmark(name<Generic>("FullyConnectedS8", s.name).c_str(), BM_FullyConnectedS8<Generic>, s);
    benchmark::RegisterBenchmark(name<Native>("FullyConnectedS8", s.name).c_str(), BM_FullyConnectedS8<Native>, s);
    if constexpr (kAlsoAvx2) benchmark::RegisterBenchmark(name<Avx2>("FullyConnectedS8", s.name).c_str(), BM_FullyConnectedS8<Avx2>, s);
  }
  return 0;
}
const int kRegistered = register_all();
}  // namespace

BENCHMARK_MAIN();
