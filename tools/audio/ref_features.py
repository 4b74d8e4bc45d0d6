#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reference audio features computed with tf.signal and librosa, for checking tinyml::audio.

  ref_features.py WAV... [--out-dir DIR]      # <stem>.mfcc.bin per WAV: float32 [49, 10]
  ref_features.py WAV... --ad [--pad-mode constant]  # <stem>.ad_logmel.bin: MLPerf AD [frames, 128]
  ref_features.py --test-data tests/data/audio  # every reference file the audio test reads

The MFCCs are the MLPerf Tiny KWS features, written with the same TensorFlow ops as the MLPerf
training code (get_dataset.py): the clip divided by tf.reduce_max (its signed maximum), zero-padded
at the end to 16000 samples, tf.signal.stft(frame_length=480, frame_step=320, fft_length=512,
window_fn=tf.signal.hann_window) (periodic Hann, pad_end=False: 49 frames), tf.abs,
tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20, 4000), log(x + 1e-6),
tf.signal.mfccs_from_log_mel_spectrograms(...)[..., :10].

Before that, a WAV goes through the same steps as tinyml::audio: 16-bit PCM / 32768, channels
averaged to mono, and, when its rate is not 16 kHz, tinyml's windowed-sinc resampler (written out
again below in float64 numpy; it is defined in include/tinyml/audio/resample.hpp).

