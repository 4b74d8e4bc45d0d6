// SPDX-License-Identifier: Apache-2.0
// Corrupted-model corpus, byte level: every truncation of the digits model (and a stride of
// truncations of each shared model), then seeded byte flips, bursts and "interesting value"
// overwrites. A corrupted model must be refused with a message, or, if it is still a valid model,
// load and invoke without crashing. Cases run in forked children (loader_support.hpp), so a crash
// or sanitizer abort is reported with the mutation that caused it.

#include <cinttypes>
#include <string>
#include <vector>

#include "loader_support.hpp"

namespace {

using namespace tinyml_test::loader;

/// Bytes of the file that are not constant tensor data: where a flip changes structure rather
/// than a weight. Stored as disjoint [lo, hi) intervals with a running total for uniform picks.
struct Structure {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t total = 0;

  std::size_t pick(Rng& r) const {
    std::size_t k = r.below(total);
    for (const auto& s : spans) {
      if (k < s.second - s.first) return s.first + k;
      k -= s.second - s.first;
    }
    return 0;
  }
};

Structure structure_of(const ExactBytes& bytes) {
  std::vector<std::pair<std::size_t, std::size_t>> data;
  const fbs::Model* m = fbs::GetModel(bytes.data());
  if (m->buffers() != nullptr) {
    for (const fbs::Buffer* b : *m->buffers()) {
      if (b->data() == nullptr || b->data()->size() < 64) continue;  // small ones: keep
      const std::size_t lo = static_cast<std::size_t>(b->data()->data() - bytes.data());
      data.emplace_back(lo, lo + b->data()->size());
    }
  }
  std::sort(data.begin(), data.end());
  Structure s;
  std::size_t at = 0;
  for (const auto& d : data) {
    if (d.first > at) s.spans.emplace_back(at, d.first);
    at = std::max(at, d.second);
  }
  if (at < bytes.size()) s.spans.emplace_back(at, bytes.size());
  for (const auto& sp : s.spans) s.total += sp.second - sp.first;
  return s;
}

constexpr std::uint32_t kInteresting32[] = {
    0u, 1u, 2u, 4u, 8u, 0x7Fu, 0x80u, 0xFFu, 0x100u, 0x7FFFu, 0x8000u, 0xFFFFu, 0x10000u,
    0x40000000u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFF0u};
constexpr std::uint16_t kInteresting16[] = {0, 1, 2, 4, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF};

/// Applies mutation number `seed` to `b`. Positions come from the structural spans with
/// probability 7/8 (`s` non-empty), else from anywhere. `desc` (optional) receives a description.
void mutate(std::uint64_t seed, std::uint8_t* b, std::size_t size, const Structure& s,
            std::string* desc) {
  Rng r(seed);
  auto pos = [&]() -> std::size_t {
    return (s.total > 0 && r.below(8) != 0) ? s.pick(r) : r.below(size);
  };
  char tmp[96];
  auto note = [&](const char* fmt, auto... args) {
    if (desc == nullptr) return;
    std::snprintf(tmp, sizeof tmp, fmt, args...);
    *desc += tmp;
  };
  const std::size_t kind = r.below(6);
  switch (kind) {
    case 0: {  // one byte, xor a non-zero mask
      const std::size_t p = pos();
      const auto mask = static_cast<std::uint8_t>(1 + r.below(255));
      b[p] ^= mask;
      note("xor byte @%zu ^0x%02x", p, mask);
      break;
    }
    case 1: {  // several scattered bytes
      const std::size_t k = 2 + r.below(7);
      note("xor %zu bytes:", k);
      for (std::size_t i = 0; i < k; ++i) {
        const std::size_t p = pos();
        const auto mask = static_cast<std::uint8_t>(1 + r.below(255));
        b[p] ^= mask;
        note(" @%zu^0x%02x", p, mask);
      }
      break;
    }
    case 2: {  // a burst of random bytes
      const std::size_t p = pos();
      const std::size_t n = std::min<std::size_t>(2 + r.below(15), size - p);
      for (std::size_t i = 0; i < n; ++i) b[p + i] = static_cast<std::uint8_t>(r.next());
      note("random burst @%zu len %zu", p, n);
      break;
    }
    case 3: {  // an aligned 32-bit word (offsets, lengths, indices, ints) := interesting value
      const std::size_t p = pos() & ~std::size_t{3};
      if (p + 4 > size) break;
      const std::uint32_t v = kInteresting32[r.below(sizeof kInteresting32 / 4)];
      std::memcpy(b + p, &v, 4);
      note("u32 @%zu := 0x%08" PRIx32, p, v);
      break;
    }
    case 4: {  // an aligned 16-bit word (vtable entries) := interesting value
      const std::size_t p = pos() & ~std::size_t{1};
      if (p + 2 > size) break;
      const std::uint16_t v = kInteresting16[r.below(sizeof kInteresting16 / 2)];
      std::memcpy(b + p, &v, 2);
      note("u16 @%zu := 0x%04x", p, static_cast<unsigned>(v));
      break;
    }
    default: {  // an aligned 32-bit word nudged by a small delta (offsets moved a little)
      const std::size_t p = pos() & ~std::size_t{3};
      if (p + 4 > size) break;
      std::uint32_t v = 0;
      std::memcpy(&v, b + p, 4);
      const auto delta = static_cast<std::int32_t>(r.below(33)) - 16;
      v += static_cast<std::uint32_t>(delta);
      std::memcpy(b + p, &v, 4);
      note("u32 @%zu += %d", p, static_cast<int>(delta));
      break;
    }
  }
}

/// Tallies a corpus run and reports at most kMaxReports offending cases in detail.
struct Tally {
  std::size_t refused = 0, accepted = 0, crashed = 0, not_run = 0, silent = 0;
  int reports = 0;
  static constexpr int kMaxReports = 30;
};

/// Checks one result: never a crash; a refusal must carry a message; `must_fail` cases must not
/// load.
void judge(const CaseResult& r, bool must_fail, const std::function<std::string()>& describe,
           Tally* t) {
  auto report = [&](const std::string& what) {
    if (t->reports++ < Tally::kMaxReports) FAIL_CHECK(describe() << ": " << what);
  };
  if (r.state == CaseResult::kNotRun) {
    ++t->not_run;
    return;
  }
  if (r.state == CaseResult::kCrashed) {
    ++t->crashed;
    report(describe_crash(r));
    return;
  }
  if (r.ok()) {
    ++t->accepted;
    if (must_fail) report("accepted (init returned Ok)");
    return;
  }
  ++t->refused;
  if (r.message[0] == '\0') {
    ++t->silent;
    report(std::string("refused with ") + tinyml::to_string(r.init_status()) +
           " but an empty error_message()");
  }
}

void summarize(const std::string& what, std::size_t n, const Tally& t) {
  MESSAGE(what << ": " << n << " cases, " << t.refused << " refused, " << t.accepted
               << " loaded+invoked, " << t.crashed << " crashed, " << t.silent
               << " refused silently, " << t.not_run << " not run");
  CHECK(t.crashed == 0);
  CHECK(t.silent == 0);
  CHECK(t.not_run == 0);
}

// ---- truncation ---------------------------------------------------------------------------

void truncations(const std::string& name, const ExactBytes& full, std::vector<std::size_t> lengths) {
  const auto results = run_isolated(lengths.size(), [&](std::size_t i, CaseResult& r) {
    const ExactBytes cut(full.data(), lengths[i]);
    load_case(cut.data(), lengths[i], /*invoke=*/true, -1, &r);
  });
  Tally t;
  for (std::size_t i = 0; i < results.size(); ++i) {
    judge(results[i], /*must_fail=*/true,
          [&] { return name + " truncated to " + std::to_string(lengths[i]) + " of " +
                       std::to_string(full.size()) + " bytes"; },
          &t);
  }
  summarize(name + " truncations", lengths.size(), t);
  CHECK(t.accepted == 0);
}

TEST_CASE("corpus: every truncation of the digits model is refused") {
  const ExactBytes full = read_exact(digits_path());
  REQUIRE_FALSE(full.empty());
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n < full.size(); ++n) lengths.push_back(n);
  truncations("digits_cnn_int8", full, lengths);
}

