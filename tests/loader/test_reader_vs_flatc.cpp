// SPDX-License-Identifier: Apache-2.0
// The library's hand-written model views (model/reader.hpp, ids in model/schema.hpp) against the
// accessors flatc generates from schemas/tflite_subset.fbs: same field ids and enum values at
// compile time, and the same values read from every model we have at run time.

#include <cstring>
#include <string>

#include "loader_support.hpp"

namespace {

using namespace tinyml_test::loader;
namespace model = tinyml::model;
namespace fid = tinyml::model::fid;
using model::vslot;

// ---- compile time: field ids and enum values ----------------------------------------------

static_assert(vslot(fid::model::kVersion) == fbs::Model::VT_VERSION);
static_assert(vslot(fid::model::kOperatorCodes) == fbs::Model::VT_OPERATOR_CODES);
static_assert(vslot(fid::model::kSubgraphs) == fbs::Model::VT_SUBGRAPHS);
static_assert(vslot(fid::model::kDescription) == fbs::Model::VT_DESCRIPTION);
static_assert(vslot(fid::model::kBuffers) == fbs::Model::VT_BUFFERS);

static_assert(vslot(fid::opcode::kDeprecatedBuiltinCode) == fbs::OperatorCode::VT_DEPRECATED_BUILTIN_CODE);
static_assert(vslot(fid::opcode::kCustomCode) == fbs::OperatorCode::VT_CUSTOM_CODE);
static_assert(vslot(fid::opcode::kVersion) == fbs::OperatorCode::VT_VERSION);
static_assert(vslot(fid::opcode::kBuiltinCode) == fbs::OperatorCode::VT_BUILTIN_CODE);

static_assert(vslot(fid::subgraph::kTensors) == fbs::SubGraph::VT_TENSORS);
static_assert(vslot(fid::subgraph::kInputs) == fbs::SubGraph::VT_INPUTS);
static_assert(vslot(fid::subgraph::kOutputs) == fbs::SubGraph::VT_OUTPUTS);
static_assert(vslot(fid::subgraph::kOperators) == fbs::SubGraph::VT_OPERATORS);
static_assert(vslot(fid::subgraph::kName) == fbs::SubGraph::VT_NAME);

static_assert(vslot(fid::tensor::kShape) == fbs::Tensor::VT_SHAPE);
static_assert(vslot(fid::tensor::kType) == fbs::Tensor::VT_TYPE);
static_assert(vslot(fid::tensor::kBuffer) == fbs::Tensor::VT_BUFFER);
static_assert(vslot(fid::tensor::kName) == fbs::Tensor::VT_NAME);
static_assert(vslot(fid::tensor::kQuantization) == fbs::Tensor::VT_QUANTIZATION);
static_assert(vslot(fid::tensor::kIsVariable) == fbs::Tensor::VT_IS_VARIABLE);
static_assert(vslot(fid::tensor::kSparsity) == fbs::Tensor::VT_SPARSITY);

static_assert(vslot(fid::quant::kMin) == fbs::QuantizationParameters::VT_MIN);
static_assert(vslot(fid::quant::kMax) == fbs::QuantizationParameters::VT_MAX);
static_assert(vslot(fid::quant::kScale) == fbs::QuantizationParameters::VT_SCALE);
static_assert(vslot(fid::quant::kZeroPoint) == fbs::QuantizationParameters::VT_ZERO_POINT);
static_assert(vslot(fid::quant::kDetailsType) == fbs::QuantizationParameters::VT_DETAILS_TYPE);
static_assert(vslot(fid::quant::kDetails) == fbs::QuantizationParameters::VT_DETAILS);
static_assert(vslot(fid::quant::kQuantizedDimension) == fbs::QuantizationParameters::VT_QUANTIZED_DIMENSION);

static_assert(vslot(fid::op::kOpcodeIndex) == fbs::Operator::VT_OPCODE_INDEX);
static_assert(vslot(fid::op::kInputs) == fbs::Operator::VT_INPUTS);
static_assert(vslot(fid::op::kOutputs) == fbs::Operator::VT_OUTPUTS);
static_assert(vslot(fid::op::kBuiltinOptionsType) == fbs::Operator::VT_BUILTIN_OPTIONS_TYPE);
static_assert(vslot(fid::op::kBuiltinOptions) == fbs::Operator::VT_BUILTIN_OPTIONS);
static_assert(vslot(fid::op::kCustomOptions) == fbs::Operator::VT_CUSTOM_OPTIONS);
static_assert(vslot(fid::op::kIntermediates) == fbs::Operator::VT_INTERMEDIATES);

static_assert(vslot(fid::buffer::kData) == fbs::Buffer::VT_DATA);
static_assert(vslot(fid::buffer::kOffset) == fbs::Buffer::VT_OFFSET);
static_assert(vslot(fid::buffer::kSize) == fbs::Buffer::VT_SIZE);

static_assert(vslot(fid::conv::kPadding) == fbs::Conv2DOptions::VT_PADDING);
static_assert(vslot(fid::conv::kStrideW) == fbs::Conv2DOptions::VT_STRIDE_W);
static_assert(vslot(fid::conv::kStrideH) == fbs::Conv2DOptions::VT_STRIDE_H);
static_assert(vslot(fid::conv::kActivation) == fbs::Conv2DOptions::VT_FUSED_ACTIVATION_FUNCTION);
static_assert(vslot(fid::conv::kDilationW) == fbs::Conv2DOptions::VT_DILATION_W_FACTOR);
static_assert(vslot(fid::conv::kDilationH) == fbs::Conv2DOptions::VT_DILATION_H_FACTOR);

static_assert(vslot(fid::dwconv::kPadding) == fbs::DepthwiseConv2DOptions::VT_PADDING);
static_assert(vslot(fid::dwconv::kStrideW) == fbs::DepthwiseConv2DOptions::VT_STRIDE_W);
static_assert(vslot(fid::dwconv::kStrideH) == fbs::DepthwiseConv2DOptions::VT_STRIDE_H);
static_assert(vslot(fid::dwconv::kDepthMultiplier) == fbs::DepthwiseConv2DOptions::VT_DEPTH_MULTIPLIER);
static_assert(vslot(fid::dwconv::kActivation) == fbs::DepthwiseConv2DOptions::VT_FUSED_ACTIVATION_FUNCTION);
static_assert(vslot(fid::dwconv::kDilationW) == fbs::DepthwiseConv2DOptions::VT_DILATION_W_FACTOR);
static_assert(vslot(fid::dwconv::kDilationH) == fbs::DepthwiseConv2DOptions::VT_DILATION_H_FACTOR);

static_assert(vslot(fid::pool::kPadding) == fbs::Pool2DOptions::VT_PADDING);
static_assert(vslot(fid::pool::kStrideW) == fbs::Pool2DOptions::VT_STRIDE_W);
static_assert(vslot(fid::pool::kStrideH) == fbs::Pool2DOptions::VT_STRIDE_H);
static_assert(vslot(fid::pool::kFilterW) == fbs::Pool2DOptions::VT_FILTER_WIDTH);
static_assert(vslot(fid::pool::kFilterH) == fbs::Pool2DOptions::VT_FILTER_HEIGHT);
static_assert(vslot(fid::pool::kActivation) == fbs::Pool2DOptions::VT_FUSED_ACTIVATION_FUNCTION);

static_assert(vslot(fid::fc::kActivation) == fbs::FullyConnectedOptions::VT_FUSED_ACTIVATION_FUNCTION);
static_assert(vslot(fid::fc::kWeightsFormat) == fbs::FullyConnectedOptions::VT_WEIGHTS_FORMAT);
static_assert(vslot(fid::fc::kKeepNumDims) == fbs::FullyConnectedOptions::VT_KEEP_NUM_DIMS);
static_assert(vslot(fid::fc::kAsymmetricQuantizeInputs) == fbs::FullyConnectedOptions::VT_ASYMMETRIC_QUANTIZE_INPUTS);

static_assert(vslot(fid::softmax::kBeta) == fbs::SoftmaxOptions::VT_BETA);
static_assert(vslot(fid::add::kActivation) == fbs::AddOptions::VT_FUSED_ACTIVATION_FUNCTION);
static_assert(vslot(fid::add::kPotScaleInt16) == fbs::AddOptions::VT_POT_SCALE_INT16);
static_assert(vslot(fid::reshape::kNewShape) == fbs::ReshapeOptions::VT_NEW_SHAPE);

using TT = model::TensorType;
static_assert(static_cast<int>(TT::kFloat32) == fbs::TensorType_FLOAT32);
static_assert(static_cast<int>(TT::kFloat16) == fbs::TensorType_FLOAT16);
static_assert(static_cast<int>(TT::kInt32) == fbs::TensorType_INT32);
static_assert(static_cast<int>(TT::kUInt8) == fbs::TensorType_UINT8);
static_assert(static_cast<int>(TT::kInt64) == fbs::TensorType_INT64);
static_assert(static_cast<int>(TT::kString) == fbs::TensorType_STRING);
static_assert(static_cast<int>(TT::kBool) == fbs::TensorType_BOOL);
static_assert(static_cast<int>(TT::kInt16) == fbs::TensorType_INT16);
static_assert(static_cast<int>(TT::kComplex64) == fbs::TensorType_COMPLEX64);
static_assert(static_cast<int>(TT::kInt8) == fbs::TensorType_INT8);
static_assert(static_cast<int>(TT::kFloat64) == fbs::TensorType_FLOAT64);
static_assert(static_cast<int>(TT::kComplex128) == fbs::TensorType_COMPLEX128);
static_assert(static_cast<int>(TT::kUInt64) == fbs::TensorType_UINT64);
static_assert(static_cast<int>(TT::kResource) == fbs::TensorType_RESOURCE);
static_assert(static_cast<int>(TT::kVariant) == fbs::TensorType_VARIANT);
static_assert(static_cast<int>(TT::kUInt32) == fbs::TensorType_UINT32);
static_assert(static_cast<int>(TT::kUInt16) == fbs::TensorType_UINT16);
static_assert(static_cast<int>(TT::kInt4) == fbs::TensorType_INT4);
static_assert(static_cast<int>(TT::kBFloat16) == fbs::TensorType_BFLOAT16);

using BI = model::Builtin;
static_assert(static_cast<int>(BI::kAdd) == fbs::BuiltinOperator_ADD);
static_assert(static_cast<int>(BI::kAveragePool2D) == fbs::BuiltinOperator_AVERAGE_POOL_2D);
static_assert(static_cast<int>(BI::kConv2D) == fbs::BuiltinOperator_CONV_2D);
static_assert(static_cast<int>(BI::kDepthwiseConv2D) == fbs::BuiltinOperator_DEPTHWISE_CONV_2D);
static_assert(static_cast<int>(BI::kDequantize) == fbs::BuiltinOperator_DEQUANTIZE);
static_assert(static_cast<int>(BI::kFullyConnected) == fbs::BuiltinOperator_FULLY_CONNECTED);
static_assert(static_cast<int>(BI::kMaxPool2D) == fbs::BuiltinOperator_MAX_POOL_2D);
static_assert(static_cast<int>(BI::kReshape) == fbs::BuiltinOperator_RESHAPE);
static_assert(static_cast<int>(BI::kSoftmax) == fbs::BuiltinOperator_SOFTMAX);
static_assert(static_cast<int>(BI::kQuantize) == fbs::BuiltinOperator_QUANTIZE);
static_assert(model::kPlaceholderForGreaterOpCodes == fbs::BuiltinOperator_PLACEHOLDER_FOR_GREATER_OP_CODES);
// The op structs' own codes.
static_assert(tinyml::ops::Conv2D::kBuiltin == fbs::BuiltinOperator_CONV_2D);
static_assert(tinyml::ops::DepthwiseConv2D::kBuiltin == fbs::BuiltinOperator_DEPTHWISE_CONV_2D);
static_assert(tinyml::ops::FullyConnected::kBuiltin == fbs::BuiltinOperator_FULLY_CONNECTED);
static_assert(tinyml::ops::AveragePool2D::kBuiltin == fbs::BuiltinOperator_AVERAGE_POOL_2D);
static_assert(tinyml::ops::MaxPool2D::kBuiltin == fbs::BuiltinOperator_MAX_POOL_2D);
static_assert(tinyml::ops::Add::kBuiltin == fbs::BuiltinOperator_ADD);
static_assert(tinyml::ops::Softmax::kBuiltin == fbs::BuiltinOperator_SOFTMAX);
static_assert(tinyml::ops::Reshape::kBuiltin == fbs::BuiltinOperator_RESHAPE);
static_assert(tinyml::ops::Quantize::kBuiltin == fbs::BuiltinOperator_QUANTIZE);
static_assert(tinyml::ops::Dequantize::kBuiltin == fbs::BuiltinOperator_DEQUANTIZE);

using OT = model::OptionsType;
static_assert(static_cast<int>(OT::kNone) == fbs::BuiltinOptions_NONE);
static_assert(static_cast<int>(OT::kConv2D) == fbs::BuiltinOptions_Conv2DOptions);
static_assert(static_cast<int>(OT::kDepthwiseConv2D) == fbs::BuiltinOptions_DepthwiseConv2DOptions);
static_assert(static_cast<int>(OT::kPool2D) == fbs::BuiltinOptions_Pool2DOptions);
static_assert(static_cast<int>(OT::kFullyConnected) == fbs::BuiltinOptions_FullyConnectedOptions);
static_assert(static_cast<int>(OT::kSoftmax) == fbs::BuiltinOptions_SoftmaxOptions);
static_assert(static_cast<int>(OT::kAdd) == fbs::BuiltinOptions_AddOptions);
static_assert(static_cast<int>(OT::kReshape) == fbs::BuiltinOptions_ReshapeOptions);

static_assert(static_cast<int>(model::Padding::kSame) == fbs::Padding_SAME);
static_assert(static_cast<int>(model::Padding::kValid) == fbs::Padding_VALID);
static_assert(static_cast<int>(model::kActNone) == fbs::ActivationFunctionType_NONE);
static_assert(static_cast<int>(model::kActRelu) == fbs::ActivationFunctionType_RELU);
static_assert(static_cast<int>(model::kActReluN1To1) == fbs::ActivationFunctionType_RELU_N1_TO_1);
static_assert(static_cast<int>(model::kActRelu6) == fbs::ActivationFunctionType_RELU6);
static_assert(static_cast<int>(model::kActTanh) == fbs::ActivationFunctionType_TANH);
static_assert(static_cast<int>(model::kActSignBit) == fbs::ActivationFunctionType_SIGN_BIT);

// ---- run time: every value of every model -------------------------------------------------

bool same_ptr(const void* a, const void* b) { return a == b; }

template <class T>
bool same_values(const flatbuffers::Vector<T>* a, const flatbuffers::Vector<T>* b) {
  if (model::size_of(a) != model::size_of(b)) return false;
  return model::size_of(a) == 0 || std::memcmp(a->data(), b->data(), a->size() * sizeof(T)) == 0;
}

/// What TFLite's GetBuiltinCode computes from the two opcode fields.
std::int32_t effective_code(const fbs::OperatorCode* c) {
  const std::int32_t dep = c->deprecated_builtin_code();
  const std::int32_t now = c->builtin_code();
  return dep > now ? dep : now;
}

std::uint32_t float_bits(float f) {
  std::uint32_t u = 0;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

void compare_options(const fbs::Operator* g, const model::OperatorView& v) {
  const auto type = g->builtin_options_type();
  CHECK(static_cast<int>(v.options_type()) == static_cast<int>(type));
  namespace f = model::fid;
  switch (type) {
    case fbs::BuiltinOptions_Conv2DOptions: {
      const auto* o = g->builtin_options_as_Conv2DOptions();
      const model::TableView t = v.options(OT::kConv2D);
      REQUIRE(o != nullptr);
      CHECK(same_ptr(t.table(), o));
      CHECK(t.scalar<std::int8_t>(f::conv::kPadding, 0) == o->padding());
      CHECK(t.scalar<std::int32_t>(f::conv::kStrideW, 0) == o->stride_w());
      CHECK(t.scalar<std::int32_t>(f::conv::kStrideH, 0) == o->stride_h());
      CHECK(t.scalar<std::int8_t>(f::conv::kActivation, 0) == o->fused_activation_function());
      CHECK(t.scalar<std::int32_t>(f::conv::kDilationW, 1) == o->dilation_w_factor());
      CHECK(t.scalar<std::int32_t>(f::conv::kDilationH, 1) == o->dilation_h_factor());
      CHECK_FALSE(v.options(OT::kPool2D));  // the wrong union member reads as absent
      break;
    }
    case fbs::BuiltinOptions_DepthwiseConv2DOptions: {
      const auto* o = g->builtin_options_as_DepthwiseConv2DOptions();
      const model::TableView t = v.options(OT::kDepthwiseConv2D);
      REQUIRE(o != nullptr);
      CHECK(same_ptr(t.table(), o));
      CHECK(t.scalar<std::int8_t>(f::dwconv::kPadding, 0) == o->padding());
      CHECK(t.scalar<std::int32_t>(f::dwconv::kStrideW, 0) == o->stride_w());
      CHECK(t.scalar<std::int32_t>(f::dwconv::kStrideH, 0) == o->stride_h());
      CHECK(t.scalar<std::int32_t>(f::dwconv::kDepthMultiplier, 0) == o->depth_multiplier());
      CHECK(t.scalar<std::int8_t>(f::dwconv::kActivation, 0) == o->fused_activation_function());
      CHECK(t.scalar<std::int32_t>(f::dwconv::kDilationW, 1) == o->dilation_w_factor());
      CHECK(t.scalar<std::int32_t>(f::dwconv::kDilationH, 1) == o->dilation_h_factor());
      CHECK_FALSE(v.options(OT::kConv2D));
      break;
    }
    case fbs::BuiltinOptions_Pool2DOptions: {
      const auto* o = g->builtin_options_as_Pool2DOptions();
      const model::TableView t = v.options(OT::kPool2D);
      REQUIRE(o != nullptr);
      CHECK(same_ptr(t.table(), o));
      CHECK(t.scalar<std::int8_t>(f::pool::kPadding, 0) == o->padding());
      CHECK(t.scalar<std::int32_t>(f::pool::kStrideW, 0) == o->stride_w());
      CHECK(t.scalar<std::int32_t>(f::pool::kStrideH, 0) == o->stride_h());
      CHECK(t.scalar<std::int32_t>(f::pool::kFilterW, 0) == o->filter_width());
      CHECK(t.scalar<std::int32_t>(f::pool::kFilterH, 0) == o->filter_height());
      CHECK(t.scalar<std::int8_t>(f::pool::kActivation, 0) == o->fused_activation_function());
      break;
    }
    case fbs::BuiltinOptions_FullyConnectedOptions: {
      const auto* o = g->builtin_options_as_FullyConnectedOptions();
      const model::TableView t = v.options(OT::kFullyConnected);
      REQUIRE(o != nullptr);
      CHECK(same_ptr(t.table(), o));
      CHECK(t.scalar<std::int8_t>(f::fc::kActivation, 0) == o->fused_activation_function());
      CHECK(t.scalar<std::int8_t>(f::fc::kWeightsFormat, 0) == o->weights_format());
      CHECK((t.scalar<std::uint8_t>(f::fc::kKeepNumDims, 0) != 0) == o->keep_num_dims());
      CHECK((t.scalar<std::uint8_t>(f::fc::kAsymmetricQuantizeInputs, 0) != 0) ==
            o->asymmetric_quantize_inputs());
      break;
    }
    case fbs::BuiltinOptions_SoftmaxOptions: {
      const auto* o = g->builtin_options_as_SoftmaxOptions();
      const model::TableView t = v.options(OT::kSoftmax);
      REQUIRE(o != nullptr);
      CHECK(same_ptr(t.table(), o));
      CHECK(float_bits(t.scalar<float>(f::softmax::kBeta, 0.0f)) == float_bits(o->beta()));
      break;
    }
    case fbs::BuiltinOptions_AddOptions: {
      const auto* o = g->builtin_options_as_AddOptions();
      const model::TableView t = v.options(OT::kAdd);
      REQUIRE(o != nullptr);
      CHECK(same_ptr(t.table(), o));
      CHECK(t.scalar<std::int8_t>(f::add::kActivation, 0) == o->fused_activation_function());
      CHECK((t.scalar<std::uint8_t>(f::add::kPotScaleInt16, 1) != 0) == o->pot_scale_int16());
      break;
    }
    case fbs::BuiltinOptions_ReshapeOptions: {
      const auto* o = g->builtin_options_as_ReshapeOptions();
      const model::TableView t = v.options(OT::kReshape);
      REQUIRE(o != nullptr);
      CHECK(same_ptr(t.table(), o));
      const auto* mine = t.vector<std::int32_t>(f::reshape::kNewShape);
      CHECK(same_ptr(mine, o->new_shape()));
      CHECK(same_values(mine, o->new_shape()));
      break;
    }
    default:
      CHECK(static_cast<int>(v.options_type()) == static_cast<int>(type));
      break;
  }
}

void compare_tensor(const fbs::Tensor* g, const model::TensorView& v) {
  CHECK(same_ptr(v.shape(), g->shape()));
  CHECK(same_values(v.shape(), g->shape()));
  CHECK(static_cast<int>(v.type()) == static_cast<int>(g->type()));
  CHECK(v.buffer() == g->buffer());
  CHECK(std::string(v.name()) == (g->name() != nullptr ? g->name()->str() : std::string()));
  CHECK(v.is_variable() == g->is_variable());
  CHECK(v.has_sparsity() == (g->sparsity() != nullptr));
  const model::QuantView q = v.quantization();
  const fbs::QuantizationParameters* gq = g->quantization();
  CHECK(static_cast<bool>(q) == (gq != nullptr));
  if (gq == nullptr) return;
  CHECK(same_ptr(q.scale(), gq->scale()));
  CHECK(same_values(q.scale(), gq->scale()));
  CHECK(same_ptr(q.zero_point(), gq->zero_point()));
  CHECK(same_values(q.zero_point(), gq->zero_point()));
  CHECK(q.quantized_dimension() == gq->quantized_dimension());
  CHECK(q.details_type() == gq->details_type());
}

/// Field-by-field comparison of one model; returns how many tensors and ops were compared.
void compare_model(const std::string& name, const ExactBytes& bytes, int* tensors, int* ops) {
  INFO("model: " << name);
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  REQUIRE(fbs::VerifyModelBuffer(verifier));  // flatc's own verifier accepts it
  tinyml::Diag diag;
  REQUIRE(model::verify_structure(bytes.data(), bytes.size(), diag) == Status::kOk);

  const fbs::Model* g = fbs::GetModel(bytes.data());
  const model::ModelView v = model::root(bytes.data());
  CHECK(same_ptr(v.table(), g));
  CHECK(v.version() == g->version());
  CHECK(std::string(v.description()) ==
        (g->description() != nullptr ? g->description()->str() : std::string()));

  REQUIRE(model::size_of(v.operator_codes()) == model::size_of(g->operator_codes()));
  for (std::uint32_t i = 0; i < model::size_of(g->operator_codes()); ++i) {
    INFO("operator code " << i);
    const fbs::OperatorCode* gc = g->operator_codes()->Get(i);
    const model::OperatorCodeView c = v.opcode(i);
    CHECK(c.builtin_code() == effective_code(gc));
    CHECK(c.version() == gc->version());
    CHECK(std::string(c.custom_code()) ==
          (gc->custom_code() != nullptr ? gc->custom_code()->str() : std::string()));
  }

  REQUIRE(model::size_of(v.buffers()) == model::size_of(g->buffers()));
  for (std::uint32_t i = 0; i < model::size_of(g->buffers()); ++i) {
    INFO("buffer " << i);
    const fbs::Buffer* gb = g->buffers()->Get(i);
    const model::BufferView b = v.buffer(i);
    CHECK(same_ptr(b.data(), gb->data()));
    CHECK(model::size_of(b.data()) == model::size_of(gb->data()));
    CHECK(b.offset() == gb->offset());
    CHECK(b.size() == gb->size());
  }

  REQUIRE(model::size_of(v.subgraphs()) == model::size_of(g->subgraphs()));
  for (std::uint32_t s = 0; s < model::size_of(g->subgraphs()); ++s) {
    INFO("subgraph " << s);
    const fbs::SubGraph* gs = g->subgraphs()->Get(s);
    const model::SubGraphView sv = v.subgraph(s);
    CHECK(same_values(sv.inputs(), gs->inputs()));
    CHECK(same_values(sv.outputs(), gs->outputs()));
    REQUIRE(sv.num_tensors() == model::size_of(gs->tensors()));
    REQUIRE(sv.num_ops() == model::size_of(gs->operators()));
    for (std::uint32_t t = 0; t < sv.num_tensors(); ++t) {
      INFO("tensor " << t);
      compare_tensor(gs->tensors()->Get(t), sv.tensor(t));
      ++*tensors;
    }
    for (std::uint32_t o = 0; o < sv.num_ops(); ++o) {
      INFO("op " << o);
      const fbs::Operator* go = gs->operators()->Get(o);
      const model::OperatorView ov = sv.op(o);
      CHECK(ov.opcode_index() == go->opcode_index());
      CHECK(same_ptr(ov.inputs(), go->inputs()));
      CHECK(same_values(ov.inputs(), go->inputs()));
      CHECK(same_ptr(ov.outputs(), go->outputs()));
      CHECK(same_values(ov.outputs(), go->outputs()));
      compare_options(go, ov);
      ++*ops;
    }
  }
}

/// The interpreter's public view (TensorRef, op_info) of a model it loads, against flatc's.
void compare_interpreter(const std::string& name, const ExactBytes& bytes, bool must_load) {
  INFO("model: " << name);
  Interp in;
  const Status s = in.init(bytes.data(), bytes.size(), big_arena(), kBigArena);
  if (must_load) REQUIRE_MESSAGE(s == Status::kOk, std::string(in.error_message()));
  if (s != Status::kOk) {
    MESSAGE(name << ": not loadable by tinyml (" << std::string(tinyml::to_string(s)) << ": "
                 << std::string(in.error_message()) << "); compared at the view level only");
    return;
  }
  const fbs::Model* g = fbs::GetModel(bytes.data());
  const fbs::SubGraph* gs = g->subgraphs()->Get(0);
  REQUIRE(in.num_tensors() == gs->tensors()->size());
  REQUIRE(in.num_ops() == gs->operators()->size());
  CHECK(in.num_inputs() == model::size_of(gs->inputs()));
  CHECK(in.num_outputs() == model::size_of(gs->outputs()));
  for (std::uint32_t k = 0; k < model::size_of(gs->inputs()); ++k) {
    CHECK(in.input(k).index == gs->inputs()->Get(k));
  }
  for (std::uint32_t k = 0; k < model::size_of(gs->outputs()); ++k) {
    CHECK(in.output(k).index == gs->outputs()->Get(k));
  }
  for (std::uint32_t i = 0; i < gs->tensors()->size(); ++i) {
    INFO("tensor " << i);
    const fbs::Tensor* gt = gs->tensors()->Get(i);
    const tinyml::TensorRef r = in.tensor(static_cast<std::int32_t>(i));
    CHECK(r.index == static_cast<std::int32_t>(i));
    CHECK(static_cast<int>(r.type) == static_cast<int>(gt->type()));
    REQUIRE(r.shape.rank == static_cast<std::int32_t>(model::size_of(gt->shape())));
    for (std::int32_t d = 0; d < r.shape.rank; ++d) {
      CHECK(r.shape.dims[d] == gt->shape()->Get(static_cast<std::uint32_t>(d)));
    }
    CHECK(std::string(r.name) == (gt->name() != nullptr ? gt->name()->str() : std::string()));
    const fbs::QuantizationParameters* q = gt->quantization();
    const bool has_scale = q != nullptr && model::size_of(q->scale()) > 0;
    const bool has_zp = q != nullptr && model::size_of(q->zero_point()) > 0;
    CHECK(float_bits(r.scale) == float_bits(has_scale ? q->scale()->Get(0) : 0.0f));
    CHECK(r.zero_point == (has_zp ? q->zero_point()->Get(0) : 0));
    const fbs::Buffer* gb = g->buffers()->Get(gt->buffer());
    if (gb->data() != nullptr && gb->data()->size() > 0) {
      CHECK(r.data == gb->data()->data());  // constants are used in place (zero copy)
      CHECK(r.bytes == gb->data()->size());
    }
  }
  for (std::uint32_t i = 0; i < gs->operators()->size(); ++i) {
    INFO("op " << i);
    const fbs::Operator* go = gs->operators()->Get(i);
    const tinyml::OpInfo info = in.op_info(i);
    CHECK(info.builtin == effective_code(g->operator_codes()->Get(go->opcode_index())));
    CHECK(info.output == go->outputs()->Get(0));
  }
}

TEST_CASE("reader vs flatc: digits_cnn_int8") {
  const ExactBytes bytes = read_exact(digits_path());
  REQUIRE_FALSE(bytes.empty());
  int tensors = 0, ops = 0;
  compare_model("digits_cnn_int8", bytes, &tensors, &ops);
  CHECK(tensors == 19);
  CHECK(ops == 9);
  compare_interpreter("digits_cnn_int8", bytes, /*must_load=*/true);
}

TEST_CASE("reader vs flatc: shared models") {
  const std::vector<std::string> paths = shared_models_or_skip("reader vs flatc on shared models");
  for (const std::string& p : paths) {
    const ExactBytes bytes = read_exact(p);
    REQUIRE_FALSE(bytes.empty());
    int tensors = 0, ops = 0;
    compare_model(stem(p), bytes, &tensors, &ops);
    CHECK(tensors > 0);
    CHECK(ops > 0);
    // The int8 models are the ones tinyml exists for: they must load.
    const bool int8 = stem(p).find("int8") != std::string::npos ||
                      stem(p).find("quantized") != std::string::npos;
    compare_interpreter(stem(p), bytes, int8);
  }
}

TEST_CASE("reader vs flatc: a model built with the object API, every options table set") {
  // Non-default values in every options field, so a wrong id cannot hide behind a default.
  ModelBuilder b;
  const std::uint32_t conv = b.opcode(fbs::BuiltinOperator_CONV_2D);
  const std::uint32_t dw = b.opcode(fbs::BuiltinOperator_DEPTHWISE_CONV_2D);
  const std::uint32_t pool = b.opcode(fbs::BuiltinOperator_MAX_POOL_2D);
  const std::uint32_t fc = b.opcode(fbs::BuiltinOperator_FULLY_CONNECTED);
  const std::uint32_t sm = b.opcode(fbs::BuiltinOperator_SOFTMAX);
  const std::uint32_t add = b.opcode(fbs::BuiltinOperator_ADD);
  const std::uint32_t rs = b.opcode(fbs::BuiltinOperator_RESHAPE);
  const std::int32_t t0 = b.tensor({1, 2, 3, 4}, fbs::TensorType_INT8, 0.5f, 3);
  b.graph().tensors[0]->quantization->quantized_dimension = 2;
  b.graph().tensors[0]->is_variable = false;
  auto set_op = [&](std::uint32_t code, fbs::BuiltinOptionsUnion opts) {
    fbs::OperatorT& o = b.op(code, {t0, -1, t0}, {t0});
    o.builtin_options = std::move(opts);
  };
  {
    fbs::BuiltinOptionsUnion u;
    fbs::Conv2DOptionsT o;
    o.padding = fbs::Padding_VALID; o.stride_w = 2; o.stride_h = 3;
    o.fused_activation_function = fbs::ActivationFunctionType_RELU6;
    o.dilation_w_factor = 4; o.dilation_h_factor = 5;
    u.Set(o);
    set_op(conv, std::move(u));
  }
  {
    fbs::BuiltinOptionsUnion u;
    fbs::DepthwiseConv2DOptionsT o;
    o.padding = fbs::Padding_VALID; o.stride_w = 6; o.stride_h = 7; o.depth_multiplier = 8;
    o.fused_activation_function = fbs::ActivationFunctionType_RELU_N1_TO_1;
    o.dilation_w_factor = 9; o.dilation_h_factor = 10;
    u.Set(o);
    set_op(dw, std::move(u));
  }
  {
    fbs::BuiltinOptionsUnion u;
    fbs::Pool2DOptionsT o;
    o.padding = fbs::Padding_VALID; o.stride_w = 11; o.stride_h = 12; o.filter_width = 13;
    o.filter_height = 14; o.fused_activation_function = fbs::ActivationFunctionType_RELU;
    u.Set(o);
    set_op(pool, std::move(u));
  }
  {
    fbs::BuiltinOptionsUnion u;
    fbs::FullyConnectedOptionsT o;
    o.fused_activation_function = fbs::ActivationFunctionType_SIGN_BIT;
    o.weights_format = fbs::FullyConnectedOptionsWeightsFormat_SHUFFLED4x16INT8;
    o.keep_num_dims = true; o.asymmetric_quantize_inputs = true;
    u.Set(o);
    set_op(fc, std::move(u));
  }
  {
    fbs::BuiltinOptionsUnion u;
    fbs::SoftmaxOptionsT o;
    o.beta = 0.75f;
    u.Set(o);
    set_op(sm, std::move(u));
  }
  {
    fbs::BuiltinOptionsUnion u;
    fbs::AddOptionsT o;
    o.fused_activation_function = fbs::ActivationFunctionType_TANH;
    o.pot_scale_int16 = false;
    u.Set(o);
    set_op(add, std::move(u));
  }
  {
    fbs::BuiltinOptionsUnion u;
    fbs::ReshapeOptionsT o;
    o.new_shape = {4, 3, 2, 1};
    u.Set(o);
    set_op(rs, std::move(u));
  }
  b.model().description = "object api";
  b.model().operator_codes[fc]->version = 7;
  b.model().operator_codes[fc]->custom_code = "not-custom";
  // An op code above 127 written the modern way (placeholder in the legacy byte).
  b.opcode(fbs::BuiltinOperator_QUANTIZE);
  auto big = std::make_unique<fbs::BufferT>();
  big->offset = 123456789;
  big->size = 42;
  b.model().buffers.push_back(std::move(big));
  const ExactBytes bytes = pack(b.model());
  int tensors = 0, ops = 0;
  compare_model("object-api model", bytes, &tensors, &ops);
  CHECK(ops == 7);
  const model::ModelView v = model::root(bytes.data());
  CHECK(v.opcode(7).builtin_code() == 114);
  CHECK(v.buffer(1).offset() == 123456789u);
}

}  // namespace
