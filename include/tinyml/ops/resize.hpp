// SPDX-License-Identifier: Apache-2.0
// RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR on int8 NHWC (output size from a constant int32 [2]
// tensor; align_corners / half_pixel_centers options).
#pragma once

#include <type_traits>

#include "tinyml/kernels/resize_s8.hpp"
#include "tinyml/ops/op_set.hpp"
#include "tinyml/runtime/context.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace ops {

namespace resize_detail {

template <bool kBilinear>
struct Resize {
  static constexpr std::int32_t kBuiltin = kBilinear ? 23 : 97;
  static constexpr const char* kName = kBilinear ? "RESIZE_BILINEAR" : "RESIZE_NEAREST_NEIGHBOR";
  struct Params {
    kernels::ResizeS8Args args;
    std::int32_t input = 0, output = 0;
  };
  template <class Arch>
  using Kernel = std::conditional_t<kBilinear, kernels::ResizeBilinearS8<Arch>,
                                    kernels::ResizeNearestS8<Arch>>;

  static bool accepts(const runtime::PrepareContext& c) noexcept {
    return c.input_is(0, model::TensorType::kInt8);
  }

  template <class Arch>
  static Status prepare(runtime::PrepareContext& c, Params& p) noexcept {
    using model::TensorType;
    TINYML_TRY(c.expect_io(2, 2, 1));
    const std::int32_t in = c.input(0), size_tensor = c.input(1), out = c.output(0);
    TINYML_TRY(c.expect_type(in, TensorType::kInt8, "input"));
    TINYML_TRY(c.expect_type(out, TensorType::kInt8, "output"));
    TINYML_TRY(c.expect_rank(in, 4, "input"));
    TINYML_TRY(c.expect_type(size_tensor, TensorType::kInt32, "size"));
    const Shape ss = c.shape(size_tensor);
    if (ss.rank != 1 || ss[0] != 2) return c.fail(Status::kShapeMismatch, "size must be int32 [2]");
    const auto* size = reinterpret_cast<const std::int32_t*>(c.constant(size_tensor));
    if (size == nullptr) return c.fail(Status::kUnsupportedOp, "size must be a constant tensor");
    bool align = false, half = false;
    if (kBilinear) {
      const model::TableView o = c.op.options(model::OptionsType::kResizeBilinear);
      align = o.scalar<std::uint8_t>(model::fid::resize_bilinear::kAlignCorners, 0) != 0;
      half = o.scalar<std::uint8_t>(model::fid::resize_bilinear::kHalfPixelCenters, 0) != 0;
    } else {
      const model::TableView o = c.op.options(model::OptionsType::kResizeNearestNeighbor);
      align = o.scalar<std::uint8_t>(model::fid::resize_nn::kAlignCorners, 0) != 0;
      half = o.scalar<std::uint8_t>(model::fid::resize_nn::kHalfPixelCenters, 0) != 0;
    }
    if (align && half) {
      return c.fail(Status::kInvalidModel, "align_corners and half_pixel_centers are exclusive");
    }
    const Shape is = c.shape(in);
    auto& a = p.args;
    a.batches = is[0]; a.in_h = is[1]; a.in_w = is[2]; a.channels = is[3];
    a.out_h = size[0]; a.out_w = size[1];
    a.align_corners = align; a.half_pixel_centers = half;
    // Fixed-point positions are int32 (1024 * size): keep every extent below 2^20.
    constexpr std::int32_t kMaxExtent = 1 << 20;
    if (a.out_h < 1 || a.out_w < 1 || a.out_h > kMaxExtent || a.out_w > kMaxExtent ||
        a.in_h > kMaxExtent || a.in_w > kMaxExtent) {
      return c.fail(Status::kInvalidModel, "output size must be in [1, 2^20]");
    }
    Shape os = is;
    os.dims[1] = a.out_h; os.dims[2] = a.out_w;
    TINYML_TRY(c.expect_shape(out, os, "output"));
    if (kBilinear) {
      // TFLite's 10-bit positions overrun the input for extreme upscales (its reference would read
      // past the row); refuse those instead.
      const auto last = [&](std::int32_t in_size, std::int32_t out_size) {
        return kernels::bilinear_tap(out_size - 1,
                                     kernels::bilinear_scale_10(in_size, out_size, align), half,
                                     in_size)
            .pos;
      };
      if (last(a.in_h, a.out_h) / 1024 > a.in_h - 1 || last(a.in_w, a.out_w) / 1024 > a.in_w - 1) {
        return c.fail(Status::kUnsupportedOp, "upscale factor beyond TFLite's 10-bit positions");
      }
    }
    runtime::QParams qi, qo;
    TINYML_TRY(c.qparams(in, "input", &qi));
    TINYML_TRY(c.qparams(out, "output", &qo));
    if (qi.scale != qo.scale || qi.zero_point != qo.zero_point) {
      return c.fail(Status::kBadQuantization, "input and output quantization must be equal");
    }
    p.input = in;
    p.output = out;
    return c.request_scratch(Kernel<Arch>::scratch_bytes(a));
  }

  template <class Arch>
  static void eval(const Params& p, const runtime::EvalContext& e) noexcept {
    kernels::ResizeS8Args a = p.args;
    a.input = e.tensor<const std::int8_t>(p.input);
    a.output = e.tensor<std::int8_t>(p.output);
    Kernel<Arch>::run(a, e.scratch);
  }
  static std::uint64_t macs(const Params& p) noexcept {
    const auto& a = p.args;
    return static_cast<std::uint64_t>(a.batches) * a.out_h * a.out_w * a.channels *
           (kBilinear ? 4 : 1);
  }
};

}  // namespace resize_detail

/// RESIZE_NEAREST_NEIGHBOR on int8 (TFLite's reference_ops::ResizeNearestNeighbor).
using ResizeNearestNeighbor = resize_detail::Resize<false>;
/// RESIZE_BILINEAR on int8 (TFLite's integer-only reference_ops::ResizeBilinearInteger).
using ResizeBilinear = resize_detail::Resize<true>;

}  // namespace ops

/// The ops of this family, for OpSetOf<...> (tinyml.hpp).
using ResizeOps = OpList<ops::ResizeNearestNeighbor, ops::ResizeBilinear>;

}  // namespace TINYML_ABI
}  // namespace tinyml
