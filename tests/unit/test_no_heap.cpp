// SPDX-License-Identifier: Apache-2.0
// Proves the library never touches the heap: every global operator new and every malloc-family
// call is counted while models load (init), run (invoke, op by op) and are queried; the count
// must stay 0. Files are read before counting starts. Plain main, no test framework (doctest
// itself allocates).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "support.hpp"

namespace {
volatile long g_allocs = 0;
volatile bool g_counting = false;
}  // namespace

extern "C" void* __libc_malloc(std::size_t);
extern "C" void* __libc_calloc(std::size_t, std::size_t);
extern "C" void* __libc_realloc(void*, std::size_t);
extern "C" void* __libc_memalign(std::size_t, std::size_t);

extern "C" void* malloc(std::size_t n) {
  if (g_counting) ++g_allocs;
  return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t a, std::size_t b) {
  if (g_counting) ++g_allocs;
  return __libc_calloc(a, b);
}
extern "C" void* realloc(void* p, std::size_t n) {
  if (g_counting) ++g_allocs;
  return __libc_realloc(p, n);
}
extern "C" void* aligned_alloc(std::size_t a, std::size_t n) {
  if (g_counting) ++g_allocs;
  return __libc_memalign(a, n);
}
void* operator new(std::size_t n) {
  if (g_counting) ++g_allocs;
  void* p = __libc_malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  return p;
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

int main() {
  using namespace tinyml_test;
  std::vector<std::string> models = {source_dir() + "/examples/models/digits_cnn_int8.tflite"};
  for (const char* s : {"kws_dscnn_int8", "vww_96_int8", "resnet8_int8", "ad01_int8",
                        "micro_speech_quantized", "hello_world_int8", "kws_dscnn_float32",
                        "vww_96_float32", "ad01_float32", "hello_world_float32"}) {
    const std::string p = shared_dir() + "/models/" + s + ".tflite";
    if (file_exists(p)) models.push_back(p);
  }
  // Self-check: the counter does see allocations.
  g_counting = true;
  void* probe = std::malloc(8);
  auto* probe2 = new int(1);
  g_counting = false;
  std::free(probe);
  delete probe2;
  if (g_allocs != 2) {
    std::printf("no_heap: allocation counter is not working (%ld)\n", static_cast<long>(g_allocs));
    return 1;
  }
  g_allocs = 0;
  int failures = 0;
  for (const std::string& path : models) {
    Bytes model = read_file(path);
    Bytes arena = make_bytes(1u << 20);
    static Interp interp;  // static: constructing it must not allocate either
    g_counting = true;
    const tinyml::Status s = interp.init(model.data(), model.size, arena.data(), 1u << 20);
    if (s == tinyml::Status::kOk) {
      std::memset(interp.input(0).data, 1, interp.input(0).bytes);
      (void)interp.invoke();
      (void)interp.invoke_with<tinyml::arch::Generic>();
      for (std::size_t i = 0; i < interp.num_ops(); ++i) (void)interp.op_info(i);
      (void)interp.output(0);
    }
    // Error paths must not allocate either.
    Interp small;
    (void)small.init(model.data(), model.size, arena.data(), 64);
    (void)small.init(model.data(), model.size / 2, arena.data(), 1u << 20);
    g_counting = false;
    const long n = g_allocs;
    g_allocs = 0;
    std::printf("no_heap: %s: %s, %ld heap allocations during init + invoke\n", path.c_str(),
                tinyml::to_string(s), n);
    if (s != tinyml::Status::kOk || n != 0) ++failures;
  }
  std::printf("%zu passed, %d failed\n", models.size() - static_cast<std::size_t>(failures), failures);
  return failures == 0 ? 0 : 1;
}
