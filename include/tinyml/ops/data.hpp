// SPDX-License-Identifier: Apache-2.0
// Data movement: PAD, PADV2, MIRROR_PAD, CONCATENATION, PACK, SPLIT, SPLIT_V, UNPACK,
// STRIDED_SLICE, SLICE, TRANSPOSE, SQUEEZE, EXPAND_DIMS, SHAPE, GATHER.
//
// Every op is type-generic: it moves elements of int8, uint8, int16, int32, int64, float32 or bool
// tensors without reading their values, so one struct serves the int8 and the float32 models.
// Quantization rules follow LiteRT 2.3's kernels: where TFLite requires equal input/output
// quantization (int8 CONCATENATION, PACK, UNPACK, MIRROR_PAD, PADV2's constant) a model that breaks
// the rule is refused (so is a uint8 CONCATENATION that would need rescaling); elsewhere the bytes
// are moved as TFLite moves them. PAD fills quantized tensors with the output zero point. Index
// operands (paddings, perm, begin/end/strides, size, axis, size_splits) must be constant tensors:
// shapes are fixed when the model is loaded. GATHER indices may be computed; an index out of range
// there (an invoke error in TFLite) gives zeros.
#pragma once

#include <cstring>

#include "tinyml/kernels/data.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace data_detail {

using model::TensorType;
using runtime::PrepareContext;

constexpr bool movable(TensorType t) noexcept {
  return t == TensorType::kInt8 || t == TensorType::kUInt8 || t == TensorType::kInt16 ||
         t == TensorType::kInt32 || t == TensorType::kInt64 || t == TensorType::kFloat32 ||
         t == TensorType::kBool;
}

/// accepts(): input k exists and is of a type the data ops move.
inline bool input_movable(const PrepareContext& c, std::uint32_t k) noexcept {
  const std::int32_t t = c.input(k);
  return t >= 0 && movable(c.type(t));
}

/// Per-tensor scale and zero point as TFLite's kernels compare them (0 and 0 when absent).
struct Quant {
  float scale = 0.0f;
  std::int64_t zero_point = 0;
  bool present = false;
  bool operator==(const Quant& o) const noexcept {
    return scale == o.scale && zero_point == o.zero_point;
  }
  bool operator!=(const Quant& o) const noexcept { return !(*this == o); }
};

inline Quant quant_of(const PrepareContext& c, std::int32_t t) noexcept {
  Quant r;
  const model::QuantView q = c.tensor(t).quantization();
  if (q && model::size_of(q.scale()) > 0) {
    r.present = true;
    r.scale = q.scale()->Get(0);
  }
  if (q && model::size_of(q.zero_point()) > 0) r.zero_point = q.zero_point()->Get(0);
  return r;
}

/// Tensor t must have the same quantization as `ref` (TFLite moves these bytes without rescaling).
inline Status expect_same_quant(const PrepareContext& c, std::int32_t t, std::int32_t ref,
                                const char* role) noexcept {
  if (quant_of(c, t) != quant_of(c, ref)) {
    *c.diag << role << " tensor " << t << " must have the same scale and zero point as tensor "
            << ref << " (TFLite does not rescale here)";
    return Status::kBadQuantization;
  }
  return Status::kOk;
}

/// Value k of constant int32/int64 data.
inline std::int64_t int_at(const std::uint8_t* d, TensorType ty, std::int64_t k) noexcept {
  if (ty == TensorType::kInt64) {
    std::int64_t v;
    std::memcpy(&v, d + 8 * k, 8);
    return v;
  }
  std::int32_t v;
  std::memcpy(&v, d + 4 * k, 4);
  return v;
}

/// Reads the constant integer tensor t (int32, or int64 too when `wide`), at most `max` values.
inline Status const_ints(const PrepareContext& c, std::int32_t t, const char* role, bool wide,
                         std::int64_t* v, std::int32_t max, std::int32_t* n) noexcept {
  const std::uint8_t* d = c.constant(t);
  if (d == nullptr) {
    *c.diag << role << " tensor " << t << " must be a constant tensor (shapes are fixed at load)";
    return Status::kUnsupportedOp;
  }
  const TensorType ty = c.type(t);
  if (ty != TensorType::kInt32 && !(wide && ty == TensorType::kInt64)) {
    *c.diag << role << " tensor " << t << " is " << model::type_name(ty) << ", expected INT32"
            << (wide ? " or INT64" : "");
    return Status::kUnsupportedType;
  }
  const std::int64_t count = c.shape(t).elements();
  if (count > max) {
    *c.diag << role << " tensor " << t << " has " << static_cast<long long>(count)
            << " values, at most " << max << " supported";
    return Status::kUnsupportedOp;
  }
  for (std::int64_t i = 0; i < count; ++i) v[i] = int_at(d, ty, i);
  *n = static_cast<std::int32_t>(count);
  return Status::kOk;
}

/// One constant integer (a 1-element axis tensor).
inline Status const_int(const PrepareContext& c, std::int32_t t, const char* role, bool wide,
                        std::int64_t* v) noexcept {
  std::int32_t n = 0;
  TINYML_TRY(const_ints(c, t, role, wide, v, 1, &n));
  if (n != 1) {
    *c.diag << role << " tensor " << t << " must hold exactly one value";
    return Status::kShapeMismatch;
  }
  return Status::kOk;
}

/// axis in [-rank, rank) -> [0, rank).
inline Status axis_in(const PrepareContext& c, std::int64_t axis, std::int32_t rank,
                      std::int32_t* out) noexcept {
  const std::int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    *c.diag << "axis " << static_cast<long long>(axis) << " out of range for rank " << rank;
    return Status::kInvalidModel;
  }
  *out = static_cast<std::int32_t>(a);
  return Status::kOk;
}

/// The output count must equal `want` and every output must exist.
inline Status expect_outputs(const PrepareContext& c, std::int64_t want) noexcept {
  if (want < 1 || c.num_outputs() != want) {
    *c.diag << "expects " << static_cast<long long>(want)
            << " output(s) (from its options), model has " << static_cast<int>(c.num_outputs());
    return Status::kInvalidModel;
  }
  return Status::kOk;
}

