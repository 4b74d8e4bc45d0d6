# SPDX-License-Identifier: Apache-2.0
"""Shared pieces of tinyml's training tools: seeding, sox/espeak helpers, int8 conversion
(post-training quantization and quantization-aware training), LiteRT evaluation, plots and the
model-card facts (size, MACs, arena bytes from our own `tinyml info`).

Training uses tf_keras (Keras 2) because tensorflow-model-optimization's QAT needs it; see
tools/train/requirements.txt.
"""
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYTHONHASHSEED", "0")

import importlib.metadata as md  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import wave  # noqa: E402

import numpy as np  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def tf_setup(seed):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.get_logger().setLevel("ERROR")
    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    tf.config.experimental.enable_op_determinism()
    return tf


def versions():
    def v(*names):
        for n in names:
            try:
                return md.version(n)
            except md.PackageNotFoundError:
                pass
        return "?"
    tools = {}
    for cmd, flag in (("espeak-ng", "--version"), ("sox", "--version")):
        try:
            out = subprocess.run([cmd, flag], capture_output=True, text=True).stdout.strip()
            tools[cmd] = out.splitlines()[0] if out else "?"
        except OSError:
            tools[cmd] = "not installed"
    return (f"TensorFlow {v('tensorflow', 'tensorflow-cpu')}, tf-keras {v('tf-keras')}, "
            f"tensorflow-model-optimization {v('tensorflow-model-optimization')}, "
            f"ai-edge-litert {v('ai-edge-litert')}, numpy {np.__version__}, "
            f"Python {sys.version.split()[0]}; {tools['espeak-ng']}; {tools['sox']}")


# ---------------------------------------------------------------------------------------------
# Audio I/O and sox
# ---------------------------------------------------------------------------------------------

def read_wav(path):
    """float32 mono samples in [-1, 1) and the rate of a 16-bit PCM WAV."""
    with wave.open(path, "rb") as w:
        rate, ch, n = w.getframerate(), w.getnchannels(), w.getnframes()
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: not 16-bit PCM")
        x = np.frombuffer(w.readframes(n), dtype="<i2").reshape(-1, ch).astype(np.float32)
    return (x.mean(axis=1) / 32768.0).astype(np.float32), rate


def write_wav(path, x, rate=16000):
    pcm = np.clip(np.round(np.asarray(x, np.float64) * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def sox(args, tmpdir):
    """Runs sox (-R: repeatable, so dithering and noise are deterministic)."""
    subprocess.run(["sox", "-R", "-q"] + args, check=True, cwd=tmpdir)


def sox_noise(color, seconds, rate=16000):
    """`sox -n synth <seconds> <color>noise` as float32 samples (deterministic with -R)."""
    with tempfile.TemporaryDirectory() as d:
        sox(["-n", "-r", str(rate), "-b", "16", "-c", "1", "n.wav", "synth", str(seconds),
             color + "noise"], d)
        x, _ = read_wav(os.path.join(d, "n.wav"))
    return x


def sox_effects(x, effects, rate=16000):
    """Passes float samples through a sox effects chain (e.g. reverb, tempo)."""
    with tempfile.TemporaryDirectory() as d:
        write_wav(os.path.join(d, "in.wav"), x, rate)
        sox(["in.wav", "-r", str(rate), "-b", "16", "-c", "1", "out.wav"] + effects, d)
        y, _ = read_wav(os.path.join(d, "out.wav"))
    return y


# ---------------------------------------------------------------------------------------------
# Conversion and evaluation
# ---------------------------------------------------------------------------------------------

def convert_int8(model, representative):
    """Full-integer int8 conversion (int8 input and output) of a tf_keras model, float or QAT."""
    import tensorflow as tf
    c = tf.lite.TFLiteConverter.from_keras_model(model)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.representative_dataset = lambda: ([r[None].astype(np.float32)] for r in representative)
    c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    c.inference_input_type = tf.int8
    c.inference_output_type = tf.int8
    return c.convert()


def quantize_aware(model, x, y, epochs, lr, batch, loss, seed):
    """Quantization-aware fine-tuning (tensorflow-model-optimization) of a trained float model:
    range calibration (~3000 steps at learning rate 0), then `epochs` of fine-tuning at `lr`."""
    import tensorflow_model_optimization as tfmot
    import tf_keras as keras
    tf = tf_setup(seed)
    q = tfmot.quantization.keras.quantize_model(model)
    # Calibration first: the activation quantizers start at [-6, 6] and follow the data by a
    # moving average (decay 0.999), which takes thousands of steps; fine-tuning before they
    # converge trains against clipped ranges (e.g. the AD autoencoder's dB values). So run
    # ~3000 training-mode steps with a zero learning rate (only the ranges and batch-norm
    # statistics move), then fine-tune.
    cal_batch = 32
    cal_epochs = max(1, -(-3000 * cal_batch // len(x)))
    q.compile(optimizer=keras.optimizers.SGD(0.0), loss=loss)
    q.fit(x, y, epochs=cal_epochs, batch_size=cal_batch, verbose=0, shuffle=True)
    q.compile(optimizer=keras.optimizers.Adam(lr), loss=loss,
              metrics=["accuracy"] if loss != "mse" else [])
    q.fit(x, y, epochs=epochs, batch_size=batch, verbose=0, shuffle=True)
    del tf
    return q


class Int8Runner:
    """LiteRT reference-kernel interpreter (BUILTIN_REF) for an int8-in/int8-out model."""

    def __init__(self, model_bytes):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
        self.it = Interpreter(model_content=model_bytes,
                              experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        self.it.allocate_tensors()
        self.i = self.it.get_input_details()[0]
        self.o = self.it.get_output_details()[0]
        self.in_scale, self.in_zp = self.i["quantization"]
        self.out_scale, self.out_zp = self.o["quantization"]

    def quantize(self, x):
        return np.clip(np.round(x / self.in_scale) + self.in_zp, -128, 127).astype(np.int8)

    def run_q(self, q):
        self.it.set_tensor(self.i["index"], q.reshape(self.i["shape"]))
        self.it.invoke()
        return self.it.get_tensor(self.o["index"]).reshape(-1).copy()

    def run(self, x):
        """Float input -> dequantized float output."""
        out = self.run_q(self.quantize(x))
        return (out.astype(np.float32) - self.out_zp) * self.out_scale

    def ops(self):
        return sorted({d["op_name"] for d in self.it._get_ops_details()})


def tinyml_info(model_path):
    """(arena_bytes, macs) from our own CLI (build/tinyml info), or (None, None)."""
    cli = os.path.join(ROOT, "build", "tinyml")
    if not os.path.exists(cli):
        return None, None
    out = subprocess.run([cli, "info", model_path], capture_output=True, text=True).stdout
    arena = macs = None
    for line in out.splitlines():
        for key in ("arena_bytes", "total_macs"):
            if line.strip().startswith(key):
                val = line.split(":", 1)[1].strip().split()[0].replace(",", "")
                if val.isdigit():
                    if key == "arena_bytes":
                        arena = int(val)
                    else:
                        macs = int(val)
    return arena, macs


def confusion_png(cm, labels, title, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(labels), 0.8 + 0.5 * len(labels)))
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    hi = cm.max() if cm.size else 1
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            if cm[i, j]:
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if cm[i, j] > hi / 2 else "black")
    fig.tight_layout()
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)
