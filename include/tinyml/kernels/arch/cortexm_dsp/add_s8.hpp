// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 ADD: no specialization yet, so AddS8<CortexMDsp> (and Helium) inherit the
// reference. TODO(#4): SXTAB16 offsets plus the one-SMLAL requantization of primitives.hpp.
#pragma once
