// SPDX-License-Identifier: Apache-2.0
// What an op sees: PrepareContext at load time (model views, validation helpers, the persistent
// allocator) and EvalContext at invoke time (tensor data pointers only).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tinyml/core/shape.hpp"
#include "tinyml/core/status.hpp"
#include "tinyml/model/reader.hpp"
#include "tinyml/quant/fixed_point.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace runtime {

/// Bump allocator growing down from the arena's end. Keeps counting when it runs out so the
/// interpreter can report how many bytes the persistent section needs.
class PersistentAllocator {
 public:
  void reset(std::uint8_t* lo, std::uint8_t* hi) noexcept {
    lo_ = lo;
    top_ = hi;
    hi_ = hi;
    used_ = 0;
    overflow_ = false;
  }
  void* allocate(std::size_t bytes, std::size_t align) noexcept {
    const std::size_t base = used_ + bytes;
    used_ = (base + align - 1) / align * align;
    if (overflow_ || used_ > static_cast<std::size_t>(hi_ - lo_)) {
      overflow_ = true;
      return nullptr;
    }
    top_ = hi_ - used_;
    return top_;
  }
  template <class T>
  T* array(std::size_t n) noexcept {
    void* p = allocate(sizeof(T) * n, alignof(T) < 4 ? 4 : alignof(T));
    return static_cast<T*>(p);
  }
  std::size_t used() const noexcept { return used_; }
  bool overflow() const noexcept { return overflow_; }
  std::uint8_t* top() const noexcept { return top_; }

 private:
  std::uint8_t* lo_ = nullptr;
  std::uint8_t* top_ = nullptr;
  std::uint8_t* hi_ = nullptr;
  std::size_t used_ = 0;
  bool overflow_ = false;
};

/// Per-tensor quantization of an int8/uint8 activation.
struct QParams {
  float scale = 0.0f;
  std::int32_t zero_point = 0;
};

/// Load-time options of an interpreter (Interpreter::set_options).
struct Options {
  /// FULLY_CONNECTED requantization. false (default): as LiteRT's reference kernels, which
  /// round once, (acc * M + 2^(30 - shift)) >> (31 - shift). true: as TensorFlow Lite Micro
  /// (and CMSIS-NN), which round twice (SaturatingRoundingDoublingHighMul, then
  /// RoundingDivideByPOT). The two differ by 1 LSB on a small share of outputs.
  bool tflm_fc_rounding = false;
};

struct PrepareContext {
  model::ModelView model;
  Options options;
  model::SubGraphView graph;
  model::OperatorView op;
  std::uint32_t op_index = 0;
  const std::uint8_t* const* tensor_data = nullptr;  ///< constant data per tensor, or null
  PersistentAllocator* alloc = nullptr;
  Diag* diag = nullptr;
  std::uint32_t scratch_bytes = 0;  ///< out: scratch this op's kernel asked for

  /// Asks the planner for `bytes` of scratch, live only while this op runs (EvalContext::scratch).
  Status request_scratch(std::size_t bytes) noexcept {
    if (bytes > 0x7FFFFFFFu) return fail(Status::kInvalidModel, "kernel scratch too large");
    scratch_bytes = static_cast<std::uint32_t>(bytes);
    return Status::kOk;
  }

