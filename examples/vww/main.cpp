// SPDX-License-Identifier: Apache-2.0
// example_vww: visual wake words. Reads a PGM (P5), PPM (P6) or 24/32-bit uncompressed BMP,
// converts it to RGB, resizes it bilinearly to the model's input, quantizes it with the model's
// input scale and zero point (pixels in [0, 1], as the MLPerf Tiny VWW model was trained) and
// prints the person score (dequantized output index 1).
//   example_vww --model M.tflite --image IMG
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tinyml/tinyml.hpp"

namespace {
alignas(16) unsigned char g_arena[256 * 1024];

int fail(const std::string& m) {
  std::fprintf(stderr, "example_vww: %s\n", m.c_str());
  return 1;
}

std::vector<unsigned char> slurp(const std::string& path) {
  std::vector<unsigned char> v;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    unsigned char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) v.insert(v.end(), buf, buf + n);
    std::fclose(f);
  }
  return v;
}

struct Image {
  int w = 0, h = 0;
  std::vector<float> rgb;  // h * w * 3, in [0, 1]
};

// Netpbm: "P5"/"P6", whitespace/comments, width, height, maxval (<= 255), one whitespace, data.
bool parse_pnm(const std::vector<unsigned char>& d, Image* img, std::string* err) {
  std::size_t i = 2;
  auto next_int = [&](int* out) {
    while (i < d.size()) {
      if (d[i] == '#') {
        while (i < d.size() && d[i] != '\n') ++i;
      } else if (std::isspace(d[i])) {
        ++i;
      } else {
        break;
      }
    }
    long v = 0;
    bool any = false;
    while (i < d.size() && d[i] >= '0' && d[i] <= '9' && v < 1000000) {
      v = v * 10 + (d[i++] - '0');
      any = true;
    }
    *out = static_cast<int>(v);
    return any;
  };
  const bool color = d[1] == '6';
  int maxval = 0;
  if (!next_int(&img->w) || !next_int(&img->h) || !next_int(&maxval) || maxval <= 0 || maxval > 255 ||
      img->w <= 0 || img->h <= 0 || img->w > 16384 || img->h > 16384) {
    *err = "bad PGM/PPM header (only 8-bit binary P5/P6 is supported)";
    return false;
  }
  ++i;  // the single whitespace after maxval
  const std::size_t need = static_cast<std::size_t>(img->w) * img->h * (color ? 3 : 1);
  if (d.size() < i + need) {
    *err = "truncated PGM/PPM data";
    return false;
  }
  img->rgb.resize(static_cast<std::size_t>(img->w) * img->h * 3);
  for (std::size_t p = 0; p < static_cast<std::size_t>(img->w) * img->h; ++p) {
    for (int ch = 0; ch < 3; ++ch) {
      const unsigned char v = d[i + (color ? p * 3 + ch : p)];
      img->rgb[p * 3 + ch] = static_cast<float>(v) / static_cast<float>(maxval);
    }
  }
  return true;
}

std::uint32_t le32(const std::vector<unsigned char>& d, std::size_t o) {
  return d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (static_cast<std::uint32_t>(d[o + 3]) << 24);
}

bool parse_bmp(const std::vector<unsigned char>& d, Image* img, std::string* err) {
  if (d.size() < 54) {
    *err = "truncated BMP header";
    return false;
  }
  const std::uint32_t off = le32(d, 10);
  const auto w = static_cast<std::int32_t>(le32(d, 18));
  const auto h = static_cast<std::int32_t>(le32(d, 22));
  const int bpp = d[28] | (d[29] << 8);
  const std::uint32_t compression = le32(d, 30);
  if ((bpp != 24 && bpp != 32) || (compression != 0 && compression != 3) || w <= 0 || h == 0 ||
      w > 16384 || h > 16384 || h < -16384) {
    *err = "unsupported BMP (only uncompressed 24/32-bit)";
    return false;
  }
  img->w = w;
  img->h = h < 0 ? -h : h;
  const std::size_t stride = (static_cast<std::size_t>(w) * (bpp / 8) + 3) / 4 * 4;
  if (d.size() < off + stride * img->h) {
    *err = "truncated BMP data";
    return false;
  }
  img->rgb.resize(static_cast<std::size_t>(img->w) * img->h * 3);
  for (int y = 0; y < img->h; ++y) {
    const int src_y = h > 0 ? img->h - 1 - y : y;  // positive height: bottom-up rows
    for (int x = 0; x < img->w; ++x) {
      const std::size_t s = off + src_y * stride + static_cast<std::size_t>(x) * (bpp / 8);
      float* o = &img->rgb[(static_cast<std::size_t>(y) * img->w + x) * 3];
      o[0] = d[s + 2] / 255.0f;  // BGR -> RGB
      o[1] = d[s + 1] / 255.0f;
      o[2] = d[s + 0] / 255.0f;
    }
  }
  return true;
}

