// SPDX-License-Identifier: Apache-2.0
// mcu_corpus_tests: the op conformance corpus (tests/data/corpus, goldens from LiteRT's reference
// kernels) on the Cortex-M itself (QEMU), the on-target twin of tests/corpus/test_corpus.cpp.
//
// index.txt is streamed line by line and each case's blobs are read from its <group>.pack on
// demand (one seek + read of the case's span), through semihosting file I/O, so RAM holds one
// case at a time and the corpus can grow without a rebuild. Groups come from the index, not from
// a list. Per case, like the host test: init in a large arena to learn the size it needs, init
// again in exactly that many bytes (plus guard bytes checked after every run), then both kernel
// paths, the native arch (invoke(): CortexMDsp on M4, Helium on M55) and the reference
// (invoke_with<arch::Generic>()), each with poisoned outputs and fresh inputs. Outputs must equal
// the goldens byte for byte, except float32 outputs, which are compared as the host test does:
// |got - want| <= 1e-4 * max(1, max |want| over the tensor) (a case that needed the tolerance is
// counted as float_tol, the largest error relative to that scale is printed as float_err). Cases
// flagged expect_refused must be refused at init (or, where LiteRT left a golden, match it). A
// failing case that carries LiteRT's intermediates (the `net` group) is then run op by op on them
// to name the first op that differs.
//
// Prints the failing cases (the first 10 per group unless --verbose), one machine-readable line
// per group ("group <name> cases=.. loaded=.. ... pass=..": key=value counts, which add up over
// --shard runs), then "corpus: N cases, P passed, F failed" and PASS/FAIL; exits 0 only on PASS.
//
// Command line (QEMU -semihosting-config arg=...):
//   --repo DIR       repository root (default: compiled-in); the corpus is DIR/tests/data/corpus
//   --corpus DIR     the corpus folder itself
//   --shard K/N      only cases whose ordinal in index.txt is K modulo N (parallel QEMU runs)
//   --case SUBSTR    only cases whose name contains SUBSTR
//   --verbose        print every failing case
//   --trace          print each case's name before running it (to find one that crashes)
// --shared DIR, --inputs N, --models a,b and --no-ops (meant for the other firmware) are ignored.
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <type_traits>

#include "mcu_support.hpp"
#include "semihost.h"
#include "tinyml/tinyml.hpp"

#ifndef TINYML_MCU_DEFAULT_REPO
#define TINYML_MCU_DEFAULT_REPO "."
#endif

