// SPDX-License-Identifier: Apache-2.0
// MUL, SUB, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM (int8, broadcast up to 6-D).
#pragma once

#include <cmath>

#include "tinyml/kernels/binary_s8.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace detail {

/// Broadcast geometry of inputs x and y (numpy rules, right-aligned); checks the declared output
/// shape. With `out_is_x`, the broadcast shape must also equal x's (PRELU: alpha broadcasts into
/// the input).
inline Status broadcast_geometry(runtime::PrepareContext& c, std::int32_t x, std::int32_t y,
                                 std::int32_t out, bool out_is_x,
                                 kernels::BroadcastS8* g) noexcept {
  constexpr int kR = kernels::BroadcastS8::kRank;
  const Shape xs = c.shape(x), ys = c.shape(y);
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
  if (out_is_x && os != xs) {
    return c.fail(Status::kShapeMismatch, "alpha does not broadcast into the input's shape");
  }
  TINYML_TRY(c.expect_shape(out, os, "output"));
  g->broadcast = xs != ys;
  g->count = static_cast<std::int32_t>(os.elements());
  // Right-aligned dims and element strides (0 on broadcast dimensions).
  std::int32_t sx = 1, sy = 1;
  for (int i = kR - 1; i >= 0; --i) {
    const int oi = i - (kR - os.rank);
    const int xi = oi - (os.rank - xs.rank), yi = oi - (os.rank - ys.rank);
    const std::int32_t dx = (oi >= 0 && xi >= 0) ? xs[xi] : 1;
    const std::int32_t dy = (oi >= 0 && yi >= 0) ? ys[yi] : 1;
    g->out_dims[i] = oi >= 0 ? os[oi] : 1;
    g->in1_stride[i] = dx == 1 ? 0 : sx;
    g->in2_stride[i] = dy == 1 ? 0 : sy;
    sx *= dx;
    sy *= dy;
  }
  return Status::kOk;
}

/// TFLite's QuantizeMultiplier (of either sign with `any_sign`), refusing non-finite multipliers
/// and magnitudes of 2^30 or more: tinyml's quantize_multiplier saturates those, while the
/// reference shifts an int left by 31 or more, which is undefined (LiteRT on x86 masks the count).
inline Status requant_multiplier(runtime::PrepareContext& c, double real, bool any_sign,
                                 quant::QuantizedMultiplier* m) noexcept {
  const bool ok = any_sign ? quant::quantize_multiplier_signed(real, m)
                           : quant::quantize_multiplier(real, m);
  if (!ok) return c.fail(Status::kBadQuantization, "requantization scale is not finite");
  if (std::fabs(real) >= 1073741823.75) {  // the Q31 significand would need a shift above 30
    return c.fail(Status::kBadQuantization,
                  "requantization multiplier of 2^30 or more (output scale far too small)");
  }
  return Status::kOk;
}

/// Two int8 inputs, one int8 output, broadcast geometry and the three quantizations.
inline Status binary_s8_io(runtime::PrepareContext& c, kernels::BroadcastS8* g,
                           runtime::QParams* q1, runtime::QParams* q2,
                           runtime::QParams* qo) noexcept {
  using model::TensorType;
  TINYML_TRY(c.expect_io(2, 2, 1));
  const std::int32_t x = c.input(0), y = c.input(1), out = c.output(0);
  TINYML_TRY(c.expect_type(x, TensorType::kInt8, "input"));
  TINYML_TRY(c.expect_type(y, TensorType::kInt8, "input"));
  TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
  TINYML_TRY(broadcast_geometry(c, x, y, out, false, g));
  if (q1 == nullptr) return Status::kOk;
  TINYML_TRY(c.qparams(x, "input", q1));
  TINYML_TRY(c.qparams(y, "input", q2));
  return c.qparams(out, "output", qo);
}

