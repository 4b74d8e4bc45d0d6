// SPDX-License-Identifier: Apache-2.0
// Spectral features of a float32 signal: framing, periodic Hann window, real FFT, magnitude or
// power spectrum, mel filterbank, log, DCT-II (MFCCs); plus frame stacking and int8 quantization.
//
// One FeatureExtractor object holds every table and scratch buffer, sized at compile time by its
// template arguments, so it can live in static memory (no heap); a 512-point, 40-mel, 10-MFCC
// extractor is about 13 KB. Per frame:
//   frame[i] = x[start + i] / divisor * hann[i]   (i < frame_length; zeros up to fft_size and
//                                                   past the end of the signal)
//   X        = rfft(frame, fft_size)
//   S[k]     = |X[k]| (kMagnitude) or |X[k]|^2 (kPower)
//   M[m]     = sum_k S[k] W[k][m]                   (mel.hpp)
//   L[m]     = log_multiplier * ln(M[m] + log_offset)
//   out      = DCT-II(L)[0..num_coefficients)      (dct.hpp), or L itself when num_coefficients = 0
// This is tf.signal.stft(frame_length, frame_step, fft_size, window_fn=hann_window, pad_end)
// followed by tf.abs, tf.tensordot with linear_to_mel_weight_matrix, tf.math.log(x + offset) and
// tf.signal.mfccs_from_log_mel_spectrograms when the defaults below are kept. With center = true
// (frame f starts at f * frame_step - fft_size/2, edges padded per pad_mode), kPower, the librosa
// Slaney filterbank and log_multiplier 10/ln(10) it is librosa.feature.melspectrogram followed by
// 10 log10(x + offset) (the MLPerf AD preset, anomaly.hpp).
//
// Contract: init() before anything else; output buffers hold frames x features_per_frame()
//   floats; the signal is not modified. Not reentrant (one scratch set per object).
// Numerics: float32 throughout (tables from double); agrees with TensorFlow's float32 pipeline to
//   < 1e-3 absolute on MFCCs of real audio (tests/audio states the measured error). Quantization
//   follows TFLite's QUANTIZE: round half away from zero of x / scale, plus zero point, saturated.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tinyml/audio/dct.hpp"
#include "tinyml/audio/fft.hpp"
#include "tinyml/audio/mel.hpp"
#include "tinyml/audio/window.hpp"
#include "tinyml/config.hpp"
#include "tinyml/core/status.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {

enum class SpectrumType : std::uint8_t {
  kMagnitude,  ///< |X| (tf.abs of the STFT; MLPerf KWS)
  kPower,      ///< |X|^2 (librosa's power=2.0; MLPerf AD)
};

/// Feature pipeline parameters. The defaults are the MLPerf Tiny KWS front end (kws.hpp).
struct FeatureConfig {
  std::uint32_t sample_rate = 16000;
  std::size_t frame_length = 480;  ///< samples per frame (window length), <= fft_size
  std::size_t frame_step = 320;    ///< hop between frame starts
  std::size_t fft_size = 512;      ///< power of two
  bool pad_end = false;            ///< tf.signal.frame's pad_end (see frame_count)
  /// librosa.stft(center=True): frame f is centred on sample f * frame_step (it starts fft_size/2
  /// earlier) and 1 + length / frame_step frames result; samples outside the signal come from
  /// pad_mode. Needs frame_length == fft_size; pad_end is then ignored.
  bool center = false;
  PadMode pad_mode = PadMode::kConstant;
  SpectrumType spectrum = SpectrumType::kMagnitude;
  std::size_t num_mels = 40;
  double lower_hz = 20.0;
  double upper_hz = 4000.0;
  MelScale mel_scale = MelScale::kHtk;
  MelLayout mel_layout = MelLayout::kTensorFlow;
  MelNorm mel_norm = MelNorm::kNone;
  float log_offset = 1e-6f;     ///< added before the log (stabiliser)
  float log_multiplier = 1.0f;  ///< 1: natural log; 10/ln(10) = 4.3429448: decibels of a power
  std::size_t num_coefficients = 10;  ///< MFCCs kept; 0 outputs the log-mel bands
  DctNorm dct_norm = DctNorm::kTensorFlowMfcc;
};

/// Frame-by-frame feature extraction with fixed capacities: FFT size up to kMaxFft, up to
/// kMaxMels mel bands, up to kMaxCoefficients MFCCs.
template <std::size_t kMaxFft, std::size_t kMaxMels, std::size_t kMaxCoefficients>
class FeatureExtractor {
 public:
  /// Validates `c` and builds the window, FFT, mel and DCT tables.
  /// @returns kOk, or kBadArgument (with a reason in `diag` when given) for a zero frame length or
  ///   step, frame_length > fft_size, an fft_size that is not a power of two or above kMaxFft,
  ///   a sample rate of 0, a mel range the filterbank refuses (mel.hpp), num_mels above kMaxMels,
  ///   num_coefficients above kMaxCoefficients or num_mels, or a non-positive log_offset.
  Status init(const FeatureConfig& c, Diag* diag = nullptr) noexcept {
    ready_ = false;
    const char* why = nullptr;
    if (c.frame_length == 0 || c.frame_step == 0) why = "frame_length and frame_step must be positive";
    else if (c.frame_length > c.fft_size) why = "frame_length exceeds fft_size";
    else if (c.center && c.frame_length != c.fft_size) why = "centred frames need frame_length == fft_size";
    else if (c.sample_rate == 0) why = "sample_rate must be positive";
    else if (c.num_coefficients > kMaxCoefficients || c.num_coefficients > c.num_mels) why = "num_coefficients exceeds capacity or num_mels";
    else if (!(c.log_offset > 0.0f)) why = "log_offset must be positive";
    else if (fft_.init(c.fft_size) != Status::kOk) why = "fft_size must be a power of two within capacity";
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
    TINYML_TRY(mel_.init(mc, diag));
    if (c.num_coefficients > 0 && dct_.init(c.num_mels, c.num_coefficients, c.dct_norm) != Status::kOk) {
      return fail(diag, "bad DCT size");
    }
    periodic_hann(window_, c.frame_length);
    frame_length_ = c.frame_length;
    frame_step_ = c.frame_step;
    fft_size_ = c.fft_size;
    pad_end_ = c.pad_end;
    center_ = c.center;
    pad_mode_ = c.pad_mode;
    spectrum_type_ = c.spectrum;
    num_mels_ = c.num_mels;
    num_coefficients_ = c.num_coefficients;
    log_offset_ = c.log_offset;
    log_multiplier_ = c.log_multiplier;
    ready_ = true;
    return Status::kOk;
  }

  /// Floats per frame: num_coefficients, or num_mels when num_coefficients is 0.
  std::size_t features_per_frame() const noexcept {
    return num_coefficients_ > 0 ? num_coefficients_ : num_mels_;
  }
  /// Frames of a signal `length` samples long (frame_count with the config's pad_end, or
  /// centered_frame_count for centred frames).
  std::size_t num_frames(std::size_t length) const noexcept {
    return center_ ? centered_frame_count(length, frame_step_) : frame_count(length, frame_length_, frame_step_, pad_end_);
  }

  /// Features of one frame: samples frame_samples[0 .. available) divided by `divisor`, zeros
  /// after that (available may be anything from 0 to frame_length). Writes features_per_frame().
  void compute_frame(const float* frame_samples, std::size_t available, float divisor,
                     float* out) noexcept {
    TINYML_DCHECK(ready_);
    if (available > frame_length_) available = frame_length_;
    for (std::size_t i = 0; i < available; ++i) frame_[i] = frame_samples[i] / divisor * window_[i];
    for (std::size_t i = available; i < fft_size_; ++i) frame_[i] = 0.0f;
    finish_frame(out);
  }

  /// Features of frame `index` of `signal` (n samples) seen as `length` samples long: zero-padded
  /// when length > n, cut when length < n; every sample divided by `divisor`. Centred frames
  /// (config.center) pad around the `length` samples with the config's pad_mode.
  void compute_frame_at(const float* signal, std::size_t n, std::size_t length, float divisor,
                        std::size_t index, float* out) noexcept {
    const std::size_t end = n < length ? n : length;
    if (!center_) {
      const std::size_t start = index * frame_step_;
      const std::size_t available = start < end ? end - start : 0;
      compute_frame(signal + (available > 0 ? start : 0), available, divisor, out);
      return;
    }
    TINYML_DCHECK(ready_);
    const auto start = static_cast<std::ptrdiff_t>(index * frame_step_) - static_cast<std::ptrdiff_t>(fft_size_ / 2);
    for (std::size_t i = 0; i < fft_size_; ++i) {
      const std::ptrdiff_t at = padded_index(start + static_cast<std::ptrdiff_t>(i), length, pad_mode_);
      const float x = at >= 0 && static_cast<std::size_t>(at) < end ? signal[at] : 0.0f;
      frame_[i] = x / divisor * window_[i];
    }
    finish_frame(out);
  }

  /// All frames, row-major [num_frames(length)][features_per_frame()], of `signal` (n samples)
  /// seen as `length` samples (zero-padded or cut) and divided by `divisor`.
  /// @returns kOk, or kBadArgument when out_capacity (floats) is too small; *frames_written
  ///   (optional) gets the number of frames.
  Status compute(const float* signal, std::size_t n, std::size_t length, float divisor, float* out,
                 std::size_t out_capacity, std::size_t* frames_written = nullptr) noexcept {
    const std::size_t frames = num_frames(length);
    const std::size_t dim = features_per_frame();
    if (frames_written != nullptr) *frames_written = 0;
    if (!ready_ || frames * dim > out_capacity) return Status::kBadArgument;
    for (std::size_t f = 0; f < frames; ++f) compute_frame_at(signal, n, length, divisor, f, out + f * dim);
    if (frames_written != nullptr) *frames_written = frames;
    return Status::kOk;
  }

