// SPDX-License-Identifier: Apache-2.0
// Misaligned model bytes and arenas, null/short arguments, and arena sizing: the exact size the
// interpreter reports must work (and compute the same outputs as a generous arena), one byte less
// must fail with kArenaTooSmall naming the required byte count, and every smaller size must fail
// cleanly. Arenas are allocated with exactly the size passed, so ASan sees any write past them.

#include <string>
#include <vector>

#include "loader_support.hpp"

namespace {

using namespace tinyml_test::loader;

/// A model tinyml loads, with its exact arena need and the outputs of one invoke.
struct Reference {
  std::string name;
  ExactBytes model;
  std::size_t needed = 0;
  std::vector<std::uint8_t> output;
};

std::vector<std::uint8_t> run_once(Interp& in) {
  fill_inputs(in, -1);
  REQUIRE(in.invoke() == Status::kOk);
  std::vector<std::uint8_t> out;
  for (std::size_t k = 0; k < in.num_outputs(); ++k) {
    const tinyml::TensorRef t = in.output(k);
    const auto* p = static_cast<const std::uint8_t*>(t.data);
    out.insert(out.end(), p, p + t.bytes);
  }
  return out;
}

/// The digits model plus every shared model tinyml can load.
std::vector<Reference> loadable_models() {
  std::vector<std::string> paths = {digits_path()};
  for (const std::string& p : shared_model_paths()) paths.push_back(p);
  std::vector<Reference> out;
  for (const std::string& p : paths) {
    Reference r;
    r.name = stem(p);
    r.model = read_exact(p);
    REQUIRE_FALSE(r.model.empty());
    Interp in;
    if (in.init(r.model.data(), r.model.size(), big_arena(), kBigArena) != Status::kOk) continue;
    r.needed = in.arena_bytes_needed();
    CHECK(in.arena_used_bytes() == r.needed);
    r.output = run_once(in);
    out.push_back(std::move(r));
  }
  return out;
}

TEST_CASE("alignment: model bytes at every non-16-aligned address are refused") {
  const ExactBytes model = read_exact(digits_path());
  REQUIRE_FALSE(model.empty());
  ExactBytes shifted(model.size() + 16);
  for (std::size_t off = 1; off < 16; ++off) {
    INFO("model at base + " << off);
    std::memcpy(shifted.data() + off, model.data(), model.size());
    Interp in;
    const Status s = in.init(shifted.data() + off, model.size(), big_arena(), kBigArena);
    CHECK(s == Status::kMisaligned);
    CHECK(std::string(in.error_message()).find("align") != std::string::npos);
    CHECK(in.invoke() == Status::kBadArgument);
  }
}

TEST_CASE("alignment: arenas at every non-16-aligned address are refused") {
  const ExactBytes model = read_exact(digits_path());
  for (std::size_t off = 1; off < 16; ++off) {
    INFO("arena at base + " << off);
    Interp in;
    const Status s = in.init(model.data(), model.size(), big_arena() + off, kBigArena - 16);
    CHECK(s == Status::kMisaligned);
    CHECK(std::string(in.error_message()).find("align") != std::string::npos);
  }
}

TEST_CASE("arguments: null and tiny inputs are refused with a message") {
  const ExactBytes model = read_exact(digits_path());
  struct Arg {
    const char* what;
    const void* model;
    std::size_t model_size;
    void* arena;
    std::size_t arena_size;
  };
  const Arg args[] = {
      {"null model", nullptr, model.size(), big_arena(), kBigArena},
      {"model size 0", model.data(), 0, big_arena(), kBigArena},
      {"model size 7", model.data(), 7, big_arena(), kBigArena},
      {"null arena", model.data(), model.size(), nullptr, kBigArena},
      {"arena size 0", model.data(), model.size(), big_arena(), 0},
      {"arena size 15", model.data(), model.size(), big_arena(), 15},
  };
  for (const Arg& a : args) {
    INFO(a.what);
    Interp in;
    const Status s = in.init(a.model, a.model_size, a.arena, a.arena_size);
    CHECK(s != Status::kOk);
    CHECK(in.error_message()[0] != '\0');
    CHECK(in.invoke() == Status::kBadArgument);
  }
}

TEST_CASE("arena: the exact size works, one byte less fails naming the size") {
  const std::vector<Reference> models = loadable_models();
  REQUIRE_FALSE(models.empty());
  if (models.size() == 1) {
    (void)shared_models_or_skip("exact arena sizes of shared models");
  }
  std::string list;
  for (const Reference& r : models) list += " " + r.name + "=" + std::to_string(r.needed);
  MESSAGE("exact arena sizes:" << list);
  for (const Reference& r : models) {
    INFO("model: " << r.name << ", needs " << r.needed << " bytes");
    CHECK(r.needed % 16 == 0);
    {
      ExactBytes exact(r.needed);
      Interp in;
      REQUIRE_MESSAGE(in.init(r.model.data(), r.model.size(), exact.data(), r.needed) == Status::kOk,
                      std::string(in.error_message()));
      CHECK(in.arena_used_bytes() == r.needed);
      CHECK(run_once(in) == r.output);  // same outputs as with the generous arena
    }
    {
      ExactBytes less(r.needed - 1);
      Interp in;
      const Status s = in.init(r.model.data(), r.model.size(), less.data(), r.needed - 1);
      CHECK(s == Status::kArenaTooSmall);
      const std::string msg = in.error_message();
      CHECK_MESSAGE(msg.find(std::to_string(r.needed)) != std::string::npos,
                    "message does not name " << r.needed << ": " << msg);
      CHECK(in.arena_bytes_needed() == r.needed);
      CHECK(in.invoke() == Status::kBadArgument);
      // The same interpreter object loads fine afterwards with enough memory.
      ExactBytes exact(r.needed + 7);
      REQUIRE(in.init(r.model.data(), r.model.size(), exact.data(), r.needed + 7) == Status::kOk);
      CHECK(run_once(in) == r.output);
    }
  }
}

TEST_CASE("arena: every smaller size fails cleanly (exactly-sized arenas, forked)") {
  const std::vector<Reference> models = loadable_models();
  for (const Reference& r : models) {
    std::vector<std::size_t> sizes;
    const std::size_t stride = std::max<std::size_t>(1, r.needed / fuzz_count(150));
    for (std::size_t s = 0; s < r.needed; s += stride) sizes.push_back(s);
    for (std::size_t s = r.needed > 40 ? r.needed - 40 : 0; s < r.needed; ++s) sizes.push_back(s);
    const auto results = run_isolated(sizes.size(), [&](std::size_t i, CaseResult& res) {
      ExactBytes arena(sizes[i]);
      Interp in;
      const Status s = in.init(r.model.data(), r.model.size(), arena.data(), sizes[i]);
      res.status = static_cast<std::uint8_t>(s);
      std::snprintf(res.message, sizeof res.message, "%s", in.error_message());
      // Reuse `invoked` for: the reported need exceeds the size given.
      res.invoked = in.arena_bytes_needed() > sizes[i] ? 1 : 0;
    });
    int bad = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const CaseResult& res = results[i];
      const bool good = res.state == CaseResult::kDone &&
                        res.init_status() == Status::kArenaTooSmall && res.message[0] != '\0' &&
                        res.invoked == 1;
      if (!good && bad++ < 10) {
        FAIL_CHECK(r.name << " with a " << sizes[i] << "-byte arena (needs " << r.needed << "): "
                          << (res.state == CaseResult::kDone
                                  ? std::string(tinyml::to_string(res.init_status())) + ": " +
                                        res.message
                                  : describe_crash(res)));
      }
    }
    CHECK_MESSAGE(bad == 0, r.name << ": " << bad << " of " << sizes.size() << " sizes misbehaved");
  }
}

}  // namespace
