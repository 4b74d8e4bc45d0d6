// SPDX-License-Identifier: Apache-2.0
// example_kws: keyword spotting on a WAV file with an int8 MFCC model (the MLPerf Tiny KWS DS-CNN).
//
//   example_kws --model M.tflite --wav W.wav [--labels L.txt]
//       label: <word> score: <0..1>      best class of the first second (dequantized softmax)
//       latency_us: X                    MFCCs + inference of that second
//       arena_bytes: N
//   example_kws --model M.tflite --wav W.wav --stream [--hop-ms 250] [--verbose]
//       time: <s> label: <word> score: <0..1>   one line per detection
//       rtf: X                           compute time / audio duration
//       (--verbose also writes every window's three best smoothed scores to stderr)
//
// The WAV may have any rate and channel count (16-bit PCM): channels are averaged and the signal
// is resampled to 16 kHz (include/tinyml/audio/resample.hpp). Features are the MLPerf KWS MFCCs
// (include/tinyml/audio/kws.hpp), quantized with the model's input scale and zero point.
//
// Streaming: a 1 s window moves by --hop-ms (default 250 ms); each window is scored on its own
// (normalised by its own maximum, as in training), and the posteriors of the last 3 windows are
// averaged. A detection is reported when a keyword (any label but silence/unknown) has a smoothed
// score above 0.6, at most once per second; `time` is the end of the newest window, the moment a
// live system would fire. RTF counts mixing, resampling, features and inference.
//
// Labels: --labels, else <model stem>.labels.txt or labels.txt beside the model, else for a model
// file named kws_dscnn* the MLPerf order (examples/kws/mlperf_kws_labels.txt), else class indices.
// Errors (bad arguments, unreadable or bad WAV, a model whose input is not int8 [.., 49, 10, ..])
// exit non-zero with one line on stderr.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tinyml/audio/audio.hpp"
#include "tinyml/tinyml.hpp"

namespace {
namespace kws = tinyml::audio::mlperf_kws;
using Clock = std::chrono::steady_clock;

alignas(16) unsigned char g_arena[256 * 1024];  // one static arena, as on a microcontroller
tinyml::Interpreter<tinyml::DefaultOps> g_interp;
kws::Extractor g_features;                      // MFCC tables and scratch, ~13 KB

// The MLPerf KWS output order, used when examples/kws/mlperf_kws_labels.txt cannot be read.
const char* const kMlperfLabels[] = {"down", "go",    "left", "no",      "off",    "on",
                                     "right", "stop", "up",   "yes", "silence", "unknown"};

int fail(const std::string& msg) {
  std::fprintf(stderr, "example_kws: %s\n", msg.c_str());
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

bool read_labels(const std::string& path, std::vector<std::string>* labels) {
  std::vector<unsigned char> text;
  if (!slurp(path, &text)) return false;
  labels->clear();
  std::string line;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n') {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) labels->push_back(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(text[i]));
    }
  }
  return true;
}

std::string dir_of(const std::string& p) {
  const std::size_t s = p.find_last_of('/');
  return s == std::string::npos ? "." : p.substr(0, s);
}
std::string base_of(const std::string& p) {
  const std::size_t s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}
std::string stem_of(const std::string& p) {
  const std::string b = base_of(p);
  const std::size_t d = b.find_last_of('.');
  return d == std::string::npos || d == 0 ? b : b.substr(0, d);
}

// Labels for the model, in the order described at the top; empty result = use class indices.
bool find_labels(const std::string& model, const std::string& explicit_path, std::vector<std::string>* labels,
                 std::string* error) {
  if (!explicit_path.empty()) {
    if (!read_labels(explicit_path, labels)) {
      *error = "cannot read labels file " + explicit_path;
      return false;
    }
    return true;
  }
  for (const std::string& c : {dir_of(model) + "/" + stem_of(model) + ".labels.txt", dir_of(model) + "/labels.txt"}) {
    if (read_labels(c, labels)) return true;
  }
  if (base_of(model).rfind("kws_dscnn", 0) == 0) {
#if defined(TINYML_KWS_LABELS_FILE)
    if (read_labels(TINYML_KWS_LABELS_FILE, labels) && !labels->empty()) return true;
#endif
    labels->assign(std::begin(kMlperfLabels), std::end(kMlperfLabels));
  }
  return true;
}

