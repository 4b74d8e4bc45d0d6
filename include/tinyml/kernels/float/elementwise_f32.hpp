// SPDX-License-Identifier: Apache-2.0
// float32 element-wise kernels: ADD / SUB / MUL with broadcasting (rank <= 6), the activations
// RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH, SOFTMAX over the last axis, and MEAN over any axes.
//
// Contract: see each Args struct; no scratch; outputs do not alias inputs.
// Numerics: TFLite's float reference kernels: clamp(a op b) for the binary ops; LOGISTIC is
//   1 / (1 + exp(-x)) with x clamped to [-100, 100]; TANH std::tanh; SOFTMAX exp((x - max) * beta)
//   / sum; MEAN sums the input in row-major order into each output element, then divides by the
//   number of reduced elements.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "tinyml/kernels/float/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

/// Rank of the broadcast iteration space (TFLite's 6-D slow broadcast).
inline constexpr int kBroadcastRank = 6;

enum class BinaryOpF32 : std::uint8_t { kAdd, kSub, kMul };

struct BinaryF32Args {
  const float* in1 = nullptr;
  const float* in2 = nullptr;
  float* output = nullptr;
  /// Output dims right-aligned to kBroadcastRank (leading 1s), and each input's element strides
  /// over them (0 where the input is broadcast).
  std::int32_t dims[kBroadcastRank] = {1, 1, 1, 1, 1, 1};
  std::int64_t stride1[kBroadcastRank] = {};
  std::int64_t stride2[kBroadcastRank] = {};
  std::int64_t count = 0;
  bool broadcast = false;
  FloatRange act;
};

template <BinaryOpF32 Op>
inline float binary_f32(float a, float b) noexcept {
  if constexpr (Op == BinaryOpF32::kAdd) {
    return a + b;
  } else if constexpr (Op == BinaryOpF32::kSub) {
    return a - b;
  } else {
    return a * b;
  }
}

template <class Arch, BinaryOpF32 Op>
struct BinaryF32 : BinaryF32<typename Arch::Parent, Op> {};

template <BinaryOpF32 Op>
struct BinaryF32<arch::Generic, Op> {
  using ImplArch = arch::Generic;
  static void run(const BinaryF32Args& a) noexcept {
    if (!a.broadcast) {
      for (std::int64_t i = 0; i < a.count; ++i) {
        a.output[i] = clamp_f32(binary_f32<Op>(a.in1[i], a.in2[i]), a.act);
      }
      return;
    }
    // Odometer over the five outer dims; the innermost dim is a strided loop.
    constexpr int kInner = kBroadcastRank - 1;
    std::int32_t idx[kInner] = {};
    float* out = a.output;
    const std::int64_t s1 = a.stride1[kInner], s2 = a.stride2[kInner];
    for (;;) {
      std::int64_t o1 = 0, o2 = 0;
      for (int d = 0; d < kInner; ++d) {
        o1 += idx[d] * a.stride1[d];
        o2 += idx[d] * a.stride2[d];
      }
      const float* x = a.in1 + o1;
      const float* y = a.in2 + o2;
      for (std::int32_t i = 0; i < a.dims[kInner]; ++i) {
        out[i] = clamp_f32(binary_f32<Op>(x[i * s1], y[i * s2]), a.act);
      }
      out += a.dims[kInner];
      int d = kInner - 1;
      while (d >= 0 && ++idx[d] == a.dims[d]) idx[d--] = 0;
      if (d < 0) return;
    }
  }
};

enum class UnaryOpF32 : std::uint8_t { kRelu, kRelu6, kReluN1To1, kLogistic, kTanh };

struct UnaryF32Args {
  const float* input = nullptr;
  float* output = nullptr;
  std::int64_t count = 0;
};

