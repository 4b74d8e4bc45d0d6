// SPDX-License-Identifier: Apache-2.0
// The spectral feature pipeline of features.hpp in integer arithmetic, for microcontrollers
// without an FPU: int16 PCM in, features in Q16 (int32, 65536 = 1.0) out, then int8 quantization
// with an integer multiplier. Same FeatureConfig, same frames and the same features (log-mel
// bands or MFCCs) as FeatureExtractor, to within the error stated below. No heap.
//
// Per frame (x: int16 samples; the real signal is x / divisor, divisor in [1, 32768]: 32768 is
// plain PCM scaling, the KWS preset passes the clip's largest sample):
//   v[i]  = x[i] * hann_q30[i]                  exact in int64
//   y[i]  = v[i] * 2^-r                          r chosen so max |y| lies in [2^29, 2^30]: block
//                                                floating point, quiet frames keep their precision
//   F     = rfft_q31(y) = X(y) / n               fft_fixed.hpp
//   S[k]  = F_re^2 + F_im^2 (kPower, uint64) or round(sqrt(that)) (kMagnitude)
//   A[m]  = sum_k round(S[k] 2^-s) * T[m][k]     T: band m's weights / their maximum, Q30 (uint32);
//                                                s (per band) the smallest shift that keeps A < 2^62
//   mel   = A[m] * 2^G * K[m] / divisor^p        G = s + p (log2 n + r - 30), K[m] = max weight/2^30,
//                                                p = 2 (power) or 1 (magnitude)
//   L[m]  = log_multiplier * ln(mel + log_offset)
//         = log_multiplier * (ln K[m] - p ln divisor + ln2 * log2(A 2^G + (log_offset / K[m]) divisor^p))
//         the sum in a (mantissa, exponent) form (fixed_math.hpp), log2 by squaring, the constants
//         ln K[m] and log_multiplier * ln 2 precomputed in fixed point
//   out   = L (Q16), or DCT-II(L) with a Q29 cosine table, 64-bit sums (Q16)
// Integer operations only per frame: 32/64-bit adds and shifts and 32x32 -> 64-bit multiplies
// (UMULL/SMULL on Armv7-M and up; a runtime-library call on Armv6-M). init() builds its tables
// with double arithmetic once (software floating point on an FPU-less MCU).
//
// Contract: init() before anything else; `out` holds features_per_frame() int32 per frame.
// Numerics: 30-bit FFT data (block floating point per frame), Q30 weights, a Q16 log2 (+-2^-16):
//   against FeatureExtractor (float32) on the same int16 samples, tests/audio measures the maximum
//   and mean absolute difference (MLPerf AD log-mel in dB, MLPerf KWS MFCCs) on real audio. The
//   FFT's rounding noise sits ~160 dB below the frame's largest bin: bands that should be exactly
//   empty (bare synthetic tones: float64 gives log_offset's -156 dB) read as that noise instead,
//   as float32 pipelines read them as theirs (~140 dB below the peak).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/audio/features.hpp"
#include "tinyml/audio/fft_fixed.hpp"
#include "tinyml/audio/fixed_math.hpp"
#include "tinyml/audio/mel.hpp"
#include "tinyml/audio/window.hpp"
#include "tinyml/config.hpp"
#include "tinyml/core/status.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {

/// Fractional bits of the fixed-point features (Q16: 65536 = 1.0).
inline constexpr int kFixedFeatureFracBits = 16;

/// Q16 feature value as a double (for hosts and tests).
constexpr double fixed_to_double(std::int32_t q16) noexcept { return static_cast<double>(q16) / 65536.0; }

/// Largest divisor compute_frame_at() accepts (the magnitude of an int16 sample).
inline constexpr std::uint32_t kMaxFixedDivisor = 32768;

/// FeatureExtractor's pipeline in integer arithmetic (see the top of this file). Capacities as
/// FeatureExtractor's; the MLPerf AD extractor (1024 points, 128 mels) is about 24 KB, the KWS one
/// (512 points, 40 mels, 10 MFCCs) about 13 KB.
template <std::size_t kMaxFft, std::size_t kMaxMels, std::size_t kMaxCoefficients>
class FixedFeatureExtractor {
  static constexpr std::size_t kMaxBins = kMaxFft / 2 + 1;
  static constexpr std::size_t kWeightCapacity = 2 * kMaxBins;
  static_assert(kMaxFft <= 16384, "band offsets are stored as uint16");

