// SPDX-License-Identifier: Apache-2.0
// RIFF/WAVE parsing from a byte buffer (16-bit PCM, any rate and channel count) and mixing to mono.
//
// Contract: the parser reads only inside [bytes, bytes + size) and never writes; WavInfo points
//   into the caller's buffer, which must outlive it. Samples are little-endian int16, interleaved.
// Numerics: read_mono gives (float32 sum over channels of sample / 32768) / channels, so one
//   channel gives the values tf.audio.decode_wav gives, and two channels are averaged exactly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinyml/config.hpp"
#include "tinyml/core/status.hpp"

namespace tinyml {
inline namespace TINYML_ABI {
namespace audio {

/// What parse_wav found. `pcm` points into the caller's byte buffer.
struct WavInfo {
  std::uint32_t sample_rate = 0;      ///< frames per second
  std::uint16_t channels = 0;         ///< interleaved channels per frame (1 = mono)
  std::uint16_t bits_per_sample = 0;  ///< always 16 after a successful parse
  std::size_t num_frames = 0;         ///< samples per channel
  const std::uint8_t* pcm = nullptr;  ///< first byte of the sample data (may be unaligned)

  /// Duration in seconds.
  double seconds() const noexcept {
    return sample_rate == 0 ? 0.0 : static_cast<double>(num_frames) / sample_rate;
  }
};

namespace detail {
inline std::uint32_t le32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
inline std::uint16_t le16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline bool tag_is(const std::uint8_t* p, const char* tag) noexcept {
  return p[0] == static_cast<std::uint8_t>(tag[0]) && p[1] == static_cast<std::uint8_t>(tag[1]) &&
         p[2] == static_cast<std::uint8_t>(tag[2]) && p[3] == static_cast<std::uint8_t>(tag[3]);
}
inline Status wav_fail(Diag* diag, Status s, const char* what) noexcept {
  if (diag != nullptr) {
    diag->clear();
    *diag << "bad WAV: " << what;
  }
  return s;
}
}  // namespace detail

/// Parses a RIFF/WAVE file held in memory.
///
/// Accepts format tag 1 (PCM) or 0xFFFE (WAVE_FORMAT_EXTENSIBLE with the PCM sub-format), 16 bits
/// per sample, 1..65535 channels, any sample rate > 0. Chunks other than "fmt " and "data" (LIST,
/// fact, ...) are skipped, honouring RIFF's pad byte after odd-sized chunks. The RIFF size field is
/// not trusted (writers get it wrong); a "data" size of 0xFFFFFFFF (streaming writers) means "to
/// the end of the buffer". A trailing partial frame is ignored.
///
/// @returns Status::kOk; kBadArgument for a null/short buffer, a missing RIFF/WAVE header, a
///   missing or malformed "fmt " chunk, a "data" chunk before "fmt ", none at all, or one running
///   past the end of the buffer; kUnsupportedType for compressed or float formats and for sample
///   widths other than 16 bits. `diag` (optional) receives a one-line reason starting "bad WAV: ".
inline Status parse_wav(const void* bytes, std::size_t size, WavInfo* info,
                        Diag* diag = nullptr) noexcept {
  using detail::le16;
  using detail::le32;
  using detail::tag_is;
  using detail::wav_fail;
  if (info == nullptr) return wav_fail(diag, Status::kBadArgument, "no output WavInfo");
  *info = WavInfo{};
  const auto* p = static_cast<const std::uint8_t*>(bytes);
  if (p == nullptr || size < 12) return wav_fail(diag, Status::kBadArgument, "file shorter than a RIFF header");
  if (!tag_is(p, "RIFF") || !tag_is(p + 8, "WAVE")) {
    return wav_fail(diag, Status::kBadArgument, "not a RIFF/WAVE file");
  }
  bool have_fmt = false;
  std::uint16_t block_align = 0;
  std::size_t pos = 12;
  while (pos + 8 <= size) {
    const std::uint8_t* chunk = p + pos;
    const std::uint32_t chunk_size = le32(chunk + 4);
    const std::size_t body = pos + 8;
    const std::size_t remaining = size - body;
    if (tag_is(chunk, "fmt ")) {
      if (chunk_size < 16 || chunk_size > remaining) {
        return wav_fail(diag, Status::kBadArgument, "truncated \"fmt \" chunk");
      }
      const std::uint8_t* f = p + body;
      std::uint16_t format = le16(f);
      info->channels = le16(f + 2);
      info->sample_rate = le32(f + 4);
      block_align = le16(f + 12);
      info->bits_per_sample = le16(f + 14);
      if (format == 0xFFFE) {  // WAVE_FORMAT_EXTENSIBLE: the real tag opens the sub-format GUID
        if (chunk_size < 40) return wav_fail(diag, Status::kBadArgument, "truncated extensible \"fmt \" chunk");
        format = le16(f + 24);
      }
      if (format == 3) return wav_fail(diag, Status::kUnsupportedType, "float samples (only 16-bit PCM is supported)");
      if (format != 1) return wav_fail(diag, Status::kUnsupportedType, "compressed format (only 16-bit PCM is supported)");
      if (info->bits_per_sample != 16) {
        if (diag != nullptr) {
          diag->clear();
          *diag << "bad WAV: " << static_cast<unsigned>(info->bits_per_sample)
                << "-bit samples (only 16-bit PCM is supported)";
        }
        return Status::kUnsupportedType;
      }
      if (info->channels == 0) return wav_fail(diag, Status::kBadArgument, "zero channels");
      if (info->sample_rate == 0) return wav_fail(diag, Status::kBadArgument, "zero sample rate");
      if (block_align != 2u * info->channels) {
        return wav_fail(diag, Status::kBadArgument, "block alignment is not 2 bytes x channels");
      }
      have_fmt = true;
    } else if (tag_is(chunk, "data")) {
      if (!have_fmt) return wav_fail(diag, Status::kBadArgument, "\"data\" chunk before \"fmt \"");
      std::size_t data_bytes = chunk_size;
      if (chunk_size == 0xFFFFFFFFu) {
        data_bytes = remaining;
      } else if (data_bytes > remaining) {
        return wav_fail(diag, Status::kBadArgument, "\"data\" chunk runs past the end of the file");
      }
      info->pcm = p + body;
      info->num_frames = data_bytes / block_align;
      return Status::kOk;
    }
    if (chunk_size > remaining) break;
    pos = body + chunk_size + (chunk_size & 1u);
  }
  const Status s = wav_fail(diag, Status::kBadArgument,
                            have_fmt ? "no \"data\" chunk" : "no \"fmt \" chunk");
  *info = WavInfo{};
  return s;
}

/// One sample of one channel as float (int16 / 32768, in [-1, 1)).
inline float wav_sample(const WavInfo& info, std::size_t frame, std::size_t channel) noexcept {
  TINYML_DCHECK(frame < info.num_frames && channel < info.channels);
  const std::uint8_t* s = info.pcm + 2 * (frame * info.channels + channel);
  const auto v = static_cast<std::int16_t>(detail::le16(s));
  return static_cast<float>(v) * (1.0f / 32768.0f);
}

/// Mixes frames [first, first + count) to mono: the channel average of sample / 32768.
///
/// Contract: `out` holds `count` floats; first + count <= info.num_frames. No allocation.
/// @returns the number of samples written (count, clipped to the frames available).
inline std::size_t read_mono(const WavInfo& info, std::size_t first, std::size_t count,
                             float* out) noexcept {
  if (first >= info.num_frames) return 0;
  if (count > info.num_frames - first) count = info.num_frames - first;
  const auto channels = static_cast<float>(info.channels);
  for (std::size_t i = 0; i < count; ++i) {
    float sum = 0.0f;
    for (std::size_t c = 0; c < info.channels; ++c) sum += wav_sample(info, first + i, c);
    out[i] = sum / channels;
  }
  return count;
}

}  // namespace audio
}  // namespace TINYML_ABI
}  // namespace tinyml
