// SPDX-License-Identifier: Apache-2.0
// The MLPerf AD log-mel preset against librosa 0.11 (committed references from
// tools/audio/ref_features.py: librosa.feature.melspectrogram + 10 log10(x + eps), both padding
// modes), the integer-only front end (features_fixed.hpp) against the float one for the AD
// log-mel and the KWS MFCCs, and the fixed-point building blocks (log2, sqrt, Q31 FFT).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "audio_support.hpp"

using namespace tinyml::audio;
using tinyml::Status;
using namespace tinyml_audio_test;

namespace {
namespace ad = mlperf_ad;
namespace kws = mlperf_kws;

// Tolerances (the measured values are printed by each case).
constexpr double kAdVsLibrosaDb = 2e-3;     // float path vs librosa, every value (dB)
constexpr double kAdFixedVsFloatDb = 5e-3;  // fixed vs float path, every value (dB)
constexpr double kAdFixedMeanDb = 1e-4;     // ... and their mean
constexpr double kKwsFixedVsFloat = 5e-4;   // fixed vs float KWS MFCCs, every value
constexpr double kKwsFixedMean = 5e-5;

// Every committed clip has an AD reference (pad_mode='reflect'); these also a 'constant' one.
const char* const kClips[] = {
    "ad_hum_16k",     "ad_speech_16k",        "ad_white_16k",         "speech_yes_16k", "speech_left_16k",
    "speech_stop_0600ms_16k", "noise_pink_16k", "sweep_100_3900hz_16k", "stereo_go_44k",
};
const char* const kConstantPadClips[] = {"ad_hum_16k", "speech_yes_16k"};

ad::Extractor& ad_float(PadMode pad) {
  static ad::Extractor reflect, constant;
  static const bool ok = reflect.init(ad::config(PadMode::kReflect)) == Status::kOk &&
                         constant.init(ad::config(PadMode::kConstant)) == Status::kOk;
  REQUIRE(ok);
  return pad == PadMode::kReflect ? reflect : constant;
}
ad::FixedExtractor& ad_fixed() {
  static ad::FixedExtractor ex;
  static const bool ok = ex.init(ad::config()) == Status::kOk;
  REQUIRE(ok);
  return ex;
}

// A clip as 16 kHz int16 PCM: the WAV's own samples when it is 16 kHz mono, else the mixed and
// resampled floats rounded to int16 (what an MCU would hold).
std::vector<std::int16_t> load_pcm16k(const std::string& path) {
  const std::vector<float> mono = load_mono_16k(path);
  std::vector<std::int16_t> pcm(mono.size());
  for (std::size_t i = 0; i < mono.size(); ++i) {
    const double v = std::round(static_cast<double>(mono[i]) * 32768.0);
    pcm[i] = static_cast<std::int16_t>(v > 32767.0 ? 32767.0 : (v < -32768.0 ? -32768.0 : v));
  }
  return pcm;
}
std::vector<float> to_float(const std::vector<std::int16_t>& pcm) {
  std::vector<float> x(pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i) x[i] = static_cast<float>(pcm[i]) * (1.0f / 32768.0f);
  return x;
}

std::vector<float> ad_frames_float(ad::Extractor& ex, const std::vector<float>& mono) {
  const std::size_t frames = ad::num_frames(mono.size());
  std::vector<float> out(frames * ad::kNumMels);
  for (std::size_t f = 0; f < frames; ++f) ad::compute_frame(ex, mono.data(), mono.size(), f, out.data() + f * ad::kNumMels);
  return out;
}
std::vector<std::int32_t> ad_frames_fixed(ad::FixedExtractor& ex, const std::vector<std::int16_t>& pcm) {
  const std::size_t frames = ad::num_frames(pcm.size());
  std::vector<std::int32_t> out(frames * ad::kNumMels);
  for (std::size_t f = 0; f < frames; ++f) ad::compute_frame(ex, pcm.data(), pcm.size(), f, out.data() + f * ad::kNumMels);
  return out;
}
}  // namespace