 public:
  /// Validates `c` as FeatureExtractor::init does (same refusals and messages) and builds the
  /// fixed-point tables. Also refuses an fft_size below 4 and log_multiplier outside (0, 64].
  Status init(const FeatureConfig& c, Diag* diag = nullptr) noexcept {
    ready_ = false;
    const char* why = nullptr;
    if (c.frame_length == 0 || c.frame_step == 0) why = "frame_length and frame_step must be positive";
    else if (c.frame_length > c.fft_size) why = "frame_length exceeds fft_size";
    else if (c.center && c.frame_length != c.fft_size) why = "centred frames need frame_length == fft_size";
    else if (c.sample_rate == 0) why = "sample_rate must be positive";
    else if (c.num_coefficients > kMaxCoefficients || c.num_coefficients > c.num_mels) why = "num_coefficients exceeds capacity or num_mels";
    else if (!(c.log_offset > 0.0f)) why = "log_offset must be positive";
    else if (!(c.log_multiplier > 0.0f && c.log_multiplier <= 64.0f)) why = "log_multiplier must be in (0, 64]";
    else if (fft_.init(c.fft_size) != Status::kOk) why = "fft_size must be a power of two within capacity (>= 4)";
    if (why != nullptr) return fail(diag, why);
    MelConfig mc;
    mc.num_mels = c.num_mels;
    mc.fft_size = c.fft_size;
    mc.sample_rate = static_cast<double>(c.sample_rate);
    mc.lower_hz = c.lower_hz;
    mc.upper_hz = c.upper_hz;
    mc.scale = c.mel_scale;
    mc.layout = c.mel_layout;
    mc.norm = c.mel_norm;
    // The float filterbank's checks (and messages) without its storage.
    if (c.num_mels == 0 || c.num_mels > kMaxMels) return fail(diag, "num_mels is 0 or above capacity");
    if (!(c.lower_hz >= 0.0) || !(c.lower_hz < c.upper_hz)) return fail(diag, "need 0 <= lower_hz < upper_hz");
    if (c.upper_hz > static_cast<double>(c.sample_rate) / 2.0) return fail(diag, "upper_hz is above the Nyquist frequency");
    TINYML_TRY(build_mel(mc, static_cast<double>(c.log_offset), static_cast<double>(c.log_multiplier), diag));
    constexpr double kTwoPi = 6.283185307179586476925;
    for (std::size_t i = 0; i < c.frame_length; ++i) {
      const double w = 0.5 - 0.5 * std::cos(kTwoPi * static_cast<double>(i) / static_cast<double>(c.frame_length));
      window_[i] = static_cast<std::int32_t>(std::lround(static_cast<double>(static_cast<float>(w)) * 1073741824.0));
    }
    if (c.num_coefficients > 0) {
      constexpr double kPi = 3.14159265358979323846;
      const double big_n = static_cast<double>(c.num_mels);
      for (std::size_t k = 0; k < c.num_coefficients; ++k) {
        double scale = 2.0 / std::sqrt(2.0 * big_n);
        if (c.dct_norm == DctNorm::kOrtho) scale = std::sqrt((k == 0 ? 1.0 : 2.0) / big_n);
        if (c.dct_norm == DctNorm::kNone) scale = 2.0;
        for (std::size_t n = 0; n < c.num_mels; ++n) {
          const double angle = kPi * static_cast<double>(k) * static_cast<double>(2 * n + 1) / (2.0 * big_n);
          dct_[k * c.num_mels + n] = static_cast<std::int32_t>(std::lround(scale * std::cos(angle) * 536870912.0));
        }
      }
    }
    log_scale_q30_ = static_cast<std::int64_t>(std::llround(static_cast<double>(c.log_multiplier) * 0.69314718055994530942 * 1073741824.0));
    frame_length_ = c.frame_length;
    frame_step_ = c.frame_step;
    fft_size_ = c.fft_size;
    pad_end_ = c.pad_end;
    center_ = c.center;
    pad_mode_ = c.pad_mode;
    power_ = c.spectrum == SpectrumType::kPower ? 2 : 1;
    num_mels_ = c.num_mels;
    num_coefficients_ = c.num_coefficients;
    ready_ = true;
    return Status::kOk;
  }

  /// Values per frame: num_coefficients, or num_mels when num_coefficients is 0.
  std::size_t features_per_frame() const noexcept {
    return num_coefficients_ > 0 ? num_coefficients_ : num_mels_;
  }
  /// Frames of a signal `length` samples long (as FeatureExtractor::num_frames).
  std::size_t num_frames(std::size_t length) const noexcept {
    return center_ ? centered_frame_count(length, frame_step_) : frame_count(length, frame_length_, frame_step_, pad_end_);
  }

