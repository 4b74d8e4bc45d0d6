// SPDX-License-Identifier: Apache-2.0
// ADD (int8, broadcast up to 4-D) and SOFTMAX (int8 -> int8).
#pragma once

#include <cmath>

#include "tinyml/kernels/add_s8.hpp"
#include "tinyml/kernels/softmax_s8.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

struct Add {
  static constexpr std::int32_t kBuiltin = 0;
  static constexpr const char* kName = "ADD";
  /// int8 activations (float32 ones go to FloatOps' struct of the same builtin code).
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }
  struct Params {
    kernels::AddS8Args args;
    std::int32_t in1 = 0, in2 = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t x = c.input(0), y = c.input(1), out = c.output(0);
    TINYML_TRY(c.expect_type(x, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(y, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    const Shape xs = c.shape(x), ys = c.shape(y);
    if (xs.rank > 4 || ys.rank > 4) return c.fail(Status::kUnsupportedOp, "ADD supports rank <= 4");
    // Broadcast shape, right-aligned.
    Shape os;
    os.rank = xs.rank > ys.rank ? xs.rank : ys.rank;
    auto& a = p.args;
    for (int i = 0; i < os.rank; ++i) {
      const int xi = i - (os.rank - xs.rank), yi = i - (os.rank - ys.rank);
      const std::int32_t dx = xi >= 0 ? xs[xi] : 1, dy = yi >= 0 ? ys[yi] : 1;
      if (dx != dy && dx != 1 && dy != 1) {
        return c.fail(Status::kShapeMismatch, "input shapes are not broadcast-compatible");
      }
      os.dims[i] = dx > dy ? dx : dy;
    }
    TINYML_TRY(c.expect_shape(out, os, "output"));
    a.broadcast = xs != ys;
    // 4-D right-aligned dims and strides (0 on broadcast dimensions).
    std::int32_t sx = 1, sy = 1;
    for (int i = 3; i >= 0; --i) {
      const int oi = i - (4 - os.rank);
      const int xi = oi - (os.rank - xs.rank), yi = oi - (os.rank - ys.rank);
      const std::int32_t dx = (oi >= 0 && xi >= 0) ? xs[xi] : 1;
      const std::int32_t dy = (oi >= 0 && yi >= 0) ? ys[yi] : 1;
      a.out_dims[i] = oi >= 0 ? os[oi] : 1;
      a.in1_stride[i] = dx == 1 ? 0 : sx;
      a.in2_stride[i] = dy == 1 ? 0 : sy;
      sx *= dx;
      sy *= dy;
    }
    runtime::QParams q1, q2, qo;
    TINYML_TRY(c.qparams(x, "input", &q1));
    TINYML_TRY(c.qparams(y, "input", &q2));
    TINYML_TRY(c.qparams(out, "output", &qo));
    a.left_shift = 20;
    // The reference's double arithmetic, exactly, in integers (no soft-double on MCUs).
    const quant::Exact twice_max =
        quant::exact_ldexp(quant::exact(q1.scale > q2.scale ? q1.scale : q2.scale), 1);
    quant::QuantizedMultiplier m1, m2, mo;
    const bool ok =
        quant::quantize_multiplier(quant::exact(q1.scale), twice_max, &m1) &&
        quant::quantize_multiplier(quant::exact(q2.scale), twice_max, &m2) &&
        quant::quantize_multiplier(twice_max, quant::exact_ldexp(quant::exact(qo.scale), a.left_shift),
                                   &mo);
    if (!ok || m1.shift > 0 || m2.shift > 0 || mo.shift > 0) {
      return c.fail(Status::kBadQuantization,
                    "output scale too small for the inputs' (TFLite requires multipliers < 1)");
    }
    a.in1_offset = -q1.zero_point; a.in2_offset = -q2.zero_point; a.output_offset = qo.zero_point;
    a.in1_multiplier = m1.multiplier; a.in1_shift = m1.shift;
    a.in2_multiplier = m2.multiplier; a.in2_shift = m2.shift;
    a.output_multiplier = mo.multiplier; a.output_shift = mo.shift;
    const model::TableView o = c.op.options(model::OptionsType::kAdd);
    quant::ActRange r;
    TINYML_TRY(c.act_range(o.scalar<std::int8_t>(model::fid::add::kActivation, 0), qo,
                           TensorType::kInt8, &r));
    a.act_min = r.min; a.act_max = r.max;
    p.in1 = x; p.in2 = y; p.output = out;
    return c.request_scratch(kernels::AddS8<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::AddS8Args a = p.args;
    a.in1 = e.tensor<const std::int8_t>(p.in1);
    a.in2 = e.tensor<const std::int8_t>(p.in2);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::AddS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

struct Softmax {
  static constexpr std::int32_t kBuiltin = 25;
  static constexpr const char* kName = "SOFTMAX";
  /// int8 activations (float32 ones go to FloatOps' struct of the same builtin code).
  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }
  struct Params {
    kernels::SoftmaxS8Args args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(1, 1, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    const Shape is = c.shape(in);
    if (is.rank < 1) return c.fail(Status::kShapeMismatch, "softmax needs rank >= 1");
    TINYML_TRY(c.expect_shape(out, is, "output"));
    runtime::QParams qi, qo;
    TINYML_TRY(c.qparams(in, "input", &qi));
    TINYML_TRY(c.qparams(out, "output", &qo));
    if (qo.zero_point != -128 || std::fabs(qo.scale - 1.0f / 256) > 0.001f / 256) {
      return c.fail(Status::kBadQuantization,
                    "int8 softmax output must have scale 1/256 and zero point -128");
    }
    const model::TableView o = c.op.options(model::OptionsType::kSoftmax);
    const float beta = o.scalar<float>(model::fid::softmax::kBeta, 0.0f);
    if (!(beta > 0.0f) || !(beta <= std::numeric_limits<float>::max())) {
      return c.fail(Status::kInvalidModel, "softmax beta must be finite and > 0");
    }
    constexpr int kIntegerBits = 5;
    // min(beta * input_scale * 2^(31 - 5), 2^31 - 1) as the reference computes it in double;
    // the product of two floats is exact, so integers reproduce it.
    quant::Exact real = quant::exact_ldexp(
        quant::exact_mul(quant::exact(beta), quant::exact(qi.scale)), 31 - kIntegerBits);
    quant::Exact cap;
    cap.mant = (std::uint64_t{1} << 31) - 1;
    if (quant::exact_ge(real, cap)) real = cap;
    quant::Exact one;
    one.mant = 1;
    quant::QuantizedMultiplier qm;
    if (!real.finite || real.negative || quant::exact_ge(one, real) ||
        !quant::quantize_multiplier(real, one, &qm) || qm.shift < 0) {
      return c.fail(Status::kBadQuantization, "softmax beta * input scale is out of range");
    }
    auto& a = p.args;
    a.depth = is[is.rank - 1];
    if (a.depth >= 4096) {
      // The Q12.19 sum of up to `depth` exponentials (each <= 1) would overflow, as in the reference.
      return c.fail(Status::kUnsupportedOp, "int8 softmax over 4096 or more classes");
    }
    a.outer = static_cast<std::int32_t>(static_cast<std::uint32_t>(is.elements()) /
                                        static_cast<std::uint32_t>(a.depth));  // both < 2^31
    a.input_multiplier = qm.multiplier;
    a.input_left_shift = qm.shift;
    // TFLite's CalculateInputRadius(5, shift): floor((2^5 - 1) * 2^26 / 2^shift), negated.
    const std::int64_t radius =
        ((std::int64_t{1} << kIntegerBits) - 1) * (std::int64_t{1} << (31 - kIntegerBits)) >> qm.shift;
    a.diff_min = -static_cast<std::int32_t>(radius);
    p.input = in; p.output = out;
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::SoftmaxS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    kernels::SoftmaxS8<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

}  // namespace ops
}  // namespace TINYML_ABI
}  // namespace tinyml