TEST_CASE("MLPerf AD log-mel (float32) agrees with librosa 0.11 melspectrogram + 10 log10(x + eps)") {
  ErrorStats all;
  for (const char* clip_name : kClips) {
    const std::string clip = clip_name;
    CAPTURE(clip);
    std::string why;
    const std::vector<float> mono = load_mono_16k(data_dir() + "/" + clip + ".wav", nullptr, &why);
    REQUIRE_MESSAGE(!mono.empty(), why);
    const std::vector<float> ref = read_floats(data_dir() + "/" + clip + ".ad_logmel.bin");
    REQUIRE(ref.size() == ad::num_frames(mono.size()) * ad::kNumMels);
    const std::vector<float> got = ad_frames_float(ad_float(PadMode::kReflect), mono);
    ErrorStats e;
    for (std::size_t i = 0; i < got.size(); ++i) {
      e.add(got[i], ref[i]);
      all.add(got[i], ref[i]);
    }
    MESSAGE(clip << " [" << got.size() / ad::kNumMels << "x128]: max abs error " << e.max_abs << " dB, mean " << e.mean_abs());
    CHECK(e.max_abs < kAdVsLibrosaDb);
  }
  MESSAGE("AD float vs librosa (pad_mode='reflect'), all " << all.count << " values of "
          << sizeof kClips / sizeof kClips[0] << " clips: max abs error " << all.max_abs << " dB, mean "
          << all.mean_abs() << " dB (tolerance " << kAdVsLibrosaDb << ")");
  CHECK(all.max_abs < kAdVsLibrosaDb);

  // librosa >= 0.10's default zero padding, and the two modes differ exactly where they should.
  for (const char* clip_name : kConstantPadClips) {
    const std::string clip = clip_name;
    CAPTURE(clip);
    const std::vector<float> mono = load_mono_16k(data_dir() + "/" + clip + ".wav");
    const std::vector<float> ref = read_floats(data_dir() + "/" + clip + ".ad_logmel_constant.bin");
    const std::vector<float> got = ad_frames_float(ad_float(PadMode::kConstant), mono);
    const std::vector<float> reflect = ad_frames_float(ad_float(PadMode::kReflect), mono);
    REQUIRE(ref.size() == got.size());
    ErrorStats e;
    for (std::size_t i = 0; i < got.size(); ++i) e.add(got[i], ref[i]);
    MESSAGE(clip << " pad_mode='constant': max abs error " << e.max_abs << " dB, mean " << e.mean_abs());
    CHECK(e.max_abs < kAdVsLibrosaDb);
    const std::size_t frames = got.size() / ad::kNumMels;
    for (std::size_t f = 0; f < frames; ++f) {
      bool same = true;
      for (std::size_t m = 0; m < ad::kNumMels; ++m) same = same && got[f * ad::kNumMels + m] == reflect[f * ad::kNumMels + m];
      // Frame f reads samples [512 f - 512, 512 f + 512): only edge frames see padding.
      const bool edge = f == 0 || 512 * f + 512 > mono.size();
      CHECK_MESSAGE(same == !edge, "frame " << f);
    }
  }
}

