"""Lesson 06 helpers: exercise checks, dropout visualizer, LiveFigure buttons."""

import copy

import ipywidgets
import numpy as np
import pytest

from helpers import widgets
from helpers.lessons import regularization as lesson

# ---------------------------------------------------------------- exercise 2: inverted dropout


def dropout_correct(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def exact_count(x, rate, rng):  # always drops exactly rate * size entries (not independent)
    flat = (x / (1 - rate)).ravel()
    flat[rng.permutation(flat.size)[: round(rate * flat.size)]] = 0
    return flat.reshape(x.shape)


def in_place(x, rate, rng):  # right values, but the caller's array is overwritten
    x[rng.random(x.shape) < rate] = 0
    x /= 1 - rate
    return x


def test_inverted_dropout_accepts_a_correct_answer(capsys):
    assert lesson.exercise_inverted_dropout(dropout_correct)
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (
            lambda x, rate, rng: np.where(rng.random(x.shape) >= rate, x, 0.0),
            "Divide the survivors",
        ),
        (lambda x, rate, rng: np.where(rng.random(x.shape) >= rate, x * (1 - rate), 0.0), "Divide"),
        (
            lambda x, rate, rng: np.where(rng.random(x.shape) < rate, x / rate, 0.0),
            "probability to DROP",
        ),
        (lambda x, rate, rng: x, "of units are 0"),
        (
            lambda x, rate, rng: np.where(rng.random(x.shape[1]) >= rate, x / (1 - rate), 0.0)[:1],
            "shape",
        ),
        (lambda x, rate, rng: None, "return"),
        # added in the review of issue 14 (the first two passed before, the others got a
        # generic hint):
        (exact_count, "exactly rate * size"),
        (in_place, "changed its input x in place"),
        (
            lambda x, rate, rng: np.where(rng.random(x.shape) >= rate, x / rate, 0.0),
            "not by rate",
        ),
        (
            lambda x, rate, rng: np.where(rng.random(x.shape) >= rate, 1 / (1 - rate), 0.0),
            "scaled mask itself",
        ),
        (
            lambda x, rate, rng: np.where(rng.random(x.shape) >= rate, x / (1 - rate), x),
            "no entry became 0",
        ),
    ],
)
def test_inverted_dropout_rejects_wrong_answers(wrong, hint, capsys):
    assert not lesson.exercise_inverted_dropout(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def first_entries(x, rate, rng):  # deterministic: zero the first rate * size entries
    flat = (x / (1 - rate)).ravel()
    flat[: round(rate * flat.size)] = 0
    return flat.reshape(x.shape)


def same_mask_for_every_row(x, rate, rng):
    return np.where(rng.random(x.shape[1]) >= rate, x / (1 - rate), 0.0)


def same_mask_for_every_column(x, rate, rng):
    return np.where(rng.random((x.shape[0], 1)) >= rate, x / (1 - rate), 0.0)


def global_numpy_random(x, rate, rng):  # the mistake under test: NumPy's global generator
    return np.where(np.random.random(x.shape) >= rate, x / (1 - rate), 0.0)  # noqa: NPY002


def own_generator(x, rate, rng):
    return dropout_correct(x, rate, np.random.default_rng(0))


def copies_the_generator(x, rate, rng):  # the same mask on every call with one generator
    return dropout_correct(x, rate, copy.deepcopy(rng))


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (first_entries, "bunch in some rows or columns"),
        (same_mask_for_every_row, "bunch in some rows or columns"),
        (same_mask_for_every_column, "bunch in some rows or columns"),
        (global_numpy_random, "same seed gave different masks"),
        (own_generator, "different seeds gave the same mask"),
        (copies_the_generator, "two calls with the same generator gave the same mask"),
    ],
)
def test_inverted_dropout_needs_independent_masks_from_rng(wrong, hint, capsys):
    assert not lesson.exercise_inverted_dropout(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_inverted_dropout_accepts_other_correct_ways_to_draw(capsys):
    def binomial(x, rate, rng):
        return x * rng.binomial(1, 1 - rate, size=x.shape) / (1 - rate)

    assert lesson.exercise_inverted_dropout(binomial)
    assert "PASS" in capsys.readouterr().out


def test_inverted_dropout_rejects_a_rate_zero_bug(capsys):
    def divides_by_rate_when_zero(x, rate, rng):
        return dropout_correct(x, rate, rng) if rate > 0 else 2 * x

    assert not lesson.exercise_inverted_dropout(divides_by_rate_when_zero)
    assert "rate 0" in capsys.readouterr().out


# ----------------------------------------------------------------- exercise 3: early stopping


def early_stopping_correct(val_losses, patience):
    best_epoch, best_loss, waited = 1, val_losses[0], 0
    for epoch, loss in enumerate(val_losses[1:], start=2):
        if loss < best_loss:
            best_epoch, best_loss, waited = epoch, loss, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def test_keras_replay_matches_known_cases():
    import keras

    losses = [1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.95, 1.0]
    assert lesson._keras_early_stopping(keras, losses, 2) == (3, 5)
    assert lesson._keras_early_stopping(keras, losses, 3) == (3, 6)
    assert lesson._keras_early_stopping(keras, [0.9, 0.8, 0.7], 2) == (3, 3)


@pytest.mark.parametrize("patience", [1, 2, 3, 4])
def test_stopping_variant_with_defaults_is_keras_rule(patience):
    import keras

    rng = np.random.default_rng(0)
    for losses in [rng.choice([0.5, 0.6, 0.7], size=12).tolist() for _ in range(30)]:
        expected = lesson._keras_early_stopping(keras, losses, patience)
        assert lesson._stopping_variant(losses, patience) == expected
        assert early_stopping_correct(losses, patience) == expected


def test_early_stopping_accepts_a_correct_answer(capsys):
    assert lesson.exercise_early_stopping(early_stopping_correct)
    assert "PASS" in capsys.readouterr().out


def zero_based(val_losses, patience):
    best_epoch, epochs_run = early_stopping_correct(val_losses, patience)
    return best_epoch - 1, epochs_run


def one_epoch_late(val_losses, patience):
    _, epochs_run = early_stopping_correct(val_losses, patience + 1)
    return early_stopping_correct(val_losses, patience)[0], epochs_run


def ties_improve(val_losses, patience):
    best_epoch, best_loss, waited = 1, val_losses[0], 0
    for epoch, loss in enumerate(val_losses[1:], start=2):
        if loss <= best_loss:
            best_epoch, best_loss, waited = epoch, loss, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def ties_do_not_wait(val_losses, patience):  # a tie neither resets nor advances the counter
    best_epoch, best_loss, waited = 1, val_losses[0], 0
    for epoch, loss in enumerate(val_losses[1:], start=2):
        if loss < best_loss:
            best_epoch, best_loss, waited = epoch, loss, 0
        elif loss > best_loss:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def versus_previous_epoch(val_losses, patience):  # resets when a loss beats the previous one
    best_epoch, waited = 1, 0
    for epoch in range(2, len(val_losses) + 1):
        loss = val_losses[epoch - 1]
        waited = 0 if loss < val_losses[epoch - 2] else waited + 1
        if loss < val_losses[best_epoch - 1]:
            best_epoch = epoch
        if waited >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)


