// SPDX-License-Identifier: Apache-2.0
// End to end on real recordings: ../shared/audio clips through the MLPerf KWS front end into the
// MLPerf KWS DS-CNN (../shared/models/kws_dscnn_int8.tflite). "yes" must come out as "yes" and
// the near-silent clip as "silence". Skipped with a message when ../shared is absent, failed
// then under CI=true.
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "audio_support.hpp"

using namespace tinyml::audio;
using namespace tinyml_audio_test;

namespace {
const char* const kLabels[] = {"down", "go",    "left", "no",  "off", "on",
                               "right", "stop", "up",   "yes", "silence", "unknown"};

bool shared_available(const std::string& model) {
  if (tinyml_test::file_exists(model)) return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::strcmp(ci, "true") == 0) {
    FAIL_CHECK("shared model not found at " << model << " (CI=true requires ../shared)");
    return false;
  }
  MESSAGE("SKIPPED: " << model << " not found (set TINYML_SHARED_DIR)");
  return false;
}
}  // namespace

TEST_CASE("MLPerf KWS model on real recordings: yes -> yes, silence -> silence") {
  const std::string model = tinyml_test::shared_dir() + "/models/kws_dscnn_int8.tflite";
  if (!shared_available(model)) return;
  tinyml_test::Loaded l;
  tinyml_test::load_exact(model, &l);
  REQUIRE_MESSAGE(l.status == tinyml::Status::kOk, l.interp.error_message());
  const tinyml::TensorRef in = l.interp.input(0);
  REQUIRE(in.type == tinyml::model::TensorType::kInt8);
  REQUIRE(in.bytes == mlperf_kws::kNumFeatures);
  static mlperf_kws::Extractor ex;
  REQUIRE(ex.init(mlperf_kws::config()) == tinyml::Status::kOk);

  struct Case {
    const char* file;
    const char* want;
  };
  for (const Case& c : {Case{"yes_1000ms.wav", "yes"}, Case{"silence_1000ms.wav", "silence"}}) {
    const std::string file = c.file;
    CAPTURE(file);
    std::string why;
    const std::vector<float> mono = load_mono_16k(tinyml_test::shared_dir() + "/audio/" + c.file, nullptr, &why);
    REQUIRE_MESSAGE(!mono.empty(), why);
    REQUIRE(mlperf_kws::compute_quantized(ex, mono.data(), mono.size(), in.scale, in.zero_point,
                                          in.as<std::int8_t>()) == tinyml::Status::kOk);
    REQUIRE(l.interp.invoke() == tinyml::Status::kOk);
    const tinyml::TensorRef out = l.interp.output(0);
    REQUIRE(out.bytes == 12);
    const auto* s = out.as<std::int8_t>();
    std::size_t best = 0;
    for (std::size_t i = 1; i < 12; ++i) best = s[i] > s[best] ? i : best;
    const double score = out.scale * (s[best] - out.zero_point);
    MESSAGE(std::string(c.file) << " -> " << std::string(kLabels[best]) << " (score " << score << ")");
    CHECK(std::string(kLabels[best]) == c.want);
    CHECK(score > 0.5);
  }
}
