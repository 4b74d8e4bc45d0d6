// SPDX-License-Identifier: Apache-2.0
// int8 fully connected: output[b, o] = sum_d filter[o, d] * input[b, d] + bias[o], requantized.
//
// Contract: input [batches, depth] (row-major, any leading shape flattened); filter [out, depth];
//   bias null or [out]; multiplier/shift have `out` entries if per_channel, else one.
// Numerics: acc = sum((filter + filter_offset) * (input + input_offset)) + bias (int32, as
//   TFLite's reference_integer_ops::FullyConnected and its PerChannel variant), requantized with
//   `rounding`, + output zero point (wrapping), clamp. Rounding::kSingle (the default) is
//   bit-exact with LiteRT's reference kernel (quant::multiply_by_quantized_multiplier_single);
//   Rounding::kDouble with TFLite Micro and CMSIS-NN (quant::multiply_by_quantized_multiplier).
//   Every arch path honours both bit for bit; each picks the mode once per run().
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct FullyConnectedS8Args {
  const std::int8_t* input = nullptr;
  const std::int8_t* filter = nullptr;
  const std::int32_t* bias = nullptr;
  std::int8_t* output = nullptr;
  const std::int32_t* multiplier = nullptr;
  const std::int8_t* shift = nullptr;
  bool per_channel = false;
  quant::Rounding rounding = quant::Rounding::kSingle;  // (in per_channel's padding)
  std::int32_t batches = 0, depth = 0, out = 0;
  std::int32_t input_offset = 0, filter_offset = 0, output_offset = 0;
  std::int32_t act_min = -128, act_max = 127;
};

/// requantize() (kernels/common.hpp) with the rounding chosen at compile time.
template <quant::Rounding R>
constexpr std::int8_t requantize_as(std::int32_t acc, std::int32_t multiplier, int shift,
                                    std::int32_t output_offset, std::int32_t act_min,
                                    std::int32_t act_max) noexcept {
  const std::int32_t v = quant::wrapping_add(
      quant::multiply_by_quantized_multiplier_as<R>(acc, multiplier, shift), output_offset);
  return static_cast<std::int8_t>(clamp_i32(v, act_min, act_max));
}

template <class Arch>
struct FullyConnectedS8 : FullyConnectedS8<typename Arch::Parent> {};

template <>
struct FullyConnectedS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const FullyConnectedS8Args&) noexcept { return 0; }
  static void run(const FullyConnectedS8Args& a, void* /*scratch*/) noexcept {
    if (a.rounding == quant::Rounding::kSingle) {
      run_as<quant::Rounding::kSingle>(a);
    } else {
      run_as<quant::Rounding::kDouble>(a);
    }
  }

 private:
  template <quant::Rounding R>
  static void run_as(const FullyConnectedS8Args& a) noexcept {
    for (std::int32_t b = 0; b < a.batches; ++b) {
      const std::int8_t* in = a.input + b * a.depth;
      for (std::int32_t o = 0; o < a.out; ++o) {
        const std::int8_t* f = a.filter + o * a.depth;
        std::int32_t acc = 0;
        for (std::int32_t d = 0; d < a.depth; ++d) {
          acc += (f[d] + a.filter_offset) * (in[d] + a.input_offset);
        }
        if (a.bias != nullptr) acc = quant::wrapping_add(acc, a.bias[o]);
        const std::int32_t c = a.per_channel ? o : 0;
        a.output[b * a.out + o] =
            requantize_as<R>(acc, a.multiplier[c], a.shift[c], a.output_offset, a.act_min, a.act_max);
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

// Per-arch specializations (each file is empty unless its ISA is enabled).
#include "tinyml/kernels/arch/avx2/conv_s8.hpp"
#include "tinyml/kernels/arch/cortexm_dsp/fully_connected_s8.hpp"
#include "tinyml/kernels/arch/helium/fully_connected_s8.hpp"
#include "tinyml/kernels/arch/avx512/fully_connected_s8.hpp"
