// SPDX-License-Identifier: Apache-2.0
// DCT-II of a log-mel frame (the cepstral step of MFCCs), as a precomputed cosine table.
//
//   y[k] = s_k * sum_{n=0}^{N-1} x[n] cos(pi * k * (2n + 1) / (2N)),   k = 0..K-1
//   DctNorm::kTensorFlowMfcc: s_k = 2 / sqrt(2N) for every k. This is
//       tf.signal.mfccs_from_log_mel_spectrograms: the unnormalised DCT-II (factor 2) times
//       rsqrt(2N). Note it is NOT orthonormal: c0 is sqrt(2) larger than scipy's norm='ortho'.
//   DctNorm::kOrtho:   s_0 = sqrt(1/N), s_k = sqrt(2/N) (scipy.fft.dct(norm='ortho'), librosa).
//   DctNorm::kNone:    s_k = 2 (scipy.fft.dct / tf.signal.dct with norm=None).
//
// Contract: init() before apply(); apply() reads N and writes K floats, not aliased.
// Numerics: table entries computed in double (cosine times scale) and rounded to float32; apply()
//   accumulates in float32 over n in order. TensorFlow computes the same DCT through a 2N-point
//   FFT in float32; the two agree to ~1e-5 absolute on 40 log-mel values of magnitude ~14.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tinyml/config.hpp"
#include "tinyml/core/status.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {

enum class DctNorm : std::uint8_t {
  kTensorFlowMfcc,  ///< 2/sqrt(2N) on every coefficient (tf.signal.mfccs_from_log_mel_spectrograms)
  kOrtho,           ///< orthonormal DCT-II (scipy norm='ortho')
  kNone,            ///< unnormalised DCT-II with the conventional factor 2
};

/// DCT-II from up to kMaxInputs values to the first up to kMaxOutputs coefficients; a table of
/// kMaxInputs * kMaxOutputs floats.
template <std::size_t kMaxInputs, std::size_t kMaxOutputs>
class Dct2 {
 public:
  /// @returns kOk, or kBadArgument when a size is 0 or above capacity, or num_outputs > num_inputs.
  Status init(std::size_t num_inputs, std::size_t num_outputs,
              DctNorm norm = DctNorm::kTensorFlowMfcc) noexcept {
    n_ = k_ = 0;
    if (num_inputs == 0 || num_inputs > kMaxInputs || num_outputs == 0 || num_outputs > kMaxOutputs ||
        num_outputs > num_inputs) {
      return Status::kBadArgument;
    }
    constexpr double kPi = 3.14159265358979323846;
    const double big_n = static_cast<double>(num_inputs);
    for (std::size_t k = 0; k < num_outputs; ++k) {
      double scale = 2.0 / std::sqrt(2.0 * big_n);
      if (norm == DctNorm::kOrtho) scale = std::sqrt((k == 0 ? 1.0 : 2.0) / big_n);
      if (norm == DctNorm::kNone) scale = 2.0;
      for (std::size_t n = 0; n < num_inputs; ++n) {
        const double angle = kPi * static_cast<double>(k) * static_cast<double>(2 * n + 1) / (2.0 * big_n);
        table_[k * num_inputs + n] = static_cast<float>(scale * std::cos(angle));
      }
    }
    n_ = num_inputs;
    k_ = num_outputs;
    return Status::kOk;
  }

  std::size_t num_inputs() const noexcept { return n_; }
  std::size_t num_outputs() const noexcept { return k_; }

  void apply(const float* in, float* out) const noexcept {
    for (std::size_t k = 0; k < k_; ++k) {
      const float* row = table_ + k * n_;
      float acc = 0.0f;
      for (std::size_t n = 0; n < n_; ++n) acc += in[n] * row[n];
      out[k] = acc;
    }
  }

 private:
  std::size_t n_ = 0, k_ = 0;
  float table_[kMaxInputs * kMaxOutputs] = {};
};

}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