inline void strides_of(const Shape& s, std::int64_t* st) noexcept {
  std::int64_t k = 1;
  for (int d = s.rank - 1; d >= 0; --d) {
    st[d] = k;
    k *= s.dims[d];
  }
}

inline std::int64_t product(const Shape& s, int from, int to) noexcept {
  std::int64_t k = 1;
  for (int d = from; d < to; ++d) k *= s.dims[d];
  return k;
}

inline std::uint32_t elem_of(const PrepareContext& c, std::int32_t t) noexcept {
  return model::element_size(c.type(t));
}

/// Concatenation-like layouts: part k of `count` parts covers, in every one of `outer` rows of
/// the whole tensor (rows of `stride` bytes), `block` bytes starting `offset` bytes into the row.
struct Part {
  std::int32_t tensor = 0;
  std::int64_t offset = 0, block = 0;
};

struct PartsParams {
  const Part* parts = nullptr;
  std::int32_t count = 0;
  std::int32_t whole = 0;  ///< the joined (output) or split (input) tensor
  std::int64_t outer = 1, stride = 0;
};

/// Room for `n` parts in the persistent section (filled through *parts).
inline Status alloc_parts(PrepareContext& c, std::int32_t n, PartsParams* p,
                          Part** parts) noexcept {
  *parts = c.alloc->array<Part>(static_cast<std::size_t>(n));
  if (*parts == nullptr) return Status::kArenaTooSmall;
  p->parts = *parts;
  p->count = n;
  return Status::kOk;
}

/// Output shape `want` declared on tensor t, with a readable role.
inline Status expect_out(const PrepareContext& c, std::int32_t t, std::int32_t ref,
                         const Shape& want) noexcept {
  TINYML_TRY(c.expect_type(t, c.type(ref), "output"));
  return c.expect_shape(t, want, "output");
}

/// Base of the ops whose moved data is input K: they take every movable type.
template <std::uint32_t K>
struct MovesInput {
  static bool accepts(const PrepareContext& c) noexcept { return input_movable(c, K); }
};

}  // namespace data_detail

// ---------------------------------------------------------------------------------------------
// PAD / PADV2: output = fill value, then the input copied into the interior.
// ---------------------------------------------------------------------------------------------

