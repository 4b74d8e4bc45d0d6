// SPDX-License-Identifier: Apache-2.0
// Helpers of the loader robustness tests: exactly-sized model copies (so ASan sees every
// over-read), the flatc object API round trip, a small model builder, loading with a generous
// arena, and a runner that executes cases in forked children so a crash names its case.
#pragma once

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "doctest_config.hpp"
#include "support.hpp"
#include "tflite_subset_generated.h"
#include "tinyml/tinyml.hpp"

namespace tinyml_test {
namespace loader {

namespace fbs = ::tinyml::fbs;
using Interp = ::tinyml::Interpreter<::tinyml::DefaultOps>;
using ::tinyml::Status;

// ---- memory -------------------------------------------------------------------------------

/// A 16-byte aligned heap block of exactly `size` bytes (no slack: under ASan, reading one byte
/// past the end is reported). posix_memalign, unlike aligned_alloc, takes any size.
class ExactBytes {
 public:
  ExactBytes() = default;
  explicit ExactBytes(std::size_t n) : size_(n) {
    void* p = nullptr;
    if (posix_memalign(&p, 16, n == 0 ? 1 : n) == 0) ptr_.reset(static_cast<std::uint8_t*>(p));
  }
  ExactBytes(const void* src, std::size_t n) : ExactBytes(n) {
    if (n > 0 && ptr_ != nullptr) std::memcpy(ptr_.get(), src, n);
  }
  std::uint8_t* data() const { return ptr_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return ptr_ == nullptr || size_ == 0; }

 private:
  struct Free {
    void operator()(std::uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<std::uint8_t, Free> ptr_;
  std::size_t size_ = 0;
};

inline ExactBytes read_exact(const std::string& path) {
  const Bytes b = read_file(path);
  if (b.empty()) return ExactBytes();
  return ExactBytes(b.data(), b.size);
}

// ---- models on disk -----------------------------------------------------------------------

inline std::string digits_path() {
  return source_dir() + "/examples/models/digits_cnn_int8.tflite";
}

/// Every *.tflite in <shared>/models, sorted; empty if the folder is absent.
inline std::vector<std::string> shared_model_paths() {
  std::vector<std::string> out;
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::path(shared_dir()) / "models";
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".tflite") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string stem(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

/// The shared models, or an empty list after a visible skip note (a failure under CI=true).
inline std::vector<std::string> shared_models_or_skip(const std::string& what) {
  std::vector<std::string> paths = shared_model_paths();
  if (paths.empty()) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL_CHECK("CI=true but no shared models under " << shared_dir() << "/models (" << what << ")");
    } else {
      MESSAGE("SKIPPED (" << what << "): no shared models under " << shared_dir() << "/models");
      std::fprintf(stderr, "[loader] SKIPPED %s: %s/models not found\n", what.c_str(),
                   shared_dir().c_str());
    }
  }
  return paths;
}

// ---- flatc object API ---------------------------------------------------------------------

inline std::unique_ptr<fbs::ModelT> unpack(const std::uint8_t* bytes) {
  return std::unique_ptr<fbs::ModelT>(fbs::GetModel(bytes)->UnPack());
}

/// Serialises `m` with file identifier "TFL3" into an exactly-sized aligned copy.
inline ExactBytes pack(const fbs::ModelT& m) {
  flatbuffers::FlatBufferBuilder fbb;
  fbs::FinishModelBuffer(fbb, fbs::Model::Pack(fbb, &m));
  return ExactBytes(fbb.GetBufferPointer(), fbb.GetSize());
}

/// A new buffer holding `n` bytes; returns its index.
inline std::uint32_t add_buffer(fbs::ModelT& m, const void* data, std::size_t n) {
  auto b = std::make_unique<fbs::BufferT>();
  const auto* p = static_cast<const std::uint8_t*>(data);
  b->data.assign(p, p + n);
  m.buffers.push_back(std::move(b));
  return static_cast<std::uint32_t>(m.buffers.size() - 1);
}

inline std::unique_ptr<fbs::QuantizationParametersT> quant(std::vector<float> scale,
                                                           std::vector<std::int64_t> zp,
                                                           std::int32_t dim = 0) {
  auto q = std::make_unique<fbs::QuantizationParametersT>();
  q->scale = std::move(scale);
  q->zero_point = std::move(zp);
  q->quantized_dimension = dim;
  return q;
}

/// Builds small models from scratch (one subgraph, buffer 0 empty).
class ModelBuilder {
 public:
  ModelBuilder() {
    m_.version = 3;
    m_.buffers.push_back(std::make_unique<fbs::BufferT>());
    m_.subgraphs.push_back(std::make_unique<fbs::SubGraphT>());
  }
  std::uint32_t opcode(fbs::BuiltinOperator code) {
    auto c = std::make_unique<fbs::OperatorCodeT>();
    c->builtin_code = code;
    const auto v = static_cast<std::int32_t>(code);
    c->deprecated_builtin_code = static_cast<std::int8_t>(v < 127 ? v : 127);
    m_.operator_codes.push_back(std::move(c));
    return static_cast<std::uint32_t>(m_.operator_codes.size() - 1);
  }
  std::int32_t tensor(std::vector<std::int32_t> shape, fbs::TensorType type, float scale = 0.0f,
                      std::int64_t zp = 0, std::uint32_t buffer = 0) {
    auto t = std::make_unique<fbs::TensorT>();
    t->shape = std::move(shape);
    t->type = type;
    t->buffer = buffer;
    t->name = "t" + std::to_string(graph().tensors.size());
    if (scale != 0.0f) t->quantization = quant({scale}, {zp});
    graph().tensors.push_back(std::move(t));
    return static_cast<std::int32_t>(graph().tensors.size() - 1);
  }
  std::int32_t constant(std::vector<std::int32_t> shape, fbs::TensorType type, const void* data,
                        std::size_t n, float scale = 0.0f, std::int64_t zp = 0) {
    return tensor(std::move(shape), type, scale, zp, add_buffer(m_, data, n));
  }
  fbs::OperatorT& op(std::uint32_t opcode_index, std::vector<std::int32_t> in,
                     std::vector<std::int32_t> out) {
    auto o = std::make_unique<fbs::OperatorT>();
    o->opcode_index = opcode_index;
    o->inputs = std::move(in);
    o->outputs = std::move(out);
    graph().operators.push_back(std::move(o));
    return *graph().operators.back();
  }
  fbs::SubGraphT& graph() { return *m_.subgraphs[0]; }
  fbs::ModelT& model() { return m_; }

