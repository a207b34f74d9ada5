"""Lesson 05c (the learning rate): the NumPy schedules against Keras's, the smoothing against a
plain loop, the schedule explorer driven headlessly, and the two exercise checks.

Nothing here trains; the Keras schedules are evaluated step by step (a second or two).
"""

import time

import keras
import numpy as np
import pytest

from helpers.lessons import learning_rate as lesson

S = keras.optimizers.schedules
STEPS = np.arange(0, 230)


def keras_rates(schedule, steps=STEPS):
    return np.array([float(schedule(int(step))) for step in steps])


# ---------------------------------------------------------------- the schedules, oracle Keras


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda s: lesson.exponential_decay(s, 0.1, 200, 0.01), S.ExponentialDecay(0.1, 200, 0.01)),
        (lambda s: lesson.exponential_decay(s, 1e-6, 300, 1e6), S.ExponentialDecay(1e-6, 300, 1e6)),
        (
            lambda s: lesson.piecewise_constant(s, [50, 120], [0.1, 0.01, 0.001]),
            S.PiecewiseConstantDecay([50, 120], [0.1, 0.01, 0.001]),
        ),
        (lambda s: lesson.cosine_decay(s, 0.05, 200), S.CosineDecay(0.05, 200)),
        (lambda s: lesson.cosine_decay(s, 0.05, 150, 0.1), S.CosineDecay(0.05, 150, alpha=0.1)),
        (
            lambda s: lesson.warmup_cosine(s, 0.02, 30, 170),
            S.CosineDecay(0.0, 170, warmup_target=0.02, warmup_steps=30),
        ),
    ],
    ids=["exponential", "exponential up", "piecewise", "cosine", "cosine alpha", "warmup"],
)
def test_numpy_schedules_match_keras_at_every_step(ours, theirs):
    np.testing.assert_allclose(ours(STEPS), keras_rates(theirs), rtol=1e-5, atol=1e-9)


def test_piecewise_boundaries_belong_to_the_piece_before_them():
    rates = lesson.piecewise_constant([49, 50, 51], [50], [1.0, 2.0])
    np.testing.assert_array_equal(rates, [1.0, 1.0, 2.0])


def test_one_cycle_passes_through_its_corners_and_stays_at_the_end():
    total, peak = 200, 0.1
    rates = lesson.one_cycle([0, 90, 180, 200, 260], peak, total)
    np.testing.assert_allclose(rates, [0.01, 0.1, 0.01, 1e-4, 1e-4])
    halfway_up = lesson.one_cycle(45, peak, total)
    assert np.isclose(halfway_up, (0.01 + 0.1) / 2)


@pytest.mark.parametrize("name", lesson.SCHEDULES)
def test_schedule_rates_peak_and_end_of_each_lesson_schedule(name):
    steps = np.arange(0, 1001)
    rates = lesson.schedule_rates(name, steps, 0.01, 1000)
    assert rates.shape == steps.shape
    assert np.isclose(rates.max(), 0.01)
    expected_end = {"constant": 0.01, "exponential": 1e-4, "piecewise": 1e-4, "cosine": 0.0,
                    "warmup + cosine": 0.0, "one-cycle": 1e-5}[name]  # fmt: skip
    assert np.isclose(rates[-1], expected_end, atol=1e-12)


def test_schedule_rates_warmup_share_moves_the_peak():
    steps = np.arange(0, 1001)
    for share in (0.1, 0.3):
        rates = lesson.schedule_rates("warmup + cosine", steps, 0.01, 1000, share)
        assert int(np.argmax(rates)) == round(share * 1000)


# ---------------------------------------------------------------- smoothing


def test_smoothed_is_a_bias_corrected_running_average():
    values = np.array([3.0, 1.0, 2.0, 5.0, 4.0])
    beta, average, expected = 0.8, 0.0, []
    for k, value in enumerate(values, start=1):
        average = beta * average + (1 - beta) * value
        expected.append(average / (1 - beta**k))
    np.testing.assert_allclose(lesson.smoothed(values, beta), expected)
    assert lesson.smoothed(values, 0.8)[0] == 3.0  # the correction: no pull towards 0
    np.testing.assert_allclose(lesson.smoothed(np.full(7, 2.5)), 2.5)
    np.testing.assert_array_equal(lesson.smoothed(values, 0.0), values)


def test_smoothed_lets_a_diverged_loss_end_the_curve():
    curve = lesson.smoothed([1.0, 0.5, np.nan, 0.4])
    assert np.isfinite(curve[:2]).all() and np.isnan(curve[2:]).all()


# ---------------------------------------------------------------- widget


def made_up_runs():
    return {
        "constant": [0.5, 0.3, 0.25, 0.22, 0.2],
        "cosine": [0.5, 0.25, 0.15, 0.09, 0.07],
        "one-cycle": [0.6, 0.3, 0.2, 0.1, 0.06],
    }