template <std::int32_t Builtin>
struct PadOp : data_detail::MovesInput<0> {
  static constexpr std::int32_t kBuiltin = Builtin;
  static constexpr const char* kName = Builtin == 34 ? "PAD" : "PADV2";
  struct Params {
    kernels::CopyPlan interior;
    std::int32_t input = 0, output = 0;
    std::int64_t out_count = 0;
    std::uint8_t value[8] = {};
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(2, 3, 1));
    const std::int32_t in = c.input(0), out = c.output(0), val = c.input(2);
    const TensorType ty = c.type(in);
    const Shape is = c.shape(in);
    if (is.rank < 1 || is.rank > 5) {
      return c.fail(Status::kUnsupportedOp, "input rank must be 1..5 (as TFLite's pad kernels)");
    }
    const Shape ps = c.shape(c.input(1));
    if (ps.rank != 2 || ps[0] != is.rank || ps[1] != 2) {
      return c.fail(Status::kShapeMismatch, "paddings must have shape [input rank, 2]");
    }
    std::int64_t pads[2 * kMaxRank];
    std::int32_t n = 0;
    TINYML_TRY(const_ints(c, c.input(1), "paddings", true, pads, 2 * kMaxRank, &n));
    Shape os;
    os.rank = is.rank;
    for (int d = 0; d < is.rank; ++d) {
      if (pads[2 * d] < 0 || pads[2 * d + 1] < 0) {
        return c.fail(Status::kInvalidModel, "paddings must not be negative");
      }
      const std::int64_t o = is[d] + pads[2 * d] + pads[2 * d + 1];
      if (o > 0x7FFFFFFF) return c.fail(Status::kInvalidModel, "padded dimension too large");
      os.dims[d] = static_cast<std::int32_t>(o);
    }
    TINYML_TRY(expect_out(c, out, in, os));
    const std::uint32_t elem = elem_of(c, in);
    // TFLite pads uint8 always, and int8/int16 when quantized, with the output zero point; a
    // PADV2 constant must then share the output's quantization.
    const Quant qo = quant_of(c, out);
    const bool quantized =
        ty == TensorType::kUInt8 ||
        ((ty == TensorType::kInt8 || ty == TensorType::kInt16) && quant_of(c, in).present);
    if (val >= 0) {
      TINYML_TRY(c.expect_type(val, ty, "constant value"));
      if (c.shape(val).elements() != 1) {
        return c.fail(Status::kShapeMismatch, "constant value must hold one element");
      }
      const std::uint8_t* d = c.constant(val);
      if (d == nullptr)
        return c.fail(Status::kUnsupportedOp, "constant value must be a constant tensor");
      if (quantized && quant_of(c, val) != qo) {
        return c.fail(Status::kBadQuantization,
                      "constant value must have the output's scale and zero point");
      }
      std::memcpy(p.value, d, elem);
    } else if (quantized) {
      const std::int64_t z = qo.zero_point;
      const std::int64_t lo =
          ty == TensorType::kUInt8 ? 0 : (ty == TensorType::kInt8 ? -128 : -32768);
      const std::int64_t hi =
          ty == TensorType::kUInt8 ? 255 : (ty == TensorType::kInt8 ? 127 : 32767);
      if (z < lo || z > hi)
        return c.fail(Status::kBadQuantization, "output zero point out of range");
      if (elem == 1) {
        p.value[0] = static_cast<std::uint8_t>(z);
      } else {
        const std::int16_t v = static_cast<std::int16_t>(z);
        std::memcpy(p.value, &v, 2);
      }
    }
    std::int64_t ist[kMaxRank], ost[kMaxRank];
    strides_of(is, ist);
    strides_of(os, ost);
    kernels::CopyPlan& plan = p.interior;
    plan.elem = elem;
    for (int d = 0; d < is.rank; ++d) {
      plan.dst_offset += pads[2 * d] * ost[d];
      plan.push(is[d], ist[d], ost[d]);
    }
    plan.simplify();
    p.input = in;
    p.output = out;
    p.out_count = os.elements();
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    void* out = e.tensor<void>(p.output);
    kernels::fill(out, p.out_count, p.value, p.interior.elem);
    kernels::StridedCopy<Arch>::run(p.interior, e.tensor<const void>(p.input), out);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

using Pad = PadOp<34>;
using PadV2 = PadOp<60>;

// ---------------------------------------------------------------------------------------------
// MIRROR_PAD
// ---------------------------------------------------------------------------------------------

struct MirrorPad : data_detail::MovesInput<0> {
  static constexpr std::int32_t kBuiltin = 100;
  static constexpr const char* kName = "MIRROR_PAD";
  struct Params {
    kernels::MirrorPadArgs args;
    std::int32_t input = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    const Shape is = c.shape(in);
    if (is.rank < 1) return c.fail(Status::kUnsupportedOp, "scalar input");
    const Shape ps = c.shape(c.input(1));
    if (ps.rank != 2 || ps[0] != is.rank || ps[1] != 2) {
      return c.fail(Status::kShapeMismatch, "paddings must have shape [input rank, 2]");
    }
    // MirrorPadMode REFLECT = 0 (edge not repeated), SYMMETRIC = 1. Without an options table
    // the mode is unset, which TFLite refuses too.
    const model::TableView o = c.op.options(model::OptionsType::kMirrorPad);
    const std::int8_t mode = o ? o.scalar<std::int8_t>(model::fid::mirror_pad::kMode, 0) : -1;
    if (mode != 0 && mode != 1) {
      return c.fail(Status::kInvalidModel, "missing or unknown mirror pad mode");
    }
    auto& a = p.args;
    a.offset = mode == 0 ? 1 : 0;
    std::int64_t pads[2 * kMaxRank];
    std::int32_t n = 0;
    TINYML_TRY(const_ints(c, c.input(1), "paddings", true, pads, 2 * kMaxRank, &n));
    Shape os;
    os.rank = is.rank;
    for (int d = 0; d < is.rank; ++d) {
      const std::int64_t lim = is[d] - a.offset;
      if (pads[2 * d] < 0 || pads[2 * d + 1] < 0 || pads[2 * d] > lim || pads[2 * d + 1] > lim) {
        *c.diag << "paddings of dimension " << d << " must be in [0, "
                << static_cast<long long>(lim) << "] (input size minus the mode offset)";
        return Status::kInvalidModel;
      }
      os.dims[d] = static_cast<std::int32_t>(is[d] + pads[2 * d] + pads[2 * d + 1]);
      a.in_dims[d] = is[d];
      a.out_dims[d] = os.dims[d];
      a.before[d] = static_cast<std::int32_t>(pads[2 * d]);
    }
    TINYML_TRY(expect_out(c, out, in, os));
    const TensorType ty = c.type(in);
    if (ty == TensorType::kInt8 || ty == TensorType::kUInt8 || ty == TensorType::kInt16) {
      TINYML_TRY(expect_same_quant(c, out, in, "output"));
    }
    a.rank = is.rank;
    a.elem = elem_of(c, in);
    p.input = in;
    p.output = out;
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::MirrorPad<Arch>::run(p.args, e.tensor<const void>(p.input), e.tensor<void>(p.output));
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

// ---------------------------------------------------------------------------------------------
// CONCATENATION / PACK (many tensors into one) and SPLIT / SPLIT_V / UNPACK (one into many).
// ---------------------------------------------------------------------------------------------

namespace data_detail {

inline void join(const PartsParams& p, const runtime::EvalContext& e) noexcept {
  auto* whole = e.tensor<std::uint8_t>(p.whole);
  for (std::int32_t k = 0; k < p.count; ++k) {
    const Part& q = p.parts[k];
    kernels::copy_blocks(e.tensor<const std::uint8_t>(q.tensor), q.block, whole + q.offset,
                         p.stride, q.block, p.outer);
  }
}

inline void cut(const PartsParams& p, const runtime::EvalContext& e) noexcept {
  const auto* whole = e.tensor<const std::uint8_t>(p.whole);
  for (std::int32_t k = 0; k < p.count; ++k) {
    const Part& q = p.parts[k];
    kernels::copy_blocks(whole + q.offset, p.stride, e.tensor<std::uint8_t>(q.tensor), q.block,
                         q.block, p.outer);
  }
}

/// Fills the parts of a split of `whole` (shape ws) along `axis` into n outputs, output k
/// getting size_at(k) (checked to add up to the axis) entries of the axis.
template <class SizeOf>
inline Status split_parts(PrepareContext& c, std::int32_t whole, const Shape& ws, std::int32_t axis,
                          std::int32_t n, SizeOf&& size_at, PartsParams* p) noexcept {
  Part* parts = nullptr;
  TINYML_TRY(alloc_parts(c, n, p, &parts));
  const std::int64_t inner = product(ws, axis + 1, ws.rank) * elem_of(c, whole);
  std::int64_t at = 0;
  for (std::int32_t k = 0; k < n; ++k) {
    const std::int64_t size = size_at(k);
    Shape os = ws;
    os.dims[axis] = static_cast<std::int32_t>(size);
    TINYML_TRY(expect_out(c, c.output(static_cast<std::uint32_t>(k)), whole, os));
    parts[k].tensor = c.output(static_cast<std::uint32_t>(k));
    parts[k].offset = at * inner;
    parts[k].block = size * inner;
    at += size;
  }
  p->whole = whole;
  p->outer = product(ws, 0, axis);
  p->stride = ws[axis] * inner;
  return Status::kOk;
}

}  // namespace data_detail

struct Concatenation : data_detail::MovesInput<0> {
  static constexpr std::int32_t kBuiltin = 2;
  static constexpr const char* kName = "CONCATENATION";
  using Params = data_detail::PartsParams;

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    const std::int32_t n = static_cast<std::int32_t>(c.num_inputs());
    TINYML_TRY(c.expect_io(static_cast<std::uint32_t>(n > 0 ? n : 1),
                           static_cast<std::uint32_t>(n > 0 ? n : 1), 1));
    const model::TableView o = c.op.options(model::OptionsType::kConcatenation);
    if (o.scalar<std::int8_t>(model::fid::concat::kActivation, 0) != model::kActNone) {
      return c.fail(Status::kUnsupportedOp,
                    "fused activation must be NONE (TFLite refuses it too)");
    }
    const std::int32_t t0 = c.input(0), out = c.output(0);
    const TensorType ty = c.type(t0);
    const Shape s0 = c.shape(t0);
    if (s0.rank < 1) return c.fail(Status::kUnsupportedOp, "scalar inputs");
    std::int32_t axis = 0;
    TINYML_TRY(axis_in(c, o.scalar<std::int32_t>(model::fid::concat::kAxis, 0), s0.rank, &axis));
    Part* parts = nullptr;
    TINYML_TRY(alloc_parts(c, n, &p, &parts));
    const std::int64_t inner = product(s0, axis + 1, s0.rank) * elem_of(c, t0);
    Shape os = s0;
    std::int64_t total = 0;
    for (std::int32_t k = 0; k < n; ++k) {
      const std::int32_t t = c.input(static_cast<std::uint32_t>(k));
      TINYML_TRY(c.expect_type(t, ty, "input"));
      const Shape s = c.shape(t);
      for (int d = 0; d < s0.rank; ++d) {
        if (s.rank != s0.rank || (d != axis && s[d] != s0[d])) {
          return c.fail(Status::kShapeMismatch,
                        "inputs differ in rank or in a dimension other than the axis");
        }
      }
      parts[k].tensor = t;
      parts[k].offset = total * inner;
      parts[k].block = s[axis] * inner;
      total += s[axis];
    }
    if (total > 0x7FFFFFFF)
      return c.fail(Status::kInvalidModel, "concatenated dimension too large");
    os.dims[axis] = static_cast<std::int32_t>(total);
    TINYML_TRY(expect_out(c, out, t0, os));
    // int8: TFLite requires every input to carry the output's scale and zero point; uint8 it would
    // rescale (unsupported here); int16 needs zero points of 0.
    for (std::int32_t k = 0; k < n; ++k) {
      const std::int32_t t = c.input(static_cast<std::uint32_t>(k));
      if (ty == TensorType::kInt8 || ty == TensorType::kUInt8) {
        TINYML_TRY(expect_same_quant(c, t, out, "input"));
      } else if (ty == TensorType::kInt16 &&
                 (quant_of(c, t).zero_point != 0 || quant_of(c, out).zero_point != 0)) {
        return c.fail(Status::kBadQuantization, "int16 zero points must be 0");
      }
    }
    p.whole = out;
    p.outer = product(s0, 0, axis);
    p.stride = total * inner;
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    data_detail::join(p, e);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

struct Pack : data_detail::MovesInput<0> {
  static constexpr std::int32_t kBuiltin = 83;
  static constexpr const char* kName = "PACK";
  using Params = data_detail::PartsParams;

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    const model::TableView o = c.op.options(model::OptionsType::kPack);
    const std::int32_t n = o.scalar<std::int32_t>(model::fid::pack::kValuesCount, 0);
    if (n < 1 || c.num_inputs() != static_cast<std::uint32_t>(n)) {
      return c.fail(Status::kInvalidModel, "values_count must equal the number of inputs");
    }
    TINYML_TRY(c.expect_io(static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(n), 1));
    const std::int32_t t0 = c.input(0), out = c.output(0);
    const Shape s0 = c.shape(t0);
    if (s0.rank + 1 > kMaxRank) return c.fail(Status::kUnsupportedOp, "output rank above 6");
    std::int32_t axis = 0;
    TINYML_TRY(axis_in(c, o.scalar<std::int32_t>(model::fid::pack::kAxis, 0), s0.rank + 1, &axis));
    Part* parts = nullptr;
    TINYML_TRY(alloc_parts(c, n, &p, &parts));
    const std::int64_t inner = product(s0, axis, s0.rank) * elem_of(c, t0);
    for (std::int32_t k = 0; k < n; ++k) {
      const std::int32_t t = c.input(static_cast<std::uint32_t>(k));
      TINYML_TRY(c.expect_type(t, c.type(t0), "input"));
      if (c.shape(t) != s0) return c.fail(Status::kShapeMismatch, "inputs differ in shape");
      TINYML_TRY(expect_same_quant(c, t, out, "input"));
      parts[k].tensor = t;
      parts[k].offset = k * inner;
      parts[k].block = inner;
    }
    Shape os;
    os.rank = s0.rank + 1;
    for (int d = 0, i = 0; d < os.rank; ++d) os.dims[d] = d == axis ? n : s0[i++];
    TINYML_TRY(expect_out(c, out, t0, os));
    p.whole = out;
    p.outer = product(s0, 0, axis);
    p.stride = n * inner;
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    data_detail::join(p, e);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

struct Split : data_detail::MovesInput<1> {
  static constexpr std::int32_t kBuiltin = 49;
  static constexpr const char* kName = "SPLIT";
  using Params = data_detail::PartsParams;

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    if (c.num_inputs() != 2 || c.input(0) < 0 || c.input(1) < 0) {
      return c.fail(Status::kInvalidModel, "expects 2 inputs (axis, input)");
    }
    const model::TableView o = c.op.options(model::OptionsType::kSplit);
    const std::int32_t n = o.scalar<std::int32_t>(model::fid::split::kNumSplits, 0);
    TINYML_TRY(expect_outputs(c, n));
    const std::int32_t in = c.input(1);
    const Shape is = c.shape(in);
    std::int64_t a = 0;
    TINYML_TRY(const_int(c, c.input(0), "axis", false, &a));
    std::int32_t axis = 0;
    TINYML_TRY(axis_in(c, a, is.rank, &axis));
    if (is[axis] % n != 0) return c.fail(Status::kShapeMismatch, "the axis does not split evenly");
    const std::int64_t size = is[axis] / n;
    return split_parts(
        c, in, is, axis, n, [&](std::int32_t) { return size; }, &p);
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    data_detail::cut(p, e);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

struct SplitV : data_detail::MovesInput<0> {
  static constexpr std::int32_t kBuiltin = 102;
  static constexpr const char* kName = "SPLIT_V";
  using Params = data_detail::PartsParams;

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    if (c.num_inputs() != 3 || c.input(0) < 0 || c.input(1) < 0 || c.input(2) < 0) {
      return c.fail(Status::kInvalidModel, "expects 3 inputs (input, size_splits, axis)");
    }
    const model::TableView o = c.op.options(model::OptionsType::kSplitV);
    const std::int32_t n = o.scalar<std::int32_t>(model::fid::split::kNumSplits, 0);
    TINYML_TRY(expect_outputs(c, n));
    const std::int32_t in = c.input(0);
    const Shape is = c.shape(in);
    std::int64_t a = 0;
    TINYML_TRY(const_int(c, c.input(2), "axis", false, &a));
    std::int32_t axis = 0;
    TINYML_TRY(axis_in(c, a, is.rank, &axis));
    if (c.shape(c.input(1)).rank != 1 || c.shape(c.input(1))[0] != n) {
      return c.fail(Status::kShapeMismatch, "size_splits must be 1-D with num_splits values");
    }
    const std::int32_t st = c.input(1);
    const std::uint8_t* d = c.constant(st);
    if (d == nullptr)
      return c.fail(Status::kUnsupportedOp, "size_splits must be a constant tensor");
    const TensorType ty = c.type(st);
    if (ty != TensorType::kInt32 && ty != TensorType::kInt64) {
      return c.fail(Status::kUnsupportedType, "size_splits must be INT32 or INT64");
    }
    // One size may be -1: the rest of the axis.
    std::int32_t fill = -1;
    std::int64_t sum = 0;
    for (std::int32_t k = 0; k < n; ++k) {
      const std::int64_t v = int_at(d, ty, k);
      if (v == -1 && fill < 0) {
        fill = k;
      } else if (v < 0 || v > is[axis]) {
        return c.fail(Status::kInvalidModel,
                      "size_splits holds a negative or oversized entry (or a second -1)");
      } else {
        sum += v;
      }
    }
    if (sum > is[axis] || (fill < 0 && sum != is[axis])) {
      return c.fail(Status::kShapeMismatch, "size_splits do not add up to the axis size");
    }
    const std::int64_t rest = is[axis] - sum;
    return split_parts(
        c, in, is, axis, n, [&](std::int32_t k) { return k == fill ? rest : int_at(d, ty, k); },
        &p);
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    data_detail::cut(p, e);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

struct Unpack : data_detail::MovesInput<0> {
  static constexpr std::int32_t kBuiltin = 88;
  static constexpr const char* kName = "UNPACK";
  using Params = data_detail::PartsParams;

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(1, 1, c.num_outputs()));
    const model::TableView o = c.op.options(model::OptionsType::kUnpack);
    const std::int32_t n = o.scalar<std::int32_t>(model::fid::unpack::kNum, 0);
    TINYML_TRY(expect_outputs(c, n));
    const std::int32_t in = c.input(0);
    const Shape is = c.shape(in);
    std::int32_t axis = 0;
    TINYML_TRY(axis_in(c, o.scalar<std::int32_t>(model::fid::unpack::kAxis, 0), is.rank, &axis));
    if (is[axis] != n) return c.fail(Status::kShapeMismatch, "num must equal the axis size");
    Part* parts = nullptr;
    TINYML_TRY(alloc_parts(c, n, &p, &parts));
    const std::int64_t inner = product(is, axis + 1, is.rank) * elem_of(c, in);
    Shape os;
    os.rank = is.rank - 1;
    for (int d = 0, i = 0; d < is.rank; ++d) {
      if (d != axis) os.dims[i++] = is[d];
    }
    for (std::int32_t k = 0; k < n; ++k) {
      const std::int32_t t = c.output(static_cast<std::uint32_t>(k));
      TINYML_TRY(expect_out(c, t, in, os));
      TINYML_TRY(expect_same_quant(c, t, in, "output"));
      parts[k].tensor = t;
      parts[k].offset = k * inner;
      parts[k].block = inner;
    }
    p.whole = in;
    p.outer = product(is, 0, axis);
    p.stride = n * inner;
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    data_detail::cut(p, e);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

// ---------------------------------------------------------------------------------------------
// STRIDED_SLICE, SLICE, TRANSPOSE: one strided copy each.
// ---------------------------------------------------------------------------------------------

namespace data_detail {
struct CopyParams {
  kernels::CopyPlan plan;
  std::int32_t input = 0, output = 0;
};

/// The shared part of the three: one strided copy at eval, and the tail of prepare (the output
/// shape checked, the output written in order, the plan simplified).
struct CopyOp : MovesInput<0> {
  using Params = CopyParams;
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::StridedCopy<Arch>::run(p.plan, e.tensor<const void>(p.input), e.tensor<void>(p.output));
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }

 protected:
  /// Checks the output shape `os`, sets the plan's destination steps to a dense `os` (or keeps
  /// those already set when `dst_set`) and finishes the parameters.
  static Status finish(PrepareContext& c, std::int32_t in, std::int32_t out, const Shape& os,
                       bool dst_set, Params& p) noexcept {
    TINYML_TRY(expect_out(c, out, in, os));
    if (!dst_set) {
      std::int64_t ost[kMaxRank];
      strides_of(os, ost);
      for (int d = 0; d < os.rank; ++d) p.plan.dst_step[d] = ost[d];
    }
    p.plan.simplify();
    p.input = in;
    p.output = out;
    return Status::kOk;
  }
};
}  // namespace data_detail

struct StridedSlice : data_detail::CopyOp {
  static constexpr std::int32_t kBuiltin = 45;
  static constexpr const char* kName = "STRIDED_SLICE";

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(4, 4, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    const Shape is = c.shape(in);
    constexpr std::int32_t kMaxSpec = 16;
    std::int64_t begin[kMaxSpec], end[kMaxSpec], stride[kMaxSpec];
    std::int32_t n = 0, ne = 0, ns = 0;
    for (std::uint32_t k = 1; k < 4; ++k) {
      if (c.shape(c.input(k)).rank != 1) {
        return c.fail(Status::kShapeMismatch, "begin, end and strides must be 1-D");
      }
    }
    TINYML_TRY(const_ints(c, c.input(1), "begin", false, begin, kMaxSpec, &n));
    TINYML_TRY(const_ints(c, c.input(2), "end", false, end, kMaxSpec, &ne));
    TINYML_TRY(const_ints(c, c.input(3), "strides", false, stride, kMaxSpec, &ns));
    if (ne != n || ns != n) {
      return c.fail(Status::kShapeMismatch, "begin, end and strides differ in length");
    }
    namespace f = model::fid::strided_slice;
    const model::TableView o = c.op.options(model::OptionsType::kStridedSlice);
    const auto mask = [&](int id) {
      return static_cast<std::uint32_t>(o.scalar<std::int32_t>(id, 0));
    };
    const std::uint32_t begin_mask = mask(f::kBeginMask), end_mask = mask(f::kEndMask);
    const std::uint32_t ellipsis = mask(f::kEllipsisMask), new_axis = mask(f::kNewAxisMask);
    const std::uint32_t shrink = mask(f::kShrinkAxisMask);
    const bool offset = o.scalar<std::uint8_t>(f::kOffset, 0) != 0;
    const std::uint32_t spec = (1u << n) - 1u;  // n <= 16
    if ((ellipsis & ~spec) != 0 || (new_axis & ~spec) != 0 || (ellipsis & (ellipsis - 1)) != 0) {
      return c.fail(Status::kUnsupportedOp,
                    "ellipsis/new_axis mask bits beyond the index length, or several ellipses");
    }
    if (offset && (ellipsis != 0 || new_axis != 0 || n != is.rank)) {
      return c.fail(Status::kUnsupportedOp,
                    "offset=true needs one index per input dim, no ellipsis or new axis");
    }
    // Expand the index spec to one entry per dim of the input with new axes inserted (TFLite's
    // BuildStridedSliceParams): the ellipsis covers as many dims as the spec leaves unnamed.
    std::int32_t adds = 0;
    for (std::int32_t i = 0; i < n; ++i) {
      if (!(ellipsis >> i & 1u) && (new_axis >> i & 1u)) ++adds;
    }
    const std::int32_t dims = is.rank + adds;
    if (dims > kMaxSpec) return c.fail(Status::kUnsupportedOp, "too many sliced dimensions");
    std::uint32_t eff_ellipsis = 0, eff_new = 0;
    std::int32_t ell_start = dims, expanded = 0;
    for (std::int32_t i = 0; i < dims;) {
      if (ellipsis >> i & 1u) {
        ell_start = i;
        std::int32_t stop = i + 1 + adds + is.rank - n;
        stop = stop < dims ? stop : dims;
        stop = stop > i + 1 ? stop : i + 1;
        expanded = stop - ell_start - 1;
        for (; i < stop; ++i) eff_ellipsis |= 1u << i;
        continue;
      }
      if (i - expanded < 32 && (new_axis >> (i - expanded) & 1u)) eff_new |= 1u << i;
      ++i;
    }
    std::int64_t ist[kMaxRank];
    strides_of(is, ist);
    kernels::CopyPlan& plan = p.plan;  // one loop per input dim, in order
    plan.elem = elem_of(c, in);
    Shape os;  // TFLite's output shape
    std::int32_t added = 0, added_ellipsis = 0;
    for (std::int32_t i = 0; i < dims; ++i) {
      std::int64_t b = 0, e = 0, s = 1;
      bool bm = false, em = false, sh = false;
      if (eff_new >> i & 1u) {  // a new dim of 1, no input dim behind it
        if (os.rank == kMaxRank) return c.fail(Status::kUnsupportedOp, "output rank above 6");
        os.dims[os.rank++] = 1;
        ++added;
        continue;
      }
      if (eff_ellipsis >> i & 1u) {
        added_ellipsis = i - ell_start;
        bm = em = true;
      } else if (i >= n + expanded) {  // dims after the spec: whole range
        bm = em = true;
      } else {
        const std::int32_t k = i - added_ellipsis;
        b = begin[k];
        e = end[k];
        s = stride[k];
        bm = (begin_mask >> k & 1u) != 0;
        em = (end_mask >> k & 1u) != 0;
        sh = (shrink >> k & 1u) != 0;
      }
      const std::int32_t j = i - added;  // the input dim
      if (j < 0 || j >= is.rank || plan.rank != j) {
        return c.fail(Status::kInvalidModel, "index spec does not fit the input rank");
      }
      if (s == 0 || s == -2147483648LL)
        return c.fail(Status::kInvalidModel, "stride 0 or INT32_MIN");
      const std::int64_t size = is[j];
      // TFLite's StartForAxis / EndForAxis (offset=true makes end relative to the start).
      std::int64_t start = b < 0 ? b + size : b;
      start = s > 0 ? (start < 0 ? 0 : (start > size ? size : start))
                    : (start < -1 ? -1 : (start > size - 1 ? size - 1 : start));
      if (bm) start = s > 0 ? 0 : size - 1;
      std::int64_t stop;
      if (sh) {
        stop = start >= size ? start : start + 1;
      } else {
        stop = offset ? e + start : e;
        if (stop < 0) stop += size;
        stop = s > 0 ? (stop < 0 ? 0 : (stop > size ? size : stop))
                     : (stop < -1 ? -1 : (stop > size - 1 ? size - 1 : stop));
        if (em) stop = s > 0 ? size : -1;
      }
      // The elements TFLite's loop visits, and the size it gives the output dim: they differ
      // only where TFLite would leave output elements unwritten, which is refused.
      const std::int64_t visits = s > 0 ? (stop > start ? (stop - start + s - 1) / s : 0)
                                        : (start > stop ? (start - stop - s - 1) / -s : 0);
      if (sh) {
        if (visits != 1) {
          return c.fail(Status::kUnsupportedOp,
                        "shrink axis selects no element (begin out of range or negative stride;"
                        " TFLite writes nothing there)");
        }
      } else {
        std::int64_t dim = offset ? e : stop - start;
        if ((dim < 0) != (s < 0)) {
          dim = 0;
        } else if (s < 0) {
          dim = (dim + 1) / s + 1;
        } else {
          dim = dim == 0 ? 0 : (dim - 1) / s + 1;
        }
        if (dim != visits) {
          return c.fail(Status::kInvalidModel,
                        "offset slice reaches past the input (TFLite leaves output unwritten)");
        }
        if (os.rank == kMaxRank) return c.fail(Status::kUnsupportedOp, "output rank above 6");
        os.dims[os.rank++] = static_cast<std::int32_t>(dim);
      }
      plan.src_offset += start * ist[j];
      plan.push(static_cast<std::int32_t>(visits), s * ist[j], 0);
    }
    if (plan.rank != is.rank)
      return c.fail(Status::kInvalidModel, "index spec does not fit the input rank");
    std::int64_t step = 1;  // the output is written in order
    for (int d = plan.rank - 1; d >= 0; --d) {
      plan.dst_step[d] = step;
      step *= plan.count[d];
    }
    return finish(c, in, out, os, true, p);
  }
};

struct Slice : data_detail::CopyOp {
  static constexpr std::int32_t kBuiltin = 65;
  static constexpr const char* kName = "SLICE";

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(3, 3, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    const Shape is = c.shape(in);
    if (c.type(c.input(1)) != c.type(c.input(2))) {
      return c.fail(Status::kUnsupportedType, "begin and size differ in type");
    }
    std::int64_t begin[kMaxRank], size[kMaxRank];
    std::int32_t nb = 0, ns = 0;
    TINYML_TRY(const_ints(c, c.input(1), "begin", true, begin, kMaxRank, &nb));
    TINYML_TRY(const_ints(c, c.input(2), "size", true, size, kMaxRank, &ns));
    if (nb != is.rank || ns != is.rank || c.shape(c.input(1)).rank != 1 ||
        c.shape(c.input(2)).rank != 1) {
      return c.fail(Status::kShapeMismatch,
                    "begin and size must be 1-D with one value per input dim");
    }
    std::int64_t ist[kMaxRank];
    strides_of(is, ist);
    Shape os;
    os.rank = is.rank;
    kernels::CopyPlan& plan = p.plan;
    plan.elem = elem_of(c, in);
    for (int d = 0; d < is.rank; ++d) {
      const std::int64_t b = begin[d];
      const std::int64_t s = size[d] == -1 ? is[d] - b : size[d];
      if (b < 0 || b > is[d] || s < 0 || s > is[d] - b) {
        *c.diag << "begin " << static_cast<long long>(b) << " / size "
                << static_cast<long long>(size[d]) << " out of range for dimension " << d;
        return Status::kInvalidModel;
      }
      os.dims[d] = static_cast<std::int32_t>(s);
      plan.src_offset += b * ist[d];
      plan.push(os.dims[d], ist[d], 0);
    }
    return finish(c, in, out, os, false, p);
  }
};

struct Transpose : data_detail::CopyOp {
  static constexpr std::int32_t kBuiltin = 39;
  static constexpr const char* kName = "TRANSPOSE";

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    const Shape is = c.shape(in);
    std::int64_t perm[kMaxRank];
    std::int32_t n = 0;
    // INT32 only: TFLite reads the perm data as int32 whatever the tensor's type.
    TINYML_TRY(const_ints(c, c.input(1), "perm", false, perm, kMaxRank, &n));
    if (n != is.rank || c.shape(c.input(1)).rank != 1) {
      return c.fail(Status::kShapeMismatch, "perm must be 1-D with one value per input dim");
    }
    std::int64_t ist[kMaxRank];
    strides_of(is, ist);
    Shape os;
    os.rank = is.rank;
    bool seen[kMaxRank] = {};
    kernels::CopyPlan& plan = p.plan;
    plan.elem = elem_of(c, in);
    for (int d = 0; d < is.rank; ++d) {
      std::int32_t from = 0;
      TINYML_TRY(axis_in(c, perm[d], is.rank, &from));  // TFLite adds the rank to negatives
      if (seen[from]) return c.fail(Status::kInvalidModel, "perm repeats a dimension");
      seen[from] = true;
      os.dims[d] = is[from];
      plan.push(is[from], ist[from], 0);
    }
    return finish(c, in, out, os, false, p);
  }
};

// ---------------------------------------------------------------------------------------------
// SQUEEZE, EXPAND_DIMS (a copy under a new shape) and SHAPE.
// ---------------------------------------------------------------------------------------------

namespace data_detail {
struct BytesParams {
  std::int32_t input = 0, output = 0;
  std::uint32_t bytes = 0;
};

/// SQUEEZE and EXPAND_DIMS: the input's bytes copied under the output shape.
struct BytesOp : MovesInput<0> {
  using Params = BytesParams;
  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    std::memcpy(e.tensor<void>(p.output), e.tensor<const void>(p.input), p.bytes);
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }

 protected:
  static Status finish_bytes(PrepareContext& c, std::int32_t in, std::int32_t out,
                             const Shape& os, Params& p) noexcept {
    TINYML_TRY(expect_out(c, out, in, os));
    p.input = in;
    p.output = out;
    p.bytes = static_cast<std::uint32_t>(os.elements() * elem_of(c, in));
    return Status::kOk;
  }
};
}  // namespace data_detail

struct Squeeze : data_detail::BytesOp {
  static constexpr std::int32_t kBuiltin = 43;
  static constexpr const char* kName = "SQUEEZE";

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(1, 1, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    const Shape is = c.shape(in);
    const auto* dims = c.op.options(model::OptionsType::kSqueeze)
                           .vector<std::int32_t>(model::fid::squeeze::kSqueezeDims);
    const std::uint32_t nd = model::size_of(dims);
    if (nd > 8) return c.fail(Status::kUnsupportedOp, "more than 8 squeeze_dims (TFLite's limit)");
    bool drop[kMaxRank] = {};
    for (std::uint32_t k = 0; k < nd; ++k) {
      std::int32_t d = 0;
      TINYML_TRY(axis_in(c, dims->Get(k), is.rank, &d));
      if (is[d] != 1)
        return c.fail(Status::kInvalidModel, "squeeze_dims names a dimension not of size 1");
      drop[d] = true;
    }
    Shape os;
    for (int d = 0; d < is.rank; ++d) {
      if (nd == 0 ? is[d] != 1 : !drop[d]) os.dims[os.rank++] = is[d];
    }
    return finish_bytes(c, in, out, os, p);
  }
};

struct ExpandDims : data_detail::BytesOp {
  static constexpr std::int32_t kBuiltin = 70;
  static constexpr const char* kName = "EXPAND_DIMS";

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    const Shape is = c.shape(in);
    if (is.rank + 1 > kMaxRank) return c.fail(Status::kUnsupportedOp, "output rank above 6");
    std::int64_t a = 0;
    TINYML_TRY(const_int(c, c.input(1), "axis", true, &a));
    std::int32_t axis = 0;
    TINYML_TRY(axis_in(c, a, is.rank + 1, &axis));  // -1 inserts last
    Shape os;
    os.rank = is.rank + 1;
    for (int d = 0, i = 0; d < os.rank; ++d) os.dims[d] = d == axis ? 1 : is[i++];
    return finish_bytes(c, in, out, os, p);
  }
};

/// SHAPE: the input's dims as int32 or int64 (out_type). Works for an input of any type.
struct ShapeOp {
  static constexpr std::int32_t kBuiltin = 77;
  static constexpr const char* kName = "SHAPE";
  struct Params {
    std::int32_t output = 0, rank = 0;
    std::int32_t dims[kMaxRank] = {};
    bool wide = false;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    TINYML_TRY(c.expect_io(1, 1, 1));
    const std::int32_t in = c.input(0), out = c.output(0);
    const model::TableView o = c.op.options(model::OptionsType::kShape);
    const auto want =
        static_cast<model::TensorType>(o.scalar<std::int8_t>(model::fid::shape::kOutType, 0));
    if (want != model::TensorType::kInt32 && want != model::TensorType::kInt64) {
      return c.fail(Status::kUnsupportedType, "out_type must be INT32 or INT64");
    }
    TINYML_TRY(c.expect_type(out, want, "output"));
    const Shape is = c.shape(in);
    Shape os;
    os.rank = 1;
    os.dims[0] = is.rank;
    TINYML_TRY(c.expect_shape(out, os, "output"));
    p.output = out;
    p.rank = is.rank;
    for (int d = 0; d < is.rank; ++d) p.dims[d] = is[d];
    p.wide = want == model::TensorType::kInt64;
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    auto* out = e.tensor<std::uint8_t>(p.output);
    for (std::int32_t d = 0; d < p.rank; ++d) {
      if (p.wide) {
        const std::int64_t v = p.dims[d];
        std::memcpy(out + 8 * d, &v, 8);
      } else {
        std::memcpy(out + 4 * d, &p.dims[d], 4);
      }
    }
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

// ---------------------------------------------------------------------------------------------
// GATHER
// ---------------------------------------------------------------------------------------------

struct Gather : data_detail::MovesInput<0> {
  static constexpr std::int32_t kBuiltin = 36;
  static constexpr const char* kName = "GATHER";
  struct Params {
    kernels::GatherArgs args;
    std::int32_t params = 0, indices = 0, output = 0;
  };

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using namespace data_detail;
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t in = c.input(0), idx = c.input(1), out = c.output(0);
    const TensorType it = c.type(idx);
    if (it != TensorType::kInt32 && it != TensorType::kInt64) {
      return c.fail(Status::kUnsupportedType, "indices must be INT32 or INT64");
    }
    const Shape is = c.shape(in), xs = c.shape(idx);
    const model::TableView o = c.op.options(model::OptionsType::kGather);
    std::int32_t axis = 0;
    TINYML_TRY(axis_in(c, o.scalar<std::int32_t>(model::fid::gather::kAxis, 0), is.rank, &axis));
    std::int32_t bd = o.scalar<std::int32_t>(model::fid::gather::kBatchDims, 0);
    if (bd < 0) bd += xs.rank;
    if (bd < 0 || bd > axis || bd > xs.rank) {
      return c.fail(Status::kInvalidModel, "batch_dims out of range (0..min(axis, indices rank))");
    }
    for (int d = 0; d < bd; ++d) {
      if (is[d] != xs[d])
        return c.fail(Status::kShapeMismatch, "batch dims of input and indices differ");
    }
    if (is.rank + xs.rank - 1 - bd > kMaxRank)
      return c.fail(Status::kUnsupportedOp, "output rank above 6");
    Shape os;
    for (int d = 0; d < axis; ++d) os.dims[os.rank++] = is[d];
    for (int d = bd; d < xs.rank; ++d) os.dims[os.rank++] = xs[d];
    for (int d = axis + 1; d < is.rank; ++d) os.dims[os.rank++] = is[d];
    TINYML_TRY(expect_out(c, out, in, os));
    auto& a = p.args;
    a.batch = product(is, 0, bd);
    a.outer = product(is, bd, axis);
    a.axis_size = is[axis];
    a.inner = product(is, axis + 1, is.rank);
    a.coords = product(xs, bd, xs.rank);
    a.elem = elem_of(c, in);
    a.index64 = it == TensorType::kInt64;
    // Constant indices are checked here; for computed ones an index out of range (an invoke
    // error in TFLite) yields a zero block.
    if (const std::uint8_t* d = c.constant(idx)) {
      for (std::int64_t k = 0; k < xs.elements(); ++k) {
        std::int64_t v;
        if (a.index64) {
          std::memcpy(&v, d + 8 * k, 8);
        } else {
          std::int32_t w;
          std::memcpy(&w, d + 4 * k, 4);
          v = w;
        }
        if (v < 0 || v >= a.axis_size)
          return c.fail(Status::kInvalidModel, "gather index out of range");
      }
    }
    p.params = in;
    p.indices = idx;
    p.output = out;
    return Status::kOk;
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::Gather<Arch>::run(p.args, e.tensor<const void>(p.params),
                               e.tensor<const void>(p.indices), e.tensor<void>(p.output));
  }
  static std::uint64_t macs(const Params&) noexcept { return 0; }
};

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using DataOps = OpList<ops::Pad, ops::PadV2, ops::MirrorPad, ops::Concatenation, ops::Pack,
                       ops::Split, ops::SplitV, ops::Unpack, ops::StridedSlice, ops::Slice,
                       ops::Transpose, ops::Squeeze, ops::ExpandDims, ops::ShapeOp, ops::Gather>;

}  // namespace TINYML_ABI
}  // namespace tinyml
