// SPDX-License-Identifier: Apache-2.0
// Corrupted-model corpus, semantic level: each case unpacks the digits model with flatc's object
// API, breaks exactly one thing (an index, a shape, a quantization parameter, an option, the
// dataflow), packs it again with identifier "TFL3" and expects init() to refuse it with a message.
// A last group holds extreme but well-formed models: they may load, but invoke() must not crash
// (run under ASan+UBSan to see undefined behaviour). Every case runs in a forked child.
//
// Set TINYML_LOADER_VERBOSE=1 to print the status and message of every case.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "loader_support.hpp"

namespace {

using namespace tinyml_test::loader;

// Layout of examples/models/digits_cnn_int8.tflite (checked by the first test case below).
enum DigitsTensor : int {
  kIn = 0, kShapeConst = 1, kFcBias = 2, kFcW = 3, kPwBias = 4, kPwW = 5, kDwBias = 6, kDwW = 7,
  kConvBias = 8, kConvW = 9, kConvOut = 10, kDwOut = 11, kPwOut = 12, kAddOut = 13, kMaxOut = 14,
  kAvgOut = 15, kRsOut = 16, kFcOut = 17, kSmOut = 18, kNumTensors = 19,
};
enum DigitsOp : int {
  kOpConv = 0, kOpDw = 1, kOpPw = 2, kOpAdd = 3, kOpMax = 4, kOpAvg = 5, kOpReshape = 6,
  kOpFc = 7, kOpSoftmax = 8,
};

ExactBytes& digits() {
  static ExactBytes b = read_exact(digits_path());
  return b;
}

fbs::TensorT& tensor(fbs::ModelT& m, int i) { return *m.subgraphs[0]->tensors[i]; }
fbs::OperatorT& op(fbs::ModelT& m, int i) { return *m.subgraphs[0]->operators[i]; }
fbs::BufferT& buffer_of(fbs::ModelT& m, int t) { return *m.buffers[tensor(m, t).buffer]; }
fbs::QuantizationParametersT& q(fbs::ModelT& m, int t) { return *tensor(m, t).quantization; }

template <class T>
void set_data(fbs::ModelT& m, int t, const std::vector<T>& v) {
  tensor(m, t).buffer = add_buffer(m, v.data(), v.size() * sizeof(T));
}

/// A new int8 activation tensor [1,8,8,8] quantized like the conv output; returns its index.
int new_activation(fbs::ModelT& m) {
  auto t = std::make_unique<fbs::TensorT>();
  t->shape = {1, 8, 8, 8};
  t->type = fbs::TensorType_INT8;
  t->name = "orphan";
  t->quantization = quant({q(m, kConvOut).scale[0]}, {q(m, kConvOut).zero_point[0]});
  m.subgraphs[0]->tensors.push_back(std::move(t));
  return static_cast<int>(m.subgraphs[0]->tensors.size() - 1);
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr std::int32_t kI32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int32_t kI32Min = std::numeric_limits<std::int32_t>::min();

struct Case {
  std::string name;
  std::function<ExactBytes()> make;
  std::vector<Status> allowed;  ///< acceptable refusals; empty: any non-Ok status
  bool may_load = false;        ///< well-formed extreme: Ok allowed, invoke must not crash
  int fill = -1;                ///< input byte for invoke (-1: pseudo-random)
};

/// A case on the digits model: unpack, apply `f`, pack.
std::function<ExactBytes()> on_digits(std::function<void(fbs::ModelT&)> f) {
  return [f] {
    auto m = unpack(digits().data());
    f(*m);
    return pack(*m);
  };
}

std::vector<Case> cases() {
  using S = Status;
  const S kInv = S::kInvalidModel, kShape = S::kShapeMismatch, kQuant = S::kBadQuantization,
          kType = S::kUnsupportedType, kOp = S::kUnsupportedOp;
  std::vector<Case> c;
  auto add = [&](std::string name, std::vector<S> allowed, std::function<void(fbs::ModelT&)> f) {
    c.push_back(Case{std::move(name), on_digits(std::move(f)), std::move(allowed)});
  };

  // ---- indices ----
  add("tensor buffer index = number of buffers", {kInv},
      [](fbs::ModelT& m) { tensor(m, kConvW).buffer = static_cast<std::uint32_t>(m.buffers.size()); });
  add("tensor buffer index 0xFFFFFFFF", {kInv},
      [](fbs::ModelT& m) { tensor(m, kConvBias).buffer = 0xFFFFFFFFu; });
  add("op input index = number of tensors", {kInv},
      [](fbs::ModelT& m) { op(m, kOpConv).inputs[0] = kNumTensors; });
  add("op input index -2", {kInv}, [](fbs::ModelT& m) { op(m, kOpAdd).inputs[1] = -2; });
  add("op input index INT32_MAX", {kInv}, [](fbs::ModelT& m) { op(m, kOpFc).inputs[1] = kI32Max; });
  add("op input index INT32_MIN", {kInv}, [](fbs::ModelT& m) { op(m, kOpFc).inputs[0] = kI32Min; });
  add("op output index = number of tensors", {kInv},
      [](fbs::ModelT& m) { op(m, kOpSoftmax).outputs[0] = kNumTensors; });
  add("op output index -1", {kInv}, [](fbs::ModelT& m) { op(m, kOpSoftmax).outputs[0] = -1; });
  add("graph input index out of range", {kInv},
      [](fbs::ModelT& m) { m.subgraphs[0]->inputs[0] = kNumTensors; });
  add("graph output index out of range", {kInv},
      [](fbs::ModelT& m) { m.subgraphs[0]->outputs[0] = 1000; });
  add("graph output index -1", {kInv}, [](fbs::ModelT& m) { m.subgraphs[0]->outputs[0] = -1; });
  add("opcode index = number of operator codes", {kInv}, [](fbs::ModelT& m) {
    op(m, kOpAdd).opcode_index = static_cast<std::uint32_t>(m.operator_codes.size());
  });
  add("opcode index 0xFFFFFFFF", {kInv}, [](fbs::ModelT& m) { op(m, kOpAdd).opcode_index = 0xFFFFFFFFu; });
  add("required conv filter omitted (-1)", {kInv}, [](fbs::ModelT& m) { op(m, kOpConv).inputs[1] = -1; });
  add("required conv input omitted (-1)", {kInv}, [](fbs::ModelT& m) { op(m, kOpConv).inputs[0] = -1; });

  // ---- shapes ----
  add("activation with a 0 dimension", {kInv, kShape},
      [](fbs::ModelT& m) { tensor(m, kAddOut).shape = {1, 8, 0, 8}; });
  add("activation with a negative dimension", {kInv, kShape},
      [](fbs::ModelT& m) { tensor(m, kAddOut).shape = {1, -8, 8, 8}; });
  add("activation 2^30 x 2^30 (element count overflows)", {kInv, kShape},
      [](fbs::ModelT& m) { tensor(m, kAddOut).shape = {1, 1 << 30, 1 << 30, 8}; });
  add("activation 2^16 x 2^16 x 2^16 (product overflows 32 bits)", {kInv, kShape},
      [](fbs::ModelT& m) { tensor(m, kAddOut).shape = {1 << 16, 1 << 16, 1 << 16, 1}; });
  add("activation of exactly 2^31 elements", {kInv, kShape},
      [](fbs::ModelT& m) { tensor(m, kAddOut).shape = {1, 1 << 16, 1 << 15, 1}; });
  add("int32 activation of 2^30 elements (4 GiB)", {kInv, kShape, S::kArenaTooSmall}, [](fbs::ModelT& m) {
    tensor(m, kAddOut).shape = {1, 1 << 15, 1 << 15, 1};
    tensor(m, kAddOut).type = fbs::TensorType_INT32;
  });
  add("rank 7 tensor", {kInv, kShape, kOp},
      [](fbs::ModelT& m) { tensor(m, kAddOut).shape = {1, 1, 1, 1, 8, 8, 8}; });
  add("conv input of rank 3", {kShape, kInv}, [](fbs::ModelT& m) { tensor(m, kIn).shape = {8, 8, 1}; });
  add("conv input of rank 0 (scalar)", {kShape, kInv}, [](fbs::ModelT& m) { tensor(m, kIn).shape.clear(); });
  add("weights shape disagrees with buffer size", {kInv},
      [](fbs::ModelT& m) { tensor(m, kConvW).shape = {8, 3, 3, 2}; });
  add("bias buffer one byte short", {kInv}, [](fbs::ModelT& m) { buffer_of(m, kConvBias).data.pop_back(); });
  add("bias buffer one byte long", {kInv}, [](fbs::ModelT& m) { buffer_of(m, kConvBias).data.push_back(0); });
  add("constant with a 0 dimension", {kInv, kShape},
      [](fbs::ModelT& m) { tensor(m, kConvW).shape = {0, 3, 3, 1}; });
  add("conv output height off by one", {kShape},
      [](fbs::ModelT& m) { tensor(m, kConvOut).shape = {1, 9, 8, 8}; });
  add("conv output batch 2", {kShape}, [](fbs::ModelT& m) { tensor(m, kConvOut).shape = {2, 8, 8, 8}; });
  add("conv output of rank 3", {kShape}, [](fbs::ModelT& m) { tensor(m, kConvOut).shape = {8, 8, 8}; });
  add("depthwise output channels 15 instead of 16", {kShape},
      [](fbs::ModelT& m) { tensor(m, kDwOut).shape = {1, 8, 8, 15}; });
  add("pointwise (VALID) output width off by one", {kShape},
      [](fbs::ModelT& m) { tensor(m, kPwOut).shape = {1, 8, 7, 8}; });
  add("add output shape wrong", {kShape}, [](fbs::ModelT& m) { tensor(m, kAddOut).shape = {1, 8, 8, 4}; });
  add("max pool output shape wrong", {kShape},
      [](fbs::ModelT& m) { tensor(m, kMaxOut).shape = {1, 5, 4, 8}; });
  add("average pool output shape wrong", {kShape},
      [](fbs::ModelT& m) { tensor(m, kAvgOut).shape = {1, 2, 3, 8}; });
  add("reshape output element count differs", {kShape},
      [](fbs::ModelT& m) { tensor(m, kRsOut).shape = {1, 31}; });
  add("reshape shape tensor disagrees with output", {kShape},
      [](fbs::ModelT& m) { set_data<std::int32_t>(m, kShapeConst, {1, 33}); });
  add("reshape shape tensor with two -1", {kInv, kShape},
      [](fbs::ModelT& m) { set_data<std::int32_t>(m, kShapeConst, {-1, -1}); });
  add("reshape shape tensor with a negative dimension", {kInv, kShape},
      [](fbs::ModelT& m) { set_data<std::int32_t>(m, kShapeConst, {-32, -1}); });
  add("reshape shape tensor with a 0 dimension and -1", {kInv, kShape},
      [](fbs::ModelT& m) { set_data<std::int32_t>(m, kShapeConst, {0, -1}); });
  add("reshape shape tensor of rank 7", {kInv, kShape, kOp}, [](fbs::ModelT& m) {
    tensor(m, kShapeConst).shape = {7};
    set_data<std::int32_t>(m, kShapeConst, {1, 1, 1, 1, 1, 1, 32});
  });
  add("reshape shape tensor of type int8", {kType, kInv, kShape}, [](fbs::ModelT& m) {
    tensor(m, kShapeConst).type = fbs::TensorType_INT8;
    set_data<std::int8_t>(m, kShapeConst, {1, 32});
  });
  add("reshape output type differs from input", {kType}, [](fbs::ModelT& m) {
    tensor(m, kRsOut).type = fbs::TensorType_UINT8;
  });
  add("fully connected output shape wrong", {kShape},
      [](fbs::ModelT& m) { tensor(m, kFcOut).shape = {1, 11}; });
  add("softmax output shape wrong", {kShape}, [](fbs::ModelT& m) { tensor(m, kSmOut).shape = {1, 9}; });
  add("fully connected weights depth does not divide the input", {kShape}, [](fbs::ModelT& m) {
    tensor(m, kFcW).shape = {10, 31};
    set_data(m, kFcW, std::vector<std::int8_t>(310, 1));
  });
  add("fully connected weights of rank 3", {kShape, kInv}, [](fbs::ModelT& m) {
    tensor(m, kFcW).shape = {10, 4, 8};
  });
  add("add inputs not broadcast-compatible", {kShape},
      [](fbs::ModelT& m) { op(m, kOpAdd).inputs[1] = kDwOut; });
  add("add input of rank 5", {kOp, kShape}, [](fbs::ModelT& m) {
    tensor(m, kConvOut).shape = {1, 1, 8, 8, 8};
  });
  add("depthwise filter first dimension 2", {kShape}, [](fbs::ModelT& m) {
    tensor(m, kDwW).shape = {2, 3, 3, 8};  // same byte count as [1,3,3,16]
  });
  add("depthwise filter channels not a multiple of the input's", {kShape, kInv}, [](fbs::ModelT& m) {
    tensor(m, kDwW).shape = {1, 3, 3, 12};
    set_data(m, kDwW, std::vector<std::int8_t>(108, 1));
  });
  add("conv filter depth does not divide the input channels", {kShape}, [](fbs::ModelT& m) {
    tensor(m, kPwW).shape = {8, 1, 1, 3};
    set_data(m, kPwW, std::vector<std::int8_t>(24, 1));
  });
  add("conv filter depth larger than the input channels", {kShape}, [](fbs::ModelT& m) {
    tensor(m, kPwW).shape = {8, 1, 1, 32};
    set_data(m, kPwW, std::vector<std::int8_t>(256, 1));
  });

  // ---- quantization ----
  add("int8 activation without quantization", {kQuant},
      [](fbs::ModelT& m) { tensor(m, kConvOut).quantization.reset(); });
  add("int8 activation with an empty scale vector", {kQuant},
      [](fbs::ModelT& m) { q(m, kConvOut).scale.clear(); });
  add("activation scale 0", {kQuant}, [](fbs::ModelT& m) { q(m, kConvOut).scale[0] = 0.0f; });
  add("activation scale negative", {kQuant}, [](fbs::ModelT& m) { q(m, kConvOut).scale[0] = -0.1f; });
  add("activation scale NaN", {kQuant}, [](fbs::ModelT& m) { q(m, kConvOut).scale[0] = kNaN; });
  add("activation scale +inf", {kQuant}, [](fbs::ModelT& m) { q(m, kConvOut).scale[0] = kInf; });
  add("graph input scale NaN", {kQuant}, [](fbs::ModelT& m) { q(m, kIn).scale[0] = kNaN; });
  add("input without quantization", {kQuant}, [](fbs::ModelT& m) { tensor(m, kIn).quantization.reset(); });
  add("activation zero point 200 (outside int8)", {kQuant},
      [](fbs::ModelT& m) { q(m, kConvOut).zero_point[0] = 200; });
  add("activation zero point 2^40", {kQuant},
      [](fbs::ModelT& m) { q(m, kConvOut).zero_point[0] = std::int64_t{1} << 40; });
  add("conv weights: 7 scales for 8 channels", {kQuant}, [](fbs::ModelT& m) {
    q(m, kConvW).scale.pop_back();
    q(m, kConvW).zero_point.pop_back();
  });
  add("conv weights: 9 scales for 8 channels", {kQuant}, [](fbs::ModelT& m) {
    q(m, kConvW).scale.push_back(0.01f);
    q(m, kConvW).zero_point.push_back(0);
  });
  add("conv weights: 5 zero points for 8 scales", {kQuant},
      [](fbs::ModelT& m) { q(m, kConvW).zero_point.resize(5); });
  add("conv weights: per-channel on dimension 3", {kQuant},
      [](fbs::ModelT& m) { q(m, kConvW).quantized_dimension = 3; });
  add("conv weights: quantized_dimension 99", {kQuant},
      [](fbs::ModelT& m) { q(m, kConvW).quantized_dimension = 99; });
  add("conv weights without quantization", {kQuant},
      [](fbs::ModelT& m) { tensor(m, kConvW).quantization.reset(); });
  add("depthwise weights: 15 scales for 16 channels", {kQuant}, [](fbs::ModelT& m) {
    q(m, kDwW).scale.pop_back();
    q(m, kDwW).zero_point.pop_back();
  });
  add("depthwise weights: per-channel on dimension 0", {kQuant},
      [](fbs::ModelT& m) { q(m, kDwW).quantized_dimension = 0; });
  add("weight scale negative", {kQuant}, [](fbs::ModelT& m) { q(m, kConvW).scale[3] = -1.0f; });
  add("weight scale NaN", {kQuant}, [](fbs::ModelT& m) { q(m, kConvW).scale[0] = kNaN; });
  add("weight scale +inf", {kQuant}, [](fbs::ModelT& m) { q(m, kDwW).scale[5] = kInf; });
  add("int8 conv weights with a non-zero zero point", {kQuant},
      [](fbs::ModelT& m) { q(m, kConvW).zero_point[2] = 3; });
  add("fully connected per-channel weights, channel 5 zero point 7", {kQuant},
      [](fbs::ModelT& m) { q(m, kFcW).zero_point[5] = 7; });
  add("fully connected weights zero point 300", {kQuant}, [](fbs::ModelT& m) {
    q(m, kFcW).scale.resize(1);
    q(m, kFcW).zero_point = {300};
  });
  add("max pool input/output quantization differ", {kQuant},
      [](fbs::ModelT& m) { q(m, kMaxOut).scale[0] *= 2.0f; });
  add("softmax output scale not 1/256", {kQuant}, [](fbs::ModelT& m) { q(m, kSmOut).scale[0] = 0.01f; });
  add("softmax output zero point not -128", {kQuant},
      [](fbs::ModelT& m) { q(m, kSmOut).zero_point[0] = 0; });
  add("softmax beta NaN", {kQuant, kInv},
      [](fbs::ModelT& m) { op(m, kOpSoftmax).builtin_options.AsSoftmaxOptions()->beta = kNaN; });
  add("softmax beta 0", {kQuant, kInv},
      [](fbs::ModelT& m) { op(m, kOpSoftmax).builtin_options.AsSoftmaxOptions()->beta = 0.0f; });
  add("softmax beta negative", {kQuant, kInv},
      [](fbs::ModelT& m) { op(m, kOpSoftmax).builtin_options.AsSoftmaxOptions()->beta = -1.0f; });
  add("add output scale 1e-9 (multiplier >= 1)", {kQuant}, [](fbs::ModelT& m) {
    q(m, kAddOut).scale[0] = 1e-9f;
    q(m, kMaxOut).scale[0] = 1e-9f;
    q(m, kAvgOut).scale[0] = 1e-9f;
    q(m, kRsOut).scale[0] = 1e-9f;
  });

  // ---- types ----
  add("bias int8 instead of int32", {kType}, [](fbs::ModelT& m) {
    tensor(m, kConvBias).type = fbs::TensorType_INT8;
    set_data(m, kConvBias, std::vector<std::int8_t>(8, 1));
  });
  add("bias int64 instead of int32", {kType}, [](fbs::ModelT& m) {
    tensor(m, kConvBias).type = fbs::TensorType_INT64;
    set_data(m, kConvBias, std::vector<std::int64_t>(8, 1));
  });
  add("bias int32 with 7 elements for 8 channels", {kShape}, [](fbs::ModelT& m) {
    tensor(m, kConvBias).shape = {7};
    set_data(m, kConvBias, std::vector<std::int32_t>(7, 1));
  });
  add("bias not constant (no data, never written)", {kInv, kOp},
      [](fbs::ModelT& m) { tensor(m, kConvBias).buffer = 0; });
  add("conv filter not constant (no data, never written)", {kInv, kOp},
      [](fbs::ModelT& m) { tensor(m, kConvW).buffer = 0; });
  add("conv input uint8", {kType}, [](fbs::ModelT& m) { tensor(m, kIn).type = fbs::TensorType_UINT8; });
  add("conv input float32", {kType}, [](fbs::ModelT& m) { tensor(m, kIn).type = fbs::TensorType_FLOAT32; });
  add("conv output int16", {kType}, [](fbs::ModelT& m) { tensor(m, kConvOut).type = fbs::TensorType_INT16; });
  add("conv filter uint8", {kType}, [](fbs::ModelT& m) { tensor(m, kConvW).type = fbs::TensorType_UINT8; });
  add("constant of type STRING", {kType, kInv},
      [](fbs::ModelT& m) { tensor(m, kConvW).type = fbs::TensorType_STRING; });
  add("graph input of type STRING", {kType, kInv},
      [](fbs::ModelT& m) { tensor(m, kIn).type = fbs::TensorType_STRING; });
  add("activation of type RESOURCE", {kType, kInv},
      [](fbs::ModelT& m) { tensor(m, kConvOut).type = fbs::TensorType_RESOURCE; });
  add("tensor type 99 (not in the format)", {kType, kInv},
      [](fbs::ModelT& m) { tensor(m, kConvOut).type = static_cast<fbs::TensorType>(99); });
  add("variable tensor", {kType}, [](fbs::ModelT& m) { tensor(m, kConvOut).is_variable = true; });
  add("sparse weights", {kType}, [](fbs::ModelT& m) {
    tensor(m, kConvW).sparsity = std::make_unique<fbs::SparsityParametersT>();
  });
  add("fully connected shuffled weights format", {kOp}, [](fbs::ModelT& m) {
    op(m, kOpFc).builtin_options.AsFullyConnectedOptions()->weights_format =
        fbs::FullyConnectedOptionsWeightsFormat_SHUFFLED4x16INT8;
  });

  // ---- options ----
  auto conv_opts = [](fbs::ModelT& m, int i) { return op(m, i).builtin_options.AsConv2DOptions(); };
  auto dw_opts = [](fbs::ModelT& m) { return op(m, kOpDw).builtin_options.AsDepthwiseConv2DOptions(); };
  auto pool_opts = [](fbs::ModelT& m) { return op(m, kOpMax).builtin_options.AsPool2DOptions(); };
  add("conv stride_w 0", {kInv}, [=](fbs::ModelT& m) { conv_opts(m, kOpConv)->stride_w = 0; });
  add("conv stride_h -1", {kInv}, [=](fbs::ModelT& m) { conv_opts(m, kOpConv)->stride_h = -1; });
  add("conv stride_w INT32_MIN", {kInv}, [=](fbs::ModelT& m) { conv_opts(m, kOpConv)->stride_w = kI32Min; });
  add("conv stride_h INT32_MAX (SAME)", {kShape, kInv},
      [=](fbs::ModelT& m) { conv_opts(m, kOpConv)->stride_h = kI32Max; });
  add("pointwise conv stride_w INT32_MAX (VALID)", {kShape, kInv},
      [=](fbs::ModelT& m) { conv_opts(m, kOpPw)->stride_w = kI32Max; });
  add("conv stride 2 (declared output no longer matches)", {kShape},
      [=](fbs::ModelT& m) { conv_opts(m, kOpConv)->stride_h = 2; });
  add("conv dilation_h 0", {kInv}, [=](fbs::ModelT& m) { conv_opts(m, kOpConv)->dilation_h_factor = 0; });
  add("conv dilation_w -2", {kInv}, [=](fbs::ModelT& m) { conv_opts(m, kOpConv)->dilation_w_factor = -2; });
  add("conv dilation 2^30 with VALID padding (window exceeds the input)", {kInv, kShape},
      [=](fbs::ModelT& m) {
        conv_opts(m, kOpConv)->padding = fbs::Padding_VALID;
        conv_opts(m, kOpConv)->dilation_w_factor = 1 << 30;
      });
  add("conv padding 7", {kInv}, [=](fbs::ModelT& m) {
    conv_opts(m, kOpConv)->padding = static_cast<fbs::Padding>(7);
  });
  add("conv fused activation 9", {kOp, kInv}, [=](fbs::ModelT& m) {
    conv_opts(m, kOpConv)->fused_activation_function = static_cast<fbs::ActivationFunctionType>(9);
  });
  add("conv fused activation TANH", {kOp}, [=](fbs::ModelT& m) {
    conv_opts(m, kOpConv)->fused_activation_function = fbs::ActivationFunctionType_TANH;
  });
  add("conv without options (strides default to 0)", {kInv},
      [](fbs::ModelT& m) { op(m, kOpConv).builtin_options.Reset(); });
  add("conv with Pool2DOptions", {kInv}, [](fbs::ModelT& m) {
    fbs::Pool2DOptionsT p;
    p.stride_w = p.stride_h = p.filter_width = p.filter_height = 1;
    op(m, kOpConv).builtin_options.Set(p);
  });
  add("depthwise stride 0", {kInv}, [=](fbs::ModelT& m) { dw_opts(m)->stride_w = 0; });
  add("depthwise dilation 0", {kInv}, [=](fbs::ModelT& m) { dw_opts(m)->dilation_h_factor = 0; });
  add("depthwise depth_multiplier 3 (channels say 2)", {kInv},
      [=](fbs::ModelT& m) { dw_opts(m)->depth_multiplier = 3; });
  add("depthwise depth_multiplier 1 (channels say 2)", {kInv},
      [=](fbs::ModelT& m) { dw_opts(m)->depth_multiplier = 1; });
  add("depthwise depth_multiplier -2", {kInv}, [=](fbs::ModelT& m) { dw_opts(m)->depth_multiplier = -2; });
  add("depthwise stride_h INT32_MAX (SAME)", {kShape, kInv},
      [=](fbs::ModelT& m) { dw_opts(m)->stride_h = kI32Max; });
  add("max pool stride 0", {kInv}, [=](fbs::ModelT& m) { pool_opts(m)->stride_w = 0; });
  add("max pool filter 0", {kInv}, [=](fbs::ModelT& m) { pool_opts(m)->filter_height = 0; });
  add("max pool filter 9 > input 8 (VALID)", {kShape, kInv},
      [=](fbs::ModelT& m) { pool_opts(m)->filter_width = 9; });
  add("max pool stride INT32_MAX (VALID)", {kShape, kInv},
      [=](fbs::ModelT& m) { pool_opts(m)->stride_w = kI32Max; });
  add("max pool filter INT32_MAX (VALID)", {kShape, kInv},
      [=](fbs::ModelT& m) { pool_opts(m)->filter_width = kI32Max; });
  add("max pool padding 2", {kInv}, [=](fbs::ModelT& m) {
    pool_opts(m)->padding = static_cast<fbs::Padding>(2);
  });
  add("max pool without options", {kInv}, [](fbs::ModelT& m) { op(m, kOpMax).builtin_options.Reset(); });
  add("add fused activation 6", {kOp, kInv}, [](fbs::ModelT& m) {
    fbs::AddOptionsT a;
    a.fused_activation_function = static_cast<fbs::ActivationFunctionType>(6);
    op(m, kOpAdd).builtin_options.Set(a);
  });

  // ---- operators and dataflow ----
  add("unsupported op: ADD's code changed to LSH_PROJECTION (15)", {kOp}, [](fbs::ModelT& m) {
    auto& code = *m.operator_codes[op(m, kOpAdd).opcode_index];
    code.builtin_code = fbs::BuiltinOperator_LSH_PROJECTION;
    code.deprecated_builtin_code = 15;
  });
  add("unsupported op: CUSTOM", {kOp}, [](fbs::ModelT& m) {
    auto& code = *m.operator_codes[op(m, kOpAdd).opcode_index];
    code.builtin_code = fbs::BuiltinOperator_CUSTOM;
    code.deprecated_builtin_code = 32;
    code.custom_code = "MyOp";
  });
  add("unsupported op: builtin code 100000 (placeholder 127)", {kOp}, [](fbs::ModelT& m) {
    auto& code = *m.operator_codes[op(m, kOpAdd).opcode_index];
    code.builtin_code = static_cast<fbs::BuiltinOperator>(100000);
    code.deprecated_builtin_code = 127;
  });
  add("op reads a tensor before it is written (ops 1 and 2 swapped)", {kInv},
      [](fbs::ModelT& m) { std::swap(m.subgraphs[0]->operators[1], m.subgraphs[0]->operators[2]); });
  add("op reads an activation that no op writes", {kInv},
      [](fbs::ModelT& m) { op(m, kOpAdd).inputs[1] = new_activation(m); });
  add("op reads its own output (cycle)", {kInv}, [](fbs::ModelT& m) {
    op(m, kOpSoftmax).inputs[0] = kSmOut;
  });
  add("op 0 reads the last op's output (cycle)", {kInv},
      [](fbs::ModelT& m) { op(m, kOpConv).inputs[0] = kPwOut; });
  add("tensor written twice", {kInv}, [](fbs::ModelT& m) { op(m, kOpPw).outputs[0] = kConvOut; });
  add("op writes a constant tensor", {kInv}, [](fbs::ModelT& m) { op(m, kOpSoftmax).outputs[0] = kFcW; });
  add("op writes the graph input", {kInv}, [](fbs::ModelT& m) { op(m, kOpConv).outputs[0] = kIn; });
  add("graph output never written", {kInv},
      [](fbs::ModelT& m) { m.subgraphs[0]->outputs[0] = new_activation(m); });
  add("graph input is a constant", {kInv}, [](fbs::ModelT& m) { m.subgraphs[0]->inputs[0] = kConvW; });
  add("op with no outputs", {kInv}, [](fbs::ModelT& m) { op(m, kOpSoftmax).outputs.clear(); });
  add("conv with 4 inputs", {kInv}, [](fbs::ModelT& m) { op(m, kOpConv).inputs.push_back(kConvBias); });
  add("conv with 1 input", {kInv}, [](fbs::ModelT& m) { op(m, kOpConv).inputs.resize(1); });
  add("softmax with 2 outputs", {kInv},
      [](fbs::ModelT& m) { op(m, kOpSoftmax).outputs.push_back(new_activation(m)); });
  add("add with 3 inputs", {kInv}, [](fbs::ModelT& m) { op(m, kOpAdd).inputs.push_back(kConvOut); });

  // ---- model level ----
  add("schema version 2", {kInv}, [](fbs::ModelT& m) { m.version = 2; });
  add("schema version 0 (field absent)", {kInv}, [](fbs::ModelT& m) { m.version = 0; });
  add("no subgraphs", {kInv}, [](fbs::ModelT& m) { m.subgraphs.clear(); });
  add("no buffers", {kInv}, [](fbs::ModelT& m) { m.buffers.clear(); });
  add("no tensors", {kInv}, [](fbs::ModelT& m) {
    m.subgraphs[0]->tensors.clear();
    m.subgraphs[0]->operators.clear();
    m.subgraphs[0]->inputs.clear();
    m.subgraphs[0]->outputs.clear();
  });
  add("buffer offset far outside the file", {kInv}, [](fbs::ModelT& m) {
    auto& b = buffer_of(m, kConvW);
    b.data.clear();
    b.offset = std::uint64_t{1} << 40;
    b.size = 72;
  });
  add("buffer offset + size overflows 64 bits", {kInv}, [](fbs::ModelT& m) {
    auto& b = buffer_of(m, kConvW);
    b.data.clear();
    b.offset = 0xFFFFFFFFFFFFFFF0ull;
    b.size = 0x20;
  });
  add("buffer offset inside the file, size past its end", {kInv}, [](fbs::ModelT& m) {
    auto& b = buffer_of(m, kConvW);
    b.data.clear();
    b.offset = 16;
    b.size = 1u << 20;
  });
  add("buffer offset/size disagree with the shape", {kInv}, [](fbs::ModelT& m) {
    auto& b = buffer_of(m, kConvW);
    b.data.clear();
    b.offset = 16;
    b.size = 71;
  });
  add("int32 bias at an odd file offset", {kInv}, [](fbs::ModelT& m) {
    auto& b = buffer_of(m, kConvBias);
    b.data.clear();
    b.offset = 17;
    b.size = 32;
  });

  // ---- QUANTIZE / DEQUANTIZE / RESHAPE options (small models built from scratch) ----
  auto one_op = [&](std::string name, std::vector<S> allowed, bool may_load, int fill,
                    fbs::BuiltinOperator code, fbs::TensorType in_type, float in_scale,
                    fbs::TensorType out_type, float out_scale, std::vector<std::int32_t> out_shape) {
    c.push_back(Case{std::move(name),
                     [=] {
                       ModelBuilder b;
                       const auto k = b.opcode(code);
                       const auto in = b.tensor({1, 4, 4}, in_type, in_scale, 0);
                       const auto out = b.tensor(out_shape, out_type, out_scale, 0);
                       b.op(k, {in}, {out});
                       b.graph().inputs = {in};
                       b.graph().outputs = {out};
                       return pack(b.model());
                     },
                     std::move(allowed), may_load, fill});
  };
  const auto kF32 = fbs::TensorType_FLOAT32, kI8 = fbs::TensorType_INT8;
  one_op("quantize float32 -> int8 without output quantization", {kQuant}, false, -1,
         fbs::BuiltinOperator_QUANTIZE, kF32, 0.0f, kI8, 0.0f, {1, 4, 4});
  one_op("quantize int8 -> int8 with a NaN input scale", {kQuant}, false, -1,
         fbs::BuiltinOperator_QUANTIZE, kI8, kNaN, kI8, 0.5f, {1, 4, 4});
  one_op("quantize float32 -> int16", {kType}, false, -1, fbs::BuiltinOperator_QUANTIZE, kF32,
         0.0f, fbs::TensorType_INT16, 0.5f, {1, 4, 4});
  one_op("quantize output shape differs", {kShape}, false, -1, fbs::BuiltinOperator_QUANTIZE,
         kF32, 0.0f, kI8, 0.5f, {1, 16});
  one_op("dequantize int8 -> int8", {kType}, false, -1, fbs::BuiltinOperator_DEQUANTIZE, kI8,
         0.5f, kI8, 0.5f, {1, 4, 4});
  one_op("dequantize output shape differs", {kShape}, false, -1, fbs::BuiltinOperator_DEQUANTIZE,
         kI8, 0.5f, kF32, 0.0f, {4, 4});
  one_op("dequantize input without quantization", {kQuant}, false, -1,
         fbs::BuiltinOperator_DEQUANTIZE, kI8, 0.0f, kF32, 0.0f, {1, 4, 4});
  one_op("quantize of NaN float inputs (well-formed; must not crash)", {}, true, 0xFF,
         fbs::BuiltinOperator_QUANTIZE, kF32, 0.0f, kI8, 0.5f, {1, 4, 4});
  one_op("quantize int8 -> int8 with scale ratio 1e30 (well-formed; must not crash)", {}, true,
         0x7F, fbs::BuiltinOperator_QUANTIZE, kI8, 1e30f, kI8, 1.0f, {1, 4, 4});
  add("reshape new_shape option disagrees with the output", {kShape}, [](fbs::ModelT& m) {
    op(m, kOpReshape).inputs.resize(1);
    fbs::ReshapeOptionsT r;
    r.new_shape = {1, 33};
    op(m, kOpReshape).builtin_options.Set(r);
  });
  c.push_back(Case{"control: reshape from the new_shape option [1,-1] loads",
                   on_digits([](fbs::ModelT& m) {
                     op(m, kOpReshape).inputs.resize(1);
                     fbs::ReshapeOptionsT r;
                     r.new_shape = {1, -1};
                     op(m, kOpReshape).builtin_options.Set(r);
                   }),
                   {}, true, -1});

  // ---- well-formed extremes: may load, must not crash ----
  auto extreme = [&](std::string name, std::function<void(fbs::ModelT&)> f, int fill = -1) {
    c.push_back(Case{std::move(name), on_digits(std::move(f)), {}, true, fill});
  };
  extreme("conv bias INT32_MAX in every channel (accumulator + bias overflows)", [](fbs::ModelT& m) {
    set_data(m, kConvBias, std::vector<std::int32_t>(8, kI32Max));
  }, 0x7F);
  extreme("conv bias INT32_MIN in every channel", [](fbs::ModelT& m) {
    set_data(m, kConvBias, std::vector<std::int32_t>(8, kI32Min));
  }, 0x80);
  extreme("fully connected bias INT32_MAX", [](fbs::ModelT& m) {
    set_data(m, kFcBias, std::vector<std::int32_t>(10, kI32Max));
  }, 0x7F);
  extreme("pointwise (1x1) conv dilation INT32_MAX: harmless, the window stays 1x1", [](fbs::ModelT& m) {
    op(m, kOpPw).builtin_options.AsConv2DOptions()->dilation_w_factor = kI32Max;
  });
  extreme("conv dilation 2^30 with SAME padding (declared shape still matches)", [](fbs::ModelT& m) {
    op(m, kOpConv).builtin_options.AsConv2DOptions()->dilation_h_factor = 1 << 30;
  });
  extreme("depthwise dilation 2^30 with SAME padding", [](fbs::ModelT& m) {
    op(m, kOpDw).builtin_options.AsDepthwiseConv2DOptions()->dilation_w_factor = 1 << 30;
  });
  extreme("average pool filter 2^30 with SAME padding", [](fbs::ModelT& m) {
    auto* p = op(m, kOpAvg).builtin_options.AsPool2DOptions();
    p->padding = fbs::Padding_SAME;
    p->filter_height = p->filter_width = 1 << 30;
  });
  extreme("activation scale 1e-38 (multipliers saturate)", [](fbs::ModelT& m) {
    q(m, kConvOut).scale[0] = 1e-38f;
  });
  extreme("activation scale 3e38", [](fbs::ModelT& m) { q(m, kConvOut).scale[0] = 3e38f; });
  extreme("graph input scale denormal 1e-45", [](fbs::ModelT& m) { q(m, kIn).scale[0] = 1e-45f; });
  extreme("weight scale 0 (dead channel)", [](fbs::ModelT& m) { q(m, kConvW).scale[1] = 0.0f; });
  extreme("quantization details set to CustomQuantization", [](fbs::ModelT& m) {
    fbs::CustomQuantizationT cq;
    cq.custom = {1, 2, 3};
    q(m, kConvOut).details.Set(cq);
  });
  extreme("no operators, graph output = graph input", [](fbs::ModelT& m) {
    m.subgraphs[0]->operators.clear();
    m.subgraphs[0]->outputs = {kIn};
  });
  extreme("graph output is a constant tensor", [](fbs::ModelT& m) {
    m.subgraphs[0]->outputs.push_back(kFcBias);
  });

  // From-scratch models.
  c.push_back(Case{"softmax over 8192 equal values (exp-sum wraps to 0)",
                   [] {
                     ModelBuilder b;
                     const auto sm = b.opcode(fbs::BuiltinOperator_SOFTMAX);
                     const auto in = b.tensor({1, 8192}, fbs::TensorType_INT8, 0.1f, 0);
                     const auto out = b.tensor({1, 8192}, fbs::TensorType_INT8, 1.0f / 256, -128);
                     auto& o = b.op(sm, {in}, {out});
                     fbs::SoftmaxOptionsT so;
                     so.beta = 1.0f;
                     o.builtin_options.Set(so);
                     b.graph().inputs = {in};
                     b.graph().outputs = {out};
                     return pack(b.model());
                   },
                   {}, true, 0});
  c.push_back(Case{"fully connected depth 70000 (int32 accumulator overflows)",
                   [] {
                     constexpr int kDepth = 70000;
                     ModelBuilder b;
                     const auto fc = b.opcode(fbs::BuiltinOperator_FULLY_CONNECTED);
                     const auto in = b.tensor({1, kDepth}, fbs::TensorType_INT8, 1.0f, -128);
                     const std::vector<std::int8_t> w(kDepth, 127);
                     const auto wt = b.constant({1, kDepth}, fbs::TensorType_INT8, w.data(), w.size(),
                                                1.0f, 0);
                     const auto out = b.tensor({1, 1}, fbs::TensorType_INT8, 1e9f, 0);
                     auto& o = b.op(fc, {in, wt, -1}, {out});
                     o.builtin_options.Set(fbs::FullyConnectedOptionsT());
                     b.graph().inputs = {in};
                     b.graph().outputs = {out};
                     return pack(b.model());
                   },
                   {}, true, 0x7F});
  return c;
}

TEST_CASE("semantic corpus: the digits model has the layout the cases assume") {
  REQUIRE_FALSE(digits().empty());
  auto m = unpack(digits().data());
  REQUIRE(m->subgraphs.size() == 1);
  const fbs::SubGraphT& g = *m->subgraphs[0];
  REQUIRE(g.tensors.size() == kNumTensors);
  REQUIRE(g.operators.size() == 9);
  const fbs::BuiltinOperator want[] = {
      fbs::BuiltinOperator_CONV_2D, fbs::BuiltinOperator_DEPTHWISE_CONV_2D,
      fbs::BuiltinOperator_CONV_2D, fbs::BuiltinOperator_ADD, fbs::BuiltinOperator_MAX_POOL_2D,
      fbs::BuiltinOperator_AVERAGE_POOL_2D, fbs::BuiltinOperator_RESHAPE,
      fbs::BuiltinOperator_FULLY_CONNECTED, fbs::BuiltinOperator_SOFTMAX};
  for (int i = 0; i < 9; ++i) {
    const auto& code = *m->operator_codes[g.operators[i]->opcode_index];
    CHECK(std::max<int>(code.builtin_code, code.deprecated_builtin_code) == want[i]);
  }
  CHECK(g.operators[kOpConv]->inputs == std::vector<std::int32_t>{kIn, kConvW, kConvBias});
  CHECK(g.operators[kOpConv]->outputs == std::vector<std::int32_t>{kConvOut});
  CHECK(g.operators[kOpDw]->inputs == std::vector<std::int32_t>{kConvOut, kDwW, kDwBias});
  CHECK(g.operators[kOpPw]->inputs == std::vector<std::int32_t>{kDwOut, kPwW, kPwBias});
  CHECK(g.operators[kOpAdd]->inputs == std::vector<std::int32_t>{kConvOut, kPwOut});
  CHECK(g.operators[kOpReshape]->inputs == std::vector<std::int32_t>{kAvgOut, kShapeConst});
  CHECK(g.operators[kOpFc]->inputs == std::vector<std::int32_t>{kRsOut, kFcW, kFcBias});
  CHECK(g.operators[kOpSoftmax]->outputs == std::vector<std::int32_t>{kSmOut});
  CHECK(g.tensors[kConvOut]->shape == std::vector<std::int32_t>{1, 8, 8, 8});
  CHECK(g.tensors[kConvW]->quantization->scale.size() == 8);
  CHECK(g.tensors[kDwW]->quantization->scale.size() == 16);
  CHECK(g.tensors[kFcW]->quantization->scale.size() == 10);
  CHECK(g.operators[kOpConv]->builtin_options.AsConv2DOptions()->padding == fbs::Padding_SAME);
  CHECK(g.operators[kOpDw]->builtin_options.AsDepthwiseConv2DOptions()->depth_multiplier == 2);
}

TEST_CASE("semantic corpus: an untouched re-pack loads and computes like the original") {
  const ExactBytes repacked = pack(*unpack(digits().data()));
  CHECK(repacked.size() != digits().size());  // metadata dropped: really a different file
  const tinyml_test::Bytes input =
      tinyml_test::read_file(tinyml_test::source_dir() + "/examples/models/digit_3.bin");
  REQUIRE(input.size == 64);
  std::vector<std::int8_t> outs[2];
  const ExactBytes* models[2] = {&digits(), &repacked};
  for (int k = 0; k < 2; ++k) {
    Interp in;
    ExactBytes arena(64 * 1024);
    REQUIRE_MESSAGE(in.init(models[k]->data(), models[k]->size(), arena.data(), arena.size()) ==
                        Status::kOk,
                    std::string(in.error_message()));
    REQUIRE(in.input(0).bytes == 64);
    std::memcpy(in.input(0).data, input.data(), 64);
    REQUIRE(in.invoke() == Status::kOk);
    const tinyml::TensorRef o = in.output(0);
    outs[k].assign(o.as<std::int8_t>(), o.as<std::int8_t>() + o.bytes);
  }
  CHECK(outs[0].size() == 10);
  CHECK(outs[0] == outs[1]);
  // The sample is a 3: the re-packed model must classify it too.
  CHECK(std::max_element(outs[1].begin(), outs[1].end()) - outs[1].begin() == 3);
}

TEST_CASE("semantic corpus: each corruption is refused with a message, extremes never crash") {
  const std::vector<Case> all = cases();
  std::vector<ExactBytes> models;
  models.reserve(all.size());
  for (const Case& k : all) models.push_back(k.make());
  const auto results = run_isolated(all.size(), [&](std::size_t i, CaseResult& r) {
    load_case(models[i].data(), models[i].size(), /*invoke=*/true, all[i].fill, &r);
  });
  const char* verbose = std::getenv("TINYML_LOADER_VERBOSE");
  int refused = 0, accepted_bad = 0, wrong_status = 0, crashed = 0, extremes_loaded = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Case& k = all[i];
    const CaseResult& r = results[i];
    INFO("case: " << k.name);
    std::string verdict;
    if (r.state != CaseResult::kDone) {
      ++crashed;
      verdict = "CRASH: " + describe_crash(r);
      FAIL_CHECK(k.name << ": " << describe_crash(r));
    } else if (r.ok()) {
      verdict = "loaded";
      if (k.may_load) {
        ++extremes_loaded;
      } else {
        ++accepted_bad;
        verdict = "ACCEPTED (bug)";
        FAIL_CHECK(k.name << ": init returned Ok for an invalid model");
      }
    } else {
      ++refused;
      verdict = std::string("refused: ") + tinyml::to_string(r.init_status()) + ": " + r.message;
      CHECK_MESSAGE(r.message[0] != '\0', k.name << ": refused without a message");
      if (!k.allowed.empty() &&
          std::find(k.allowed.begin(), k.allowed.end(), r.init_status()) == k.allowed.end()) {
        ++wrong_status;
        verdict = "WRONG STATUS " + verdict;
        FAIL_CHECK(k.name << ": refused with unexpected status "
                          << std::string(tinyml::to_string(r.init_status())) << " ("
                          << std::string(r.message) << ")");
      }
    }
    if (verbose != nullptr && verbose[0] == '1') {
      std::printf("[semantic] %-72s %s\n", k.name.c_str(), verdict.c_str());
    }
  }
  MESSAGE(all.size() << " semantic cases: " << refused << " refused, " << accepted_bad
                     << " wrongly accepted, " << wrong_status << " with an unexpected status, "
                     << crashed << " crashed, " << extremes_loaded << " extremes loaded+invoked");
}

}  // namespace
