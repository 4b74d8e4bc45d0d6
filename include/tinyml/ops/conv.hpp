// SPDX-License-Identifier: Apache-2.0
// CONV_2D and DEPTHWISE_CONV_2D (int8 activations, int8 weights per-tensor or per-channel, int32
// bias): load-time validation and parameter precomputation, and the eval glue to the kernels.
#pragma once

#include "tinyml/kernels/conv_s8.hpp"
#include "tinyml/kernels/depthwise_conv_s8.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace detail {
/// Window geometry shared by convolutions and pools, validated and with TFLite's padding.
struct Window {
  std::int32_t out_h = 0, out_w = 0, pad_h = 0, pad_w = 0;
};
inline Status window(const runtime::PrepareContext& c, std::int8_t padding, std::int32_t in_h,
                     std::int32_t in_w, std::int32_t k_h, std::int32_t k_w, std::int32_t s_h,
                     std::int32_t s_w, std::int32_t d_h, std::int32_t d_w, Window* w) noexcept {
  if (padding != 0 && padding != 1) return c.fail(Status::kInvalidModel, "unknown padding type");
  if (s_h < 1 || s_w < 1) return c.fail(Status::kInvalidModel, "strides must be >= 1");
  if (d_h < 1 || d_w < 1) return c.fail(Status::kInvalidModel, "dilations must be >= 1");
  if (k_h < 1 || k_w < 1) return c.fail(Status::kInvalidModel, "filter size must be >= 1");
  // Tap coordinates are int32: bound the dilated filter extent (SAME padding would otherwise
  // accept any dilation, the taps simply falling outside the image).
  constexpr std::int64_t kMaxExtent = 1 << 20;
  if ((static_cast<std::int64_t>(k_h) - 1) * d_h + 1 > kMaxExtent ||
      (static_cast<std::int64_t>(k_w) - 1) * d_w + 1 > kMaxExtent ||
      static_cast<std::int64_t>(s_h) > kMaxExtent * 1024 || static_cast<std::int64_t>(s_w) > kMaxExtent * 1024) {
    return c.fail(Status::kInvalidModel, "dilated filter extent or stride beyond 2^20 / 2^30");
  }
  const bool same = padding == 0;
  w->out_h = runtime::window_out_size(same, in_h, k_h, s_h, d_h);
  w->out_w = runtime::window_out_size(same, in_w, k_w, s_w, d_w);
  if (w->out_h <= 0 || w->out_w <= 0) {
    return c.fail(Status::kShapeMismatch, "filter window larger than the (unpadded) input");
  }
  w->pad_h = runtime::window_padding(in_h, k_h, s_h, d_h, w->out_h);
  w->pad_w = runtime::window_padding(in_w, k_w, s_w, d_w, w->out_w);
  return Status::kOk;
}
}  // namespace detail

