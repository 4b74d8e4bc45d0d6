// SPDX-License-Identifier: Apache-2.0
// dynamic-range (hybrid) ops: float32 activations, int8 weights.
#pragma once

#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using HybridOps = OpList<>;

}  // namespace TINYML_ABI
}  // namespace tinyml
