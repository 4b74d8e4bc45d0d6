// SPDX-License-Identifier: Apache-2.0
// OpSet<Ops...>: the operators a build links, chosen at compile time. Only listed ops are
// instantiated; dispatch at invoke is one indexed call through a constexpr function table.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {

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

  /// Index of the op implementing `builtin`, or -1.
  static int find(std::int32_t builtin) noexcept {
    constexpr std::int32_t kCodes[] = {Ops::kBuiltin...};
    for (std::size_t i = 0; i < kCount; ++i) {
      if (kCodes[i] == builtin) return static_cast<int>(i);
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

}  // namespace TINYML_ABI
}  // namespace tinyml
