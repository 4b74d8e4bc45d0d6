// SPDX-License-Identifier: Apache-2.0
// float32 kernels of the core ops: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D,
// MAX_POOL_2D, ADD, SUB, MUL, SOFTMAX, RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH, MEAN. Each
// accepts() only float32 inputs (and float32 weights), so the int8 structs of the same builtin
// codes coexist with them in one OpSet. Fused activations clamp as TFLite's float kernels (NONE,
// RELU, RELU_N1_TO_1, RELU6; others are refused).
#pragma once

#include <cmath>

#include "tinyml/kernels/float/conv_f32.hpp"
#include "tinyml/kernels/float/eigen.hpp"
#include "tinyml/kernels/float/elementwise_f32.hpp"
#include "tinyml/kernels/float/fully_connected_f32.hpp"
#include "tinyml/kernels/float/pool_f32.hpp"
#include "tinyml/ops/conv.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace detail {

inline Status float_act(const runtime::PrepareContext& c, std::int8_t act,
                        kernels::FloatRange* r) noexcept {
  if (!kernels::float_activation_range(act, r)) {
    *c.diag << "unsupported fused activation " << static_cast<int>(act);
    return Status::kUnsupportedOp;
  }
  return Status::kOk;
}

/// Bias of a float conv/FC op: absent, or a constant float32 tensor of `channels` elements.
inline Status float_bias(const runtime::PrepareContext& c, std::int32_t t, std::int32_t channels,
                         const float** out) noexcept {
  *out = nullptr;
  if (t < 0) return Status::kOk;
  TINYML_TRY(c.expect_type(t, model::TensorType::kFloat32, "bias"));
  if (c.shape(t).elements() != channels) {
    *c.diag << "bias has " << static_cast<long long>(c.shape(t).elements())
            << " elements, expected " << channels;
    return Status::kShapeMismatch;
  }
  if (c.constant(t) == nullptr) return c.fail(Status::kUnsupportedOp, "bias must be a constant tensor");
  *out = reinterpret_cast<const float*>(c.constant(t));
  return Status::kOk;
}

/// Every listed tensor (inputs 0..n_in-1 and output 0) is float32.
inline Status expect_float_io(const runtime::PrepareContext& c, std::uint32_t n_in) noexcept {
  for (std::uint32_t k = 0; k < n_in; ++k) {
    TINYML_TRY(c.expect_type(c.input(k), model::TensorType::kFloat32, "input"));
  }
  return c.expect_type(c.output(0), model::TensorType::kFloat32, "output");
}

/// Scratch for kernels of Arch that the reference (arch::Generic) can also run in.
template <template <class> class Kernel, class Arch, class Args>
inline Status request_scratch_for(runtime::PrepareContext& c, const Args& a) noexcept {
  const std::size_t n = Kernel<Arch>::scratch_bytes(a);
  const std::size_t g = Kernel<arch::Generic>::scratch_bytes(a);
  return c.request_scratch(n > g ? n : g);
}

/// Shared geometry of float and hybrid convolutions: shapes, options, window, output shape.
template <class Args>
inline Status conv_geometry(const runtime::PrepareContext& c, Args& a, std::int8_t* act) noexcept {
  const std::int32_t in = c.input(0), filt = c.input(1), out = c.output(0);
  TINYML_TRY(c.expect_rank(in, 4, "input"));
  TINYML_TRY(c.expect_rank(filt, 4, "filter"));
  if (c.constant(filt) == nullptr) return c.fail(Status::kUnsupportedOp, "filter must be constant");
  const Shape is = c.shape(in), fs = c.shape(filt);
  const model::TableView o = c.op.options(model::OptionsType::kConv2D);
  namespace f = model::fid::conv;
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
  Window w;
  TINYML_TRY(window(c, o.scalar<std::int8_t>(f::kPadding, 0), a.in_h, a.in_w, a.k_h, a.k_w,
                    a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, &w));
  a.out_h = w.out_h; a.out_w = w.out_w; a.pad_h = w.pad_h; a.pad_w = w.pad_w;
  Shape os;
  os.rank = 4; os.dims[0] = a.batches; os.dims[1] = a.out_h; os.dims[2] = a.out_w; os.dims[3] = a.out_c;
  TINYML_TRY(c.expect_shape(out, os, "output"));
  *act = o.scalar<std::int8_t>(f::kActivation, 0);
  return Status::kOk;
}

