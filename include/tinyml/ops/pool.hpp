// SPDX-License-Identifier: Apache-2.0
// AVERAGE_POOL_2D and MAX_POOL_2D on int8 (input and output share quantization, as TFLite requires).
#pragma once

#include "tinyml/kernels/pool_s8.hpp"
#include "tinyml/ops/conv.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace detail {
inline Status prepare_pool(runtime::PrepareContext& c, kernels::PoolS8Args& a, std::int32_t* in_t,
                           std::int32_t* out_t) noexcept {
  using model::TensorType;
  TINYML_TRY(c.expect_io(1, 1, 1));
  const std::int32_t in = c.input(0), out = c.output(0);
  TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
  TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
  TINYML_TRY(c.expect_rank(in, 4, "input"));
  const Shape is = c.shape(in);
  const model::TableView o = c.op.options(model::OptionsType::kPool2D);
  namespace f = model::fid::pool;
  a.batches = is[0]; a.in_h = is[1]; a.in_w = is[2]; a.channels = is[3];
  a.filter_w = o.scalar<std::int32_t>(f::kFilterW, 0);
  a.filter_h = o.scalar<std::int32_t>(f::kFilterH, 0);
  a.stride_w = o.scalar<std::int32_t>(f::kStrideW, 0);
  a.stride_h = o.scalar<std::int32_t>(f::kStrideH, 0);
  Window w;
  TINYML_TRY(window(c, o.scalar<std::int8_t>(f::kPadding, 0), a.in_h, a.in_w, a.filter_h,
                    a.filter_w, a.stride_h, a.stride_w, 1, 1, &w));
  a.out_h = w.out_h; a.out_w = w.out_w; a.pad_h = w.pad_h; a.pad_w = w.pad_w;
  if (static_cast<std::int64_t>(a.filter_h) * a.filter_w > (1 << 23)) {
    return c.fail(Status::kUnsupportedOp, "pooling window larger than 2^23 taps");
  }
  if (a.pad_h >= a.filter_h || a.pad_w >= a.filter_w) {
    return c.fail(Status::kInvalidModel, "padding leaves a pooling window without input");
  }
  Shape os;
  os.rank = 4; os.dims[0] = a.batches; os.dims[1] = a.out_h; os.dims[2] = a.out_w; os.dims[3] = a.channels;
  TINYML_TRY(c.expect_shape(out, os, "output"));
  runtime::QParams qi, qo;
  TINYML_TRY(c.qparams(in, "input", &qi));
  TINYML_TRY(c.qparams(out, "output", &qo));
  if (qi.scale != qo.scale || qi.zero_point != qo.zero_point) {
    return c.fail(Status::kBadQuantization, "input and output quantization must be equal");
  }
  quant::ActRange r;
  TINYML_TRY(c.act_range(o.scalar<std::int8_t>(f::kActivation, 0), qo, TensorType::kInt8, &r));
  a.act_min = r.min; a.act_max = r.max;
  *in_t = in; *out_t = out;
  return Status::kOk;
}
}  // namespace detail

template <template <class> class Kernel, std::int32_t Builtin>
struct Pool2D {
  static constexpr std::int32_t kBuiltin = Builtin;
  static constexpr const char* kName = Builtin == 1 ? "AVERAGE_POOL_2D" : "MAX_POOL_2D";
  /// int8 activations (float32 ones go to FloatOps' struct of the same builtin code).
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }
  struct Params {
    kernels::PoolS8Args args;
    std::int32_t input = 0, output = 0;
  };
  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(detail::prepare_pool(c, p.args, &p.input, &p.output));
    return c.request_scratch(Kernel<Arch>::scratch_bytes(p.args));
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::PoolS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    Kernel<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.channels * a.filter_h *
           a.filter_w;
  }
};

using AveragePool2D = Pool2D<kernels::AveragePoolS8, 1>;
using MaxPool2D = Pool2D<kernels::MaxPoolS8, 17>;

}  // namespace ops
}  // namespace TINYML_ABI
}  // namespace tinyml
