// SPDX-License-Identifier: Apache-2.0
// TRANSPOSE_CONV (int8 activations, int8 weights per-tensor or per-channel, optional int32 bias)
// and BATCH_MATMUL (int8 x int8 -> int8, adj_x / adj_y, broadcast batch dims, constant or
// activation operands).
#pragma once

#include "tinyml/kernels/batch_matmul_s8.hpp"
#include "tinyml/kernels/transpose_conv_s8.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

/// TRANSPOSE_CONV on int8. Inputs in TFLite's order: output shape (constant int32 [4]), weights
/// [out_c, k_h, k_w, in_c] (constant), input [n, h, w, in_c], optional bias [out_c]. Padding is
/// derived from the *output* size as TFLite does (ComputePaddingHeightWidth on the output).
struct TransposeConv {
  static constexpr std::int32_t kBuiltin = 67;
  static constexpr const char* kName = "TRANSPOSE_CONV";
  struct Params {
    kernels::TransposeConvS8Args args;
    std::int32_t input = 0, output = 0;
  };

  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(2, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(3, 4, 1));
    const std::int32_t shape_t = c.input(0), filt = c.input(1), in = c.input(2);
    const std::int32_t out = c.output(0);
    TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(filt, TensorType::kInt8, "weights"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    TINYML_TRY(c.expect_type(shape_t, TensorType::kInt32, "output shape"));
    TINYML_TRY(c.expect_rank(in, 4, "input"));
    TINYML_TRY(c.expect_rank(filt, 4, "weights"));
    const auto* want = reinterpret_cast<const std::int32_t*>(c.constant(shape_t));
    if (want == nullptr || c.shape(shape_t).rank != 1 || c.shape(shape_t)[0] != 4) {
      return c.fail(Status::kUnsupportedOp, "output shape must be a constant int32 [4] tensor");
    }
    if (c.constant(filt) == nullptr) return c.fail(Status::kUnsupportedOp, "weights must be constant");
    Shape os;
    os.rank = 4;
    for (int d = 0; d < 4; ++d) os.dims[d] = want[d];
    TINYML_TRY(c.expect_shape(out, os, "output"));
    const Shape is = c.shape(in), fs = c.shape(filt);
    auto& a = p.args;
    a.batches = is[0]; a.in_h = is[1]; a.in_w = is[2]; a.in_c = is[3];
    a.out_c = fs[0]; a.k_h = fs[1]; a.k_w = fs[2];
    a.out_h = os[1]; a.out_w = os[2];
    if (fs[3] != a.in_c) return c.fail(Status::kShapeMismatch, "weights depth != input channels");
    if (os[0] != a.batches || os[3] != a.out_c) {
      return c.fail(Status::kShapeMismatch, "output batches/channels disagree with input/weights");
    }
    const model::TableView o = c.op.options(model::OptionsType::kTransposeConv);
    namespace f = model::fid::transpose_conv;
    const std::int8_t padding = o.scalar<std::int8_t>(f::kPadding, 0);
    a.stride_w = o.scalar<std::int32_t>(f::kStrideW, 0);
    a.stride_h = o.scalar<std::int32_t>(f::kStrideH, 0);
    if (padding != 0 && padding != 1) return c.fail(Status::kInvalidModel, "unknown padding type");
    constexpr std::int32_t kMaxExtent = 1 << 20;
    if (a.stride_h < 1 || a.stride_w < 1 || a.stride_h > kMaxExtent || a.stride_w > kMaxExtent ||
        a.k_h > kMaxExtent || a.k_w > kMaxExtent || a.out_h > kMaxExtent ||
        a.out_w > kMaxExtent) {
      return c.fail(Status::kInvalidModel, "strides must be in [1, 2^20], sizes below 2^20");
    }
    a.pad_h = padding_of(padding == 0, a.out_h, a.k_h, a.stride_h);
    a.pad_w = padding_of(padding == 0, a.out_w, a.k_w, a.stride_w);
    TINYML_TRY(c.check_depth(static_cast<std::int64_t>((a.k_h + a.stride_h - 1) / a.stride_h) *
                             ((a.k_w + a.stride_w - 1) / a.stride_w) * a.in_c));
    TINYML_TRY(c.bias(c.input(3), a.out_c, &a.bias));

    runtime::QParams qi, qo;
    TINYML_TRY(c.qparams(in, "input", &qi));
    TINYML_TRY(c.qparams(out, "output", &qo));
    const model::FbVector<float>* ws = nullptr;
    std::int32_t wzp = 0;
    TINYML_TRY(c.weight_scales(filt, a.out_c, 0, true, &ws, &wzp));
    std::int32_t* mult = nullptr;
    std::int8_t* shift = nullptr;
    TINYML_TRY(c.channel_multipliers(qi.scale, ws, qo.scale, a.out_c, &mult, &shift));
    quant::ActRange r;
    TINYML_TRY(c.act_range(o.scalar<std::int8_t>(f::kActivation, 0), qo, TensorType::kInt8, &r));
    a.multiplier = mult; a.shift = shift;
    a.input_offset = -qi.zero_point; a.output_offset = qo.zero_point;
    a.act_min = r.min; a.act_max = r.max;
    a.filter = reinterpret_cast<const std::int8_t*>(c.constant(filt));
    p.input = in;
    p.output = out;
    return c.request_scratch(kernels::TransposeConvS8<Arch>::scratch_bytes(a));
  }

