// SPDX-License-Identifier: Apache-2.0
// The DSP building blocks against direct double-precision definitions and against the matrices
// TensorFlow and librosa produce: real FFT, windows and framing, mel filterbanks, DCT-II,
// resampler.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "audio_support.hpp"

using namespace tinyml::audio;
using tinyml::Status;
using namespace tinyml_audio_test;

namespace {
constexpr double kPi = 3.14159265358979323846;

std::vector<float> noise(std::size_t n, std::uint32_t seed) {
  std::vector<float> v(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (float& f : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    f = static_cast<float>(static_cast<double>(x) / 4294967296.0 * 2.0 - 1.0);
  }
  return v;
}
}  // namespace

TEST_CASE("RealFft matches a double-precision DFT for every power of two from 2 to 1024") {
  static RealFft<1024> fft;
  for (std::size_t n = 2; n <= 1024; n *= 2) {
    CAPTURE(n);
    REQUIRE(fft.init(n) == Status::kOk);
    REQUIRE(fft.num_bins() == n / 2 + 1);
    const std::vector<float> x = noise(n, static_cast<std::uint32_t>(n));
    std::vector<float> out(2 * (n / 2 + 1), 12345.0f);
    fft.forward(x.data(), out.data());
    double max_err = 0.0, max_mag = 0.0;
    for (std::size_t k = 0; k <= n / 2; ++k) {
      double re = 0.0, im = 0.0;
      for (std::size_t t = 0; t < n; ++t) {
        const double a = -2.0 * kPi * static_cast<double>(k * t % n) / static_cast<double>(n);
        re += x[t] * std::cos(a);
        im += x[t] * std::sin(a);
      }
      max_err = std::fmax(max_err, std::hypot(out[2 * k] - re, out[2 * k + 1] - im));
      max_mag = std::fmax(max_mag, std::hypot(re, im));
    }
    CHECK(out[1] == 0.0f);
    CHECK(out[2 * (n / 2) + 1] == 0.0f);
    CHECK(max_err <= 2e-6 * std::sqrt(static_cast<double>(n)) * std::log2(static_cast<double>(2 * n)));
    CHECK(max_err / max_mag < 1e-5);
  }
}

TEST_CASE("RealFft refuses sizes that are not powers of two or above capacity") {
  RealFft<512> fft;
  CHECK(fft.init(0) == Status::kBadArgument);
  CHECK(fft.init(1) == Status::kBadArgument);
  CHECK(fft.init(3) == Status::kBadArgument);
  CHECK(fft.init(480) == Status::kBadArgument);
  CHECK(fft.init(1024) == Status::kBadArgument);
  CHECK(fft.size() == 0);
  CHECK(fft.init(512) == Status::kOk);
}

TEST_CASE("spectra of a pure tone") {
  RealFft<64> fft;
  REQUIRE(fft.init(64) == Status::kOk);
  float x[64], c[66], mag[33], pow_[33];
  for (int t = 0; t < 64; ++t) x[t] = static_cast<float>(std::cos(2.0 * kPi * 5.0 * t / 64.0));
  fft.forward(x, c);
  magnitude_spectrum(c, 33, mag);
  power_spectrum(c, 33, pow_);
  for (int k = 0; k < 33; ++k) {
    CHECK(mag[k] == doctest::Approx(k == 5 ? 32.0 : 0.0).epsilon(1e-4).scale(1.0));
    CHECK(pow_[k] == doctest::Approx(k == 5 ? 1024.0 : 0.0).epsilon(1e-4).scale(1.0));
  }
  magnitude_spectrum(c, 33, c);  // in place
  CHECK(c[5] == mag[5]);
}

TEST_CASE("windows and tf.signal.frame's frame counts") {
  float w[480];
  periodic_hann(w, 480);
  CHECK(w[0] == 0.0f);
  CHECK(w[240] == 1.0f);
  CHECK(w[120] == doctest::Approx(0.5));
  CHECK(w[1] == w[479]);  // periodic: symmetric about n/2, no final zero
  float s[5];
  symmetric_hann(s, 5);
  CHECK(s[0] == 0.0f);
  CHECK(s[4] == 0.0f);
  CHECK(s[2] == 1.0f);
  CHECK(frame_count(16000, 480, 320) == 49);
  CHECK(frame_count(479, 480, 320) == 0);
  CHECK(frame_count(480, 480, 320) == 1);
  CHECK(frame_count(16000, 480, 320, true) == 50);
  CHECK(frame_count(16001, 480, 320, true) == 51);
  float f[4];
  const float sig[3] = {1, 2, 3};
  extract_frame(sig, 3, 1, 4, nullptr, f);
  CHECK(f[0] == 2.0f);
  CHECK(f[1] == 3.0f);
  CHECK(f[2] == 0.0f);
  CHECK(f[3] == 0.0f);
}

TEST_CASE("mel filterbank equals tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20, 4000)") {
  const std::vector<float> ref = read_floats(data_dir() + "/mel_tf_257x40.bin");
  REQUIRE(ref.size() == 257 * 40);
  static MelFilterbank<40, 257> mel;
  REQUIRE(mel.init(MelConfig::tensorflow(40, 512, 16000.0, 20.0, 4000.0)) == Status::kOk);
  ErrorStats e;
  for (std::size_t k = 0; k < 257; ++k)
    for (std::size_t m = 0; m < 40; ++m) e.add(mel.weight(k, m), ref[k * 40 + m]);
  // TensorFlow builds the matrix in float32 (mel values near 2000 carry ~1e-4 of rounding), ours
  // comes from double: a few weights differ by up to ~6e-6.
  MESSAGE("TF mel matrix: max abs diff " << e.max_abs << ", mean " << e.mean_abs());
  CHECK(e.max_abs < 1e-5);
  for (std::size_t m = 0; m < 40; ++m) CHECK(mel.weight(0, m) == 0.0f);  // DC row
  // apply() is the product with the dense matrix (random spectrum, so bands cancel: compare
  // against the sum of magnitudes).
  const std::vector<float> spec = noise(257, 7);
  float out[40];
  mel.apply(spec.data(), out);
  for (std::size_t m = 0; m < 40; ++m) {
    double want = 0.0, mag = 0.0;
    for (std::size_t k = 0; k < 257; ++k) {
      want += spec[k] * static_cast<double>(mel.weight(k, m));
      mag += std::fabs(spec[k] * static_cast<double>(mel.weight(k, m)));
    }
    CHECK(std::fabs(out[m] - want) <= 1e-6 * (mag + 1.0));
  }
}

TEST_CASE("Slaney filterbank equals librosa.filters.mel(htk=False, norm='slaney')") {
  const std::vector<float> ref = read_floats(data_dir() + "/mel_librosa_slaney_257x40.bin");
  REQUIRE(ref.size() == 257 * 40);
  static MelFilterbank<40, 257> mel;
  REQUIRE(mel.init(MelConfig::librosa(40, 512, 16000.0, 20.0, 4000.0)) == Status::kOk);
  double max_rel = 0.0;
  int nonzero = 0;
  for (std::size_t k = 0; k < 257; ++k) {
    for (std::size_t m = 0; m < 40; ++m) {
      const double r = ref[k * 40 + m], w = mel.weight(k, m);
      if (r == 0.0) {
        CHECK(w == 0.0);
        continue;
      }
      ++nonzero;
      max_rel = std::fmax(max_rel, std::fabs(w - r) / std::fabs(r));
    }
  }
  MESSAGE("librosa Slaney mel matrix: " << nonzero << " non-zero weights, max relative diff " << max_rel);
  CHECK(nonzero > 200);
  CHECK(max_rel < 1e-5);
}

TEST_CASE("mel scales and refusals") {
  CHECK(hz_to_mel(1000.0, MelScale::kSlaney) == doctest::Approx(15.0));
  CHECK(hz_to_mel(500.0, MelScale::kSlaney) == doctest::Approx(7.5));
  CHECK(mel_to_hz(hz_to_mel(3000.0, MelScale::kSlaney), MelScale::kSlaney) == doctest::Approx(3000.0));
  CHECK(hz_to_mel(700.0, MelScale::kHtk) == doctest::Approx(1127.0 * std::log(2.0)));
  CHECK(mel_to_hz(hz_to_mel(3000.0, MelScale::kHtk), MelScale::kHtk) == doctest::Approx(3000.0));
  MelFilterbank<40, 257> mel;
  tinyml::Diag diag;
  CHECK(mel.init(MelConfig::tensorflow(40, 512, 16000.0, 20.0, 8001.0), &diag) == Status::kBadArgument);
  CHECK(std::string(diag.c_str()).find("Nyquist") != std::string::npos);
  CHECK(mel.init(MelConfig::tensorflow(41, 512, 16000.0, 20.0, 4000.0)) == Status::kBadArgument);
  CHECK(mel.init(MelConfig::tensorflow(40, 1024, 16000.0, 20.0, 4000.0)) == Status::kBadArgument);
  CHECK(mel.init(MelConfig::tensorflow(40, 512, 16000.0, 4000.0, 20.0)) == Status::kBadArgument);
  CHECK(mel.num_mels() == 0);
}

TEST_CASE("DCT-II scalings against the direct definition") {
  static Dct2<40, 40> dct;
  const std::vector<float> x = noise(40, 3);
  for (DctNorm norm : {DctNorm::kTensorFlowMfcc, DctNorm::kOrtho, DctNorm::kNone}) {
    REQUIRE(dct.init(40, 13, norm) == Status::kOk);
    float y[13];
    dct.apply(x.data(), y);
    for (int k = 0; k < 13; ++k) {
      double sum = 0.0;
      for (int n = 0; n < 40; ++n) sum += x[static_cast<std::size_t>(n)] * std::cos(kPi * k * (2 * n + 1) / 80.0);
      const double scale = norm == DctNorm::kTensorFlowMfcc ? 2.0 / std::sqrt(80.0)
                            : norm == DctNorm::kNone        ? 2.0
                                                            : std::sqrt((k == 0 ? 1.0 : 2.0) / 40.0);
      CHECK(y[k] == doctest::Approx(scale * sum).epsilon(1e-5).scale(1.0));
    }
  }
  // TensorFlow's MFCC scaling on a constant log-mel frame of ln(1e-6): c0 = 80 ln(1e-6) / sqrt(80).
  REQUIRE(dct.init(40, 10) == Status::kOk);
  float c[40], y[10];
  for (float& v : c) v = std::log(1e-6f);
  dct.apply(c, y);
  CHECK(std::fabs(y[0] + 123.5697) < 1e-3);
  for (int k = 1; k < 10; ++k) CHECK(std::fabs(y[k]) < 1e-4);
  CHECK(dct.init(40, 41) == Status::kBadArgument);
  CHECK(dct.init(0, 1) == Status::kBadArgument);
}

TEST_CASE("resampler: the stereo 44.1 kHz clip matches the float64 reference") {
  const std::vector<float> ref = read_floats(data_dir() + "/stereo_go_44k.mono16k_8000_8400.bin");
  REQUIRE(ref.size() == 400);
  tinyml::audio::WavInfo info;
  const std::vector<float> mono = load_mono_16k(data_dir() + "/stereo_go_44k.wav", &info);
  REQUIRE(info.sample_rate == 44100);
  REQUIRE(mono.size() == 16000);
  ErrorStats e;
  double peak = 0.0;
  for (std::size_t i = 0; i < 400; ++i) {
    e.add(mono[8000 + i], ref[i]);
    peak = std::fmax(peak, std::fabs(ref[i]));
  }
  MESSAGE("resampled samples vs float64 numpy: max abs diff " << e.max_abs << " (peak " << peak << ")");
  CHECK(peak > 0.05);
  CHECK(e.max_abs < 1e-6);
}

TEST_CASE("resampler: lengths, identity, passband gain and aliasing") {
  CHECK(resampled_length(44100, 44100, 16000) == 16000);
  CHECK(resampled_length(44101, 44100, 16000) == 16001);
  CHECK(resampled_length(8000, 8000, 16000) == 16000);
  CHECK(resampled_length(10, 0, 16000) == 0);
  const std::vector<float> x = noise(1000, 5);
  std::vector<float> y(1000);
  CHECK(resample(x.data(), 1000, 16000, 16000, y.data(), y.size()) == 1000);
  CHECK(y == x);
  CHECK(resample(x.data(), 1000, 16000, 16000, y.data(), 10) == 10);  // capped by max_out
  auto tone_gain = [](double hz, std::uint32_t in_rate, std::uint32_t out_rate) {
    std::vector<float> in(in_rate), out(out_rate);
    for (std::size_t t = 0; t < in.size(); ++t) in[t] = static_cast<float>(std::sin(2.0 * kPi * hz * t / in_rate));
    REQUIRE(resample(in.data(), in.size(), in_rate, out_rate, out.data(), out.size()) == out.size());
    double sq = 0.0;
    for (std::size_t t = out.size() / 4; t < 3 * out.size() / 4; ++t) sq += static_cast<double>(out[t]) * out[t];
    return std::sqrt(2.0 * sq / static_cast<double>(out.size() / 2));
  };
  CHECK(std::fabs(tone_gain(1000.0, 44100, 16000) - 1.0) < 1e-3);
  CHECK(std::fabs(tone_gain(6000.0, 44100, 16000) - 1.0) < 1e-3);
  CHECK(tone_gain(9000.0, 44100, 16000) < 0.002);   // would alias to 7 kHz: >= 54 dB down
  CHECK(tone_gain(12000.0, 44100, 16000) < 1e-4);   // would alias to 4 kHz
  CHECK(std::fabs(tone_gain(1000.0, 8000, 16000) - 1.0) < 1e-3);  // upsampling
  CHECK(std::fabs(tone_gain(440.0, 48000, 16000) - 1.0) < 1e-3);
}
