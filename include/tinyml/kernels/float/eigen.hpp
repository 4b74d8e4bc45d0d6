// SPDX-License-Identifier: Apache-2.0
// Host float32 CONV_2D and FULLY_CONNECTED on Eigen's matrix products (TINYML_USE_EIGEN, set by the
// CMake build for host targets; never on microcontrollers). They specialize the kernels of
// arch::Avx2 (and so Avx512); the portable loops stay the reference (arch::Generic).
//
// No allocation at invoke: every Eigen object is an Eigen::Map over tensor or scratch memory,
// products are written with noalias(), and the GEMM's packing buffers (which Eigen would otherwise
// put on the stack or, above EIGEN_STACK_ALLOCATION_LIMIT, on the heap) live in the op's planned
// scratch: ArenaBlocking hands them to Eigen's GEMM driver. tests/models/test_float_models.cpp checks
// this with EIGEN_RUNTIME_NO_MALLOC, tests/unit/test_no_heap.cpp by counting malloc/new.
//
// Convolutions: a 1x1 stride-1 convolution is one GEMM on the input as is; others gather receptive
// fields (im2col, padding taps 0) for a block of output pixels into scratch, one GEMM per block.
// Grouped convolutions use the portable kernel. Outputs start as the bias, the GEMM accumulates,
// then the fused clamp. Sums run in Eigen's order (see kernels/float/common.hpp).
#pragma once
#if defined(TINYML_USE_EIGEN) && defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)

// GCC < 13 with AVX-512 enabled: Eigen's AVX-512 packets inline intrinsics that trip
// -W(maybe-)uninitialized inside GCC's own headers (GCC PR 105593; see kernels/arch/avx512/isa.hpp).
#if defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Core>
#pragma GCC diagnostic pop
#else
#include <Eigen/Core>
#endif
#include <cstddef>
#include <cstdint>

#include "tinyml/kernels/float/conv_f32.hpp"
#include "tinyml/kernels/float/fully_connected_f32.hpp"

#if !EIGEN_VERSION_AT_LEAST(3, 4, 0)
#error "tinyml's Eigen path needs Eigen 3.4 (its GEMM driver signature); build without TINYML_USE_EIGEN"
#endif

