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

namespace detail {

/// What the three hybrid ops share: float32 input, int8 weights with their scales.
struct HybridTraits {
  static bool accepts(const runtime::PrepareContext& c) noexcept { return is_hybrid(c); }
  static Status check_types(const runtime::PrepareContext& c) noexcept { return expect_hybrid_io(c); }
};

struct FullyConnectedHybridTraits : FullyConnectedF32Traits, HybridTraits {
  using HybridTraits::accepts;
  using HybridTraits::check_types;
  using Args = kernels::HybridFullyConnectedArgs;
  template <class Arch>
  using Kernel = kernels::HybridFullyConnected<Arch>;
  static Status finish(runtime::PrepareContext& c, Args& a) noexcept {
    TINYML_TRY(hybrid_scales(c, a.out, 0, &a.channel_scale, &a.filter_scale));
    TINYML_TRY(c.check_depth(a.depth));
    a.asymmetric = c.op.options(model::OptionsType::kFullyConnected)
                       .scalar<std::uint8_t>(model::fid::fc::kAsymmetricQuantizeInputs, 0) != 0;
    if (a.asymmetric) {  // per-row weight sums for the input zero point
      const auto* w = reinterpret_cast<const std::int8_t*>(c.constant(c.input(1)));
      std::int32_t* sums = c.alloc->array<std::int32_t>(static_cast<std::size_t>(a.out));
      if (sums == nullptr) return Status::kArenaTooSmall;
      for (std::int32_t o = 0; o < a.out; ++o) {
        std::int32_t s = 0;
        for (std::int32_t d = 0; d < a.depth; ++d) s += w[static_cast<std::ptrdiff_t>(o) * a.depth + d];
        sums[o] = s;
      }
      a.row_sums = sums;
    }
    return Status::kOk;
  }
};

struct ConvHybridTraits : ConvF32Traits, HybridTraits {
  using HybridTraits::accepts;
  using HybridTraits::check_types;
  using Args = kernels::HybridConvArgs;
  template <class Arch>
  using Kernel = kernels::HybridConv<Arch>;
  static Status finish(runtime::PrepareContext& c, Args& a) noexcept {
    TINYML_TRY(hybrid_scales(c, a.out_c, 0, &a.channel_scale, &a.filter_scale));
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
    return c.check_depth(static_cast<std::int64_t>(a.k_h) * a.k_w * a.filter_in_c);
  }
};

struct DepthwiseConvHybridTraits : DepthwiseConvF32Traits, HybridTraits {
  using HybridTraits::accepts;
  using HybridTraits::check_types;
  using Args = kernels::HybridDepthwiseConvArgs;
  template <class Arch>
  using Kernel = kernels::HybridDepthwiseConv<Arch>;
  static Status finish(runtime::PrepareContext& c, Args& a) noexcept {
    const std::int32_t out_c = a.in_c * a.depth_multiplier;
    const float* per_channel = nullptr;
    float scale = 0.0f;
    TINYML_TRY(hybrid_scales(c, out_c, 3, &per_channel, &scale));
    if (per_channel == nullptr && out_c != 1) {
      return c.fail(Status::kUnsupportedOp,
                    "hybrid depthwise convolution needs one weight scale per output channel");
    }
    a.channel_scale = per_channel != nullptr
                          ? per_channel
                          : c.tensor(c.input(1)).quantization().scale()->data();
    return c.check_depth(static_cast<std::int64_t>(a.k_h) * a.k_w);
  }
};

}  // namespace detail

using FullyConnectedHybrid = detail::WeightsOp<detail::FullyConnectedHybridTraits>;
using Conv2DHybrid = detail::WeightsOp<detail::ConvHybridTraits>;
using DepthwiseConv2DHybrid = detail::WeightsOp<detail::DepthwiseConvHybridTraits>;

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using HybridOps = OpList<ops::Conv2DHybrid, ops::DepthwiseConv2DHybrid, ops::FullyConnectedHybrid>;

}  // namespace TINYML_ABI
}  // namespace tinyml
