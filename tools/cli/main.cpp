// SPDX-License-Identifier: Apache-2.0
// `tinyml`: inspect, run and benchmark .tflite models with the tinyml interpreter.
//   tinyml info MODEL [--tflm-rounding]
//   tinyml run MODEL --input IN.bin [...] --output OUT.bin [...] [--arch reference|native]
//                    [--dump-dir DIR] [--tflm-rounding]
//   tinyml bench MODEL [--iters N] [--arch reference|native] [--per-op] [--tflm-rounding]
// --tflm-rounding: FULLY_CONNECTED requantizes as TFLite Micro (double rounding) instead of as
// LiteRT's reference kernels (single rounding, the default); runtime::Options::tflm_fc_rounding.
// Exit status 0 on success; otherwise 1 with a one-line reason on stderr.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tinyml/tinyml.hpp"

namespace {

using Interp = tinyml::Interpreter<tinyml::DefaultOps>;

/// Load-time options from the command line (--tflm-rounding).
tinyml::runtime::Options g_options;

struct AlignedBuffer {
  unsigned char* data = nullptr;
  std::size_t size = 0;
  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t n) : size(n) {
    data = static_cast<unsigned char*>(std::aligned_alloc(16, (n + 15) / 16 * 16 + 16));
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  AlignedBuffer(AlignedBuffer&& o) noexcept : data(o.data), size(o.size) { o.data = nullptr; }
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
    std::swap(data, o.data);
    std::swap(size, o.size);
    return *this;
  }
  ~AlignedBuffer() { std::free(data); }
};

int fail(const std::string& msg) {
  std::fprintf(stderr, "tinyml: %s\n", msg.c_str());
  return 1;
}

bool read_file(const std::string& path, AlignedBuffer* out, std::string* err) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *err = "cannot open " + path;
    return false;
  }
  std::fseek(f, 0, SEEK_END);
  const long n = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  if (n < 0) {
    std::fclose(f);
    *err = "cannot read " + path;
    return false;
  }
  AlignedBuffer b(static_cast<std::size_t>(n));
  const std::size_t got = n > 0 ? std::fread(b.data, 1, static_cast<std::size_t>(n), f) : 0;
  std::fclose(f);
  if (got != static_cast<std::size_t>(n)) {
    *err = "short read on " + path;
    return false;
  }
  *out = std::move(b);
  return true;
}

bool write_file(const std::string& path, const void* data, std::size_t n) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(data, 1, n, f) == n;
  return std::fclose(f) == 0 && ok;
}

std::string shape_str(const tinyml::Shape& s) {
  std::string r = "[";
  for (int i = 0; i < s.rank; ++i) r += (i ? "," : "") + std::to_string(s.dims[i]);
  return r + "]";
}

/// Loads a model: first with a large lazily-committed arena to learn the exact need, then again
/// into an arena of exactly that size (so sanitizers see any overrun).
struct Loaded {
  AlignedBuffer model;
  AlignedBuffer arena;
  Interp interp;
};

bool load(const std::string& path, Loaded* l, std::string* err) {
  if (!read_file(path, &l->model, err)) return false;
  l->interp.set_options(g_options);
  std::size_t probe = std::max<std::size_t>(64u << 20, l->model.size * 4);
  {
    AlignedBuffer big(probe);
    const tinyml::Status s = l->interp.init(l->model.data, l->model.size, big.data, probe);
    if (s != tinyml::Status::kOk) {
      *err = path + ": " + tinyml::to_string(s) + ": " + l->interp.error_message();
      return false;
    }
  }
  const std::size_t need = l->interp.arena_bytes_needed();
  l->arena = AlignedBuffer(need);
  const tinyml::Status s = l->interp.init(l->model.data, l->model.size, l->arena.data, need);
  if (s != tinyml::Status::kOk) {
    *err = path + ": " + tinyml::to_string(s) + ": " + l->interp.error_message();
    return false;
  }
  return true;
}

void print_tensor_line(const char* role, std::size_t i, const tinyml::TensorRef& t) {
  std::printf("%s %zu: tensor %d \"%s\" %s %s scale=%.9g zero_point=%d bytes=%zu\n", role, i,
              t.index, t.name, tinyml::model::type_name(t.type), shape_str(t.shape).c_str(),
              static_cast<double>(t.scale), t.zero_point, t.bytes);
}