The MLPerf Tiny anomaly-detection features (--test-data, and --ad for single files) are written
with librosa exactly as mlcommons/tiny's training/anomaly_detection/common.py makes them:
librosa.feature.melspectrogram(y, sr=16000, n_fft=1024, hop_length=512, n_mels=128, power=2.0)
(librosa defaults otherwise: periodic Hann, center=True, Slaney mel scale and norm, fmin 0,
fmax 8000), then 20 / power * log10(mel + sys.float_info.epsilon): [frames, 128] dB, frames =
1 + n // 512. MLPerf pinned librosa 0.6.0, whose stft padded the centred edges with
pad_mode='reflect'; librosa 0.11 pads with zeros ('constant'). <stem>.ad_logmel.bin uses
'reflect' (tinyml's mlperf_ad default), <stem>.ad_logmel_constant.bin (a few clips) 'constant'.

--test-data also writes the two mel matrices ([257, 40] float32: TensorFlow's, and librosa's
Slaney-scale, Slaney-normalised one), one log-mel spectrogram through the Slaney filterbank, a slice
of resampled samples, and MANIFEST.txt with the versions used (TensorFlow, numpy, librosa).
Needs tools/requirements.txt; --test-data also needs librosa (pip install librosa==0.11.0).
"""
import argparse
import pathlib
import sys
import wave

import numpy as np

KWS_RATE = 16000
KWS_SAMPLES = 16000
FRAME_LENGTH, FRAME_STEP, FFT_LENGTH = 480, 320, 512
NUM_MELS, LOWER_HZ, UPPER_HZ, NUM_MFCC = 40, 20.0, 4000.0, 10
LOG_OFFSET = 1e-6

# tinyml::audio::resample parameters (resample.hpp): Hann-windowed sinc, 16 zero crossings per
# side, cutoff 0.95 x the lower Nyquist frequency.
RESAMPLE_ZERO_CROSSINGS = 16
RESAMPLE_ROLLOFF = 0.95


def read_wav(path):
    """(rate, int16 array [frames, channels]) of a 16-bit PCM WAV."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise SystemExit(f"{path}: only 16-bit PCM is supported")
        rate, channels, n = w.getframerate(), w.getnchannels(), w.getnframes()
        data = np.frombuffer(w.readframes(n), dtype="<i2").reshape(-1, channels)
    return rate, data


def to_mono(pcm):
    """Channel average of int16 / 32768, as tinyml::audio::read_mono (float32)."""
    x = pcm.astype(np.float32) / np.float32(32768.0)
    return (x.sum(axis=1, dtype=np.float32) / np.float32(pcm.shape[1])).astype(np.float32)


def resample(x, rate_in, rate_out):
    """tinyml::audio::resample in float64: y[j] = sum_i x[i] h(t_j - i), t_j = j*rate_in/rate_out,
    h(d) = sin(pi*rc*d)/(pi*d) * (0.5 + 0.5*cos(pi*d/half)) for |d| < half, rc = rolloff *
    min(rate_in, rate_out) / rate_in, half = zero_crossings / rc; samples outside the input are 0;
    ceil(n*rate_out/rate_in) outputs."""
    if rate_in == rate_out:
        return x.astype(np.float32)
    n_in = len(x)
    n_out = (n_in * rate_out + rate_in - 1) // rate_in
    rc = RESAMPLE_ROLLOFF * min(rate_in, rate_out) / rate_in
    half = RESAMPLE_ZERO_CROSSINGS / rc
    j = np.arange(n_out, dtype=np.int64)
    q = (j * rate_in) // rate_out
    frac = ((j * rate_in) % rate_out).astype(np.float64) / rate_out
    reach = int(np.ceil(half)) + 1
    k = np.arange(-reach, reach + 1, dtype=np.int64)
    i = q[:, None] + k[None, :]
    d = frac[:, None] - k[None, :].astype(np.float64)
    valid = (np.abs(d) < half) & (i >= 0) & (i < n_in)
    with np.errstate(invalid="ignore", divide="ignore"):
        sinc = np.where(d == 0.0, rc, np.sin(np.pi * rc * d) / (np.pi * d))
    h = sinc * (0.5 + 0.5 * np.cos(np.pi * d / half))
    xs = np.where(valid, x.astype(np.float64)[np.clip(i, 0, n_in - 1)], 0.0)
    return (xs * np.where(valid, h, 0.0)).sum(axis=1).astype(np.float32)


def load_mono_16k(path):
    rate, pcm = read_wav(path)
    return resample(to_mono(pcm), rate, KWS_RATE)


def tf_stft_magnitude(clip):
    import tensorflow as tf
    x = tf.constant(clip[:KWS_SAMPLES], dtype=tf.float32)
    x = x / tf.reduce_max(x)
    x = tf.pad(x, [[0, KWS_SAMPLES - tf.shape(x)[-1]]])
    stfts = tf.signal.stft(x, frame_length=FRAME_LENGTH, frame_step=FRAME_STEP, fft_length=None,
                           window_fn=tf.signal.hann_window)
    return tf.abs(stfts)


def tf_mel_matrix():
    import tensorflow as tf
    return tf.signal.linear_to_mel_weight_matrix(NUM_MELS, FFT_LENGTH // 2 + 1, KWS_RATE,
                                                 LOWER_HZ, UPPER_HZ)


def mlperf_kws_mfcc(clip):
    """float32 [49, 10]: the MLPerf KWS features of a 16 kHz mono clip (see module doc)."""
    import tensorflow as tf
    spectrograms = tf_stft_magnitude(clip)
    mel = tf.tensordot(spectrograms, tf_mel_matrix(), 1)
    log_mel = tf.math.log(mel + LOG_OFFSET)
    mfccs = tf.signal.mfccs_from_log_mel_spectrograms(log_mel)[..., :NUM_MFCC]
    return mfccs.numpy().astype(np.float32)


def mlperf_kws_mfcc_float64(clip):
    """The same features in float64 numpy: shows how far TensorFlow's own float32 result is from
    the exact value (printed for information)."""
    x = clip[:KWS_SAMPLES].astype(np.float64)
    x = np.pad(x / x.max(), (0, KWS_SAMPLES - len(x)))
    n = np.arange(FRAME_LENGTH)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * n / FRAME_LENGTH)
    frames = np.stack([x[s:s + FRAME_LENGTH] * window
                       for s in range(0, KWS_SAMPLES - FRAME_LENGTH + 1, FRAME_STEP)])
    spec = np.abs(np.fft.rfft(frames, FFT_LENGTH))
    mel = spec @ tf_mel_matrix().numpy().astype(np.float64)
    log_mel = np.log(mel + LOG_OFFSET)
    k = np.arange(NUM_MELS)
    dct = 2 * np.cos(np.pi * np.outer(np.arange(NUM_MELS), 2 * k + 1) / (2 * NUM_MELS))
    return (log_mel @ dct.T / np.sqrt(2 * NUM_MELS))[:, :NUM_MFCC]


