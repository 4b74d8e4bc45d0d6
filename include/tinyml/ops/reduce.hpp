// SPDX-License-Identifier: Apache-2.0
// MEAN, SUM, REDUCE_MAX, ARG_MAX, ARG_MIN on int8 input (ARG_* write int32 or int64 indices).
// Axes come from a constant tensor; negative and repeated axes resolve as in TFLite.
#pragma once

#include "tinyml/kernels/reduce_s8.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace reduce_detail {

using model::TensorType;

/// Reads the constant axis tensor `t` (int32, or also int64 when `allow_i64`) into a mask over
/// the `rank` input dims. Negative axes count from the end; repeats are allowed (TFLite's
/// ResolveAxis). A rank-0 input ignores the axes.
inline Status read_axes(const runtime::PrepareContext& c, std::int32_t t, std::int32_t rank,
                        bool allow_i64, bool* mask, std::int32_t* n_axes) noexcept {
  for (int d = 0; d < kMaxRank; ++d) mask[d] = false;
  const TensorType tt = c.type(t);
  if (tt != TensorType::kInt32 && !(allow_i64 && tt == TensorType::kInt64)) {
    return c.fail(Status::kUnsupportedType,
                  allow_i64 ? "axis tensor must be int32 or int64" : "axis tensor must be int32");
  }
  const std::uint8_t* d = c.constant(t);
  if (d == nullptr) return c.fail(Status::kUnsupportedOp, "axis must be a constant tensor");
  const std::int64_t n = c.shape(t).elements();
  *n_axes = static_cast<std::int32_t>(n);
  if (rank == 0) return Status::kOk;
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t a = tt == TensorType::kInt32 ? reinterpret_cast<const std::int32_t*>(d)[i]
                                              : reinterpret_cast<const std::int64_t*>(d)[i];
    if (a < 0) a += rank;
    if (a < 0 || a >= rank) {
      *c.diag << "axis " << static_cast<long long>(a < 0 ? a - rank : a) << " out of range for rank "
              << rank;
      return Status::kInvalidModel;
    }
    mask[a] = true;
  }
  return Status::kOk;
}

/// Shape of reducing `in` over `mask` (kept as 1s with keep_dims, else dropped).
inline Shape reduced_shape(const Shape& in, const bool* mask, bool keep_dims) noexcept {
  Shape s;
  for (int d = 0; d < in.rank; ++d) {
    if (!mask[d]) {
      s.dims[s.rank++] = in.dims[d];
    } else if (keep_dims) {
      s.dims[s.rank++] = 1;
    }
  }
  return s;
}

/// The shared part of MEAN, SUM and REDUCE_MAX: types, axes, output shape, geometry.
inline Status prepare_reduce(runtime::PrepareContext& c, kernels::ReduceS8Args& a,
                             std::int32_t* in_t, std::int32_t* out_t, runtime::QParams* qi,
                             runtime::QParams* qo) noexcept {
  TINYML_TRY(c.expect_io(2, 2, 1));
  const std::int32_t in = c.input(0), out = c.output(0);
  TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
  TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
  const Shape is = c.shape(in);
  bool mask[kMaxRank];
  std::int32_t n_axes = 0;
  TINYML_TRY(read_axes(c, c.input(1), is.rank, false, mask, &n_axes));
  const model::TableView o = c.op.options(model::OptionsType::kReducer);
  const bool keep = o.scalar<std::uint8_t>(model::fid::reducer::kKeepDims, 0) != 0;
  TINYML_TRY(c.expect_shape(out, reduced_shape(is, mask, keep), "output"));
  a.geo = kernels::make_reduce_geometry(is, mask);
  TINYML_TRY(c.qparams(in, "input", qi));
  TINYML_TRY(c.qparams(out, "output", qo));
  *in_t = in;
  *out_t = out;
  return Status::kOk;
}

/// MEAN (`kMean`) or SUM: requantized sums.
template <bool kMean>
struct SumLike {
  static constexpr std::int32_t kBuiltin = kMean ? 40 : 74;
  static constexpr const char* kName = kMean ? "MEAN" : "SUM";
  struct Params {
    kernels::ReduceS8Args args;
    std::int32_t input = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, TensorType::kInt8);
  }
  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams qi, qo;
    auto& a = p.args;
    TINYML_TRY(prepare_reduce(c, a, &p.input, &p.output, &qi, &qo));
    quant::QuantizedMultiplier qm;
    if (!quant::quantize_multiplier(
            static_cast<double>(qi.scale) / static_cast<double>(qo.scale), &qm)) {
      return c.fail(Status::kBadQuantization, "input/output scale ratio is not finite");
    }
    if (kMean) qm = kernels::mean_multiplier(qm, a.geo.count);
    a.multiplier = qm.multiplier;
    a.shift = qm.shift;
    a.input_zp = qi.zero_point;
    a.output_zp = qo.zero_point;
    return c.request_scratch(kernels::ReduceSumS8<Arch>::scratch_bytes(a));
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::ReduceS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::ReduceSumS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    return static_cast<std::uint64_t>(p.args.geo.outputs) * p.args.geo.count;
  }
};

