// SPDX-License-Identifier: Apache-2.0
// Real-input FFT of power-of-two size (own radix-2 implementation, no allocation), and the
// magnitude and power spectra of its output.
//
// Design: an n-point real FFT runs as one n/2-point complex FFT over the samples packed as
// z[k] = x[2k] + i*x[2k+1], then a split step: with E and O the spectra of the even and odd
// samples, E[k] = (Z[k] + conj(Z[n/2-k])) / 2, O[k] = (Z[k] - conj(Z[n/2-k])) / 2i, and
// X[k] = E[k] + W^k O[k], X[n/2-k] = conj(E[k] - W^k O[k]), W = exp(-2*pi*i/n). The complex FFT
// is iterative decimation-in-time: bit-reversed load, then log2(n/2) butterfly passes. One table
// of n/2 twiddles exp(-2*pi*i*k/n) serves both steps (the n/2-point FFT uses every other entry).
//
// Contract: init(n) with n a power of two, 2 <= n <= kMaxSize, before forward(); `in` holds n
//   floats and `out` 2*(n/2+1) floats and they do not alias. forward() is const and reentrant.
// Numerics: float32 arithmetic throughout; twiddles are computed in double and rounded once.
//   Unnormalised forward transform X[k] = sum_t x[t] exp(-2*pi*i*k*t/n), k = 0..n/2, the same
//   convention as numpy.fft.rfft and tf.signal.rfft. Error ~ 1e-7 * log2(n) relative to the
//   spectrum's RMS (tests compare against a double-precision DFT).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tinyml/config.hpp"
#include "tinyml/core/status.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {

/// n-point real FFT, n a power of two up to kMaxSize. Holds only its twiddle table
/// (kMaxSize floats).
template <std::size_t kMaxSize>
class RealFft {
  static_assert(kMaxSize >= 2 && (kMaxSize & (kMaxSize - 1)) == 0, "kMaxSize must be a power of two >= 2");

 public:
  /// Largest number of complex outputs: kMaxSize / 2 + 1.
  static constexpr std::size_t kMaxBins = kMaxSize / 2 + 1;

  /// Prepares the n-point transform. @returns kOk, or kBadArgument when n is not a power of two
  /// in [2, kMaxSize].
  Status init(std::size_t n) noexcept {
    if (n < 2 || n > kMaxSize || (n & (n - 1)) != 0) {
      n_ = 0;
      return Status::kBadArgument;
    }
    n_ = n;
    constexpr double kTwoPi = 6.283185307179586476925;
    for (std::size_t k = 0; k < n / 2; ++k) {
      const double a = kTwoPi * static_cast<double>(k) / static_cast<double>(n);
      cos_[k] = static_cast<float>(std::cos(a));
      sin_[k] = static_cast<float>(std::sin(a));
    }
    log2_half_ = 0;
    while ((std::size_t{1} << log2_half_) < n / 2) ++log2_half_;
    return Status::kOk;
  }

  std::size_t size() const noexcept { return n_; }
  /// Complex outputs of forward(): n/2 + 1 (DC to Nyquist).
  std::size_t num_bins() const noexcept { return n_ / 2 + 1; }

  /// X[k] for k = 0..n/2 as interleaved (re, im) pairs; X[0] and X[n/2] have im = 0.
  void forward(const float* in, float* out) const noexcept {
    TINYML_DCHECK(n_ != 0 && in != out);
    const std::size_t m = n_ / 2;  // complex FFT size
    if (m == 1) {
      out[0] = in[0] + in[1];
      out[1] = 0.0f;
      out[2] = in[0] - in[1];
      out[3] = 0.0f;
      return;
    }
    // Bit-reversed load of z[k] = x[2k] + i x[2k+1].
    for (std::size_t k = 0; k < m; ++k) {
      std::size_t r = 0;
      for (std::size_t b = 0, v = k; b < log2_half_; ++b, v >>= 1) r = (r << 1) | (v & 1u);
      out[2 * r] = in[2 * k];
      out[2 * r + 1] = in[2 * k + 1];
    }
    // Butterflies: w_len^j = exp(-2*pi*i*j/len) = table[j * n/len].
    for (std::size_t len = 2; len <= m; len <<= 1) {
      const std::size_t half = len / 2;
      const std::size_t stride = n_ / len;
      for (std::size_t start = 0; start < m; start += len) {
        for (std::size_t j = 0; j < half; ++j) {
          const float wr = cos_[j * stride], wi = -sin_[j * stride];
          float* a = out + 2 * (start + j);
          float* b = out + 2 * (start + j + half);
          const float br = b[0] * wr - b[1] * wi;
          const float bi = b[0] * wi + b[1] * wr;
          b[0] = a[0] - br;
          b[1] = a[1] - bi;
          a[0] += br;
          a[1] += bi;
        }
      }
    }
    // Split step.
    const float z0r = out[0], z0i = out[1];
    out[0] = z0r + z0i;
    out[1] = 0.0f;
    out[2 * m] = z0r - z0i;
    out[2 * m + 1] = 0.0f;
    for (std::size_t k = 1; k <= m / 2; ++k) {
      float* zk = out + 2 * k;
      float* zm = out + 2 * (m - k);
      const float er = 0.5f * (zk[0] + zm[0]), ei = 0.5f * (zk[1] - zm[1]);
      const float orr = 0.5f * (zk[1] + zm[1]), oi = 0.5f * (zm[0] - zk[0]);
      const float c = cos_[k], s = sin_[k];  // W^k = c - i s
      const float tr = c * orr + s * oi, ti = c * oi - s * orr;
      zk[0] = er + tr;
      zk[1] = ei + ti;
      if (k != m - k) {
        zm[0] = er - tr;
        zm[1] = ti - ei;
      }
    }
  }

 private:
  std::size_t n_ = 0;
  std::size_t log2_half_ = 0;
  float cos_[kMaxSize / 2] = {};
  float sin_[kMaxSize / 2] = {};
};

/// |X[k]| of `bins` interleaved complex values, as hypot(re, im) (tf.abs of a complex64).
/// `out` holds `bins` floats; it may be `complex_bins` itself (in place).
inline void magnitude_spectrum(const float* complex_bins, std::size_t bins, float* out) noexcept {
  for (std::size_t k = 0; k < bins; ++k) {
    out[k] = std::hypot(complex_bins[2 * k], complex_bins[2 * k + 1]);
  }
}

/// |X[k]|^2 = re^2 + im^2 of `bins` interleaved complex values; in place allowed as above.
inline void power_spectrum(const float* complex_bins, std::size_t bins, float* out) noexcept {
  for (std::size_t k = 0; k < bins; ++k) {
    const float re = complex_bins[2 * k], im = complex_bins[2 * k + 1];
    out[k] = re * re + im * im;
  }
}

}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
