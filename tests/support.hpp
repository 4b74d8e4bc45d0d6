// SPDX-License-Identifier: Apache-2.0
// Test helpers: aligned file loading, the shared-data folder, golden input generation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace tinyml_test {

/// A 16-byte aligned, heap-owned byte buffer (test side only; the library never allocates).
struct Bytes {
  struct Free {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::unique_ptr<unsigned char, Free> ptr;
  std::size_t size = 0;
  unsigned char* data() const { return ptr.get(); }
  bool empty() const { return ptr == nullptr; }
};

inline Bytes make_bytes(std::size_t n) {
  Bytes b;
  b.ptr.reset(static_cast<unsigned char*>(std::aligned_alloc(16, (n + 15) / 16 * 16 + 16)));
  b.size = n;
  return b;
}

inline Bytes read_file(const std::string& path) {
  Bytes b;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return b;
  std::fseek(f, 0, SEEK_END);
  const long n = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  b = make_bytes(static_cast<std::size_t>(n < 0 ? 0 : n));
  if (n > 0 && std::fread(b.data(), 1, static_cast<std::size_t>(n), f) != static_cast<std::size_t>(n)) {
    b = Bytes{};
  }
  std::fclose(f);
  return b;
}

inline bool file_exists(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f != nullptr) std::fclose(f);
  return f != nullptr;
}

inline std::string shared_dir() { return TINYML_SHARED_DIR; }
inline std::string source_dir() { return TINYML_SOURCE_DIR; }

/// The shared goldens' input generator (models/golden/GENERATOR.txt): xorshift32 seeded k*2654435761.
inline std::vector<std::uint8_t> golden_input(std::uint32_t k, std::size_t n) {
  std::vector<std::uint8_t> v(n);
  std::uint32_t x = k * 2654435761u;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return v;
}

}  // namespace tinyml_test

#include <fstream>
#include <sstream>

#include "tinyml/tinyml.hpp"

namespace tinyml_test {

using Interp = tinyml::Interpreter<tinyml::DefaultOps>;

/// Tensor indices listed in a golden folder's tensors.txt (first column).
inline std::vector<int> golden_tensor_indices(const std::string& dir) {
  std::vector<int> v;
  std::ifstream f(dir + "/tensors.txt");
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream ls(line);
    int idx = -1;
    if (ls >> idx) v.push_back(idx);
  }
  return v;
}

/// A model loaded into an arena of exactly the size the interpreter asks for.
struct Loaded {
  Bytes model;
  Bytes arena;
  Interp interp;
  tinyml::Status status = tinyml::Status::kBadArgument;
};

inline void load_exact(const std::string& path, Loaded* l) {
  l->model = read_file(path);
  if (l->model.empty()) return;
  Bytes big = make_bytes(64u << 20);
  l->status = l->interp.init(l->model.data(), l->model.size, big.data(), 64u << 20);
  if (l->status != tinyml::Status::kOk) return;
  const std::size_t need = l->interp.arena_bytes_needed();
  l->arena = make_bytes(need);
  l->status = l->interp.init(l->model.data(), l->model.size, l->arena.data(), need);
}

/// Result of running one golden case op by op with arch A.
struct GoldenResult {
  int tensors_checked = 0;
  int tensors_equal = 0;
  bool output_equal = false;
  std::string first_diff;
};

template <class A>
GoldenResult run_golden(Interp& in, const std::string& golden_dir, int k) {
  GoldenResult r;
  const std::string kdir = golden_dir + "/tensors_" + std::to_string(k);
  const Bytes input = read_file(golden_dir + "/in_" + std::to_string(k) + ".bin");
  const Bytes output = read_file(golden_dir + "/out_" + std::to_string(k) + ".bin");
  const tinyml::TensorRef ti = in.input(0);
  if (output.empty() || (!input.empty() && input.size != ti.bytes)) {
    r.first_diff = "golden input/output missing or of the wrong size";
    return r;
  }
  if (input.empty()) {  // not stored: the documented generator (tools/make_goldens.py)
    const std::vector<std::uint8_t> gen = golden_input(static_cast<std::uint32_t>(k), ti.bytes);
    std::memcpy(ti.data, gen.data(), gen.size());
  } else {
    std::memcpy(ti.data, input.data(), input.size);
  }
  const std::vector<int> listed = golden_tensor_indices(kdir);
  for (std::size_t op = 0; op < in.num_ops(); ++op) {
    in.invoke_op<A>(op);
    const tinyml::OpInfo info = in.op_info(op);
    if (std::find(listed.begin(), listed.end(), info.output) == listed.end()) continue;
    const Bytes want = read_file(kdir + "/t" + std::to_string(info.output) + ".bin");
    const tinyml::TensorRef t = in.tensor(info.output);
    ++r.tensors_checked;
    if (!want.empty() && want.size == t.bytes && std::memcmp(want.data(), t.data, t.bytes) == 0) {
      ++r.tensors_equal;
    } else if (r.first_diff.empty()) {
      r.first_diff = "op " + std::to_string(op) + " (" + info.name + ") tensor t" +
                     std::to_string(info.output);
    }
  }
  const tinyml::TensorRef to = in.output(0);
  r.output_equal = to.bytes == output.size && std::memcmp(to.data, output.data(), to.bytes) == 0;
  return r;
}

}  // namespace tinyml_test