template <class Args>
inline Status depthwise_geometry(const runtime::PrepareContext& c, Args& a,
                                 std::int8_t* act) noexcept {
  const std::int32_t in = c.input(0), filt = c.input(1), out = c.output(0);
  TINYML_TRY(c.expect_rank(in, 4, "input"));
  TINYML_TRY(c.expect_rank(filt, 4, "filter"));
  if (c.constant(filt) == nullptr) return c.fail(Status::kUnsupportedOp, "filter must be constant");
  const Shape is = c.shape(in), fs = c.shape(filt);
  const model::TableView o = c.op.options(model::OptionsType::kDepthwiseConv2D);
  namespace f = model::fid::dwconv;
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
  Window w;
  TINYML_TRY(window(c, o.scalar<std::int8_t>(f::kPadding, 0), a.in_h, a.in_w, a.k_h, a.k_w,
                    a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, &w));
  a.out_h = w.out_h; a.out_w = w.out_w; a.pad_h = w.pad_h; a.pad_w = w.pad_w;
  Shape os;
  os.rank = 4; os.dims[0] = a.batches; os.dims[1] = a.out_h; os.dims[2] = a.out_w; os.dims[3] = out_c;
  TINYML_TRY(c.expect_shape(out, os, "output"));
  *act = o.scalar<std::int8_t>(f::kActivation, 0);
  return Status::kOk;
}

/// FULLY_CONNECTED shapes shared by the float and hybrid kernels: batches, depth, out.
template <class Args>
inline Status fc_geometry(const runtime::PrepareContext& c, Args& a, std::int8_t* act) noexcept {
  const std::int32_t in = c.input(0), filt = c.input(1), out = c.output(0);
  TINYML_TRY(c.expect_rank(filt, 2, "weights"));
  if (c.constant(filt) == nullptr) return c.fail(Status::kUnsupportedOp, "weights must be constant");
  const model::TableView o = c.op.options(model::OptionsType::kFullyConnected);
  namespace f = model::fid::fc;
  if (o.scalar<std::int8_t>(f::kWeightsFormat, 0) != 0) {
    return c.fail(Status::kUnsupportedOp, "only the DEFAULT weights format is supported");
  }
  const Shape is = c.shape(in), fs = c.shape(filt);
  a.out = fs[0];
  a.depth = fs[1];
  if (is.rank < 1 || is.elements() % a.depth != 0) {
    return c.fail(Status::kShapeMismatch, "input size is not a multiple of the weights' depth");
  }
  a.batches = static_cast<std::int32_t>(is.elements() / a.depth);
  Shape os;
  if (o.scalar<std::uint8_t>(f::kKeepNumDims, 0) != 0) {
    os = is;
    if (is[is.rank - 1] != a.depth) {
      return c.fail(Status::kShapeMismatch, "keep_num_dims needs the input's last dim = depth");
    }
    os.dims[os.rank - 1] = a.out;
  } else {
    os.rank = 2; os.dims[0] = a.batches; os.dims[1] = a.out;
  }
  TINYML_TRY(c.expect_shape(out, os, "output"));
  *act = o.scalar<std::int8_t>(f::kActivation, 0);
  return Status::kOk;
}

}  // namespace detail