TEST_CASE("corpus: truncations of the shared models are refused") {
  for (const std::string& p : shared_models_or_skip("truncations of shared models")) {
    const ExactBytes full = read_exact(p);
    REQUIRE_FALSE(full.empty());
    // Every length below 512, then about 400 more spread over the file (stride >= 61).
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n < std::min<std::size_t>(512, full.size()); ++n) lengths.push_back(n);
    const std::size_t stride = std::max<std::size_t>(61, full.size() / fuzz_count(400));
    for (std::size_t n = 512; n < full.size(); n += stride) lengths.push_back(n);
    lengths.push_back(full.size() - 1);
    truncations(stem(p), full, lengths);
  }
}

// ---- flips --------------------------------------------------------------------------------

/// Runs `n` seeded mutations of `orig`. Also counts models tinyml loads although flatc's
/// verifier for our subset schema rejects them (informative: tinyml verifies only what it reads).
void flips(const std::string& name, const ExactBytes& orig, std::uint64_t seed0, std::size_t n) {
  const Structure s = structure_of(orig);
  const auto results = run_isolated(n, [&](std::size_t i, CaseResult& r) {
    ExactBytes b(orig.data(), orig.size());
    mutate(seed0 + i, b.data(), b.size(), s, nullptr);
    load_case(b.data(), b.size(), /*invoke=*/true, -1, &r);
  });
  auto describe = [&](std::size_t i) {
    std::string d = name + " mutation seed " + std::to_string(seed0 + i) + ": ";
    ExactBytes b(orig.data(), orig.size());
    mutate(seed0 + i, b.data(), b.size(), s, &d);
    return d;
  };
  Tally t;
  std::size_t lax = 0;
  for (std::size_t i = 0; i < n; ++i) {
    judge(results[i], /*must_fail=*/false, [&] { return describe(i); }, &t);
    if (results[i].state == CaseResult::kDone && results[i].ok()) {
      ExactBytes b(orig.data(), orig.size());
      mutate(seed0 + i, b.data(), b.size(), s, nullptr);
      flatbuffers::Verifier v(b.data(), b.size());
      if (!fbs::VerifyModelBuffer(v)) {
        if (lax < 3) MESSAGE("note: loaded although flatc's verifier rejects it: " << describe(i));
        ++lax;
      }
    }
  }
  summarize(name + " mutations", n, t);
  // Expected for fields tinyml never reads (e.g. quantization min/max): it verifies only what it
  // reads, flatc verifies every field of the subset schema.
  if (lax > 0) {
    MESSAGE(name << ": " << lax << " loaded models fail flatc's subset verifier (unread fields)");
  }
}

