// SPDX-License-Identifier: Apache-2.0
// PAD, PADV2, CONCATENATION, STRIDED_SLICE, SLICE, SQUEEZE, EXPAND_DIMS, TRANSPOSE, SPLIT, SPLIT_V, PACK, UNPACK, SHAPE.
#pragma once

#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using DataOps = OpList<>;

}  // namespace TINYML_ABI
}  // namespace tinyml
