// SPDX-License-Identifier: Apache-2.0
// int8 batched matrix product (BATCH_MATMUL): out[..., i, j] = sum_k lhs[..., i, k] * rhs[..., k, j]
// with broadcast batch dimensions, per-tensor quantization.
//
// Contract: lhs is [..., rows, depth] ([..., depth, rows] when adj_x), rhs [..., depth, cols]
//   ([..., cols, depth] when adj_y), output [..., rows, cols], all row-major. The batch part is
//   described per output batch dim by its size and the lhs/rhs matrix strides (0 where that
//   operand broadcasts).
// Numerics: bit-exact with TFLite's reference_ops::BatchMatMul<int8_t, int32_t>: int32 sum of
//   (lhs - lhs_zp) * (rhs - rhs_zp), MultiplyByQuantizedMultiplier (double rounding), + output
//   zero point, clamp to [-128, 127] (BATCH_MATMUL has no fused activation).
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/core/shape.hpp"
#include "tinyml/kernels/common.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

struct BatchMatMulS8Args {
  const std::int8_t* lhs = nullptr;
  const std::int8_t* rhs = nullptr;
  std::int8_t* output = nullptr;
  std::int32_t rows = 0, cols = 0, depth = 0;
  bool adj_x = false, adj_y = false;
  std::int32_t n_batch = 0;  ///< batch dims (output rank - 2)
  std::int32_t batch_size[kMaxRank] = {};
  std::int32_t lhs_stride[kMaxRank] = {}, rhs_stride[kMaxRank] = {};  ///< in matrices
  std::int32_t lhs_offset = 0, rhs_offset = 0, output_offset = 0;     ///< -zp, -zp, +zp
  std::int32_t multiplier = 0, shift = 0;
};

template <class Arch>
struct BatchMatMulS8 : BatchMatMulS8<typename Arch::Parent> {};

template <>
struct BatchMatMulS8<arch::Generic> {
  using ImplArch = arch::Generic;
  static std::size_t scratch_bytes(const BatchMatMulS8Args&) noexcept { return 0; }
  static void run(const BatchMatMulS8Args& a, void* /*scratch*/) noexcept {
    const std::size_t lhs_mat = static_cast<std::size_t>(a.rows) * a.depth;
    const std::size_t rhs_mat = static_cast<std::size_t>(a.depth) * a.cols;
    // Element strides of lhs(i, k) and rhs(k, j) inside one matrix.
    const std::size_t li = a.adj_x ? 1 : a.depth, lk = a.adj_x ? a.rows : 1;
    const std::size_t rk = a.adj_y ? 1 : a.cols, rj = a.adj_y ? a.depth : 1;
    std::int32_t idx[kMaxRank] = {};
    std::size_t lm = 0, rm = 0;  // current lhs / rhs matrix index
    std::int8_t* out = a.output;
    for (;;) {
      const std::int8_t* l = a.lhs + lm * lhs_mat;
      const std::int8_t* r = a.rhs + rm * rhs_mat;
      for (std::int32_t i = 0; i < a.rows; ++i) {
        for (std::int32_t j = 0; j < a.cols; ++j) {
          std::int32_t acc = 0;
          for (std::int32_t k = 0; k < a.depth; ++k) {
            const std::int32_t x = l[i * li + k * lk] + a.lhs_offset;
            const std::int32_t y = r[k * rk + j * rj] + a.rhs_offset;
            acc = quant::wrapping_add(acc, x * y);
          }
          *out++ = requantize(acc, a.multiplier, a.shift, a.output_offset, -128, 127);
        }
      }
      int d = a.n_batch - 1;
      for (; d >= 0; --d) {
        lm += a.lhs_stride[d];
        rm += a.rhs_stride[d];
        if (++idx[d] < a.batch_size[d]) break;
        lm -= static_cast<std::size_t>(a.lhs_stride[d]) * a.batch_size[d];
        rm -= static_cast<std::size_t>(a.rhs_stride[d]) * a.batch_size[d];
        idx[d] = 0;
      }
      if (d < 0) return;
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