namespace {

using Interp = tinyml::Interpreter<tinyml::DefaultOps>;
using Native = Interp::ArchType;
using Generic = tinyml::arch::Generic;
constexpr bool kNativeIsGeneric = std::is_same_v<Native, Generic>;

// ---- limits (a case over them fails with a message, it does not crash) -------------------------
constexpr int kMaxIo = 64;        // inputs, outputs per case
constexpr int kMaxTensors = 256;  // LiteRT intermediates per case
constexpr int kMaxGroups = 128;
constexpr std::size_t kArenaBytes = 1536 * 1024;  // first init; the second uses what it needs
constexpr std::size_t kGuardBytes = 64;           // after the exact arena, checked after runs
constexpr std::uint8_t kGuard = 0x5C;
constexpr std::uint8_t kPoison = 0xA5;
constexpr double kFloatTolerance = 1e-4;  // float32 outputs, as tests/corpus/test_corpus.cpp

alignas(16) std::uint8_t g_span[768 * 1024];  // one case's blobs, read in one go
alignas(16) std::uint8_t g_arena[kArenaBytes + kGuardBytes];
char g_line[8192];
Interp g_interp;

struct Blob {
  unsigned long off = 0, size = 0;
};

struct Case {
  const char* name = "";
  const char* group = "";
  const char* ops = "";
  const char* pack = "";
  const char* flags = "";
  const char* desc = "";
  Blob model;
  int n_in = 0, n_out = 0, n_t = 0;
  Blob in[kMaxIo], out[kMaxIo];
  long t_index[kMaxTensors];
  Blob t[kMaxTensors];
  bool expect_refused() const { return std::strncmp(flags, "expect_refused", 14) == 0; }
};

struct Options {
  const char* repo = TINYML_MCU_DEFAULT_REPO;
  const char* corpus = nullptr;
  long shard = 0, shards = 1;
  const char* only = nullptr;
  bool verbose = false;
  bool trace = false;
};

struct GroupTally {
  char name[64] = {};
  int cases = 0, loaded = 0, refused = 0, expected_refusals = 0;
  int native_ok = 0, reference_ok = 0, float_tol = 0, pass = 0, failures = 0;
  double float_err = 0.0;  // largest |got - want| / max(1, max |want|) seen on a float32 output
  std::clock_t ticks = 0;
};
GroupTally g_groups[kMaxGroups];
int g_ngroups = 0;
bool g_group_overflow = false;  // more groups than kMaxGroups, or a name too long
GroupTally g_other;             // their cases

// ---- command line ------------------------------------------------------------------------------
char g_cmdline[1024];

bool parse_options(Options* o) {
  if (sh_get_cmdline(g_cmdline, sizeof g_cmdline) != 0) return true;
  char* words[48];
  int n = 0;
  for (char* p = g_cmdline; *p != '\0' && n < 48;) {
    while (*p == ' ') *p++ = '\0';
    if (*p == '\0') break;
    words[n++] = p;
    while (*p != '\0' && *p != ' ') ++p;
  }
  for (int i = 1; i < n; ++i) {
    const char* w = words[i];
    const bool has_value = i + 1 < n;
    if (std::strcmp(w, "--repo") == 0 && has_value) {
      o->repo = words[++i];
    } else if (std::strcmp(w, "--corpus") == 0 && has_value) {
      o->corpus = words[++i];
    } else if (std::strcmp(w, "--shard") == 0 && has_value) {
      char* end = nullptr;
      o->shard = std::strtol(words[++i], &end, 10);
      o->shards = *end == '/' ? std::strtol(end + 1, &end, 10) : 0;
      if (*end != '\0' || o->shards < 1 || o->shard < 0 || o->shard >= o->shards) {
        std::printf("error: --shard wants K/N with 0 <= K < N\n");
        return false;
      }
    } else if (std::strcmp(w, "--case") == 0 && has_value) {
      o->only = words[++i];
    } else if (std::strcmp(w, "--verbose") == 0) {
      o->verbose = true;
    } else if (std::strcmp(w, "--trace") == 0) {
      o->trace = true;
    } else if ((std::strcmp(w, "--shared") == 0 || std::strcmp(w, "--inputs") == 0 ||
                std::strcmp(w, "--models") == 0) &&
               has_value) {
      ++i;  // for the model firmware
    } else if (std::strcmp(w, "--no-ops") == 0) {
    } else {
      std::printf(
          "error: unknown option '%s' (--repo DIR --corpus DIR --shard K/N --case S --verbose "
          "--trace)\n",
          w);
      return false;
    }
  }
  return true;
}

// ---- index.txt ---------------------------------------------------------------------------------
/// Next whitespace-separated field of the line (NUL-terminated in place), or null at its end.
char* next_field(char** cursor) {
  char* p = *cursor;
  while (*p == ' ' || *p == '\t') ++p;
  if (*p == '\0') {
    *cursor = p;
    return nullptr;
  }
  char* start = p;
  while (*p != '\0' && *p != ' ' && *p != '\t') ++p;
  if (*p != '\0') *p++ = '\0';
  *cursor = p;
  return start;
}

bool next_ulong(char** cursor, unsigned long* v) {
  const char* f = next_field(cursor);
  if (f == nullptr) return false;
  char* end = nullptr;
  *v = std::strtoul(f, &end, 10);
  return *end == '\0';
}

bool next_count(char** cursor, int* n, int cap) {
  unsigned long v = 0;
  if (!next_ulong(cursor, &v) || v > static_cast<unsigned long>(cap)) return false;
  *n = static_cast<int>(v);
  return true;
}

/// Parses one data line of index.txt in place (the Case points into it). False if malformed.
bool parse_case(char* line, Case* c) {
  char* cur = line;
  const char* f[4];
  for (const char*& x : f) {
    x = next_field(&cur);
    if (x == nullptr) return false;
  }
  c->name = f[0];
  c->group = f[1];
  c->ops = f[2];
  c->pack = f[3];
  if (!next_ulong(&cur, &c->model.off) || !next_ulong(&cur, &c->model.size)) return false;
  if (!next_count(&cur, &c->n_in, kMaxIo)) return false;
  for (int i = 0; i < c->n_in; ++i) {
    if (!next_ulong(&cur, &c->in[i].off) || !next_ulong(&cur, &c->in[i].size)) return false;
  }
  if (!next_count(&cur, &c->n_out, kMaxIo)) return false;
  for (int i = 0; i < c->n_out; ++i) {
    if (!next_ulong(&cur, &c->out[i].off) || !next_ulong(&cur, &c->out[i].size)) return false;
  }
  if (!next_count(&cur, &c->n_t, kMaxTensors)) return false;
  for (int i = 0; i < c->n_t; ++i) {
    unsigned long idx = 0;
    if (!next_ulong(&cur, &idx) || !next_ulong(&cur, &c->t[i].off) ||
        !next_ulong(&cur, &c->t[i].size)) {
      return false;
    }
    c->t_index[i] = static_cast<long>(idx);
  }
  c->flags = next_field(&cur);
  c->desc = next_field(&cur);
  return c->flags != nullptr && c->desc != nullptr;
}

// ---- packs -------------------------------------------------------------------------------------
struct Pack {
  std::FILE* f = nullptr;
  char name[128] = {};
  unsigned long size = 0;
};
Pack g_pack;

/// Opens `name` (closing the previous pack); false if it cannot be opened.
bool open_pack(const char* dir, const char* name) {
  if (g_pack.f != nullptr && std::strcmp(g_pack.name, name) == 0) return true;
  if (g_pack.f != nullptr) std::fclose(g_pack.f);
  g_pack = Pack{};
  char path[320];
  std::snprintf(path, sizeof path, "%s/%s", dir, name);
  g_pack.f = std::fopen(path, "rb");
  if (g_pack.f == nullptr) return false;
  std::setvbuf(g_pack.f, nullptr, _IONBF, 0);  // reads go straight into g_span
  std::snprintf(g_pack.name, sizeof g_pack.name, "%s", name);
  if (std::fseek(g_pack.f, 0, SEEK_END) != 0) return false;
  const long size = std::ftell(g_pack.f);
  g_pack.size = size > 0 ? static_cast<unsigned long>(size) : 0;
  return true;
}

bool in_pack(const Blob& b) { return b.off <= g_pack.size && b.size <= g_pack.size - b.off; }

// The case's blobs: span [lo, hi) of the pack, read to g_span + (lo % 16) so every blob keeps its
// alignment modulo 16 (models start at multiples of 16 in the pack).
unsigned long g_base = 0;  // pack offset of g_span[0]
const std::uint8_t* blob(const Blob& b) { return g_span + (b.off - g_base); }

/// Reads the case's span; returns "" or what went wrong.
const char* read_case_blobs(const Case& c) {
  if (!in_pack(c.model)) return "model blob outside the pack";
  unsigned long lo = c.model.off, hi = c.model.off + c.model.size;
  auto widen = [&](const Blob& b) {
    if (b.off < lo) lo = b.off;
    if (b.off + b.size > hi) hi = b.off + b.size;
  };
  for (int i = 0; i < c.n_in; ++i) {
    if (!in_pack(c.in[i])) return "input blob outside the pack";
    widen(c.in[i]);
  }
  for (int i = 0; i < c.n_out; ++i) {
    if (!in_pack(c.out[i])) return "output blob outside the pack";
    widen(c.out[i]);
  }
  for (int i = 0; i < c.n_t; ++i) {
    if (!in_pack(c.t[i])) return "tensor blob outside the pack";
    widen(c.t[i]);
  }
  if (c.model.off % 16 != 0) return "model blob not 16-byte aligned in the pack";
  g_base = lo & ~15ul;
  if (hi - g_base > sizeof g_span) return "case blobs span more than the firmware's buffer";
  if (std::fseek(g_pack.f, static_cast<long>(lo), SEEK_SET) != 0) return "seek failed";
  if (std::fread(g_span + (lo - g_base), 1, hi - lo, g_pack.f) != hi - lo) return "short read";
  return "";
}

// ---- one path ----------------------------------------------------------------------------------
char g_fail[512];  // what is wrong with the current case ("" = nothing yet)
int g_fail_len = 0;

__attribute__((format(printf, 1, 2))) void fail(const char* fmt, ...) {
  if (g_fail_len >= static_cast<int>(sizeof g_fail) - 1) return;
  va_list ap;
  va_start(ap, fmt);
  const int n = std::vsnprintf(g_fail + g_fail_len, sizeof g_fail - g_fail_len, fmt, ap);
  va_end(ap);
  if (n > 0) g_fail_len += n;
  if (g_fail_len > static_cast<int>(sizeof g_fail) - 1) g_fail_len = sizeof g_fail - 1;
}

float load_f32(const std::uint8_t* p) {
  float v;
  std::memcpy(&v, p, 4);
  return v;
}

double g_float_err = 0.0;  // largest float error of the current case (see count_diffs)

/// Counts the bytes of `got` that differ from `want`; for float32 tensors only the bytes of
/// elements beyond the tolerance count (|got - want| <= kFloatTolerance * max(1, max |want|);
/// equal values and NaN against NaN pass). *first is the first differing byte, *loose is set if
/// some float element differs within the tolerance.
std::size_t count_diffs(const tinyml::TensorRef& t, const std::uint8_t* got,
                        const std::uint8_t* want, std::size_t* first, bool* loose) {
  const bool f = t.type == tinyml::model::TensorType::kFloat32 && t.bytes % 4 == 0;
  std::size_t n = 0;
  *first = t.bytes;
  if (!f) {
    for (std::size_t i = 0; i < t.bytes; ++i) {
      if (got[i] != want[i] && n++ == 0) *first = i;
    }
    return n;
  }
  if (std::memcmp(got, want, t.bytes) == 0) return 0;
  double scale = 1.0;
  for (std::size_t i = 0; i < t.bytes; i += 4) {
    const double w = load_f32(want + i);
    if (std::isfinite(w) && std::fabs(w) > scale) scale = std::fabs(w);
  }
  for (std::size_t i = 0; i < t.bytes; i += 4) {
    const float a = load_f32(got + i), b = load_f32(want + i);
    if (a == b || (std::isnan(a) && std::isnan(b))) continue;
    const double err = std::fabs(static_cast<double>(a) - b) / scale;
    if (!std::isnan(err) && err > g_float_err) g_float_err = err;
    if (err <= kFloatTolerance) {
      *loose = true;
      continue;
    }
    if (n == 0) *first = i;
    n += 4;
  }
  return n;
}

/// Value of byte i of tensor t for messages: the int8 byte, or the float element holding it.
void describe(const tinyml::TensorRef& t, const std::uint8_t* p, std::size_t i, char* out,
              std::size_t size) {
  if (t.type == tinyml::model::TensorType::kFloat32 && t.bytes % 4 == 0) {
    std::snprintf(out, size, "%.9g (float elem %u)", static_cast<double>(load_f32(p + i / 4 * 4)),
                  static_cast<unsigned>(i / 4));
  } else {
    std::snprintf(out, size, "%d", static_cast<int>(static_cast<std::int8_t>(p[i])));
  }
}

enum class Cmp { kIdentical, kWithinTolerance, kDiffers };

/// Compares output o with its golden; on a difference appends a description to g_fail.
Cmp compare_output(const Case& c, int o, const char* path) {
  const tinyml::TensorRef t = g_interp.output(static_cast<std::size_t>(o));
  const auto* got = static_cast<const std::uint8_t*>(t.data);
  const std::uint8_t* want = blob(c.out[o]);
  std::size_t first = 0;
  bool loose = false;
  const std::size_t count = count_diffs(t, got, want, &first, &loose);
  if (count == 0) return loose ? Cmp::kWithinTolerance : Cmp::kIdentical;
  char g[64], w[64];
  describe(t, got, first, g, sizeof g);
  describe(t, want, first, w, sizeof w);
  fail("%s%s path: output %d: %u of %u bytes differ; first at byte %u: got %s, want %s",
       g_fail_len > 0 ? " | " : "", path, o, static_cast<unsigned>(count),
       static_cast<unsigned>(t.bytes), static_cast<unsigned>(first), g, w);
  if (t.type != tinyml::model::TensorType::kFloat32) {
    int max_abs = 0;
    for (std::size_t i = 0; i < t.bytes; ++i) {
      const int d = static_cast<std::int8_t>(got[i]) - static_cast<std::int8_t>(want[i]);
      if (d > max_abs) max_abs = d;
      if (-d > max_abs) max_abs = -d;
    }
    fail("; max |diff| %d", max_abs);
  }
  return Cmp::kDiffers;
}

bool guard_intact(std::size_t need) {
  for (std::size_t i = 0; i < kGuardBytes; ++i) {
    if (g_arena[need + i] != kGuard) return false;
  }
  return true;
}

/// Poisons the outputs, copies the inputs in, runs one path, compares. Worst result over outputs.
template <class A>
Cmp run_path(const Case& c, std::size_t need) {
  const char* path = A::kName;
  // Poison first: the planner may place an output over a graph input whose lifetime has ended.
  for (int o = 0; o < c.n_out; ++o) {
    const tinyml::TensorRef t = g_interp.output(static_cast<std::size_t>(o));
    std::memset(t.data, kPoison, t.bytes);
  }
  for (int i = 0; i < c.n_in; ++i) {
    std::memcpy(g_interp.input(static_cast<std::size_t>(i)).data, blob(c.in[i]), c.in[i].size);
  }
  const tinyml::Status s = g_interp.template invoke_with<A>();
  if (!guard_intact(need)) {
    fail("%s%s path wrote past the %u-byte arena it asked for", g_fail_len > 0 ? " | " : "", path,
         static_cast<unsigned>(need));
    return Cmp::kDiffers;
  }
  if (s != tinyml::Status::kOk) {
    fail("%s%s path: invoke returned %s", g_fail_len > 0 ? " | " : "", path, tinyml::to_string(s));
    return Cmp::kDiffers;
  }
  Cmp worst = Cmp::kIdentical;
  for (int o = 0; o < c.n_out; ++o) {
    const Cmp r = compare_output(c, o, path);
    if (static_cast<int>(r) > static_cast<int>(worst)) worst = r;
  }
  return worst;
}

// ---- ops in isolation (to name the op a multi-op case fails at) --------------------------------
/// LiteRT's value of tensor t (graph input, graph output or listed intermediate), or null.
const Blob* golden_of(const Case& c, std::int32_t t, const tinyml::model::SubGraphView& g) {
  for (std::uint32_t k = 0; k < tinyml::model::size_of(g.inputs()); ++k) {
    if (g.inputs()->Get(k) == t && static_cast<int>(k) < c.n_in) return &c.in[k];
  }
  for (std::uint32_t k = 0; k < tinyml::model::size_of(g.outputs()); ++k) {
    if (g.outputs()->Get(k) == t && static_cast<int>(k) < c.n_out) return &c.out[k];
  }
  for (int i = 0; i < c.n_t; ++i) {
    if (c.t_index[i] == t) return &c.t[i];
  }
  return nullptr;
}

/// Runs each op alone with arch A on LiteRT's values of its inputs; returns the name of the first
/// op whose output is not identical to LiteRT's (writing the detail to `detail`), or null.
template <class A>
const char* first_isolated_diff(const Case& c, char* detail, std::size_t size) {
  const std::uint8_t* model = blob(c.model);
  const tinyml::model::SubGraphView g = tinyml::model::root(model).subgraph(0);
  const std::uint8_t* mhi = model + c.model.size;
  for (std::size_t i = 0; i < g_interp.num_ops(); ++i) {
    const char* name = g_interp.op_info(i).name;
    const tinyml::model::OperatorView op = g.op(static_cast<std::uint32_t>(i));
    for (std::uint32_t k = 0; k < tinyml::model::size_of(op.inputs()); ++k) {
      const std::int32_t t = op.inputs()->Get(k);
      if (t < 0) continue;
      const tinyml::TensorRef tr = g_interp.tensor(t);
      const auto* d = static_cast<const std::uint8_t*>(tr.data);
      if (d == nullptr || (d >= model && d < mhi)) continue;  // constant: lives in the model
      const Blob* b = golden_of(c, t, g);
      if (b == nullptr || b->size != tr.bytes) {
        std::snprintf(detail, size, "op %u (%s): no golden for input tensor %ld",
                      static_cast<unsigned>(i), name, static_cast<long>(t));
        return name;
      }
      std::memcpy(tr.data, blob(*b), b->size);
    }
    const std::int32_t out = op.outputs()->Get(0);
    const tinyml::TensorRef to = g_interp.tensor(out);
    const Blob* want = golden_of(c, out, g);
    if (want == nullptr || want->size != to.bytes) {
      std::snprintf(detail, size, "op %u (%s): no golden for output tensor %ld",
                    static_cast<unsigned>(i), name, static_cast<long>(out));
      return name;
    }
    std::memset(to.data, kPoison, to.bytes);
    g_interp.template invoke_op<A>(i);
    const auto* got = static_cast<const std::uint8_t*>(to.data);
    const std::uint8_t* w = blob(*want);
    std::size_t first = 0;
    bool loose = false;
    const std::size_t n = count_diffs(to, got, w, &first, &loose);
    if (n > 0) {
      char gv[64], wv[64];
      describe(to, got, first, gv, sizeof gv);
      describe(to, w, first, wv, sizeof wv);
      std::snprintf(
          detail, size,
          "%s: op %u (%s) output t%ld: %u of %u bytes differ, first at byte %u: got %s, want %s",
          A::kName, static_cast<unsigned>(i), name, static_cast<long>(out),
          static_cast<unsigned>(n), static_cast<unsigned>(to.bytes), static_cast<unsigned>(first),
          gv, wv);
      return name;
    }
  }
  return nullptr;
}

// ---- one case ----------------------------------------------------------------------------------
GroupTally& group_of(const char* name) {
  for (int i = 0; i < g_ngroups; ++i) {
    if (std::strcmp(g_groups[i].name, name) == 0) return g_groups[i];
  }
  if (g_ngroups == kMaxGroups || std::strlen(name) >= sizeof g_groups[0].name) {
    g_group_overflow = true;  // reported as an index error at the end
    std::snprintf(g_other.name, sizeof g_other.name, "(other)");
    return g_other;
  }
  GroupTally& g = g_groups[g_ngroups++];
  std::snprintf(g.name, sizeof g.name, "%s", name);
  return g;
}

/// Runs one case, updates its group's tally; returns true if it passed.
bool run_case(const Case& c, const char* dir, GroupTally& g) {
  g_fail[0] = '\0';
  g_fail_len = 0;
  ++g.cases;
  if (!open_pack(dir, c.pack)) {
    fail("cannot open %s/%s", dir, c.pack);
    return false;
  }
  const char* io = read_case_blobs(c);
  if (io[0] != '\0') {
    fail("%s", io);
    return false;
  }
  const std::uint8_t* model = blob(c.model);
  tinyml::Status s = g_interp.init(model, c.model.size, g_arena, kArenaBytes);
  std::size_t need = 0;
  if (s == tinyml::Status::kOk) {
    need = g_interp.arena_bytes_needed();
    s = g_interp.init(model, c.model.size, g_arena, need);
  }
  if (s != tinyml::Status::kOk) {
    if (c.expect_refused()) {
      ++g.expected_refusals;
      return true;
    }
    ++g.refused;
    fail("refused at init: %s: %s", tinyml::to_string(s), g_interp.error_message());
    return false;
  }
  std::memset(g_arena + need, kGuard, kGuardBytes);
  if (g_interp.num_inputs() != static_cast<std::size_t>(c.n_in) ||
      g_interp.num_outputs() != static_cast<std::size_t>(c.n_out)) {
    fail("model has %u inputs / %u outputs, index lists %d / %d",
         static_cast<unsigned>(g_interp.num_inputs()),
         static_cast<unsigned>(g_interp.num_outputs()), c.n_in, c.n_out);
    return false;
  }
  for (int i = 0; i < c.n_in; ++i) {
    const tinyml::TensorRef t = g_interp.input(static_cast<std::size_t>(i));
    if (t.bytes != c.in[i].size || t.data == nullptr) {
      fail("input %d: %u bytes%s, index lists %lu; ", i, static_cast<unsigned>(t.bytes),
           t.data == nullptr ? " (no data)" : "", c.in[i].size);
    }
  }
  for (int i = 0; i < c.n_out; ++i) {
    const tinyml::TensorRef t = g_interp.output(static_cast<std::size_t>(i));
    if (t.bytes != c.out[i].size || t.data == nullptr) {
      fail("output %d: %u bytes%s, index lists %lu; ", i, static_cast<unsigned>(t.bytes),
           t.data == nullptr ? " (no data)" : "", c.out[i].size);
    }
  }
  if (g_fail_len > 0) return false;
  if (c.expect_refused() && c.n_out == 0) {
    fail("accepted a model LiteRT refuses (%s)", c.flags);
    return false;
  }
  ++g.loaded;
  const Cmp native = run_path<Native>(c, need);
  Cmp reference = Cmp::kIdentical;
  if (!kNativeIsGeneric) reference = run_path<Generic>(c, need);
  if (native != Cmp::kDiffers) ++g.native_ok;
  if (reference != Cmp::kDiffers) ++g.reference_ok;
  if (g_fail_len == 0) {
    if (native == Cmp::kWithinTolerance || reference == Cmp::kWithinTolerance) ++g.float_tol;
    return true;
  }
  if (c.expect_refused()) {
    char tmp[sizeof g_fail];
    std::snprintf(tmp, sizeof tmp, "%s", g_fail);
    g_fail_len = 0;
    g_fail[0] = '\0';
    fail("accepted (%s) and differs: %s", c.flags, tmp);
  }
  if (c.n_t > 0) {
    char iso[240] = {};
    const char* iso_op = first_isolated_diff<Native>(c, iso, sizeof iso);
    if (iso_op == nullptr && !kNativeIsGeneric)
      iso_op = first_isolated_diff<Generic>(c, iso, sizeof iso);
    if (iso_op != nullptr) fail("; first op differing in isolation: %s", iso);
  }
  return false;
}

}  // namespace

