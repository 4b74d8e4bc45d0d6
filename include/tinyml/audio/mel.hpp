// SPDX-License-Identifier: Apache-2.0
// Mel filterbanks: TensorFlow's tf.signal.linear_to_mel_weight_matrix and librosa's
// librosa.filters.mel, on the HTK or the Slaney mel scale, stored sparsely (no allocation).
//
// Two layouts, both num_mels triangles whose edges are num_mels + 2 points equally spaced on the
// mel scale between lower_hz and upper_hz (triangle m rises from edge m to a peak of 1 at edge
// m + 1 and falls to edge m + 2):
//   kTensorFlow: the triangles are linear in mel. Bin k (k >= 1) sits at k * (sr/2) / (bins - 1)
//                Hz; the DC bin's row is all zero ("HTK excludes the spectrogram DC bin").
//   kLibrosa:    the triangles are linear in Hz between the mel-spaced edges; bin k sits at
//                k * sr / fft_size Hz, DC included.
// Scales: HTK mel = 1127 ln(1 + f / 700) (TensorFlow's constant; librosa's 2595 log10(1 + f/700)
// is the same curve, and a constant factor cancels in both layouts). Slaney mel (librosa's
// default, htk=False) = 3 f / 200 below 1 kHz, 15 + 27 ln(f / 1000) / ln(6.4) above.
// Norm kSlaney scales triangle m by 2 / (hz(edge m + 2) - hz(edge m)) (librosa norm='slaney',
// constant area), applied after rounding the weight to float32 as librosa does.
//
// Contract: init() before apply(); apply() reads fft_size/2 + 1 spectrum values and writes
//   num_mels outputs; the two buffers do not alias.
// Numerics: weights computed in double and rounded to float32 (TensorFlow computes them in float32:
//   they agree to ~1e-6 absolute; librosa in float64, then rounds: they agree to 1 ulp). apply()
//   accumulates in float32 in bin order over each triangle's non-zero run.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tinyml/config.hpp"
#include "tinyml/core/status.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {

enum class MelScale : std::uint8_t {
  kHtk,     ///< 1127 ln(1 + f/700): TensorFlow, HTK, librosa htk=True
  kSlaney,  ///< linear below 1 kHz, logarithmic above: librosa's default (Auditory Toolbox)
};

enum class MelLayout : std::uint8_t {
  kTensorFlow,  ///< triangles linear in mel, DC row zero (tf.signal.linear_to_mel_weight_matrix)
  kLibrosa,     ///< triangles linear in Hz between mel-spaced edges (librosa.filters.mel)
};

enum class MelNorm : std::uint8_t {
  kNone,    ///< every triangle peaks at 1
  kSlaney,  ///< triangle m scaled by 2 / (upper_hz_m - lower_hz_m) (librosa norm='slaney')
};

struct MelConfig {
  std::size_t num_mels = 40;
  std::size_t fft_size = 512;  ///< the spectrum has fft_size/2 + 1 bins
  double sample_rate = 16000.0;
  double lower_hz = 20.0;
  double upper_hz = 4000.0;
  MelScale scale = MelScale::kHtk;
  MelLayout layout = MelLayout::kTensorFlow;
  MelNorm norm = MelNorm::kNone;

  /// tf.signal.linear_to_mel_weight_matrix(num_mels, fft_size/2 + 1, sample_rate, lower, upper).
  static constexpr MelConfig tensorflow(std::size_t num_mels, std::size_t fft_size, double sample_rate,
                                        double lower_hz, double upper_hz) noexcept {
    return MelConfig{num_mels, fft_size, sample_rate, lower_hz, upper_hz,
                     MelScale::kHtk, MelLayout::kTensorFlow, MelNorm::kNone};
  }
  /// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm), transposed; the defaults
  /// (htk=False, norm='slaney') are the Slaney filterbank.
  static constexpr MelConfig librosa(std::size_t num_mels, std::size_t fft_size, double sample_rate,
                                     double lower_hz, double upper_hz,
                                     MelScale scale = MelScale::kSlaney,
                                     MelNorm norm = MelNorm::kSlaney) noexcept {
    return MelConfig{num_mels, fft_size, sample_rate, lower_hz, upper_hz,
                     scale, MelLayout::kLibrosa, norm};
  }
};

