// SPDX-License-Identifier: Apache-2.0
// Helpers for the audio tests: reference .bin files, WAV loading to 16 kHz mono, error statistics.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "doctest_config.hpp"
#include "support.hpp"
#include "tinyml/audio/audio.hpp"

namespace tinyml_audio_test {

inline std::string data_dir() { return tinyml_test::source_dir() + "/tests/data/audio"; }

/// Raw little-endian float32 file (the reference features); empty when missing.
inline std::vector<float> read_floats(const std::string& path) {
  const tinyml_test::Bytes b = tinyml_test::read_file(path);
  std::vector<float> v(b.empty() ? 0 : b.size / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * sizeof(float));
  return v;
}

/// A WAV file as 16 kHz mono float samples (resampled when needed); empty on failure with the
/// parser's message in *why.
inline std::vector<float> load_mono_16k(const std::string& path, tinyml::audio::WavInfo* info_out = nullptr,
                                        std::string* why = nullptr) {
  const tinyml_test::Bytes b = tinyml_test::read_file(path);
  tinyml::audio::WavInfo info;
  tinyml::Diag diag;
  if (b.empty() || tinyml::audio::parse_wav(b.data(), b.size, &info, &diag) != tinyml::Status::kOk) {
    if (why != nullptr) *why = b.empty() ? "cannot read " + path : diag.c_str();
    return {};
  }
  std::vector<float> mono(info.num_frames);
  tinyml::audio::read_mono(info, 0, info.num_frames, mono.data());
  if (info_out != nullptr) *info_out = info;
  if (info.sample_rate == 16000) return mono;
  std::vector<float> out(tinyml::audio::resampled_length(mono.size(), info.sample_rate, 16000));
  tinyml::audio::resample(mono.data(), mono.size(), info.sample_rate, 16000, out.data(), out.size());
  return out;
}

struct ErrorStats {
  double max_abs = 0.0, sum_abs = 0.0;
  std::size_t count = 0;
  void add(double a, double b) {
    const double e = std::fabs(a - b);
    max_abs = e > max_abs ? e : max_abs;
    sum_abs += e;
    ++count;
  }
  double mean_abs() const { return count == 0 ? 0.0 : sum_abs / static_cast<double>(count); }
};

}  // namespace tinyml_audio_test
