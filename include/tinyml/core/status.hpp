// SPDX-License-Identifier: Apache-2.0
// Status codes and a fixed-size, heap-free diagnostic message.
#pragma once

#include "tinyml/config.hpp"

namespace tinyml {
inline namespace TINYML_ABI {

enum class Status : std::uint8_t {
  kOk,
  kInvalidModel,      ///< bytes are not a well-formed or self-consistent TFLite model
  kUnsupportedOp,     ///< an operator this build cannot run
  kUnsupportedType,   ///< a tensor type an operator cannot take
  kBadQuantization,   ///< quantization parameters missing or out of range
  kShapeMismatch,     ///< declared shapes disagree with computed ones, or a wrong input size
  kArenaTooSmall,     ///< the arena cannot hold the model's plan
  kMisaligned,        ///< model bytes or arena not aligned as required
  kBadArgument,       ///< misuse of the API (index out of range, not initialised)
};

/// Short, stable name of a status code.
constexpr const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::kOk: return "ok";
    case Status::kInvalidModel: return "invalid model";
    case Status::kUnsupportedOp: return "unsupported op";
    case Status::kUnsupportedType: return "unsupported type";
    case Status::kBadQuantization: return "bad quantization";
    case Status::kShapeMismatch: return "shape mismatch";
    case Status::kArenaTooSmall: return "arena too small";
    case Status::kMisaligned: return "misaligned buffer";
    case Status::kBadArgument: return "bad argument";
  }
  return "unknown";
}

/// A bounded message buffer: append text and integers, never allocates, truncates with "...".
/// With TINYML_NO_ERROR_STRINGS every append is a no-op and the message stays empty.
class Diag {
 public:
  static constexpr std::size_t kCapacity = 192;

  void clear() noexcept {
    len_ = 0;
    buf_[0] = '\0';
  }
  const char* c_str() const noexcept { return buf_; }
  bool empty() const noexcept { return len_ == 0; }

  Diag& operator<<(const char* s) noexcept {
#if !defined(TINYML_NO_ERROR_STRINGS)
    if (s == nullptr) s = "(null)";
    while (*s != '\0') put(*s++);
#else
    (void)s;
#endif
    return *this;
  }
  Diag& operator<<(char c) noexcept {
#if !defined(TINYML_NO_ERROR_STRINGS)
    put(c);
#else
    (void)c;
#endif
    return *this;
  }
  Diag& operator<<(long long v) noexcept {
#if !defined(TINYML_NO_ERROR_STRINGS)
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v)
                                 : static_cast<unsigned long long>(v);
    do {
      // u / 10 in 16-bit steps (32-bit arithmetic only: no 64-bit division on Cortex-M).
      std::uint32_t r = 0;
      unsigned long long q = 0;
      for (int shift = 48; shift >= 0; shift -= 16) {
        r = (r << 16) | static_cast<std::uint32_t>((u >> shift) & 0xFFFFu);
        q = (q << 16) | (r / 10u);
        r %= 10u;
      }
      tmp[n++] = static_cast<char>('0' + r);
      u = q;
    } while (u != 0);
    if (v < 0) put('-');
    while (n > 0) put(tmp[--n]);
#else
    (void)v;
#endif
    return *this;
  }
  Diag& operator<<(int v) noexcept { return *this << static_cast<long long>(v); }
  Diag& operator<<(long v) noexcept { return *this << static_cast<long long>(v); }
  Diag& operator<<(unsigned v) noexcept { return *this << static_cast<long long>(v); }
  Diag& operator<<(unsigned long v) noexcept {
    return *this << static_cast<long long>(v);
  }
  Diag& operator<<(unsigned long long v) noexcept {
    return *this << static_cast<long long>(v);
  }

 private:
  void put(char c) noexcept {
    if (len_ + 1 < kCapacity) {
      buf_[len_++] = c;
      buf_[len_] = '\0';
    } else if (len_ + 1 == kCapacity) {
      buf_[kCapacity - 4] = buf_[kCapacity - 3] = buf_[kCapacity - 2] = '.';
    }
  }
  char buf_[kCapacity] = {};
  std::size_t len_ = 0;
};

}  // namespace TINYML_ABI
}  // namespace tinyml
