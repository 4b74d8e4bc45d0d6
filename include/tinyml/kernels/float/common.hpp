// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the float32 and hybrid kernels: the fused-activation clamp and rounding-exact
// float helpers.
//
// Float results follow TFLite's reference kernels operation for operation, but they are not
// bit-identical to them: summation order (vectorized paths), fused multiply-add contraction by the
// compiler and libm differences move the last bits. Tests compare with a relative tolerance.
#pragma once

#include <cstdint>
#include <limits>

#include "tinyml/arch/tags.hpp"
#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

/// Clamp range of a fused activation on float outputs (TFLite's CalculateActivationRange: no
/// activation still clamps to the finite floats, so an overflow to +-inf becomes +-FLT_MAX).
struct FloatRange {
  float min = std::numeric_limits<float>::lowest();
  float max = std::numeric_limits<float>::max();
};

/// The clamp range of fused activation `act` (NONE, RELU, RELU_N1_TO_1, RELU6); false for others.
inline bool float_activation_range(int act, FloatRange* r) noexcept {
  constexpr float kLowest = std::numeric_limits<float>::lowest();
  constexpr float kMax = std::numeric_limits<float>::max();
  switch (act) {
    case 0: *r = {kLowest, kMax}; return true;
    case 1: *r = {0.0f, kMax}; return true;
    case 2: *r = {-1.0f, 1.0f}; return true;
    case 3: *r = {0.0f, 6.0f}; return true;
    default: return false;
  }
}

/// TFLite's ActivationFunctionWithMinMax: std::min(std::max(v, min), max).
inline float clamp_f32(float v, const FloatRange& r) noexcept {
  const float lo = v < r.min ? r.min : v;
  return lo > r.max ? r.max : lo;
}

/// a * b and a + b, each rounded to float on its own: the result passes through a volatile, so
/// the compiler can neither fuse the operation with a neighbouring one into a multiply-add (GCC
/// contracts across statements by default) nor narrow or reassociate it. The hybrid kernels use
/// them where LiteRT's result depends on the intermediate rounding (e.g. the input quantization's
/// round(zero_point + x * (1 / scale)), where a fused multiply-add moves exact .5 cases).
inline float mul_rounded(float a, float b) noexcept {
  volatile float r = a * b;
  return r;
}
inline float add_rounded(float a, float b) noexcept {
  volatile float r = a + b;
  return r;
}

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
