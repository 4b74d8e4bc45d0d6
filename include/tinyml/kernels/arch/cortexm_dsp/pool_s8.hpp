// SPDX-License-Identifier: Apache-2.0
// Cortex-M DSP int8 average / max pooling: no specialization yet, so both inherit the reference.
// TODO(#4): SXTAB16 sums (exact for windows up to 256 taps) and SSUB8/SEL byte-wise max.
#pragma once
