// SPDX-License-Identifier: Apache-2.0
// OpSet<Ops...>: the operators a build links, chosen at compile time. Only listed ops are
// instantiated; dispatch at invoke is one indexed call through a constexpr function table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {

namespace detail {
/// Op::accepts(ctx) when the op declares it: several ops may implement one builtin code (e.g. an
/// int8 and a float32 CONV_2D); the first in the set whose accepts() is true runs it.
template <class Op, class = void>
struct HasAccepts : std::false_type {};
template <class Op>
struct HasAccepts<Op, std::void_t<decltype(Op::accepts(
                          std::declval<const runtime::PrepareContext&>()))>> : std::true_type {};
}  // namespace detail

template <class... Ops>
struct OpSet {
  static constexpr std::size_t kCount = sizeof...(Ops);
  static_assert(kCount > 0 && kCount < 255, "an OpSet lists 1..254 ops");

  using PrepareFn = Status (*)(runtime::PrepareContext&, void*);
  using EvalFn = void (*)(const void*, const runtime::EvalContext&);
  using MacsFn = std::uint64_t (*)(const void*);

  template <class Op, class Arch>
  static Status prepare_one(runtime::PrepareContext& c, void* p) noexcept {
    return Op::template prepare<Arch>(c, *static_cast<typename Op::Params*>(p));
  }
  template <class Op, class Arch>
  static void eval_one(const void* p, const runtime::EvalContext& e) noexcept {
    Op::template eval<Arch>(*static_cast<const typename Op::Params*>(p), e);
  }
  template <class Op>
  static std::uint64_t macs_one(const void* p) noexcept {
    return Op::macs(*static_cast<const typename Op::Params*>(p));
  }

  template <class Op>
  static bool accepts_one(const runtime::PrepareContext& c) noexcept {
    if constexpr (detail::HasAccepts<Op>::value) {
      return Op::accepts(c);
    } else {
      (void)c;
      return true;
    }
  }

  /// Index of the first op implementing `builtin`, whatever the tensor types, or -1.
  static int find(std::int32_t builtin) noexcept {
    constexpr std::int32_t kCodes[] = {Ops::kBuiltin...};
    for (std::size_t i = 0; i < kCount; ++i) {
      if (kCodes[i] == builtin) return static_cast<int>(i);
    }
    return -1;
  }
  /// Index of the first op implementing `builtin` that accepts the op in `c` (its tensor
  /// types), or -1.
  static int find(std::int32_t builtin, const runtime::PrepareContext& c) noexcept {
    constexpr std::int32_t kCodes[] = {Ops::kBuiltin...};
    using AcceptsFn = bool (*)(const runtime::PrepareContext&);
    constexpr AcceptsFn kAccepts[] = {&accepts_one<Ops>...};
    for (std::size_t i = 0; i < kCount; ++i) {
      if (kCodes[i] == builtin && kAccepts[i](c)) return static_cast<int>(i);
    }
    return -1;
  }
  static constexpr const char* kNames[] = {Ops::kName...};
  static constexpr std::size_t kParamsSize[] = {sizeof(typename Ops::Params)...};
  static constexpr std::size_t kParamsAlign[] = {alignof(typename Ops::Params)...};
  /// Prepare for kernels of `Arch` (scratch sizes depend on the arch).
  template <class Arch>
  static constexpr PrepareFn kPrepare[] = {&prepare_one<Ops, Arch>...};
  static constexpr MacsFn kMacs[] = {&macs_one<Ops>...};
  template <class Arch>
  static constexpr EvalFn kEval[] = {&eval_one<Ops, Arch>...};

};

/// A family of ops (e.g. the float32 ops); OpSetOf<Families...> joins families into an OpSet.
template <class... Ops>
struct OpList {};

namespace detail {
template <class... Lists>
struct JoinOps;
template <class... A>
struct JoinOps<OpList<A...>> {
  using type = OpSet<A...>;
};
template <class... A, class... B, class... Rest>
struct JoinOps<OpList<A...>, OpList<B...>, Rest...> {
  using type = typename JoinOps<OpList<A..., B...>, Rest...>::type;
};
}  // namespace detail

/// OpSetOf<CoreOps, ActivationOps> = OpSet<every op of both, in order>.
template <class... Lists>
using OpSetOf = typename detail::JoinOps<Lists...>::type;

}  // namespace TINYML_ABI
}  // namespace tinyml