namespace tinyml {
inline namespace TINYML_ABI {
namespace kernels {
namespace eigen {

inline constexpr std::size_t kAlign = 64;  // >= any Eigen packet alignment
constexpr std::size_t round_up(std::size_t n) noexcept { return (n + kAlign - 1) / kAlign * kAlign; }

/// Eigen's GEMM blocking with the packing buffers in caller memory. The block sizes come from
/// Eigen's own cache heuristic (cache sizes are read once per process), so scratch_bytes() at
/// prepare and run() agree; an application must not call Eigen::setCpuCacheSizes() between an
/// interpreter's init() and its invokes.
class ArenaBlocking : public Eigen::internal::level3_blocking<float, float> {
 public:
  ArenaBlocking(Eigen::Index m, Eigen::Index n, Eigen::Index k) noexcept {
    this->m_mc = m;
    this->m_nc = n;
    this->m_kc = k;
    Eigen::internal::computeProductBlockingSizes<float, float, 1>(this->m_kc, this->m_mc,
                                                                  this->m_nc, Eigen::Index(1));
  }
  std::size_t a_bytes() const noexcept {
    return round_up(static_cast<std::size_t>(this->m_kc * this->m_mc) * sizeof(float));
  }
  std::size_t b_bytes() const noexcept {
    return round_up(static_cast<std::size_t>(this->m_kc * this->m_nc) * sizeof(float));
  }
  /// Scratch bytes for both packing buffers (plus alignment slack).
  std::size_t bytes() const noexcept { return a_bytes() + b_bytes() + kAlign; }
  void attach(void* scratch) noexcept {
    const auto p = reinterpret_cast<std::uintptr_t>(scratch);
    auto* base = reinterpret_cast<std::uint8_t*>((p + kAlign - 1) / kAlign * kAlign);
    this->m_blockA = reinterpret_cast<float*>(base);
    this->m_blockB = reinterpret_cast<float*>(base + a_bytes());
  }
};

/// C (m x n, column-major, leading dim ldc) += A (m x k, row-major, lda) * B (k x n,
/// column-major, ldb), packing buffers in `scratch` (ArenaBlocking(m, n, k).bytes() bytes).
inline void gemm_accumulate(Eigen::Index m, Eigen::Index n, Eigen::Index k, const float* a,
                            Eigen::Index lda, const float* b, Eigen::Index ldb, float* c,
                            Eigen::Index ldc, void* scratch) noexcept {
  ArenaBlocking blocking(m, n, k);
  blocking.attach(scratch);
  using Gemm = Eigen::internal::general_matrix_matrix_product<
      Eigen::Index, float, Eigen::RowMajor, false, float, Eigen::ColMajor, false, Eigen::ColMajor, 1>;
  Gemm::run(m, n, k, a, lda, b, ldb, c, 1, ldc, 1.0f, blocking, nullptr);
}

/// out[p * n + o] = bias[o] (or 0) for p in [0, rows).
inline void fill_bias(float* out, std::int64_t rows, std::int32_t n, const float* bias) noexcept {
  for (std::int64_t p = 0; p < rows; ++p) {
    float* o = out + p * n;
    for (std::int32_t j = 0; j < n; ++j) o[j] = bias != nullptr ? bias[j] : 0.0f;
  }
}

inline void clamp_all(float* out, std::int64_t count, const FloatRange& r) noexcept {
  for (std::int64_t i = 0; i < count; ++i) out[i] = clamp_f32(out[i], r);
}

/// Output pixels per im2col block: about 128 KiB of patches.
inline std::int64_t conv_block_pixels(const ConvF32Args& a) noexcept {
  const std::int64_t k = static_cast<std::int64_t>(a.k_h) * a.k_w * a.in_c;
  const std::int64_t pixels = static_cast<std::int64_t>(a.out_h) * a.out_w;
  std::int64_t n = 32768 / (k > 0 ? k : 1);
  n = n < 1 ? 1 : n;
  return n < pixels ? n : pixels;
}

inline bool conv_is_pointwise(const ConvF32Args& a) noexcept {
  return a.k_h == 1 && a.k_w == 1 && a.stride_h == 1 && a.stride_w == 1 && a.pad_h == 0 &&
         a.pad_w == 0 && a.in_h == a.out_h && a.in_w == a.out_w;
}

}  // namespace eigen

template <>
struct ConvF32<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const ConvF32Args& a) noexcept {
    if (a.filter_in_c != a.in_c) return 0;  // grouped: portable kernel
    const std::int64_t k = static_cast<std::int64_t>(a.k_h) * a.k_w * a.in_c;
    if (eigen::conv_is_pointwise(a)) {
      return eigen::ArenaBlocking(a.out_c, static_cast<Eigen::Index>(a.out_h) * a.out_w, k).bytes();
    }
    const std::int64_t n = eigen::conv_block_pixels(a);
    return eigen::round_up(static_cast<std::size_t>(n * k) * sizeof(float)) +
           eigen::ArenaBlocking(a.out_c, n, k).bytes();
  }
  static void run(const ConvF32Args& a, void* scratch) noexcept {
    if (a.filter_in_c != a.in_c) {
      ConvF32<arch::Generic>::run(a, scratch);
      return;
    }
    const std::int64_t k = static_cast<std::int64_t>(a.k_h) * a.k_w * a.in_c;
    const std::int64_t pixels = static_cast<std::int64_t>(a.out_h) * a.out_w;
    for (std::int32_t b = 0; b < a.batches; ++b) {
      float* out = a.output + b * pixels * a.out_c;
      const float* in = a.input + static_cast<std::int64_t>(b) * a.in_h * a.in_w * a.in_c;
      if (eigen::conv_is_pointwise(a)) {
        eigen::fill_bias(out, pixels, a.out_c, a.bias);
        eigen::gemm_accumulate(a.out_c, pixels, k, a.filter, k, in, k, out, a.out_c, scratch);
        continue;
      }
      const std::int64_t block = eigen::conv_block_pixels(a);
      auto* patches = static_cast<float*>(scratch);
      void* gemm_scratch = static_cast<std::uint8_t*>(scratch) +
                           eigen::round_up(static_cast<std::size_t>(block * k) * sizeof(float));
      for (std::int64_t p0 = 0; p0 < pixels; p0 += block) {
        const std::int64_t n = pixels - p0 < block ? pixels - p0 : block;
        for (std::int64_t j = 0; j < n; ++j) {
          const std::int32_t oy = static_cast<std::int32_t>((p0 + j) / a.out_w);
          const std::int32_t ox = static_cast<std::int32_t>((p0 + j) % a.out_w);
          float* col = patches + j * k;
          for (std::int32_t ky = 0; ky < a.k_h; ++ky) {
            const std::int32_t iy = oy * a.stride_h - a.pad_h + ky * a.dilation_h;
            for (std::int32_t kx = 0; kx < a.k_w; ++kx, col += a.in_c) {
              const std::int32_t ix = ox * a.stride_w - a.pad_w + kx * a.dilation_w;
              if (iy < 0 || iy >= a.in_h || ix < 0 || ix >= a.in_w) {
                for (std::int32_t c = 0; c < a.in_c; ++c) col[c] = 0.0f;
              } else {
                const float* src = in + (static_cast<std::int64_t>(iy) * a.in_w + ix) * a.in_c;
                for (std::int32_t c = 0; c < a.in_c; ++c) col[c] = src[c];
              }
            }
          }
        }
        float* o = out + p0 * a.out_c;
        eigen::fill_bias(o, n, a.out_c, a.bias);
        eigen::gemm_accumulate(a.out_c, n, k, a.filter, k, patches, k, o, a.out_c, gemm_scratch);
      }
    }
    eigen::clamp_all(a.output, static_cast<std::int64_t>(a.batches) * pixels * a.out_c, a.act);
  }
};

template <>
struct FullyConnectedF32<arch::Avx2> {
  using ImplArch = arch::Avx2;
  static std::size_t scratch_bytes(const FullyConnectedF32Args& a) noexcept {
    return a.batches > 1 ? eigen::ArenaBlocking(a.out, a.batches, a.depth).bytes() : 0;
  }
  static void run(const FullyConnectedF32Args& a, void* scratch) noexcept {
    eigen::fill_bias(a.output, a.batches, a.out, a.bias);
    if (a.batches == 1) {
      // Matrix-vector product: Eigen reads both operands in place (contiguous maps).
      using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
      const Eigen::Map<const RowMajorMatrix> w(a.filter, a.out, a.depth);
      const Eigen::Map<const Eigen::VectorXf> x(a.input, a.depth);
      Eigen::Map<Eigen::VectorXf> y(a.output, a.out);
      y.noalias() += w * x;
    } else {
      eigen::gemm_accumulate(a.out, a.batches, a.depth, a.filter, a.depth, a.input, a.depth,
                             a.output, a.out, scratch);
    }
    eigen::clamp_all(a.output, static_cast<std::int64_t>(a.batches) * a.out, a.act);
  }
};

}  // namespace kernels
}  // namespace TINYML_ABI
}  // namespace tinyml

#endif  // TINYML_USE_EIGEN && __AVX2__ && !TINYML_FORCE_GENERIC
