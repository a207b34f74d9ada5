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