  /// Q16 features of frame `index` of `signal` (n int16 samples) seen as `length` samples (zero-
  /// padded or cut; centred frames padded per pad_mode), every sample divided by `divisor`
  /// (1..32768; 32768 = plain x / 32768). Writes features_per_frame() values.
  void compute_frame_at(const std::int16_t* signal, std::size_t n, std::size_t length, std::uint32_t divisor,
                        std::size_t index, std::int32_t* out) noexcept {
    TINYML_DCHECK(ready_ && divisor >= 1 && divisor <= kMaxFixedDivisor);
    const std::size_t end = n < length ? n : length;
    // Gather the frame's samples (zeros outside) into frame_, find max |x w|.
    std::uint64_t peak = 0;
    for (std::size_t i = 0; i < fft_size_; ++i) {
      std::int32_t x = 0;
      if (i < frame_length_) {
        std::ptrdiff_t at;
        if (center_) {
          at = padded_index(static_cast<std::ptrdiff_t>(index * frame_step_ + i) - static_cast<std::ptrdiff_t>(fft_size_ / 2),
                            length, pad_mode_);
        } else {
          at = static_cast<std::ptrdiff_t>(index * frame_step_ + i);
        }
        if (at >= 0 && static_cast<std::size_t>(at) < end) x = signal[at];
      }
      frame_[i] = x;
      const std::int64_t v = static_cast<std::int64_t>(x) * window_[i];
      const std::uint64_t a = static_cast<std::uint64_t>(v < 0 ? -v : v);
      peak = a > peak ? a : peak;
    }
    std::int32_t* mel = num_coefficients_ > 0 ? mel_q16_ : out;
    // divisor^p and p log2(divisor) (Q16) for the log step.
    const std::uint64_t dp = power_ == 2 ? std::uint64_t{divisor} * divisor : divisor;
    const std::int64_t log2_dp = static_cast<std::int64_t>(power_) * fixed::log2_q16(std::uint64_t{divisor});
    if (peak == 0) {
      for (std::size_t m = 0; m < num_mels_; ++m) mel[m] = band_log(m, fixed::Scaled{}, dp, log2_dp);
    } else {
      const int r = fixed::bit_length(peak) - 30;  // max |y| in [2^29, 2^30]
      for (std::size_t i = 0; i < fft_size_; ++i) {
        const std::int64_t v = static_cast<std::int64_t>(frame_[i]) * window_[i];
        frame_[i] = static_cast<std::int32_t>(r > 0 ? fixed::rshift_round(v, r) : v * (std::int64_t{1} << -r));
      }
      fft_.forward(frame_, spectrum_);
      // |F| components are below 2^31: S fits 62 bits. S[k] replaces bin k's (re, im) pair.
      const std::size_t bins = fft_.num_bins();
      for (std::size_t k = 0; k < bins; ++k) {
        const std::int64_t re = spectrum_[2 * k], im = spectrum_[2 * k + 1];
        std::uint64_t s = static_cast<std::uint64_t>(re * re) + static_cast<std::uint64_t>(im * im);
        if (power_ == 1) s = fixed::isqrt_round(s);
        std::memcpy(spectrum_ + 2 * k, &s, sizeof s);
      }
      const std::int32_t g0 = power_ * (fft_.log2_size() + r - 30);
      for (std::size_t m = 0; m < num_mels_; ++m) {
        // Per band: the smallest shift that keeps the weighted sum below 2^62, so a band keeps
        // 2^-43 precision relative to its own largest bin whatever the rest of the frame holds.
        std::uint64_t band_max = 0;
        for (std::size_t i = 0; i < count_[m]; ++i) {
          std::uint64_t s;
          std::memcpy(&s, spectrum_ + 2 * (first_[m] + i), sizeof s);
          band_max = s > band_max ? s : band_max;
        }
        int shift = fixed::bit_length(band_max) + weight_sum_bits_ - 62;
        shift = shift < 0 ? 0 : shift;
        std::uint64_t acc = 0;
        const std::uint32_t* w = weights_ + offset_[m];
        for (std::size_t i = 0; i < count_[m]; ++i) {
          std::uint64_t s;
          std::memcpy(&s, spectrum_ + 2 * (first_[m] + i), sizeof s);
          acc += fixed::shift_round(s, -shift) * w[i];
        }
        mel[m] = band_log(m, fixed::make_scaled(acc, g0 + shift), dp, log2_dp);
      }
    }
    if (num_coefficients_ > 0) {
      for (std::size_t k = 0; k < num_coefficients_; ++k) {
        const std::int32_t* row = dct_ + k * num_mels_;
        std::int64_t acc = 0;
        for (std::size_t m = 0; m < num_mels_; ++m) acc += static_cast<std::int64_t>(row[m]) * mel_q16_[m];
        out[k] = static_cast<std::int32_t>(fixed::rshift_round(acc, 29));
      }
    }
  }