// Bilinear resize with half-pixel centres (as tf.image.resize's default), one output channel.
float sample(const Image& img, float fx, float fy, int ch) {
  fx = std::fmin(std::fmax(fx, 0.0f), static_cast<float>(img.w - 1));
  fy = std::fmin(std::fmax(fy, 0.0f), static_cast<float>(img.h - 1));
  const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
  const int x1 = x0 + 1 < img.w ? x0 + 1 : x0, y1 = y0 + 1 < img.h ? y0 + 1 : y0;
  const float ax = fx - x0, ay = fy - y0;
  auto at = [&](int x, int y) { return img.rgb[(static_cast<std::size_t>(y) * img.w + x) * 3 + ch]; };
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) + ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
}
}  // namespace

int main(int argc, char** argv) {
  std::string model_path, image_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--model") model_path = argv[i + 1];
    else if (a == "--image") image_path = argv[i + 1];
    else return fail("unknown argument " + a);
  }
  if (model_path.empty() || image_path.empty()) {
    std::fprintf(stderr, "usage: example_vww --model M.tflite --image IMG.{pgm,ppm,bmp}\n");
    return 1;
  }
  const std::vector<unsigned char> file = slurp(model_path);
  if (file.empty()) return fail("cannot read " + model_path);
  std::vector<unsigned char> storage(file.size() + 16);
  unsigned char* model = storage.data() + (16 - reinterpret_cast<std::uintptr_t>(storage.data()) % 16) % 16;
  std::memcpy(model, file.data(), file.size());
  static tinyml::Interpreter<tinyml::DefaultOps> interp;
  if (interp.init(model, file.size(), g_arena, sizeof g_arena) != tinyml::Status::kOk) {
    return fail(std::string(model_path) + ": " + interp.error_message());
  }
  const tinyml::TensorRef in = interp.input(0);
  const tinyml::TensorRef out = interp.output(0);
  if (in.type != tinyml::model::TensorType::kInt8 || in.shape.rank != 4 || in.shape.dims[0] != 1 ||
      (in.shape.dims[3] != 3 && in.shape.dims[3] != 1) || out.type != tinyml::model::TensorType::kInt8 ||
      out.bytes < 2) {
    return fail("model input must be int8 [1,H,W,3|1] and output int8 with >= 2 classes");
  }
  const std::vector<unsigned char> d = slurp(image_path);
  if (d.size() < 2) return fail("cannot read " + image_path);
  Image img;
  std::string err;
  const bool ok = (d[0] == 'P' && (d[1] == '5' || d[1] == '6')) ? parse_pnm(d, &img, &err)
                  : (d[0] == 'B' && d[1] == 'M')                ? parse_bmp(d, &img, &err)
                                                                 : (err = "not a PGM/PPM/BMP file", false);
  if (!ok) return fail(image_path + ": " + err);
  const int H = in.shape.dims[1], W = in.shape.dims[2], C = in.shape.dims[3];
  auto* q = in.as<std::int8_t>();
  for (int y = 0; y < H; ++y) {
    for (int x = 0; x < W; ++x) {
      const float fx = (x + 0.5f) * img.w / W - 0.5f, fy = (y + 0.5f) * img.h / H - 0.5f;
      for (int ch = 0; ch < C; ++ch) {
        const float v = C == 3 ? sample(img, fx, fy, ch)
                               : (sample(img, fx, fy, 0) + sample(img, fx, fy, 1) + sample(img, fx, fy, 2)) / 3;
        const long r = std::lround(v / in.scale) + in.zero_point;
        q[(static_cast<std::size_t>(y) * W + x) * C + ch] = static_cast<std::int8_t>(r < -128 ? -128 : (r > 127 ? 127 : r));
      }
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  (void)interp.invoke();
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  const auto* s = out.as<std::int8_t>();
  std::printf("person_score: %.4f\n", out.scale * (s[1] - out.zero_point));
  std::printf("latency_us: %.1f\n", us);
  std::printf("arena_bytes: %zu\n", interp.arena_used_bytes());
  return 0;
}