struct Conv2D {
  static constexpr std::int32_t kBuiltin = 3;
  static constexpr const char* kName = "CONV_2D";
  /// int8 activations and int8 weights (float32 activations with int8 weights are HybridOps';
  /// float32 ones FloatOps').
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8) && c.input_is(1, model::TensorType::kInt8);
  }
  struct Params {
    kernels::ConvS8Args args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(2, 3, 1));
    const std::int32_t in = c.input(0), filt = c.input(1), out = c.output(0);
    TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(filt, TensorType::kInt8, "filter"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    TINYML_TRY(c.expect_rank(in, 4, "input"));
    TINYML_TRY(c.expect_rank(filt, 4, "filter"));
    if (c.constant(filt) == nullptr) return c.fail(Status::kUnsupportedOp, "filter must be constant");
    const Shape is = c.shape(in), fs = c.shape(filt);
    const model::TableView o = c.op.options(model::OptionsType::kConv2D);
    namespace f = model::fid::conv;
    auto& a = p.args;
    a.batches = is[0]; a.in_h = is[1]; a.in_w = is[2]; a.in_c = is[3];
    a.out_c = fs[0]; a.k_h = fs[1]; a.k_w = fs[2]; a.filter_in_c = fs[3];
    if (a.filter_in_c <= 0 || a.in_c % a.filter_in_c != 0 ||
        a.out_c % (a.in_c / a.filter_in_c) != 0) {
      return c.fail(Status::kShapeMismatch,
                    "filter input depth does not divide the input channels into groups");
    }
    a.stride_w = o.scalar<std::int32_t>(f::kStrideW, 0);
    a.stride_h = o.scalar<std::int32_t>(f::kStrideH, 0);
    a.dilation_w = o.scalar<std::int32_t>(f::kDilationW, 1);
    a.dilation_h = o.scalar<std::int32_t>(f::kDilationH, 1);
    detail::Window w;
    TINYML_TRY(detail::window(c, o.scalar<std::int8_t>(f::kPadding, 0), a.in_h, a.in_w, a.k_h,
                              a.k_w, a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, &w));
    a.out_h = w.out_h; a.out_w = w.out_w; a.pad_h = w.pad_h; a.pad_w = w.pad_w;
    Shape os;
    os.rank = 4; os.dims[0] = a.batches; os.dims[1] = a.out_h; os.dims[2] = a.out_w; os.dims[3] = a.out_c;
    TINYML_TRY(c.expect_shape(out, os, "output"));
    TINYML_TRY(c.check_depth(static_cast<std::int64_t>(a.k_h) * a.k_w * a.filter_in_c));
    TINYML_TRY(c.bias(c.input(2), a.out_c, &a.bias));

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
    p.input = in; p.output = out;
    TINYML_TRY(find_dead_filters(c, a));
    return c.request_scratch(kernels::ConvS8<Arch>::scratch_bytes(a));
  }

  /// Exact pruning: a filter of all zeros makes its channel a constant (the requantized bias),
  /// whatever the input. Only recorded when at least one such filter exists (and the reference
  /// kernel ignores it), so models without dead filters pay no memory.
  static Status find_dead_filters(runtime::PrepareContext& c, kernels::ConvS8Args& a) noexcept {
    if (a.filter_in_c != a.in_c) return Status::kOk;
    const std::int64_t k = static_cast<std::int64_t>(a.k_h) * a.k_w * a.in_c;
    std::int32_t live = 0;
    for (std::int32_t oc = 0; oc < a.out_c; ++oc) live += row_is_zero(a.filter + oc * k, k) ? 0 : 1;
    if (live == a.out_c || a.out_c > 0x7FFF) return Status::kOk;
    auto* list = c.alloc->array<std::int16_t>(static_cast<std::size_t>(live > 0 ? live : 1));
    auto* dead = c.alloc->array<std::int8_t>(static_cast<std::size_t>(a.out_c));
    if (list == nullptr || dead == nullptr) return Status::kArenaTooSmall;
    std::int32_t n = 0;
    for (std::int32_t oc = 0; oc < a.out_c; ++oc) {
      if (!row_is_zero(a.filter + oc * k, k)) {
        list[n++] = static_cast<std::int16_t>(oc);
        dead[oc] = 0;
      } else {
        dead[oc] = kernels::requantize(a.bias != nullptr ? a.bias[oc] : 0, a.multiplier[oc],
                                       a.shift[oc], a.output_offset, a.act_min, a.act_max);
      }
    }
    a.live = list;
    a.n_live = live;
    a.dead_out = dead;
    return Status::kOk;
  }
  static bool row_is_zero(const std::int8_t* w, std::int64_t k) noexcept {
    for (std::int64_t i = 0; i < k; ++i) {
      if (w[i] != 0) return false;
    }
    return true;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::ConvS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::ConvS8<Arch>::run(a, e.scratch);
  }

  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.out_c * a.k_h * a.k_w *
           a.filter_in_c;
  }
};

