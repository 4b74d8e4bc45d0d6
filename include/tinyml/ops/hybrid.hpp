// SPDX-License-Identifier: Apache-2.0
// Dynamic-range ("hybrid") ops: float32 activations and output, constant int8 weights with
// symmetric per-tensor or per-channel scales, optional float32 bias. What TensorFlow's converter
// emits with Optimize.DEFAULT and no representative dataset. Inputs are quantized per batch at run
// time as LiteRT does (kernels/float/hybrid.hpp has the numerics):
//   FULLY_CONNECTED   symmetric, or asymmetric when the asymmetric_quantize_inputs option is set;
//   CONV_2D           per-tensor weights (or per-channel scales all equal): symmetric; distinct
//                     per-channel scales: asymmetric (LiteRT's two hybrid conv paths);
//   DEPTHWISE_CONV_2D per-channel scales (one per output channel), asymmetric.
#pragma once

#include "tinyml/kernels/float/hybrid.hpp"
#include "tinyml/ops/float.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace detail {

inline bool is_hybrid(const runtime::PrepareContext& c) noexcept {
  return c.input_is(0, model::TensorType::kFloat32) && c.input_is(1, model::TensorType::kInt8);
}

/// Types of a hybrid op: float32 input and output, int8 weights.
inline Status expect_hybrid_io(const runtime::PrepareContext& c) noexcept {
  TINYML_TRY(c.expect_type(c.input(0), model::TensorType::kFloat32, "input"));
  TINYML_TRY(c.expect_type(c.input(1), model::TensorType::kInt8, "weights"));
  return c.expect_type(c.output(0), model::TensorType::kFloat32, "output");
}

/// Weight scales for `channels` channels along `dim`: *per_channel points at them when there is
/// more than one, else *scale is the single one.
inline Status hybrid_scales(const runtime::PrepareContext& c, std::int32_t channels,
                            std::int32_t dim, const float** per_channel, float* scale) noexcept {
  const model::FbVector<float>* ws = nullptr;
  std::int32_t zp = 0;
  TINYML_TRY(c.weight_scales(c.input(1), channels, dim, true, &ws, &zp));
  *per_channel = model::size_of(ws) > 1 ? ws->data() : nullptr;
  *scale = ws->Get(0);
  return Status::kOk;
}

}  // namespace detail

struct FullyConnectedHybrid {
  static constexpr std::int32_t kBuiltin = 9;
  static constexpr const char* kName = "FULLY_CONNECTED";
  static bool accepts(const runtime::PrepareContext& c) noexcept { return detail::is_hybrid(c); }
  struct Params {
    kernels::HybridFullyConnectedArgs args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(2, 3, 1));
    TINYML_TRY(detail::expect_hybrid_io(c));
    auto& a = p.args;
    std::int8_t act = 0;
    TINYML_TRY(detail::fc_geometry(c, a, &act));
    TINYML_TRY(detail::float_act(c, act, &a.act));
    TINYML_TRY(detail::float_bias(c, c.input(2), a.out, &a.bias));
    TINYML_TRY(detail::hybrid_scales(c, a.out, 0, &a.channel_scale, &a.filter_scale));
    TINYML_TRY(c.check_depth(a.depth));
    a.filter = reinterpret_cast<const std::int8_t*>(c.constant(c.input(1)));
    a.asymmetric = c.op.options(model::OptionsType::kFullyConnected)
                       .scalar<std::uint8_t>(model::fid::fc::kAsymmetricQuantizeInputs, 0) != 0;
    if (a.asymmetric) {
      std::int32_t* sums = c.alloc->array<std::int32_t>(static_cast<std::size_t>(a.out));
      if (sums == nullptr) return Status::kArenaTooSmall;
      for (std::int32_t o = 0; o < a.out; ++o) {
        std::int32_t s = 0;
        for (std::int32_t d = 0; d < a.depth; ++d) s += a.filter[static_cast<std::ptrdiff_t>(o) * a.depth + d];
        sums[o] = s;
      }
      a.row_sums = sums;
    }
    p.input = c.input(0);
    p.output = c.output(0);
    return detail::request_scratch_for<kernels::HybridFullyConnected, Arch>(c, a);
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::HybridFullyConnectedArgs a = p.args;
    a.input = e.tensor<const float>(p.input);
    a.output = e.tensor<float>(p.output);
    kernels::HybridFullyConnected<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    return static_cast<std::uint64_t>(p.args.batches) * p.args.out * p.args.depth;
  }
};

