// SPDX-License-Identifier: Apache-2.0
// The float32 models of ../shared/models against TensorFlow Lite Micro's float goldens, and the
// hybrid (dynamic-range) KWS model against LiteRT's reference kernels (tests/data/float_goldens,
// made by tools/make_float_goldens.py), on the reference and the native path; the exact arena
// works and one byte less fails; with TINYML_USE_EIGEN, Eigen's own runtime check proves that the
// Eigen kernels allocate nothing at invoke.
//
// Tolerance: float results differ from the goldens' in the last bits (summation order, fused
// multiply-add), so every output element must satisfy |got - want| <= 1e-4 * max(1, |want|).
// The largest error seen is reported per model and path.
//
// Exit 77 (ctest SKIP) when the shared folder is absent, unless CI=true, where that is a failure.
#if defined(TINYML_USE_EIGEN)
// Before Eigen is included (through tinyml.hpp): count Eigen's heap allocations instead of
// asserting, in release builds too.
#define EIGEN_RUNTIME_NO_MALLOC
void tinyml_test_eigen_assert_failed(const char* expr);
#define eigen_assert(x) ((x) ? static_cast<void>(0) : tinyml_test_eigen_assert_failed(#x))
#endif

#define DOCTEST_CONFIG_IMPLEMENT
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "doctest_config.hpp"
#include "support.hpp"

using namespace tinyml_test;

namespace {
long g_eigen_asserts = 0;
}  // namespace

#if defined(TINYML_USE_EIGEN)
void tinyml_test_eigen_assert_failed(const char* expr) {
  ++g_eigen_asserts;
  std::fprintf(stderr, "eigen_assert failed: %s\n", expr);
}
#endif

namespace {

constexpr double kTolerance = 1e-4;

std::string models_dir() { return shared_dir() + "/models"; }
std::string float_goldens_dir() { return source_dir() + "/tests/data/float_goldens"; }

/// Largest |got - want| / max(1, |want|) over n floats.
double max_error(const float* got, const float* want, std::size_t n) {
  double e = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = want[i];
    const double d = std::fabs(static_cast<double>(got[i]) - w) / std::max(1.0, std::fabs(w));
    e = std::isnan(d) ? 1e30 : std::max(e, d);
  }
  return e;
}

constexpr const char* kFloatModels[] = {"hello_world_float32", "ad01_float32", "vww_96_float32"};

/// The hybrid KWS inputs (tools/make_float_goldens.py): the int8 KWS golden input k as
/// (int8)byte / 128 ("div128") or dequantized with the int8 model's input quantization.
bool kws_input(const std::string& variant, int k, float scale, std::int32_t zp, float* x,
               std::size_t n) {
  const Bytes raw = read_file(models_dir() + "/golden/kws_dscnn_int8/in_" + std::to_string(k) + ".bin");
  if (raw.empty() || raw.size != n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const auto b = static_cast<std::int8_t>(raw.data()[i]);
    x[i] = variant == "div128" ? static_cast<float>(b) / 128.0f
                               : static_cast<float>(static_cast<std::int32_t>(b) - zp) * scale;
  }
  return true;
}

/// Input quantization of kws_dscnn_int8 (the "dequant" variant's input mapping).
void kws_int8_input_quant(float* scale, std::int32_t* zp) {
  Loaded l;
  load_exact(models_dir() + "/kws_dscnn_int8.tflite", &l);
  REQUIRE(l.status == tinyml::Status::kOk);
  *scale = l.interp.input(0).scale;
  *zp = l.interp.input(0).zero_point;
}

}  // namespace