int cmd_info(const std::string& path) {
  std::string err;
  AlignedBuffer bytes;
  if (!read_file(path, &bytes, &err)) return fail(err);
  tinyml::Diag diag;
  const tinyml::Status vs = tinyml::model::verify_structure(bytes.data, bytes.size, diag);
  if (vs != tinyml::Status::kOk) return fail(path + ": " + tinyml::to_string(vs) + ": " + diag.c_str());
  // List every op this build cannot run before trying to load.
  const auto m = tinyml::model::root(bytes.data);
  int unsupported = 0;
  if (tinyml::model::size_of(m.subgraphs()) > 0) {
    const auto g = m.subgraph(0);
    const std::uint32_t ncodes = tinyml::model::size_of(m.operator_codes());
    for (std::uint32_t i = 0; i < g.num_ops(); ++i) {
      const std::uint32_t oc = g.op(i).opcode_index();
      const std::int32_t code = oc < ncodes ? m.opcode(oc).builtin_code() : -1;
      if (tinyml::DefaultOps::find(code) < 0) {
        std::printf("unsupported op %u: %s (builtin %d)\n", i, tinyml::model::builtin_name(code), code);
        ++unsupported;
      }
    }
  }
  if (unsupported > 0) return fail(path + ": " + std::to_string(unsupported) + " unsupported op(s)");
  Loaded l;
  if (!load(path, &l, &err)) return fail(err);
  const Interp& in = l.interp;
  std::printf("model: %s (%zu bytes)\n", path.c_str(), l.model.size);
  for (std::size_t i = 0; i < in.num_inputs(); ++i) print_tensor_line("input", i, in.input(i));
  for (std::size_t i = 0; i < in.num_outputs(); ++i) print_tensor_line("output", i, in.output(i));
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < in.num_ops(); ++i) {
    const tinyml::OpInfo o = in.op_info(i);
    total += o.macs;
    std::printf("op %zu: %s out=%s macs=%llu\n", i, o.name, shape_str(in.tensor(o.output).shape).c_str(),
                static_cast<unsigned long long>(o.macs));
  }
  std::printf("ops: %zu\n", in.num_ops());
  std::printf("total_macs: %llu\n", static_cast<unsigned long long>(total));
  std::printf("arch: %s\n", Interp::ArchType::kName);
  std::printf("activation_bytes: %zu\n", in.activation_bytes());
  std::printf("persistent_bytes: %zu\n", in.persistent_bytes());
  std::printf("arena_bytes: %zu\n", in.arena_bytes_needed());
  return 0;
}

bool parse_arch(const std::string& a, bool* reference) {
  if (a == "reference") *reference = true;
  else if (a == "native") *reference = false;
  else return false;
  return true;
}

void invoke(Interp& in, bool reference) {
  if (reference) {
    (void)in.invoke_with<tinyml::arch::Generic>();
  } else {
    (void)in.invoke();
  }
}

int cmd_run(const std::string& path, const std::vector<std::string>& inputs,
            const std::vector<std::string>& outputs, bool reference, const std::string& dump) {
  std::string err;
  Loaded l;
  if (!load(path, &l, &err)) return fail(err);
  Interp& in = l.interp;
  if (inputs.size() != in.num_inputs()) {
    return fail("model has " + std::to_string(in.num_inputs()) + " input(s), " +
                std::to_string(inputs.size()) + " --input given");
  }
  if (outputs.size() > in.num_outputs()) {
    return fail("model has " + std::to_string(in.num_outputs()) + " output(s), " +
                std::to_string(outputs.size()) + " --output given");
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    AlignedBuffer b;
    if (!read_file(inputs[i], &b, &err)) return fail(err);
    const tinyml::TensorRef t = in.input(i);
    if (b.size != t.bytes) {
      return fail("input " + std::to_string(i) + " (" + inputs[i] + ") has " +
                  std::to_string(b.size) + " bytes, tensor needs " + std::to_string(t.bytes));
    }
    std::memcpy(t.data, b.data, b.size);
  }
  if (dump.empty()) {
    invoke(in, reference);
  } else {
    // Op by op, writing each op's outputs right after it runs: the arena reuses activation
    // memory, so intermediates must be captured before a later op overwrites them.
    for (std::size_t k = 0; k < in.num_ops(); ++k) {
      if (reference) in.invoke_op<tinyml::arch::Generic>(k); else in.invoke_op(k);
      const tinyml::TensorRef t = in.tensor(in.op_info(k).output);
      const std::string f = dump + "/t" + std::to_string(t.index) + ".bin";
      if (!write_file(f, t.data, t.bytes)) return fail("cannot write " + f);
    }
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const tinyml::TensorRef t = in.output(i);
    if (!write_file(outputs[i], t.data, t.bytes)) return fail("cannot write " + outputs[i]);
  }
  return 0;
}

