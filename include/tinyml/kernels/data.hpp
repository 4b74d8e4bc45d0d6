// SPDX-License-Identifier: Apache-2.0
// Data-movement kernels. They never look at values, only move elements of 1, 2, 4 or 8 bytes, so
// one kernel serves every tensor type:
//   StridedCopy  up to 6 nested loops with arbitrary (also negative) source steps: SLICE,
//                STRIDED_SLICE, TRANSPOSE and the interior of PAD/PADV2
//   fill         a repeated element: the border of PAD/PADV2
//   copy_blocks  `count` equal blocks between two strided layouts: CONCATENATION, PACK, SPLIT,
//                SPLIT_V, UNPACK
//   MirrorPad    REFLECT / SYMMETRIC border as TFLite's mirror_pad.cc indexes it
//   Gather       GATHER with batch dimensions
// Contract: plans and arguments come from the ops' prepare, which checked every index against
// the tensor sizes; the kernels do no checking of their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tinyml/arch/tags.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {

inline constexpr int kMaxCopyRank = 6;

/// dst[dst_offset + sum_d i_d * dst_step[d]] = src[src_offset + sum_d i_d * src_step[d]] for every
/// i_d in [0, count[d]), d outermost first. Offsets and steps count elements of `elem` bytes.
struct CopyPlan {
  std::int32_t rank = 0;
  std::int32_t count[kMaxCopyRank] = {};
  std::int64_t src_step[kMaxCopyRank] = {};
  std::int64_t dst_step[kMaxCopyRank] = {};
  std::int64_t src_offset = 0, dst_offset = 0;
  std::uint32_t elem = 1;

  /// Appends an inner loop (callers add at most kMaxCopyRank).
  void push(std::int32_t n, std::int64_t s_step, std::int64_t d_step) noexcept {
    count[rank] = n;
    src_step[rank] = s_step;
    dst_step[rank] = d_step;
    ++rank;
  }

  /// Drops loops of one iteration and merges a loop into its outer neighbour where both steps
  /// nest, so contiguous runs become one long inner loop. Same copy, fewer iterations.
  void simplify() noexcept {
    CopyPlan q = *this;
    q.rank = 0;
    for (int d = 0; d < rank; ++d) {
      if (count[d] == 1) continue;
      if (q.rank > 0) {
        const int o = q.rank - 1;
        if (q.src_step[o] == src_step[d] * count[d] && q.dst_step[o] == dst_step[d] * count[d]) {
          q.count[o] *= count[d];  // both fit: their product is at most a tensor's element count
          q.src_step[o] = src_step[d];
          q.dst_step[o] = dst_step[d];
          continue;
        }
      }
      q.push(count[d], src_step[d], dst_step[d]);
    }
    *this = q;
  }
};

namespace detail {
template <class T>
inline void copy_row(const std::uint8_t* s, std::uint8_t* d, std::int32_t n, std::int64_t ss,
                     std::int64_t ds) noexcept {
  for (std::int32_t i = 0; i < n; ++i) {
    std::memcpy(d, s, sizeof(T));  // one load/store: fixed-size memcpy keeps it alias-safe
    s += ss * static_cast<std::int64_t>(sizeof(T));
    d += ds * static_cast<std::int64_t>(sizeof(T));
  }
}

inline void copy_row(const std::uint8_t* s, std::uint8_t* d, std::int32_t n, std::int64_t ss,
                     std::int64_t ds, std::uint32_t elem) noexcept {
  if (ss == 1 && ds == 1) {
    std::memcpy(d, s, static_cast<std::size_t>(n) * elem);
    return;
  }
  switch (elem) {
    case 1:
      copy_row<std::uint8_t>(s, d, n, ss, ds);
      break;
    case 2:
      copy_row<std::uint16_t>(s, d, n, ss, ds);
      break;
    case 4:
      copy_row<std::uint32_t>(s, d, n, ss, ds);
      break;
    default:
      copy_row<std::uint64_t>(s, d, n, ss, ds);
      break;
  }
}
}  // namespace detail

template <class Arch>
struct StridedCopy : StridedCopy<typename Arch::Parent> {};

template <>
struct StridedCopy<arch::Generic> {
  using ImplArch = arch::Generic;
  static void run(const CopyPlan& p, const void* src, void* dst) noexcept {
    const std::int64_t e = p.elem;
    const auto* s = static_cast<const std::uint8_t*>(src) + p.src_offset * e;
    auto* d = static_cast<std::uint8_t*>(dst) + p.dst_offset * e;
    if (p.rank == 0) {
      std::memcpy(d, s, p.elem);
      return;
    }
    const int inner = p.rank - 1;
    std::int32_t idx[kMaxCopyRank] = {};
    std::int64_t so = 0, dof = 0;  // element offsets of the current row
    for (;;) {
      detail::copy_row(s + so * e, d + dof * e, p.count[inner], p.src_step[inner],
                       p.dst_step[inner], p.elem);
      int k = inner - 1;
      for (; k >= 0; --k) {  // odometer over the outer loops
        so += p.src_step[k];
        dof += p.dst_step[k];
        if (++idx[k] < p.count[k]) break;
        so -= p.src_step[k] * p.count[k];
        dof -= p.dst_step[k] * p.count[k];
        idx[k] = 0;
      }
      if (k < 0) return;
    }
  }
};