int main() {
  Options opt;
  if (!parse_options(&opt)) return 2;
  char dir[300];
  if (opt.corpus != nullptr) {
    std::snprintf(dir, sizeof dir, "%s", opt.corpus);
  } else {
    std::snprintf(dir, sizeof dir, "%s/tests/data/corpus", opt.repo);
  }
  std::printf("mcu_corpus_tests: cpu=%s native=%s reference=%s corpus=%s shard=%ld/%ld%s%s\n",
              mcu::kCpu, Native::kName, kNativeIsGeneric ? "(same)" : Generic::kName, dir,
              opt.shard, opt.shards, opt.only != nullptr ? " case=" : "",
              opt.only != nullptr ? opt.only : "");
  char path[320];
  std::snprintf(path, sizeof path, "%s/index.txt", dir);
  std::FILE* index = std::fopen(path, "r");
  if (index == nullptr) {
    std::printf("FAIL: cannot open %s\n", path);
    return 1;
  }
  static char index_buf[16 * 1024];
  std::setvbuf(index, index_buf, _IOFBF, sizeof index_buf);

  int passed = 0, failed = 0, malformed = 0;
  long ordinal = -1, lineno = 0;
  while (std::fgets(g_line, sizeof g_line, index) != nullptr) {
    ++lineno;
    std::size_t len = std::strlen(g_line);
    if (len == sizeof g_line - 1 && g_line[len - 1] != '\n') {
      std::printf("FAIL: index.txt line %ld is longer than %u bytes\n", lineno,
                  static_cast<unsigned>(sizeof g_line - 2));
      ++malformed;
      int ch;
      while ((ch = std::fgetc(index)) != EOF && ch != '\n') {
      }
      continue;
    }
    while (len > 0 && (g_line[len - 1] == '\n' || g_line[len - 1] == '\r')) g_line[--len] = '\0';
    if (len == 0 || g_line[0] == '#') continue;
    ++ordinal;
    if (ordinal % opt.shards != opt.shard) continue;
    static Case c;
    c = Case{};
    if (!parse_case(g_line, &c)) {
      std::printf(
          "FAIL: index.txt line %ld is malformed or over the firmware's limits (%d inputs, "
          "%d outputs, %d intermediates)\n",
          lineno, kMaxIo, kMaxIo, kMaxTensors);
      ++malformed;
      continue;
    }
    if (opt.only != nullptr && std::strstr(c.name, opt.only) == nullptr) continue;
    GroupTally& g = group_of(c.group);
    if (opt.trace) {
      std::printf("run %s\n", c.name);
      std::fflush(stdout);
    }
    const std::clock_t t0 = std::clock();
    g_float_err = 0.0;
    const bool ok = run_case(c, dir, g);
    g.ticks += std::clock() - t0;
    if (g_float_err > g.float_err) g.float_err = g_float_err;
    if (ok) {
      ++g.pass;
      ++passed;
    } else {
      ++g.failures;
      ++failed;
      if (opt.verbose || g.failures <= 10) {
        std::printf("FAIL %s [%s] %s\n    case: %s\n", c.name, c.ops, g_fail, c.desc);
      } else if (g.failures == 11) {
        std::printf("  (more failures in group %s not shown; --verbose shows all)\n", c.group);
      }
    }
  }
  std::fclose(index);
  if (g_pack.f != nullptr) std::fclose(g_pack.f);
  for (int i = 0; i <= g_ngroups; ++i) {
    if (i == g_ngroups && !g_group_overflow) break;
    const GroupTally& g = i < g_ngroups ? g_groups[i] : g_other;
    std::printf(
        "group %s cases=%d loaded=%d refused=%d expected_refusals=%d native=%d "
        "reference=%d float_tol=%d float_err=%.3g pass=%d seconds=%.1f\n",
        g.name, g.cases, g.loaded, g.refused, g.expected_refusals, g.native_ok,
        kNativeIsGeneric ? g.native_ok : g.reference_ok, g.float_tol, g.float_err, g.pass,
        static_cast<double>(g.ticks) / CLOCKS_PER_SEC);
  }
  if (g_group_overflow) {
    std::printf("FAIL: more than %d groups or a group name over %u characters (tallies mixed)\n",
                kMaxGroups, static_cast<unsigned>(sizeof g_groups[0].name - 1));
    ++malformed;
  }
  const bool ok =
      failed == 0 && malformed == 0 && (passed > 0 || opt.only != nullptr || opt.shards > 1);
  std::printf("corpus: %d cases, %d passed, %d failed%s\n", passed + failed, passed, failed,
              malformed > 0 ? ", index errors" : "");
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
