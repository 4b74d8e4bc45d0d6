// SPDX-License-Identifier: Apache-2.0
// Activation memory planner: greedy by size over tensor lifetimes.
//
// Design. Every activation (and scratch buffer) is an interval of operator indices [first, last]
// during which its bytes must stay intact. Two buffers whose intervals intersect must not share
// bytes; buffers that are never live together may. Buffers are placed from the largest down (ties
// by index, so the plan is deterministic), each at the lowest offset where it collides with no
// already-placed buffer whose lifetime intersects its own: first fit in offset order. This is the
// heuristic TFLite Micro's GreedyMemoryPlanner uses; it is not optimal in general, but it is
// optimal or near it on the chain-shaped graphs of tiny models.
//
// The planner needs no memory beyond the caller's array: the "already placed" set is implied by
// the ordering key and an unplaced sentinel, which is what lets the interpreter plan inside a
// fixed arena without scratch space. Cost is O(n^2) to order plus, per buffer, one pass over the
// placed buffers per offset jump (each jump skips a conflicting block, so the first conflict-free
// offset found is the lowest one).
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace planner {

/// One buffer to place. `first`/`last` are inclusive operator indices; size 0 buffers are ignored.
struct PlanEntry {
  std::uint32_t size = 0;
  std::int32_t first = 0;
  std::int32_t last = 0;
  std::uint32_t offset = 0;  ///< output
};

constexpr std::uint32_t kUnplaced = 0xFFFFFFFFu;

/// v rounded up to a multiple of `a`, a power of two (a mask: no 64-bit division on 32-bit MCUs).
constexpr std::uint64_t align_up(std::uint64_t v, std::uint64_t a) noexcept {
  return (v + a - 1) & ~(a - 1);
}

/// True if `a` is placed before `b` (larger first, then lower index).
inline bool placed_before(const PlanEntry* e, std::size_t a, std::size_t b) noexcept {
  return e[a].size != e[b].size ? e[a].size > e[b].size : a < b;
}

inline bool lifetimes_overlap(const PlanEntry& a, const PlanEntry& b) noexcept {
  return a.first <= b.last && b.first <= a.last;
}

constexpr std::uint64_t kPlanTooLarge = ~std::uint64_t{0};

/// Assigns offsets (multiples of `align`, a power of two; anything else is treated as 1) to every entry with size > 0 and returns the total
/// bytes the plan spans (0 for no buffers), or kPlanTooLarge if it would exceed 4 GiB.
inline std::uint64_t greedy_plan(PlanEntry* e, std::size_t n, std::uint32_t align) noexcept {
  if (align == 0 || (align & (align - 1)) != 0) align = 1;
  for (std::size_t i = 0; i < n; ++i) e[i].offset = e[i].size > 0 ? kUnplaced : 0;
  std::uint64_t total = 0;
  for (;;) {
    // Next buffer in placement order: the largest unplaced one.
    std::size_t pick = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (e[i].offset == kUnplaced && (pick == n || placed_before(e, i, pick))) pick = i;
    }
    if (pick == n) break;
    const std::uint64_t need = align_up(e[pick].size, align);
    std::uint64_t at = 0;
    bool moved = true;
    while (moved) {
      moved = false;
      for (std::size_t j = 0; j < n; ++j) {
        if (j == pick || e[j].size == 0 || e[j].offset == kUnplaced) continue;
        if (!lifetimes_overlap(e[pick], e[j])) continue;
        const std::uint64_t lo = e[j].offset;
        const std::uint64_t hi = lo + align_up(e[j].size, align);
        if (at < hi && lo < at + need) {
          at = hi;
          moved = true;
        }
      }
    }
    if (at + need > 0xFFFFFFFFull) return kPlanTooLarge;
    e[pick].offset = static_cast<std::uint32_t>(at);
    if (at + need > total) total = at + need;
  }
  return total;
}

}  // namespace planner
}  // namespace TINYML_ABI
}  // namespace tinyml