def best_of_all_epochs(
    val_losses, patience
):  # the minimum over the whole list, even after the stop
    return int(np.argmin(val_losses)) + 1, early_stopping_correct(val_losses, patience)[1]


def argmin_plus_patience(val_losses, patience):  # right whenever the lowest loss comes first
    best_epoch = int(np.argmin(val_losses)) + 1
    return best_epoch, min(len(val_losses), best_epoch + patience)


def one_epoch_early(val_losses, patience):
    best_epoch, epochs_run = early_stopping_correct(val_losses, patience)
    return best_epoch, epochs_run - 1 if epochs_run < len(val_losses) else epochs_run


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (zero_based, "counted from 1"),
        (ties_improve, "(a tie) is not a new best"),
        (one_epoch_late, "one epoch too late"),
        (lambda losses, patience: (int(np.argmin(losses)) + 1, len(losses)), "must stop"),
        (lambda losses, patience: None, "pair"),
        # added in the review of issue 14 (the first two passed before, the others got a
        # generic hint):
        (best_of_all_epochs, "a lower loss after training stopped is never seen"),
        (argmin_plus_patience, "before any lower loss that would come later"),
        (ties_do_not_wait, "ties the best is not an improvement"),
        (versus_previous_epoch, "not with the previous epoch"),
        (one_epoch_early, "one epoch too early"),
    ],
)
def test_early_stopping_rejects_wrong_answers(wrong, hint, capsys):
    assert not lesson.exercise_early_stopping(wrong)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


