// SPDX-License-Identifier: Apache-2.0
// RESHAPE (any type), QUANTIZE (float32/int8/uint8 -> int8/uint8) and DEQUANTIZE (int8/uint8 ->
// float32). Numerics follow TFLite's reference AffineQuantize, Requantize and Dequantize.
#pragma once

#include <cmath>
#include <cstring>

#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

struct Reshape {
  static constexpr std::int32_t kBuiltin = 22;
  static constexpr const char* kName = "RESHAPE";
  struct Params {
    std::int32_t input = 0, output = 0;
    std::uint32_t bytes = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(1, 2, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    if (c.type(in) != c.type(out)) return c.fail(Status::kUnsupportedType, "input and output types differ");
    const Shape is = c.shape(in);
    // The requested shape: the constant second input if present, else the new_shape option.
    Shape want;
    const std::int32_t shape_t = c.input(1);
    const model::TableView o = c.op.options(model::OptionsType::kReshape);
    const auto* opt = o.vector<std::int32_t>(model::fid::reshape::kNewShape);
    bool have = false;
    if (shape_t >= 0 && c.constant(shape_t) != nullptr && c.shape(shape_t).rank == 1) {
      if (c.type(shape_t) != model::TensorType::kInt32) {
        return c.fail(Status::kUnsupportedType, "shape tensor must be int32");
      }
      want.rank = c.shape(shape_t)[0];
      if (want.rank > kMaxRank) return c.fail(Status::kUnsupportedOp, "requested rank too large");
      const auto* d = reinterpret_cast<const std::int32_t*>(c.constant(shape_t));
      for (int i = 0; i < want.rank; ++i) want.dims[i] = d[i];
      have = true;
    } else if (opt != nullptr) {
      if (opt->size() > static_cast<std::uint32_t>(kMaxRank)) {
        return c.fail(Status::kUnsupportedOp, "requested rank too large");
      }
      want.rank = static_cast<std::int32_t>(opt->size());
      for (int i = 0; i < want.rank; ++i) want.dims[i] = opt->Get(static_cast<std::uint32_t>(i));
      have = true;
    }
    const Shape os = c.shape(out);
    if (have) {
      // Resolve one -1 from the element count, as TFLite does.
      int stretch = -1;
      std::int64_t known = 1;
      for (int i = 0; i < want.rank; ++i) {
        if (want.dims[i] == -1) {
          if (stretch >= 0) return c.fail(Status::kInvalidModel, "more than one -1 in new shape");
          stretch = i;
        } else if (want.dims[i] < 0) {
          return c.fail(Status::kInvalidModel, "negative dimension in new shape");
        } else {
          known *= want.dims[i];
          if (known > 0x7FFFFFFF) return c.fail(Status::kInvalidModel, "new shape too large");
        }
      }
      if (stretch >= 0) {
        // Both below 2^31 (tensor sizes are checked at load): 32-bit division.
        const auto total = static_cast<std::uint32_t>(is.elements());
        const auto part = static_cast<std::uint32_t>(known);
        if (part == 0 || total % part != 0) {
          return c.fail(Status::kShapeMismatch, "new shape does not divide the input size");
        }
        want.dims[stretch] = static_cast<std::int32_t>(total / part);
      }
      TINYML_TRY(c.expect_shape(out, want, "output"));
    }
    if (os.elements() != is.elements()) {
      return c.fail(Status::kShapeMismatch, "output element count differs from the input's");
    }
    p.input = in;
    p.output = out;
    p.bytes = static_cast<std::uint32_t>(is.elements() * model::element_size(c.type(in)));
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    const auto* src = e.tensor<const std::uint8_t>(p.input);
    auto* dst = e.tensor<std::uint8_t>(p.output);
    if (src != dst) std::memcpy(dst, src, p.bytes);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

struct Quantize {
  static constexpr std::int32_t kBuiltin = 114;
  static constexpr const char* kName = "QUANTIZE";
  struct Params {
    std::int32_t input = 0, output = 0, count = 0;
    model::TensorType in_type = model::TensorType::kFloat32;
    bool out_u8 = false;
    float out_scale = 1.0f;
    std::int32_t in_zp = 0, out_zp = 0, multiplier = 0, shift = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(1, 1, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    const TensorType it = c.type(in), ot = c.type(out);
    if (it != TensorType::kFloat32 && it != TensorType::kInt8 && it != TensorType::kUInt8) {
      return c.fail(Status::kUnsupportedType, "input must be float32, int8 or uint8");
    }
    if (ot != TensorType::kInt8 && ot != TensorType::kUInt8) {
      return c.fail(Status::kUnsupportedType, "output must be int8 or uint8");
    }
    TINYML_TRY(c.expect_shape(out, c.shape(in), "output"));
    runtime::QParams qo;
    TINYML_TRY(c.qparams(out, "output", &qo));
    p.in_type = it;
    p.out_u8 = ot == TensorType::kUInt8;
    p.out_scale = qo.scale;
    p.out_zp = qo.zero_point;
    if (it != TensorType::kFloat32) {
      runtime::QParams qi;
      TINYML_TRY(c.qparams(in, "input", &qi));
      quant::QuantizedMultiplier m;
      if (!quant::quantize_multiplier(quant::exact(qi.scale), quant::exact(qo.scale), &m)) {
        return c.fail(Status::kBadQuantization, "requantization scale out of range");
      }
      p.in_zp = qi.zero_point;
      p.multiplier = m.multiplier;
      p.shift = m.shift;
    }
    p.input = in;
    p.output = out;
    p.count = static_cast<std::int32_t>(c.shape(in).elements());
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    const std::int32_t lo = p.out_u8 ? 0 : -128, hi = p.out_u8 ? 255 : 127;
    std::uint8_t* out = e.tensor<std::uint8_t>(p.output);
    for (std::int32_t i = 0; i < p.count; ++i) {
      std::int32_t q;
      if (p.in_type == model::TensorType::kFloat32) {
        // zero_point + round(x / scale) in float, as AffineQuantize; NaN and out-of-range
        // values saturate instead of the reference's undefined float->int conversion.
        const float r = quant::round_half_away(e.tensor<const float>(p.input)[i] / p.out_scale);
        q = r >= 2147483520.0f ? quant::kInt32Max
            : (r > -2147483648.0f ? static_cast<std::int32_t>(r) : quant::kInt32Min);
        q = static_cast<std::int32_t>(
            kernels_clamp(static_cast<std::int64_t>(q) + p.out_zp, lo, hi));
      } else {
        const std::int32_t v = p.in_type == model::TensorType::kInt8
                                   ? e.tensor<const std::int8_t>(p.input)[i]
                                   : e.tensor<const std::uint8_t>(p.input)[i];
        // Wrapping add, as the reference's int add behaves on the targets it runs on: with an
        // extreme scale ratio the product saturates near INT32_MAX and adding the zero point
        // overflows (undefined in C++; fuzzer regression quantize_zp_overflow).
        q = quant::wrapping_add(
            quant::multiply_by_quantized_multiplier(v - p.in_zp, p.multiplier, p.shift), p.out_zp);
        q = static_cast<std::int32_t>(kernels_clamp(q, lo, hi));
      }
      out[i] = static_cast<std::uint8_t>(q);  // two's complement bytes for int8
    }
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }

 private:
  static constexpr std::int64_t kernels_clamp(std::int64_t v, std::int64_t lo, std::int64_t hi) noexcept {
    return v < lo ? lo : (v > hi ? hi : v);
  }
};

struct Dequantize {
  static constexpr std::int32_t kBuiltin = 6;
  static constexpr const char* kName = "DEQUANTIZE";
  struct Params {
    std::int32_t input = 0, output = 0, count = 0;
    bool in_u8 = false;
    float scale = 1.0f;
    std::int32_t zero_point = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(1, 1, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    if (c.type(in) != TensorType::kInt8 && c.type(in) != TensorType::kUInt8) {
      return c.fail(Status::kUnsupportedType, "input must be int8 or uint8");
    }
    TINYML_TRY(c.expect_type(out, TensorType::kFloat32, "output"));
    TINYML_TRY(c.expect_shape(out, c.shape(in), "output"));
    runtime::QParams qi;
    TINYML_TRY(c.qparams(in, "input", &qi));
    p.input = in;
    p.output = out;
    p.count = static_cast<std::int32_t>(c.shape(in).elements());
    p.in_u8 = c.type(in) == TensorType::kUInt8;
    p.scale = qi.scale;
    p.zero_point = qi.zero_point;
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    float* out = e.tensor<float>(p.output);
    const double scale = static_cast<double>(p.scale);
    for (std::int32_t i = 0; i < p.count; ++i) {
      const std::int32_t v = p.in_u8 ? e.tensor<const std::uint8_t>(p.input)[i]
                                     : e.tensor<const std::int8_t>(p.input)[i];
      out[i] = static_cast<float>(scale * (v - p.zero_point));
    }
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

}  // namespace ops
}  // namespace TINYML_ABI
}  // namespace tinyml