 private:
  fbs::ModelT m_;
};

// ---- loading ------------------------------------------------------------------------------

inline constexpr std::size_t kBigArena = 16u << 20;

/// One process-wide generous arena (inherited by forked children).
inline std::uint8_t* big_arena() {
  static ExactBytes arena(kBigArena);
  return arena.data();
}

/// How a load attempt went. POD so that forked children can write it to shared memory.
struct CaseResult {
  enum State : std::int32_t { kNotRun = 0, kDone = 1, kCrashed = 2 };
  std::int32_t state = kNotRun;
  std::int32_t signal = 0;       ///< terminating signal (or -exit code) of a crashed case
  std::uint8_t status = 0;       ///< tinyml::Status of init
  std::uint8_t invoked = 0;      ///< init was Ok and invoke() returned
  std::uint8_t invoke_status = 0;
  char message[tinyml::Diag::kCapacity] = {};

  Status init_status() const { return static_cast<Status>(status); }
  bool ok() const { return init_status() == Status::kOk; }
};

/// Inputs get a deterministic pseudo-random pattern, or `fill` in every byte when fill >= 0.
inline void fill_inputs(Interp& in, int fill) {
  std::uint32_t x = 0x9E3779B9u;
  for (std::size_t k = 0; k < in.num_inputs(); ++k) {
    const tinyml::TensorRef t = in.input(k);
    auto* p = static_cast<std::uint8_t*>(t.data);
    if (p == nullptr) continue;
    for (std::size_t i = 0; i < t.bytes; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      p[i] = fill >= 0 ? static_cast<std::uint8_t>(fill) : static_cast<std::uint8_t>(x >> 24);
    }
  }
}

/// init() with the big arena and, if that succeeds and `invoke`, one invoke() with the build's
/// native kernels and one with the portable reference kernels (arch::Generic).
inline void load_case(const std::uint8_t* model, std::size_t size, bool invoke, int fill,
                      CaseResult* r) {
  Interp in;
  const Status s = in.init(model, size, big_arena(), kBigArena);
  r->status = static_cast<std::uint8_t>(s);
  std::snprintf(r->message, sizeof r->message, "%s", in.error_message());
  if (s == Status::kOk && invoke) {
    fill_inputs(in, fill);
    const Status native = in.invoke();
    fill_inputs(in, fill);
    const Status generic = in.invoke_with<tinyml::arch::Generic>();
    r->invoke_status = static_cast<std::uint8_t>(native != Status::kOk ? native : generic);
    r->invoked = 1;
  }
}

// ---- crash isolation ----------------------------------------------------------------------

inline constexpr unsigned kCaseTimeoutSeconds = 60;
inline constexpr int kMaxCrashesPerRun = 250;

/// Runs fn(i, result) for every i in [0, n). On POSIX the cases run in a forked child, so a
/// crash, sanitizer abort or hang (kCaseTimeoutSeconds) marks that one case kCrashed and a new
/// child continues with the next case. After kMaxCrashesPerRun crashes the rest stay kNotRun.
/// TINYML_LOADER_INPROCESS=1 runs in-process instead (for debuggers).
inline std::vector<CaseResult> run_isolated(
    std::size_t n, const std::function<void(std::size_t, CaseResult&)>& fn) {
  std::vector<CaseResult> out(n);
  const char* inproc = std::getenv("TINYML_LOADER_INPROCESS");
  if (n == 0) return out;
  if (inproc != nullptr && inproc[0] == '1') {
    for (std::size_t i = 0; i < n; ++i) {
      fn(i, out[i]);
      out[i].state = CaseResult::kDone;
    }
    return out;
  }
  struct Header {
    std::size_t current;
  };
  const std::size_t bytes = sizeof(Header) + n * sizeof(CaseResult);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(mem != MAP_FAILED);
  auto* hdr = static_cast<Header*>(mem);
  auto* res = reinterpret_cast<CaseResult*>(static_cast<std::uint8_t*>(mem) + sizeof(Header));
  for (std::size_t i = 0; i < n; ++i) new (&res[i]) CaseResult();
  (void)big_arena();  // allocate before forking so every child reuses the same block

  std::size_t start = 0;
  int crashes = 0;
  while (start < n) {
    hdr->current = start;
    std::fflush(nullptr);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      for (std::size_t i = start; i < n; ++i) {
        hdr->current = i;
        alarm(kCaseTimeoutSeconds);
        fn(i, res[i]);
        res[i].state = CaseResult::kDone;
      }
      alarm(0);
      std::fflush(nullptr);
      _exit(0);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) break;
    const std::size_t bad = hdr->current;
    res[bad].state = CaseResult::kCrashed;
    res[bad].signal = WIFSIGNALED(st) ? WTERMSIG(st) : -WEXITSTATUS(st);
    start = bad + 1;
    if (++crashes >= kMaxCrashesPerRun) break;
  }
  std::copy(res, res + n, out.begin());
  munmap(mem, bytes);
  return out;
}

inline std::string describe_crash(const CaseResult& r) {
  if (r.signal == SIGALRM) return "hung (> " + std::to_string(kCaseTimeoutSeconds) + " s)";
  if (r.signal > 0) return std::string("crashed with signal ") + strsignal(r.signal);
  return "crashed (child exit code " + std::to_string(-r.signal) + ", e.g. a sanitizer report)";
}

// ---- deterministic randomness -------------------------------------------------------------

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// A small seeded generator for building one mutation.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(splitmix64(seed)) {}
  std::uint64_t next() { return s_ = splitmix64(s_); }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t s_;
};

/// Number of cases a fuzz loop runs: `base`, scaled by TINYML_LOADER_FUZZ_SCALE (e.g. 0.1, 10).
inline std::size_t fuzz_count(std::size_t base) {
  const char* s = std::getenv("TINYML_LOADER_FUZZ_SCALE");
  if (s == nullptr) return base;
  const double f = std::atof(s);
  return f > 0 ? static_cast<std::size_t>(std::ceil(static_cast<double>(base) * f)) : base;
}

}  // namespace loader
}  // namespace tinyml_test