  std::uint32_t num_inputs() const noexcept { return model::size_of(op.inputs()); }
  std::uint32_t num_outputs() const noexcept { return model::size_of(op.outputs()); }
  /// Tensor index of input k (-1 for an omitted optional input or k out of range).
  std::int32_t input(std::uint32_t k) const noexcept {
    return k < num_inputs() ? op.inputs()->Get(k) : -1;
  }
  std::int32_t output(std::uint32_t k) const noexcept {
    return k < num_outputs() ? op.outputs()->Get(k) : -1;
  }
  model::TensorView tensor(std::int32_t i) const noexcept {
    return graph.tensor(static_cast<std::uint32_t>(i));
  }
  model::TensorType type(std::int32_t i) const noexcept { return tensor(i).type(); }
  /// True if input k exists and has type t (for ops' accepts()).
  bool input_is(std::uint32_t k, model::TensorType t) const noexcept {
    const std::int32_t i = input(k);
    return i >= 0 && type(i) == t;
  }
  /// Constant data of tensor i (weights, bias), or null if it is an activation.
  const std::uint8_t* constant(std::int32_t i) const noexcept {
    return i >= 0 ? tensor_data[i] : nullptr;
  }
  Shape shape(std::int32_t i) const noexcept {
    Shape s;
    const auto* v = tensor(i).shape();
    s.rank = static_cast<std::int32_t>(model::size_of(v));
    for (std::int32_t d = 0; d < s.rank && d < kMaxRank; ++d) s.dims[d] = v->Get(d);
    return s;
  }

  /// Appends to the error message (the interpreter has already written "op N (NAME): ").
  Status fail(Status s, const char* what) const noexcept {
    *diag << what;
    return s;
  }

  Status expect_io(std::uint32_t min_in, std::uint32_t max_in, std::uint32_t outs) const noexcept {
    if (num_inputs() < min_in || num_inputs() > max_in || num_outputs() != outs) {
      *diag << "expects " << static_cast<int>(min_in);
      if (max_in != min_in) *diag << ".." << static_cast<int>(max_in);
      *diag << " inputs and " << static_cast<int>(outs) << " output(s), model has "
            << static_cast<int>(num_inputs()) << " and " << static_cast<int>(num_outputs());
      return Status::kInvalidModel;
    }
    for (std::uint32_t k = 0; k < min_in; ++k) {
      if (input(k) < 0) return fail(Status::kInvalidModel, "a required input is missing");
    }
    return Status::kOk;
  }

  Status expect_type(std::int32_t t, model::TensorType want, const char* role) const noexcept {
    if (type(t) != want) {
      *diag << role << " tensor " << t << " is " << model::type_name(type(t)) << ", expected "
            << model::type_name(want);
      return Status::kUnsupportedType;
    }
    return Status::kOk;
  }

  Status expect_rank(std::int32_t t, std::int32_t rank, const char* role) const noexcept {
    if (shape(t).rank != rank) {
      *diag << role << " tensor " << t << " has rank " << shape(t).rank << ", expected " << rank;
      return Status::kShapeMismatch;
    }
    return Status::kOk;
  }

  /// Declared output shape must equal the computed one.
  Status expect_shape(std::int32_t t, const Shape& want, const char* role) const noexcept {
    const Shape got = shape(t);
    if (got != want) {
      *diag << role << " tensor " << t << " declared [";
      for (int i = 0; i < got.rank; ++i) *diag << (i ? "," : "") << got.dims[i];
      *diag << "] but computed [";
      for (int i = 0; i < want.rank; ++i) *diag << (i ? "," : "") << want.dims[i];
      *diag << "]";
      return Status::kShapeMismatch;
    }
    return Status::kOk;
  }

  /// Per-tensor quantization of an 8-bit activation (scale > 0 and finite, zero point in range).
  Status qparams(std::int32_t t, const char* role, QParams* out) const noexcept {
    const model::QuantView q = tensor(t).quantization();
    const auto* scale = q ? q.scale() : nullptr;
    const auto* zp = q ? q.zero_point() : nullptr;
    if (model::size_of(scale) == 0) {
      *diag << role << " tensor " << t << " has no quantization scale";
      return Status::kBadQuantization;
    }
    if (q.details_type() != 0) {
      *diag << role << " tensor " << t << " uses custom quantization (unsupported)";
      return Status::kBadQuantization;
    }
    const float s = scale->Get(0);
    const std::int64_t z = model::size_of(zp) > 0 ? zp->Get(0) : 0;
    const bool is_u8 = type(t) == model::TensorType::kUInt8;
    const std::int64_t lo = is_u8 ? 0 : -128;
    const std::int64_t hi = is_u8 ? 255 : 127;
    if (!(s > 0.0f) || !std::isfinite(s) || z < lo || z > hi) {
      *diag << role << " tensor " << t << " has invalid quantization (scale must be finite and"
            << " > 0, zero point in range)";
      return Status::kBadQuantization;
    }
    out->scale = s;
    out->zero_point = static_cast<std::int32_t>(z);
    return Status::kOk;
  }