template <UnaryOpF32 Op>
inline float unary_f32(float x) noexcept {
  if constexpr (Op == UnaryOpF32::kRelu) {
    return x < 0.0f ? 0.0f : x;
  } else if constexpr (Op == UnaryOpF32::kRelu6) {
    const float lo = x < 0.0f ? 0.0f : x;
    return lo > 6.0f ? 6.0f : lo;
  } else if constexpr (Op == UnaryOpF32::kReluN1To1) {
    const float lo = x < -1.0f ? -1.0f : x;
    return lo > 1.0f ? 1.0f : lo;
  } else if constexpr (Op == UnaryOpF32::kLogistic) {
    const float c = std::isnan(x) ? x : (x < -100.0f ? -100.0f : (x > 100.0f ? 100.0f : x));
    return 1.0f / (1.0f + std::exp(-c));
  } else {
    return std::tanh(x);
  }
}

template <class Arch, UnaryOpF32 Op>
struct UnaryF32 : UnaryF32<typename Arch::Parent, Op> {};

template <UnaryOpF32 Op>
struct UnaryF32<arch::Generic, Op> {
  using ImplArch = arch::Generic;
  static void run(const UnaryF32Args& a) noexcept {
    for (std::int64_t i = 0; i < a.count; ++i) a.output[i] = unary_f32<Op>(a.input[i]);
  }
};

struct SoftmaxF32Args {
  const float* input = nullptr;
  float* output = nullptr;
  std::int32_t outer = 0, depth = 0;
  float beta = 1.0f;
};

template <class Arch>
struct SoftmaxF32 : SoftmaxF32<typename Arch::Parent> {};

template <>
struct SoftmaxF32<arch::Generic> {
  using ImplArch = arch::Generic;
  static void run(const SoftmaxF32Args& a) noexcept {
    for (std::int32_t r = 0; r < a.outer; ++r) {
      const float* in = a.input + static_cast<std::ptrdiff_t>(r) * a.depth;
      float* out = a.output + static_cast<std::ptrdiff_t>(r) * a.depth;
      float max = std::numeric_limits<float>::lowest();
      for (std::int32_t c = 0; c < a.depth; ++c) max = in[c] > max ? in[c] : max;
      float sum = 0.0f;
      for (std::int32_t c = 0; c < a.depth; ++c) {
        out[c] = std::exp((in[c] - max) * a.beta);
        sum += out[c];
      }
      for (std::int32_t c = 0; c < a.depth; ++c) out[c] = out[c] / sum;
    }
  }
};

struct MeanF32Args {
  const float* input = nullptr;
  float* output = nullptr;
  std::int32_t rank = 0;
  std::int32_t in_dims[kBroadcastRank] = {};
  /// Output element stride of each input dim (0 on reduced dims).
  std::int64_t out_stride[kBroadcastRank] = {};
  std::int64_t out_count = 0;
  float reduce_count = 1.0f;  ///< input elements per output element
};

template <class Arch>
struct MeanF32 : MeanF32<typename Arch::Parent> {};

template <>
struct MeanF32<arch::Generic> {
  using ImplArch = arch::Generic;
  static void run(const MeanF32Args& a) noexcept {
    for (std::int64_t i = 0; i < a.out_count; ++i) a.output[i] = 0.0f;
    std::int32_t idx[kBroadcastRank] = {};
    const float* in = a.input;
    const int last = a.rank - 1;
    for (;;) {
      std::int64_t o = 0;
      for (int d = 0; d < last; ++d) o += idx[d] * a.out_stride[d];
      const std::int64_t s = a.out_stride[last];
      for (std::int32_t i = 0; i < a.in_dims[last]; ++i) a.output[o + i * s] += in[i];
      in += a.in_dims[last];
      int d = last - 1;
      while (d >= 0 && ++idx[d] == a.in_dims[d]) idx[d--] = 0;
      if (d < 0) break;
    }
    for (std::int64_t i = 0; i < a.out_count; ++i) a.output[i] = a.output[i] / a.reduce_count;
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
