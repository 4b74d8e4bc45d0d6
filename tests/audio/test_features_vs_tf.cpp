// SPDX-License-Identifier: Apache-2.0
// The MLPerf KWS features of the committed clips against TensorFlow's (tf.signal, float32; files
// from tools/audio/ref_features.py), the Slaney log-mel option against librosa's filterbank, the
// silent clip's c0, quantization and the frame-stacking helper.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "audio_support.hpp"

using namespace tinyml::audio;
using tinyml::Status;
using namespace tinyml_audio_test;

namespace {
// Absolute tolerance on every MFCC (values range over about -130..+40).
constexpr double kMfccTolerance = 1e-3;

const char* const kClips[] = {
    "speech_yes_16k", "speech_left_16k", "speech_stop_0600ms_16k",
    "noise_pink_16k", "sweep_100_3900hz_16k", "stereo_go_44k",
};

mlperf_kws::Extractor& kws_extractor() {
  static mlperf_kws::Extractor ex;
  static const bool ok = ex.init(mlperf_kws::config()) == Status::kOk;
  REQUIRE(ok);
  return ex;
}
}  // namespace

TEST_CASE("MLPerf KWS MFCCs agree with TensorFlow's tf.signal pipeline") {
  mlperf_kws::Extractor& ex = kws_extractor();
  ErrorStats all;
  for (const char* clip_name : kClips) {
    const std::string clip = clip_name;
    CAPTURE(clip);
    std::string why;
    const std::vector<float> mono = load_mono_16k(data_dir() + "/" + clip + ".wav", nullptr, &why);
    REQUIRE_MESSAGE(!mono.empty(), why);
    const std::vector<float> ref = read_floats(data_dir() + "/" + clip + ".mfcc.bin");
    REQUIRE(ref.size() == mlperf_kws::kNumFeatures);
    float feat[mlperf_kws::kNumFeatures];
    REQUIRE(mlperf_kws::compute(ex, mono.data(), mono.size(), feat) == Status::kOk);
    ErrorStats e;
    for (std::size_t i = 0; i < mlperf_kws::kNumFeatures; ++i) {
      e.add(feat[i], ref[i]);
      all.add(feat[i], ref[i]);
    }
    MESSAGE(clip << ": max abs error " << e.max_abs << ", mean " << e.mean_abs());
    CHECK(e.max_abs < kMfccTolerance);
  }
  MESSAGE("all " << all.count << " MFCCs of " << sizeof kClips / sizeof kClips[0]
                 << " clips: max abs error " << all.max_abs << ", mean " << all.mean_abs()
                 << " (tolerance " << kMfccTolerance << ")");
  CHECK(all.max_abs < kMfccTolerance);
}

TEST_CASE("Slaney log-mel option agrees with TF's STFT through librosa's Slaney filterbank") {
  FeatureConfig c = mlperf_kws::config();
  c.spectrum = SpectrumType::kPower;
  c.mel_scale = MelScale::kSlaney;
  c.mel_layout = MelLayout::kLibrosa;
  c.mel_norm = MelNorm::kSlaney;
  c.num_coefficients = 0;  // log-mel bands out
  static FeatureExtractor<512, 40, 10> ex;
  REQUIRE(ex.init(c) == Status::kOk);
  REQUIRE(ex.features_per_frame() == 40);
  const std::vector<float> mono = load_mono_16k(data_dir() + "/speech_yes_16k.wav");
  const std::vector<float> ref = read_floats(data_dir() + "/speech_yes_16k.logmel_slaney.bin");
  REQUIRE(ref.size() == 49 * 40);
  std::vector<float> out(49 * 40);
  std::size_t frames = 0;
  REQUIRE(ex.compute(mono.data(), mono.size(), 16000, mlperf_kws::clip_divisor(mono.data(), mono.size()),
                     out.data(), out.size(), &frames) == Status::kOk);
  REQUIRE(frames == 49);
  ErrorStats e;
  for (std::size_t i = 0; i < out.size(); ++i) e.add(out[i], ref[i]);
  MESSAGE("Slaney log-mel [49x40]: max abs error " << e.max_abs << ", mean " << e.mean_abs());
  CHECK(e.max_abs < 1e-3);
}

TEST_CASE("an all-zero clip gives c0 = 80 ln(1e-6) / sqrt(80) = -123.5697 in every frame") {
  mlperf_kws::Extractor& ex = kws_extractor();
  std::vector<float> zeros(16000, 0.0f);
  CHECK(mlperf_kws::clip_divisor(zeros.data(), zeros.size()) == 1.0f);
  float feat[mlperf_kws::kNumFeatures];
  REQUIRE(mlperf_kws::compute(ex, zeros.data(), zeros.size(), feat) == Status::kOk);
  const double expected = 80.0 * std::log(1e-6) / std::sqrt(80.0);
  CHECK(std::fabs(expected - -123.5697) < 1e-4);
  for (std::size_t f = 0; f < mlperf_kws::kNumFrames; ++f) {
    CHECK(std::fabs(feat[f * 10] - expected) < 1e-3);
    for (std::size_t k = 1; k < 10; ++k) CHECK(std::fabs(feat[f * 10 + k]) < 1e-3);
  }
  // No samples at all: the same (the clip is zero-padded to 16000).
  float feat_empty[mlperf_kws::kNumFeatures];
  REQUIRE(mlperf_kws::compute(ex, zeros.data(), 0, feat_empty) == Status::kOk);
  CHECK(feat_empty[0] == feat[0]);
}