/// Hz to mel on the given scale.
inline double hz_to_mel(double hz, MelScale scale) noexcept {
  if (scale == MelScale::kHtk) return 1127.0 * std::log(1.0 + hz / 700.0);
  constexpr double kHzPerMel = 200.0 / 3.0, kLogHz = 1000.0, kLogMel = kLogHz / kHzPerMel;
  const double log_step = std::log(6.4) / 27.0;
  return hz < kLogHz ? hz / kHzPerMel : kLogMel + std::log(hz / kLogHz) / log_step;
}

/// Mel to Hz on the given scale (inverse of hz_to_mel).
inline double mel_to_hz(double mel, MelScale scale) noexcept {
  if (scale == MelScale::kHtk) return 700.0 * (std::exp(mel / 1127.0) - 1.0);
  constexpr double kHzPerMel = 200.0 / 3.0, kLogHz = 1000.0, kLogMel = kLogHz / kHzPerMel;
  const double log_step = std::log(6.4) / 27.0;
  return mel < kLogMel ? mel * kHzPerMel : kLogHz * std::exp(log_step * (mel - kLogMel));
}

/// Band m of a filterbank: its three edges on the mel scale and in Hz (see the top of this file).
struct MelBand {
  double mel[3] = {};
  double hz[3] = {};
};

/// The edges of band m of filterbank `c` (m < c.num_mels).
inline MelBand mel_band(const MelConfig& c, std::size_t m) noexcept {
  const double mel_lo = hz_to_mel(c.lower_hz, c.scale), mel_hi = hz_to_mel(c.upper_hz, c.scale);
  const double mel_step = (mel_hi - mel_lo) / static_cast<double>(c.num_mels + 1);
  MelBand b;
  for (std::size_t i = 0; i < 3; ++i) {
    b.mel[i] = mel_lo + mel_step * static_cast<double>(m + i);
    b.hz[i] = mel_to_hz(b.mel[i], c.scale);
  }
  return b;
}

/// Weight W[k][m] of filterbank `c` for bin k of the band `b` = mel_band(c, m), exactly as
/// MelFilterbank stores it (float32; 0 outside the triangle). Contract: `c` passes
/// MelFilterbank::init's checks and k <= fft_size / 2.
inline float mel_weight(const MelConfig& c, const MelBand& b, std::size_t k) noexcept {
  const std::size_t bins = c.fft_size / 2 + 1;
  double w = 0.0;
  if (c.layout == MelLayout::kTensorFlow) {
    if (k == 0) return 0.0f;
    const double hz = static_cast<double>(k) * (c.sample_rate / 2.0) / static_cast<double>(bins - 1);
    const double mel = hz_to_mel(hz, c.scale);
    const double up = (mel - b.mel[0]) / (b.mel[1] - b.mel[0]), down = (b.mel[2] - mel) / (b.mel[2] - b.mel[1]);
    w = up < down ? up : down;
  } else {
    const double hz = static_cast<double>(k) * c.sample_rate / static_cast<double>(c.fft_size);
    const double up = (hz - b.hz[0]) / (b.hz[1] - b.hz[0]), down = (b.hz[2] - hz) / (b.hz[2] - b.hz[1]);
    w = up < down ? up : down;
  }
  if (!(w > 0.0)) return 0.0f;
  float wf = static_cast<float>(w);
  if (c.norm == MelNorm::kSlaney) wf = static_cast<float>(static_cast<double>(wf) * (2.0 / (b.hz[2] - b.hz[0])));
  return wf;
}