/// Clamp range of activation `act` (TFLite enum: 0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6) on an
/// int8 output. Bounds of 2^30 output steps or more are refused: the reference converts
/// zero_point + round(bound / scale) to int32 unchecked (undefined beyond int32; LiteRT on x86
/// then clamps to a wrapped value).
inline Status act_clamp(runtime::PrepareContext& c, std::int8_t act, const runtime::QParams& qo,
                        std::int32_t* lo, std::int32_t* hi) noexcept {
  const float bound = act == 2 ? 1.0f : (act == 3 ? 6.0f : 0.0f);
  if (!(std::fabs(bound / qo.scale) < 1073741824.0f)) {
    return c.fail(Status::kBadQuantization,
                  "output scale too small for the activation's bounds (2^30 steps or more)");
  }
  quant::ActRange r;
  TINYML_TRY(c.act_range(act, qo, model::TensorType::kInt8, &r));
  *lo = r.min;
  *hi = r.max;
  return Status::kOk;
}

/// Fused activation of MUL/SUB options (`OptionsType` t, field `fid`) as a clamp range.
inline Status fused_range(runtime::PrepareContext& c, model::OptionsType t, int fid,
                          const runtime::QParams& qo, std::int32_t* lo,
                          std::int32_t* hi) noexcept {
  const model::TableView o = c.op.options(t);
  return act_clamp(c, o.scalar<std::int8_t>(fid, 0), qo, lo, hi);
}

/// SUB and SQUARED_DIFFERENCE: per-input multipliers onto twice the larger input scale (float
/// product, as the reference), then the output multiplier `real_out`. Every shift must be <= 0:
/// LiteRT aborts otherwise (QuantizeMultiplierSmallerThanOneExp), or, for SUB's output above 1,
/// runs an undefined right shift by a negative amount.
inline Status sub_multipliers(runtime::PrepareContext& c, const runtime::QParams& q1,
                              const runtime::QParams& q2, double twice_max, double real_out,
                              kernels::SubS8Args* a) noexcept {
  quant::QuantizedMultiplier m1, m2, mo;
  const bool ok = quant::quantize_multiplier(static_cast<double>(q1.scale) / twice_max, &m1) &&
                  quant::quantize_multiplier(static_cast<double>(q2.scale) / twice_max, &m2) &&
                  quant::quantize_multiplier(real_out, &mo);
  if (!ok || !(real_out < 1.0) || m1.shift > 0 || m2.shift > 0 || mo.shift > 0) {
    return c.fail(Status::kBadQuantization,
                  "output scale too small for the inputs' (the reference requires an output "
                  "multiplier below 1)");
  }
  a->in1_offset = -q1.zero_point;
  a->in2_offset = -q2.zero_point;
  a->in1_multiplier = m1.multiplier;
  a->in1_shift = m1.shift;
  a->in2_multiplier = m2.multiplier;
  a->in2_shift = m2.shift;
  a->output_multiplier = mo.multiplier;
  a->output_shift = mo.shift;
  return Status::kOk;
}

}  // namespace detail