TEST_CASE("KWS preset: signed-max normalisation, padding, cropping, quantized path") {
  mlperf_kws::Extractor& ex = kws_extractor();
  const std::vector<float> mono = load_mono_16k(data_dir() + "/speech_yes_16k.wav");
  REQUIRE(mono.size() == 16000);
  float a[490], b[490];
  REQUIRE(mlperf_kws::compute(ex, mono.data(), mono.size(), a) == Status::kOk);
  // Scaling the clip changes nothing (it is divided by its maximum)...
  std::vector<float> louder(mono);
  for (float& x : louder) x *= 0.25f;
  REQUIRE(mlperf_kws::compute(ex, louder.data(), louder.size(), b) == Status::kOk);
  for (int i = 0; i < 490; ++i) CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-4).scale(1.0));
  // ...samples past one second are ignored...
  std::vector<float> longer(mono);
  longer.resize(20000, 0.9f);
  REQUIRE(mlperf_kws::compute(ex, longer.data(), longer.size(), b) == Status::kOk);
  for (int i = 0; i < 490; ++i) CHECK(a[i] == b[i]);
  // ...and the divisor is the signed maximum, not the peak magnitude.
  const float tri[4] = {-0.8f, 0.1f, 0.4f, -0.2f};
  CHECK(mlperf_kws::clip_divisor(tri, 4) == 0.4f);
  const float neg[2] = {-0.8f, -0.2f};
  CHECK(mlperf_kws::clip_divisor(neg, 2) == -0.2f);

  // Quantized path equals quantize_s8 of the float features.
  const float scale = 0.584703f;
  const std::int32_t zp = 83;
  std::int8_t q1[490], q2[490];
  REQUIRE(mlperf_kws::compute_quantized(ex, mono.data(), mono.size(), scale, zp, q1) == Status::kOk);
  quantize_s8(a, 490, scale, zp, q2);
  for (int i = 0; i < 490; ++i) CHECK(q1[i] == q2[i]);
  CHECK(mlperf_kws::compute_quantized(ex, mono.data(), mono.size(), 0.0f, zp, q1) == Status::kBadArgument);
}

TEST_CASE("quantize_s8 follows TFLite QUANTIZE: round half away from zero, saturate") {
  const float x[] = {0.0f, 1.25f, -1.25f, 0.75f, -0.75f, 1000.0f, -1000.0f, 0.2499f, -123.5697f};
  std::int8_t q[9];
  quantize_s8(x, 9, 0.5f, 3, q);
  CHECK(q[0] == 3);
  CHECK(q[1] == 6);    // 2.5 -> 3
  CHECK(q[2] == 0);    // -2.5 -> -3
  CHECK(q[3] == 5);    // 1.5 -> 2
  CHECK(q[4] == 1);    // -1.5 -> -2
  CHECK(q[5] == 127);
  CHECK(q[6] == -128);
  CHECK(q[7] == 3);    // 0.4998 -> 0
  CHECK(q[8] == -128);
}

TEST_CASE("feature extractor refusals, and frame stacking") {
  FeatureExtractor<512, 40, 10> ex;
  tinyml::Diag diag;
  FeatureConfig c = mlperf_kws::config();
  c.fft_size = 1024;
  CHECK(ex.init(c, &diag) == Status::kBadArgument);
  CHECK(std::string(diag.c_str()).find("fft_size") != std::string::npos);
  c = mlperf_kws::config();
  c.frame_length = 600;
  CHECK(ex.init(c) == Status::kBadArgument);
  c = mlperf_kws::config();
  c.num_coefficients = 13;
  CHECK(ex.init(c) == Status::kBadArgument);
  c = mlperf_kws::config();
  c.upper_hz = 9000.0;
  CHECK(ex.init(c, &diag) == Status::kBadArgument);
  CHECK(std::string(diag.c_str()).find("Nyquist") != std::string::npos);
  REQUIRE(ex.init(mlperf_kws::config()) == Status::kOk);
  std::vector<float> sig(16000, 0.0f), out(48 * 10);
  CHECK(ex.compute(sig.data(), sig.size(), out.data(), out.size()) == Status::kBadArgument);
  MESSAGE("sizeof(mlperf_kws::Extractor) = " << sizeof(mlperf_kws::Extractor) << " bytes");
  CHECK(sizeof(mlperf_kws::Extractor) < 16 * 1024);

  // 6 frames of dim 2, context 3, hop 1 -> 4 rows of 6; hop 2 -> 2 rows.
  const float frames[12] = {0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51};
  float st[24];
  CHECK(stacked_count(6, 3) == 4);
  REQUIRE(stack_frames(frames, 6, 2, 3, 1, st, 24) == 4);
  CHECK(st[0] == 0);
  CHECK(st[5] == 21);
  CHECK(st[6] == 10);
  CHECK(st[23] == 51);
  REQUIRE(stack_frames(frames, 6, 2, 3, 2, st, 24) == 2);
  CHECK(st[6] == 20);
  CHECK(stack_frames(frames, 6, 2, 3, 1, st, 23) == 0);  // too small: nothing written
  CHECK(stacked_count(2, 3) == 0);
}
