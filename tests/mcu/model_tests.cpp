// SPDX-License-Identifier: Apache-2.0
// mcu_model_tests: every int8 model against its TFLite goldens, on the Cortex-M itself (QEMU).
//
// Models, inputs and goldens are read from the host through semihosting file I/O, so the image
// stays small. Per model: init with a static arena; for each golden input and each path (native
// kernels, then arch::Generic) one whole invoke whose output must equal out_<k>.bin, then the same
// input op by op with invoke_op, each op's output compared byte for byte with tensors_<k>/t<i>.bin
// right after the op ran (the planner reuses memory, so later ops may overwrite it). Prints one
// line per model and a final "N passed, M failed"; exits 0 only if every model passed.
// Models with TFLite Micro goldens (../shared) run in TFLM mode (runtime::Options::
// tflm_fc_rounding); those with LiteRT goldens (the repository's) in the default mode.
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include "mcu_support.hpp"
#include "tinyml/tinyml.hpp"

namespace {

using Interp = tinyml::Interpreter<tinyml::DefaultOps>;

alignas(16) std::uint8_t g_model[640 * 1024];
alignas(16) std::uint8_t g_arena[256 * 1024];
alignas(16) std::uint8_t g_input[64 * 1024];
alignas(16) std::uint8_t g_output[16 * 1024];
alignas(16) std::uint8_t g_expect[64 * 1024];
constexpr int kMaxTensors = 256;
mcu::GoldenTensor g_list[kMaxTensors];
bool g_checked[kMaxTensors];
Interp g_interp;

struct Tally {
  int outputs_ok = 0;
  int outputs = 0;
  int tensors_ok = 0;
  int tensors = 0;
  bool failed = false;
  char first[240] = {};
};

__attribute__((format(printf, 2, 3))) void fail(Tally& t, const char* fmt, ...) {
  if (!t.failed) {
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(t.first, sizeof t.first, fmt, ap);
    va_end(ap);
  }
  t.failed = true;
}

/// Index of the first differing byte, or -1; *count gets the number of differing bytes.
long first_diff(const std::uint8_t* got, const std::uint8_t* want, std::size_t n, long* count) {
  long first = -1;
  *count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (got[i] != want[i]) {
      if (first < 0) first = static_cast<long>(i);
      ++*count;
    }
  }
  return first;
}

bool check_output(Tally& t, const char* path, int k, const char* how, std::size_t out_size) {
  const tinyml::TensorRef out = g_interp.output(0);
  ++t.outputs;
  if (out.data == nullptr || out.bytes != out_size) {
    fail(t, "input %d %s %s: output is %u bytes, golden %u", k, path, how,
         static_cast<unsigned>(out.bytes), static_cast<unsigned>(out_size));
    return false;
  }
  long n = 0;
  const long d = first_diff(static_cast<const std::uint8_t*>(out.data), g_output, out_size, &n);
  if (d >= 0) {
    fail(t, "input %d %s %s: output byte %ld is %d, golden %d (%ld bytes differ)", k, path, how, d,
         static_cast<int>(static_cast<std::int8_t>(static_cast<const std::uint8_t*>(out.data)[d])),
         static_cast<int>(static_cast<std::int8_t>(g_output[d])), n);
    return false;
  }
  ++t.outputs_ok;
  return true;
}

void load_input() {
  const tinyml::TensorRef in = g_interp.input(0);
  std::memcpy(in.data, g_input, in.bytes);
}

/// One input through one path: whole invoke, then op by op with every listed tensor checked.
template <bool kNative>
void run_path(Tally& t, int k, const char* tdir, int ntensors, std::size_t out_size) {
  const char* path = kNative ? "native" : "reference";
  using A = std::conditional_t<kNative, Interp::ArchType, tinyml::arch::Generic>;

  load_input();
  const tinyml::Status s = kNative ? g_interp.invoke() : g_interp.invoke_with<tinyml::arch::Generic>();
  if (s != tinyml::Status::kOk) {
    fail(t, "input %d %s: invoke returned %s", k, path, tinyml::to_string(s));
    return;
  }
  check_output(t, path, k, "invoke", out_size);

  load_input();
  for (int i = 0; i < ntensors; ++i) g_checked[i] = false;
  const std::size_t nops = g_interp.num_ops();
  for (std::size_t op = 0; op < nops; ++op) {
    g_interp.invoke_op<A>(op);
    const tinyml::OpInfo info = g_interp.op_info(op);
    int slot = -1;
    for (int i = 0; i < ntensors; ++i) {
      if (g_list[i].index == info.output) slot = i;
    }
    if (slot < 0) continue;  // not in the golden list (TFLM did not record it)
    g_checked[slot] = true;
    ++t.tensors;
    char file[300];
    std::snprintf(file, sizeof file, "%s/t%ld.bin", tdir, static_cast<long>(info.output));
    const long want = mcu::read_file(file, g_expect, sizeof g_expect);
    const tinyml::TensorRef got = g_interp.tensor(info.output);
    if (want < 0 || static_cast<std::size_t>(want) != got.bytes || got.data == nullptr) {
      fail(t, "input %d %s: op %u (%s) tensor %ld: golden %s has %ld bytes, tensor %u", k, path,
           static_cast<unsigned>(op), info.name, static_cast<long>(info.output), file, want,
           static_cast<unsigned>(got.bytes));
      continue;
    }
    long n = 0;
    const long d = first_diff(static_cast<const std::uint8_t*>(got.data), g_expect, got.bytes, &n);
    if (d >= 0) {
      fail(t, "input %d %s: op %u (%s) tensor %ld byte %ld is %d, golden %d (%ld of %u bytes differ)",
           k, path, static_cast<unsigned>(op), info.name, static_cast<long>(info.output), d,
           static_cast<int>(static_cast<std::int8_t>(static_cast<const std::uint8_t*>(got.data)[d])),
           static_cast<int>(static_cast<std::int8_t>(g_expect[d])), n,
           static_cast<unsigned>(got.bytes));
      continue;
    }
    ++t.tensors_ok;
  }
  for (int i = 0; i < ntensors; ++i) {
    if (!g_checked[i]) {
      fail(t, "input %d %s: golden tensor %ld is the output of no op", k, path,
           static_cast<long>(g_list[i].index));
    }
  }
  check_output(t, path, k, "op by op", out_size);
}