  /// Scales of a symmetric int8 weight tensor: 1 scale, or `channels` along `dim`. Zero points
  /// must be 0 when `symmetric`.
  Status weight_scales(std::int32_t t, std::int32_t channels, std::int32_t dim, bool symmetric,
                       const model::FbVector<float>** scales,
                       std::int32_t* zero_point) const noexcept {
    const model::QuantView q = tensor(t).quantization();
    const auto* s = q ? q.scale() : nullptr;
    const auto* zp = q ? q.zero_point() : nullptr;
    const std::uint32_t n = model::size_of(s);
    if (q && q.details_type() != 0) {
      return fail(Status::kBadQuantization, "weights use custom quantization (unsupported)");
    }
    if (n == 0) return fail(Status::kBadQuantization, "weights have no quantization scale");
    if (n != 1 && (n != static_cast<std::uint32_t>(channels) || q.quantized_dimension() != dim)) {
      *diag << "weights have " << static_cast<int>(n) << " scales on dimension "
            << q.quantized_dimension() << "; expected 1 or " << channels << " on dimension "
            << dim;
      return Status::kBadQuantization;
    }
    if (model::size_of(zp) != 0 && model::size_of(zp) != n) {
      return fail(Status::kBadQuantization, "weights have a zero point count unequal to scales");
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      const float v = s->Get(i);
      if (!(v >= 0.0f) || !std::isfinite(v)) {
        return fail(Status::kBadQuantization, "weight scale is negative or not finite");
      }
      const std::int64_t z = model::size_of(zp) ? zp->Get(i) : 0;
      // Per-channel weights are always symmetric in TFLite's int8 scheme.
      if ((symmetric || n > 1) ? z != 0 : (z < -128 || z > 127)) {
        return fail(Status::kBadQuantization,
                    (symmetric || n > 1) ? "int8 weights must have zero point 0"
                                         : "weight zero point out of range");
      }
    }
    *scales = s;
    *zero_point = model::size_of(zp) ? static_cast<std::int32_t>(zp->Get(0)) : 0;
    return Status::kOk;
  }

  /// Fused activation clamp range for an 8-bit output.
  Status act_range(std::int8_t act, const QParams& out, model::TensorType type,
                   quant::ActRange* r) const noexcept {
    const bool u8 = type == model::TensorType::kUInt8;
    if (!quant::activation_range(act, out.scale, out.zero_point, u8 ? 0 : -128, u8 ? 255 : 127,
                                 r)) {
      *diag << "unsupported fused activation " << static_cast<int>(act);
      return Status::kUnsupportedOp;
    }
    return Status::kOk;
  }

  /// Computes one multiplier/shift pair per channel: in_scale * w_scale[c] / out_scale.
  /// `float_product`: form in_scale * w_scale in float before widening, as TFLite's
  /// GetQuantizedConvolutionMultipler does for per-tensor FULLY_CONNECTED; per-channel ops use
  /// PopulateConvolutionQuantizationParams' all-double product.
  Status channel_multipliers(float in_scale, const model::FbVector<float>* w_scales,
                             float out_scale, std::int32_t channels, std::int32_t** mult,
                             std::int8_t** shift, bool float_product = false) const noexcept {
    *mult = alloc->array<std::int32_t>(static_cast<std::size_t>(channels));
    *shift = alloc->array<std::int8_t>(static_cast<std::size_t>(channels));
    if (*mult == nullptr || *shift == nullptr) return Status::kArenaTooSmall;
    const bool per_channel = model::size_of(w_scales) > 1;
    for (std::int32_t c = 0; c < channels; ++c) {
      const float ws = w_scales->Get(per_channel ? c : 0);
      // Exact integer arithmetic, bit-identical to the reference's double computation.
      const quant::Exact product = float_product
                                       ? quant::exact(in_scale * ws)
                                       : quant::exact_mul(quant::exact(in_scale), quant::exact(ws));
      quant::QuantizedMultiplier qm;
      if (!quant::quantize_multiplier(product, quant::exact(out_scale), &qm)) {
        return fail(Status::kBadQuantization, "requantization scale is not finite");
      }
      (*mult)[c] = qm.multiplier;
      (*shift)[c] = static_cast<std::int8_t>(qm.shift);
    }
    return Status::kOk;
  }

