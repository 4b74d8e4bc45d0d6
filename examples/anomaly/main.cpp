// SPDX-License-Identifier: Apache-2.0
// example_anomaly: machine-sound anomaly detection with an autoencoder on MLPerf Tiny AD log-mel
// features (the MLPerf AD model, ToyCar).
//
//   example_anomaly --model M.tflite --wav W.wav [--threshold T] [--frontend float|fixed]
//                   [--pad reflect|constant] [--mlperf-crop] [--verbose]
//       anomaly_score: S        mean squared reconstruction error (below)
//       decision: anomaly|normal   with --threshold: anomaly when S > T
//       windows: N              5-frame windows scored
//       rtf: X                  compute time (features + inference) / audio duration
//       arena_bytes: N
//
// Score, as MLPerf's 03_tflite_test.py computes it: the WAV becomes 128-band log-mel frames
// (include/tinyml/audio/anomaly.hpp: n_fft 1024, hop 512, power 2, Slaney mel, 10 log10(x + eps));
// every 5 consecutive frames make one 640-value window; each window is quantized with the model
// input's scale and zero point, run through the autoencoder, and the dequantized output compared
// with the (unquantized) window: error = mean over the 640 values of (output - input)^2. The score
// is the mean error over all windows of the file (higher = more anomalous). A float32 model gets
// the features unquantized. --mlperf-crop scores only frames [50, 250) as common.py does
// (10 s clips); by default every window of the file counts.
//
// --frontend fixed computes the features with the integer-only front end (features_fixed.hpp, what
// an MCU without an FPU would run) and quantizes them with an integer multiplier. --pad chooses the
// centred frames' edge padding (reflect: librosa 0.6, which MLPerf used, the default; constant:
// librosa >= 0.10). --verbose prints each window's error to stderr.
//
// The WAV may have any sample rate (8-384 kHz) and channel count (16-bit PCM): channels are
// averaged and the signal is resampled to 16 kHz. Errors (bad arguments, unreadable or bad WAV, a
// file shorter than one window, a model whose input is not [1,640] int8/float32 or whose output
// does not match it) exit non-zero with one line on stderr.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tinyml/audio/audio.hpp"
#include "tinyml/tinyml.hpp"

namespace {
namespace ad = tinyml::audio::mlperf_ad;
using Clock = std::chrono::steady_clock;
using tinyml::model::TensorType;

alignas(16) unsigned char g_arena[64 * 1024];  // the MLPerf AD model needs ~3.5 KB
tinyml::Interpreter<tinyml::DefaultOps> g_interp;
ad::Extractor g_float_features;          // ~24 KB
ad::FixedExtractor g_fixed_features;     // ~22 KB
ad::FrameStack<float> g_stack;

const char* const kUsage =
    "usage: example_anomaly --model M.tflite --wav W.wav [--threshold T] [--frontend float|fixed] "
    "[--pad reflect|constant] [--mlperf-crop] [--verbose]";

int fail(const std::string& msg) {
  std::fprintf(stderr, "example_anomaly: %s\n", msg.c_str());
  return 1;
}

bool slurp(const std::string& path, std::vector<unsigned char>* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  unsigned char buf[8192];
  std::size_t n;
  out->clear();
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  std::fclose(f);
  return true;
}

std::string shape_string(const tinyml::TensorRef& t) {
  std::string s = "[";
  for (int i = 0; i < t.shape.rank; ++i) s += (i > 0 ? "," : "") + std::to_string(t.shape.dims[i]);
  return s + "]";
}

bool is_1x640(const tinyml::TensorRef& t) {
  return t.shape.rank == 2 && t.shape.dims[0] == 1 && t.shape.dims[1] == static_cast<int>(ad::kNumFeatures);
}

bool parse_number(const char* s, double* out) {
  char* end = nullptr;
  *out = std::strtod(s, &end);
  return end != s && *end == '\0' && std::isfinite(*out);
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path, wav_path, frontend = "float", pad = "reflect";
  bool have_threshold = false, crop = false, verbose = false;
  double threshold = 0.0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--model" && has_value) model_path = argv[++i];
    else if (a == "--wav" && has_value) wav_path = argv[++i];
    else if (a == "--threshold" && has_value) {
      if (!parse_number(argv[++i], &threshold)) return fail(std::string("--threshold needs a number, got '") + argv[i] + "'");
      have_threshold = true;
    } else if (a == "--frontend" && has_value) frontend = argv[++i];
    else if (a == "--pad" && has_value) pad = argv[++i];
    else if (a == "--mlperf-crop") crop = true;
    else if (a == "--verbose") verbose = true;
    else return fail(kUsage);
  }
  if (model_path.empty() || wav_path.empty()) return fail(kUsage);
  if (frontend != "float" && frontend != "fixed") return fail("--frontend must be float or fixed");
  if (pad != "reflect" && pad != "constant") return fail("--pad must be reflect or constant");
  const bool fixed = frontend == "fixed";