namespace detail {

/// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with float32 activations, float32 weights
/// (FloatOps) or int8 weights (HybridOps): the op's geometry, a fused activation, an optional
/// float bias, then what the traits add. The traits T name the kernel, its arguments, the type
/// check, the geometry reader, the bias length, the extra prepare step and the MAC count.
template <class T>
struct WeightsOp {
  static constexpr std::int32_t kBuiltin = T::kBuiltin;
  static constexpr const char* kName = T::kName;
  static bool accepts(const runtime::PrepareContext& c) noexcept { return T::accepts(c); }
  struct Params {
    typename T::Args args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(2, 3, 1));
    TINYML_TRY(T::check_types(c));
    auto& a = p.args;
    std::int8_t act = 0;
    TINYML_TRY(T::geometry(c, a, &act));
    TINYML_TRY(float_act(c, act, &a.act));
    TINYML_TRY(float_bias(c, c.input(2), T::bias_length(a), &a.bias));
    TINYML_TRY(T::finish(c, a));
    a.filter = reinterpret_cast<decltype(a.filter)>(c.constant(c.input(1)));
    p.input = c.input(0);
    p.output = c.output(0);
    return request_scratch_for<T::template Kernel, Arch>(c, a);
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    typename T::Args a = p.args;
    a.input = e.tensor<const float>(p.input);
    a.output = e.tensor<float>(p.output);
    T::template Kernel<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept { return T::macs(p.args); }
};

/// What the three float32 ops share: float32 input and weights, nothing added to prepare.
struct FloatWeightsTraits {
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kFloat32) && c.input_is(1, model::TensorType::kFloat32);
  }
  static Status check_types(const runtime::PrepareContext& c) noexcept { return expect_float_io(c, 2); }
  template <class Args>
  static Status finish(runtime::PrepareContext&, Args&) noexcept {
    return Status::kOk;
  }
};

struct ConvF32Traits : FloatWeightsTraits {
  static constexpr std::int32_t kBuiltin = 3;
  static constexpr const char* kName = "CONV_2D";
  using Args = kernels::ConvF32Args;
  template <class Arch>
  using Kernel = kernels::ConvF32<Arch>;
  template <class A>
  static Status geometry(const runtime::PrepareContext& c, A& a, std::int8_t* act) noexcept {
    return conv_geometry(c, a, act);
  }
  template <class A>
  static std::int32_t bias_length(const A& a) noexcept { return a.out_c; }
  template <class A>
  static std::uint64_t macs(const A& a) noexcept {
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.out_c * a.k_h * a.k_w *
           a.filter_in_c;
  }
};

struct DepthwiseConvF32Traits : FloatWeightsTraits {
  static constexpr std::int32_t kBuiltin = 4;
  static constexpr const char* kName = "DEPTHWISE_CONV_2D";
  using Args = kernels::DepthwiseConvF32Args;
  template <class Arch>
  using Kernel = kernels::DepthwiseConvF32<Arch>;
  template <class A>
  static Status geometry(const runtime::PrepareContext& c, A& a, std::int8_t* act) noexcept {
    return depthwise_geometry(c, a, act);
  }
  template <class A>
  static std::int32_t bias_length(const A& a) noexcept { return a.in_c * a.depth_multiplier; }
  template <class A>
  static std::uint64_t macs(const A& a) noexcept {
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.in_c *
           a.depth_multiplier * a.k_h * a.k_w;
  }
};

struct FullyConnectedF32Traits : FloatWeightsTraits {
  static constexpr std::int32_t kBuiltin = 9;
  static constexpr const char* kName = "FULLY_CONNECTED";
  using Args = kernels::FullyConnectedF32Args;
  template <class Arch>
  using Kernel = kernels::FullyConnectedF32<Arch>;
  template <class A>
  static Status geometry(const runtime::PrepareContext& c, A& a, std::int8_t* act) noexcept {
    return fc_geometry(c, a, act);
  }
  template <class A>
  static std::int32_t bias_length(const A& a) noexcept { return a.out; }
  template <class A>
  static std::uint64_t macs(const A& a) noexcept {
    return static_cast<std::uint64_t>(a.batches) * a.out * a.depth;
  }
};

}  // namespace detail

using Conv2DF32 = detail::WeightsOp<detail::ConvF32Traits>;
using DepthwiseConv2DF32 = detail::WeightsOp<detail::DepthwiseConvF32Traits>;
using FullyConnectedF32 = detail::WeightsOp<detail::FullyConnectedF32Traits>;

