// SPDX-License-Identifier: Apache-2.0
// Layer shapes taken from real models (MLPerf Tiny KWS DS-CNN, VWW MobileNetV1-0.25, ResNet-8,
// AD autoencoder; MobileNet-v2 1.0/224 bottlenecks) for the kernel benchmarks.
#pragma once

#include <cstdint>

namespace tinyml_bench {

struct ConvShape {
  const char* name;
  std::int32_t h, w, in_c, out_c, k, stride;  // square kernels, SAME padding
};
struct DwShape {
  const char* name;
  std::int32_t h, w, c, k, stride;
};
struct FcShape {
  const char* name;
  std::int32_t batches, depth, out;
};

inline constexpr ConvShape kConvShapes[] = {
    {"kws_conv0_10x4", 49, 10, 1, 64, 0, 2},  // k = 0 marks the KWS 10x4 first layer
    {"kws_pw_64", 25, 5, 64, 64, 1, 1},
    {"vww_conv0", 96, 96, 3, 8, 3, 2},
    {"vww_pw_8_16", 48, 48, 8, 16, 1, 1},
    {"vww_pw_32_64", 12, 12, 32, 64, 1, 1},
    {"vww_pw_128_128", 6, 6, 128, 128, 1, 1},
    {"vww_pw_128_256", 3, 3, 128, 256, 1, 1},
    {"resnet8_3x3_16", 32, 32, 16, 16, 3, 1},
    {"resnet8_3x3_32", 16, 16, 32, 32, 3, 1},
    {"resnet8_3x3_64", 8, 8, 64, 64, 3, 1},
    {"mbv2_pw_24_144", 56, 56, 24, 144, 1, 1},
    {"mbv2_pw_144_24", 56, 56, 144, 24, 1, 1},
    {"mbv2_pw_96_576", 14, 14, 96, 576, 1, 1},
};
inline constexpr DwShape kDwShapes[] = {
    {"kws_dw_64", 25, 5, 64, 3, 1},       {"vww_dw_8", 48, 48, 8, 3, 1},
    {"vww_dw_16_s2", 48, 48, 16, 3, 2},   {"vww_dw_64", 12, 12, 64, 3, 1},
    {"vww_dw_128", 6, 6, 128, 3, 1},      {"mbv2_dw_144", 56, 56, 144, 3, 1},
    {"mbv2_dw_576", 14, 14, 576, 3, 1},
};
inline constexpr FcShape kFcShapes[] = {
    {"ad01_640_128", 1, 640, 128}, {"ad01_128_128", 1, 128, 128}, {"ad01_128_640", 1, 128, 640},
    {"kws_fc_64_12", 1, 64, 12},   {"vww_fc_256_2", 1, 256, 2},   {"mbv2_fc_1280_1000", 1, 1280, 1000},
};

}  // namespace tinyml_bench