struct Conv2DHybrid {
  static constexpr std::int32_t kBuiltin = 3;
  static constexpr const char* kName = "CONV_2D";
  static bool accepts(const runtime::PrepareContext& c) noexcept { return detail::is_hybrid(c); }
  struct Params {
    kernels::HybridConvArgs args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(2, 3, 1));
    TINYML_TRY(detail::expect_hybrid_io(c));
    auto& a = p.args;
    std::int8_t act = 0;
    TINYML_TRY(detail::conv_geometry(c, a, &act));
    TINYML_TRY(detail::float_act(c, act, &a.act));
    TINYML_TRY(detail::float_bias(c, c.input(2), a.out_c, &a.bias));
    TINYML_TRY(detail::hybrid_scales(c, a.out_c, 0, &a.channel_scale, &a.filter_scale));
    // LiteRT takes the per-tensor (symmetric) path unless the channel scales differ; grouped
    // convolutions always take the per-channel one.
    if (a.channel_scale != nullptr) {
      bool equal = true;
      for (std::int32_t oc = 1; oc < a.out_c; ++oc) equal = equal && a.channel_scale[oc] == a.filter_scale;
      if (equal && a.filter_in_c == a.in_c) a.channel_scale = nullptr;
    } else if (a.filter_in_c != a.in_c) {
      return c.fail(Status::kUnsupportedOp,
                    "grouped hybrid convolution needs per-channel weight scales");
    }
    TINYML_TRY(c.check_depth(static_cast<std::int64_t>(a.k_h) * a.k_w * a.filter_in_c));
    a.filter = reinterpret_cast<const std::int8_t*>(c.constant(c.input(1)));
    p.input = c.input(0);
    p.output = c.output(0);
    return detail::request_scratch_for<kernels::HybridConv, Arch>(c, a);
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::HybridConvArgs a = p.args;
    a.input = e.tensor<const float>(p.input);
    a.output = e.tensor<float>(p.output);
    kernels::HybridConv<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.out_c * a.k_h * a.k_w *
           a.filter_in_c;
  }
};

struct DepthwiseConv2DHybrid {
  static constexpr std::int32_t kBuiltin = 4;
  static constexpr const char* kName = "DEPTHWISE_CONV_2D";
  static bool accepts(const runtime::PrepareContext& c) noexcept { return detail::is_hybrid(c); }
  struct Params {
    kernels::HybridDepthwiseConvArgs args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(2, 3, 1));
    TINYML_TRY(detail::expect_hybrid_io(c));
    auto& a = p.args;
    std::int8_t act = 0;
    TINYML_TRY(detail::depthwise_geometry(c, a, &act));
    TINYML_TRY(detail::float_act(c, act, &a.act));
    const std::int32_t out_c = a.in_c * a.depth_multiplier;
    TINYML_TRY(detail::float_bias(c, c.input(2), out_c, &a.bias));
    const float* per_channel = nullptr;
    float scale = 0.0f;
    TINYML_TRY(detail::hybrid_scales(c, out_c, 3, &per_channel, &scale));
    if (per_channel == nullptr && out_c != 1) {
      return c.fail(Status::kUnsupportedOp,
                    "hybrid depthwise convolution needs one weight scale per output channel");
    }
    a.channel_scale = per_channel != nullptr
                          ? per_channel
                          : c.tensor(c.input(1)).quantization().scale()->data();
    TINYML_TRY(c.check_depth(static_cast<std::int64_t>(a.k_h) * a.k_w));
    a.filter = reinterpret_cast<const std::int8_t*>(c.constant(c.input(1)));
    p.input = c.input(0);
    p.output = c.output(0);
    return detail::request_scratch_for<kernels::HybridDepthwiseConv, Arch>(c, a);
  }
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::HybridDepthwiseConvArgs a = p.args;
    a.input = e.tensor<const float>(p.input);
    a.output = e.tensor<float>(p.output);
    kernels::HybridDepthwiseConv<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.in_c *
           a.depth_multiplier * a.k_h * a.k_w;
  }
};

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using HybridOps = OpList<ops::Conv2DHybrid, ops::DepthwiseConv2DHybrid, ops::FullyConnectedHybrid>;

}  // namespace TINYML_ABI
}  // namespace tinyml