template <template <class> class Kernel, std::int32_t Builtin>
struct Pool2DF32 {
  static constexpr std::int32_t kBuiltin = Builtin;
  static constexpr const char* kName = Builtin == 1 ? "AVERAGE_POOL_2D" : "MAX_POOL_2D";
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kFloat32);
  }
  struct Params {
    kernels::PoolF32Args args;
    std::int32_t input = 0, output = 0;
  };
  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(1, 1, 1));
    TINYML_TRY(detail::expect_float_io(c, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    TINYML_TRY(c.expect_rank(in, 4, "input"));
    const Shape is = c.shape(in);
    const model::TableView o = c.op.options(model::OptionsType::kPool2D);
    namespace f = model::fid::pool;
    auto& a = p.args;
    a.batches = is[0]; a.in_h = is[1]; a.in_w = is[2]; a.channels = is[3];
    a.filter_w = o.scalar<std::int32_t>(f::kFilterW, 0);
    a.filter_h = o.scalar<std::int32_t>(f::kFilterH, 0);
    a.stride_w = o.scalar<std::int32_t>(f::kStrideW, 0);
    a.stride_h = o.scalar<std::int32_t>(f::kStrideH, 0);
    detail::Window w;
    TINYML_TRY(detail::window(c, o.scalar<std::int8_t>(f::kPadding, 0), a.in_h, a.in_w,
                              a.filter_h, a.filter_w, a.stride_h, a.stride_w, 1, 1, &w));
    a.out_h = w.out_h; a.out_w = w.out_w; a.pad_h = w.pad_h; a.pad_w = w.pad_w;
    if (a.pad_h >= a.filter_h || a.pad_w >= a.filter_w) {
      return c.fail(Status::kInvalidModel, "padding leaves a pooling window without input");
    }
    Shape os;
    os.rank = 4; os.dims[0] = a.batches; os.dims[1] = a.out_h; os.dims[2] = a.out_w; os.dims[3] = a.channels;
    TINYML_TRY(c.expect_shape(out, os, "output"));
    TINYML_TRY(detail::float_act(c, o.scalar<std::int8_t>(f::kActivation, 0), &a.act));
    p.input = in;
    p.output = out;
    return Status::kOk;
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::PoolF32Args a = p.args;
    a.input = e.tensor<const float>(p.input);
    a.output = e.tensor<float>(p.output);
    Kernel<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.channels * a.filter_h *
           a.filter_w;
  }
};

using AveragePool2DF32 = Pool2DF32<kernels::AveragePoolF32, 1>;
using MaxPool2DF32 = Pool2DF32<kernels::MaxPoolF32, 17>;

namespace detail {
struct AddTraits {
  static constexpr std::int32_t kBuiltin = 0;
  static constexpr const char* kName = "ADD";
  static constexpr model::OptionsType kOptions = model::OptionsType::kAdd;
};
struct SubTraits {
  static constexpr std::int32_t kBuiltin = 41;
  static constexpr const char* kName = "SUB";
  static constexpr model::OptionsType kOptions = model::OptionsType::kSub;
};
struct MulTraits {
  static constexpr std::int32_t kBuiltin = 18;
  static constexpr const char* kName = "MUL";
  static constexpr model::OptionsType kOptions = model::OptionsType::kMul;
};
}  // namespace detail

/// ADD / SUB / MUL with broadcasting up to rank 6 and a fused activation (option field 0 in all
/// three option tables).
template <kernels::BinaryOpF32 Op, class Traits>
struct BinaryF32 {
  static constexpr std::int32_t kBuiltin = Traits::kBuiltin;
  static constexpr const char* kName = Traits::kName;
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kFloat32);
  }
  struct Params {
    kernels::BinaryF32Args args;
    std::int32_t in1 = 0, in2 = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(2, 2, 1));
    TINYML_TRY(detail::expect_float_io(c, 2));
    const std::int32_t x = c.input(0), y = c.input(1), out = c.output(0);
    const Shape xs = c.shape(x), ys = c.shape(y);
    constexpr int kRank = kernels::kBroadcastRank;
    if (xs.rank > kRank || ys.rank > kRank) {
      return c.fail(Status::kUnsupportedOp, "broadcasting supports rank <= 6");
    }
    Shape os;
    os.rank = xs.rank > ys.rank ? xs.rank : ys.rank;
    for (int i = 0; i < os.rank; ++i) {
      const int xi = i - (os.rank - xs.rank), yi = i - (os.rank - ys.rank);
      const std::int32_t dx = xi >= 0 ? xs[xi] : 1, dy = yi >= 0 ? ys[yi] : 1;
      if (dx != dy && dx != 1 && dy != 1) {
        return c.fail(Status::kShapeMismatch, "input shapes are not broadcast-compatible");
      }
      os.dims[i] = dx > dy ? dx : dy;
    }
    TINYML_TRY(c.expect_shape(out, os, "output"));
    auto& a = p.args;
    a.broadcast = xs != ys;
    a.count = os.elements();
    std::int64_t sx = 1, sy = 1;
    for (int i = kRank - 1; i >= 0; --i) {
      const int oi = i - (kRank - os.rank);
      const int xi = oi - (os.rank - xs.rank), yi = oi - (os.rank - ys.rank);
      const std::int32_t dx = (oi >= 0 && xi >= 0) ? xs[xi] : 1;
      const std::int32_t dy = (oi >= 0 && yi >= 0) ? ys[yi] : 1;
      a.dims[i] = oi >= 0 ? os[oi] : 1;
      a.stride1[i] = dx == 1 ? 0 : sx;
      a.stride2[i] = dy == 1 ? 0 : sy;
      sx *= dx;
      sy *= dy;
    }
    const model::TableView o = c.op.options(Traits::kOptions);
    TINYML_TRY(detail::float_act(c, o.scalar<std::int8_t>(0, 0), &a.act));
    p.in1 = x; p.in2 = y; p.output = out;
    return Status::kOk;
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::BinaryF32Args a = p.args;
    a.in1 = e.tensor<const float>(p.in1);
    a.in2 = e.tensor<const float>(p.in2);
    a.output = e.tensor<float>(p.output);
    kernels::BinaryF32<Arch, Op>::run(a);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

