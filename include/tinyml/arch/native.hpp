// SPDX-License-Identifier: Apache-2.0
// arch::Native: the best tag the build's target flags allow (TINYML_FORCE_GENERIC forces Generic;
// TINYML_FORCE_AVX512 with TINYML_AVX512_EMULATE, for tests only, forces the emulated Avx512).
#pragma once

#include "tinyml/arch/tags.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace arch {

#if defined(TINYML_FORCE_GENERIC)
using Native = Generic;
#elif defined(TINYML_FORCE_AVX512) && defined(TINYML_AVX512_EMULATE)
using Native = Avx512;  // test builds: the AVX-512 kernels emulated with SIMDe (kernels/arch/avx512/isa.hpp)
#elif defined(__ARM_FEATURE_MVE)
using Native = Helium;
#elif defined(__ARM_FEATURE_DSP)
using Native = CortexMDsp;
#elif defined(__AVX512BW__) && defined(__AVX512VNNI__)
using Native = Avx512;
#elif defined(__AVX2__)
using Native = Avx2;
#else
using Native = Generic;
#endif

}  // namespace arch
}  // namespace TINYML_ABI
}  // namespace tinyml
