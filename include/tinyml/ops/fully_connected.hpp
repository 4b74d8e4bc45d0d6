// SPDX-License-Identifier: Apache-2.0
// FULLY_CONNECTED, int8 activations and weights (per-tensor or per-channel), optional int32 bias,
// any number of batches, keep_num_dims. Requantization rounds once, as LiteRT's reference kernel,
// or twice, as TensorFlow Lite Micro, when runtime::Options::tflm_fc_rounding is set.
#pragma once

#include "tinyml/kernels/fully_connected_s8.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

struct FullyConnected {
  static constexpr std::int32_t kBuiltin = 9;
  static constexpr const char* kName = "FULLY_CONNECTED";
  /// int8 activations and int8 weights (float32 activations with int8 weights are HybridOps';
  /// float32 ones FloatOps').
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8) && c.input_is(1, model::TensorType::kInt8);
  }
  struct Params {
    kernels::FullyConnectedS8Args args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(2, 3, 1));
    const std::int32_t in = c.input(0), filt = c.input(1), out = c.output(0);
    TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(filt, TensorType::kInt8, "weights"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    TINYML_TRY(c.expect_rank(filt, 2, "weights"));
    if (c.constant(filt) == nullptr) return c.fail(Status::kUnsupportedOp, "weights must be constant");
    const model::TableView o = c.op.options(model::OptionsType::kFullyConnected);
    namespace f = model::fid::fc;
    if (o.scalar<std::int8_t>(f::kWeightsFormat, 0) != 0) {
      return c.fail(Status::kUnsupportedOp, "only the DEFAULT weights format is supported");
    }
    const Shape is = c.shape(in), fs = c.shape(filt);
    auto& a = p.args;
    a.out = fs[0];
    a.depth = fs[1];
    // Element counts are below 2^31 (checked at load): 32-bit division.
    const auto in_elems = static_cast<std::uint32_t>(is.elements());
    if (is.rank < 1 || a.depth <= 0 || in_elems % static_cast<std::uint32_t>(a.depth) != 0) {
      return c.fail(Status::kShapeMismatch, "input size is not a multiple of the weights' depth");
    }
    a.batches = static_cast<std::int32_t>(in_elems / static_cast<std::uint32_t>(a.depth));
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
    TINYML_TRY(c.check_depth(a.depth));
    TINYML_TRY(c.bias(c.input(2), a.out, &a.bias));

    runtime::QParams qi, qo;
    TINYML_TRY(c.qparams(in, "input", &qi));
    TINYML_TRY(c.qparams(out, "output", &qo));
    const model::FbVector<float>* ws = nullptr;
    std::int32_t wzp = 0;
    TINYML_TRY(c.weight_scales(filt, a.out, 0, false, &ws, &wzp));
    a.per_channel = model::size_of(ws) > 1;
    if (a.per_channel && wzp != 0) {
      return c.fail(Status::kBadQuantization, "per-channel weights must have zero point 0");
    }
    std::int32_t* mult = nullptr;
    std::int8_t* shift = nullptr;
    TINYML_TRY(c.channel_multipliers(qi.scale, ws, qo.scale, a.per_channel ? a.out : 1, &mult,
                                     &shift, /*float_product=*/!a.per_channel));
    quant::ActRange r;
    TINYML_TRY(c.act_range(o.scalar<std::int8_t>(f::kActivation, 0), qo, TensorType::kInt8, &r));
    a.multiplier = mult; a.shift = shift;
    a.input_offset = -qi.zero_point; a.filter_offset = -wzp; a.output_offset = qo.zero_point;
    a.act_min = r.min; a.act_max = r.max;
    a.rounding = c.options.tflm_fc_rounding ? quant::Rounding::kDouble : quant::Rounding::kSingle;
    a.filter = reinterpret_cast<const std::int8_t*>(c.constant(filt));
#if TINYML_X86_HINTS
    if constexpr (kernels::reads_pair_safe<kernels::FullyConnectedS8<Arch>>::value) {
      // A bit per row (and, unless the input zero point is -128, a weight sum per row), only
      // for kernels that use them (x86 byte multiplies), only when some row qualifies.
      if (a.filter_offset == 0 && a.depth >= 16 && a.input_offset >= -127 && a.input_offset <= 128) {
        auto* bits = c.alloc->array<std::uint8_t>(static_cast<std::size_t>(a.out + 7) / 8);
        if (bits == nullptr) return Status::kArenaTooSmall;
        if (kernels::mark_pair_safe_rows(a.filter, a.out, a.depth, bits)) {
          a.pair_safe = bits;
          if (a.input_offset != 128) {
            auto* sums = c.alloc->array<std::int32_t>(static_cast<std::size_t>(a.out));
            if (sums == nullptr) return Status::kArenaTooSmall;
            kernels::filter_row_sums(a.filter, a.out, a.depth, sums);
            a.row_sums = sums;
          }
        }
      }
    }
#endif
    p.input = in; p.output = out;
    return c.request_scratch(kernels::FullyConnectedS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::FullyConnectedS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::FullyConnectedS8<Arch>::run(a, e.scratch);
  }

  static std::uint64_t macs(const Params& p) noexcept {
    return static_cast<std::uint64_t>(p.args.batches) * p.args.out * p.args.depth;
  }
};

}  // namespace ops
}  // namespace TINYML_ABI
}  // namespace tinyml