using AddF32 = BinaryF32<kernels::BinaryOpF32::kAdd, detail::AddTraits>;
using SubF32 = BinaryF32<kernels::BinaryOpF32::kSub, detail::SubTraits>;
using MulF32 = BinaryF32<kernels::BinaryOpF32::kMul, detail::MulTraits>;

/// Element-wise activation ops (no options).
template <kernels::UnaryOpF32 Op, std::int32_t Builtin>
struct UnaryF32 {
  static constexpr std::int32_t kBuiltin = Builtin;
  static constexpr const char* kName = Builtin == 19   ? "RELU"
                                       : Builtin == 21 ? "RELU6"
                                       : Builtin == 20 ? "RELU_N1_TO_1"
                                       : Builtin == 14 ? "LOGISTIC"
                                                       : "TANH";
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kFloat32);
  }
  struct Params {
    kernels::UnaryF32Args args;
    std::int32_t input = 0, output = 0;
  };
  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(1, 1, 1));
    TINYML_TRY(detail::expect_float_io(c, 1));
    TINYML_TRY(c.expect_shape(c.output(0), c.shape(c.input(0)), "output"));
    p.args.count = c.shape(c.input(0)).elements();
    p.input = c.input(0);
    p.output = c.output(0);
    return Status::kOk;
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::UnaryF32Args a = p.args;
    a.input = e.tensor<const float>(p.input);
    a.output = e.tensor<float>(p.output);
    kernels::UnaryF32<Arch, Op>::run(a);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

using ReluF32 = UnaryF32<kernels::UnaryOpF32::kRelu, 19>;
using Relu6F32 = UnaryF32<kernels::UnaryOpF32::kRelu6, 21>;
using ReluN1To1F32 = UnaryF32<kernels::UnaryOpF32::kReluN1To1, 20>;
using LogisticF32 = UnaryF32<kernels::UnaryOpF32::kLogistic, 14>;
using TanhF32 = UnaryF32<kernels::UnaryOpF32::kTanh, 28>;

struct SoftmaxF32 {
  static constexpr std::int32_t kBuiltin = 25;
  static constexpr const char* kName = "SOFTMAX";
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kFloat32);
  }
  struct Params {
    kernels::SoftmaxF32Args args;
    std::int32_t input = 0, output = 0;
  };
  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(1, 1, 1));
    TINYML_TRY(detail::expect_float_io(c, 1));
    const Shape is = c.shape(c.input(0));
    if (is.rank < 1) return c.fail(Status::kShapeMismatch, "softmax needs rank >= 1");
    TINYML_TRY(c.expect_shape(c.output(0), is, "output"));
    const model::TableView o = c.op.options(model::OptionsType::kSoftmax);
    const float beta = o.scalar<float>(model::fid::softmax::kBeta, 0.0f);
    if (!std::isfinite(beta)) return c.fail(Status::kInvalidModel, "softmax beta must be finite");
    auto& a = p.args;
    a.beta = beta;
    a.depth = is[is.rank - 1];
    a.outer = static_cast<std::int32_t>(is.elements() / a.depth);
    p.input = c.input(0);
    p.output = c.output(0);
    return Status::kOk;
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::SoftmaxF32Args a = p.args;
    a.input = e.tensor<const float>(p.input);
    a.output = e.tensor<float>(p.output);
    kernels::SoftmaxF32<Arch>::run(a);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