# ------------------------------------------------------------------------ LiveFigure buttons


def test_live_figure_buttons_run_their_action():
    def compute(value):
        return {"value": value}

    def draw(result):
        from matplotlib.figure import Figure

        return Figure()

    controls = {"value": ipywidgets.IntText(value=1)}

    def bump(live):
        live.controls["value"].value += 10

    live = widgets.LiveFigure(controls, compute, draw, buttons={"add 10": bump})
    assert live.result == {"value": 1}
    live.buttons["add 10"].click()
    assert live.result == {"value": 11}
    assert live.buttons["add 10"] in live.children[0].children
    with pytest.raises(ValueError, match="needs a function"):
        widgets.LiveFigure(controls, compute, draw, buttons={"oops": 3})


# --------------------------------------------------------------------- dropout visualizer

GRID = np.arange(1, 65, dtype=float).reshape(8, 8)


def test_dropout_sample_numbers():
    result = lesson.dropout_sample(GRID, rate=0.5, seed=3)
    keep = result["keep"]
    assert keep.shape == GRID.shape and keep.dtype == bool
    np.testing.assert_allclose(result["output"][keep], 2 * GRID[keep])
    assert np.all(result["output"][~keep] == 0)
    assert result["dropped_fraction"] == pytest.approx(1 - keep.mean())
    assert result["total_before"] == pytest.approx(GRID.sum())
    assert result["total_after"] == pytest.approx(result["output"].sum())
    # averaged over 1000 masks, the sum after dropout is close to the sum before (inverted scaling)
    assert result["mean_total"] == pytest.approx(GRID.sum(), rel=0.03)
    same = lesson.dropout_sample(GRID, rate=0.5, seed=3)
    np.testing.assert_array_equal(same["keep"], keep)
    nothing = lesson.dropout_sample(GRID, rate=0.0, seed=3)
    np.testing.assert_allclose(nothing["output"], GRID)
    assert nothing["dropped_fraction"] == 0


def test_dropout_sample_is_what_keras_dropout_does():
    import keras

    result = lesson.dropout_sample(GRID, rate=0.25, seed=5, repeats=10)
    keras_scales = keras.layers.Dropout(0.25, seed=5)(np.ones((11, 64)), training=True)
    expected = GRID * np.asarray(keras_scales)[0].reshape(8, 8)
    np.testing.assert_allclose(result["output"], expected, rtol=1e-6)
    other_seed = lesson.dropout_sample(GRID, rate=0.25, seed=6, repeats=10)
    assert not np.array_equal(other_seed["keep"], result["keep"])


def test_dropout_sample_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D grid"):
        lesson.dropout_sample(np.ones(10), 0.5, 0)
    with pytest.raises(ValueError, match="NaN or infinity"):
        lesson.dropout_sample(np.full((2, 2), np.nan), 0.5, 0)
    for rate in (1.0, -0.1):
        with pytest.raises(ValueError, match=r"\[0, 1\)"):
            lesson.dropout_sample(GRID, rate, 0)
    for rate in ("0.5", None, True):
        with pytest.raises(ValueError, match="rate must be a number"):
            lesson.dropout_sample(GRID, rate, 0)
    for seed in (1.5, -1, "3", True, None):
        with pytest.raises(ValueError, match="seed must be a non-negative integer"):
            lesson.dropout_sample(GRID, 0.5, seed)
    with pytest.raises(ValueError, match="repeats"):
        lesson.dropout_sample(GRID, 0.5, 0, repeats=0)


def test_dropout_visualizer_resamples_and_follows_the_rate():
    large = np.ones((40, 50))
    visualizer = lesson.dropout_visualizer(large, rate=0.5)
    first_mask = visualizer.result["keep"].copy()
    assert visualizer.result["dropped_fraction"] == pytest.approx(0.5, abs=0.05)
    visualizer.buttons["resample"].click()
    assert visualizer.controls["seed"].value == 1
    assert not np.array_equal(visualizer.result["keep"], first_mask)
    visualizer.controls["rate"].value = 0.8
    assert visualizer.result["dropped_fraction"] == pytest.approx(0.8, abs=0.05)
    assert visualizer.result["output"].max() == pytest.approx(5.0)
    assert visualizer.figure is not None and len(visualizer.figure.axes) == 4  # 3 panels + colorbar
    with pytest.raises(ValueError, match="2-D grid"):
        lesson.dropout_visualizer(np.ones(5))


# ------------------------------------------------------------------------ bad input


def _sample():
    return lesson.dropout_sample(GRID, 0.5, 0, repeats=10)


def _with(make, **changes):
    return {**make(), **changes}


NAN_GRID = np.where(GRID > 60, np.nan, GRID)


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        # dropout_sample: the grid, the rate, the seed, the repeats
        (lesson.dropout_sample, (None, 0.5, 0), "2-D array of numbers"),
        (lesson.dropout_sample, (NAN_GRID, 0.5, 0), "NaN or infinity"),
        (lesson.dropout_sample, (GRID * np.inf, 0.5, 0), "NaN or infinity"),
        (lesson.dropout_sample, (np.ones((0, 4)), 0.5, 0), "2-D grid"),
        (lesson.dropout_sample, (np.ones(16), 0.5, 0), "2-D grid"),
        (lesson.dropout_sample, (GRID.astype(str), 0.5, 0), "2-D array of numbers"),
        (lesson.dropout_sample, (GRID > 3, 0.5, 0), "2-D array of numbers"),
        (lesson.dropout_sample, (GRID, None, 0), r"number in \[0, 1\)"),
        (lesson.dropout_sample, (GRID, np.nan, 0), r"must be in \[0, 1\)"),
        (lesson.dropout_sample, (GRID, np.inf, 0), r"must be in \[0, 1\)"),
        (lesson.dropout_sample, (GRID, 0.5, None), "non-negative integer"),
        (lesson.dropout_sample, (GRID, 0.5, 0, None), "positive integer"),
        # draw_dropout_sample: a result that is not dropout_sample's
        (lesson.draw_dropout_sample, (None,), "missing"),
        (lesson.draw_dropout_sample, ({},), "missing"),
        (lesson.draw_dropout_sample, (_with(_sample, output=NAN_GRID),), "NaN or infinity"),
        (lesson.draw_dropout_sample, (_with(_sample, output=np.ones(3)),), "2-D grid"),
        (lesson.draw_dropout_sample, (_with(_sample, keep=np.ones((2, 2))),), "one shape"),
        (lesson.draw_dropout_sample, (_with(_sample, rate=np.nan),), r"\[0, 1\)"),
        # dropout_visualizer: what its slider cannot show is refused, not clamped
        (lesson.dropout_visualizer, (None,), "2-D array of numbers"),
        (lesson.dropout_visualizer, (NAN_GRID,), "NaN or infinity"),
        (lesson.dropout_visualizer, (np.ones((4, 0)),), "2-D grid"),
        (lesson.dropout_visualizer, (GRID, 0.95), r"must be in \[0, 0.9\]"),
        (lesson.dropout_visualizer, (GRID, None), r"number in \[0, 0.9\]"),
        (lesson.dropout_visualizer, (GRID, np.nan), r"must be in \[0, 0.9\]"),
    ],
)
def test_public_functions_reject_bad_input_with_a_useful_message(function, args, message):
    with pytest.raises(ValueError, match=message):
        function(*args)


# ------------------------------------------------------------------ calibration (lesson 06b)


def test_softmax_with_temperature_is_keras_softmax_of_scaled_logits():
    import keras

    logits = np.random.default_rng(0).normal(0, 5, size=(50, 10))
    for temperature in (0.5, 1.0, 3.0):
        expected = keras.ops.convert_to_numpy(keras.activations.softmax(logits / temperature))
        got = lesson.softmax_with_temperature(logits, temperature)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
    # huge logits: stable (no overflow to NaN), and argmax never changes with the temperature
    big = logits * 1000
    for temperature in (0.2, 20.0):
        scaled = lesson.softmax_with_temperature(big, temperature)
        assert np.all(np.isfinite(scaled))
        np.testing.assert_array_equal(scaled.argmax(1), big.argmax(1))


def test_crossentropy_is_keras_sparse_crossentropy():
    import keras

    rng = np.random.default_rng(1)
    probabilities = lesson.softmax_with_temperature(rng.normal(0, 2, size=(200, 10)))
    labels = rng.integers(0, 10, size=200)
    expected = float(
        np.mean(
            keras.losses.sparse_categorical_crossentropy(labels, probabilities.astype("float32"))
        )
    )
    assert lesson.crossentropy(probabilities, labels) == pytest.approx(expected, rel=1e-5)
    # a zero probability for the true class costs -log(1e-7), as in Keras, not infinity
    assert lesson.crossentropy(np.array([[1.0, 0.0]]), np.array([1])) == pytest.approx(
        -np.log(1e-7)
    )


def test_fit_temperature_recovers_a_known_overconfidence():
    rng = np.random.default_rng(2)
    calibrated_logits = rng.normal(0, 2, size=(20_000, 10))
    probabilities = lesson.softmax_with_temperature(calibrated_logits)
    # labels drawn from the probabilities themselves: the true temperature is 1
    labels = (probabilities.cumsum(axis=1) > rng.random((20_000, 1))).argmax(axis=1)
    assert lesson.fit_temperature(calibrated_logits, labels) == pytest.approx(1.0, rel=0.05)
    assert lesson.fit_temperature(3 * calibrated_logits, labels) == pytest.approx(3.0, rel=0.05)
    assert lesson.fit_temperature(calibrated_logits / 2, labels) == pytest.approx(0.5, rel=0.05)


