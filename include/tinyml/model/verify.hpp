// SPDX-License-Identifier: Apache-2.0
// Structural verification of untrusted model bytes with FlatBuffers' Verifier: every table, field,
// vector and string tinyml later reads is bounds- and alignment-checked here, so the views in
// reader.hpp never read outside the buffer. Semantic checks (indices, sizes, shapes, options) come
// after this, in runtime/loader.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include <flatbuffers/flatbuffers.h>

#include "tinyml/core/status.hpp"
#include "tinyml/model/reader.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace model {
namespace detail {

class StructureVerifier {
 public:
  StructureVerifier(const std::uint8_t* buf, std::size_t len) noexcept : v_(buf, len) {}

  bool model(const FbTable* t) {
    return begin(t) && scalar<std::uint32_t>(t, fid::model::kVersion) &&
           table_vector(t, fid::model::kOperatorCodes, &StructureVerifier::opcode) &&
           table_vector(t, fid::model::kSubgraphs, &StructureVerifier::subgraph) &&
           string(t, fid::model::kDescription) &&
           table_vector(t, fid::model::kBuffers, &StructureVerifier::buffer) && v_.EndTable();
  }

  flatbuffers::Verifier& verifier() noexcept { return v_; }

 private:
  using Fn = bool (StructureVerifier::*)(const FbTable*);

  bool begin(const FbTable* t) { return t != nullptr && t->VerifyTableStart(v_); }

  template <class T>
  bool scalar(const FbTable* t, int id) {
    return t->VerifyField<T>(v_, vslot(id), sizeof(T));
  }
  template <class T>
  bool vec(const FbTable* t, int id) {
    if (!t->VerifyOffset(v_, vslot(id))) return false;
    const auto* v = t->GetPointer<const FbVector<T>*>(vslot(id));
    if (v != nullptr && !vector_bytes(v, sizeof(T), nullptr)) return false;
    // Element alignment (the Verifier checks only the length prefix's).
    return v == nullptr ||
           reinterpret_cast<std::uintptr_t>(v->data()) % alignof(T) == 0 || v->size() == 0;
  }
  bool string(const FbTable* t, int id) {
    if (!t->VerifyOffset(v_, vslot(id))) return false;
    const auto* str = t->GetPointer<const flatbuffers::String*>(vslot(id));
    std::size_t end = 0;
    return str == nullptr || (vector_bytes(str, 1, &end) && v_.Verify(end, 1) && buf_[end] == 0);
  }
  /// The length prefix and the elements of a vector (or string) lie in the buffer; `end` gets
  /// the offset one past the last element. As flatbuffers' VerifyVectorOrString, but with a
  /// 32-bit overflow bound, so Cortex-M builds link no 64-bit division for it.
  bool vector_bytes(const void* vec, std::size_t elem_size, std::size_t* end) {
    const auto at = static_cast<std::size_t>(static_cast<const std::uint8_t*>(vec) - buf_);
    if (!v_.Verify<flatbuffers::uoffset_t>(at)) return false;
    const auto n = flatbuffers::ReadScalar<flatbuffers::uoffset_t>(vec);
    if (n >= 0x7fffffffu / static_cast<std::uint32_t>(elem_size)) return false;
    const std::size_t bytes = sizeof(flatbuffers::uoffset_t) + elem_size * n;
    if (end != nullptr) *end = at + bytes;
    return v_.Verify(at, bytes);
  }
  bool sub_table(const FbTable* t, int id, Fn fn) {
    if (!t->VerifyOffset(v_, vslot(id))) return false;
    const auto* sub = t->GetPointer<const FbTable*>(vslot(id));
    return sub == nullptr || (this->*fn)(sub);
  }
  bool table_vector(const FbTable* t, int id, Fn fn) {
    if (!t->VerifyOffset(v_, vslot(id))) return false;
    const auto* v = t->GetPointer<const FbTableVector*>(vslot(id));
    if (v == nullptr) return true;
    if (!vector_bytes(v, sizeof(flatbuffers::uoffset_t), nullptr)) return false;
    for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i) {
      // Each element is an offset to a table; VerifyOffset checks it stays in the buffer.
      const auto* elem = reinterpret_cast<const std::uint8_t*>(v->data()) + i * sizeof(flatbuffers::uoffset_t);
      if (v_.VerifyOffset(static_cast<std::size_t>(elem - buf_start())) == 0) return false;
      if (!(this->*fn)(v->Get(i))) return false;
    }
    return true;
  }
  const std::uint8_t* buf_start() const noexcept { return buf_; }

