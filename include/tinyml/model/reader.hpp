// SPDX-License-Identifier: Apache-2.0
// Zero-copy views of a TFLite model over FlatBuffers' Table/Vector API. No generated code: only the
// accessors every FlatBuffers release since 2.0 provides, so no FlatBuffers version is pinned.
// Views never copy; weights are read in place from the model bytes.
// The views assume the bytes passed verify_structure() (model/verify.hpp).
#pragma once

#include <cstdint>

#include <flatbuffers/flatbuffers.h>

#include "tinyml/model/schema.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace model {

/// vtable slot of field `id`.
constexpr flatbuffers::voffset_t vslot(int id) noexcept {
  return static_cast<flatbuffers::voffset_t>(4 + 2 * id);
}

template <class T>
using FbVector = flatbuffers::Vector<T>;
using FbTable = flatbuffers::Table;
using FbTableVector = flatbuffers::Vector<flatbuffers::Offset<flatbuffers::Table>>;

/// Base of every view: a possibly-null table pointer with typed field access.
class TableView {
 public:
  constexpr TableView() noexcept = default;
  explicit constexpr TableView(const FbTable* t) noexcept : t_(t) {}
  explicit operator bool() const noexcept { return t_ != nullptr; }
  const FbTable* table() const noexcept { return t_; }

  template <class T>
  T scalar(int id, T def) const noexcept {
    return t_ != nullptr ? t_->GetField<T>(vslot(id), def) : def;
  }
  template <class T>
  const FbVector<T>* vector(int id) const noexcept {
    return t_ != nullptr ? t_->GetPointer<const FbVector<T>*>(vslot(id)) : nullptr;
  }
  const FbTable* sub_table(int id) const noexcept {
    return t_ != nullptr ? t_->GetPointer<const FbTable*>(vslot(id)) : nullptr;
  }
  const FbTableVector* tables(int id) const noexcept {
    return t_ != nullptr ? t_->GetPointer<const FbTableVector*>(vslot(id)) : nullptr;
  }
  const char* string(int id) const noexcept {
    const auto* s = t_ != nullptr ? t_->GetPointer<const flatbuffers::String*>(vslot(id)) : nullptr;
    return s != nullptr ? s->c_str() : "";
  }

 private:
  const FbTable* t_ = nullptr;
};

/// Length of an optional vector (0 when absent).
template <class V>
inline std::uint32_t size_of(const V* v) noexcept {
  return v != nullptr ? v->size() : 0u;
}

struct QuantView : TableView {
  using TableView::TableView;
  const FbVector<float>* scale() const noexcept { return vector<float>(fid::quant::kScale); }
  const FbVector<std::int64_t>* zero_point() const noexcept {
    return vector<std::int64_t>(fid::quant::kZeroPoint);
  }
  std::int32_t quantized_dimension() const noexcept {
    return scalar<std::int32_t>(fid::quant::kQuantizedDimension, 0);
  }
  std::uint8_t details_type() const noexcept {
    return scalar<std::uint8_t>(fid::quant::kDetailsType, 0);
  }
};

struct TensorView : TableView {
  using TableView::TableView;
  const FbVector<std::int32_t>* shape() const noexcept {
    return vector<std::int32_t>(fid::tensor::kShape);
  }
  TensorType type() const noexcept {
    return static_cast<TensorType>(scalar<std::int8_t>(fid::tensor::kType, 0));
  }
  std::uint32_t buffer() const noexcept { return scalar<std::uint32_t>(fid::tensor::kBuffer, 0); }
  const char* name() const noexcept { return string(fid::tensor::kName); }
  QuantView quantization() const noexcept { return QuantView(sub_table(fid::tensor::kQuantization)); }
  bool is_variable() const noexcept { return scalar<std::uint8_t>(fid::tensor::kIsVariable, 0) != 0; }
  bool has_sparsity() const noexcept { return sub_table(fid::tensor::kSparsity) != nullptr; }
};

