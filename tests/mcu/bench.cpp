// SPDX-License-Identifier: Apache-2.0
// mcu_bench: instructions per inference on the Cortex-M under QEMU, counted exactly by
// tools/mcu/insn_count_plugin.c between the count_begin()/count_end() markers.
//
// Per model and path (reference = Interpreter<..., arch::Generic>, native = the build's arch):
// init, one warm-up invoke, then the counted steady-state invoke. The input is refilled from the
// golden in_1.bin before every invoke, outside the counted region. Then every op alone
// (invoke_op), and the peak stack of init and invoke (painted stack). Output lines:
//   model=<stem> cpu=<cpu> path=<reference|native> instructions=<N> macs=<M> arena=<bytes>
//   op model=<stem> cpu=<cpu> path=<path> index=<i> name=<OP> instructions=<N> macs=<M>
//   stack model=<stem> cpu=<cpu> init=<bytes> invoke_reference=<bytes> invoke_native=<bytes>
// The firmware prints "@INSN@" where a count belongs; tests/mcu/run.sh substitutes the plugin's
// k-th count into the k-th placeholder.
#include <cstdio>
#include <cstring>

#include "mcu_support.hpp"
#include "tinyml/tinyml.hpp"

namespace {

using NativeInterp = tinyml::Interpreter<tinyml::DefaultOps>;
using RefInterp = tinyml::Interpreter<tinyml::DefaultOps, tinyml::arch::Generic>;

alignas(16) std::uint8_t g_model[640 * 1024];
alignas(16) std::uint8_t g_arena[256 * 1024];
alignas(16) std::uint8_t g_input[64 * 1024];
alignas(16) std::uint8_t g_golden_out[16 * 1024];
NativeInterp g_native;
RefInterp g_ref;
const char* const I = mcu::kInsnPlaceholder;

struct PathResult {
  bool ok = false;
  std::size_t init_stack = 0;
  std::size_t invoke_stack = 0;
};

template <class Interp>
void refill(Interp& in) {
  const tinyml::TensorRef t = in.input(0);
  std::memcpy(t.data, g_input, t.bytes);
}

template <class Interp>
PathResult bench_path(Interp& interp, const char* path, const char* stem, std::size_t model_size,
                      std::size_t in_size, long out_size, bool per_op) {
  PathResult r;
  tinyml::Status s = tinyml::Status::kBadArgument;
  r.init_stack = mcu::measure_stack([&] { s = interp.init(g_model, model_size, g_arena, sizeof g_arena); });
  if (s != tinyml::Status::kOk) {
    std::printf("error: %s %s: init: %s: %s\n", stem, path, tinyml::to_string(s), interp.error_message());
    return r;
  }
  if (interp.input(0).bytes != in_size) {
    std::printf("error: %s: in_1.bin has %u bytes, input tensor %u\n", stem,
                static_cast<unsigned>(in_size), static_cast<unsigned>(interp.input(0).bytes));
    return r;
  }
  std::uint64_t macs = 0;
  for (std::size_t i = 0; i < interp.num_ops(); ++i) macs += interp.op_info(i).macs;

  refill(interp);
  (void)interp.invoke();  // warm-up (the first invoke costs the same; kept for steady state)
  refill(interp);
  mcu::count_begin();
  const tinyml::Status rs = interp.invoke();
  mcu::count_end();
  std::printf("model=%s cpu=%s path=%s instructions=%s macs=%llu arena=%u\n", stem, mcu::kCpu, path,
              I, static_cast<unsigned long long>(macs),
              static_cast<unsigned>(interp.arena_bytes_needed()));
  const tinyml::TensorRef out = interp.output(0);
  if (rs != tinyml::Status::kOk || out_size < 0 || out.bytes != static_cast<std::size_t>(out_size) ||
      std::memcmp(out.data, g_golden_out, out.bytes) != 0) {
    std::printf("error: %s %s: output differs from out_1.bin\n", stem, path);
    return r;
  }

  refill(interp);
  r.invoke_stack = mcu::measure_stack([&] { (void)interp.invoke(); });

  if (per_op) {
    refill(interp);
    for (std::size_t i = 0; i < interp.num_ops(); ++i) {
      mcu::count_begin();
      interp.invoke_op(i);
      mcu::count_end();
      const tinyml::OpInfo info = interp.op_info(i);
      std::printf("op model=%s cpu=%s path=%s index=%u name=%s instructions=%s macs=%llu\n", stem,
                  mcu::kCpu, path, static_cast<unsigned>(i), info.name, I,
                  static_cast<unsigned long long>(info.macs));
    }
  }
  std::fflush(stdout);
  r.ok = true;
  return r;
}

void print_stack(std::size_t bytes) {
  if (bytes == static_cast<std::size_t>(-1)) {
    std::printf("overflow");
  } else {
    std::printf("%u", static_cast<unsigned>(bytes));
  }
}

}  // namespace

