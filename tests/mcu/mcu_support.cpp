// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the Cortex-M test and benchmark firmware (see mcu_support.hpp).
#include "mcu_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "semihost.h"

#ifndef TINYML_MCU_DEFAULT_SHARED
#define TINYML_MCU_DEFAULT_SHARED "../shared"
#endif
#ifndef TINYML_MCU_DEFAULT_REPO
#define TINYML_MCU_DEFAULT_REPO "."
#endif

extern "C" std::uint32_t __stack_limit[];

namespace mcu {
namespace {
char g_cmdline[512];
constexpr std::uint32_t kPaint = 0xC5AC5AC5u;
}  // namespace

bool parse_options(Options* opt) {
  opt->shared_dir = TINYML_MCU_DEFAULT_SHARED;
  opt->repo_dir = TINYML_MCU_DEFAULT_REPO;
  if (sh_get_cmdline(g_cmdline, sizeof g_cmdline) != 0) return true;  // no command line: defaults
  // Split in place on spaces; the first word is the program name.
  char* words[32];
  int n = 0;
  for (char* p = g_cmdline; *p != '\0' && n < 32;) {
    while (*p == ' ') *p++ = '\0';
    if (*p == '\0') break;
    words[n++] = p;
    while (*p != '\0' && *p != ' ') ++p;
  }
  for (int i = 1; i < n; ++i) {
    const char* w = words[i];
    const bool has_value = i + 1 < n;
    if (std::strcmp(w, "--shared") == 0 && has_value) {
      opt->shared_dir = words[++i];
    } else if (std::strcmp(w, "--repo") == 0 && has_value) {
      opt->repo_dir = words[++i];
    } else if (std::strcmp(w, "--inputs") == 0 && has_value) {
      opt->inputs = std::atoi(words[++i]);
      if (opt->inputs < 1 || opt->inputs > 5) {
        std::printf("error: --inputs must be 1..5\n");
        return false;
      }
    } else if (std::strcmp(w, "--models") == 0 && has_value) {
      opt->models = words[++i];
    } else if (std::strcmp(w, "--no-ops") == 0) {
      opt->per_op = false;
    } else {
      std::printf("error: unknown option '%s' (--shared DIR --repo DIR --inputs N --models a,b --no-ops)\n", w);
      return false;
    }
  }
  return true;
}

bool selected(const Options& opt, const char* stem) {
  if (opt.models == nullptr) return true;
  const std::size_t len = std::strlen(stem);
  for (const char* p = opt.models; *p != '\0';) {
    const char* comma = std::strchr(p, ',');
    const std::size_t n = comma != nullptr ? static_cast<std::size_t>(comma - p) : std::strlen(p);
    if (n == len && std::strncmp(p, stem, n) == 0) return true;
    if (comma == nullptr) break;
    p = comma + 1;
  }
  return false;
}

void model_path(const Options& opt, const ModelSpec& m, char* out, std::size_t size) {
  if (m.in_repo) {
    std::snprintf(out, size, "%s/examples/models/%s.tflite", opt.repo_dir, m.stem);
  } else {
    std::snprintf(out, size, "%s/models/%s.tflite", opt.shared_dir, m.stem);
  }
}

void golden_dir(const Options& opt, const ModelSpec& m, char* out, std::size_t size) {
  if (m.in_repo) {
    std::snprintf(out, size, "%s/tests/data/golden/%s", opt.repo_dir, m.stem);
  } else {
    std::snprintf(out, size, "%s/models/golden/%s", opt.shared_dir, m.stem);
  }
}

long read_file(const char* path, void* buf, std::size_t cap) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return -1;
  std::size_t total = 0;
  for (;;) {
    if (total == cap) {  // full: the file must end here
      char extra;
      const bool more = std::fread(&extra, 1, 1, f) == 1;
      std::fclose(f);
      return more ? -1 : static_cast<long>(total);
    }
    const std::size_t got = std::fread(static_cast<char*>(buf) + total, 1, cap - total, f);
    if (got == 0) break;
    total += got;
  }
  std::fclose(f);
  return static_cast<long>(total);
}

int read_tensor_list(const char* dir, GoldenTensor* out, int cap) {
  static char text[16 * 1024];
  char path[256];
  std::snprintf(path, sizeof path, "%s/tensors.txt", dir);
  const long size = read_file(path, text, sizeof text - 1);
  if (size < 0) return -1;
  text[size] = '\0';
  int count = 0;
  for (char* line = text; *line != '\0';) {
    char* eol = std::strchr(line, '\n');
    char* next = eol != nullptr ? eol + 1 : line + std::strlen(line);
    if (eol != nullptr) *eol = '\0';
    // Fields from the end: zp scale op_name op_index bytes ...
    char* fields[5];
    int nf = 0;
    char* p = line + std::strlen(line);
    while (p > line && nf < 5) {
      while (p > line && (p[-1] == ' ' || p[-1] == '\r')) *--p = '\0';
      char* end = p;
      while (p > line && p[-1] != ' ') --p;
      if (p == end) break;
      fields[nf++] = p;
    }
    if (line[0] != '\0') {
      if (nf < 5 || count >= cap) return -1;
      out[count].index = static_cast<std::int32_t>(std::strtol(line, nullptr, 10));
      out[count].bytes = static_cast<std::uint32_t>(std::strtoul(fields[4], nullptr, 10));
      ++count;
    }
    line = next;
  }
  return count;
}

__attribute__((noinline)) std::size_t stack_paint_below_sp() {
  std::uint32_t* sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  // A leaf with nothing below its sp (interrupts are off): paint up to two words under it.
  std::uint32_t* const end = sp - 2;
  for (volatile std::uint32_t* p = __stack_limit; p < end; ++p) *p = kPaint;
  return reinterpret_cast<std::uintptr_t>(sp);
}

std::size_t stack_scan(std::size_t painted_from) {
  const std::uint32_t* p = __stack_limit;
  const std::uint32_t* const end = reinterpret_cast<const std::uint32_t*>(painted_from);
  while (p < end && *p == kPaint) ++p;
  if (p == __stack_limit) return static_cast<std::size_t>(-1);  // overflowed the painted area
  return painted_from - reinterpret_cast<std::uintptr_t>(p);
}

}  // namespace mcu