  bool opcode(const FbTable* t) {
    return begin(t) && scalar<std::int8_t>(t, fid::opcode::kDeprecatedBuiltinCode) &&
           string(t, fid::opcode::kCustomCode) && scalar<std::int32_t>(t, fid::opcode::kVersion) &&
           scalar<std::int32_t>(t, fid::opcode::kBuiltinCode) && v_.EndTable();
  }
  bool buffer(const FbTable* t) {
    return begin(t) && vec<std::uint8_t>(t, fid::buffer::kData) &&
           scalar<std::uint64_t>(t, fid::buffer::kOffset) &&
           scalar<std::uint64_t>(t, fid::buffer::kSize) && v_.EndTable();
  }
  bool quantization(const FbTable* t) {
    return begin(t) && vec<float>(t, fid::quant::kScale) &&
           vec<std::int64_t>(t, fid::quant::kZeroPoint) &&
           scalar<std::uint8_t>(t, fid::quant::kDetailsType) &&
           scalar<std::int32_t>(t, fid::quant::kQuantizedDimension) && v_.EndTable();
  }
  bool tensor(const FbTable* t) {
    return begin(t) && vec<std::int32_t>(t, fid::tensor::kShape) &&
           scalar<std::int8_t>(t, fid::tensor::kType) &&
           scalar<std::uint32_t>(t, fid::tensor::kBuffer) && string(t, fid::tensor::kName) &&
           sub_table(t, fid::tensor::kQuantization, &StructureVerifier::quantization) &&
           scalar<std::uint8_t>(t, fid::tensor::kIsVariable) &&
           t->VerifyOffset(v_, vslot(fid::tensor::kSparsity)) && v_.EndTable();
  }
  /// Every field of the options tables tinyml reads, as data rather than code (a third of the
  /// Cortex-M code it replaced): per options type, the fields' ids and kinds.
  enum FieldKind : std::uint8_t { kByte = 0, kWord = 1, kIntVector = 2 };
  static constexpr std::uint8_t f(int id, FieldKind k) { return static_cast<std::uint8_t>(id << 2 | k); }
  struct OptionsFields {
    OptionsType type;
    std::uint8_t count;
    std::uint8_t fields[7];
  };
  static const OptionsFields* options_fields(OptionsType type) {
    static constexpr OptionsFields kTable[] = {
        {OptionsType::kConv2D, 6, {f(0, kByte), f(1, kWord), f(2, kWord), f(3, kByte), f(4, kWord), f(5, kWord)}},
        {OptionsType::kDepthwiseConv2D, 7,
         {f(0, kByte), f(1, kWord), f(2, kWord), f(3, kWord), f(4, kByte), f(5, kWord), f(6, kWord)}},
        {OptionsType::kPool2D, 6, {f(0, kByte), f(1, kWord), f(2, kWord), f(3, kWord), f(4, kWord), f(5, kByte)}},
        {OptionsType::kFullyConnected, 4, {f(0, kByte), f(1, kByte), f(2, kByte), f(3, kByte)}},
        {OptionsType::kSoftmax, 1, {f(0, kWord)}},
        {OptionsType::kAdd, 2, {f(0, kByte), f(1, kByte)}},
        {OptionsType::kReshape, 1, {f(0, kIntVector)}},
        {OptionsType::kMul, 1, {f(0, kByte)}},
        {OptionsType::kSub, 2, {f(0, kByte), f(1, kByte)}},
        {OptionsType::kLeakyRelu, 1, {f(0, kWord)}},
        {OptionsType::kReducer, 1, {f(0, kByte)}},
        {OptionsType::kConcatenation, 2, {f(0, kWord), f(1, kByte)}},
        {OptionsType::kStridedSlice, 6, {f(0, kWord), f(1, kWord), f(2, kWord), f(3, kWord), f(4, kWord), f(5, kByte)}},
        {OptionsType::kSqueeze, 1, {f(0, kIntVector)}},
        {OptionsType::kSplit, 1, {f(0, kWord)}},
        {OptionsType::kSplitV, 1, {f(0, kWord)}},
        {OptionsType::kPack, 2, {f(0, kWord), f(1, kWord)}},
        {OptionsType::kUnpack, 2, {f(0, kWord), f(1, kWord)}},
        {OptionsType::kGather, 2, {f(0, kWord), f(1, kWord)}},
        {OptionsType::kShape, 1, {f(0, kByte)}},
        {OptionsType::kMirrorPad, 1, {f(0, kByte)}},
        {OptionsType::kArgMax, 1, {f(0, kByte)}},
        {OptionsType::kArgMin, 1, {f(0, kByte)}},
        {OptionsType::kResizeBilinear, 4, {f(0, kWord), f(1, kWord), f(2, kByte), f(3, kByte)}},
        {OptionsType::kResizeNearestNeighbor, 2, {f(0, kByte), f(1, kByte)}},
        {OptionsType::kTransposeConv, 5, {f(0, kByte), f(1, kWord), f(2, kWord), f(3, kByte), f(4, kByte)}},
        {OptionsType::kBatchMatMul, 3, {f(0, kByte), f(1, kByte), f(2, kByte)}},
    };
    for (const OptionsFields& e : kTable) {
      if (e.type == type) return &e;
    }
    return nullptr;  // options of ops tinyml does not run are never read
  }
  bool options(const FbTable* t, OptionsType type) {
    if (!begin(t)) return false;
    if (const OptionsFields* e = options_fields(type)) {
      for (std::uint8_t k = 0; k < e->count; ++k) {
        const int id = e->fields[k] >> 2;
        const auto kind = static_cast<FieldKind>(e->fields[k] & 3);
        const bool ok = kind == kByte   ? scalar<std::uint8_t>(t, id)
                        : kind == kWord ? scalar<std::uint32_t>(t, id)
                                        : vec<std::int32_t>(t, id);
        if (!ok) return false;
      }
    }
    return v_.EndTable();
  }
  bool op(const FbTable* t) {
    if (!(begin(t) && scalar<std::uint32_t>(t, fid::op::kOpcodeIndex) &&
          vec<std::int32_t>(t, fid::op::kInputs) && vec<std::int32_t>(t, fid::op::kOutputs) &&
          scalar<std::uint8_t>(t, fid::op::kBuiltinOptionsType) &&
          t->VerifyOffset(v_, vslot(fid::op::kBuiltinOptions)) &&
          vec<std::uint8_t>(t, fid::op::kCustomOptions) && vec<std::int32_t>(t, fid::op::kIntermediates))) {
      return false;
    }
    const auto type =
        static_cast<OptionsType>(t->GetField<std::uint8_t>(vslot(fid::op::kBuiltinOptionsType), 0));
    const auto* opts = t->GetPointer<const FbTable*>(vslot(fid::op::kBuiltinOptions));
    if (opts != nullptr && !options(opts, type)) return false;
    return v_.EndTable();
  }
  bool subgraph(const FbTable* t) {
    return begin(t) && table_vector(t, fid::subgraph::kTensors, &StructureVerifier::tensor) &&
           vec<std::int32_t>(t, fid::subgraph::kInputs) &&
           vec<std::int32_t>(t, fid::subgraph::kOutputs) &&
           table_vector(t, fid::subgraph::kOperators, &StructureVerifier::op) &&
           string(t, fid::subgraph::kName) && v_.EndTable();
  }

