// SPDX-License-Identifier: Apache-2.0
// The op corpus (tests/data/corpus, made by tools/corpus/gen_corpus.py): thousands of small int8
// models with goldens from LiteRT's reference kernels. Every case must load, and its outputs must
// equal the golden byte for byte on every kernel path compiled into this build: the native arch
// (invoke()) and the reference (invoke_with<arch::Generic>()), plus AVX2 when native is AVX-512.
// Cases flagged expect_refused in the index must be refused at init (or, where LiteRT accepted
// them and left a golden, match it). Float32 outputs are compared with a relative tolerance
// (kFloatTolerance), not byte for byte.
//
// Environment (optional):
//   TINYML_CORPUS_CASE=substr   run only cases whose name contains substr
//   TINYML_CORPUS_VERBOSE=1     report every failing case (default: the first 10 per group)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "doctest_config.hpp"
#include "support.hpp"

namespace {

using tinyml_test::Bytes;
using tinyml_test::make_bytes;

struct Blob {
  std::size_t off = 0, size = 0;
};

struct Tensor {
  std::int32_t index = -1;
  Blob blob;
};

struct Case {
  std::string name, group, ops, pack, flags, desc;
  Blob model;
  std::vector<Blob> in, out;
  std::vector<Tensor> tensors;  // LiteRT's intermediates (op outputs that are not graph outputs)
  bool expect_refused() const { return flags.rfind("expect_refused", 0) == 0; }
};

const char* const kGroups[] = {"conv2d",  "depthwise_conv2d", "fully_connected", "average_pool2d",
                               "max_pool2d", "add", "softmax", "reshape", "quantize",
                               "dequantize", "net", "refused"};

std::string corpus_dir() { return tinyml_test::source_dir() + "/tests/data/corpus"; }

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::string cur;
  for (char ch : s) {
    if (ch == sep) {
      v.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  v.push_back(cur);
  return v;
}

/// Parses index.txt; `error` says what is wrong with the first malformed line.
std::vector<Case> read_index(std::string* error) {
  std::vector<Case> cases;
  std::ifstream f(corpus_dir() + "/index.txt");
  if (!f) {
    *error = "cannot open " + corpus_dir() + "/index.txt";
    return cases;
  }
  std::string line;
  int lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    Case c;
    std::size_t n_in = 0, n_out = 0;
    bool ok = static_cast<bool>(ls >> c.name >> c.group >> c.ops >> c.pack >> c.model.off >>
                                c.model.size >> n_in);
    for (std::size_t i = 0; ok && i < n_in; ++i) {
      Blob b;
      ok = static_cast<bool>(ls >> b.off >> b.size);
      c.in.push_back(b);
    }
    ok = ok && static_cast<bool>(ls >> n_out);
    for (std::size_t i = 0; ok && i < n_out; ++i) {
      Blob b;
      ok = static_cast<bool>(ls >> b.off >> b.size);
      c.out.push_back(b);
    }
    std::size_t n_t = 0;
    ok = ok && static_cast<bool>(ls >> n_t);
    for (std::size_t i = 0; ok && i < n_t; ++i) {
      Tensor t;
      ok = static_cast<bool>(ls >> t.index >> t.blob.off >> t.blob.size);
      c.tensors.push_back(t);
    }
    ok = ok && static_cast<bool>(ls >> c.flags >> c.desc);
    if (!ok) {
      *error = "index.txt line " + std::to_string(lineno) + " is malformed";
      return {};
    }
    cases.push_back(c);
  }
  return cases;
}

const std::vector<Case>& all_cases() {
  static std::string error;
  static const std::vector<Case> cases = read_index(&error);
  if (!error.empty()) FAIL_CHECK(error);
  return cases;
}

const Bytes& pack(const std::string& name) {
  static std::map<std::string, Bytes> packs;
  auto it = packs.find(name);
  if (it == packs.end()) it = packs.emplace(name, tinyml_test::read_file(corpus_dir() + "/" + name)).first;
  return it->second;
}

bool blob_in_range(const Bytes& p, const Blob& b) {
  return !p.empty() && b.off <= p.size && b.size <= p.size - b.off;
}

bool is_float_output(const tinyml::TensorRef& t) { return t.type == tinyml::model::TensorType::kFloat32; }

std::string byte_value(const tinyml::TensorRef& t, const unsigned char* p, std::size_t i) {
  if (is_float_output(t)) {
    float v;
    std::memcpy(&v, p + i / 4 * 4, 4);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.9g (float elem %zu)", static_cast<double>(v), i / 4);
    return buf;
  }
  return std::to_string(static_cast<int>(static_cast<std::int8_t>(p[i])));
}

/// Float32 outputs may differ from LiteRT's in the last bits (summation order, fused multiply-add,
/// cancellation in long sums): each element must satisfy |got - want| <= kFloatTolerance *
/// max(1, max |want| over the tensor). Other types are compared byte for byte.
constexpr double kFloatTolerance = 1e-4;
double& max_float_error() {
  static double e = 0.0;
  return e;
}

/// Bytes that differ (for float32 outputs: the bytes of elements beyond the tolerance); *first is
/// the first such byte.
std::size_t count_diffs(const tinyml::TensorRef& t, const unsigned char* got,
                        const unsigned char* want, std::size_t* first) {
  const bool f = is_float_output(t);
  const std::size_t step = f ? 4 : 1;
  double scale = 1.0;
  for (std::size_t i = 0; f && i + 4 <= t.bytes; i += 4) {
    float b;
    std::memcpy(&b, want + i, 4);
    if (std::isfinite(b)) scale = std::max(scale, std::fabs(static_cast<double>(b)));
  }
  std::size_t n = 0;
  *first = t.bytes;
  for (std::size_t i = 0; i + step <= t.bytes; i += step) {
    bool differ = got[i] != want[i];
    if (f) {
      float a, b;
      std::memcpy(&a, got + i, 4);
      std::memcpy(&b, want + i, 4);
      const double err = std::fabs(static_cast<double>(a) - b) / scale;
      differ = !(a == b || (std::isnan(a) && std::isnan(b)) || err <= kFloatTolerance);
      if (a != b && !std::isnan(err)) max_float_error() = std::max(max_float_error(), err);
    }
    if (differ) {
      if (n == 0) *first = i;
      n += step;
    }
  }
  return n;
}

/// Poisons the outputs, copies the inputs in, runs `invoke`, compares with the goldens.
/// Returns "" if every output matches, else where the first difference is.
template <class In, class Invoke>
std::string run_path(In& in, const Case& c, const Bytes& p, Invoke&& invoke) {
  // Poison the outputs first: the planner may place an output over a graph input whose
  // lifetime has ended, so the inputs must be written after the poison.
  for (std::size_t i = 0; i < c.out.size(); ++i) std::memset(in.output(i).data, 0xA5, in.output(i).bytes);
  for (std::size_t i = 0; i < c.in.size(); ++i) {
    std::memcpy(in.input(i).data, p.data() + c.in[i].off, c.in[i].size);
  }
  if (invoke() != tinyml::Status::kOk) return "invoke returned an error";
  std::string diff;
  for (std::size_t o = 0; o < c.out.size(); ++o) {
    const tinyml::TensorRef t = in.output(o);
    const unsigned char* got = static_cast<const unsigned char*>(t.data);
    const unsigned char* want = p.data() + c.out[o].off;
    std::size_t first = t.bytes;
    const std::size_t count = count_diffs(t, got, want, &first);
    if (count == 0) continue;
    std::ostringstream s;
    s << "output " << o << ": " << count << " of " << t.bytes << " bytes differ; first at byte "
      << first << ": got " << byte_value(t, got, first) << ", want " << byte_value(t, want, first);
    if (!is_float_output(t)) {
      int max_abs = 0;
      for (std::size_t i = 0; i < t.bytes; ++i) {
        const int d = static_cast<std::int8_t>(got[i]) - static_cast<std::int8_t>(want[i]);
        max_abs = d < 0 ? (-d > max_abs ? -d : max_abs) : (d > max_abs ? d : max_abs);
      }
      s << "; max |diff| " << max_abs;
    }
    diff += (diff.empty() ? "" : "; ") + s.str();
  }
  return diff;
}

/// One op of a network run alone on LiteRT's values of its inputs.
struct Isolated {
  std::string op;
  bool identical = true;
  std::string diff;
};

struct Outcome {
  bool loaded = false;
  std::vector<std::string> iso_paths;           // per path
  std::vector<std::vector<Isolated>> isolated;  // per path, per op
  tinyml::Status status = tinyml::Status::kOk;
  std::string init_error;
  std::string io_error;                 // shape/size disagreement with the index
  std::vector<std::string> path_names;  // per path
  std::vector<std::string> path_diffs;  // "" = identical
};

/// LiteRT's value of tensor t: a graph input, an intermediate or a graph output; null if none.
const Blob* golden_of(const Case& c, std::int32_t t, const tinyml::model::SubGraphView& g) {
  for (std::uint32_t k = 0; k < tinyml::model::size_of(g.inputs()); ++k) {
    if (g.inputs()->Get(k) == t && k < c.in.size()) return &c.in[k];
  }
  for (std::uint32_t k = 0; k < tinyml::model::size_of(g.outputs()); ++k) {
    if (g.outputs()->Get(k) == t && k < c.out.size()) return &c.out[k];
  }
  for (const Tensor& x : c.tensors) {
    if (x.index == t) return &x.blob;
  }
  return nullptr;
}

/// Runs every op of the model alone with arch A, its activation inputs set to LiteRT's values,
/// and compares its output with LiteRT's (so a difference is charged to the op that made it).
template <class A, class In>
std::vector<Isolated> run_isolated(In& in, const Case& c, const Bytes& p, const Bytes& model) {
  std::vector<Isolated> v;
  const tinyml::model::SubGraphView g = tinyml::model::root(model.data()).subgraph(0);
  const unsigned char* mlo = model.data();
  const unsigned char* mhi = model.data() + model.size;
  for (std::size_t i = 0; i < in.num_ops(); ++i) {
    Isolated r;
    r.op = in.op_info(i).name;
    const tinyml::model::OperatorView op = g.op(static_cast<std::uint32_t>(i));
    for (std::uint32_t k = 0; k < tinyml::model::size_of(op.inputs()); ++k) {
      const std::int32_t t = op.inputs()->Get(k);
      if (t < 0) continue;
      const tinyml::TensorRef tr = in.tensor(t);
      const auto* d = static_cast<const unsigned char*>(tr.data);
      if (d == nullptr || (d >= mlo && d < mhi)) continue;  // constant: lives in the model
      const Blob* b = golden_of(c, t, g);
      if (b == nullptr || b->size != tr.bytes) {
        r.identical = false;
        r.diff = "no golden for input tensor " + std::to_string(t);
        break;
      }
      std::memcpy(tr.data, p.data() + b->off, b->size);
    }
    const std::int32_t out = op.outputs()->Get(0);
    const tinyml::TensorRef to = in.tensor(out);
    const Blob* want = golden_of(c, out, g);
    if (r.identical && (want == nullptr || want->size != to.bytes)) {
      r.identical = false;
      r.diff = "no golden for output tensor " + std::to_string(out);
    }
    if (r.identical) {
      std::memset(to.data, 0xA5, to.bytes);
      in.template invoke_op<A>(i);
      const auto* got = static_cast<const unsigned char*>(to.data);
      const unsigned char* w = p.data() + want->off;
      std::size_t first = 0;
      const std::size_t n = count_diffs(to, got, w, &first);
      if (n > 0) {
        r.identical = false;
        r.diff = "op " + std::to_string(i) + " (" + r.op + ") output t" + std::to_string(out) +
                 ": " + std::to_string(n) + " of " + std::to_string(to.bytes) +
                 " bytes differ, first at byte " + std::to_string(first) + ": got " +
                 byte_value(to, got, first) + ", want " + byte_value(to, w, first);
      }
    }
    v.push_back(r);
  }
  return v;
}

template <class In>
void run_loaded(In& in, const Case& c, const Bytes& p, const Bytes& model, bool with_generic,
                Outcome* r) {
  using A = typename In::ArchType;
  if (in.num_inputs() != c.in.size() || in.num_outputs() != c.out.size()) {
    r->io_error = "model has " + std::to_string(in.num_inputs()) + " inputs / " +
                  std::to_string(in.num_outputs()) + " outputs, index lists " +
                  std::to_string(c.in.size()) + " / " + std::to_string(c.out.size());
    return;
  }
  for (std::size_t i = 0; i < c.in.size(); ++i) {
    if (in.input(i).bytes != c.in[i].size) r->io_error = "input " + std::to_string(i) + " size differs";
  }
  for (std::size_t i = 0; i < c.out.size(); ++i) {
    if (in.output(i).bytes != c.out[i].size) r->io_error = "output " + std::to_string(i) + " size differs";
  }
  if (!r->io_error.empty()) return;
  r->path_names.push_back(A::kName);
  r->path_diffs.push_back(run_path(in, c, p, [&] { return in.invoke(); }));
  if (with_generic && !std::is_same_v<A, tinyml::arch::Generic>) {
    r->path_names.push_back(tinyml::arch::Generic::kName);
    r->path_diffs.push_back(run_path(in, c, p, [&] { return in.template invoke_with<tinyml::arch::Generic>(); }));
  }
  if (!c.tensors.empty()) {
    r->iso_paths.push_back(A::kName);
    r->isolated.push_back(run_isolated<A>(in, c, p, model));
    if (with_generic && !std::is_same_v<A, tinyml::arch::Generic>) {
      r->iso_paths.push_back(tinyml::arch::Generic::kName);
      r->isolated.push_back(run_isolated<tinyml::arch::Generic>(in, c, p, model));
    }
  }
}

/// Loads `c` into an interpreter of arch A (arena of exactly the size it asks for) and runs every
/// path that interpreter can run: A itself and, if `with_generic`, the reference.
template <class A>
void run_arch(const Case& c, const Bytes& p, bool with_generic, Outcome* r) {
  using In = tinyml::Interpreter<tinyml::DefaultOps, A>;
  Bytes model = make_bytes(c.model.size);
  std::memcpy(model.data(), p.data() + c.model.off, c.model.size);
  static Bytes big = make_bytes(64u << 20);
  In in;
  r->status = in.init(model.data(), model.size, big.data(), 64u << 20);
  if (r->status == tinyml::Status::kOk) {
    const std::size_t need = in.arena_bytes_needed();
    Bytes arena = make_bytes(need);
    r->status = in.init(model.data(), model.size, arena.data(), need);
    if (r->status == tinyml::Status::kOk) {
      r->loaded = true;
      run_loaded(in, c, p, model, with_generic, r);
      return;
    }
  }
  r->init_error = std::string(tinyml::to_string(r->status)) + ": " + in.error_message();
}

Outcome run_case(const Case& c, const Bytes& p) {
  Outcome r;
  run_arch<tinyml::arch::Native>(c, p, true, &r);
#if defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)
  // An AVX-512 build also compiles the AVX2 kernels its tag inherits from: run them too.
  if constexpr (std::is_same_v<tinyml::arch::Native, tinyml::arch::Avx512>) {
    if (r.loaded) {
      Outcome r2;
      run_arch<tinyml::arch::Avx2>(c, p, false, &r2);
      for (std::size_t i = 0; i < r2.path_names.size(); ++i) {
        r.path_names.push_back(r2.path_names[i]);
        r.path_diffs.push_back(r2.path_diffs[i]);
      }
      if (!r2.loaded) {
        r.path_names.push_back("avx2");
        r.path_diffs.push_back("refused: " + r2.init_error);
      }
    }
  }
#endif
  return r;
}

struct Tally {
  int cases = 0, loaded = 0, refused = 0, expected_refusals = 0;
  std::map<std::string, int> path_pass;  // by path name
  int all_pass = 0;
};

std::map<std::string, Tally>& op_tallies() {
  static std::map<std::string, Tally> t;
  return t;
}

/// Ops of the networks run in isolation: per op name, per path, ops run and ops identical.
std::map<std::string, std::map<std::string, std::pair<int, int>>>& iso_tallies() {
  static std::map<std::string, std::map<std::string, std::pair<int, int>>> t;
  return t;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string tally_line(const std::string& label, const Tally& t) {
  std::ostringstream s;
  s << label << ": " << t.cases << " cases, " << t.loaded << " loaded";
  if (t.refused > 0) s << ", " << t.refused << " refused unexpectedly";
  if (t.expected_refusals > 0) s << ", " << t.expected_refusals << " expected refusals";
  for (const auto& [path, n] : t.path_pass) s << ", " << path << " " << n << "/" << t.loaded << " identical";
  s << "; pass " << t.all_pass << "/" << t.cases;
  return s.str();
}

void run_group(const std::string& group) {
  const std::string only = env("TINYML_CORPUS_CASE");
  const bool verbose = !env("TINYML_CORPUS_VERBOSE").empty();
  Tally g;
  int failures = 0;
  const double float_error_before = max_float_error();
  max_float_error() = 0.0;
  for (const Case& c : all_cases()) {
    if (c.group != group || (!only.empty() && c.name.find(only) == std::string::npos)) continue;
    const Bytes& p = pack(c.pack);
    bool in_range = blob_in_range(p, c.model);
    for (const Blob& b : c.in) in_range = in_range && blob_in_range(p, b);
    for (const Blob& b : c.out) in_range = in_range && blob_in_range(p, b);
    for (const Tensor& t : c.tensors) in_range = in_range && blob_in_range(p, t.blob);
    ++g.cases;
    std::string fail;
    Outcome r;
    if (!in_range) {
      fail = "blob outside " + c.pack;
    } else {
      r = run_case(c, p);
      if (!r.loaded) {
        if (c.expect_refused()) {
          ++g.expected_refusals;
        } else {
          ++g.refused;
          fail = "refused at init: " + r.init_error;
        }
      } else if (!r.io_error.empty()) {
        fail = r.io_error;
      } else if (c.expect_refused() && c.out.empty()) {
        fail = "accepted a model LiteRT refuses (" + c.flags + ")";
      } else {
        ++g.loaded;
        for (std::size_t i = 0; i < r.path_names.size(); ++i) {
          if (r.path_diffs[i].empty()) {
            ++g.path_pass[r.path_names[i]];
          } else {
            fail += (fail.empty() ? "" : " | ") + r.path_names[i] + " path: " + r.path_diffs[i];
          }
        }
        if (!fail.empty() && c.expect_refused()) fail = "accepted (" + c.flags + ") and differs: " + fail;
      }
    }
    if (fail.empty()) ++g.all_pass;
    for (const std::string& op : split(c.ops, ',')) {
      Tally& t = op_tallies()[op];
      ++t.cases;
      if (r.loaded) ++t.loaded;
      if (!r.loaded && !c.expect_refused()) ++t.refused;
      if (!r.loaded && c.expect_refused()) ++t.expected_refusals;
      if (r.loaded && r.io_error.empty()) {
        for (std::size_t i = 0; i < r.path_names.size(); ++i) {
          if (r.path_diffs[i].empty()) ++t.path_pass[r.path_names[i]];
        }
      }
      if (fail.empty()) ++t.all_pass;
    }
    std::string iso_first;
    for (std::size_t k = 0; k < r.isolated.size(); ++k) {
      for (const Isolated& x : r.isolated[k]) {
        auto& cell = iso_tallies()[x.op][r.iso_paths[k]];
        ++cell.first;
        if (x.identical) {
          ++cell.second;
        } else if (iso_first.empty()) {
          iso_first = r.iso_paths[k] + ": " + x.diff;
        }
      }
    }
    if (!fail.empty() && !iso_first.empty()) fail += "\n    first op differing in isolation (" + iso_first + ")";
    if (!fail.empty()) {
      ++failures;
      if (verbose || failures <= 10) {
        FAIL_CHECK(c.name << " [" << c.ops << "] " << fail << "\n    case: " << c.desc);
      }
    }
  }
  MESSAGE(tally_line("group " + group, g));
  if (max_float_error() > 0.0) {
    MESSAGE("group " << group << ": float32 outputs off by up to " << max_float_error()
                     << " x max(1, max |want|) (tolerance " << kFloatTolerance << ")");
  }
  max_float_error() = std::max(max_float_error(), float_error_before);
  const std::string more =
      verbose || failures <= 10 ? "" : " (first 10 shown; TINYML_CORPUS_VERBOSE=1 for all)";
  CHECK_MESSAGE(failures == 0, failures << " failing case(s) in group " << group << more);
  if (only.empty()) CHECK(g.cases > 0);
}

}  // namespace

TEST_CASE("corpus: index and packs are consistent") {
  const std::vector<Case>& cases = all_cases();
  REQUIRE(!cases.empty());
  std::set<std::string> names;
  std::size_t bad = 0;
  for (const Case& c : cases) {
    if (!names.insert(c.name).second) FAIL_CHECK("duplicate case name " << c.name);
    const Bytes& p = pack(c.pack);
    bool ok = blob_in_range(p, c.model) && c.model.off % 16 == 0;
    for (const Blob& b : c.in) ok = ok && blob_in_range(p, b);
    for (const Blob& b : c.out) ok = ok && blob_in_range(p, b);
    for (const Tensor& t : c.tensors) ok = ok && blob_in_range(p, t.blob);
    if (!ok && ++bad <= 5) FAIL_CHECK("case " << c.name << ": blob outside " << c.pack << " or misaligned");
  }
  MESSAGE(cases.size() << " cases; native arch: " << std::string(tinyml::arch::Native::kName));
}

TEST_CASE("corpus: CONV_2D") { run_group("conv2d"); }
TEST_CASE("corpus: DEPTHWISE_CONV_2D") { run_group("depthwise_conv2d"); }
TEST_CASE("corpus: FULLY_CONNECTED") { run_group("fully_connected"); }
TEST_CASE("corpus: AVERAGE_POOL_2D") { run_group("average_pool2d"); }
TEST_CASE("corpus: MAX_POOL_2D") { run_group("max_pool2d"); }
TEST_CASE("corpus: ADD") { run_group("add"); }
TEST_CASE("corpus: SOFTMAX") { run_group("softmax"); }
TEST_CASE("corpus: RESHAPE") { run_group("reshape"); }
TEST_CASE("corpus: QUANTIZE") { run_group("quantize"); }
TEST_CASE("corpus: DEQUANTIZE") { run_group("dequantize"); }
TEST_CASE("corpus: multi-op networks") { run_group("net"); }
TEST_CASE("corpus: models tinyml must refuse") { run_group("refused"); }

// Groups of the op families added later (activations, binary, data movement, reduce, ...): every
// group in the index that is not one of the core groups above, each tallied on its own.
TEST_CASE("corpus: op-family groups") {
  const std::set<std::string> core(std::begin(kGroups), std::end(kGroups));
  std::vector<std::string> extra;
  for (const Case& c : all_cases()) {
    if (core.count(c.group) == 0 &&
        std::find(extra.begin(), extra.end(), c.group) == extra.end()) {
      extra.push_back(c.group);
    }
  }
  for (const std::string& g : extra) run_group(g);
}

TEST_CASE("corpus: per-op summary (cases containing the op, over the groups run)") {
  MESSAGE("float32 outputs: largest |got - want| / max(1, max |want|) " << max_float_error()
                                                                  << " (tolerance " << kFloatTolerance << ")");
  std::string all;
  for (const auto& [op, t] : op_tallies()) all += "\n  " + tally_line(op, t);
  MESSAGE("per op:" << all);
  std::string iso;
  for (const auto& [op, paths] : iso_tallies()) {
    iso += "\n  " + op + ":";
    for (const auto& [path, cell] : paths) {
      iso += " " + path + " " + std::to_string(cell.second) + "/" + std::to_string(cell.first);
    }
  }
  if (!iso.empty()) MESSAGE("ops of the networks run alone on LiteRT's inputs (identical/run):" << iso);
}