def _calibration_oracle(probabilities, labels, bins):
    """The ECE by a plain loop over bins (lower, upper], the first bin including 0."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    total = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = (confidence > low) & (confidence <= high) | ((b == 0) & (confidence == 0))
        if inside.any():
            total += inside.sum() * abs(correct[inside].mean() - confidence[inside].mean())
    return total / len(labels)


def test_calibration_numbers_by_hand_and_by_oracle():
    probabilities = np.array([[0.95, 0.05], [0.95, 0.05], [0.45, 0.55], [0.45, 0.55]])
    labels = np.array([0, 1, 1, 1])
    result = lesson.calibration(probabilities, labels, bins=10)
    assert result["ece"] == pytest.approx(0.45)  # |0.5 - 0.95| * 2/4 + |1.0 - 0.55| * 2/4
    assert result["count"].tolist() == [0, 0, 0, 0, 0, 2, 0, 0, 0, 2]
    assert result["accuracy"][9] == pytest.approx(0.5) and result["confidence"][5] == 0.55
    assert np.isnan(result["accuracy"][0])  # an empty bin
    assert result["mean_confidence"] == pytest.approx(0.75)
    assert result["overall_accuracy"] == pytest.approx(0.75)
    rng = np.random.default_rng(3)
    for bins in (1, 5, 10, 15):
        p = lesson.softmax_with_temperature(rng.normal(0, 3, size=(500, 10)))
        y = rng.integers(0, 10, size=500)
        assert lesson.calibration(p, y, bins)["ece"] == pytest.approx(
            _calibration_oracle(p, y, bins)
        )
        assert lesson.calibration(p, y, bins)["count"].sum() == 500
    # a perfectly confident and right classifier is perfectly calibrated
    assert lesson.calibration(np.eye(3), np.arange(3))["ece"] == 0.0


def test_draw_reliability_draws_one_panel_per_model():
    rng = np.random.default_rng(4)
    p = lesson.softmax_with_temperature(rng.normal(0, 3, size=(300, 10)))
    y = rng.integers(0, 10, size=300)
    fig = lesson.draw_reliability({"a": lesson.calibration(p, y), "b": lesson.calibration(p, y, 5)})
    assert len(fig.axes) == 2
    assert "ECE" in fig.axes[0].get_title()


GOOD_P = np.full((4, 3), 1 / 3)
GOOD_Y = np.array([0, 1, 2, 0])


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        (lesson.softmax_with_temperature, (None,), "logits of shape"),
        (lesson.softmax_with_temperature, (np.zeros(10),), "logits of shape"),
        (lesson.softmax_with_temperature, (np.full((2, 3), np.nan),), "NaN or infinity"),
        (lesson.softmax_with_temperature, (np.zeros((2, 3)), 0.0), "positive number"),
        (lesson.softmax_with_temperature, (np.zeros((2, 3)), -1.0), "positive number"),
        (lesson.softmax_with_temperature, (np.zeros((2, 3)), None), "positive number"),
        (lesson.softmax_with_temperature, (np.zeros((2, 3)), np.inf), "positive number"),
        (lesson.crossentropy, (None, GOOD_Y), "probabilities of shape"),
        (lesson.crossentropy, (np.zeros((0, 3)), np.zeros(0, int)), "probabilities of shape"),
        (lesson.crossentropy, (GOOD_P * np.nan, GOOD_Y), "finite numbers in"),
        (lesson.crossentropy, (GOOD_P * 5, GOOD_Y), "finite numbers in"),
        (lesson.crossentropy, (GOOD_P, np.eye(3)[[0, 1, 2, 0]]), "not one-hot"),
        (lesson.crossentropy, (GOOD_P, None), "labels as integers"),
        (lesson.crossentropy, (GOOD_P, GOOD_Y.astype(float)), "labels as integers"),
        (lesson.crossentropy, (GOOD_P, np.array([0, 1, 3, 0])), r"class indices in 0\.\.2"),
        (lesson.fit_temperature, (None, GOOD_Y), "logits of shape"),
        (lesson.fit_temperature, (np.zeros((4, 3)), GOOD_Y[:3]), "labels as integers"),
        (lesson.calibration, (GOOD_P, GOOD_Y, 0), "bins must be"),
        (lesson.calibration, (GOOD_P, GOOD_Y, 2.5), "bins must be"),
        (lesson.calibration, (GOOD_P[:, :1], GOOD_Y), "at least 2 classes"),
        (lesson.draw_reliability, ({},), "non-empty dict"),
        (lesson.draw_reliability, (None,), "non-empty dict"),
        (lesson.draw_reliability, ({"a": {"ece": 0.1}},), "missing"),
    ],
)
def test_calibration_functions_reject_bad_input_with_a_useful_message(function, args, message):
    with pytest.raises(ValueError, match=message):
        function(*args)


def test_errors_by_decile_sorts_by_uncertainty_and_counts_errors():
    uncertainty = np.arange(100.0)[::-1]  # example 0 is the most uncertain
    wrong = np.zeros(100, dtype=bool)
    wrong[:10] = True  # the ten most uncertain are wrong
    wrong[95] = True  # and one of the most certain
    rates = lesson.errors_by_decile(uncertainty, wrong)
    np.testing.assert_allclose(rates, [0.1] + [0.0] * 8 + [1.0])
    # an oracle: the mean of `wrong` over each tenth of a plain sort
    rng = np.random.default_rng(5)
    u, w = rng.normal(size=2000), rng.random(2000) < 0.1
    expected = [w[np.argsort(u)][i * 200 : (i + 1) * 200].mean() for i in range(10)]
    np.testing.assert_allclose(lesson.errors_by_decile(u, w), expected)


def test_draw_error_deciles_draws_one_bar_series_per_ranking():
    fig = lesson.draw_error_deciles({"a": np.linspace(0, 0.5, 10), "b": np.full(10, 0.1)})
    assert len(fig.axes[0].patches) == 20
    assert len(fig.axes[0].get_legend().get_texts()) == 2


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        (lesson.errors_by_decile, (None, np.zeros(10, bool)), "one uncertainty number"),
        (lesson.errors_by_decile, (np.zeros(5), np.zeros(5, bool)), "at least 10"),
        (lesson.errors_by_decile, (np.full(10, np.nan), np.zeros(10, bool)), "NaN"),
        (lesson.errors_by_decile, (np.zeros(10), np.zeros(10)), "booleans"),
        (lesson.errors_by_decile, (np.zeros(10), np.zeros(9, bool)), "booleans of shape"),
        (lesson.draw_error_deciles, ({},), "non-empty dict"),
        (lesson.draw_error_deciles, ({"a": np.zeros(9)},), "ten error rates"),
        (lesson.draw_error_deciles, ({"a": np.full(10, 2.0)},), "ten error rates"),
        (lesson.draw_error_deciles, ({"a": None},), "ten error rates"),
    ],
)
def test_decile_functions_reject_bad_input_with_a_useful_message(function, args, message):
    with pytest.raises(ValueError, match=message):
        function(*args)


def _overconfident_logits(n=1000, seed=7):
    rng = np.random.default_rng(seed)
    calibrated_logits = rng.normal(0, 2, size=(n, 10))
    probabilities = lesson.softmax_with_temperature(calibrated_logits)
    labels = (probabilities.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return 2.5 * calibrated_logits, labels  # the true temperature is 2.5


def test_temperature_summary_is_calibration_at_that_temperature():
    logits, labels = _overconfident_logits()
    result = lesson.temperature_summary(logits, labels, 2.5)
    scaled = lesson.softmax_with_temperature(logits, 2.5)
    assert result["ece"] == pytest.approx(lesson.calibration(scaled, labels)["ece"])
    assert result["crossentropy"] == pytest.approx(lesson.crossentropy(scaled, labels))
    assert result["temperature"] == 2.5


def test_temperature_explorer_follows_the_slider_quickly():
    import time

    logits, labels = _overconfident_logits()
    explorer = lesson.temperature_explorer(logits, labels)
    assert "T = 1.00" in explorer.figure.axes[0].get_title()
    at_one = explorer.result["ece"]
    times = []
    for value in (2.5, 1.5, 0.5, 2.0, 2.5):
        start = time.process_time()  # CPU time: other work on the machine does not count
        explorer.controls["temperature"].value = value
        times.append(time.process_time() - start)
    assert explorer.result["temperature"] == pytest.approx(2.5)
    assert "T = 2.50" in explorer.figure.axes[0].get_title()
    assert explorer.result["ece"] < at_one  # the true temperature calibrates these logits
    assert np.median(times) < 0.3


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        (lesson.temperature_explorer, (None, GOOD_Y), "logits of shape"),
        (lesson.temperature_explorer, (np.zeros((4, 3)), None), "labels as integers"),
        (lesson.temperature_summary, (np.zeros((4, 3)), GOOD_Y, 0.0), "positive number"),
        (lesson.draw_temperature_summary, ({"ece": 0.1},), "missing"),
    ],
)
def test_temperature_functions_reject_bad_input_with_a_useful_message(function, args, message):
    with pytest.raises(ValueError, match=message):
        function(*args)
