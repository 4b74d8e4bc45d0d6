// SPDX-License-Identifier: Apache-2.0
// Whole-model invoke() benchmarks for every int8 model in ../shared/models (and our digits
// model), reference and native paths in one binary. Models absent on disk are skipped.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tinyml/tinyml.hpp"

namespace {
using Interp = tinyml::Interpreter<tinyml::DefaultOps>;

struct Model {
  std::string name;
  std::vector<unsigned char> storage;
  unsigned char* bytes = nullptr;
  std::size_t size = 0;
  std::vector<unsigned char> arena_storage;
  std::unique_ptr<Interp> interp = std::make_unique<Interp>();
};

bool load(const std::string& path, Model* m) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  std::fseek(f, 0, SEEK_END);
  m->size = static_cast<std::size_t>(std::ftell(f));
  std::fseek(f, 0, SEEK_SET);
  m->storage.resize(m->size + 16);
  m->bytes = m->storage.data() + (16 - reinterpret_cast<std::uintptr_t>(m->storage.data()) % 16) % 16;
  const bool ok = std::fread(m->bytes, 1, m->size, f) == m->size;
  std::fclose(f);
  if (!ok) return false;
  m->arena_storage.resize((4u << 20) + 16);
  unsigned char* arena = m->arena_storage.data() + (16 - reinterpret_cast<std::uintptr_t>(m->arena_storage.data()) % 16) % 16;
  if (m->interp->init(m->bytes, m->size, arena, 4u << 20) != tinyml::Status::kOk) return false;
  std::memset(m->interp->input(0).data, 3, m->interp->input(0).bytes);
  return true;
}

std::vector<std::unique_ptr<Model>>& models() {
  static std::vector<std::unique_ptr<Model>> v;
  return v;
}

template <class Arch>
void BM_Model(benchmark::State& st, Model* m) {
  for (auto _ : st) {
    (void)m->interp->invoke_with<Arch>();
    benchmark::ClobberMemory();
  }
  std::uint64_t macs = 0;
  for (std::size_t i = 0; i < m->interp->num_ops(); ++i) macs += m->interp->op_info(i).macs;
  st.counters["MACs"] = benchmark::Counter(double(macs), benchmark::Counter::kIsIterationInvariantRate);
  st.counters["arena_bytes"] = double(m->interp->arena_bytes_needed());
}

int register_all() {
  std::vector<std::string> paths = {std::string(TINYML_SOURCE_DIR) + "/examples/models/digits_cnn_int8.tflite"};
  for (const char* s : {"kws_dscnn_int8", "vww_96_int8", "resnet8_int8", "ad01_int8",
                        "micro_speech_quantized", "hello_world_int8"}) {
    paths.push_back(std::string(TINYML_SHARED_DIR) + "/models/" + s + ".tflite");
  }
  for (const auto& p : paths) {
    auto m = std::make_unique<Model>();
    m->name = p.substr(p.find_last_of('/') + 1);
    m->name = m->name.substr(0, m->name.size() - 7);
    if (!load(p, m.get())) {
      std::fprintf(stderr, "bench_models: skipping %s (not found or not loadable)\n", p.c_str());
      continue;
    }
    benchmark::RegisterBenchmark(("BM_Model<generic>/" + m->name).c_str(), BM_Model<tinyml::arch::Generic>, m.get());
    benchmark::RegisterBenchmark(("BM_Model<" + std::string(tinyml::arch::Native::kName) + ">/" + m->name).c_str(),
                                 BM_Model<tinyml::arch::Native>, m.get());
    models().push_back(std::move(m));
  }
  return 0;
}
const int kRegistered = register_all();
}  // namespace

BENCHMARK_MAIN();