TEST_CASE_TEMPLATE("shared float32 models match TFLM's float goldens (relative tolerance 1e-4)", A,
                   tinyml::arch::Generic, tinyml::arch::Native) {
  for (const char* model : kFloatModels) {
    const std::string stem = model;
    CAPTURE(stem);
    Loaded l;
    load_exact(models_dir() + "/" + stem + ".tflite", &l);
    REQUIRE_MESSAGE(l.status == tinyml::Status::kOk, l.interp.error_message());
    if (l.status != tinyml::Status::kOk) continue;  // (REQUIRE does not return without exceptions)
    const std::string golden = models_dir() + "/golden/" + stem;
    double worst = 0.0;
    int within = 0;
    for (int k = 1; k <= 5; ++k) {
      CAPTURE(k);
      const Bytes in = read_file(golden + "/in_" + std::to_string(k) + ".bin");
      const Bytes want = read_file(golden + "/out_" + std::to_string(k) + ".bin");
      const tinyml::TensorRef ti = l.interp.input(0), to = l.interp.output(0);
      REQUIRE(in.size == ti.bytes);
      REQUIRE(want.size == to.bytes);
      if (in.size != ti.bytes || want.size != to.bytes) break;
      std::memcpy(ti.data, in.data(), in.size);
      REQUIRE(l.interp.template invoke_with<A>() == tinyml::Status::kOk);
      const double e = max_error(to.as<float>(), reinterpret_cast<const float*>(want.data()), to.bytes / 4);
      worst = std::max(worst, e);
      within += e <= kTolerance ? 1 : 0;
      CHECK(e <= kTolerance);
    }
    MESSAGE(stem << " [" << std::string(A::kName) << "]: " << within << "/5 within tolerance, max error "
                 << worst << ", arena " << l.interp.arena_bytes_needed() << " B");
  }
}

TEST_CASE_TEMPLATE("shared float32 models match LiteRT's reference kernels (relative tolerance 1e-4)", A,
                   tinyml::arch::Generic, tinyml::arch::Native) {
  for (const char* model : kFloatModels) {
    const std::string stem = model;
    CAPTURE(stem);
    Loaded l;
    load_exact(models_dir() + "/" + stem + ".tflite", &l);
    REQUIRE_MESSAGE(l.status == tinyml::Status::kOk, l.interp.error_message());
    if (l.status != tinyml::Status::kOk) continue;
    double worst = 0.0;
    for (int k = 1; k <= 5; ++k) {
      CAPTURE(k);
      const Bytes in = read_file(models_dir() + "/golden/" + stem + "/in_" + std::to_string(k) + ".bin");
      // Stored only where LiteRT differs from TFLite Micro's float golden (see its MANIFEST.txt).
      Bytes want = read_file(float_goldens_dir() + "/" + stem + "/litert_" + std::to_string(k) + ".out.bin");
      if (want.empty()) want = read_file(models_dir() + "/golden/" + stem + "/out_" + std::to_string(k) + ".bin");
      const tinyml::TensorRef ti = l.interp.input(0), to = l.interp.output(0);
      REQUIRE(in.size == ti.bytes);
      REQUIRE(want.size == to.bytes);
      if (in.size != ti.bytes || want.size != to.bytes) break;
      std::memcpy(ti.data, in.data(), in.size);
      REQUIRE(l.interp.template invoke_with<A>() == tinyml::Status::kOk);
      const double e = max_error(to.as<float>(), reinterpret_cast<const float*>(want.data()), to.bytes / 4);
      worst = std::max(worst, e);
      CHECK(e <= kTolerance);
    }
    MESSAGE(stem << " [" << std::string(A::kName) << "] vs LiteRT: max error " << worst);
  }
}