  flatbuffers::Verifier v_;
  const std::uint8_t* buf_ = nullptr;

 public:
  void set_base(const std::uint8_t* b) noexcept { buf_ = b; }
};

}  // namespace detail

/// Verifies that `bytes` is a structurally sound TFLite FlatBuffer (identifier "TFL3") whose every
/// field tinyml reads lies inside the buffer. `bytes` must be kModelAlignment-aligned.
inline Status verify_structure(const std::uint8_t* bytes, std::size_t size, Diag& diag) noexcept {
  if (bytes == nullptr || size < 8) {
    diag << "model is " << static_cast<unsigned long long>(size)
         << " bytes: too small to be a TFLite FlatBuffer";
    return Status::kInvalidModel;
  }
  if (reinterpret_cast<std::uintptr_t>(bytes) % kModelAlignment != 0) {
    diag << "model bytes must be " << static_cast<int>(kModelAlignment)
         << "-byte aligned (use alignas(16) or an aligned loader)";
    return Status::kMisaligned;
  }
  if (size >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    diag << "model of " << static_cast<unsigned long long>(size) << " bytes exceeds FlatBuffers' 2 GiB limit";
    return Status::kInvalidModel;
  }
  if (!flatbuffers::BufferHasIdentifier(bytes, "TFL3")) {
    diag << "not a TFLite model: file identifier is not \"TFL3\"";
    return Status::kInvalidModel;
  }
  detail::StructureVerifier sv(bytes, size);
  sv.set_base(bytes);
  if (sv.verifier().VerifyOffset(std::size_t{0}) == 0 ||
      !sv.model(flatbuffers::GetRoot<FbTable>(bytes))) {
    diag << "model FlatBuffer failed verification (truncated or corrupt)";
    return Status::kInvalidModel;
  }
  return Status::kOk;
}

}  // namespace model
}  // namespace TINYML_ABI
}  // namespace tinyml