/// Writes `n` copies of the `elem`-byte value at `value`.
inline void fill(void* dst, std::int64_t n, const void* value, std::uint32_t elem) noexcept {
  auto* d = static_cast<std::uint8_t*>(dst);
  if (elem == 1) {
    std::memset(d, *static_cast<const std::uint8_t*>(value), static_cast<std::size_t>(n));
    return;
  }
  for (std::int64_t i = 0; i < n; ++i) std::memcpy(d + i * elem, value, elem);
}

/// count times: copy `block` bytes, then advance src by src_stride and dst by dst_stride bytes.
inline void copy_blocks(const void* src, std::int64_t src_stride, void* dst,
                        std::int64_t dst_stride, std::int64_t block, std::int64_t count) noexcept {
  const auto* s = static_cast<const std::uint8_t*>(src);
  auto* d = static_cast<std::uint8_t*>(dst);
  for (std::int64_t i = 0; i < count; ++i) {
    std::memcpy(d + i * dst_stride, s + i * src_stride, static_cast<std::size_t>(block));
  }
}

/// MIRROR_PAD: output [out_dims] from input [in_dims] with `before[d]` mirrored elements ahead of
/// each dim; `offset` 1 = REFLECT (edge not repeated), 0 = SYMMETRIC (edge repeated). Every
/// padding is at most in_dims[d] - offset (checked at prepare).
struct MirrorPadArgs {
  std::int32_t rank = 0;
  std::int32_t in_dims[kMaxCopyRank] = {};
  std::int32_t out_dims[kMaxCopyRank] = {};
  std::int32_t before[kMaxCopyRank] = {};
  std::int32_t offset = 0;
  std::uint32_t elem = 1;
};

template <class Arch>
struct MirrorPad : MirrorPad<typename Arch::Parent> {};

template <>
struct MirrorPad<arch::Generic> {
  using ImplArch = arch::Generic;
  /// Input coordinate of output coordinate o along a dim of n elements with `before` padding.
  static constexpr std::int32_t source(std::int32_t o, std::int32_t before, std::int32_t n,
                                       std::int32_t offset) noexcept {
    return o < before ? before + offset - 1 - o
                      : (o - before < n ? o - before : 2 * n - 1 - offset - (o - before));
  }
  static void run(const MirrorPadArgs& a, const void* src, void* dst) noexcept {
    const auto* s = static_cast<const std::uint8_t*>(src);
    auto* d = static_cast<std::uint8_t*>(dst);
    std::int64_t in_stride[kMaxCopyRank];
    std::int64_t rows = 1;
    for (int k = a.rank - 1, st = 1; k >= 0; --k) {
      in_stride[k] = st;
      st *= a.in_dims[k];
    }
    for (int k = 0; k + 1 < a.rank; ++k) rows *= a.out_dims[k];
    const int last = a.rank - 1;
    std::int32_t idx[kMaxCopyRank] = {};
    for (std::int64_t r = 0; r < rows; ++r) {
      std::int64_t base = 0;
      for (int k = 0; k < last; ++k) {
        base += source(idx[k], a.before[k], a.in_dims[k], a.offset) * in_stride[k];
      }
      for (std::int32_t o = 0; o < a.out_dims[last]; ++o) {
        const std::int64_t i = base + source(o, a.before[last], a.in_dims[last], a.offset);
        std::memcpy(d, s + i * a.elem, a.elem);
        d += a.elem;
      }
      for (int k = last - 1; k >= 0; --k) {  // odometer over the outer dims
        if (++idx[k] < a.out_dims[k]) break;
        idx[k] = 0;
      }
    }
  }
};

/// GATHER: params viewed as [batch, outer, axis_size, inner], indices as [batch, coords];
/// out[b][o][i][:] = params[b][o][indices[b][i]][:]. Indices outside [0, axis_size) (possible only
/// for non-constant indices; TFLite fails the invoke there) give a zero block.
struct GatherArgs {
  std::int64_t batch = 1, outer = 1, coords = 1, inner = 1;
  std::int32_t axis_size = 1;
  std::uint32_t elem = 1;
  bool index64 = false;
};

template <class Arch>
struct Gather : Gather<typename Arch::Parent> {};

template <>
struct Gather<arch::Generic> {
  using ImplArch = arch::Generic;
  static void run(const GatherArgs& a, const void* params, const void* indices,
                  void* out) noexcept {
    const auto* p = static_cast<const std::uint8_t*>(params);
    auto* d = static_cast<std::uint8_t*>(out);
    const std::int64_t block = a.inner * a.elem;
    for (std::int64_t b = 0; b < a.batch; ++b) {
      for (std::int64_t o = 0; o < a.outer; ++o) {
        const std::uint8_t* slab = p + (b * a.outer + o) * a.axis_size * block;
        for (std::int64_t i = 0; i < a.coords; ++i) {
          const std::int64_t k = b * a.coords + i;
          std::int64_t at;
          if (a.index64) {
            std::memcpy(&at, static_cast<const std::uint8_t*>(indices) + k * 8, 8);
          } else {
            std::int32_t v;
            std::memcpy(&v, static_cast<const std::uint8_t*>(indices) + k * 4, 4);
            at = v;
          }
          if (at >= 0 && at < a.axis_size) {
            std::memcpy(d, slab + at * block, static_cast<std::size_t>(block));
          } else {
            std::memset(d, 0, static_cast<std::size_t>(block));
          }
          d += block;
        }
      }
    }
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml
