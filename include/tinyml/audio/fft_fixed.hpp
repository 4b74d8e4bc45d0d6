// SPDX-License-Identifier: Apache-2.0
// Fixed-point real FFT for the integer audio front end (features_fixed.hpp): int32 data, Q30
// twiddles, 64-bit products, a halving at every stage so nothing overflows. No floating point
// outside init() (which computes the twiddles once in double: software floating point on an MCU
// without an FPU) and no allocation.
//
// Same algorithm as RealFft (fft.hpp): an n/2-point complex FFT of z[k] = x[2k] + i x[2k+1]
// (bit-reversed load, radix-2 decimation-in-time butterflies), then the split step. Every
// butterfly stage halves its outputs (a' = (a + w b) / 2, b' = (a - w b) / 2) and the split step
// halves once more, so the output is X[k] / n, rounded (half up) at each step.
//
// Contract: init(n) with n a power of two, 4 <= n <= kMaxSize, before forward(); `in` holds n
//   int32 values with |in[i]| <= 2^30 and `out` 2*(n/2+1) int32; they do not alias. Under that
//   bound every intermediate (complex magnitude <= sqrt(2) * 2^30) fits int32 and every product
//   int64.
// Numerics: each stage adds at most one rounding (+-1/2 LSB) per component, and the Q30 twiddles
//   are within 2^-31 of the exact ones: for inputs normalised to ~2^29..2^30 the result is within
//   ~log2(n) LSB of the exact X[k]/n, about 2^-28 relative to the largest input (tests compare it
//   with a double DFT).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tinyml/audio/fixed_math.hpp"
#include "tinyml/config.hpp"
#include "tinyml/core/status.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {

/// n-point real FFT on int32 data scaled by 1/n, n a power of two up to kMaxSize.
template <std::size_t kMaxSize>
class RealFftQ31 {
  static_assert(kMaxSize >= 4 && (kMaxSize & (kMaxSize - 1)) == 0, "kMaxSize must be a power of two >= 4");

 public:
  static constexpr std::size_t kMaxBins = kMaxSize / 2 + 1;
  /// Largest input magnitude forward() accepts.
  static constexpr std::int32_t kMaxInput = std::int32_t{1} << 30;

  /// @returns kOk, or kBadArgument when n is not a power of two in [4, kMaxSize].
  Status init(std::size_t n) noexcept {
    if (n < 4 || n > kMaxSize || (n & (n - 1)) != 0) {
      n_ = 0;
      return Status::kBadArgument;
    }
    n_ = n;
    constexpr double kTwoPi = 6.283185307179586476925;
    for (std::size_t k = 0; k < n / 2; ++k) {
      const double a = kTwoPi * static_cast<double>(k) / static_cast<double>(n);
      cos_[k] = static_cast<std::int32_t>(std::lround(std::cos(a) * 1073741824.0));
      sin_[k] = static_cast<std::int32_t>(std::lround(std::sin(a) * 1073741824.0));
    }
    log2_n_ = 0;
    while ((std::size_t{1} << log2_n_) < n) ++log2_n_;
    return Status::kOk;
  }

  std::size_t size() const noexcept { return n_; }
  std::size_t num_bins() const noexcept { return n_ / 2 + 1; }
  /// log2(n): the output is X / 2^log2_size().
  int log2_size() const noexcept { return log2_n_; }

  /// X[k] / n for k = 0..n/2 as interleaved (re, im) pairs; X[0] and X[n/2] have im = 0.
  void forward(const std::int32_t* in, std::int32_t* out) const noexcept {
    TINYML_DCHECK(n_ != 0 && in != out);
    const std::size_t m = n_ / 2;
    const int log2_m = log2_n_ - 1;
    for (std::size_t k = 0; k < m; ++k) {
      std::size_t r = 0;
      for (int b = 0, v = static_cast<int>(k); b < log2_m; ++b, v >>= 1) r = (r << 1) | static_cast<std::size_t>(v & 1);
      out[2 * r] = in[2 * k];
      out[2 * r + 1] = in[2 * k + 1];
    }
    for (std::size_t len = 2; len <= m; len <<= 1) {
      const std::size_t half = len / 2;
      const std::size_t stride = n_ / len;
      for (std::size_t start = 0; start < m; start += len) {
        for (std::size_t j = 0; j < half; ++j) {
          const std::int64_t wr = cos_[j * stride], wi = -static_cast<std::int64_t>(sin_[j * stride]);
          std::int32_t* a = out + 2 * (start + j);
          std::int32_t* b = out + 2 * (start + j + half);
          // (w b) in Q0 with 30 extra fraction bits kept until the halving: one rounding only.
          const std::int64_t tr = b[0] * wr - b[1] * wi;
          const std::int64_t ti = b[0] * wi + b[1] * wr;
          // Multiply, not shift: a left shift of a negative value is undefined before C++20.
          const std::int64_t ar = a[0] * (std::int64_t{1} << 30), ai = a[1] * (std::int64_t{1} << 30);
          a[0] = static_cast<std::int32_t>(fixed::rshift_round(ar + tr, 31));
          a[1] = static_cast<std::int32_t>(fixed::rshift_round(ai + ti, 31));
          b[0] = static_cast<std::int32_t>(fixed::rshift_round(ar - tr, 31));
          b[1] = static_cast<std::int32_t>(fixed::rshift_round(ai - ti, 31));
        }
      }
    }
    // Split step, halving once more: X[k]/2 = (2E + W^k 2O) / 4 with 2E = Z[k] + conj(Z[m-k]),
    // 2O = (Z[k] - conj(Z[m-k])) / i.
    const std::int64_t z0r = out[0], z0i = out[1];
    out[0] = static_cast<std::int32_t>(fixed::rshift_round(z0r + z0i, 1));
    out[1] = 0;
    out[2 * m] = static_cast<std::int32_t>(fixed::rshift_round(z0r - z0i, 1));
    out[2 * m + 1] = 0;
    for (std::size_t k = 1; k <= m / 2; ++k) {
      std::int32_t* zk = out + 2 * k;
      std::int32_t* zm = out + 2 * (m - k);
      const std::int64_t er = static_cast<std::int64_t>(zk[0]) + zm[0], ei = static_cast<std::int64_t>(zk[1]) - zm[1];
      const std::int64_t orr = static_cast<std::int64_t>(zk[1]) + zm[1], oi = static_cast<std::int64_t>(zm[0]) - zk[0];
      const std::int64_t c = cos_[k], s = sin_[k];  // W^k = c - i s (Q30)
      // |2O| < 2^32 and |c|, |s| <= 2^30: each product < 2^62.
      const std::int64_t tr = c * orr + s * oi, ti = c * oi - s * orr;
      const std::int64_t er30 = er * (std::int64_t{1} << 30), ei30 = ei * (std::int64_t{1} << 30);
      zk[0] = static_cast<std::int32_t>(fixed::rshift_round(er30 + tr, 32));
      zk[1] = static_cast<std::int32_t>(fixed::rshift_round(ei30 + ti, 32));
      if (k != m - k) {
        zm[0] = static_cast<std::int32_t>(fixed::rshift_round(er30 - tr, 32));
        zm[1] = static_cast<std::int32_t>(fixed::rshift_round(ti - ei30, 32));
      }
    }
  }

 private:
  std::size_t n_ = 0;
  int log2_n_ = 0;
  std::int32_t cos_[kMaxSize / 2] = {};
  std::int32_t sin_[kMaxSize / 2] = {};
};

}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