TEST_CASE("AD preset: silence, frame and vector counts, frame stacking as common.py") {
  ad::Extractor& ex = ad_float(PadMode::kReflect);
  CHECK(ad::num_frames(160000) == 313);  // a 10 s ToyCar clip
  CHECK(ad::num_vectors(160000) == 309);
  CHECK(ad::num_vectors(1024) == 0);   // 3 frames
  CHECK(ad::num_vectors(2048) == 1);   // 5 frames
  CHECK(ad::kNumFeatures == 640);
  const double floor_db = 10.0 * std::log10(2.220446049250313e-16);
  CHECK(std::fabs(floor_db - -156.5356) < 1e-4);
  std::vector<float> zeros(4000, 0.0f);
  std::vector<std::int16_t> zeros16(4000, 0);
  float f[128];
  std::int32_t q[128];
  ad::compute_frame(ex, zeros.data(), zeros.size(), 3, f);
  ad::compute_frame(ad_fixed(), zeros16.data(), zeros16.size(), 3, q);
  for (int m = 0; m < 128; ++m) {
    CHECK(std::fabs(f[m] - floor_db) < 1e-3);
    CHECK(std::fabs(fixed_to_double(q[m]) - floor_db) < 1e-3);
  }

  // FrameStack: after pushing frames 0..k, vector() = frames k-4..k concatenated.
  const std::vector<float> ref = read_floats(data_dir() + "/ad_hum_16k.ad_logmel.bin");
  const std::size_t frames = ref.size() / 128;
  REQUIRE(frames == 63);
  static ad::FrameStack<float> stack;
  stack.reset();
  std::vector<float> vec(640);
  std::size_t vectors = 0;
  for (std::size_t t = 0; t < frames; ++t) {
    CHECK(stack.ready() == (t >= 5));
    stack.push(ref.data() + t * 128);
    if (!stack.ready()) continue;
    stack.vector(vec.data());
    const std::size_t first = t + 1 - 5;
    CHECK(std::memcmp(vec.data(), ref.data() + first * 128, 640 * sizeof(float)) == 0);
    ++vectors;
  }
  CHECK(vectors == stacked_count(frames, 5));
}

TEST_CASE("fixed-point AD log-mel agrees with the float path (and so with librosa)") {
  ad::Extractor& fl = ad_float(PadMode::kReflect);
  ad::FixedExtractor& fx = ad_fixed();
  ErrorStats vs_float, vs_librosa;
  for (const char* clip_name : kClips) {
    const std::string clip = clip_name;
    CAPTURE(clip);
    const std::vector<std::int16_t> pcm = load_pcm16k(data_dir() + "/" + clip + ".wav");
    REQUIRE(!pcm.empty());
    const std::vector<float> got_f = ad_frames_float(fl, to_float(pcm));
    const std::vector<std::int32_t> got_q = ad_frames_fixed(fx, pcm);
    REQUIRE(got_f.size() == got_q.size());
    ErrorStats e;
    for (std::size_t i = 0; i < got_q.size(); ++i) {
      e.add(fixed_to_double(got_q[i]), got_f[i]);
      vs_float.add(fixed_to_double(got_q[i]), got_f[i]);
    }
    MESSAGE(clip << ": fixed vs float max " << e.max_abs << " dB, mean " << e.mean_abs());
    if (clip != "stereo_go_44k") {  // its reference is of the unrounded resampled signal
      const std::vector<float> ref = read_floats(data_dir() + "/" + clip + ".ad_logmel.bin");
      for (std::size_t i = 0; i < got_q.size(); ++i) vs_librosa.add(fixed_to_double(got_q[i]), ref[i]);
    }
  }
  MESSAGE("AD fixed vs float, all " << vs_float.count << " values: max abs error " << vs_float.max_abs
          << " dB, mean " << vs_float.mean_abs() << " dB (tolerance " << kAdFixedVsFloatDb << " / mean "
          << kAdFixedMeanDb << ")");
  MESSAGE("AD fixed vs librosa (16 kHz clips): max abs error " << vs_librosa.max_abs << " dB, mean "
          << vs_librosa.mean_abs() << " dB");
  CHECK(vs_float.max_abs < kAdFixedVsFloatDb);
  CHECK(vs_float.mean_abs() < kAdFixedMeanDb);
  CHECK(vs_librosa.max_abs < kAdVsLibrosaDb);

  // int8 model input (the MLPerf AD model's scale and zero point): integer quantizer vs float.
  FixedQuantizer q;
  REQUIRE(q.init(0.391015f, 89) == Status::kOk);
  const std::vector<std::int16_t> pcm = load_pcm16k(data_dir() + "/ad_hum_16k.wav");
  const std::vector<float> f = ad_frames_float(fl, to_float(pcm));
  const std::vector<std::int32_t> x = ad_frames_fixed(fx, pcm);
  std::vector<std::int8_t> qf(f.size()), qx(x.size());
  quantize_s8(f.data(), f.size(), 0.391015f, 89, qf.data());
  q.apply(x.data(), x.size(), qx.data());
  std::size_t differ = 0;
  int worst = 0;
  for (std::size_t i = 0; i < qf.size(); ++i) {
    const int d = std::abs(qf[i] - qx[i]);
    differ += d != 0;
    worst = d > worst ? d : worst;
  }
  MESSAGE("AD int8 inputs from the fixed path: " << differ << " of " << qf.size() << " differ from the float path's, by at most " << worst);
  CHECK(worst <= 1);
  CHECK(differ * 100 <= qf.size());
}

