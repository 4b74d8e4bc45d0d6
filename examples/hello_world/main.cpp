// SPDX-License-Identifier: Apache-2.0
// example_hello_world: the TFLite Micro sine regression model. Quantizes x with the model's input
// parameters, runs it and prints the dequantized prediction next to sin(x).
//   example_hello_world --model hello_world_int8.tflite [--x X]   (default: 8 points over [0, 2pi))
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tinyml/tinyml.hpp"

namespace {
alignas(16) unsigned char g_arena[4096];
}

int main(int argc, char** argv) {
  std::string model_path;
  std::vector<float> xs;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--model") model_path = argv[i + 1];
    else if (a == "--x") xs.push_back(std::strtof(argv[i + 1], nullptr));
    else {
      std::fprintf(stderr, "example_hello_world: unknown argument %s\n", a.c_str());
      return 1;
    }
  }
  if (model_path.empty()) {
    std::fprintf(stderr, "usage: example_hello_world --model M.tflite [--x X]\n");
    return 1;
  }
  std::vector<unsigned char> storage;
  std::size_t size = 0;
  if (std::FILE* f = std::fopen(model_path.c_str(), "rb")) {
    std::fseek(f, 0, SEEK_END);
    size = static_cast<std::size_t>(std::ftell(f));
    std::fseek(f, 0, SEEK_SET);
    storage.resize(size + 16);
    unsigned char* p = storage.data() + (16 - reinterpret_cast<std::uintptr_t>(storage.data()) % 16) % 16;
    if (std::fread(p, 1, size, f) != size) size = 0;
    std::fclose(f);
  }
  if (size == 0) {
    std::fprintf(stderr, "example_hello_world: cannot read %s\n", model_path.c_str());
    return 1;
  }
  unsigned char* model = storage.data() + (16 - reinterpret_cast<std::uintptr_t>(storage.data()) % 16) % 16;
  static tinyml::Interpreter<tinyml::DefaultOps> interp;
  if (interp.init(model, size, g_arena, sizeof g_arena) != tinyml::Status::kOk) {
    std::fprintf(stderr, "example_hello_world: %s\n", interp.error_message());
    return 1;
  }
  const tinyml::TensorRef in = interp.input(0), out = interp.output(0);
  if (in.type != tinyml::model::TensorType::kInt8 || in.bytes != 1 || out.type != tinyml::model::TensorType::kInt8 || out.bytes != 1) {
    std::fprintf(stderr, "example_hello_world: expected an int8 [1,1] -> [1,1] model\n");
    return 1;
  }
  if (xs.empty()) {
    for (int i = 0; i < 8; ++i) xs.push_back(static_cast<float>(i * 2 * M_PI / 8));
  }
  for (float x : xs) {
    const long q = std::lround(x / in.scale) + in.zero_point;
    *in.as<std::int8_t>() = static_cast<std::int8_t>(q < -128 ? -128 : (q > 127 ? 127 : q));
    (void)interp.invoke();
    const float y = out.scale * (*out.as<std::int8_t>() - out.zero_point);
    std::printf("x: %.4f y: %.4f sin: %.4f\n", x, y, std::sin(x));
  }
  return 0;
}