struct DepthwiseConv2D {
  static constexpr std::int32_t kBuiltin = 4;
  static constexpr const char* kName = "DEPTHWISE_CONV_2D";
  /// int8 activations and int8 weights (float32 activations with int8 weights are HybridOps';
  /// float32 ones FloatOps').
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8) && c.input_is(1, model::TensorType::kInt8);
  }
  struct Params {
    kernels::DepthwiseConvS8Args args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(2, 3, 1));
    const std::int32_t in = c.input(0), filt = c.input(1), out = c.output(0);
    TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(filt, TensorType::kInt8, "filter"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    TINYML_TRY(c.expect_rank(in, 4, "input"));
    TINYML_TRY(c.expect_rank(filt, 4, "filter"));
    if (c.constant(filt) == nullptr) return c.fail(Status::kUnsupportedOp, "filter must be constant");
    const Shape is = c.shape(in), fs = c.shape(filt);
    const model::TableView o = c.op.options(model::OptionsType::kDepthwiseConv2D);
    namespace f = model::fid::dwconv;
    auto& a = p.args;
    a.batches = is[0]; a.in_h = is[1]; a.in_w = is[2]; a.in_c = is[3];
    a.k_h = fs[1]; a.k_w = fs[2];
    const std::int32_t out_c = fs[3];
    if (fs[0] != 1) return c.fail(Status::kShapeMismatch, "depthwise filter must be [1, kh, kw, C*M]");
    if (out_c % a.in_c != 0) {
      return c.fail(Status::kShapeMismatch, "filter channels are not a multiple of input channels");
    }
    a.depth_multiplier = out_c / a.in_c;
    const std::int32_t dm_opt = o.scalar<std::int32_t>(f::kDepthMultiplier, 0);
    if (dm_opt != 0 && dm_opt != a.depth_multiplier) {
      *c.diag << "depth_multiplier option " << dm_opt << " disagrees with filter channels "
              << out_c << " / input channels " << a.in_c;
      return Status::kInvalidModel;
    }
    a.stride_w = o.scalar<std::int32_t>(f::kStrideW, 0);
    a.stride_h = o.scalar<std::int32_t>(f::kStrideH, 0);
    a.dilation_w = o.scalar<std::int32_t>(f::kDilationW, 1);
    a.dilation_h = o.scalar<std::int32_t>(f::kDilationH, 1);
    detail::Window w;
    TINYML_TRY(detail::window(c, o.scalar<std::int8_t>(f::kPadding, 0), a.in_h, a.in_w, a.k_h,
                              a.k_w, a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, &w));
    a.out_h = w.out_h; a.out_w = w.out_w; a.pad_h = w.pad_h; a.pad_w = w.pad_w;
    Shape os;
    os.rank = 4; os.dims[0] = a.batches; os.dims[1] = a.out_h; os.dims[2] = a.out_w; os.dims[3] = out_c;
    TINYML_TRY(c.expect_shape(out, os, "output"));
    TINYML_TRY(c.check_depth(static_cast<std::int64_t>(a.k_h) * a.k_w));
    TINYML_TRY(c.bias(c.input(2), out_c, &a.bias));

    runtime::QParams qi, qo;
    TINYML_TRY(c.qparams(in, "input", &qi));
    TINYML_TRY(c.qparams(out, "output", &qo));
    const model::FbVector<float>* ws = nullptr;
    std::int32_t wzp = 0;
    TINYML_TRY(c.weight_scales(filt, out_c, 3, true, &ws, &wzp));
    std::int32_t* mult = nullptr;
    std::int8_t* shift = nullptr;
    TINYML_TRY(c.channel_multipliers(qi.scale, ws, qo.scale, out_c, &mult, &shift));
    quant::ActRange r;
    TINYML_TRY(c.act_range(o.scalar<std::int8_t>(f::kActivation, 0), qo, TensorType::kInt8, &r));
    a.multiplier = mult; a.shift = shift;
    a.input_offset = -qi.zero_point; a.output_offset = qo.zero_point;
    a.act_min = r.min; a.act_max = r.max;
    a.filter = reinterpret_cast<const std::int8_t*>(c.constant(filt));
    p.input = in; p.output = out;
    return c.request_scratch(kernels::DepthwiseConvS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::DepthwiseConvS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::DepthwiseConvS8<Arch>::run(a, e.scratch);
  }

  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.in_c *
           a.depth_multiplier * a.k_h * a.k_w;
  }
};

}  // namespace ops
}  // namespace TINYML_ABI
}  // namespace tinyml