TEST_CASE("corpus: every byte of the digits model flipped (masks 0x01, 0x80, 0xFF)") {
  const ExactBytes orig = read_exact(digits_path());
  REQUIRE_FALSE(orig.empty());
  constexpr std::uint8_t kMasks[] = {0x01, 0x80, 0xFF};
  const std::size_t n = orig.size() * 3;
  const auto results = run_isolated(n, [&](std::size_t i, CaseResult& r) {
    ExactBytes b(orig.data(), orig.size());
    b.data()[i / 3] ^= kMasks[i % 3];
    load_case(b.data(), b.size(), /*invoke=*/true, -1, &r);
  });
  Tally t;
  for (std::size_t i = 0; i < n; ++i) {
    judge(results[i], /*must_fail=*/false,
          [&] {
            char d[96];
            std::snprintf(d, sizeof d, "digits byte @%zu ^0x%02x", i / 3,
                          static_cast<unsigned>(kMasks[i % 3]));
            return std::string(d);
          },
          &t);
  }
  summarize("digits exhaustive byte flips", n, t);
}

TEST_CASE("corpus: seeded random mutations of the digits model") {
  const ExactBytes orig = read_exact(digits_path());
  REQUIRE_FALSE(orig.empty());
  flips("digits_cnn_int8", orig, 0x5EED0000u, fuzz_count(12000));
}

TEST_CASE("corpus: seeded random mutations of the shared models") {
  std::uint64_t seed = 0xA11CE000u;
  for (const std::string& p : shared_models_or_skip("mutations of shared models")) {
    const ExactBytes orig = read_exact(p);
    REQUIRE_FALSE(orig.empty());
    flips(stem(p), orig, seed, fuzz_count(600));
    seed += 0x100000u;
  }
}

}  // namespace