TEST_CASE("fixed-point KWS MFCCs agree with the float path (and with TensorFlow's)") {
  static kws::Extractor fl;
  static kws::FixedExtractor fx;
  REQUIRE(fl.init(kws::config()) == Status::kOk);
  REQUIRE(fx.init(kws::config()) == Status::kOk);
  ErrorStats vs_float, vs_tf;
  for (const char* clip_name : kClips) {
    const std::string clip = clip_name;
    CAPTURE(clip);
    const std::vector<std::int16_t> pcm = load_pcm16k(data_dir() + "/" + clip + ".wav");
    const std::vector<float> mono = to_float(pcm);
    float f[kws::kNumFeatures];
    std::int32_t x[kws::kNumFeatures];
    REQUIRE(kws::compute(fl, mono.data(), mono.size(), f) == Status::kOk);
    REQUIRE(kws::compute_fixed(fx, pcm.data(), pcm.size(), x) == Status::kOk);
    ErrorStats e;
    for (std::size_t i = 0; i < kws::kNumFeatures; ++i) {
      e.add(fixed_to_double(x[i]), f[i]);
      vs_float.add(fixed_to_double(x[i]), f[i]);
    }
    MESSAGE(clip << ": KWS fixed vs float max " << e.max_abs << ", mean " << e.mean_abs());
    const std::vector<float> ref = read_floats(data_dir() + "/" + clip + ".mfcc.bin");
    if (clip != "stereo_go_44k" && ref.size() == kws::kNumFeatures) {
      for (std::size_t i = 0; i < kws::kNumFeatures; ++i) vs_tf.add(fixed_to_double(x[i]), ref[i]);
    }
  }
  MESSAGE("KWS MFCCs fixed vs float, all " << vs_float.count << " values: max abs error " << vs_float.max_abs
          << ", mean " << vs_float.mean_abs() << " (tolerance " << kKwsFixedVsFloat << " / mean " << kKwsFixedMean << ")");
  MESSAGE("KWS MFCCs fixed vs tf.signal (16 kHz clips): max abs error " << vs_tf.max_abs << ", mean " << vs_tf.mean_abs());
  CHECK(vs_float.max_abs < kKwsFixedVsFloat);
  CHECK(vs_float.mean_abs() < kKwsFixedMean);

  // All-zero clip: c0 = 80 ln(1e-6) / sqrt(80), the rest 0; and the int8 path.
  std::vector<std::int16_t> zeros(16000, 0);
  std::int32_t z[kws::kNumFeatures];
  REQUIRE(kws::compute_fixed(fx, zeros.data(), zeros.size(), z) == Status::kOk);
  CHECK(std::fabs(fixed_to_double(z[0]) - 80.0 * std::log(1e-6) / std::sqrt(80.0)) < 1e-3);
  CHECK(std::fabs(fixed_to_double(z[5])) < 1e-3);
  CHECK(kws::clip_divisor_s16(zeros.data(), zeros.size()) == 32768u);
  const std::int16_t neg[3] = {-300, -20, -7000};
  CHECK(kws::clip_divisor_s16(neg, 3) == 20u);

  FixedQuantizer q;
  REQUIRE(q.init(0.584703f, 83) == Status::kOk);
  const std::vector<std::int16_t> pcm = load_pcm16k(data_dir() + "/speech_yes_16k.wav");
  const std::vector<float> mono = to_float(pcm);
  std::int8_t a[kws::kNumFeatures], b[kws::kNumFeatures];
  REQUIRE(kws::compute_quantized(fl, mono.data(), mono.size(), 0.584703f, 83, a) == Status::kOk);
  REQUIRE(kws::compute_quantized_fixed(fx, pcm.data(), pcm.size(), q, b) == Status::kOk);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < kws::kNumFeatures; ++i) {
    CHECK(std::abs(a[i] - b[i]) <= 1);
    differ += a[i] != b[i];
  }
  MESSAGE("KWS int8 inputs of speech_yes from the fixed path: " << differ << " of 490 differ from the float path's");
  MESSAGE("sizeof(mlperf_kws::FixedExtractor) = " << sizeof(kws::FixedExtractor) << ", sizeof(mlperf_ad::FixedExtractor) = "
          << sizeof(ad::FixedExtractor) << ", sizeof(mlperf_ad::Extractor) = " << sizeof(ad::Extractor) << " bytes");
}

