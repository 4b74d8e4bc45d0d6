// SPDX-License-Identifier: Apache-2.0
// float32 fully connected: output[b, o] = clamp(sum_d input[b, d] * filter[o, d] + bias[o]).
//
// Contract: input [batches, depth] (leading shape flattened); filter [out, depth] row-major; bias
//   null or [out]; output [batches, out]; scratch_bytes() bytes of scratch (0 for Generic).
// Numerics: TFLite's reference_ops::FullyConnected (sum in d order, + bias, clamp); arch paths may
//   sum in another order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/float/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct FullyConnectedF32Args {
  const float* input = nullptr;
  const float* filter = nullptr;
  const float* bias = nullptr;
  float* output = nullptr;
  std::int32_t batches = 0, depth = 0, out = 0;
  FloatRange act;
};

template <class Arch>
struct FullyConnectedF32 : FullyConnectedF32<typename Arch::Parent> {};

template <>
struct FullyConnectedF32<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const FullyConnectedF32Args&) noexcept { return 0; }
  static void run(const FullyConnectedF32Args& a, void* /*scratch*/) noexcept {
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const float* in = a.input + static_cast<std::ptrdiff_t>(b) * a.depth;
      float* out = a.output + static_cast<std::ptrdiff_t>(b) * a.out;
      for (std::int32_t o = 0; o < a.out; ++o) {
        const float* w = a.filter + static_cast<std::ptrdiff_t>(o) * a.depth;
        float total = 0.0f;
        for (std::int32_t d = 0; d < a.depth; ++d) total += in[d] * w[d];
        const float bias = a.bias != nullptr ? a.bias[o] : 0.0f;
        out[o] = clamp_f32(total + bias, a.act);
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
