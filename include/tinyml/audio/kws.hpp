// SPDX-License-Identifier: Apache-2.0
// The MLPerf Tiny keyword-spotting front end: the exact features the MLPerf KWS DS-CNN was trained
// on (mlcommons/tiny, training/keyword_spotting/get_dataset.py), for a 1 s, 16 kHz mono clip.
//
//   1. clip = first 16000 samples; divided by tf.reduce_max(clip), its largest *signed* sample
//      (not the peak magnitude: a clip whose negative peak is larger reaches below -1); then
//      zero-padded at the end to 16000 samples.
//   2. tf.signal.stft: 480-sample (30 ms) frames every 320 samples (20 ms), periodic Hann window,
//      512-point FFT, pad_end=False: 1 + (16000 - 480) / 320 = 49 frames; magnitude (tf.abs).
//   3. 40 mel bands, 20-4000 Hz, tf.signal.linear_to_mel_weight_matrix (HTK, DC row zero).
//   4. log(x + 1e-6), then tf.signal.mfccs_from_log_mel_spectrograms (DCT-II x 1/sqrt(80)),
//      first 10 coefficients: [49][10] floats. A silent frame gives c0 = 80 ln(1e-6) / sqrt(80)
//      = -123.5697 and c1..c9 = 0.
//   5. For the int8 model: quantize with its input scale and zero point (TFLite QUANTIZE
//      rounding). MLPerf's own evaluation script truncates toward zero instead
//      (np.array(x / scale + zp, dtype=np.int8)); rounding is the TFLite semantics.
//
// Contract: `mono` is 16 kHz; longer clips are cut to their first second (TensorFlow's pad would
//   fail on them); an all-zero clip is left as zeros (TensorFlow divides 0/0 and gets NaN).
// Numerics: see features.hpp; agrees with the TensorFlow pipeline to < 1e-3 on every MFCC.
// Integer-only path (no FPU): FixedExtractor, compute_fixed, compute_quantized_fixed take int16
//   PCM and produce Q16 MFCCs (features_fixed.hpp); tests/audio states their error against float.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/audio/features.hpp"
#include "tinyml/audio/features_fixed.hpp"
#include "tinyml/config.hpp"
#include "tinyml/core/status.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {
namespace mlperf_kws {

inline constexpr std::uint32_t kSampleRate = 16000;
inline constexpr std::size_t kClipSamples = 16000;
inline constexpr std::size_t kFrameLength = 480;
inline constexpr std::size_t kFrameStep = 320;
inline constexpr std::size_t kFftSize = 512;
inline constexpr std::size_t kNumMels = 40;
inline constexpr double kLowerHz = 20.0;
inline constexpr double kUpperHz = 4000.0;
inline constexpr float kLogOffset = 1e-6f;
inline constexpr std::size_t kNumMfcc = 10;
inline constexpr std::size_t kNumFrames = frame_count(kClipSamples, kFrameLength, kFrameStep);
inline constexpr std::size_t kNumFeatures = kNumFrames * kNumMfcc;  ///< 490, the model input
static_assert(kNumFrames == 49, "MLPerf KWS uses 49 frames");

/// The KWS pipeline as a FeatureConfig.
constexpr FeatureConfig config() noexcept {
  FeatureConfig c;
  c.sample_rate = kSampleRate;
  c.frame_length = kFrameLength;
  c.frame_step = kFrameStep;
  c.fft_size = kFftSize;
  c.pad_end = false;
  c.spectrum = SpectrumType::kMagnitude;
  c.num_mels = kNumMels;
  c.lower_hz = kLowerHz;
  c.upper_hz = kUpperHz;
  c.mel_scale = MelScale::kHtk;
  c.mel_layout = MelLayout::kTensorFlow;
  c.mel_norm = MelNorm::kNone;
  c.log_offset = kLogOffset;
  c.log_multiplier = 1.0f;
  c.num_coefficients = kNumMfcc;
  c.dct_norm = DctNorm::kTensorFlowMfcc;
  return c;
}

/// An extractor sized exactly for this pipeline (~13 KB, all zero-initialised: static memory, .bss).
using Extractor = FeatureExtractor<kFftSize, kNumMels, kNumMfcc>;

/// The divisor of step 1: the largest signed sample among the first min(n, 16000); 1 when that
/// is 0 (an all-zero clip stays zero) or n is 0.
inline float clip_divisor(const float* mono, std::size_t n) noexcept {
  if (n > kClipSamples) n = kClipSamples;
  if (n == 0) return 1.0f;
  float m = mono[0];
  for (std::size_t i = 1; i < n; ++i) m = mono[i] > m ? mono[i] : m;
  return m == 0.0f ? 1.0f : m;
}

/// MFCCs [49][10] of a 16 kHz mono clip (n samples; steps 1-4 above) into `features`
/// (kNumFeatures floats). `ex` must have been initialised with config().
/// @returns kOk, or kBadArgument when `ex` is not ready.
inline Status compute(Extractor& ex, const float* mono, std::size_t n, float* features) noexcept {
  const std::size_t used = n < kClipSamples ? n : kClipSamples;
  return ex.compute(mono, used, kClipSamples, clip_divisor(mono, used), features, kNumFeatures);
}

/// compute() then quantize_s8 with the model input's scale and zero point, frame by frame
/// (no 490-float buffer needed): `out` holds kNumFeatures int8 values.
inline Status compute_quantized(Extractor& ex, const float* mono, std::size_t n, float scale,
                                std::int32_t zero_point, std::int8_t* out) noexcept {
  if (!(scale > 0.0f) || ex.features_per_frame() != kNumMfcc || ex.num_frames(kClipSamples) != kNumFrames) {
    return Status::kBadArgument;
  }
  const std::size_t used = n < kClipSamples ? n : kClipSamples;
  const float divisor = clip_divisor(mono, used);
  float frame[kNumMfcc];
  for (std::size_t f = 0; f < kNumFrames; ++f) {
    ex.compute_frame_at(mono, used, kClipSamples, divisor, f, frame);
    quantize_s8(frame, kNumMfcc, scale, zero_point, out + f * kNumMfcc);
  }
  return Status::kOk;
}

/// Integer-only extractor for this pipeline (features_fixed.hpp): int16 PCM in, Q16 MFCCs out.
using FixedExtractor = FixedFeatureExtractor<kFftSize, kNumMels, kNumMfcc>;

/// clip_divisor for int16 PCM, as the magnitude the fixed extractor divides by: |largest signed
/// sample| among the first min(n, 16000) (its sign does not change a magnitude spectrum), or
/// 32768 (that is, 1.0) when that sample is 0 or n is 0.
inline std::uint32_t clip_divisor_s16(const std::int16_t* pcm, std::size_t n) noexcept {
  if (n > kClipSamples) n = kClipSamples;
  if (n == 0) return kMaxFixedDivisor;
  std::int32_t m = pcm[0];
  for (std::size_t i = 1; i < n; ++i) m = pcm[i] > m ? pcm[i] : m;
  return m == 0 ? kMaxFixedDivisor : static_cast<std::uint32_t>(m < 0 ? -m : m);
}

/// compute() in integer arithmetic: Q16 MFCCs [49][10] of 16 kHz int16 PCM into `features_q16`
/// (kNumFeatures values). `ex` must have been initialised with config().
/// @returns kOk, or kBadArgument when `ex` is not ready.
inline Status compute_fixed(FixedExtractor& ex, const std::int16_t* pcm, std::size_t n,
                            std::int32_t* features_q16) noexcept {
  const std::size_t used = n < kClipSamples ? n : kClipSamples;
  return ex.compute(pcm, used, kClipSamples, clip_divisor_s16(pcm, used), features_q16, kNumFeatures);
}

/// compute_fixed() then FixedQuantizer, frame by frame: `out` holds kNumFeatures int8 values.
/// `q` must have been initialised with the model input's scale and zero point.
inline Status compute_quantized_fixed(FixedExtractor& ex, const std::int16_t* pcm, std::size_t n,
                                      const FixedQuantizer& q, std::int8_t* out) noexcept {
  if (ex.features_per_frame() != kNumMfcc || ex.num_frames(kClipSamples) != kNumFrames) return Status::kBadArgument;
  const std::size_t used = n < kClipSamples ? n : kClipSamples;
  const std::uint32_t divisor = clip_divisor_s16(pcm, used);
  std::int32_t frame[kNumMfcc];
  for (std::size_t f = 0; f < kNumFrames; ++f) {
    ex.compute_frame_at(pcm, used, kClipSamples, divisor, f, frame);
    q.apply(frame, kNumMfcc, out + f * kNumMfcc);
  }
  return Status::kOk;
}

}  // namespace mlperf_kws
}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
