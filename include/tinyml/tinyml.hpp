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
#include "tinyml/ops/conv.hpp"
#include "tinyml/ops/elementwise.hpp"
#include "tinyml/ops/fully_connected.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/ops/pool.hpp"
#include "tinyml/ops/shape_ops.hpp"
#include "tinyml/runtime/interpreter.hpp"

namespace tinyml {
inline namespace TINYML_ABI {

/// Every operator tinyml implements. Firmware may list fewer to link less code.
using DefaultOps =
    OpSet<ops::Conv2D, ops::DepthwiseConv2D, ops::FullyConnected, ops::AveragePool2D,
          ops::MaxPool2D, ops::Add, ops::Softmax, ops::Reshape, ops::Quantize, ops::Dequantize>;

}  // namespace TINYML_ABI
}  // namespace tinyml
