// SPDX-License-Identifier: Apache-2.0
// AVX-512 VNNI int8 fully connected: the row-dot engine (avx512/rows.hpp) on the input rows read
// in place (flipped to x + 128 on load, masked tails), 8 weight rows per tile for one batch row,
// 4 rows x 4 batch rows otherwise. Weights with a nonzero zero point (filter_offset) use the
// reference path.
//
// Contract: as kernels::FullyConnectedS8; no scratch.
// Numerics: bit-exact with the reference in both roundings (Requant16<R>: requantize16 for
//   Rounding::kDouble, Single16 for kSingle), the mode picked once per run().
#pragma once

#include "tinyml/kernels/arch/avx512/isa.hpp"

#if defined(TINYML_AVX512_KERNELS)

#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/arch/avx512/rows.hpp"
#include "tinyml/kernels/fully_connected_s8.hpp"

TINYML_AVX512_DIAGNOSTICS_PUSH

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

template <>
struct FullyConnectedS8<arch::Avx512> {
  using ImplArch = arch::Avx512;
  static std::size_t scratch_bytes(const FullyConnectedS8Args&) noexcept { return 0; }
  static void run(const FullyConnectedS8Args& a, void* scratch) noexcept {
    if (a.filter_offset != 0) {
      FullyConnectedS8<arch::Generic>::run(a, scratch);
      return;
    }
    avx512::RowsArgs r;
    r.weights = a.filter;
    r.bias = a.bias;
    r.multiplier = a.multiplier;
    r.shift = a.shift;
    r.per_channel = a.per_channel;
    r.n_out = a.out;
    r.k = a.depth;
    r.input_offset = a.input_offset;
    r.output_offset = a.output_offset;
    r.act_min = a.act_min;
    r.act_max = a.act_max;
    avx512::RowsIo io;
    io.x = reinterpret_cast<const std::uint8_t*>(a.input);
    io.x_stride = a.depth;
    io.out = a.output;
    io.out_stride = a.out;
    io.count = a.batches;
    if (a.rounding == quant::Rounding::kSingle) {
      avx512::dot_rows<quant::Rounding::kSingle, true>(r, io);
    } else {
      avx512::dot_rows<quant::Rounding::kDouble, true>(r, io);
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

TINYML_AVX512_DIAGNOSTICS_POP

#endif  // TINYML_AVX512_KERNELS
