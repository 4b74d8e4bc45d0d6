// SPDX-License-Identifier: Apache-2.0
// Keyword spotting on a microcontroller: the whole application as firmware, no heap, no file
// system. The model (examples/models/kws_espeak_int8.tflite) and a 1 s recording
// (examples/models/yes_espeak.wav) are linked into flash; the firmware parses the WAV, computes
// the MLPerf KWS MFCCs with the integer-only front end (no FPU needed per frame), quantizes them
// into the model's input, runs the DS-CNN with the arch kernels of the core (Cortex-M DSP on
// M4/M7, Helium on M55) and prints the best label over semihosting:
//
//   kws_mcu: label: yes score: 0.996 arena_bytes: 10800
//
// (For instruction counts per inference see tests/mcu/bench.cpp; QEMU has no cycle counter.)
// Exit status 0 when the label is the one the build expects (TINYML_KWS_MCU_EXPECT), else 1.
// Built by tests/mcu/CMakeLists.txt (target example_kws_mcu) and run by
// `bash tests/mcu/run.sh test <cpu>` under QEMU.
#include <cstdint>
#include <cstring>

#include "semihost.h"
#include "tinyml/audio/kws.hpp"
#include "tinyml/audio/wav.hpp"
#include "tinyml/tinyml.hpp"

extern "C" const unsigned char tinyml_example_model[];
extern "C" const unsigned char tinyml_example_model_end[];
extern "C" const unsigned char tinyml_example_wav[];
extern "C" const unsigned char tinyml_example_wav_end[];

#ifndef TINYML_KWS_MCU_EXPECT
#define TINYML_KWS_MCU_EXPECT "yes"
#endif

namespace {

namespace kws = tinyml::audio::mlperf_kws;

// Only the ops a DS-CNN needs: the linker keeps no other kernel.
using KwsOps = tinyml::OpSet<tinyml::ops::Conv2D, tinyml::ops::DepthwiseConv2D,
                             tinyml::ops::AveragePool2D, tinyml::ops::Reshape,
                             tinyml::ops::FullyConnected, tinyml::ops::Softmax>;

const char* const kLabels[] = {"down", "go", "left", "no", "off", "on", "right", "stop",
                               "up", "yes", "silence", "unknown"};

alignas(16) unsigned char g_arena[16 * 1024];
tinyml::Interpreter<KwsOps> g_interp;
kws::FixedExtractor g_features;
tinyml::audio::FixedQuantizer g_quantizer;
std::int16_t g_pcm[kws::kClipSamples];

void fail(const char* what, const char* detail = "") {
  sh_write0("kws_mcu: error: ");
  sh_write0(what);
  sh_write0(detail);
  sh_write0("\n");
  sh_exit(1);
}

}  // namespace

int main() {
  const auto model_size = static_cast<std::size_t>(tinyml_example_model_end - tinyml_example_model);
  if (g_interp.init(tinyml_example_model, model_size, g_arena, sizeof g_arena) != tinyml::Status::kOk) {
    fail("model: ", g_interp.error_message());
  }
  const tinyml::TensorRef in = g_interp.input(0);
  if (in.type != tinyml::model::TensorType::kInt8 || in.bytes != kws::kNumFeatures) {
    fail("model input is not int8 [1,49,10,1]");
  }

  tinyml::audio::WavInfo wav;
  tinyml::Diag diag;
  const auto wav_size = static_cast<std::size_t>(tinyml_example_wav_end - tinyml_example_wav);
  if (tinyml::audio::parse_wav(tinyml_example_wav, wav_size, &wav, &diag) != tinyml::Status::kOk) {
    fail(diag.c_str());
  }
  if (wav.sample_rate != kws::kSampleRate || wav.channels != 1) fail("the WAV must be 16 kHz mono");
  const std::size_t n = wav.num_frames < kws::kClipSamples ? wav.num_frames : kws::kClipSamples;
  std::memcpy(g_pcm, wav.pcm, n * sizeof(std::int16_t));  // wav.pcm may be unaligned

  if (g_features.init(kws::config()) != tinyml::Status::kOk ||
      g_quantizer.init(in.scale, in.zero_point) != tinyml::Status::kOk) {
    fail("front end init failed");
  }
  kws::compute_quantized_fixed(g_features, g_pcm, n, g_quantizer, in.as<std::int8_t>());
  g_interp.invoke();

  const tinyml::TensorRef out = g_interp.output(0);
  const std::int8_t* scores = out.as<std::int8_t>();
  std::size_t best = 0;
  for (std::size_t i = 1; i < out.bytes; ++i) best = scores[i] > scores[best] ? i : best;
  if (out.bytes != sizeof kLabels / sizeof kLabels[0]) fail("model does not have 12 classes");
  // Score in thousandths without floating-point printf: (q - zp) * scale.
  const float p = static_cast<float>(scores[best] - out.zero_point) * out.scale;
  const auto milli = static_cast<std::uint32_t>(p * 1000.0f + 0.5f);
  sh_write0("kws_mcu: label: ");
  sh_write0(kLabels[best]);
  sh_write0(" score: ");
  sh_write_dec(milli / 1000);
  sh_write0(".");
  sh_write0(milli % 1000 < 100 ? (milli % 1000 < 10 ? "00" : "0") : "");
  sh_write_dec(milli % 1000);
  sh_write0(" arena_bytes: ");
  sh_write_dec(static_cast<std::uint32_t>(g_interp.arena_used_bytes()));
  sh_write0("\n");
  return std::strcmp(kLabels[best], TINYML_KWS_MCU_EXPECT) == 0 ? 0 : 1;
}
