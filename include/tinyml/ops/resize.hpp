// SPDX-License-Identifier: Apache-2.0
// RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR.
#pragma once

#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using ResizeOps = OpList<>;

}  // namespace TINYML_ABI
}  // namespace tinyml