struct BufferView : TableView {
  using TableView::TableView;
  const FbVector<std::uint8_t>* data() const noexcept {
    return vector<std::uint8_t>(fid::buffer::kData);
  }
  std::uint64_t offset() const noexcept { return scalar<std::uint64_t>(fid::buffer::kOffset, 0); }
  std::uint64_t size() const noexcept { return scalar<std::uint64_t>(fid::buffer::kSize, 0); }
};

struct OperatorCodeView : TableView {
  using TableView::TableView;
  /// The effective builtin code: the larger of builtin_code and deprecated_builtin_code, which
  /// handles both old models (deprecated field only) and new ones (127 placeholder + new field).
  std::int32_t builtin_code() const noexcept {
    const std::int32_t dep = scalar<std::int8_t>(fid::opcode::kDeprecatedBuiltinCode, 0);
    const std::int32_t now = scalar<std::int32_t>(fid::opcode::kBuiltinCode, 0);
    return dep > now ? dep : now;
  }
  std::int32_t version() const noexcept { return scalar<std::int32_t>(fid::opcode::kVersion, 1); }
  const char* custom_code() const noexcept { return string(fid::opcode::kCustomCode); }
};

struct OperatorView : TableView {
  using TableView::TableView;
  std::uint32_t opcode_index() const noexcept {
    return scalar<std::uint32_t>(fid::op::kOpcodeIndex, 0);
  }
  const FbVector<std::int32_t>* inputs() const noexcept {
    return vector<std::int32_t>(fid::op::kInputs);
  }
  const FbVector<std::int32_t>* outputs() const noexcept {
    return vector<std::int32_t>(fid::op::kOutputs);
  }
  OptionsType options_type() const noexcept {
    return static_cast<OptionsType>(scalar<std::uint8_t>(fid::op::kBuiltinOptionsType, 0));
  }
  /// The options table if its union type is `want`, else an empty view (defaults apply).
  TableView options(OptionsType want) const noexcept {
    return options_type() == want ? TableView(sub_table(fid::op::kBuiltinOptions)) : TableView();
  }
};

struct SubGraphView : TableView {
  using TableView::TableView;
  const FbTableVector* tensors() const noexcept { return tables(fid::subgraph::kTensors); }
  const FbTableVector* operators() const noexcept { return tables(fid::subgraph::kOperators); }
  const FbVector<std::int32_t>* inputs() const noexcept {
    return vector<std::int32_t>(fid::subgraph::kInputs);
  }
  const FbVector<std::int32_t>* outputs() const noexcept {
    return vector<std::int32_t>(fid::subgraph::kOutputs);
  }
  TensorView tensor(std::uint32_t i) const noexcept { return TensorView(tensors()->Get(i)); }
  OperatorView op(std::uint32_t i) const noexcept { return OperatorView(operators()->Get(i)); }
  std::uint32_t num_tensors() const noexcept { return size_of(tensors()); }
  std::uint32_t num_ops() const noexcept { return size_of(operators()); }
};

struct ModelView : TableView {
  using TableView::TableView;
  std::uint32_t version() const noexcept { return scalar<std::uint32_t>(fid::model::kVersion, 0); }
  const FbTableVector* operator_codes() const noexcept { return tables(fid::model::kOperatorCodes); }
  const FbTableVector* subgraphs() const noexcept { return tables(fid::model::kSubgraphs); }
  const FbTableVector* buffers() const noexcept { return tables(fid::model::kBuffers); }
  const char* description() const noexcept { return string(fid::model::kDescription); }
  SubGraphView subgraph(std::uint32_t i) const noexcept {
    return SubGraphView(subgraphs()->Get(i));
  }
  OperatorCodeView opcode(std::uint32_t i) const noexcept {
    return OperatorCodeView(operator_codes()->Get(i));
  }
  BufferView buffer(std::uint32_t i) const noexcept { return BufferView(buffers()->Get(i)); }
};

/// The root table of model bytes (call only after verify_structure succeeded).
inline ModelView root(const std::uint8_t* bytes) noexcept {
  return ModelView(flatbuffers::GetRoot<FbTable>(bytes));
}

}  // namespace model
}  // namespace TINYML_ABI
}  // namespace tinyml
