// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the Cortex-M test and benchmark firmware: the model list, host files through
// semihosting, the command line, instruction-count markers and stack painting.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mcu {

#ifndef TINYML_MCU_NAME
#define TINYML_MCU_NAME "cortex-m"
#endif
/// The core this firmware was built for ("cortex-m4", "cortex-m7", "cortex-m55").
inline constexpr const char* kCpu = TINYML_MCU_NAME;

/// A model under test: `<dir>/<stem>.tflite`, goldens in `<golden_dir>/<stem>/`.
struct ModelSpec {
  const char* stem;
  bool in_repo;  ///< true: examples/models + tests/data/golden of the repository; false: shared dir
};
inline constexpr ModelSpec kModels[] = {
    {"kws_dscnn_int8", false},        {"vww_96_int8", false},      {"resnet8_int8", false},
    {"ad01_int8", false},             {"micro_speech_quantized", false},
    {"hello_world_int8", false},      {"digits_cnn_int8", true},
};

/// Run-time options, from the semihosting command line (QEMU -semihosting-config arg=...):
///   --shared DIR    folder with models/ and models/golden/ (default: compiled-in path)
///   --repo DIR      repository root (examples/models, tests/data/golden)
///   --inputs N      golden inputs per model, 1..5 (default 5)
///   --models a,b    only these model stems (default: all)
///   --no-ops        bench: skip the per-op counts
struct Options {
  const char* shared_dir = nullptr;
  const char* repo_dir = nullptr;
  int inputs = 5;
  const char* models = nullptr;  ///< comma-separated filter or null
  bool per_op = true;
};
/// Parses the command line; prints a message and returns false on a bad option.
bool parse_options(Options* opt);
/// True if `stem` passes the --models filter.
bool selected(const Options& opt, const char* stem);
/// "<dir>/<stem>.tflite" and "<golden dir>/<stem>" for a model.
void model_path(const Options& opt, const ModelSpec& m, char* out, std::size_t size);
void golden_dir(const Options& opt, const ModelSpec& m, char* out, std::size_t size);

/// Reads a whole host file into buf. Returns its size, or -1 (missing, or larger than cap).
long read_file(const char* path, void* buf, std::size_t cap);

/// One line of tensors.txt: the tensor index and its byte size.
struct GoldenTensor {
  std::int32_t index;
  std::uint32_t bytes;
};
/// Parses `<dir>/tensors.txt` (columns: index name type shape bytes op_index op_name scale zp;
/// the name may hold anything but whitespace-separated fields are taken from the line's end).
/// Returns the number of entries (<= cap), or -1 if the file is missing or malformed.
int read_tensor_list(const char* dir, GoldenTensor* out, int cap);

/// Instruction-count region for tools/mcu/insn_count_plugin.c: reserved Thumb-2 hints that run as
/// NOPs on silicon. The compiler may not move memory accesses across them.
inline void count_begin() { __asm__ volatile(".inst.w 0xf3af8060" ::: "memory"); }
inline void count_end() { __asm__ volatile(".inst.w 0xf3af8061" ::: "memory"); }
/// Placeholder the runner (tests/mcu/run.sh) replaces with the plugin's count of the k-th region.
inline constexpr const char* kInsnPlaceholder = "@INSN@";

/// Peak stack bytes used by fn(): paints the free stack below the caller, runs fn, scans.
std::size_t stack_paint_below_sp();
std::size_t stack_scan(std::size_t painted_from);
template <class Fn>
__attribute__((noinline)) std::size_t measure_stack(Fn&& fn) {
  const std::size_t top = stack_paint_below_sp();
  fn();
  return stack_scan(top);
}

}  // namespace mcu