  /// TFLite's ComputePaddingHeightWidth applied to the output extent: the leading padding of a
  /// forward convolution from `size` with this filter and stride (0 if none).
  static constexpr std::int32_t padding_of(bool same, std::int32_t size, std::int32_t filter,
                                           std::int32_t stride) noexcept {
    const std::int64_t n = same ? (static_cast<std::int64_t>(size) + stride - 1) / stride
                                : (static_cast<std::int64_t>(size) + stride - filter) / stride;
    const std::int64_t total = (n - 1) * stride + filter - size;
    return total > 0 ? static_cast<std::int32_t>(total / 2) : 0;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::TransposeConvS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::TransposeConvS8<Arch>::run(a, e.scratch);
  }

  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    return static_cast<std::uint64_t>(a.batches) * a.in_h * a.in_w * a.in_c * a.k_h * a.k_w *
           a.out_c;
  }
};

/// BATCH_MATMUL on int8 (per-tensor quantization of both operands and the output).
struct BatchMatMul {
  static constexpr std::int32_t kBuiltin = 126;
  static constexpr const char* kName = "BATCH_MATMUL";
  struct Params {
    kernels::BatchMatMulS8Args args;
    std::int32_t lhs = 0, rhs = 0, output = 0;
  };

  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t lhs = c.input(0), rhs = c.input(1), out = c.output(0);
    TINYML_TRY(c.expect_type(lhs, TensorType::kInt8, "lhs"));
    TINYML_TRY(c.expect_type(rhs, TensorType::kInt8, "rhs"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    const Shape ls = c.shape(lhs), rs = c.shape(rhs);
    if (ls.rank < 2 || ls.rank > 5 || rs.rank < 2 || rs.rank > 5) {
      return c.fail(Status::kUnsupportedOp, "operands must have rank 2..5");
    }
    const model::TableView o = c.op.options(model::OptionsType::kBatchMatMul);
    auto& a = p.args;
    a.adj_x = o.scalar<std::uint8_t>(model::fid::batch_matmul::kAdjX, 0) != 0;
    a.adj_y = o.scalar<std::uint8_t>(model::fid::batch_matmul::kAdjY, 0) != 0;
    const int rank = ls.rank > rs.rank ? ls.rank : rs.rank;
    // Both shapes extended to `rank` with leading 1s.
    Shape le, re;
    le.rank = re.rank = rank;
    for (int d = 0; d < rank; ++d) {
      le.dims[d] = d < rank - ls.rank ? 1 : ls.dims[d - (rank - ls.rank)];
      re.dims[d] = d < rank - rs.rank ? 1 : rs.dims[d - (rank - rs.rank)];
    }
    a.rows = a.adj_x ? le[rank - 1] : le[rank - 2];
    a.depth = a.adj_x ? le[rank - 2] : le[rank - 1];
    a.cols = a.adj_y ? re[rank - 2] : re[rank - 1];
    if ((a.adj_y ? re[rank - 1] : re[rank - 2]) != a.depth) {
      return c.fail(Status::kShapeMismatch, "lhs and rhs accumulation depths differ");
    }
    Shape os;
    os.rank = rank;
    a.n_batch = rank - 2;
    std::int32_t lm = 1, rm = 1;  // matrices per step of the current (inner) batch dim
    for (int d = rank - 3; d >= 0; --d) {
      if (le[d] != re[d] && le[d] != 1 && re[d] != 1) {
        return c.fail(Status::kShapeMismatch, "batch dimensions do not broadcast");
      }
      os.dims[d] = le[d] == 1 ? re[d] : le[d];
      a.batch_size[d] = os.dims[d];
      a.lhs_stride[d] = le[d] == 1 ? 0 : lm;
      a.rhs_stride[d] = re[d] == 1 ? 0 : rm;
      lm *= le[d];
      rm *= re[d];
    }
    os.dims[rank - 2] = a.rows;
    os.dims[rank - 1] = a.cols;
    TINYML_TRY(c.expect_shape(out, os, "output"));
    TINYML_TRY(c.check_depth(a.depth));

    runtime::QParams ql, qr, qo;
    TINYML_TRY(c.qparams(lhs, "lhs", &ql));
    TINYML_TRY(c.qparams(rhs, "rhs", &qr));
    TINYML_TRY(c.qparams(out, "output", &qo));
    if (model::size_of(c.tensor(rhs).quantization().scale()) != 1 ||
        model::size_of(c.tensor(lhs).quantization().scale()) != 1) {
      return c.fail(Status::kBadQuantization, "int8 BATCH_MATMUL needs per-tensor quantization");
    }
    // GetQuantizedConvolutionMultipler: the operand scales multiply in float.
    quant::QuantizedMultiplier qm;
    if (!quant::quantize_multiplier(
            static_cast<double>(ql.scale * qr.scale) / static_cast<double>(qo.scale), &qm)) {
      return c.fail(Status::kBadQuantization, "requantization scale is not finite");
    }
    a.multiplier = qm.multiplier;
    a.shift = qm.shift;
    a.lhs_offset = -ql.zero_point;
    a.rhs_offset = -qr.zero_point;
    a.output_offset = qo.zero_point;
    p.lhs = lhs;
    p.rhs = rhs;
    p.output = out;
    return c.request_scratch(kernels::BatchMatMulS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::BatchMatMulS8Args a = p.args;
    a.lhs = e.tensor<const std::int8_t>(p.lhs);
    a.rhs = e.tensor<const std::int8_t>(p.rhs);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::BatchMatMulS8<Arch>::run(a, e.scratch);
  }

  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    std::uint64_t batches = 1;
    for (int d = 0; d < a.n_batch; ++d) batches *= static_cast<std::uint64_t>(a.batch_size[d]);
    return batches * a.rows * a.cols * a.depth;
  }
};

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using MatmulOps = OpList<ops::TransposeConv, ops::BatchMatMul>;

}  // namespace TINYML_ABI
}  // namespace tinyml