/// A mel filterbank for up to kMaxMels bands over up to kMaxBins spectrum bins. Stores each
/// triangle's run of non-zero weights (at most 2 * kMaxBins weights in all, since a bin lies
/// inside at most two triangles): ~8 * kMaxBins + 8 * kMaxMels bytes.
template <std::size_t kMaxMels, std::size_t kMaxBins>
class MelFilterbank {
 public:
  /// Builds the filterbank.
  /// @returns kOk; kBadArgument when num_mels is 0 or above kMaxMels, fft_size/2 + 1 is above
  ///   kMaxBins or fft_size < 2, sample_rate <= 0, lower_hz < 0, lower_hz >= upper_hz, or
  ///   upper_hz > sample_rate / 2 (TensorFlow refuses the same). `diag` (optional) says which.
  Status init(const MelConfig& c, Diag* diag = nullptr) noexcept {
    num_mels_ = num_bins_ = 0;
    const char* why = nullptr;
    if (c.num_mels == 0 || c.num_mels > kMaxMels) why = "num_mels is 0 or above the filterbank's capacity";
    else if (c.fft_size < 2 || c.fft_size / 2 + 1 > kMaxBins) why = "fft_size/2 + 1 bins exceed the filterbank's capacity";
    else if (!(c.sample_rate > 0.0)) why = "sample_rate must be positive";
    else if (!(c.lower_hz >= 0.0) || !(c.lower_hz < c.upper_hz)) why = "need 0 <= lower_hz < upper_hz";
    else if (c.upper_hz > c.sample_rate / 2.0) why = "upper_hz is above the Nyquist frequency";
    if (why != nullptr) {
      if (diag != nullptr) {
        diag->clear();
        *diag << "mel filterbank: " << why;
      }
      return Status::kBadArgument;
    }
    const std::size_t bins = c.fft_size / 2 + 1;
    std::size_t used = 0;
    for (std::size_t m = 0; m < c.num_mels; ++m) {
      first_[m] = 0;
      count_[m] = 0;
      offset_[m] = used;
      const MelBand band = mel_band(c, m);
      for (std::size_t k = 0; k < bins; ++k) {
        const float wf = mel_weight(c, band, k);
        if (!(wf > 0.0f)) continue;
        if (count_[m] == 0) first_[m] = k;
        // A triangle's support is one interval: bins between its first and this one are inside.
        while (first_[m] + count_[m] < k) {
          if (used == kCapacity) return overflow(diag);
          weights_[used++] = 0.0f;
          ++count_[m];
        }
        if (used == kCapacity) return overflow(diag);
        weights_[used++] = wf;
        ++count_[m];
      }
    }
    num_mels_ = c.num_mels;
    num_bins_ = bins;
    return Status::kOk;
  }

  std::size_t num_mels() const noexcept { return num_mels_; }
  std::size_t num_bins() const noexcept { return num_bins_; }

  /// mel[m] = sum_k spectrum[k] * W[k][m] (a spectrogram row times the [bins, mels] matrix).
  void apply(const float* spectrum, float* mel) const noexcept {
    for (std::size_t m = 0; m < num_mels_; ++m) {
      const float* w = weights_ + offset_[m];
      const float* s = spectrum + first_[m];
      float acc = 0.0f;
      for (std::size_t i = 0; i < count_[m]; ++i) acc += s[i] * w[i];
      mel[m] = acc;
    }
  }

  /// W[bin][mel], the dense matrix entry (0 outside the triangle).
  float weight(std::size_t bin, std::size_t mel) const noexcept {
    if (mel >= num_mels_ || bin < first_[mel] || bin >= first_[mel] + count_[mel]) return 0.0f;
    return weights_[offset_[mel] + (bin - first_[mel])];
  }

 private:
  static constexpr std::size_t kCapacity = 2 * kMaxBins;
  static Status overflow(Diag* diag) noexcept {
    if (diag != nullptr) {
      diag->clear();
      *diag << "mel filterbank: more non-zero weights than 2 x bins (overlapping triangles)";
    }
    return Status::kBadArgument;
  }
  std::size_t num_mels_ = 0, num_bins_ = 0;
  std::size_t first_[kMaxMels] = {};
  std::size_t count_[kMaxMels] = {};
  std::size_t offset_[kMaxMels] = {};
  float weights_[kCapacity] = {};
};

}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