  /// compute() over the signal as it is (length n, divisor 1).
  Status compute(const float* signal, std::size_t n, float* out, std::size_t out_capacity,
                 std::size_t* frames_written = nullptr) noexcept {
    return compute(signal, n, n, 1.0f, out, out_capacity, frames_written);
  }

 private:
  // Window applied (frame_ filled): FFT, spectrum, mel, log, DCT into `out`.
  void finish_frame(float* out) noexcept {
    fft_.forward(frame_, spectrum_);
    const std::size_t bins = fft_.num_bins();
    if (spectrum_type_ == SpectrumType::kMagnitude) {
      magnitude_spectrum(spectrum_, bins, spectrum_);
    } else {
      power_spectrum(spectrum_, bins, spectrum_);
    }
    float* log_mel = num_coefficients_ > 0 ? mel_out_ : out;
    mel_.apply(spectrum_, log_mel);
    for (std::size_t m = 0; m < num_mels_; ++m) {
      const float l = std::log(log_mel[m] + log_offset_);
      log_mel[m] = log_multiplier_ == 1.0f ? l : log_multiplier_ * l;
    }
    if (num_coefficients_ > 0) dct_.apply(mel_out_, out);
  }

  static Status fail(Diag* diag, const char* why) noexcept {
    if (diag != nullptr) {
      diag->clear();
      *diag << "audio features: " << why;
    }
    return Status::kBadArgument;
  }

  // Every member starts at zero, so a static extractor goes to .bss (no flash copy on an MCU).
  bool ready_ = false;
  bool pad_end_ = false;
  bool center_ = false;
  PadMode pad_mode_ = PadMode::kConstant;
  SpectrumType spectrum_type_ = SpectrumType::kMagnitude;
  std::size_t frame_length_ = 0, frame_step_ = 0, fft_size_ = 0, num_mels_ = 0, num_coefficients_ = 0;
  float log_offset_ = 0.0f, log_multiplier_ = 0.0f;
  RealFft<kMaxFft> fft_;
  MelFilterbank<kMaxMels, kMaxFft / 2 + 1> mel_;
  Dct2<kMaxMels, (kMaxCoefficients > 0 ? kMaxCoefficients : 1)> dct_;
  float window_[kMaxFft] = {};
  float frame_[kMaxFft] = {};
  float spectrum_[kMaxFft + 2] = {};
  float mel_out_[kMaxMels] = {};
};

/// Rows produced by stack_frames: 1 + (num_frames - context) / hop, or 0 if fewer frames.
constexpr std::size_t stacked_count(std::size_t num_frames, std::size_t context,
                                    std::size_t hop = 1) noexcept {
  return context == 0 || hop == 0 || num_frames < context ? 0 : 1 + (num_frames - context) / hop;
}

/// Frame stacking (context windows): row r of `out` is frames r*hop .. r*hop + context - 1 of
/// `frames` ([num_frames][dim], row-major) concatenated, context*dim floats. E.g. the MLPerf AD
/// model's input is 5 stacked 128-band log-mel frames.
/// @returns rows written; none (0) when out_capacity (floats) cannot hold them all.
inline std::size_t stack_frames(const float* frames, std::size_t num_frames, std::size_t dim,
                                std::size_t context, std::size_t hop, float* out,
                                std::size_t out_capacity) noexcept {
  const std::size_t rows = stacked_count(num_frames, context, hop);
  const std::size_t row_len = context * dim;
  if (rows * row_len > out_capacity) return 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* src = frames + r * hop * dim;
    for (std::size_t i = 0; i < row_len; ++i) out[r * row_len + i] = src[i];
  }
  return rows;
}

/// Quantizes to int8 as TFLite's QUANTIZE op: clamp(round(x / scale) + zero_point, -128, 127),
/// rounding halves away from zero. Contract: scale > 0.
inline void quantize_s8(const float* x, std::size_t n, float scale, std::int32_t zero_point,
                        std::int8_t* out) noexcept {
  TINYML_DCHECK(scale > 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const float r = std::round(x[i] / scale);
    // Saturate in float first so huge or non-finite values cannot overflow the int conversion.
    const float lo = -128.0f - static_cast<float>(zero_point), hi = 127.0f - static_cast<float>(zero_point);
    const float c = r < lo ? lo : (r > hi ? hi : (r == r ? r : 0.0f));
    std::int32_t q = static_cast<std::int32_t>(c) + zero_point;
    q = q < -128 ? -128 : (q > 127 ? 127 : q);
    out[i] = static_cast<std::int8_t>(q);
  }
}

}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
