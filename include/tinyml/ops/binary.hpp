// SPDX-License-Identifier: Apache-2.0
// MUL, SUB, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM (int8, broadcast).
#pragma once

#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using BinaryOps = OpList<>;

}  // namespace TINYML_ABI
}  // namespace tinyml
