// SPDX-License-Identifier: Apache-2.0
// Planner invariants on random lifetime sets: no two simultaneously-live buffers overlap, offsets
// are aligned, and the reported total is the true extent and at least the peak live bytes.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "doctest_config.hpp"
#include "tinyml/planner/greedy_planner.hpp"

namespace p = tinyml::planner;

namespace {
void check_plan(const std::vector<p::PlanEntry>& e, std::uint64_t total, std::uint32_t align) {
  std::uint64_t extent = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i].size == 0) continue;
    REQUIRE(e[i].offset % align == 0);
    extent = std::max<std::uint64_t>(extent, e[i].offset + p::align_up(e[i].size, align));
    for (std::size_t j = i + 1; j < e.size(); ++j) {
      if (e[j].size == 0 || !p::lifetimes_overlap(e[i], e[j])) continue;
      const bool disjoint = e[i].offset + e[i].size <= e[j].offset ||
                            e[j].offset + e[j].size <= e[i].offset;
      REQUIRE_MESSAGE(disjoint, "buffers " << i << " and " << j << " overlap while both live");
    }
  }
  REQUIRE(total == extent);
  // Lower bound: at every step the live buffers need their bytes side by side.
  int last = 0;
  for (const auto& b : e) last = std::max(last, b.last);
  for (int t = 0; t <= last; ++t) {
    std::uint64_t live = 0;
    for (const auto& b : e) {
      if (b.size > 0 && b.first <= t && t <= b.last) live += p::align_up(b.size, align);
    }
    REQUIRE(total >= live);
  }
}
}  // namespace

TEST_CASE("greedy planner: chain reuses memory optimally") {
  // A -> B -> C -> D, each read only by the next op: two buffers suffice at any time.
  std::vector<p::PlanEntry> e = {{100, 0, 1, 0}, {100, 1, 2, 0}, {100, 2, 3, 0}, {100, 3, 4, 0}};
  const std::uint64_t total = p::greedy_plan(e.data(), e.size(), 16);
  check_plan(e, total, 16);
  CHECK(total == 2 * 112);
}

TEST_CASE("greedy planner: zero-size entries are ignored and empty plans are 0") {
  std::vector<p::PlanEntry> e = {{0, 0, 5, 0}, {0, 1, 2, 0}};
  CHECK(p::greedy_plan(e.data(), e.size(), 16) == 0);
  CHECK(p::greedy_plan(nullptr, 0, 16) == 0);
}

TEST_CASE("greedy planner: random lifetime sets never overlap live buffers") {
  std::mt19937 rng(1234);
  for (int round = 0; round < 400; ++round) {
    const std::size_t n = 1 + rng() % 60;
    const int steps = 1 + static_cast<int>(rng() % 40);
    std::vector<p::PlanEntry> e(n);
    for (auto& b : e) {
      b.size = (rng() % 4 == 0) ? 0 : 1 + rng() % 5000;
      b.first = static_cast<int>(rng() % static_cast<unsigned>(steps));
      b.last = b.first + static_cast<int>(rng() % 6);
    }
    const std::uint32_t align = 1u << (rng() % 5);
    const std::uint64_t total = p::greedy_plan(e.data(), e.size(), align);
    check_plan(e, total, align);
  }
}