void fill_inputs(Interp& in) {
  // The same xorshift32 generator the shared goldens use, with k = 1.
  for (std::size_t i = 0; i < in.num_inputs(); ++i) {
    const tinyml::TensorRef t = in.input(i);
    std::uint32_t x = static_cast<std::uint32_t>(i + 1) * 2654435761u;
    auto* p = static_cast<unsigned char*>(t.data);
    const bool is_float = t.type == tinyml::model::TensorType::kFloat32;
    for (std::size_t j = 0; j < (is_float ? t.bytes / 4 : t.bytes); ++j) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      const auto byte = static_cast<std::uint8_t>(x >> 24);
      if (is_float) {
        const float v = static_cast<float>(static_cast<std::int8_t>(byte)) / 128.0f;
        std::memcpy(p + 4 * j, &v, 4);
      } else {
        p[j] = byte;
      }
    }
  }
}

int cmd_bench(const std::string& path, int iters, bool reference, bool per_op) {
  std::string err;
  Loaded l;
  if (!load(path, &l, &err)) return fail(err);
  Interp& in = l.interp;
  fill_inputs(in);
  using Clock = std::chrono::steady_clock;
  invoke(in, reference);  // warm-up
  std::vector<double> us(static_cast<std::size_t>(iters));
  for (int i = 0; i < iters; ++i) {
    const auto t0 = Clock::now();
    invoke(in, reference);
    us[static_cast<std::size_t>(i)] = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  }
  std::vector<double> sorted = us;
  std::sort(sorted.begin(), sorted.end());
  double mean = 0;
  for (double v : us) mean += v;
  mean /= iters;
  std::printf("model: %s\n", path.c_str());
  std::printf("arch: %s\n", reference ? "reference" : Interp::ArchType::kName);
  std::printf("iters: %d\n", iters);
  std::printf("median_us: %.3f\n", sorted[sorted.size() / 2]);
  std::printf("min_us: %.3f\n", sorted.front());
  std::printf("mean_us: %.3f\n", mean);
  std::printf("arena_bytes: %zu\n", in.arena_bytes_needed());
  if (per_op) {
    for (std::size_t k = 0; k < in.num_ops(); ++k) {
      std::vector<double> t(static_cast<std::size_t>(iters));
      for (int i = 0; i < iters; ++i) {
        const auto t0 = Clock::now();
        if (reference) in.invoke_op<tinyml::arch::Generic>(k); else in.invoke_op(k);
        t[static_cast<std::size_t>(i)] = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      }
      std::sort(t.begin(), t.end());
      const tinyml::OpInfo o = in.op_info(k);
      std::printf("op %zu: %s median_us: %.3f macs=%llu\n", k, o.name, t[t.size() / 2],
                  static_cast<unsigned long long>(o.macs));
    }
  }
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: tinyml info MODEL [--tflm-rounding]\n"
               "       tinyml run MODEL --input IN.bin [...] --output OUT.bin [...] "
               "[--arch reference|native] [--dump-dir DIR] [--tflm-rounding]\n"
               "       tinyml bench MODEL [--iters N] [--arch reference|native] [--per-op] "
               "[--tflm-rounding]\n"
               "--tflm-rounding: FULLY_CONNECTED rounds as TFLite Micro (twice), not as LiteRT\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string cmd = argv[1];
  const std::string model = argv[2];
  std::vector<std::string> inputs, outputs;
  std::string dump;
  bool reference = false, per_op = false;
  int iters = 100;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](std::string* v) {
      if (i + 1 >= argc) return false;
      *v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--input" && next(&v)) inputs.push_back(v);
    else if (a == "--output" && next(&v)) outputs.push_back(v);
    else if (a == "--dump-dir" && next(&v)) dump = v;
    else if (a == "--arch" && next(&v)) {
      if (!parse_arch(v, &reference)) return fail("--arch must be reference or native");
    } else if (a == "--iters" && next(&v)) {
      iters = std::atoi(v.c_str());
      if (iters < 1) return fail("--iters must be >= 1");
    } else if (a == "--per-op") per_op = true;
    else if (a == "--tflm-rounding") g_options.tflm_fc_rounding = true;
    else return fail("unknown or incomplete argument: " + a);
  }
  if (cmd == "info") return cmd_info(model);
  if (cmd == "run") return cmd_run(model, inputs, outputs, reference, dump);
  if (cmd == "bench") return cmd_bench(model, iters, reference, per_op);
  return usage();
}