bool is_keyword(const std::string& label) {
  std::string l;
  for (char c : label) l.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  return l != "silence" && l != "_silence_" && l != "unknown" && l != "_unknown_" && l != "background";
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string shape_string(const tinyml::TensorRef& t) {
  std::string s = "[";
  for (int i = 0; i < t.shape.rank; ++i) s += (i > 0 ? "," : "") + std::to_string(t.shape.dims[i]);
  return s + "]";
}

// Runs the model on `n` samples of 16 kHz audio (the first second is used), writing dequantized
// class scores to `probs`.
void classify(const float* mono, std::size_t n, std::vector<float>* probs) {
  const tinyml::TensorRef in = g_interp.input(0);
  (void)kws::compute_quantized(g_features, mono, n, in.scale, in.zero_point, in.as<std::int8_t>());
  (void)g_interp.invoke();
  const tinyml::TensorRef out = g_interp.output(0);
  const auto* q = out.as<std::int8_t>();
  for (std::size_t i = 0; i < out.bytes; ++i) (*probs)[i] = out.scale * static_cast<float>(q[i] - out.zero_point);
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path, wav_path, labels_path;
  bool stream = false, verbose = false;
  double hop_ms = 250.0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--model" && has_value) model_path = argv[++i];
    else if (a == "--wav" && has_value) wav_path = argv[++i];
    else if (a == "--labels" && has_value) labels_path = argv[++i];
    else if (a == "--stream") stream = true;
    else if (a == "--verbose") verbose = true;
    else if (a == "--hop-ms" && has_value) hop_ms = std::atof(argv[++i]);
    else return fail("usage: example_kws --model M.tflite --wav W.wav [--labels L.txt] [--stream [--hop-ms 250] [--verbose]]");
  }
  if (model_path.empty() || wav_path.empty()) {
    return fail("usage: example_kws --model M.tflite --wav W.wav [--labels L.txt] [--stream [--hop-ms 250] [--verbose]]");
  }
  if (!(hop_ms >= 10.0 && hop_ms <= 1000.0)) return fail("--hop-ms must be between 10 and 1000");

  // Model: 16-byte aligned copy of the file, one static arena.
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
  if (in.type != tinyml::model::TensorType::kInt8 || in.bytes != kws::kNumFeatures || !(in.scale > 0.0f)) {
    return fail(model_path + ": input is " + tinyml::model::type_name(in.type) + " " + shape_string(in) +
                "; this example needs an int8 input of 49x10 MFCCs ([1,49,10,1]) with a quantization scale");
  }
  if (out.type != tinyml::model::TensorType::kInt8 || out.bytes == 0) {
    return fail(model_path + ": output is " + tinyml::model::type_name(out.type) + " " + shape_string(out) +
                "; this example needs int8 class scores");
  }
  if (g_features.init(kws::config()) != tinyml::Status::kOk) return fail("feature extractor refused its config");

  std::vector<std::string> labels;
  std::string error;
  if (!find_labels(model_path, labels_path, &labels, &error)) return fail(error);
  if (!labels.empty() && labels.size() != out.bytes) {
    return fail("labels list has " + std::to_string(labels.size()) + " entries, the model has " +
                std::to_string(out.bytes) + " outputs");
  }
  if (labels.empty()) {
    for (std::size_t i = 0; i < out.bytes; ++i) labels.push_back("class_" + std::to_string(i));
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
  if (wav.num_frames == 0) return fail(wav_path + ": no samples");
  const Clock::time_point t_prep = Clock::now();
  std::vector<float> mono(wav.num_frames);
  tinyml::audio::read_mono(wav, 0, wav.num_frames, mono.data());
  if (wav.sample_rate != kws::kSampleRate) {
    std::vector<float> resampled(tinyml::audio::resampled_length(mono.size(), wav.sample_rate, kws::kSampleRate));
    tinyml::audio::resample(mono.data(), mono.size(), wav.sample_rate, kws::kSampleRate, resampled.data(),
                            resampled.size());
    mono.swap(resampled);
  }
  const double prep_s = seconds_since(t_prep);
  std::vector<float> probs(out.bytes);

  if (!stream) {
    const Clock::time_point t0 = Clock::now();
    classify(mono.data(), mono.size(), &probs);
    const double us = seconds_since(t0) * 1e6;
    std::size_t best = 0;
    for (std::size_t i = 1; i < probs.size(); ++i) best = probs[i] > probs[best] ? i : best;
    std::printf("label: %s score: %.4f\n", labels[best].c_str(), static_cast<double>(probs[best]));
    std::printf("latency_us: %.1f\n", us);
    std::printf("arena_bytes: %zu\n", g_interp.arena_used_bytes());
    return 0;
  }

  // Streaming: 1 s windows every hop, posteriors averaged over the last kSmooth windows.
  constexpr std::size_t kSmooth = 3;
  constexpr float kThreshold = 0.6f;
  constexpr double kRefractory_s = 1.0;
  const auto hop = static_cast<std::size_t>(hop_ms * kws::kSampleRate / 1000.0 + 0.5);
  const std::size_t window = kws::kClipSamples;
  std::vector<std::vector<float>> history;
  double compute_s = prep_s;
  double last_detection = -1e9;
  for (std::size_t start = 0;; start += hop) {
    if (start > 0 && start + window > mono.size()) break;  // a short file still gets one window
    const Clock::time_point t0 = Clock::now();
    classify(mono.data() + start, mono.size() - start, &probs);
    if (history.size() == kSmooth) history.erase(history.begin());
    history.push_back(probs);
    std::vector<float> avg(probs.size(), 0.0f);
    for (const auto& h : history)
      for (std::size_t i = 0; i < avg.size(); ++i) avg[i] += h[i] / static_cast<float>(history.size());
    compute_s += seconds_since(t0);
    std::size_t best = avg.size();
    for (std::size_t i = 0; i < avg.size(); ++i) {
      if (is_keyword(labels[i]) && (best == avg.size() || avg[i] > avg[best])) best = i;
    }
    const double t_end = static_cast<double>(start + window) / kws::kSampleRate;
    if (verbose) {
      std::vector<std::size_t> order(avg.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::partial_sort(order.begin(), order.begin() + static_cast<long>(std::min<std::size_t>(3, order.size())),
                        order.end(), [&](std::size_t a, std::size_t b) { return avg[a] > avg[b]; });
      std::fprintf(stderr, "window_end: %.2f smoothed:", t_end);
      for (std::size_t i = 0; i < order.size() && i < 3; ++i) {
        std::fprintf(stderr, " %s:%.2f", labels[order[i]].c_str(), static_cast<double>(avg[order[i]]));
      }
      std::fprintf(stderr, "\n");
    }
    if (best < avg.size() && avg[best] > kThreshold && t_end - last_detection >= kRefractory_s) {
      std::printf("time: %.2f label: %s score: %.4f\n", t_end, labels[best].c_str(), static_cast<double>(avg[best]));
      last_detection = t_end;
    }
  }
  const double duration_s = static_cast<double>(mono.size()) / kws::kSampleRate;
  std::printf("rtf: %.5f\n", compute_s / duration_s);
  return 0;
}
