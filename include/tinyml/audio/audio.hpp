// SPDX-License-Identifier: Apache-2.0
// tinyml::audio, the audio front end: WAV parsing, resampling, STFT pieces, mel filterbanks,
// MFCCs, the MLPerf Tiny KWS and AD presets (kws.hpp, anomaly.hpp), and an integer-only twin of
// the feature pipeline for MCUs without an FPU (features_fixed.hpp). Header-only, no heap.
// Include this one header.
//
//   static tinyml::audio::mlperf_kws::Extractor ex;        // ~13 KB of tables and scratch
//   ex.init(tinyml::audio::mlperf_kws::config());
//   tinyml::audio::WavInfo wav;
//   tinyml::audio::parse_wav(bytes, size, &wav);            // 16-bit PCM, any rate / channels
//   read_mono(wav, 0, n, mono);                             // (resample() if not 16 kHz)
//   tinyml::audio::mlperf_kws::compute_quantized(ex, mono, n, in.scale, in.zero_point,
//                                                in.as<int8_t>());
#pragma once

#include "tinyml/audio/anomaly.hpp"
#include "tinyml/audio/dct.hpp"
#include "tinyml/audio/features.hpp"
#include "tinyml/audio/features_fixed.hpp"
#include "tinyml/audio/fft.hpp"
#include "tinyml/audio/fft_fixed.hpp"
#include "tinyml/audio/fixed_math.hpp"
#include "tinyml/audio/kws.hpp"
#include "tinyml/audio/mel.hpp"
#include "tinyml/audio/resample.hpp"
#include "tinyml/audio/wav.hpp"
#include "tinyml/audio/window.hpp"