TEST_CASE("fixed-point helpers: log2, rounded sqrt, scaled add, quantizer, Q31 FFT") {
  using namespace tinyml::audio::fixed;
  CHECK(bit_length(0) == 0);
  CHECK(bit_length(1) == 1);
  CHECK(bit_length(~std::uint64_t{0}) == 64);
  CHECK(bit_length(std::uint64_t{1} << 40) == 41);
  double worst = 0.0;
  std::uint64_t v = 1;
  for (int i = 0; i < 4000; ++i) {
    v = v * 6364136223846793005ull + 1442695040888963407ull;
    const std::uint64_t x = (v >> (i % 64)) | 1u;
    const double err = std::fabs(log2_q16(x) / 65536.0 - std::log2(static_cast<double>(x)));
    worst = err > worst ? err : worst;
  }
  CHECK(worst <= 1.0 / 65536.0);
  CHECK(log2_q16(std::uint64_t{1}) == 0);
  CHECK(log2_q16(std::uint64_t{1} << 33) == 33 * 65536);
  for (std::uint64_t x = 0; x < 20000; ++x) {
    const auto r = static_cast<std::uint64_t>(isqrt_round(x));
    CHECK_MESSAGE((r == 0 || (r * r - r < x || x == 0)), x);  // r - 1/2 <= sqrt(x)
    CHECK_MESSAGE(r * r + r >= x, x);                         // sqrt(x) < r + 1/2
  }
  CHECK(isqrt_round(~std::uint64_t{0}) == std::uint64_t{1} << 32);  // sqrt(2^64 - 1) rounds up to 2^32
  const Scaled a = make_scaled(3, 100), b = make_scaled(5, 98), s = add(a, b);  // 3*2^100 + 5*2^98 = 17*2^98
  CHECK(log2_q16(s) == log2_q16(make_scaled(17, 98)));
  CHECK(add(make_scaled(1, 0), make_scaled(1, -200)).mantissa == make_scaled(1, 0).mantissa);

  FixedQuantizer q;
  CHECK(q.init(0.0f, 0) == Status::kBadArgument);
  CHECK(q.init(0.5f, 200) == Status::kBadArgument);
  REQUIRE(q.init(0.5f, 3) == Status::kOk);
  const std::int32_t xs[] = {0, 81920, -81920, 49152, -49152, 65536000, -65536000, 16377};  // 0, 1.25, ... (Q16)
  std::int8_t out[8];
  q.apply(xs, 8, out);
  CHECK(out[0] == 3);
  CHECK(out[1] == 6);    // 2.5 -> 3
  CHECK(out[2] == 0);    // -2.5 -> -3
  CHECK(out[3] == 5);    // 1.5 -> 2
  CHECK(out[4] == 1);
  CHECK(out[5] == 127);
  CHECK(out[6] == -128);
  CHECK(out[7] == 3);    // 0.4998 -> 0

  // Q31 FFT vs a double DFT of the same integers, relative to the input's full scale.
  static RealFftQ31<1024> fft;
  for (std::size_t n = 4; n <= 1024; n *= 2) {
    CAPTURE(n);
    REQUIRE(fft.init(n) == Status::kOk);
    std::vector<std::int32_t> x(n), out(2 * (n / 2 + 1));
    std::uint32_t r = 12345u + static_cast<std::uint32_t>(n);
    for (auto& e : x) {
      r ^= r << 13;
      r ^= r >> 17;
      r ^= r << 5;
      e = static_cast<std::int32_t>(r >> 1) - (1 << 30);  // [-2^30, 2^30)
    }
    x[0] = 1 << 30;
    fft.forward(x.data(), out.data());
    double max_err = 0.0;
    for (std::size_t k = 0; k <= n / 2; ++k) {
      double re = 0.0, im = 0.0;
      for (std::size_t t = 0; t < n; ++t) {
        const double ang = -6.283185307179586 * static_cast<double>(k * t % n) / static_cast<double>(n);
        re += x[t] * std::cos(ang);
        im += x[t] * std::sin(ang);
      }
      re /= static_cast<double>(n);
      im /= static_cast<double>(n);
      max_err = std::fmax(max_err, std::hypot(out[2 * k] - re, out[2 * k + 1] - im));
    }
    CHECK(max_err <= 2.0 * std::log2(static_cast<double>(n)));  // a few LSB of 2^30
  }
  CHECK(fft.init(2) == Status::kBadArgument);
  CHECK(fft.init(2048) == Status::kBadArgument);
}

