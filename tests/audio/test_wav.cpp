// SPDX-License-Identifier: Apache-2.0
// WAV parsing: the committed clips, hand-built headers (extensible format, odd-sized chunks,
// streaming sizes), refusals with their messages, and every truncation of a valid file.
#include <cstdint>
#include <string>
#include <vector>

#include "audio_support.hpp"

using tinyml::Status;
using tinyml::audio::parse_wav;
using tinyml::audio::WavInfo;
using namespace tinyml_audio_test;

namespace {

void put16(std::vector<std::uint8_t>& v, std::uint32_t x) {
  v.push_back(static_cast<std::uint8_t>(x & 0xFF));
  v.push_back(static_cast<std::uint8_t>((x >> 8) & 0xFF));
}
void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  put16(v, x & 0xFFFF);
  put16(v, x >> 16);
}
void tag(std::vector<std::uint8_t>& v, const char* t) { v.insert(v.end(), t, t + 4); }

struct WavSpec {
  std::uint16_t format = 1;
  std::uint16_t channels = 1;
  std::uint32_t rate = 16000;
  std::uint16_t bits = 16;
  bool extensible = false;
  std::uint16_t sub_format = 1;
  bool list_chunk = false;         // an odd-sized LIST chunk (with its pad byte) before "data"
  bool data_before_fmt = false;
  std::uint32_t data_size_override = 0;  // 0: the real size
  std::vector<std::int16_t> samples;
};

std::vector<std::uint8_t> build(const WavSpec& s) {
  std::vector<std::uint8_t> fmt_chunk, data_chunk, v;
  tag(fmt_chunk, "fmt ");
  put32(fmt_chunk, s.extensible ? 40 : 16);
  put16(fmt_chunk, s.extensible ? 0xFFFE : s.format);
  put16(fmt_chunk, s.channels);
  put32(fmt_chunk, s.rate);
  put32(fmt_chunk, s.rate * s.channels * s.bits / 8);
  put16(fmt_chunk, static_cast<std::uint32_t>(s.channels * s.bits / 8));
  put16(fmt_chunk, s.bits);
  if (s.extensible) {
    put16(fmt_chunk, 22);
    put16(fmt_chunk, s.bits);
    put32(fmt_chunk, 0);
    put16(fmt_chunk, s.sub_format);  // GUID 0000xxxx-0000-0010-8000-00aa00389b71
    const std::uint8_t guid_rest[14] = {0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71};
    fmt_chunk.insert(fmt_chunk.end(), guid_rest, guid_rest + 14);
  }
  tag(data_chunk, "data");
  put32(data_chunk, s.data_size_override != 0 ? s.data_size_override
                                              : static_cast<std::uint32_t>(s.samples.size() * 2));
  for (std::int16_t x : s.samples) put16(data_chunk, static_cast<std::uint16_t>(x));
  tag(v, "RIFF");
  put32(v, 0);  // patched below
  tag(v, "WAVE");
  if (s.data_before_fmt) v.insert(v.end(), data_chunk.begin(), data_chunk.end());
  v.insert(v.end(), fmt_chunk.begin(), fmt_chunk.end());
  if (s.list_chunk) {
    tag(v, "LIST");
    put32(v, 5);
    const char info[6] = "INFOx";
    v.insert(v.end(), info, info + 5);
    v.push_back(0);  // pad byte
  }
  if (!s.data_before_fmt) v.insert(v.end(), data_chunk.begin(), data_chunk.end());
  const auto riff = static_cast<std::uint32_t>(v.size() - 8);
  for (int i = 0; i < 4; ++i) v[4 + i] = static_cast<std::uint8_t>(riff >> (8 * i));
  return v;
}

}  // namespace

TEST_CASE("parse_wav reads the committed 16 kHz mono and 44.1 kHz stereo clips") {
  const tinyml_test::Bytes mono = tinyml_test::read_file(data_dir() + "/speech_yes_16k.wav");
  REQUIRE_FALSE(mono.empty());
  WavInfo info;
  REQUIRE(parse_wav(mono.data(), mono.size, &info) == Status::kOk);
  CHECK(info.sample_rate == 16000);
  CHECK(info.channels == 1);
  CHECK(info.bits_per_sample == 16);
  CHECK(info.num_frames == 16000);
  CHECK(info.seconds() == doctest::Approx(1.0));

  const tinyml_test::Bytes stereo = tinyml_test::read_file(data_dir() + "/stereo_go_44k.wav");
  REQUIRE_FALSE(stereo.empty());
  REQUIRE(parse_wav(stereo.data(), stereo.size, &info) == Status::kOk);
  CHECK(info.sample_rate == 44100);
  CHECK(info.channels == 2);
  CHECK(info.num_frames == 44100);
  // The channels differ (right = half the word plus noise), and mono is their exact average.
  std::vector<float> m(info.num_frames);
  REQUIRE(tinyml::audio::read_mono(info, 0, info.num_frames, m.data()) == info.num_frames);
  int differing = 0;
  for (std::size_t i = 0; i < info.num_frames; ++i) {
    const float l = tinyml::audio::wav_sample(info, i, 0), r = tinyml::audio::wav_sample(info, i, 1);
    differing += l != r ? 1 : 0;
    REQUIRE(m[i] == (l + r) * 0.5f);
  }
  CHECK(differing > 40000);
}

