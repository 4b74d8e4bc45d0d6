// SPDX-License-Identifier: Apache-2.0
// Analysis windows and framing with tf.signal.frame's conventions, and librosa's centred frames.
//
// Contract: buffers hold the lengths stated; no allocation.
// Numerics: window values are computed in double and rounded to float32 once. TensorFlow's
//   tf.signal.hann_window(n, periodic=True) is this periodic_hann for even n (for odd n it quietly
//   returns the symmetric window); its float32 arithmetic differs from ours by about 1 ulp.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {

/// Periodic Hann window: w[i] = 0.5 - 0.5 cos(2 pi i / n), i = 0..n-1 (w[0] = 0, no final zero).
/// The usual choice for STFTs (tf.signal.hann_window's default, scipy's sym=False).
inline void periodic_hann(float* w, std::size_t n) noexcept {
  constexpr double kTwoPi = 6.283185307179586476925;
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = static_cast<float>(0.5 - 0.5 * std::cos(kTwoPi * static_cast<double>(i) / static_cast<double>(n)));
  }
}

/// Symmetric Hann window: w[i] = 0.5 - 0.5 cos(2 pi i / (n - 1)) (both ends 0); w[0] = 1 for n = 1.
inline void symmetric_hann(float* w, std::size_t n) noexcept {
  constexpr double kTwoPi = 6.283185307179586476925;
  if (n == 1) {
    w[0] = 1.0f;
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = static_cast<float>(0.5 - 0.5 * std::cos(kTwoPi * static_cast<double>(i) / static_cast<double>(n - 1)));
  }
}

/// Frames tf.signal.frame (and so tf.signal.stft) makes of `num_samples` samples.
///   pad_end = false: 1 + (num_samples - frame_length) / frame_step, or 0 if the signal is shorter
///                    than one frame;
///   pad_end = true:  ceil(num_samples / frame_step) (the last frames are zero-padded).
/// Returns 0 for frame_length or frame_step 0.
constexpr std::size_t frame_count(std::size_t num_samples, std::size_t frame_length,
                                  std::size_t frame_step, bool pad_end = false) noexcept {
  if (frame_length == 0 || frame_step == 0) return 0;
  if (pad_end) return (num_samples + frame_step - 1) / frame_step;
  return num_samples < frame_length ? 0 : 1 + (num_samples - frame_length) / frame_step;
}

/// Padding of a centred frame (librosa's stft(center=True)) where it reaches past the signal.
enum class PadMode : std::uint8_t {
  kConstant,  ///< zeros (librosa >= 0.10's default pad_mode='constant')
  kReflect,   ///< mirror without repeating the edge sample (numpy 'reflect'; librosa <= 0.9's default)
};

/// Frames librosa.stft(center=True) makes of `num_samples` samples: 1 + num_samples / frame_step
/// (frame f is centred on sample f * frame_step). Returns 0 for frame_step 0.
constexpr std::size_t centered_frame_count(std::size_t num_samples, std::size_t frame_step) noexcept {
  return frame_step == 0 ? 0 : 1 + num_samples / frame_step;
}

/// The signal index that position `i` (possibly negative or >= num_samples) reads under padding
/// `mode`, or -1 for a padding zero. kReflect folds with period 2 (num_samples - 1), which is what
/// numpy.pad(mode='reflect') gives for pads of any length (a single sample is repeated); an empty
/// signal is all zeros.
inline std::ptrdiff_t padded_index(std::ptrdiff_t i, std::size_t num_samples, PadMode mode) noexcept {
  const auto n = static_cast<std::ptrdiff_t>(num_samples);
  if (i >= 0 && i < n) return i;
  if (mode == PadMode::kConstant || n == 0) return -1;
  if (n == 1) return 0;
  const std::ptrdiff_t period = 2 * (n - 1);
  std::ptrdiff_t r = i % period;
  if (r < 0) r += period;
  return r < n ? r : period - r;
}

/// Copies samples [start, start + length) of `signal` (num_samples long) into `out`, treating
/// samples at or past num_samples as 0, multiplied by `window` (length floats) when non-null.
inline void extract_frame(const float* signal, std::size_t num_samples, std::size_t start,
                          std::size_t length, const float* window, float* out) noexcept {
  for (std::size_t i = 0; i < length; ++i) {
    const float x = start + i < num_samples ? signal[start + i] : 0.0f;
    out[i] = window != nullptr ? x * window[i] : x;
  }
}

}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