def test_explorer_draws_each_schedule_and_its_measured_run_quickly():
    explorer = lesson.schedule_explorer(made_up_runs(), 500, 0.01, schedule="cosine")
    assert explorer.result["name"] == "cosine"
    assert explorer.controls["warmup_fraction"].disabled  # cosine has no warmup: greyed out
    left, right = explorer.figure.axes
    drawn = left.get_lines()[1]
    np.testing.assert_allclose(drawn.get_ydata(), lesson.cosine_decay(drawn.get_xdata(), 0.01, 500))
    assert drawn.get_xdata()[0] == 0 and drawn.get_xdata()[-1] == 500
    np.testing.assert_allclose(right.get_lines()[-1].get_ydata(), made_up_runs()["cosine"])
    durations = []
    for control, value in [("name", "one-cycle"), ("peak", 0.1), ("name", "piecewise"),
                           ("peak", 0.001), ("name", "warmup + cosine")]:  # fmt: skip
        start = time.process_time()
        explorer.controls[control].value = value
        durations.append(time.process_time() - start)
        assert explorer.result[control] == value
    assert np.isclose(explorer.result["rates"].max(), 0.001)
    assert np.median(durations) < 0.3  # CPU seconds: about 0.2 per update here (issue 17)
    assert not explorer.controls["warmup_fraction"].disabled  # warmup + cosine: it counts
    explorer.controls["warmup_fraction"].value = 0.3
    assert int(np.argmax(explorer.result["rates"])) == 150
    left, right = explorer.figure.axes
    assert not right.axison  # warmup + cosine was not among the made-up runs
    assert "not run" in right.texts[0].get_text()


def bad_input_cases():
    good = made_up_runs()
    return [
        ("steps None", lambda: lesson.cosine_decay(None, 0.1, 10), "step"),
        ("steps negative", lambda: lesson.one_cycle([-1, 2], 0.1, 10), "negative"),
        ("steps NaN", lambda: lesson.exponential_decay([np.nan], 0.1, 10, 0.5), "NaN"),
        ("steps text", lambda: lesson.warmup_cosine(["a"], 0.1, 2, 10), "numbers"),
        ("peak 0", lambda: lesson.warmup_cosine([1], 0.0, 2, 10), "peak"),
        ("decay steps 0", lambda: lesson.cosine_decay([1], 0.1, 0), "decay_steps"),
        ("pieces", lambda: lesson.piecewise_constant([1], [5], [0.1]), "n \\+ 1 values"),
        ("boundaries", lambda: lesson.piecewise_constant([1], [5, 3], [1, 2, 3]), "increase"),
        ("unknown name", lambda: lesson.schedule_rates("step", [1], 0.1, 10), "one of"),
        ("warmup 1", lambda: lesson.schedule_rates("cosine", [1], 0.1, 10, 1.0), "below 1"),
        ("total 2.5", lambda: lesson.schedule_rates("cosine", [1], 0.1, 2.5), "integer"),
        ("smooth empty", lambda: lesson.smoothed([]), "1-D array"),
        ("smooth 2-D", lambda: lesson.smoothed(np.ones((2, 2))), "1-D array"),
        ("smooth beta 1", lambda: lesson.smoothed([1.0], 1.0), "beta"),
        ("smooth None", lambda: lesson.smoothed(None), "None"),
        ("runs None", lambda: lesson.schedule_explorer(None, 10, 0.01), "non-empty dict"),
        ("runs key", lambda: lesson.schedule_explorer({"sgd": [1.0]}, 10, 0.01), "among"),
        ("runs NaN", lambda: lesson.schedule_explorer({"cosine": [np.nan]}, 10, 0.01), "no finite"),
        ("total 0", lambda: lesson.schedule_explorer(good, 0, 0.01), "total_steps"),
        ("schedule", lambda: lesson.schedule_explorer(good, 10, 0.01, "linear"), "one of"),
        ("peak None", lambda: lesson.schedule_explorer(good, 10, None), "lesson_peak"),
        ("draw", lambda: lesson.draw_schedule("cosine", 0.1, 0.1, 10, {}, 0.01), "non-empty"),
        ("one-cycle total 0", lambda: lesson.one_cycle([1], 0.1, 0), "total_steps"),
        ("decay rate -1", lambda: lesson.exponential_decay([1], 0.1, 10, -1), "decay_rate"),
        ("values None", lambda: lesson.piecewise_constant([1], [5], None), "values"),
        ("warmup -1", lambda: lesson.warmup_cosine([1], 0.1, -1, 10), "warmup_steps"),
        ("alpha NaN", lambda: lesson.cosine_decay([1], 0.1, 10, np.nan), "alpha"),
        ("draw: name", lambda: lesson.draw_schedule("step", 0.1, 0.1, 10, good, 0.01), "one of"),
    ]


@pytest.mark.parametrize(
    "case", range(len(bad_input_cases())), ids=lambda i: bad_input_cases()[i][0]
)
def test_public_functions_reject_bad_input(case):
    _name, call, message = bad_input_cases()[case]
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- exercise 1: warmup + cosine


def warmup_cosine_correctly(step, peak, warmup_steps, decay_steps):
    step = np.minimum(step, warmup_steps + decay_steps)
    rising = peak * step / warmup_steps
    falling = peak * 0.5 * (1 + np.cos(np.pi * np.maximum(step - warmup_steps, 0) / decay_steps))
    return np.where(step < warmup_steps, rising, falling)