TEST_CASE("parse_wav: PCM variants it accepts") {
  WavSpec s;
  s.samples = {0, 1, -1, 32767, -32768, 1234};
  SUBCASE("plain PCM, sample values") {
    const auto v = build(s);
    WavInfo info;
    REQUIRE(parse_wav(v.data(), v.size(), &info) == Status::kOk);
    REQUIRE(info.num_frames == 6);
    CHECK(tinyml::audio::wav_sample(info, 3, 0) == 32767.0f / 32768.0f);
    CHECK(tinyml::audio::wav_sample(info, 4, 0) == -1.0f);
    CHECK(tinyml::audio::wav_sample(info, 2, 0) == -1.0f / 32768.0f);
  }
  SUBCASE("WAVE_FORMAT_EXTENSIBLE with the PCM sub-format, and an odd-sized LIST chunk") {
    s.extensible = true;
    s.list_chunk = true;
    s.channels = 3;
    s.samples = {300, 600, 900, -3, -6, 9};
    const auto v = build(s);
    WavInfo info;
    REQUIRE(parse_wav(v.data(), v.size(), &info) == Status::kOk);
    CHECK(info.channels == 3);
    REQUIRE(info.num_frames == 2);
    float m[2];
    CHECK(tinyml::audio::read_mono(info, 0, 5, m) == 2);  // clipped to the frames available
    CHECK(m[0] == doctest::Approx(600.0 / 32768.0));
    CHECK(m[1] == doctest::Approx(0.0));
  }
  SUBCASE("streaming writers' data size 0xFFFFFFFF means the rest of the file") {
    s.data_size_override = 0xFFFFFFFFu;
    const auto v = build(s);
    WavInfo info;
    REQUIRE(parse_wav(v.data(), v.size(), &info) == Status::kOk);
    CHECK(info.num_frames == 6);
  }
  SUBCASE("a trailing partial frame is ignored") {
    s.channels = 2;
    s.data_size_override = 10;  // 2.5 frames of 4 bytes
    auto v = build(s);
    WavInfo info;
    REQUIRE(parse_wav(v.data(), v.size(), &info) == Status::kOk);
    CHECK(info.num_frames == 2);
  }
}

TEST_CASE("parse_wav refuses what it cannot read, with a one-line reason") {
  WavSpec s;
  s.samples = {1, 2, 3, 4};
  WavInfo info;
  tinyml::Diag diag;
  auto expect = [&](const std::vector<std::uint8_t>& v, Status want, const char* fragment) {
    CAPTURE(fragment);
    CHECK(parse_wav(v.data(), v.size(), &info, &diag) == want);
    const std::string msg = diag.c_str();
    CHECK_MESSAGE(msg.find(fragment) != std::string::npos, msg);
    CHECK(msg.rfind("bad WAV: ", 0) == 0);
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(info.pcm == nullptr);
  };
  SUBCASE("8-bit") {
    s.bits = 8;
    expect(build(s), Status::kUnsupportedType, "8-bit samples");
  }
  SUBCASE("24-bit") {
    s.bits = 24;
    expect(build(s), Status::kUnsupportedType, "24-bit samples");
  }
  SUBCASE("float") {
    s.format = 3;
    s.bits = 32;
    expect(build(s), Status::kUnsupportedType, "float samples");
  }
  SUBCASE("compressed (extensible, non-PCM sub-format)") {
    s.extensible = true;
    s.sub_format = 2;
    expect(build(s), Status::kUnsupportedType, "compressed");
  }
  SUBCASE("data runs past the end") {
    auto v = build(s);
    v.resize(v.size() - 1);
    expect(v, Status::kBadArgument, "past the end");
  }
  SUBCASE("data before fmt") {
    s.data_before_fmt = true;
    expect(build(s), Status::kBadArgument, "before");
  }
  SUBCASE("no data chunk") {
    auto v = build(s);
    v.resize(12 + 8 + 16);  // header + fmt chunk only
    expect(v, Status::kBadArgument, "no \"data\" chunk");
  }
  SUBCASE("not RIFF") {
    auto v = build(s);
    v[0] = 'X';
    expect(v, Status::kBadArgument, "not a RIFF/WAVE file");
  }
  SUBCASE("too short") {
    expect(std::vector<std::uint8_t>(8, 0), Status::kBadArgument, "shorter than a RIFF header");
  }
  SUBCASE("zero channels") {
    s.channels = 0;
    expect(build(s), Status::kBadArgument, "zero channels");
  }
}

TEST_CASE("parse_wav: every truncation and single-byte corruption of a header is handled") {
  WavSpec s;
  s.list_chunk = true;
  s.samples = {1, -2, 3, -4, 5};
  const auto good = build(s);
  int refused = 0;
  for (std::size_t n = 0; n < good.size(); ++n) {
    // A heap copy of exactly n bytes, so ASan sees any read past the end.
    std::vector<std::uint8_t> v(good.begin(), good.begin() + static_cast<long>(n));
    WavInfo info;
    const Status st = parse_wav(v.empty() ? nullptr : v.data(), v.size(), &info);
    refused += st != Status::kOk ? 1 : 0;
    if (st == Status::kOk) CHECK(info.pcm + info.num_frames * 2 * info.channels <= v.data() + v.size());
  }
  CHECK(refused == static_cast<int>(good.size()));
  for (std::size_t i = 0; i < 60 && i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<std::uint8_t> v = good;
      v[i] = static_cast<std::uint8_t>(v[i] ^ (1u << bit));
      WavInfo info;
      if (parse_wav(v.data(), v.size(), &info) == Status::kOk) {
        CHECK(info.pcm + info.num_frames * 2 * info.channels <= v.data() + v.size());
        CHECK(info.bits_per_sample == 16);
      }
    }
  }
}
