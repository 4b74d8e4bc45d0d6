// SPDX-License-Identifier: Apache-2.0
// float32 kernels of the core ops.
#pragma once

#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using FloatOps = OpList<>;

}  // namespace TINYML_ABI
}  // namespace tinyml