  /// Refuses accumulation depths whose int32 sums could overflow (|w*(x+off)| <= 128*255 per
  /// term): the reference would overflow too. Real models are orders of magnitude below.
  Status check_depth(std::int64_t depth) const noexcept {
    if (depth > 65000) {
      *diag << "accumulation depth " << static_cast<long long>(depth)
            << " could overflow int32 sums (max 65000)";
      return Status::kUnsupportedOp;
    }
    return Status::kOk;
  }

  /// Bias of a conv/FC op: absent, or int32 of `channels` elements.
  Status bias(std::int32_t t, std::int32_t channels, const std::int32_t** out) const noexcept {
    *out = nullptr;
    if (t < 0) return Status::kOk;
    TINYML_TRY(expect_type(t, model::TensorType::kInt32, "bias"));
    const Shape s = shape(t);
    if (s.elements() != channels) {
      *diag << "bias has " << static_cast<long long>(s.elements()) << " elements, expected "
            << channels;
      return Status::kShapeMismatch;
    }
    const std::uint8_t* d = constant(t);
    if (d == nullptr) return fail(Status::kUnsupportedOp, "bias must be a constant tensor");
    *out = reinterpret_cast<const std::int32_t*>(d);
    return Status::kOk;
  }
};

/// Everything an op's eval reads: the data pointer of every tensor.
struct EvalContext {
  std::uint8_t* const* data = nullptr;
  void* scratch = nullptr;  ///< this op's scratch (null if it asked for none)
  template <class T>
  T* tensor(std::int32_t i) const noexcept {
    return reinterpret_cast<T*>(data[i]);
  }
};

/// Output size of a padded sliding window (TFLite's ComputeOutSize); 0 if invalid.
constexpr std::int32_t window_out_size(bool same, std::int32_t in, std::int32_t filter,
                                       std::int32_t stride, std::int32_t dilation) noexcept {
  const std::int64_t eff = static_cast<std::int64_t>(filter - 1) * dilation + 1;
  if (stride <= 0 || eff <= 0 || in <= 0) return 0;
  // The numerator is below 2^32 when positive (in, stride < 2^31), so the division is 32-bit.
  const std::int64_t num = same ? std::int64_t{in} + stride - 1 : std::int64_t{in} + stride - eff;
  if (num <= 0) return 0;
  const std::uint32_t out = static_cast<std::uint32_t>(num) / static_cast<std::uint32_t>(stride);
  return out > 0 && out <= 0x7FFFFFFFu ? static_cast<std::int32_t>(out) : 0;
}

/// Leading padding (TFLite's ComputePaddingWithOffset; the reference kernels use only this half).
constexpr std::int32_t window_padding(std::int32_t in, std::int32_t filter, std::int32_t stride,
                                      std::int32_t dilation, std::int32_t out) noexcept {
  const std::int64_t eff = static_cast<std::int64_t>(filter - 1) * dilation + 1;
  const std::int64_t total = (static_cast<std::int64_t>(out) - 1) * stride + eff - in;
  return total > 0 ? static_cast<std::int32_t>(total / 2) : 0;
}

}  // namespace runtime
}  // namespace TINYML_ABI
}  // namespace tinyml