def librosa_slaney_matrix():
    """[257, 40]: librosa.filters.mel(htk=False, norm='slaney') transposed."""
    import librosa
    m = librosa.filters.mel(sr=KWS_RATE, n_fft=FFT_LENGTH, n_mels=NUM_MELS, fmin=LOWER_HZ,
                            fmax=UPPER_HZ, htk=False, norm="slaney", dtype=np.float32)
    return np.ascontiguousarray(m.T)


def slaney_log_mel(clip):
    """float32 [49, 40]: |STFT|^2 (tf.signal, MLPerf framing) through librosa's Slaney filterbank,
    then log(x + 1e-6)."""
    import tensorflow as tf
    power = tf.math.square(tf_stft_magnitude(clip))
    mel = tf.tensordot(power, tf.constant(librosa_slaney_matrix()), 1)
    return tf.math.log(mel + LOG_OFFSET).numpy().astype(np.float32)


AD_RATE, AD_FFT, AD_HOP, AD_MELS, AD_POWER = 16000, 1024, 512, 128, 2.0
# Clips that also get a pad_mode='constant' (librosa >= 0.10 default) reference.
AD_CONSTANT_PAD_CLIPS = ("ad_hum_16k", "speech_yes_16k")


def mlperf_ad_logmel(y, pad_mode="reflect"):
    """float32 [frames, 128]: the MLPerf AD log-mel frames of a 16 kHz mono clip (module doc)."""
    import librosa
    mel = librosa.feature.melspectrogram(y=y, sr=AD_RATE, n_fft=AD_FFT, hop_length=AD_HOP,
                                         n_mels=AD_MELS, power=AD_POWER, pad_mode=pad_mode)
    log_mel = 20.0 / AD_POWER * np.log10(mel + sys.float_info.epsilon)
    return np.ascontiguousarray(log_mel.T).astype(np.float32)