/// ARG_MAX (`kMax`) or ARG_MIN.
template <bool kMax>
struct ArgMinMax {
  static constexpr std::int32_t kBuiltin = kMax ? 56 : 79;
  static constexpr const char* kName = kMax ? "ARG_MAX" : "ARG_MIN";
  struct Params {
    kernels::ArgMinMaxS8Args args;
    std::int32_t input = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, TensorType::kInt8);
  }
  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t in = c.input(0), out = c.output(0), axis_t = c.input(1);
    TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
    const TensorType ot = c.type(out);
    if (ot != TensorType::kInt32 && ot != TensorType::kInt64) {
      return c.fail(Status::kUnsupportedType, "output must be int32 or int64");
    }
    const model::TableView o =
        c.op.options(kMax ? model::OptionsType::kArgMax : model::OptionsType::kArgMin);
    if (o && o.scalar<std::int8_t>(model::fid::arg_minmax::kOutputType, 0) !=
                 static_cast<std::int8_t>(ot)) {
      return c.fail(Status::kInvalidModel, "output_type option disagrees with the output tensor");
    }
    const Shape is = c.shape(in);
    if (is.rank < 1) return c.fail(Status::kShapeMismatch, "input must have rank >= 1");
    bool mask[kMaxRank];
    std::int32_t n_axes = 0;
    TINYML_TRY(read_axes(c, axis_t, is.rank, true, mask, &n_axes));
    if (n_axes != 1) return c.fail(Status::kInvalidModel, "axis tensor must hold one value");
    TINYML_TRY(c.expect_shape(out, reduced_shape(is, mask, false), "output"));
    auto& a = p.args;
    a.outer = a.axis = a.inner = 1;
    bool after = false;
    for (int d = 0; d < is.rank; ++d) {
      if (mask[d]) {
        a.axis = is.dims[d];
        after = true;
      } else {
        (after ? a.inner : a.outer) *= is.dims[d];
      }
    }
    a.is_max = kMax;
    a.out64 = ot == TensorType::kInt64;
    p.input = in;
    p.output = out;
    return c.request_scratch(kernels::ArgMinMaxS8<Arch>::scratch_bytes(a));
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::ArgMinMaxS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<void>(p.output);
    kernels::ArgMinMaxS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    return static_cast<std::uint64_t>(p.args.outer) * p.args.axis * p.args.inner;
  }
};

}  // namespace reduce_detail

/// MEAN on int8: mean over the axes, requantized to the output's scale (TFLite's
/// QuantizedMeanOrSum; the 1/count factor is folded into the multiplier).
using Mean = reduce_detail::SumLike<true>;

/// SUM on int8, requantized to the output's scale and saturated to int8, as TFLite's
/// QuantizedMeanOrSum<int8_t> computes it. (LiteRT 2.3's reference resolver reads int8 SUM input
/// and output as uint8, a bug fixed upstream; tinyml follows the intended int8 arithmetic.)
using Sum = reduce_detail::SumLike<false>;

/// REDUCE_MAX on int8 (input and output quantization must be equal, as TFLite requires).
struct ReduceMax {
  static constexpr std::int32_t kBuiltin = 82;
  static constexpr const char* kName = "REDUCE_MAX";
  struct Params {
    kernels::ReduceS8Args args;
    std::int32_t input = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }
  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams qi, qo;
    TINYML_TRY(reduce_detail::prepare_reduce(c, p.args, &p.input, &p.output, &qi, &qo));
    if (qi.scale != qo.scale || qi.zero_point != qo.zero_point) {
      return c.fail(Status::kBadQuantization, "input and output quantization must be equal");
    }
    return c.request_scratch(kernels::ReduceMaxS8<Arch>::scratch_bytes(p.args));
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::ReduceS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::ReduceMaxS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    return static_cast<std::uint64_t>(p.args.geo.outputs) * p.args.geo.count;
  }
};

/// ARG_MAX / ARG_MIN on int8: the first index of the extremum along one constant axis (int32 or
/// int64 axis tensor), written as int32 or int64 (the output tensor's type).
using ArgMax = reduce_detail::ArgMinMax<true>;
using ArgMin = reduce_detail::ArgMinMax<false>;

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using ReduceOps = OpList<ops::Mean, ops::Sum, ops::ReduceMax, ops::ArgMax, ops::ArgMin>;

}  // namespace TINYML_ABI
}  // namespace tinyml
