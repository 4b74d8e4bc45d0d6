// SPDX-License-Identifier: Apache-2.0
// Facts of the TFLite FlatBuffer format that tinyml reads: field ids (vtable slots) and enum values.
// They mirror schemas/tflite_subset.fbs, our wire-compatible subset of the format; a test checks
// the two against each other through flatc.
#pragma once

#include <cstdint>

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace model {

/// Field ids, one namespace per table. Ids are positions in the table's field list (unions take
/// two: the `_type` byte and the value).
namespace fid {
namespace model { enum : int { kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kDescription = 3, kBuffers = 4 }; }
namespace opcode { enum : int { kDeprecatedBuiltinCode = 0, kCustomCode = 1, kVersion = 2, kBuiltinCode = 3 }; }
namespace subgraph { enum : int { kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3, kName = 4 }; }
namespace tensor { enum : int { kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4, kIsVariable = 5, kSparsity = 6 }; }
namespace quant { enum : int { kMin = 0, kMax = 1, kScale = 2, kZeroPoint = 3, kDetailsType = 4, kDetails = 5, kQuantizedDimension = 6 }; }
namespace op { enum : int { kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kBuiltinOptionsType = 3, kBuiltinOptions = 4, kCustomOptions = 5, kIntermediates = 8, kBuiltinOptions2Type = 11 }; }
namespace buffer { enum : int { kData = 0, kOffset = 1, kSize = 2 }; }
namespace conv { enum : int { kPadding = 0, kStrideW = 1, kStrideH = 2, kActivation = 3, kDilationW = 4, kDilationH = 5 }; }
namespace dwconv { enum : int { kPadding = 0, kStrideW = 1, kStrideH = 2, kDepthMultiplier = 3, kActivation = 4, kDilationW = 5, kDilationH = 6 }; }
namespace pool { enum : int { kPadding = 0, kStrideW = 1, kStrideH = 2, kFilterW = 3, kFilterH = 4, kActivation = 5 }; }
namespace fc { enum : int { kActivation = 0, kWeightsFormat = 1, kKeepNumDims = 2, kAsymmetricQuantizeInputs = 3 }; }
namespace softmax { enum : int { kBeta = 0 }; }
namespace add { enum : int { kActivation = 0, kPotScaleInt16 = 1 }; }
namespace reshape { enum : int { kNewShape = 0 }; }
namespace mul { enum : int { kActivation = 0 }; }
namespace sub { enum : int { kActivation = 0, kPotScaleInt16 = 1 }; }
namespace leaky_relu { enum : int { kAlpha = 0 }; }
namespace reducer { enum : int { kKeepDims = 0 }; }
// Reduce / resize / matmul options (ops/reduce.hpp, resize.hpp, matmul.hpp). ArgMaxOptions and
// ArgMinOptions share `arg_minmax`.
namespace arg_minmax { enum : int { kOutputType = 0 }; }
namespace resize_bilinear { enum : int { kNewHeight = 0, kNewWidth = 1, kAlignCorners = 2, kHalfPixelCenters = 3 }; }
namespace resize_nn { enum : int { kAlignCorners = 0, kHalfPixelCenters = 1 }; }
namespace transpose_conv { enum : int { kPadding = 0, kStrideW = 1, kStrideH = 2, kActivation = 3, kQuantizedBiasType = 4 }; }
namespace batch_matmul { enum : int { kAdjX = 0, kAdjY = 1, kAsymmetricQuantizeInputs = 2 }; }
// Data-movement options (ops/data.hpp). SplitOptions and SplitVOptions share `split`.
namespace concat { enum : int { kAxis = 0, kActivation = 1 }; }
namespace strided_slice { enum : int { kBeginMask = 0, kEndMask = 1, kEllipsisMask = 2, kNewAxisMask = 3, kShrinkAxisMask = 4, kOffset = 5 }; }
namespace squeeze { enum : int { kSqueezeDims = 0 }; }
namespace split { enum : int { kNumSplits = 0 }; }
namespace pack { enum : int { kValuesCount = 0, kAxis = 1 }; }
namespace unpack { enum : int { kNum = 0, kAxis = 1 }; }
namespace shape { enum : int { kOutType = 0 }; }
namespace gather { enum : int { kAxis = 0, kBatchDims = 1 }; }
namespace mirror_pad { enum : int { kMode = 0 }; }
}  // namespace fid

/// TensorType values.
enum class TensorType : std::int8_t {
  kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kUInt8 = 3, kInt64 = 4, kString = 5, kBool = 6,
  kInt16 = 7, kComplex64 = 8, kInt8 = 9, kFloat64 = 10, kComplex128 = 11, kUInt64 = 12,
  kResource = 13, kVariant = 14, kUInt32 = 15, kUInt16 = 16, kInt4 = 17, kBFloat16 = 18,
};

/// Bytes per element, or 0 for types tinyml cannot size (strings, resources, sub-byte).
constexpr std::uint32_t element_size(TensorType t) noexcept {
  switch (t) {
    case TensorType::kFloat32: case TensorType::kInt32: case TensorType::kUInt32: return 4;
    case TensorType::kFloat16: case TensorType::kInt16: case TensorType::kUInt16:
    case TensorType::kBFloat16: return 2;
    case TensorType::kUInt8: case TensorType::kInt8: case TensorType::kBool: return 1;
    case TensorType::kInt64: case TensorType::kUInt64: case TensorType::kFloat64:
    case TensorType::kComplex64: return 8;
    case TensorType::kComplex128: return 16;
    default: return 0;
  }
}

constexpr const char* type_name(TensorType t) noexcept {
  switch (t) {
    case TensorType::kFloat32: return "FLOAT32";
    case TensorType::kFloat16: return "FLOAT16";
    case TensorType::kInt32: return "INT32";
    case TensorType::kUInt8: return "UINT8";
    case TensorType::kInt64: return "INT64";
    case TensorType::kString: return "STRING";
    case TensorType::kBool: return "BOOL";
    case TensorType::kInt16: return "INT16";
    case TensorType::kComplex64: return "COMPLEX64";
    case TensorType::kInt8: return "INT8";
    case TensorType::kFloat64: return "FLOAT64";
    case TensorType::kComplex128: return "COMPLEX128";
    case TensorType::kUInt64: return "UINT64";
    case TensorType::kResource: return "RESOURCE";
    case TensorType::kVariant: return "VARIANT";
    case TensorType::kUInt32: return "UINT32";
    case TensorType::kUInt16: return "UINT16";
    case TensorType::kInt4: return "INT4";
    case TensorType::kBFloat16: return "BFLOAT16";
  }
  return "UNKNOWN";
}

enum class Padding : std::int8_t { kSame = 0, kValid = 1 };

/// Fused activation values.
enum Activation : std::int8_t { kActNone = 0, kActRelu = 1, kActReluN1To1 = 2, kActRelu6 = 3, kActTanh = 4, kActSignBit = 5 };

/// BuiltinOptions union discriminants tinyml reads.
enum class OptionsType : std::uint8_t {
  kNone = 0, kConv2D = 1, kDepthwiseConv2D = 2, kPool2D = 5, kFullyConnected = 8, kSoftmax = 9,
  kAdd = 11, kReshape = 17,
  kMul = 21, kSub = 28, kLeakyRelu = 75, kReducer = 27,
  // data movement (ops/data.hpp)
  kConcatenation = 10, kGather = 23, kSqueeze = 30, kStridedSlice = 32, kSplit = 35, kShape = 55,
  kPack = 59, kUnpack = 64, kMirrorPad = 77, kSplitV = 79,
  // reduce / resize / matmul (ops/reduce.hpp, resize.hpp, matmul.hpp)
  kResizeBilinear = 15, kArgMax = 40, kTransposeConv = 49, kArgMin = 57,
  kResizeNearestNeighbor = 74, kBatchMatMul = 101,
};

/// BuiltinOperator codes tinyml implements (the full name table is in op_names.hpp).
enum class Builtin : std::int32_t {
  kAdd = 0, kAveragePool2D = 1, kConv2D = 3, kDepthwiseConv2D = 4, kDequantize = 6,
  kFullyConnected = 9, kMaxPool2D = 17, kReshape = 22, kSoftmax = 25, kQuantize = 114,
};

/// deprecated_builtin_code value meaning "look in builtin_code".
constexpr std::int32_t kPlaceholderForGreaterOpCodes = 127;

}  // namespace model
}  // namespace TINYML_ABI
}  // namespace tinyml
