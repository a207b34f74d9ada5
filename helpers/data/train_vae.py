"""Train the VAE of lesson 10c longer than the lesson can, and write its weights.

Run from the repository root:

    .venv/bin/python helpers/data/train_vae.py            # 40 epochs, ~10 min on 2 CPU cores

It builds the model with the lesson's own builder (``helpers.lessons.variational_autoencoder.
build_vae``: the same encoder, decoder, sampling, KL term and ``train_step`` that the lesson
shows), trains it on MNIST's 60,000 training digits, seeded and deterministic, prints each
epoch, the wall time and the final losses on the 10,000 test digits, and writes
``helpers/data/vae_mnist.weights.h5`` with its sha256 (record both in helpers/data/README.md
and in the lesson module's ``WEIGHTS``).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere: import the course's helpers
    sys.path.insert(0, str(ROOT))

import keras
import tensorflow as tf

from helpers import datasets
from helpers.lessons.variational_autoencoder import build_vae, compile_vae

SEED = 0
EPOCHS = 40
BATCH_SIZE = 128  # as in the lesson


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--train-size", type=int, default=60000, help="first N training digits")
    parser.add_argument("--out", type=Path, default=ROOT / "helpers/data/vae_mnist.weights.h5")
    args = parser.parse_args(argv)
    if args.epochs < 1 or not 1 <= args.train_size <= 60000:
        parser.error("--epochs must be >= 1 and --train-size from 1 to 60000")
    if not args.out.name.endswith(".weights.h5"):
        parser.error("--out must end in .weights.h5")

    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    (x_train, _), (x_test, _) = datasets.load_mnist()
    x_train = (x_train[: args.train_size] / 255).astype("float32")
    x_test = (x_test / 255).astype("float32")

    vae = compile_vae(build_vae(seed=SEED))
    started = time.perf_counter()

    class PrintEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            shown = ", ".join(f"{name} {value:.2f}" for name, value in (logs or {}).items())
            print(f"epoch {epoch + 1}/{args.epochs} ({time.perf_counter() - started:.0f} s): "
                  f"{shown}", flush=True)  # fmt: skip

    vae.fit(x_train, epochs=args.epochs, batch_size=BATCH_SIZE, verbose=0,
            callbacks=[PrintEpoch()])  # fmt: skip
    seconds = time.perf_counter() - started
    keras.utils.set_random_seed(SEED)  # the same sampling noise for the test losses every time
    test = vae.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trained = build_vae()
    trained.set_weights(vae.get_weights())
    trained.save_weights(args.out)  # the model's weights only, not the optimizer's
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"trained {args.epochs} epochs on {len(x_train)} digits in {seconds:.0f} s")
    print("test: " + ", ".join(f"{name} {value:.2f}" for name, value in test.items()))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes), sha256 {digest}")
    return {"seconds": seconds, **{f"test_{k}": float(v) for k, v in test.items()}}


if __name__ == "__main__":
    main()
