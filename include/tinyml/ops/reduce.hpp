// SPDX-License-Identifier: Apache-2.0
// MEAN, SUM, REDUCE_MAX, ARG_MAX, ARG_MIN.
#pragma once

#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using ReduceOps = OpList<>;

}  // namespace TINYML_ABI
}  // namespace tinyml