TEST_CASE("centred framing: reflect padding as numpy.pad, refusals") {
  // numpy.pad(arange(3), 7, 'reflect') = [1 2 1 0 1 2 1 | 0 1 2 | 1 0 1 2 1 0 1]
  const int expect_left[7] = {1, 2, 1, 0, 1, 2, 1};
  for (int i = 0; i < 7; ++i) CHECK(padded_index(i - 7, 3, PadMode::kReflect) == expect_left[i]);
  const int expect_right[7] = {1, 0, 1, 2, 1, 0, 1};
  for (int i = 0; i < 7; ++i) CHECK(padded_index(3 + i, 3, PadMode::kReflect) == expect_right[i]);
  CHECK(padded_index(-1, 3, PadMode::kConstant) == -1);
  CHECK(padded_index(5, 1, PadMode::kReflect) == 0);
  CHECK(padded_index(-2, 0, PadMode::kReflect) == -1);
  CHECK(centered_frame_count(16000, 512) == 32);

  FeatureConfig c = ad::config();
  c.frame_length = 512;  // centred frames need frame_length == fft_size
  tinyml::Diag diag;
  static ad::Extractor ex;
  static ad::FixedExtractor fx;
  CHECK(ex.init(c, &diag) == Status::kBadArgument);
  CHECK(std::string(diag.c_str()).find("centred") != std::string::npos);
  CHECK(fx.init(c, &diag) == Status::kBadArgument);
  c = ad::config();
  c.upper_hz = 9000.0;
  CHECK(fx.init(c, &diag) == Status::kBadArgument);
  CHECK(std::string(diag.c_str()).find("Nyquist") != std::string::npos);
  c = ad::config();
  c.num_mels = 200;
  CHECK(fx.init(c) == Status::kBadArgument);
  std::vector<std::int16_t> pcm(4000, 0);
  std::vector<std::int32_t> out(8 * 128);
  REQUIRE(fx.init(ad::config()) == Status::kOk);
  CHECK(fx.compute(pcm.data(), pcm.size(), pcm.size(), 32768, out.data(), out.size()) == Status::kOk);
  CHECK(fx.compute(pcm.data(), pcm.size(), pcm.size(), 0, out.data(), out.size()) == Status::kBadArgument);
  CHECK(fx.compute(pcm.data(), pcm.size(), pcm.size(), 32768, out.data(), out.size() - 1) == Status::kBadArgument);
}
