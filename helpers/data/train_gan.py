"""Train the GAN of lesson 11a longer than the lesson can, and write its generator's weights.

Run from the repository root:

    .venv/bin/python helpers/data/train_gan.py            # 15 epochs, ~15 min on 2 CPU cores

It builds the model with the lesson's own builder (``helpers.lessons.gans.build_gan``: the same
generator, discriminator, losses and ``train_step`` that the lesson shows), trains it on
MNIST's 60,000 training digits, seeded and deterministic, prints each epoch and the wall time,
and writes ``helpers/data/gan_generator.weights.h5`` (the generator only: the lesson only
samples from it) with its sha256 (record both in helpers/data/README.md and in the lesson
module's ``WEIGHTS``).
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
from helpers.lessons.gans import build_gan, build_generator, compile_gan

SEED = 0
EPOCHS = 15
BATCH_SIZE = 128  # as in the lesson


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--train-size", type=int, default=60000, help="first N training digits")
    parser.add_argument("--out", type=Path, default=ROOT / "helpers/data/gan_generator.weights.h5")
    args = parser.parse_args(argv)
    if args.epochs < 1 or not 1 <= args.train_size <= 60000:
        parser.error("--epochs must be >= 1 and --train-size from 1 to 60000")
    if not args.out.name.endswith(".weights.h5"):
        parser.error("--out must end in .weights.h5")

    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    (x_train, _), _ = datasets.load_mnist()
    x_train = (x_train[: args.train_size] / 255).astype("float32")

    gan = compile_gan(build_gan(seed=SEED))
    started = time.perf_counter()

    class PrintEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            shown = ", ".join(f"{name} {value:.3f}" for name, value in (logs or {}).items())
            print(f"epoch {epoch + 1}/{args.epochs} ({time.perf_counter() - started:.0f} s): "
                  f"{shown}", flush=True)  # fmt: skip

    history = gan.fit(x_train, epochs=args.epochs, batch_size=BATCH_SIZE, verbose=0,
                      callbacks=[PrintEpoch()]).history  # fmt: skip
    seconds = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    generator = build_generator()
    generator.set_weights(gan.generator.get_weights())
    generator.save_weights(args.out)  # the generator's weights only, not the optimizer's
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"trained {args.epochs} epochs on {len(x_train)} digits in {seconds:.0f} s")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes), sha256 {digest}")
    return {"seconds": seconds, **{name: float(values[-1]) for name, values in history.items()}}


if __name__ == "__main__":
    main()