int main() {
  mcu::Options opt;
  if (!mcu::parse_options(&opt)) return 2;
  std::printf("mcu_bench: cpu=%s native=%s shared=%s repo=%s\n", mcu::kCpu,
              NativeInterp::ArchType::kName, opt.shared_dir, opt.repo_dir);
  // Calibration: an empty region must count 0.
  mcu::count_begin();
  mcu::count_end();
  std::printf("calibration empty_region instructions=%s\n", I);

  int failures = 0;
  for (const mcu::ModelSpec& m : mcu::kModels) {
    if (!mcu::selected(opt, m.stem)) continue;
    char path[256];
    char gdir[256];
    char file[300];
    mcu::model_path(opt, m, path, sizeof path);
    mcu::golden_dir(opt, m, gdir, sizeof gdir);
    const long model_size = mcu::read_file(path, g_model, sizeof g_model);
    std::snprintf(file, sizeof file, "%s/in_1.bin", gdir);
    const long in_size = mcu::read_file(file, g_input, sizeof g_input);
    // The default mode rounds FULLY_CONNECTED as LiteRT does: the shared models' outputs are
    // checked against LiteRT's (tests/data/litert_goldens), not TFLite Micro's goldens.
    if (m.in_repo) {
      std::snprintf(file, sizeof file, "%s/out_1.bin", gdir);
    } else {
      std::snprintf(file, sizeof file, "%s/tests/data/litert_goldens/%s/out_1.bin", opt.repo_dir, m.stem);
    }
    long out_size = mcu::read_file(file, g_golden_out, sizeof g_golden_out);
    if (out_size <= 0 && !m.in_repo) {  // LiteRT's output equals TFLM's: not stored in the repo
      std::snprintf(file, sizeof file, "%s/out_1.bin", gdir);
      out_size = mcu::read_file(file, g_golden_out, sizeof g_golden_out);
    }
    if (model_size <= 0 || in_size <= 0) {
      std::printf("error: %s: cannot read the model or in_1.bin under %s\n", m.stem, gdir);
      ++failures;
      continue;
    }
    const PathResult ref = bench_path(g_ref, "reference", m.stem, static_cast<std::size_t>(model_size),
                                      static_cast<std::size_t>(in_size), out_size, opt.per_op);
    const PathResult nat = bench_path(g_native, "native", m.stem, static_cast<std::size_t>(model_size),
                                      static_cast<std::size_t>(in_size), out_size, opt.per_op);
    if (!ref.ok || !nat.ok) {
      ++failures;
      continue;
    }
    std::printf("stack model=%s cpu=%s init=", m.stem, mcu::kCpu);
    print_stack(nat.init_stack > ref.init_stack ? nat.init_stack : ref.init_stack);
    std::printf(" invoke_reference=");
    print_stack(ref.invoke_stack);
    std::printf(" invoke_native=");
    print_stack(nat.invoke_stack);
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf("bench %s: %d error(s)\n", failures == 0 ? "done" : "FAILED", failures);
  return failures == 0 ? 0 : 1;
}