/// MEAN over the axes of a constant int32/int64 tensor (negative axes count from the end,
/// repeats allowed), keep_dims option.
struct MeanF32 {
  static constexpr std::int32_t kBuiltin = 40;
  static constexpr const char* kName = "MEAN";
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kFloat32);
  }
  struct Params {
    kernels::MeanF32Args args;
    std::int32_t input = 0, output = 0;
  };
  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t in = c.input(0), axes = c.input(1), out = c.output(0);
    TINYML_TRY(c.expect_type(in, model::TensorType::kFloat32, "input"));
    TINYML_TRY(c.expect_type(out, model::TensorType::kFloat32, "output"));
    const Shape is = c.shape(in);
    if (is.rank < 1 || is.rank > kernels::kBroadcastRank) {
      return c.fail(Status::kUnsupportedOp, "MEAN supports input rank 1..6");
    }
    const std::uint8_t* ad = c.constant(axes);
    const model::TensorType at = c.type(axes);
    if (ad == nullptr || (at != model::TensorType::kInt32 && at != model::TensorType::kInt64)) {
      return c.fail(Status::kUnsupportedOp, "axes must be a constant int32 or int64 tensor");
    }
    if (c.shape(axes).rank > 1) return c.fail(Status::kShapeMismatch, "axes must have rank 0 or 1");
    bool reduced[kernels::kBroadcastRank] = {};
    const std::int64_t n_axes = c.shape(axes).elements();
    for (std::int64_t i = 0; i < n_axes; ++i) {
      std::int64_t ax = at == model::TensorType::kInt32
                            ? reinterpret_cast<const std::int32_t*>(ad)[i]
                            : reinterpret_cast<const std::int64_t*>(ad)[i];
      if (ax < 0) ax += is.rank;
      if (ax < 0 || ax >= is.rank) return c.fail(Status::kInvalidModel, "axis out of range");
      reduced[ax] = true;
    }
    const bool keep = c.op.options(model::OptionsType::kReducer)
                          .scalar<std::uint8_t>(model::fid::reducer::kKeepDims, 0) != 0;
    Shape os;
    auto& a = p.args;
    a.rank = is.rank;
    std::int64_t reduce_count = 1;
    for (int d = 0; d < is.rank; ++d) {
      a.in_dims[d] = is[d];
      if (reduced[d]) {
        reduce_count *= is[d];
        if (keep) os.dims[os.rank++] = 1;
      } else {
        os.dims[os.rank++] = is[d];
      }
    }
    TINYML_TRY(c.expect_shape(out, os, "output"));
    std::int64_t stride = 1;
    for (int d = is.rank - 1; d >= 0; --d) {
      a.out_stride[d] = reduced[d] ? 0 : stride;
      if (!reduced[d]) stride *= is[d];
    }
    a.out_count = stride;
    a.reduce_count = static_cast<float>(reduce_count);
    p.input = in;
    p.output = out;
    return Status::kOk;
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::MeanF32Args a = p.args;
    a.input = e.tensor<const float>(p.input);
    a.output = e.tensor<float>(p.output);
    kernels::MeanF32<Arch>::run(a);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using FloatOps =
    OpList<ops::Conv2DF32, ops::DepthwiseConv2DF32, ops::FullyConnectedF32, ops::AveragePool2DF32,
           ops::MaxPool2DF32, ops::AddF32, ops::SubF32, ops::MulF32, ops::SoftmaxF32, ops::ReluF32,
           ops::Relu6F32, ops::ReluN1To1F32, ops::LogisticF32, ops::TanhF32, ops::MeanF32>;

}  // namespace TINYML_ABI
}  // namespace tinyml