TEST_CASE_TEMPLATE("hybrid KWS (int8 weights, float32 activations) matches LiteRT's reference", A,
                   tinyml::arch::Generic, tinyml::arch::Native) {
  float scale = 0.0f;
  std::int32_t zp = 0;
  kws_int8_input_quant(&scale, &zp);
  Loaded l;
  load_exact(models_dir() + "/kws_dscnn_float32.tflite", &l);
  REQUIRE_MESSAGE(l.status == tinyml::Status::kOk, l.interp.error_message());
  if (l.status != tinyml::Status::kOk) return;  // (REQUIRE does not return without exceptions)
  const tinyml::TensorRef ti = l.interp.input(0), to = l.interp.output(0);
  REQUIRE(ti.type == tinyml::model::TensorType::kFloat32);
  double worst = 0.0;
  int within = 0, cases = 0;
  for (const char* variant : {"div128", "dequant"}) {
    for (int k = 1; k <= 5; ++k) {
      const std::string which = variant;
      CAPTURE(which);
      CAPTURE(k);
      const bool have_input = kws_input(variant, k, scale, zp, ti.as<float>(), ti.bytes / 4);
      const Bytes want = read_file(float_goldens_dir() + "/kws_dscnn_float32/" + variant + "_" +
                                   std::to_string(k) + ".out.bin");
      REQUIRE(have_input);
      REQUIRE(want.size == to.bytes);
      if (!have_input || want.size != to.bytes) continue;
      REQUIRE(l.interp.template invoke_with<A>() == tinyml::Status::kOk);
      const double e = max_error(to.as<float>(), reinterpret_cast<const float*>(want.data()), to.bytes / 4);
      worst = std::max(worst, e);
      within += e <= kTolerance ? 1 : 0;
      ++cases;
      CHECK(e <= kTolerance);
    }
  }
  MESSAGE("kws_dscnn_float32 [" << std::string(A::kName) << "]: " << within << "/" << cases
                                << " within tolerance, max error " << worst << ", arena "
                                << l.interp.arena_bytes_needed() << " B");
}

TEST_CASE("float32 and hybrid models: exact arena works, one byte less fails") {
  for (const char* model : {"hello_world_float32", "ad01_float32", "vww_96_float32", "kws_dscnn_float32"}) {
    const std::string stem = model;
    CAPTURE(stem);
    Loaded l;
    load_exact(models_dir() + "/" + stem + ".tflite", &l);
    REQUIRE(l.status == tinyml::Status::kOk);
    if (l.status != tinyml::Status::kOk) continue;
    const std::size_t need = l.interp.arena_bytes_needed();
    Interp small;
    Bytes arena = make_bytes(need);
    CHECK(small.init(l.model.data(), l.model.size, arena.data(), need - 1) == tinyml::Status::kArenaTooSmall);
    CHECK(small.init(l.model.data(), l.model.size, arena.data(), need) == tinyml::Status::kOk);
  }
}

#if defined(TINYML_USE_EIGEN)
TEST_CASE("Eigen float kernels allocate nothing at invoke (EIGEN_RUNTIME_NO_MALLOC)") {
  // Self-check: a dynamic Eigen vector with allocation forbidden is caught.
  g_eigen_asserts = 0;
  Eigen::internal::set_is_malloc_allowed(false);
  {
    Eigen::VectorXf v(64);
    v.setZero();
  }
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(g_eigen_asserts > 0);
  g_eigen_asserts = 0;
  for (const char* model : {"hello_world_float32", "ad01_float32", "vww_96_float32", "kws_dscnn_float32"}) {
    const std::string stem = model;
    CAPTURE(stem);
    Loaded l;
    load_exact(models_dir() + "/" + stem + ".tflite", &l);
    REQUIRE(l.status == tinyml::Status::kOk);
    if (l.status != tinyml::Status::kOk) continue;
    std::memset(l.interp.input(0).data, 0, l.interp.input(0).bytes);
    Eigen::internal::set_is_malloc_allowed(false);
    const tinyml::Status s = l.interp.invoke();
    Eigen::internal::set_is_malloc_allowed(true);
    CHECK(s == tinyml::Status::kOk);
    CHECK(g_eigen_asserts == 0);
  }
}
#endif

int main(int argc, char** argv) {
  if (!file_exists(models_dir() + "/vww_96_float32.tflite")) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::strcmp(ci, "true") == 0) {
      std::fprintf(stderr, "FAIL: shared models not found at %s (CI=true requires them)\n",
                   models_dir().c_str());
      return 1;
    }
    std::printf("SKIP: shared models not found at %s (configure -DTINYML_SHARED_DIR=...)\n",
                models_dir().c_str());
    return 77;
  }
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
