// SPDX-License-Identifier: Apache-2.0
// libFuzzer target over the whole untrusted-model path: verify + semantic checks + prepare +
// planning (init), then invoke on the native and the reference kernels with fuzzed input bytes.
// Build and run: bash tests/fuzz/run.sh [SECONDS] (CI: 60 s, seeded from the model corpora).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/tinyml.hpp"

namespace {
alignas(16) unsigned char g_model[1 << 20];
alignas(16) unsigned char g_arena[1 << 20];
tinyml::Interpreter<tinyml::DefaultOps> g_interp;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > sizeof g_model) return 0;
  std::memcpy(g_model, data, size);  // the library requires 16-byte aligned model bytes
  if (g_interp.init(g_model, size, g_arena, sizeof g_arena) != tinyml::Status::kOk) {
    if (g_interp.error_message()[0] == '\0') __builtin_trap();  // every refusal says why
    return 0;
  }
  // Loading is the attack surface; invoking big models only slows the search down.
  std::uint64_t macs = 0;
  for (std::size_t i = 0; i < g_interp.num_ops(); ++i) macs += g_interp.op_info(i).macs;
  if (macs > 200000) return 0;
  for (std::size_t i = 0; i < g_interp.num_inputs(); ++i) {
    const tinyml::TensorRef t = g_interp.input(i);
    for (std::size_t j = 0; j < t.bytes; ++j) static_cast<unsigned char*>(t.data)[j] = static_cast<unsigned char>(j * 37 + size);
  }
  (void)g_interp.invoke();
  (void)g_interp.invoke_with<tinyml::arch::Generic>();
  return 0;
}
