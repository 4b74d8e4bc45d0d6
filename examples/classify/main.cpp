// SPDX-License-Identifier: Apache-2.0
// example_classify: run an int8 classifier on one raw input tensor and print the top class.
//   example_classify MODEL.tflite INPUT.bin [LABELS.txt]
// Shows the embedded pattern on a desktop: model bytes and a static arena, no heap in the library.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tinyml/tinyml.hpp"

namespace {
alignas(16) unsigned char g_arena[512 * 1024];  // one static arena, as on a microcontroller

std::vector<unsigned char> slurp(const char* path) {
  std::vector<unsigned char> v;
  if (std::FILE* f = std::fopen(path, "rb")) {
    unsigned char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) v.insert(v.end(), buf, buf + n);
    std::fclose(f);
  }
  return v;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: example_classify MODEL.tflite INPUT.bin [LABELS.txt]\n");
    return 1;
  }
  const std::vector<unsigned char> file = slurp(argv[1]);
  if (file.empty()) {
    std::fprintf(stderr, "example_classify: cannot read %s\n", argv[1]);
    return 1;
  }
  // The interpreter needs 16-byte aligned model bytes (flash arrays: alignas(16)).
  std::vector<unsigned char> storage(file.size() + 16);
  unsigned char* model = storage.data() + (16 - reinterpret_cast<std::uintptr_t>(storage.data()) % 16) % 16;
  std::memcpy(model, file.data(), file.size());

  static tinyml::Interpreter<tinyml::DefaultOps> interp;
  if (interp.init(model, file.size(), g_arena, sizeof g_arena) != tinyml::Status::kOk) {
    std::fprintf(stderr, "example_classify: %s\n", interp.error_message());
    return 1;
  }
  const tinyml::TensorRef in = interp.input(0);
  const std::vector<unsigned char> x = slurp(argv[2]);
  if (x.size() != in.bytes) {
    std::fprintf(stderr, "example_classify: input has %zu bytes, the model needs %zu\n", x.size(), in.bytes);
    return 1;
  }
  std::memcpy(in.data, x.data(), x.size());
  const auto t0 = std::chrono::steady_clock::now();
  (void)interp.invoke();
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();

  const tinyml::TensorRef out = interp.output(0);
  if (out.type != tinyml::model::TensorType::kInt8) {
    std::fprintf(stderr, "example_classify: expected an int8 output\n");
    return 1;
  }
  const auto* s = out.as<std::int8_t>();
  std::size_t best = 0;
  for (std::size_t i = 1; i < out.bytes; ++i) best = s[i] > s[best] ? i : best;
  std::string label = std::to_string(best);
  if (argc > 3) {
    const std::vector<unsigned char> labels = slurp(argv[3]);
    std::size_t line = 0, start = 0;
    for (std::size_t i = 0; i <= labels.size(); ++i) {
      if (i == labels.size() || labels[i] == '\n') {
        if (line++ == best) label.assign(labels.begin() + static_cast<long>(start), labels.begin() + static_cast<long>(i));
        start = i + 1;
      }
    }
  }
  const double score = out.scale * (s[best] - out.zero_point);
  std::printf("label: %s score: %.4f\n", label.c_str(), score);
  std::printf("latency_us: %.1f\n", us);
  std::printf("arena_bytes: %zu\n", interp.arena_used_bytes());
  return 0;
}
