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

#include "tinyml/config.hpp"
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
#if TINYML_X86_HINTS
  /// Optional hint (null: none), for kernels whose pair_safe_rows() is true: bit o % 8 of byte
  /// o / 8 set when every pair (filter[o, 2i], filter[o, 2i + 1]) has |w0| + |w1| <= 128, so a
  /// byte multiply with int16 pair sums (x86 vpmaddubsw) of (input + 128) cannot saturate.
  /// Computed once at prepare by mark_pair_safe_rows().
  const std::uint8_t* pair_safe = nullptr;
  /// With pair_safe, when input_offset != 128: each row's weight sum, so that
  /// dot(w, x + input_offset) = dot(w, x + 128) + (input_offset - 128) * sum(w).
  const std::int32_t* row_sums = nullptr;
#endif
};

/// FullyConnectedS8Args::row_sums of an [out, depth] filter.
inline void filter_row_sums(const std::int8_t* filter, std::int32_t out, std::int32_t depth,
                            std::int32_t* sums) noexcept {
  for (std::int32_t o = 0; o < out; ++o) {
    const std::int8_t* w = filter + static_cast<std::ptrdiff_t>(o) * depth;
    std::int32_t s = 0;
    for (std::int32_t i = 0; i < depth; ++i) s += w[i];
    sums[o] = s;
  }
}

/// Fills the FullyConnectedS8Args::pair_safe bitmap (ceil(out / 8) bytes) of an [out, depth]
/// filter; returns whether any row is marked.
inline bool mark_pair_safe_rows(const std::int8_t* filter, std::int32_t out, std::int32_t depth,
                                std::uint8_t* bits) noexcept {
  bool any = false;
  for (std::int32_t o = 0; o < out; ++o) {
    const std::int8_t* w = filter + static_cast<std::ptrdiff_t>(o) * depth;
    bool safe = true;
    for (std::int32_t i = 0; i + 1 < depth && safe; i += 2) {
      const std::int32_t a = w[i] < 0 ? -w[i] : w[i], b = w[i + 1] < 0 ? -w[i + 1] : w[i + 1];
      safe = a + b <= 128;
    }
    if (o % 8 == 0) bits[o / 8] = 0;
    if (safe) bits[o / 8] = static_cast<std::uint8_t>(bits[o / 8] | (1u << (o % 8)));
    any = any || safe;
  }
  return any;
}

/// Whether kernel K reads FullyConnectedS8Args::pair_safe (its `kReadsPairSafe` member).
template <class K, class = void>
struct reads_pair_safe {
  static constexpr bool value = false;
};
template <class K>
struct reads_pair_safe<K, decltype(void(K::kReadsPairSafe))> {
  static constexpr bool value = K::kReadsPairSafe;
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