  /// All frames, row-major [num_frames(length)][features_per_frame()] Q16 values.
  /// @returns kOk, or kBadArgument when not initialised, out_capacity (values) is too small or the
  ///   divisor is outside [1, 32768]; *frames_written (optional) gets the number of frames.
  Status compute(const std::int16_t* signal, std::size_t n, std::size_t length, std::uint32_t divisor,
                 std::int32_t* out, std::size_t out_capacity, std::size_t* frames_written = nullptr) noexcept {
    const std::size_t frames = num_frames(length);
    const std::size_t dim = features_per_frame();
    if (frames_written != nullptr) *frames_written = 0;
    if (!ready_ || frames * dim > out_capacity || divisor == 0 || divisor > kMaxFixedDivisor) return Status::kBadArgument;
    for (std::size_t f = 0; f < frames; ++f) compute_frame_at(signal, n, length, divisor, f, out + f * dim);
    if (frames_written != nullptr) *frames_written = frames;
    return Status::kOk;
  }

 private:
  static Status fail(Diag* diag, const char* why) noexcept {
    if (diag != nullptr) {
      diag->clear();
      *diag << "audio features (fixed point): " << why;
    }
    return Status::kBadArgument;
  }

  // Band m: weights W[m][k] / max_k W[m][k] in Q30 over its non-zero run; the constants
  // ln(K[m]) (times log_multiplier, Q16) and log_offset / K[m] (Q31 mantissa and exponent).
  Status build_mel(const MelConfig& mc, double log_offset, double log_multiplier, Diag* diag) noexcept {
    const std::size_t bins = mc.fft_size / 2 + 1;
    if (bins > kMaxBins) return fail(diag, "fft_size/2 + 1 bins exceed capacity");
    std::size_t used = 0;
    std::uint64_t max_sum = 1;
    for (std::size_t m = 0; m < mc.num_mels; ++m) {
      const MelBand band = mel_band(mc, m);
      std::size_t first = bins, last = 0;
      double peak = 0.0;
      for (std::size_t k = 0; k < bins; ++k) {
        const double w = static_cast<double>(mel_weight(mc, band, k));
        if (!(w > 0.0)) continue;
        first = k < first ? k : first;
        last = k;
        peak = w > peak ? w : peak;
      }
      offset_[m] = static_cast<std::uint16_t>(used);
      first_[m] = static_cast<std::uint16_t>(first == bins ? 0 : first);
      count_[m] = 0;
      // K[m] = peak / 2^30 (an empty band gets K = 1 and no weights: its value is the offset's log).
      const double k_m = peak > 0.0 ? peak / 1073741824.0 : 1.0;
      std::uint64_t sum = 0;
      if (peak > 0.0) {
        if (used + (last - first + 1) > kWeightCapacity) return fail(diag, "more non-zero mel weights than 2 x bins");
        for (std::size_t k = first; k <= last; ++k) {
          const double w = static_cast<double>(mel_weight(mc, band, k));
          const auto q = static_cast<std::uint32_t>(std::llround(w / peak * 1073741824.0));
          weights_[used++] = q;
          sum += q;
        }
        count_[m] = static_cast<std::uint16_t>(last - first + 1);
      }
      max_sum = sum > max_sum ? sum : max_sum;
      band_offset_q16_[m] = static_cast<std::int32_t>(std::lround(log_multiplier * std::log(k_m) * 65536.0));
      int e = 0;
      const double f = std::frexp(log_offset / k_m, &e);  // f in [0.5, 1)
      std::int64_t mant = std::llround(f * 4294967296.0);  // [2^31, 2^32]
      if (mant == (std::int64_t{1} << 32)) {
        mant >>= 1;
        ++e;
      }
      floor_mantissa_[m] = static_cast<std::uint32_t>(mant);
      floor_exponent_[m] = e - 32;
    }
    weight_sum_bits_ = fixed::bit_length(max_sum);
    return Status::kOk;
  }

