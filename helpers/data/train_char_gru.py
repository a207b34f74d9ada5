"""Train lesson 10a's character model longer than the lesson can: helpers/data/char_gru.weights.h5.

The model is exactly the lesson's: ``build_char_model`` from ``helpers/lessons/text_generation.py``
(a test checks that this script uses that very function). The data, the split and the
training settings are the lesson's too: Shakespeare's works without Hamlet (held out for
testing), cut into chunks of 100 characters that the model learns to continue one character
ahead at every position; Adam, batch 128. Only the number of steps differs: the lesson runs
``SHORT_STEPS``, this script ``--steps`` (default 1200: about 3.1 passes over the text).

Seeded and deterministic (``keras.utils.set_random_seed`` and op determinism). It prints
progress, the wall time, the bits per character on Hamlet, writes the weights (float32,
about 1 MB) and prints their sha256, to record in helpers/data/README.md and in
``LONG_RUN_WEIGHTS``.

Run from the repository root:
    PYTHONPATH=. .venv/bin/python helpers/data/train_char_gru.py
    PYTHONPATH=. .venv/bin/python helpers/data/train_char_gru.py --steps 5 --out /tmp/x
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from helpers import sequence_data
from helpers.lessons.text_generation import (
    SEQUENCE_LENGTH,
    TEST_WORK,
    build_char_model,
    encode,
)

SEED = 0
BATCH_SIZE = 128
LEARNING_RATE = 0.003
OUT = Path(__file__).resolve().parent


def prepare() -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(characters, x chunks, y chunks, test codes): as in the lesson."""
    works = sequence_data.load_shakespeare(by_work=True)
    characters = "".join(sorted(set("\n".join(works.values()))))
    train_text = "\n".join(text for title, text in works.items() if title != TEST_WORK)
    train_codes = encode(train_text, characters)
    n_chunks = (len(train_codes) - 1) // SEQUENCE_LENGTH
    starts = np.arange(n_chunks) * SEQUENCE_LENGTH
    window = starts[:, None] + np.arange(SEQUENCE_LENGTH + 1)
    chunks = train_codes[window]
    return characters, chunks[:, :-1], chunks[:, 1:], encode(works[TEST_WORK], characters)


def bits_per_character(model: keras.Model, codes: np.ndarray, row_length: int = 500) -> float:
    """Mean -log2 p(next character) over ``codes`` cut into rows of ``row_length``."""
    rows = codes[: len(codes) // row_length * row_length].reshape(-1, row_length)
    logits = model.predict(rows[:, :-1], batch_size=64, verbose=0)
    loss = keras.losses.sparse_categorical_crossentropy(rows[:, 1:], logits, from_logits=True)
    return float(np.mean(loss)) / np.log(2)


class Progress(keras.callbacks.Callback):
    def __init__(self, every: int) -> None:
        super().__init__()
        self.every, self.start = every, time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if (batch + 1) % self.every == 0:
            seconds = time.perf_counter() - self.start
            bits = logs["loss"] / np.log(2)
            print(
                f"step {batch + 1}: {bits:.3f} bits/char (mean so far), {seconds:.0f} s", flush=True
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1200, help="training steps (batches)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the weights")
    parser.add_argument("--test-chars", type=int, default=None, help="evaluate on fewer chars")
    args = parser.parse_args()
    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()

    characters, x_train, y_train, test_codes = prepare()
    if args.test_chars:
        test_codes = test_codes[: args.test_chars]
    rng = np.random.default_rng(SEED)
    order = np.concatenate(
        [rng.permutation(len(x_train)) for _ in range(args.steps * BATCH_SIZE // len(x_train) + 1)]
    )[: args.steps * BATCH_SIZE]
    print(f"{len(characters)} characters, {len(x_train)} chunks; {args.steps} steps", flush=True)

    model = build_char_model(len(characters))
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    start = time.perf_counter()
    model.fit(
        x_train[order], y_train[order], batch_size=BATCH_SIZE, epochs=1, shuffle=False,
        verbose=0, callbacks=[Progress(every=max(args.steps // 20, 1))],
    )  # fmt: skip
    seconds = time.perf_counter() - start
    test_bits = bits_per_character(model, test_codes)
    print(f"trained {args.steps} steps in {seconds:.0f} s ({seconds / 60:.1f} min)")
    print(f"bits per character on {TEST_WORK}: {test_bits:.3f}")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "char_gru.weights.h5"
    model.save_weights(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"wrote {path} ({path.stat().st_size:,} bytes), sha256 {digest}")


if __name__ == "__main__":
    main()