/// Runs one model; returns true if it passed.
bool run_model(const mcu::Options& opt, const mcu::ModelSpec& m) {
  Tally t;
  char path[256];
  char gdir[256];
  mcu::model_path(opt, m, path, sizeof path);
  mcu::golden_dir(opt, m, gdir, sizeof gdir);
  const long model_size = mcu::read_file(path, g_model, sizeof g_model);
  if (model_size <= 0) {
    std::printf("FAIL %s: cannot read %s (missing, or over %u bytes)\n", m.stem, path,
                static_cast<unsigned>(sizeof g_model));
    return false;
  }
  // The shared goldens are TFLite Micro's: FULLY_CONNECTED rounds as TFLM there. The repository's
  // goldens are LiteRT's: the default rounding.
  tinyml::runtime::Options options;
  options.tflm_fc_rounding = !m.in_repo;
  g_interp.set_options(options);
  const tinyml::Status s = g_interp.init(g_model, static_cast<std::size_t>(model_size), g_arena, sizeof g_arena);
  if (s != tinyml::Status::kOk) {
    std::printf("FAIL %s: init: %s: %s\n", m.stem, tinyml::to_string(s), g_interp.error_message());
    return false;
  }
  for (int k = 1; k <= opt.inputs; ++k) {
    char file[300];
    std::snprintf(file, sizeof file, "%s/in_%d.bin", gdir, k);
    const long in_size = mcu::read_file(file, g_input, sizeof g_input);
    if (in_size < 0 || static_cast<std::size_t>(in_size) != g_interp.input(0).bytes) {
      fail(t, "%s: %ld bytes, input tensor %u", file, in_size,
           static_cast<unsigned>(g_interp.input(0).bytes));
      break;
    }
    std::snprintf(file, sizeof file, "%s/out_%d.bin", gdir, k);
    const long out_size = mcu::read_file(file, g_output, sizeof g_output);
    if (out_size < 0) {
      fail(t, "cannot read %s", file);
      break;
    }
    char tdir[280];
    std::snprintf(tdir, sizeof tdir, "%s/tensors_%d", gdir, k);
    const int ntensors = mcu::read_tensor_list(tdir, g_list, kMaxTensors);
    if (ntensors < 0) {
      fail(t, "cannot read or parse %s/tensors.txt", tdir);
      break;
    }
    run_path<true>(t, k, tdir, ntensors, static_cast<std::size_t>(out_size));
    run_path<false>(t, k, tdir, ntensors, static_cast<std::size_t>(out_size));
  }
  const bool ok = !t.failed && t.outputs > 0;
  std::printf("%s %s: inputs=%d outputs=%d/%d tensors=%d/%d bit-exact arena=%u ops=%u\n",
              ok ? "PASS" : "FAIL", m.stem, opt.inputs, t.outputs_ok, t.outputs, t.tensors_ok,
              t.tensors, static_cast<unsigned>(g_interp.arena_bytes_needed()),
              static_cast<unsigned>(g_interp.num_ops()));
  if (!ok) std::printf("  first failure: %s\n", t.first[0] != '\0' ? t.first : "(nothing ran)");
  return ok;
}

}  // namespace

int main() {
  mcu::Options opt;
  if (!mcu::parse_options(&opt)) return 2;
  std::printf("mcu_model_tests: cpu=%s native=%s shared=%s repo=%s inputs=%d\n", mcu::kCpu,
              Interp::ArchType::kName, opt.shared_dir, opt.repo_dir, opt.inputs);
  int passed = 0;
  int failed = 0;
  for (const mcu::ModelSpec& m : mcu::kModels) {
    if (!mcu::selected(opt, m.stem)) continue;
    if (run_model(opt, m)) {
      ++passed;
    } else {
      ++failed;
    }
    std::fflush(stdout);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
