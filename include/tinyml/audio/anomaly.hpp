// SPDX-License-Identifier: Apache-2.0
// The MLPerf Tiny anomaly-detection front end: the log-mel features the MLPerf AD autoencoder
// (ToyCar, DCASE 2020 task 2 baseline) was trained on, from mlcommons/tiny's
// training/anomaly_detection/common.py (file_to_vector_array), for 16 kHz mono audio:
//
//   1. librosa.load(sr=None): int16 / 32768, no normalisation.
//   2. librosa.feature.melspectrogram(y, sr=16000, n_fft=1024, hop_length=512, n_mels=128,
//      power=2.0) with librosa's other defaults: periodic Hann window of 1024, center=True (frame f
//      centred on sample 512 f: 1 + n / 512 frames, the edges padded), |STFT|^2, Slaney mel scale
//      and Slaney ("area") norm, fmin 0, fmax 8000.
//   3. 20 / power * log10(mel + sys.float_info.epsilon) = 10 log10(mel + 2^-52) (dB); an empty band
//      gives 10 log10(2^-52) = -156.5356.
//   4. Vectors of 5 consecutive frames concatenated: vector t = frames t..t+4, 640 values,
//      (frames - 4) vectors per clip. common.py then keeps frames [50, 250) only ("take central
//      part only", log_mel_spectrogram[:, 50:250]) before stacking: kMlperfFirstFrame/EndFrame.
//
// Edge padding (step 2): MLPerf pinned librosa 0.6.0, whose stft pads with pad_mode='reflect';
// librosa >= 0.10 (0.11 today) pads with zeros ('constant'). config() takes the mode and defaults
// to kReflect, the features the model was trained on. Only the first frame and the last one or
// two differ (and common.py's [50, 250) crop never sees them).
//
// Paths: float32 (Extractor, FeatureExtractor) and integer-only (FixedExtractor, Q16 dB out:
// features_fixed.hpp). tests/audio compares both with librosa 0.11 on the committed clips.
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
namespace mlperf_ad {

inline constexpr std::uint32_t kSampleRate = 16000;
inline constexpr std::size_t kFftSize = 1024;
inline constexpr std::size_t kHop = 512;
inline constexpr std::size_t kNumMels = 128;
inline constexpr std::size_t kContext = 5;                        ///< frames per vector
inline constexpr std::size_t kNumFeatures = kContext * kNumMels;  ///< 640, the model input
/// sys.float_info.epsilon = 2^-52 (exact in float32).
inline constexpr float kLogOffset = 2.220446049250313e-16f;
/// 10 log10(x) = (10 / ln 10) ln(x).
inline constexpr float kLogMultiplier = 4.342944819032518f;
/// common.py keeps frames [50, 250) of each clip before stacking (196 vectors of a 10 s clip).
inline constexpr std::size_t kMlperfFirstFrame = 50;
inline constexpr std::size_t kMlperfEndFrame = 250;

/// The AD pipeline as a FeatureConfig; `pad` is the centred frames' edge padding (see above).
constexpr FeatureConfig config(PadMode pad = PadMode::kReflect) noexcept {
  FeatureConfig c;
  c.sample_rate = kSampleRate;
  c.frame_length = kFftSize;
  c.frame_step = kHop;
  c.fft_size = kFftSize;
  c.pad_end = false;
  c.center = true;
  c.pad_mode = pad;
  c.spectrum = SpectrumType::kPower;
  c.num_mels = kNumMels;
  c.lower_hz = 0.0;
  c.upper_hz = kSampleRate / 2.0;
  c.mel_scale = MelScale::kSlaney;
  c.mel_layout = MelLayout::kLibrosa;
  c.mel_norm = MelNorm::kSlaney;
  c.log_offset = kLogOffset;
  c.log_multiplier = kLogMultiplier;
  c.num_coefficients = 0;  // log-mel bands out
  return c;
}

/// float32 extractor sized for this pipeline (~24 KB, zero-initialised: .bss).
using Extractor = FeatureExtractor<kFftSize, kNumMels, 0>;
/// Integer-only extractor (~24 KB, .bss): int16 PCM in, Q16 dB out.
using FixedExtractor = FixedFeatureExtractor<kFftSize, kNumMels, 0>;

/// Log-mel frames of n samples: 1 + n / 512.
constexpr std::size_t num_frames(std::size_t n) noexcept { return centered_frame_count(n, kHop); }
/// 640-value vectors of n samples: num_frames(n) - 4 (0 when fewer than 5 frames).
constexpr std::size_t num_vectors(std::size_t n) noexcept { return stacked_count(num_frames(n), kContext); }

/// The 128 dB values of frame `index` of a 16 kHz mono signal (n samples, floats as read_mono
/// gives them). `ex` must have been initialised with a config() of this file.
inline void compute_frame(Extractor& ex, const float* mono, std::size_t n, std::size_t index, float* out) noexcept {
  ex.compute_frame_at(mono, n, n, 1.0f, index, out);
}

/// The same from int16 PCM with integer arithmetic: 128 Q16 dB values.
inline void compute_frame(FixedExtractor& ex, const std::int16_t* pcm, std::size_t n, std::size_t index,
                          std::int32_t* out) noexcept {
  ex.compute_frame_at(pcm, n, n, kMaxFixedDivisor, index, out);
}

/// The last kContext frames, oldest first, as the model's 640-value vector: push() frames in
/// order; once ready(), vector() is frames t..t+4 for the newest t+4. Works for float (dB) and
/// int32 (Q16 dB) frames. No allocation (kNumFeatures values).
template <class T>
class FrameStack {
 public:
  void reset() noexcept { pushed_ = 0; }
  void push(const T* frame) noexcept {
    T* slot = ring_ + (pushed_ % kContext) * kNumMels;
    for (std::size_t i = 0; i < kNumMels; ++i) slot[i] = frame[i];
    ++pushed_;
  }
  /// True once kContext frames have been pushed.
  bool ready() const noexcept { return pushed_ >= kContext; }
  /// Frames pushed so far.
  std::size_t pushed() const noexcept { return pushed_; }
  /// Writes the kNumFeatures-value vector (oldest frame first). Contract: ready().
  void vector(T* out) const noexcept {
    for (std::size_t j = 0; j < kContext; ++j) {
      const T* slot = ring_ + ((pushed_ + j) % kContext) * kNumMels;
      for (std::size_t i = 0; i < kNumMels; ++i) out[j * kNumMels + i] = slot[i];
    }
  }

 private:
  std::size_t pushed_ = 0;
  T ring_[kNumFeatures] = {};
};

}  // namespace mlperf_ad
}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
