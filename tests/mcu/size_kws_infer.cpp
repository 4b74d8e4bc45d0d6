// SPDX-License-Identifier: Apache-2.0
// The only translation unit of the size firmware that uses tinyml: a KWS (DS-CNN) inference with
// the KWS op set, a static arena and no heap. run.sh reports this object's .text + .rodata from
// the linker map as the library's code size, and checks with nm that it references no malloc,
// operator new/delete or __cxa_* symbol.
#include <cstring>

#include "tinyml/tinyml.hpp"

extern "C" const unsigned char tinyml_kws_model[];
extern "C" const unsigned char tinyml_kws_model_end[];

namespace {
using KwsOps = tinyml::OpSet<tinyml::ops::Conv2D, tinyml::ops::DepthwiseConv2D,
                             tinyml::ops::AveragePool2D, tinyml::ops::Reshape,
                             tinyml::ops::FullyConnected, tinyml::ops::Softmax>;
alignas(16) unsigned char g_arena[24 * 1024];
tinyml::Interpreter<KwsOps> g_interp;
}  // namespace

/// Loads the embedded model. Returns 0 on success, else the tinyml::Status code.
extern "C" int kws_init(unsigned* arena_bytes) {
  const auto size = static_cast<std::size_t>(tinyml_kws_model_end - tinyml_kws_model);
  const tinyml::Status s = g_interp.init(tinyml_kws_model, size, g_arena, sizeof g_arena);
  *arena_bytes = static_cast<unsigned>(g_interp.arena_bytes_needed());
  return static_cast<int>(s);
}

/// One inference: `in` must hold the input tensor's bytes; copies at most out_size output bytes.
/// Returns the number of output bytes, or -1.
extern "C" int kws_run(const signed char* in, unsigned in_size, signed char* out, unsigned out_size) {
  const tinyml::TensorRef input = g_interp.input(0);
  if (input.bytes != in_size) return -1;
  std::memcpy(input.data, in, in_size);
  if (g_interp.invoke() != tinyml::Status::kOk) return -1;
  const tinyml::TensorRef output = g_interp.output(0);
  const unsigned n = output.bytes < out_size ? static_cast<unsigned>(output.bytes) : out_size;
  std::memcpy(out, output.data, n);
  return static_cast<int>(n);
}
