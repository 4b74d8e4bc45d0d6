// SPDX-License-Identifier: Apache-2.0
// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH, PRELU (int8).
#pragma once

#include <cmath>

#include "tinyml/kernels/activation_s8.hpp"
#include "tinyml/ops/binary.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace detail {

/// One int8 input, one int8 output of the same shape; their quantizations.
inline Status unary_s8_io(runtime::PrepareContext& c, runtime::QParams* qi,
                          runtime::QParams* qo, std::int32_t* count) noexcept {
  using model::TensorType;
  TINYML_TRY(c.expect_io(1, 1, 1));
  const std::int32_t in = c.input(0), out = c.output(0);
  TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
  TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
  const Shape s = c.shape(in);
  TINYML_TRY(c.expect_shape(out, s, "output"));
  TINYML_TRY(c.qparams(in, "input", qi));
  TINYML_TRY(c.qparams(out, "output", qo));
  *count = static_cast<std::int32_t>(s.elements());
  return Status::kOk;
}

/// TFLite's DownScaleInt32ToInt16Multiplier: a Q31 multiplier rounded to Q15 (saturating).
constexpr std::int16_t downscale_multiplier_i16(std::int32_t m) noexcept {
  return m >= quant::kInt32Max - (1 << 15) ? std::int16_t{32767}
                                           : static_cast<std::int16_t>((m + (1 << 15)) >> 16);
}

