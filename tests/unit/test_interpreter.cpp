// SPDX-License-Identifier: Apache-2.0
// Interpreter end to end on the repository's own model (examples/models/digits_cnn_int8.tflite),
// against goldens from LiteRT's reference kernels (tests/data/golden, tools/make_goldens.py):
// bit-exact outputs and intermediates on every compiled arch path, exact-arena behaviour, API
// facts and the error paths that need no corrupted model.
#include <cstring>
#include <string>
#include <type_traits>

#include "doctest_config.hpp"
#include "support.hpp"

using namespace tinyml_test;

namespace {
const std::string kModel = source_dir() + "/examples/models/digits_cnn_int8.tflite";
const std::string kGolden = source_dir() + "/tests/data/golden/digits_cnn_int8";
}  // namespace

TEST_CASE_TEMPLATE("digits model is bit-exact with LiteRT's reference kernels", A,
                   tinyml::arch::Generic, tinyml::arch::Native) {
  Loaded l;
  load_exact(kModel, &l);
  REQUIRE_MESSAGE(l.status == tinyml::Status::kOk, l.interp.error_message());
  for (int k = 1; k <= 5; ++k) {
    CAPTURE(k);
    const GoldenResult r = run_golden<A>(l.interp, kGolden, k);
    CHECK_MESSAGE(r.first_diff.empty(), r.first_diff);
    CHECK(r.tensors_checked == 9);
    CHECK(r.tensors_equal == r.tensors_checked);
    CHECK(r.output_equal);
  }
}

// Every model the project ships with a golden folder (digits, kws_espeak, ad_synth): outputs and
// every intermediate equal LiteRT's reference kernels on both paths (default = LiteRT rounding).
TEST_CASE_TEMPLATE("shipped models are bit-exact with LiteRT's reference kernels", A,
                   tinyml::arch::Generic, tinyml::arch::Native) {
  int models = 0;
  for (const char* stem : {"digits_cnn_int8", "kws_espeak_int8", "ad_synth_int8"}) {
    const std::string golden = source_dir() + "/tests/data/golden/" + stem;
    if (read_file(golden + "/out_1.bin").empty()) continue;  // goldens not generated for it
    CAPTURE(stem);
    Loaded l;
    load_exact(source_dir() + "/examples/models/" + stem + ".tflite", &l);
    REQUIRE_MESSAGE(l.status == tinyml::Status::kOk, l.interp.error_message());
    for (int k = 1; k <= 5; ++k) {
      CAPTURE(k);
      const GoldenResult r = run_golden<A>(l.interp, golden, k);
      CHECK_MESSAGE(r.first_diff.empty(), r.first_diff);
      CHECK(r.tensors_checked > 0);
      CHECK(r.tensors_equal == r.tensors_checked);
      CHECK(r.output_equal);
    }
    ++models;
  }
  CHECK(models == 3);
}

TEST_CASE("digits model: golden inputs are the documented generator's") {
  const Bytes in1 = read_file(kGolden + "/in_1.bin");
  REQUIRE_FALSE(in1.empty());
  const auto gen = golden_input(1, in1.size);
  CHECK(std::memcmp(gen.data(), in1.data(), in1.size) == 0);
}

TEST_CASE("invoke() equals op-by-op invocation, and the sample digits classify correctly") {
  Loaded l;
  load_exact(kModel, &l);
  REQUIRE(l.status == tinyml::Status::kOk);
  for (int label : {0, 3, 7}) {
    const Bytes x = read_file(source_dir() + "/examples/models/digit_" + std::to_string(label) + ".bin");
    REQUIRE(x.size == l.interp.input(0).bytes);
    std::memcpy(l.interp.input(0).data, x.data(), x.size);
    REQUIRE(l.interp.invoke() == tinyml::Status::kOk);
    const auto* s = l.interp.output(0).as<std::int8_t>();
    int best = 0;
    for (int i = 1; i < 10; ++i) best = s[i] > s[best] ? i : best;
    CHECK(best == label);
  }
}

