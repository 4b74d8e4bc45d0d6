// SPDX-License-Identifier: Apache-2.0
// TRANSPOSE_CONV, BATCH_MATMUL.
#pragma once

#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using MatmulOps = OpList<>;

}  // namespace TINYML_ABI
}  // namespace tinyml
