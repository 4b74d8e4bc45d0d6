// SPDX-License-Identifier: Apache-2.0
// Architecture tags. A kernel is a class template on its arch tag; a tag without a specialization of
// its own inherits its Parent's (Avx512 -> Avx2 -> Generic, Helium -> CortexMDsp -> Generic).
#pragma once

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace arch {

struct Generic {
  using Parent = void;
  static constexpr const char* kName = "generic";
};
struct CortexMDsp {
  using Parent = Generic;
  static constexpr const char* kName = "cortex-m-dsp";
};
struct Helium {
  using Parent = CortexMDsp;
  static constexpr const char* kName = "helium";
};
struct Avx2 {
  using Parent = Generic;
  static constexpr const char* kName = "avx2";
};
struct Avx512 {
  using Parent = Avx2;
  static constexpr const char* kName = "avx512";
};

}  // namespace arch
}  // namespace TINYML_ABI
}  // namespace tinyml
