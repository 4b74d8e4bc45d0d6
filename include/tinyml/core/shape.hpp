// SPDX-License-Identifier: Apache-2.0
// A small fixed-capacity tensor shape (rank <= kMaxRank) with overflow-checked products.
#pragma once

#include <cstdint>

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {

inline constexpr int kMaxRank = 6;

struct Shape {
  std::int32_t rank = 0;
  std::int32_t dims[kMaxRank] = {};

  constexpr std::int32_t operator[](int i) const noexcept { return dims[i]; }
  /// Element count; callers only build shapes whose product was checked to fit int32.
  constexpr std::int64_t elements() const noexcept {
    std::int64_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[i];
    return n;
  }
  constexpr bool operator==(const Shape& o) const noexcept {
    if (rank != o.rank) return false;
    for (int i = 0; i < rank; ++i) {
      if (dims[i] != o.dims[i]) return false;
    }
    return true;
  }
  constexpr bool operator!=(const Shape& o) const noexcept { return !(*this == o); }
};

}  // namespace TINYML_ABI
}  // namespace tinyml