def mlperf_ad_logmel_float64(y, pad_mode="reflect"):
    """The same in float64 numpy (own framing, librosa's filterbank in float64): how far librosa's
    float32 result is from the exact value (printed for information)."""
    import librosa
    x = np.pad(y.astype(np.float64), AD_FFT // 2, mode=pad_mode)
    n = np.arange(AD_FFT)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * n / AD_FFT)
    frames = np.stack([x[s:s + AD_FFT] * window for s in range(0, len(y) // AD_HOP * AD_HOP + 1, AD_HOP)])
    power = np.abs(np.fft.rfft(frames, AD_FFT)) ** 2
    fb = librosa.filters.mel(sr=AD_RATE, n_fft=AD_FFT, n_mels=AD_MELS, dtype=np.float64)
    return 10.0 * np.log10(power @ fb.T + sys.float_info.epsilon)


def write(path, array, manifest, note):
    a = np.ascontiguousarray(array, dtype=np.float32)
    a.astype("<f4").tofile(path)
    manifest.append(f"{path.name}: float32 little-endian {list(a.shape)}; {note}")


def make_test_data(folder):
    import tensorflow as tf
    import librosa
    folder = pathlib.Path(folder)
    manifest = [
        "# Reference features for tests/audio (generated by tools/audio/make_test_wavs.sh,",
        "# which calls tools/audio/ref_features.py --test-data). Raw little-endian float32, row-major.",
        f"# tensorflow {tf.__version__}, numpy {np.__version__}, librosa {librosa.__version__}, "
        f"python {sys.version.split()[0]}",
    ]
    wavs = sorted(folder.glob("*.wav"))
    if not wavs:
        raise SystemExit(f"no .wav files in {folder}")
    for wav in wavs:
        rate, pcm = read_wav(wav)
        mono = load_mono_16k(wav)
        mfcc = mlperf_kws_mfcc(mono)
        exact = mlperf_kws_mfcc_float64(mono)
        err = np.abs(mfcc.astype(np.float64) - exact)
        print(f"{wav.name}: {rate} Hz x {pcm.shape[1]} ch, {pcm.shape[0]} frames; TF float32 vs "
              f"float64: max {err.max():.2e} mean {err.mean():.2e}")
        write(folder / f"{wav.stem}.mfcc.bin", mfcc, manifest,
              f"MLPerf KWS MFCCs of {wav.name} ({rate} Hz, {pcm.shape[1]} channel(s))")
        for pad_mode in ("reflect", "constant"):
            if pad_mode == "constant" and wav.stem not in AD_CONSTANT_PAD_CLIPS:
                continue
            ad = mlperf_ad_logmel(mono, pad_mode)
            ad_err = np.abs(ad.astype(np.float64) - mlperf_ad_logmel_float64(mono, pad_mode))
            print(f"  AD log-mel ({pad_mode}) {list(ad.shape)}: librosa float32 vs float64: max "
                  f"{ad_err.max():.2e} dB, mean {ad_err.mean():.2e} dB")
            suffix = "" if pad_mode == "reflect" else "_constant"
            write(folder / f"{wav.stem}.ad_logmel{suffix}.bin", ad, manifest,
                  f"MLPerf AD log-mel frames (dB) of {wav.name}, librosa pad_mode='{pad_mode}'")
        if rate != KWS_RATE:
            write(folder / f"{wav.stem}.mono16k_8000_8400.bin", mono[8000:8400], manifest,
                  f"samples 8000..8399 of {wav.name} mixed to mono and resampled to 16 kHz "
                  "(float64 numpy of the tinyml resampler)")
            try:
                from scipy.signal import resample_poly
                g = np.gcd(rate, KWS_RATE)
                poly = resample_poly(to_mono(pcm).astype(np.float64), KWS_RATE // g, rate // g)
                d = np.abs(poly[:len(mono)] - mono)
                print(f"  resampler vs scipy resample_poly: max {d.max():.2e} "
                      f"(peak {np.abs(mono).max():.3f}; for information)")
            except ImportError:
                pass
    yes = load_mono_16k(folder / "speech_yes_16k.wav")
    write(folder / "speech_yes_16k.logmel_slaney.bin", slaney_log_mel(yes), manifest,
          "log(|STFT|^2 (MLPerf framing) x librosa Slaney mel + 1e-6) of speech_yes_16k.wav")
    write(folder / "mel_tf_257x40.bin", tf_mel_matrix().numpy(), manifest,
          "tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20, 4000)")
    write(folder / "mel_librosa_slaney_257x40.bin", librosa_slaney_matrix(), manifest,
          "librosa.filters.mel(sr=16000, n_fft=512, n_mels=40, fmin=20, fmax=4000, htk=False, "
          "norm='slaney').T")
    (folder / "MANIFEST.txt").write_text("\n".join(manifest) + "\n")
    print(f"wrote {len(manifest) - 3} reference files and MANIFEST.txt to {folder}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("wavs", nargs="*", help="WAV files (16-bit PCM, any rate and channel count)")
    p.add_argument("--out-dir", default=None, help="where to write <stem>.mfcc.bin (default: beside each WAV)")
    p.add_argument("--test-data", default=None, help="write every reference of tests/data/audio into this folder")
    p.add_argument("--ad", action="store_true",
                   help="for the WAV arguments, write <stem>.ad_logmel.bin (MLPerf AD frames) instead of MFCCs")
    p.add_argument("--pad-mode", default="reflect", choices=("reflect", "constant"),
                   help="--ad: librosa's centred-frame padding (default reflect, as MLPerf's librosa 0.6)")
    a = p.parse_args()
    if a.test_data:
        make_test_data(a.test_data)
    for wav in map(pathlib.Path, a.wavs):
        out = pathlib.Path(a.out_dir) if a.out_dir else wav.parent
        if a.ad:
            ad = mlperf_ad_logmel(load_mono_16k(wav), a.pad_mode)
            ad.astype("<f4").tofile(out / f"{wav.stem}.ad_logmel.bin")
            print(f"{out / (wav.stem + '.ad_logmel.bin')}: {ad.shape}")
            continue
        mfcc = mlperf_kws_mfcc(load_mono_16k(wav))
        mfcc.astype("<f4").tofile(out / f"{wav.stem}.mfcc.bin")
        print(f"{out / (wav.stem + '.mfcc.bin')}: {mfcc.shape}")
    if not a.test_data and not a.wavs:
        p.error("give WAV files or --test-data")


if __name__ == "__main__":
    main()
