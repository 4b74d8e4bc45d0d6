// SPDX-License-Identifier: Apache-2.0
// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH, PRELU (int8).
#pragma once

#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using ActivationOps = OpList<>;

}  // namespace TINYML_ABI
}  // namespace tinyml