  // Model: 16-byte aligned copy of the file, one static arena; input and output must be [1,640].
  std::vector<unsigned char> file;
  if (!slurp(model_path, &file) || file.empty()) return fail("cannot read model " + model_path);
  std::vector<unsigned char> storage(file.size() + 16);
  unsigned char* model = storage.data() + (16 - reinterpret_cast<std::uintptr_t>(storage.data()) % 16) % 16;
  std::memcpy(model, file.data(), file.size());
  if (g_interp.init(model, file.size(), g_arena, sizeof g_arena) != tinyml::Status::kOk) {
    return fail(model_path + ": " + g_interp.error_message());
  }
  const tinyml::TensorRef in = g_interp.input(0);
  const tinyml::TensorRef out = g_interp.output(0);
  const bool in_ok = is_1x640(in) && ((in.type == TensorType::kInt8 && in.scale > 0.0f) || in.type == TensorType::kFloat32);
  if (!in_ok) {
    return fail(model_path + ": input is " + tinyml::model::type_name(in.type) + " " + shape_string(in) +
                "; this example needs [1,640] (5 x 128 log-mel frames), int8 with a quantization scale or float32");
  }
  const bool out_ok = is_1x640(out) && ((out.type == TensorType::kInt8 && out.scale > 0.0f) || out.type == TensorType::kFloat32);
  if (!out_ok) {
    return fail(model_path + ": output is " + tinyml::model::type_name(out.type) + " " + shape_string(out) +
                "; an autoencoder's reconstruction must be [1,640] like its input");
  }
  const tinyml::audio::PadMode pad_mode = pad == "reflect" ? tinyml::audio::PadMode::kReflect : tinyml::audio::PadMode::kConstant;
  if (fixed ? g_fixed_features.init(ad::config(pad_mode)) != tinyml::Status::kOk
            : g_float_features.init(ad::config(pad_mode)) != tinyml::Status::kOk) {
    return fail("feature extractor refused its config");
  }
  tinyml::audio::FixedQuantizer fixed_quantizer;
  if (fixed && in.type == TensorType::kInt8 && fixed_quantizer.init(in.scale, in.zero_point) != tinyml::Status::kOk) {
    return fail(model_path + ": input quantization (scale " + std::to_string(in.scale) + ", zero point " +
                std::to_string(in.zero_point) + ") is outside what the integer quantizer handles");
  }