struct Mul {
  static constexpr std::int32_t kBuiltin = 18;
  static constexpr const char* kName = "MUL";
  struct Params {
    kernels::MulS8Args args;
    std::int32_t in1 = 0, in2 = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams q1, q2, qo;
    auto& a = p.args;
    TINYML_TRY(detail::binary_s8_io(c, &a.shape, &q1, &q2, &qo));
    // The reference forms the product in float: s1 * s2 / so.
    const float real = q1.scale * q2.scale / qo.scale;
    quant::QuantizedMultiplier m;
    TINYML_TRY(detail::requant_multiplier(c, static_cast<double>(real), false, &m));
    a.in1_offset = -q1.zero_point;
    a.in2_offset = -q2.zero_point;
    a.output_offset = qo.zero_point;
    a.output_multiplier = m.multiplier;
    a.output_shift = m.shift;
    TINYML_TRY(detail::fused_range(c, model::OptionsType::kMul, model::fid::mul::kActivation, qo,
                                   &a.act_min, &a.act_max));
    p.in1 = c.input(0); p.in2 = c.input(1); p.output = c.output(0);
    return c.request_scratch(kernels::MulS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::MulS8Args a = p.args;
    a.in1 = e.tensor<const std::int8_t>(p.in1);
    a.in2 = e.tensor<const std::int8_t>(p.in2);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::MulS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    return static_cast<std::uint64_t>(p.args.shape.count);
  }
};

struct Sub {
  static constexpr std::int32_t kBuiltin = 41;
  static constexpr const char* kName = "SUB";
  struct Params {
    kernels::SubS8Args args;
    std::int32_t in1 = 0, in2 = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams q1, q2, qo;
    auto& a = p.args;
    TINYML_TRY(detail::binary_s8_io(c, &a.shape, &q1, &q2, &qo));
    a.left_shift = 20;
    // As the reference: 2 * max(s1, s2) in float, the rest in double.
    const double twice_max = static_cast<double>(2.0f * (q1.scale > q2.scale ? q1.scale : q2.scale));
    const double real_out =
        twice_max / static_cast<double>(static_cast<float>(1 << a.left_shift) * qo.scale);
    TINYML_TRY(detail::sub_multipliers(c, q1, q2, twice_max, real_out, &a));
    a.output_offset = qo.zero_point;
    TINYML_TRY(detail::fused_range(c, model::OptionsType::kSub, model::fid::sub::kActivation, qo,
                                   &a.act_min, &a.act_max));
    p.in1 = c.input(0); p.in2 = c.input(1); p.output = c.output(0);
    return c.request_scratch(kernels::SubS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::SubS8Args a = p.args;
    a.in1 = e.tensor<const std::int8_t>(p.in1);
    a.in2 = e.tensor<const std::int8_t>(p.in2);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::SubS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

struct SquaredDifference {
  static constexpr std::int32_t kBuiltin = 99;
  static constexpr const char* kName = "SQUARED_DIFFERENCE";
  struct Params {
    kernels::SquaredDifferenceS8Args args;
    std::int32_t in1 = 0, in2 = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    runtime::QParams q1, q2, qo;
    auto& a = p.args;
    TINYML_TRY(detail::binary_s8_io(c, &a.shape, &q1, &q2, &qo));
    a.left_shift = 7;
    const double twice_max = static_cast<double>(2.0f * (q1.scale > q2.scale ? q1.scale : q2.scale));
    const double real_out =
        (twice_max * twice_max) /
        static_cast<double>(static_cast<float>(1 << (2 * a.left_shift)) * qo.scale);
    TINYML_TRY(detail::sub_multipliers(c, q1, q2, twice_max, real_out, &a));
    a.output_offset = qo.zero_point;
    a.act_min = -128;
    a.act_max = 127;
    p.in1 = c.input(0); p.in2 = c.input(1); p.output = c.output(0);
    return c.request_scratch(kernels::SquaredDifferenceS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::SquaredDifferenceS8Args a = p.args;
    a.in1 = e.tensor<const std::int8_t>(p.in1);
    a.in2 = e.tensor<const std::int8_t>(p.in2);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::SquaredDifferenceS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    return static_cast<std::uint64_t>(p.args.shape.count);
  }
};

/// MAXIMUM / MINIMUM compare the raw int8 values: the reference ignores quantization (the
/// converter gives inputs and output one scale and zero point).
template <std::int32_t Code, bool IsMax>
struct MinMax {
  static constexpr std::int32_t kBuiltin = Code;
  static constexpr const char* kName = IsMax ? "MAXIMUM" : "MINIMUM";
  struct Params {
    kernels::MinMaxS8Args args;
    std::int32_t in1 = 0, in2 = 0, output = 0;
  };
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(detail::binary_s8_io(c, &p.args.shape, nullptr, nullptr, nullptr));
    p.args.maximum = IsMax;
    p.in1 = c.input(0); p.in2 = c.input(1); p.output = c.output(0);
    return c.request_scratch(kernels::MinMaxS8<Arch>::scratch_bytes(p.args));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::MinMaxS8Args a = p.args;
    a.in1 = e.tensor<const std::int8_t>(p.in1);
    a.in2 = e.tensor<const std::int8_t>(p.in2);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::MinMaxS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};
using Maximum = MinMax<55, true>;
using Minimum = MinMax<57, false>;

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using BinaryOps = OpList<ops::Mul, ops::Sub, ops::SquaredDifference, ops::Maximum, ops::Minimum>;

}  // namespace TINYML_ABI
}  // namespace tinyml