def printed(capsys):
    return capsys.readouterr().out


def test_warmup_cosine_passes_a_correct_answer(capsys):
    assert lesson.exercise_warmup_cosine(warmup_cosine_correctly)
    assert "PASS" in printed(capsys)
    assert lesson.exercise_warmup_cosine(lesson.warmup_cosine)  # the module's own formula


def test_warmup_cosine_rejects_the_blank_starter(capsys):
    def blank(step, peak, warmup_steps, decay_steps):
        raise NotImplementedError

    assert not lesson.exercise_warmup_cosine(blank)
    assert "Not yet" in printed(capsys)


def cos_half(fraction):
    return 0.5 * (1 + np.cos(np.pi * fraction))


def no_warmup(s, p, w, d):
    return p * cos_half(np.clip(s / d, 0, 1))


def curved_warmup(s, p, w, d):
    return np.where(s < w, p * (s / w) ** 2, warmup_cosine_correctly(s, p, w, d))


def cosine_over_whole_run(s, p, w, d):
    return np.where(s < w, p * s / w, p * cos_half(np.clip(s / (w + d), 0, 1)))


def cosine_from_step_zero(s, p, w, d):
    return np.where(s < w, p * s / w, p * cos_half(np.clip(s / d, 0, 1)))


def off_by_one(s, p, w, d):
    return warmup_cosine_correctly(s + 1, p, w, d)


def no_floor(s, p, w, d):
    return np.where(s < w, p * s / w, p * cos_half((s - w) / d))


def degrees(s, p, w, d):
    after = np.clip(s - w, 0, d)
    return np.where(s < w, p * s / w, p * 0.5 * (1 + np.cos(180 * after / d)))


def with_if(s, p, w, d):
    if s < w:
        return p * s / w
    return p * cos_half((s - w) / d)


def no_half(s, p, w, d):
    after = np.clip(s - w, 0, d)
    return np.where(s < w, p * s / w, p * (1 + np.cos(np.pi * after / d)))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (no_warmup, "starts at the peak"),
        (curved_warmup, "not a straight line"),
        (cosine_over_whole_run, "over the whole run"),
        (cosine_from_step_zero, "counts from step 0"),
        (off_by_one, "do not add 1"),
        (lambda s, p, w, d: warmup_cosine_correctly(np.maximum(s - 1, 0), p, w, d), "one later"),
        (no_floor, "stay at 0"),
        (degrees, "radians"),
        (with_if, "np.where"),
        (no_half, "is off"),
        (lambda s, p, w, d: None, "return"),
        (lambda s, p, w, d: p, "shape"),
    ],
    ids=[
        "no warmup",
        "curved",
        "whole run",
        "from 0",
        "off by one",
        "one late",
        "no floor",
        "degrees",
        "if",
        "no half",
        "None",
        "scalar",
    ],
)
def test_warmup_cosine_rejects_wrong_answers(answer, hint, capsys):
    assert not lesson.exercise_warmup_cosine(answer)
    assert hint in printed(capsys)


# ---------------------------------------------------------------- exercise 2: steepest descent


def steepest_correctly(rates, losses):
    return rates[np.argmin(np.gradient(losses, np.log10(rates)))]


def test_steepest_rate_passes_correct_answers(capsys):
    assert lesson.exercise_steepest_rate(steepest_correctly)

    def with_diff(rates, losses):  # the slope between neighbours: one rate to the side, fine
        return rates[np.argmin(np.diff(losses) / np.diff(np.log10(rates)))]

    assert lesson.exercise_steepest_rate(with_diff)
    assert "PASS" in printed(capsys)


def test_steepest_rate_rejects_the_blank_starter(capsys):
    def blank(rates, losses):
        raise NotImplementedError

    assert not lesson.exercise_steepest_rate(blank)
    assert "NotImplementedError" in printed(capsys)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda r, losses: r[np.argmin(losses)], "lowest loss"),
        (lambda r, losses: r[np.argmin(losses)] / 10, "lesson's rule"),
        (lambda r, losses: r[-1], "largest rate"),
        (lambda r, losses: r[0], "smallest rate"),
        (lambda r, losses: r[np.argmax(np.gradient(losses, np.log10(r)))], "rises fastest"),
        (lambda r, losses: r[np.argmin(np.gradient(losses, r))], "per decade"),
        (lambda r, losses: int(np.argmin(np.gradient(losses, np.log10(r)))), "index"),
        (lambda r, losses: None, "return"),
        (lambda r, losses: "0.001", "number"),
        (lambda r, losses: 0.5, "expected a rate near"),
    ],
    ids=[
        "lowest",
        "a tenth",
        "largest",
        "smallest",
        "rise",
        "per rate",
        "index",
        "None",
        "text",
        "other",
    ],
)
def test_steepest_rate_rejects_wrong_answers(answer, hint, capsys):
    assert not lesson.exercise_steepest_rate(answer)
    assert hint in printed(capsys)