  // Audio: parse, mix to mono, resample to 16 kHz.
  std::vector<unsigned char> wav_bytes;
  if (!slurp(wav_path, &wav_bytes)) return fail("cannot read " + wav_path);
  tinyml::audio::WavInfo wav;
  tinyml::Diag diag;
  if (tinyml::audio::parse_wav(wav_bytes.data(), wav_bytes.size(), &wav, &diag) != tinyml::Status::kOk) {
    return fail(wav_path + ": " + diag.c_str());
  }
  if (wav.sample_rate < 8000 || wav.sample_rate > 384000) {
    return fail(wav_path + ": sample rate " + std::to_string(wav.sample_rate) +
                " Hz is outside 8000..384000 Hz, which the resampler is meant for");
  }
  const Clock::time_point t0 = Clock::now();
  std::vector<float> mono(wav.num_frames);
  tinyml::audio::read_mono(wav, 0, wav.num_frames, mono.data());
  if (wav.sample_rate != ad::kSampleRate) {
    std::vector<float> resampled(tinyml::audio::resampled_length(mono.size(), wav.sample_rate, ad::kSampleRate));
    tinyml::audio::resample(mono.data(), mono.size(), wav.sample_rate, ad::kSampleRate, resampled.data(), resampled.size());
    mono.swap(resampled);
  }
  const std::size_t n = mono.size();
  const std::size_t frames = ad::num_frames(n);
  const std::size_t first_frame = crop ? ad::kMlperfFirstFrame : 0;
  const std::size_t end_frame = crop ? (frames < ad::kMlperfEndFrame ? frames : ad::kMlperfEndFrame) : frames;
  if (end_frame < first_frame + ad::kContext) {
    const std::size_t need = crop ? (ad::kMlperfFirstFrame + ad::kContext - 1) * ad::kHop : (ad::kContext - 1) * ad::kHop;
    return fail(wav_path + ": " + std::to_string(n) + " samples at 16 kHz give " + std::to_string(frames) +
                " frames; " + (crop ? "--mlperf-crop needs" : "one 5-frame window needs") + " at least " +
                std::to_string(need) + " samples (" + std::to_string(need / 16) + " ms)");
  }
  std::vector<std::int16_t> pcm;
  if (fixed) {
    pcm.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const float v = std::round(mono[i] * 32768.0f);
      pcm[i] = static_cast<std::int16_t>(v > 32767.0f ? 32767.0f : (v < -32768.0f ? -32768.0f : v));
    }
  }

  // Frames in order into a 5-frame stack; every full stack is one window.
  float frame[ad::kNumMels];
  std::int32_t frame_q16[ad::kNumMels];
  float window[ad::kNumFeatures];
  ad::FrameStack<std::int32_t> stack_q16;
  g_stack.reset();
  double error_sum = 0.0;
  std::size_t windows = 0;
  for (std::size_t f = first_frame; f < end_frame; ++f) {
    if (fixed) {
      ad::compute_frame(g_fixed_features, pcm.data(), n, f, frame_q16);
      stack_q16.push(frame_q16);
      for (std::size_t m = 0; m < ad::kNumMels; ++m) frame[m] = static_cast<float>(tinyml::audio::fixed_to_double(frame_q16[m]));
    } else {
      ad::compute_frame(g_float_features, mono.data(), n, f, frame);
    }
    g_stack.push(frame);
    if (!g_stack.ready()) continue;
    g_stack.vector(window);
    if (in.type == TensorType::kFloat32) {
      std::memcpy(in.data, window, sizeof window);
    } else if (fixed) {
      std::int32_t window_q16[ad::kNumFeatures];
      stack_q16.vector(window_q16);
      fixed_quantizer.apply(window_q16, ad::kNumFeatures, in.as<std::int8_t>());
    } else {
      tinyml::audio::quantize_s8(window, ad::kNumFeatures, in.scale, in.zero_point, in.as<std::int8_t>());
    }
    if (g_interp.invoke() != tinyml::Status::kOk) return fail(std::string("inference failed: ") + g_interp.error_message());
    double sq = 0.0;
    for (std::size_t i = 0; i < ad::kNumFeatures; ++i) {
      const double y = out.type == TensorType::kFloat32
                           ? static_cast<double>(out.as<float>()[i])
                           : static_cast<double>(out.scale) * (out.as<std::int8_t>()[i] - out.zero_point);
      const double d = y - static_cast<double>(window[i]);
      sq += d * d;
    }
    const double err = sq / static_cast<double>(ad::kNumFeatures);
    if (verbose) std::fprintf(stderr, "window: %zu error: %.6f\n", windows, err);
    error_sum += err;
    ++windows;
  }
  const double compute_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const double score = error_sum / static_cast<double>(windows);
  std::printf("anomaly_score: %.6f\n", score);
  if (have_threshold) std::printf("decision: %s\n", score > threshold ? "anomaly" : "normal");
  std::printf("windows: %zu\n", windows);
  std::printf("rtf: %.5f\n", compute_s / (static_cast<double>(n) / ad::kSampleRate));
  std::printf("arena_bytes: %zu\n", g_interp.arena_used_bytes());
  return 0;
}
