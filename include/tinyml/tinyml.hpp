// SPDX-License-Identifier: Apache-2.0
// tinyml: header-only int8 TFLite inference for microcontrollers and desktops. The only header
// applications include.
//
//   alignas(16) static const unsigned char model[] = {...};   // a .tflite file
//   alignas(16) static unsigned char arena[24 * 1024];
//   tinyml::Interpreter<tinyml::DefaultOps> interp;
//   if (interp.init(model, sizeof model, arena, sizeof arena) != tinyml::Status::kOk) {
//     puts(interp.error_message());              // e.g. "arena too small: ... 20976 bytes required"
//   }
//   std::memcpy(interp.input(0).data, features, interp.input(0).bytes);
//   interp.invoke();
//   const int8_t* scores = interp.output(0).as<int8_t>();
#pragma once

#include "tinyml/arch/native.hpp"
#include "tinyml/arch/tags.hpp"
#include "tinyml/config.hpp"
#include "tinyml/core/shape.hpp"
#include "tinyml/core/status.hpp"
#include "tinyml/ops/activation.hpp"
#include "tinyml/ops/binary.hpp"
#include "tinyml/ops/conv.hpp"
#include "tinyml/ops/data.hpp"
#include "tinyml/ops/elementwise.hpp"
#include "tinyml/ops/float.hpp"
#include "tinyml/ops/fully_connected.hpp"
#include "tinyml/ops/hybrid.hpp"
#include "tinyml/ops/matmul.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/ops/pool.hpp"
#include "tinyml/ops/reduce.hpp"
#include "tinyml/ops/resize.hpp"
#include "tinyml/ops/shape_ops.hpp"
#include "tinyml/runtime/interpreter.hpp"

namespace tinyml {
inline namespace TINYML_ABI {

/// The int8 ops of the MLPerf Tiny models (and QUANTIZE/DEQUANTIZE at float boundaries).
using CoreOps =
    OpList<ops::Conv2D, ops::DepthwiseConv2D, ops::FullyConnected, ops::AveragePool2D,
           ops::MaxPool2D, ops::Add, ops::Softmax, ops::Reshape, ops::Quantize, ops::Dequantize>;

/// Every int8 op: what exported int8 tiny models contain.
using Int8Ops = OpSetOf<CoreOps, ActivationOps, BinaryOps, DataOps, ReduceOps, ResizeOps,
                        MatmulOps>;

/// Every operator tinyml implements, int8, float32 and hybrid. Several ops may share a builtin
/// code (an int8 and a float32 CONV_2D): the first whose accepts() takes the op's tensor types
/// runs it. Firmware may list fewer families, or single ops, to link less code:
///   using MyOps = OpSetOf<CoreOps>;  or  OpSet<ops::Conv2D, ops::FullyConnected, ops::Softmax>
using DefaultOps = OpSetOf<CoreOps, ActivationOps, BinaryOps, DataOps, ReduceOps, ResizeOps,
                           MatmulOps, FloatOps, HybridOps>;

}  // namespace TINYML_ABI
}  // namespace tinyml