/// LOGISTIC and TANH: a 256-entry table built at prepare.
template <std::int32_t Code, bool IsLogistic>
struct LutActivation {
  static constexpr std::int32_t kBuiltin = Code;
  static constexpr const char* kName = IsLogistic ? "LOGISTIC" : "TANH";
  struct Params {
    kernels::LutS8Args args;
    std::int32_t input = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams qi, qo;
    TINYML_TRY(unary_s8_io(c, &qi, &qo, &p.args.count));
    // The reference checks LOGISTIC's output scale (exactly 1/256), not its zero point.
    if (IsLogistic && static_cast<double>(qo.scale) != 1.0 / 256) {
      return c.fail(Status::kBadQuantization, "int8 LOGISTIC output scale must be 1/256");
    }
    std::int8_t* lut = c.alloc->array<std::int8_t>(256);
    if (lut == nullptr) return Status::kArenaTooSmall;
    kernels::populate_lut_s8(qi.scale, qi.zero_point, qo.scale, qo.zero_point,
                             IsLogistic ? &kernels::logistic_f32 : &kernels::tanh_f32, lut);
    p.args.lut = lut;
    p.input = c.input(0); p.output = c.output(0);
    return c.request_scratch(kernels::LutS8<Arch>::scratch_bytes(p.args));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::LutS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::LutS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

/// RELU (act 1), RELU_N1_TO_1 (act 2), RELU6 (act 3): requantize, then clamp to the bounds.
template <std::int32_t Code, int Act>
struct ReluActivation {
  static constexpr std::int32_t kBuiltin = Code;
  static constexpr const char* kName = Act == 1 ? "RELU" : (Act == 2 ? "RELU_N1_TO_1" : "RELU6");
  struct Params {
    kernels::ReluS8Args args;
    std::int32_t input = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams qi, qo;
    auto& a = p.args;
    TINYML_TRY(unary_s8_io(c, &qi, &qo, &a.count));
    quant::QuantizedMultiplier m;
    // input_scale / output_scale in float, as the reference.
    TINYML_TRY(requant_multiplier(c, static_cast<double>(qi.scale / qo.scale), false, &m));
    TINYML_TRY(act_clamp(c, static_cast<std::int8_t>(Act), qo, &a.act_min, &a.act_max));
    a.input_zero_point = qi.zero_point;
    a.output_zero_point = qo.zero_point;
    a.multiplier = m.multiplier;
    a.shift = m.shift;
    p.input = c.input(0); p.output = c.output(0);
    return c.request_scratch(kernels::ReluS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::ReluS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::ReluS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

}  // namespace detail

using Logistic = detail::LutActivation<14, true>;
using Tanh = detail::LutActivation<28, false>;
using Relu = detail::ReluActivation<19, 1>;
using ReluN1To1 = detail::ReluActivation<20, 2>;
using Relu6 = detail::ReluActivation<21, 3>;

struct LeakyRelu {
  static constexpr std::int32_t kBuiltin = 98;
  static constexpr const char* kName = "LEAKY_RELU";
  struct Params {
    kernels::LeakyReluS8Args args;
    std::int32_t input = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams qi, qo;
    auto& a = p.args;
    TINYML_TRY(detail::unary_s8_io(c, &qi, &qo, &a.count));
    const model::TableView o = c.op.options(model::OptionsType::kLeakyRelu);
    const float alpha = o.scalar<float>(model::fid::leaky_relu::kAlpha, 0.0f);
    if (!std::isfinite(alpha)) return c.fail(Status::kInvalidModel, "LEAKY_RELU alpha is not finite");
    // Both multipliers in float, as the reference.
    quant::QuantizedMultiplier mi, ma;
    TINYML_TRY(detail::requant_multiplier(c, static_cast<double>(qi.scale / qo.scale), false, &mi));
    TINYML_TRY(detail::requant_multiplier(c, static_cast<double>(qi.scale * alpha / qo.scale), true,
                                          &ma));
    a.input_zero_point = qi.zero_point;
    a.output_zero_point = qo.zero_point;
    a.identity_multiplier = mi.multiplier;
    a.identity_shift = mi.shift;
    a.alpha_negative = ma.multiplier < 0;
    // The magnitude, negated with wrap-around as the reference does (-2^31 stays -2^31).
    a.alpha_multiplier = a.alpha_negative ? quant::wrapping_sub(0, ma.multiplier) : ma.multiplier;
    a.alpha_shift = ma.shift;
    p.input = c.input(0); p.output = c.output(0);
    return c.request_scratch(kernels::LeakyReluS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::LeakyReluS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::LeakyReluS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

struct HardSwish {
  static constexpr std::int32_t kBuiltin = 117;
  static constexpr const char* kName = "HARD_SWISH";
  struct Params {
    kernels::HardSwishS8Args args;
    std::int32_t input = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams qi, qo;
    auto& a = p.args;
    TINYML_TRY(detail::unary_s8_io(c, &qi, &qo, &a.count));
    // In float, as the reference: the input on a 2^-7 finer scale, then onto the output scale and
    // onto the scale where 3.0 is 32768.
    const float hires_input_scale = (1.0f / 128.0f) * qi.scale;
    const float reluish_scale = 3.0f / 32768.0f;
    quant::QuantizedMultiplier mo, mr;
    TINYML_TRY(detail::requant_multiplier(c, static_cast<double>(hires_input_scale / qo.scale),
                                          false, &mo));
    TINYML_TRY(detail::requant_multiplier(c, static_cast<double>(hires_input_scale / reluish_scale),
                                          false, &mr));
    if (mo.shift > 0) {
      return c.fail(Status::kBadQuantization,
                    "HARD_SWISH output scale below input_scale / 128 (unsupported, as in TFLite)");
    }
    a.input_zero_point = qi.zero_point;
    a.output_zero_point = qo.zero_point;
    a.output_multiplier = detail::downscale_multiplier_i16(mo.multiplier);
    a.output_exponent = mo.shift;
    a.reluish_multiplier = detail::downscale_multiplier_i16(mr.multiplier);
    a.reluish_exponent = mr.shift;
    p.input = c.input(0); p.output = c.output(0);
    return c.request_scratch(kernels::HardSwishS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::HardSwishS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::HardSwishS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

/// PRELU: alpha (int8, per-tensor quantized, constant or not) broadcasts into the input's shape.
struct Prelu {
  static constexpr std::int32_t kBuiltin = 54;
  static constexpr const char* kName = "PRELU";
  struct Params {
    kernels::PreluS8Args args;
    std::int32_t input = 0, alpha = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t in = c.input(0), al = c.input(1), out = c.output(0);
    TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(al, TensorType::kInt8, "alpha"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    auto& a = p.args;
    TINYML_TRY(detail::broadcast_geometry(c, in, al, out, true, &a.shape));
    runtime::QParams qi, qa, qo;
    TINYML_TRY(c.qparams(in, "input", &qi));
    TINYML_TRY(c.qparams(al, "alpha", &qa));
    TINYML_TRY(c.qparams(out, "output", &qo));
    if (model::size_of(c.tensor(al).quantization().scale()) != 1) {
      // The reference reads a per-tensor scale only (0 for per-channel tensors).
      return c.fail(Status::kBadQuantization, "PRELU alpha must be quantized per tensor");
    }
    // In float, as the reference.
    quant::QuantizedMultiplier m1, m2;
    TINYML_TRY(detail::requant_multiplier(c, static_cast<double>(qi.scale / qo.scale), false, &m1));
    TINYML_TRY(detail::requant_multiplier(c, static_cast<double>(qi.scale * qa.scale / qo.scale),
                                          false, &m2));
    a.input_offset = -qi.zero_point;
    a.alpha_offset = -qa.zero_point;
    a.output_offset = qo.zero_point;
    a.multiplier_1 = m1.multiplier;
    a.shift_1 = m1.shift;
    a.multiplier_2 = m2.multiplier;
    a.shift_2 = m2.shift;
    p.input = in; p.alpha = al; p.output = out;
    return c.request_scratch(kernels::PreluS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::PreluS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.alpha = e.tensor<const std::int8_t>(p.alpha);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::PreluS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using ActivationOps = OpList<ops::Logistic, ops::Tanh, ops::Relu, ops::ReluN1To1, ops::Relu6,
                             ops::LeakyRelu, ops::HardSwish, ops::Prelu>;

}  // namespace TINYML_ABI
}  // namespace tinyml