  // log_multiplier * ln(value K[m] / divisor^p + log_offset) in Q16, value = A[m] 2^G (0 for a
  // silent frame); dp = divisor^p, log2_dp = p log2(divisor) in Q16.
  std::int32_t band_log(std::size_t m, fixed::Scaled value, std::uint64_t dp, std::int64_t log2_dp) const noexcept {
    const fixed::Scaled floor = fixed::make_scaled(static_cast<std::uint64_t>(floor_mantissa_[m]) * dp, floor_exponent_[m]);
    const std::int64_t l2 = fixed::log2_q16(fixed::add(value, floor)) - log2_dp;
    return band_offset_q16_[m] + static_cast<std::int32_t>(fixed::rshift_round(l2 * log_scale_q30_, 30));
  }

  // Every member starts at zero (.bss).
  bool ready_ = false;
  bool pad_end_ = false;
  bool center_ = false;
  PadMode pad_mode_ = PadMode::kConstant;
  int power_ = 0;  // 1 (magnitude) or 2 (power) after init
  int weight_sum_bits_ = 0;
  std::size_t frame_length_ = 0, frame_step_ = 0, fft_size_ = 0, num_mels_ = 0, num_coefficients_ = 0;
  std::int64_t log_scale_q30_ = 0;  // log_multiplier * ln 2, Q30
  RealFftQ31<kMaxFft> fft_;
  std::int32_t window_[kMaxFft] = {};
  std::int32_t frame_[kMaxFft] = {};
  std::int32_t spectrum_[kMaxFft + 2] = {};
  std::uint32_t weights_[kWeightCapacity] = {};
  std::uint16_t first_[kMaxMels] = {};
  std::uint16_t count_[kMaxMels] = {};
  std::uint16_t offset_[kMaxMels] = {};
  std::int32_t band_offset_q16_[kMaxMels] = {};
  std::uint32_t floor_mantissa_[kMaxMels] = {};
  std::int32_t floor_exponent_[kMaxMels] = {};
  std::int32_t mel_q16_[kMaxMels] = {};
  std::int32_t dct_[kMaxMels * (kMaxCoefficients > 0 ? kMaxCoefficients : 1)] = {};
};

/// int8 quantization of Q16 features in integer arithmetic: clamp(round(v / 2^16 / scale) +
/// zero_point, -128, 127), rounding half away from zero like TFLite's QUANTIZE. init() turns
/// 1 / (scale 2^16) into a Q31 multiplier and a right shift once (double arithmetic); apply() is
/// integer-only. It can differ from quantize_s8 of the float value only where v / scale lies
/// within ~2^-30 relative of a rounding tie.
class FixedQuantizer {
 public:
  /// @returns kOk, or kBadArgument for a scale that is not positive and finite or outside
  ///   [2^-40, 2^12] (the shift range), or a zero point outside [-128, 127].
  Status init(float scale, std::int32_t zero_point) noexcept {
    ready_ = false;
    if (!(scale >= 9.094947017729282e-13f && scale <= 4096.0f) || zero_point < -128 || zero_point > 127) {
      return Status::kBadArgument;
    }
    int e = 0;
    const double f = std::frexp(1.0 / (static_cast<double>(scale) * 65536.0), &e);  // [0.5, 1)
    std::int64_t mult = std::llround(f * 2147483648.0);
    if (mult == (std::int64_t{1} << 31)) {
      mult >>= 1;
      ++e;
    }
    multiplier_ = mult;
    shift_ = 31 - e;  // in [1, 62] for the accepted scales
    zero_point_ = zero_point;
    ready_ = true;
    return Status::kOk;
  }

  void apply(const std::int32_t* v_q16, std::size_t n, std::int8_t* out) const noexcept {
    TINYML_DCHECK(ready_);
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t v = v_q16[i];
      const std::uint64_t mag = static_cast<std::uint64_t>(v < 0 ? -v : v) * static_cast<std::uint64_t>(multiplier_);
      const std::uint64_t r = (mag + (std::uint64_t{1} << (shift_ - 1))) >> shift_;
      std::int64_t q = (v < 0 ? -static_cast<std::int64_t>(r > 1000 ? 1000 : r) : static_cast<std::int64_t>(r > 1000 ? 1000 : r)) +
                       zero_point_;
      q = q < -128 ? -128 : (q > 127 ? 127 : q);
      out[i] = static_cast<std::int8_t>(q);
    }
  }

 private:
  bool ready_ = false;
  std::int64_t multiplier_ = 0;
  int shift_ = 1;
  std::int32_t zero_point_ = 0;
};

}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