TEST_CASE("tensor API reports shapes, types and quantization") {
  Loaded l;
  load_exact(kModel, &l);
  REQUIRE(l.status == tinyml::Status::kOk);
  const tinyml::TensorRef in = l.interp.input(0);
  CHECK(l.interp.num_inputs() == 1);
  CHECK(l.interp.num_outputs() == 1);
  CHECK(in.type == tinyml::model::TensorType::kInt8);
  CHECK(in.shape.rank == 4);
  CHECK(in.bytes == 64);
  CHECK(in.scale > 0.0f);
  const tinyml::TensorRef out = l.interp.output(0);
  CHECK(out.bytes == 10);
  CHECK(out.zero_point == -128);
  CHECK(out.scale == doctest::Approx(1.0 / 256));
  CHECK(l.interp.input(1).data == nullptr);  // out of range -> empty ref
  CHECK(l.interp.tensor(-1).data == nullptr);
}

TEST_CASE("exact arena works, one byte less fails and states the size") {
  Loaded l;
  load_exact(kModel, &l);
  REQUIRE(l.status == tinyml::Status::kOk);
  const std::size_t need = l.interp.arena_bytes_needed();
  CHECK(l.interp.arena_used_bytes() == need);
  Bytes arena = make_bytes(need);
  Interp small;
  REQUIRE(small.init(l.model.data(), l.model.size, arena.data(), need - 1) ==
          tinyml::Status::kArenaTooSmall);
  CHECK(std::string(small.error_message()).find(std::to_string(need)) != std::string::npos);
  CHECK(small.arena_bytes_needed() == need);
  CHECK(small.invoke() == tinyml::Status::kBadArgument);
  // A tiny arena cannot even hold the tables: still a clean error with a lower bound.
  Interp tiny;
  CHECK(tiny.init(l.model.data(), l.model.size, arena.data(), 16) == tinyml::Status::kArenaTooSmall);
  CHECK(tiny.arena_bytes_needed() > 16);
  CHECK(tiny.arena_bytes_needed() <= need);
}

TEST_CASE("misaligned or missing buffers and garbage bytes are refused") {
  const Bytes m = read_file(kModel);
  REQUIRE_FALSE(m.empty());
  Bytes arena = make_bytes(1 << 16);
  Interp in;
  Bytes shifted = make_bytes(m.size + 1);
  std::memcpy(shifted.data() + 1, m.data(), m.size);
  CHECK(in.init(shifted.data() + 1, m.size, arena.data(), 1 << 16) == tinyml::Status::kMisaligned);
  CHECK(in.init(m.data(), m.size, arena.data() + 1, (1 << 16) - 1) == tinyml::Status::kMisaligned);
  CHECK(in.init(m.data(), m.size, nullptr, 0) == tinyml::Status::kMisaligned);
  CHECK(in.init(nullptr, 0, arena.data(), 1 << 16) == tinyml::Status::kInvalidModel);
  Bytes junk = make_bytes(4096);
  for (std::size_t i = 0; i < junk.size; ++i) junk.data()[i] = static_cast<unsigned char>(i * 131);
  CHECK(in.init(junk.data(), junk.size, arena.data(), 1 << 16) == tinyml::Status::kInvalidModel);
  CHECK(std::strlen(in.error_message()) > 0);
  CHECK(in.invoke() == tinyml::Status::kBadArgument);
}

TEST_CASE("every kernel's native path resolves to the arch this build promises") {
  // ruy's covered-paths check: a SIMD path silently falling back to the reference is noticed.
#if defined(TINYML_AVX512_KERNELS) && (defined(TINYML_AVX512_NATIVE) || defined(TINYML_FORCE_AVX512))
  using Simd = tinyml::arch::Avx512;  // kernels/arch/avx512 (native, or emulated and forced)
#elif defined(__AVX2__) && !defined(TINYML_FORCE_GENERIC)
  using Simd = tinyml::arch::Avx2;
#else
  using Simd = tinyml::arch::Generic;
#endif
  using N = tinyml::arch::Native;
  CHECK(std::is_same_v<tinyml::kernels::ConvS8<N>::ImplArch, Simd>);
  CHECK(std::is_same_v<tinyml::kernels::DepthwiseConvS8<N>::ImplArch, Simd>);
  CHECK(std::is_same_v<tinyml::kernels::FullyConnectedS8<N>::ImplArch, Simd>);
  CHECK(std::is_same_v<tinyml::kernels::AveragePoolS8<N>::ImplArch, Simd>);
  CHECK(std::is_same_v<tinyml::kernels::MaxPoolS8<N>::ImplArch, Simd>);
  CHECK(std::is_same_v<tinyml::kernels::AddS8<N>::ImplArch, Simd>);
  CHECK(std::is_same_v<tinyml::kernels::SoftmaxS8<N>::ImplArch, tinyml::arch::Generic>);
}
