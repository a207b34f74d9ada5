"""Helpers of lesson 05a (optimizers): loss surfaces, the optimizer race, curve plots and
the exercise checks. Widgets are driven headlessly; exercise checks pass a correct answer and
reject wrong ones with the expected hint."""

import time

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import plotting
from helpers.lessons import optimizers as lesson

# ------------------------------------------------------------------ step functions for tests


def gd(learning_rate):
    return lambda theta, gradient: theta - learning_rate * gradient


def momentum_gd(learning_rate, momentum):
    velocity = 0.0

    def step(theta, gradient):
        nonlocal velocity
        velocity = momentum * velocity - learning_rate * gradient
        return theta + velocity

    return step


def adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, bias_correction=True):
    m, u, t = 0.0, 0.0, 0

    def step(theta, gradient):
        nonlocal m, u, t
        t += 1
        m = beta_1 * m + (1 - beta_1) * gradient
        u = np.maximum(beta_2 * u, np.abs(gradient))
        correction = (1 - beta_1**t) if bias_correction else 1.0
        return theta - learning_rate * m / (correction * (u + epsilon))

    return step


MAKERS = {
    "GD": lambda learning_rate, momentum: gd(learning_rate),
    "Momentum": lambda learning_rate, momentum: momentum_gd(learning_rate, momentum),
    "Adam": lambda learning_rate, momentum: momentum_gd(learning_rate, momentum),  # a stand-in
}


# ------------------------------------------------------------------------- loss surfaces


@pytest.mark.parametrize("name", lesson.LOSS_SURFACES)
def test_loss_surface_gradient_matches_finite_differences(name):
    surface = lesson.loss_surface(name)
    rng = np.random.default_rng(0)
    for _ in range(5):
        theta = rng.uniform([surface.xlim[0], surface.ylim[0]], [surface.xlim[1], surface.ylim[1]])
        numeric = [(surface(theta + h) - surface(theta - h)) / 2e-6 for h in np.eye(2) * 1e-6]
        assert surface.gradient(theta) == pytest.approx(numeric, rel=1e-5, abs=1e-6)
    for minimum in surface.minima:
        assert surface(minimum) == pytest.approx(surface.minimum_value)
        assert surface.gradient(minimum) == pytest.approx([0.0, 0.0], abs=1e-12)
    grid = surface.loss(*np.meshgrid(np.linspace(*surface.xlim, 5), np.linspace(*surface.ylim, 4)))
    assert grid.shape == (4, 5) and np.all(grid >= surface.minimum_value - 1e-12)


def test_loss_surfaces_reject_bad_input():
    with pytest.raises(ValueError, match="loss_surface knows"):
        lesson.loss_surface("banana")
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        lesson.loss_surface("valley").gradient([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="positive-definite"):
        lesson.quadratic_surface([[1.0, 2.0], [0.0, 1.0]])  # not symmetric
    with pytest.raises(ValueError, match="positive-definite"):
        lesson.quadratic_surface([[1.0, 0.0], [0.0, -1.0]])  # a saddle, not a bowl
    with pytest.raises(ValueError, match="positive-definite"):
        lesson.quadratic_surface(np.eye(3))


def test_rotated_valley_is_the_valley_turned_by_45_degrees():
    valley, rotated = lesson.loss_surface("valley"), lesson.loss_surface("rotated valley")
    turn = np.array([[1.0, -1.0], [1.0, 1.0]]) / np.sqrt(2)  # 45 degrees anticlockwise
    assert rotated.start == pytest.approx(turn @ np.array(valley.start))
    for point in np.random.default_rng(1).uniform(-3, 3, (5, 2)):
        assert rotated(turn @ point) == pytest.approx(valley(point))
        assert rotated.gradient(turn @ point) == pytest.approx(turn @ valley.gradient(point))
    hessian = np.column_stack([rotated.gradient(axis) for axis in np.eye(2)])
    assert np.linalg.eigvalsh(hessian) == pytest.approx([0.1, 10.0])
    assert np.diag(hessian) == pytest.approx([5.05, 5.05])


def test_cliff_is_a_gentle_bowl_with_a_steep_wall():
    cliff = lesson.loss_surface("cliff")
    assert np.linalg.norm(cliff.gradient(cliff.start)) > 50  # halfway up the wall
    for point in [(0.5, -1.0), (3.0, 2.0), (-1.0, 0.5)]:  # far below the wall: the bowl alone
        x, y = point
        assert cliff(point) == pytest.approx(0.05 * x * x + 0.5 * y * y, abs=1e-12)
        assert cliff.gradient(point) == pytest.approx([0.1 * x, y], abs=1e-12)
    assert cliff((-4.0, 0.0)) == pytest.approx(0.05 * 16 + 5)  # above the wall: 5 higher


def test_quadratic_surface_is_half_theta_a_theta():
    bowl = lesson.quadratic_surface([[3.0, 2.0], [2.0, 6.0]])
    theta = np.array([0.5, -2.0])
    a = np.array([[3.0, 2.0], [2.0, 6.0]])
    assert bowl(theta) == pytest.approx(0.5 * theta @ a @ theta)
    assert bowl.gradient(theta) == pytest.approx(a @ theta)


# ------------------------------------------------------------------------------ widgets


def test_optimizer_path_converges_below_and_diverges_above_two_over_curvature():
    valley = lesson.loss_surface("valley")  # curvatures 0.1 and 10: the limit is 0.2
    calm = lesson.optimizer_path(gd(0.19), valley, 400)
    assert calm.shape == (401, 2)
    assert np.all(np.isfinite(calm)) and valley(calm[-1]) < 1e-6
    wild = lesson.optimizer_path(gd(0.21), valley, 400)
    assert np.isnan(wild[-1]).all()  # stopped once it passed lesson.DIVERGED
    assert np.abs(wild[np.isfinite(wild[:, 0])]).max() <= lesson.DIVERGED
    started = lesson.optimizer_path(gd(0.1), valley, 3, start=(1.0, 0.0))
    assert started[0] == pytest.approx([1.0, 0.0]) and started[1] == pytest.approx([0.99, 0.0])


def test_optimizer_path_rejects_bad_input():
    valley = lesson.loss_surface("valley")
    with pytest.raises(ValueError, match="step function"):
        lesson.optimizer_path(0.1, valley, 10)
    with pytest.raises(ValueError, match="positive whole number"):
        lesson.optimizer_path(gd(0.1), valley, 0)
    with pytest.raises(ValueError, match="start must be a point"):
        lesson.optimizer_path(gd(0.1), valley, 10, start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="must return the new point"):
        lesson.optimizer_path(lambda theta, gradient: 0.0, valley, 10)


def test_race_optimizers_reports_paths_and_final_gaps():
    valley = lesson.loss_surface("valley")
    result = lesson.race_optimizers(MAKERS, valley, learning_rate=0.05, momentum=0.9, steps=200)
    assert set(result["paths"]) == set(MAKERS) and result["paths"]["GD"].shape == (201, 2)
    assert result["final_gap"]["GD"] > 0.1 > 1e-6 > result["final_gap"]["Momentum"]
    diverged = lesson.race_optimizers(MAKERS, valley, learning_rate=0.3, momentum=0.0, steps=200)
    assert diverged["final_gap"]["GD"] == np.inf


def test_optimizer_race_responds_to_its_controls():
    race = lesson.optimizer_race(MAKERS, racers=("GD", "Momentum"))
    assert set(race.result["paths"]) == {"GD", "Momentum"}
    assert race.result["surface"].name == "valley"
    slow = race.result["final_gap"]["GD"]
    race.controls["steps"].value = 400
    assert race.result["paths"]["GD"].shape == (401, 2)
    assert race.result["final_gap"]["GD"] < slow
    race.controls["learning_rate"].value = 0.3  # above 2 / 10: plain GD diverges on the valley
    assert race.result["final_gap"]["GD"] == np.inf
    race.controls["learning_rate"].value = 0.19  # just below the limit: it converges again
    assert race.result["final_gap"]["GD"] < slow and race.result["learning_rate"] == 0.19
    race.controls["surface"].value = "saddle"
    assert race.result["surface"].name == "saddle"
    assert {"rotated valley", "cliff"} <= set(race.controls["surface"].options)
    race.controls["surface"].value = "rotated valley"
    assert race.result["surface"].name == "rotated valley"
    race.controls["surface"].value = "cliff"
    gd_path = race.result["paths"]["GD"]
    assert np.linalg.norm(gd_path[1] - gd_path[0]) > 50 * 0.19  # thrown off the wall
    race.controls["surface"].value = "saddle"
    race.controls["racers"].value = ("Momentum",)
    assert list(race.result["paths"]) == ["Momentum"]
    race.controls["momentum"].value = 0.0
    assert race.result["momentum"] == 0.0
    race.controls["racers"].value = ()
    assert race.result["paths"] == {} and isinstance(race.figure, Figure)


def test_optimizer_race_updates_in_well_under_a_third_of_a_second_on_every_surface():
    race = lesson.optimizer_race(MAKERS)
    seconds = []
    for surface in [*lesson.LOSS_SURFACES[1:], *lesson.LOSS_SURFACES]:  # each twice, new first
        start = time.process_time()
        race.controls["surface"].value = surface
        seconds.append(time.process_time() - start)
        assert race.result["surface"].name == surface
    assert np.median(seconds) < 0.3, seconds


def test_optimizer_race_slider_offers_the_rates_the_lesson_suggests():
    options = lesson.optimizer_race(MAKERS).controls["learning_rate"].options
    rates = [rate for _, rate in options]
    assert rates == sorted(rates) and {0.05, 0.14, 0.2, 0.22, 0.39} <= set(rates)
    custom = lesson.optimizer_race(MAKERS, learning_rate=0.07)  # an unusual start is added
    assert custom.controls["learning_rate"].value == 0.07 and custom.result["learning_rate"] == 0.07


def test_optimizer_race_rejects_bad_input():
    valley = lesson.loss_surface("valley")
    with pytest.raises(ValueError, match="dict"):
        lesson.race_optimizers([gd], valley, 0.1, 0.9, 10)
    with pytest.raises(ValueError, match="must be a function"):
        lesson.race_optimizers({"GD": "gd"}, valley, 0.1, 0.9, 10)
    with pytest.raises(ValueError, match="dict"):
        lesson.optimizer_race({})
    with pytest.raises(ValueError, match="must be a function"):
        lesson.optimizer_race({"GD": 0.1})
    with pytest.raises(ValueError, match="not among the optimizers"):
        lesson.optimizer_race(MAKERS, racers=("Lion",))
    for rate in [0.0, -0.1, "fast", np.inf, True]:
        with pytest.raises(ValueError, match="positive number"):
            lesson.optimizer_race(MAKERS, learning_rate=rate)


# ----------------------------------------------------------------------------- plotting


def test_plot_curves_draws_one_line_per_curve_and_masks_log_axes():
    fig = plotting.plot_curves(
        {"a": ([1, 2, 3], [1.0, 0.1, 0.0]), "b": (np.arange(1, 4), [3.0, 2.0, 1.0])},
        "epoch",
        "loss",
        "title",
        log_y=True,
        markers=True,
    )
    (ax,) = fig.axes
    assert len(ax.lines) == 2 and ax.get_yscale() == "log" and ax.get_title() == "title"
    assert np.isnan(ax.lines[0].get_ydata()[-1])  # 0 cannot be shown on a log axis
    many = {f"curve {i}": ([1, 2], [i, i + 1]) for i in range(8)}
    assert len(plotting.plot_curves(many, "x", "y", "many").axes[0].lines) == 8


def test_plot_curves_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty dict"):
        plotting.plot_curves([], "x", "y", "t")
    with pytest.raises(ValueError, match="pair"):
        plotting.plot_curves({"a": [1, 2, 3]}, "x", "y", "t")
    with pytest.raises(ValueError, match="same shape"):
        plotting.plot_curves({"a": ([1, 2], [1, 2, 3])}, "x", "y", "t")


def test_plot_optimizer_paths_draws_map_and_loss_curves():
    saddle = lesson.loss_surface("saddle")
    paths = {"GD": lesson.optimizer_path(gd(0.05), saddle, 50)}
    fig = lesson.plot_optimizer_paths(saddle, paths, title="saddle")
    ax_map, ax_loss = fig.axes[:2]
    assert ax_loss.get_yscale() == "log" and len(ax_loss.lines) == 1
    assert len(ax_map.lines) == 1 + 1 + 2  # the path, the start and the two minima
    assert "GD: " in ax_loss.get_legend().get_texts()[0].get_text()
    # a diverging path is drawn on the map only up to where it leaves the view
    wild = lesson.optimizer_path(gd(0.25), lesson.loss_surface("valley"), 100)
    fig = lesson.plot_optimizer_paths(lesson.loss_surface("valley"), {"wild": wild})
    drawn = fig.axes[0].lines[0].get_ydata()
    assert np.sum(np.isfinite(drawn)) < 10
    assert "diverged" in fig.axes[1].get_legend().get_texts()[0].get_text()


def test_plot_optimizer_paths_rejects_bad_input():
    valley = lesson.loss_surface("valley")
    with pytest.raises(ValueError, match="LossSurface"):
        lesson.plot_optimizer_paths("valley", {})
    with pytest.raises(ValueError, match="dict"):
        lesson.plot_optimizer_paths(valley, [np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"shape \(steps \+ 1, 2\)"):
        lesson.plot_optimizer_paths(valley, {"a": np.zeros((3, 3))})


# ------------------------------------------------------------------------- exercise checks


def unfinished(*args, **kwargs):
    raise NotImplementedError


def student_adamax(mistake=None):
    """A student's Adamax, written independently of the check, with one plausible mistake."""

    def make(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        m, u = 0.0, 0.0
        t = {"t from 0": -1, "t counted twice": 1}.get(mistake, 0)

        def step(theta, gradient):
            nonlocal m, u, t
            if mistake == "state not kept":
                m, u, t = 0.0, 0.0, 0
            t += 1
            m = beta_1 * m + (gradient if mistake == "m not weighted" else (1 - beta_1) * gradient)
            size = gradient if mistake == "no absolute value" else np.abs(gradient)
            if mistake == "one u for all coordinates":
                size = max(size)
            if mistake == "u an average":
                u = beta_2 * u + (1 - beta_2) * size
            else:
                u = np.maximum(beta_2 * u, size)
            bias = 1.0 if mistake == "no bias correction" else 1 - beta_1**t
            if mistake == "epsilon outside":
                change = learning_rate * m / (bias * u + epsilon)
            elif mistake == "no epsilon":
                change = learning_rate * m / (bias * u)
            else:
                change = learning_rate * m / (bias * (u + epsilon))
            if mistake == "returns the change":
                return -change
            return theta + change if mistake == "wrong sign" else theta - change

        return step

    return make


def test_exercise_adamax_passes_the_solution_and_rejects_the_starter(capsys):
    assert lesson.exercise_adamax(adamax)
    assert lesson.exercise_adamax(student_adamax())
    assert "PASS" in capsys.readouterr().out
    assert not lesson.exercise_adamax(unfinished)
    assert "NotImplementedError" in capsys.readouterr().out
    assert not lesson.exercise_adamax(lambda **kwargs: None)
    assert "must return a step function" in capsys.readouterr().out
    assert not lesson.exercise_adamax(lambda **kwargs: lambda theta, gradient: None)
    assert "forget `return`" in capsys.readouterr().out


@pytest.mark.parametrize(
    "mistake, hint",
    [
        ("no bias correction", "lacks the bias correction"),
        ("t from 0", "t must count from 1"),
        ("t counted twice", "t is one ahead"),
        ("no absolute value", "np.abs(gradient)"),
        ("u an average", "not an average"),
        ("one u for all coordinates", "coordinate by coordinate"),
        ("m not weighted", "m is a weighted average"),
        ("epsilon outside", "epsilon belongs next to u"),
        ("returns the change", "not the change"),
        ("wrong sign", "against the gradient"),
        ("state not kept", "keep them between calls"),
    ],
)
def test_exercise_adamax_names_each_mistake(mistake, hint, capsys):
    assert not lesson.exercise_adamax(student_adamax(mistake))
    assert hint in capsys.readouterr().out


def test_exercise_adamax_catches_a_missing_epsilon_on_the_saddle(capsys):
    # epsilon matters only where gradients are tiny: the saddle's start (y = 0.001) with 1e-3
    assert not lesson.exercise_adamax(student_adamax("no epsilon"))
    out = capsys.readouterr().out
    assert "saddle surface" in out and "epsilon is missing" in out


def test_exercise_largest_learning_rate(capsys):
    limit = 2 / 7  # the bowl's curvatures are 2 and 7
    assert lesson.exercise_largest_learning_rate(limit)
    assert lesson.exercise_largest_learning_rate(0.99 * limit)
    assert "PASS" in capsys.readouterr().out
    for answer, hint in [
        (None, "no answer yet"),
        ("fast", "expected a number"),
        (-0.1, "positive number"),
        (2 / 6, "tilted"),
        (2 / 3, "tilted"),
        (0.3, "diverges"),
        (0.2, "still converges"),
        (1.0, "gentlest curvature"),  # 2 over the smallest eigenvalue
        (1 / 7, "lands exactly on the minimum"),  # 1 over the curvature, not 2 over it
        (2 / np.linalg.eigvalsh([[3.0, 2.0], [2.0, 6.0]]), "you gave 2 numbers"),
        (True, "yes/no"),
        (float("nan"), "positive number"),
        (np.inf, "positive number"),
    ]:
        assert not lesson.exercise_largest_learning_rate(answer)
        assert hint in capsys.readouterr().out


def momentum_diverges(learning_rate):
    bowl = lesson.quadratic_surface(lesson.MOMENTUM_RATE_MATRIX, start=(1.0, 1.0))
    path = lesson.optimizer_path(momentum_gd(learning_rate, lesson.MOMENTUM_RATE_GAMMA), bowl, 2000)
    return not np.all(np.isfinite(path[-1])) or bowl(path[-1]) > bowl(path[0])


def test_momentum_limit_is_where_momentum_starts_to_diverge():
    limit = 2 * (1 + 0.8) / 6  # the bowl's curvatures are 1 and 6
    assert not momentum_diverges(0.995 * limit) and momentum_diverges(1.005 * limit)


def test_exercise_momentum_learning_rate(capsys):
    limit = 2 * (1 + 0.8) / 6
    assert lesson.exercise_momentum_learning_rate(limit)
    assert lesson.exercise_momentum_learning_rate(0.98 * limit)
    assert "PASS" in capsys.readouterr().out
    for answer, hint in [
        (None, "no answer yet"),
        ("fast", "expected a number"),
        (-0.1, "positive number"),
        (np.nan, "positive number"),
        (True, "yes/no"),
        ([0.6, 3.6], "you gave 2 numbers"),
        (2 / 6, "plain gradient descent's limit"),  # GD's limit, or (1 + gamma) forgotten
        (2 * 1.8 / 1, "gentlest curvature"),  # the smallest eigenvalue
        (2 * 1.8 / (2.6 * 6), "Nesterov's limit"),
        (2 * 0.2 / 6, "(1 - gamma)"),
        (1.8 / 6, "lacks the factor 2"),
        (2 * 1.8 / 5, "diagonal entry"),
        (2 * 1.8 / 2, "diagonal entry"),
        (0.7, "diverges"),
        (0.5, "still converges"),
    ]:
        assert not lesson.exercise_momentum_learning_rate(answer), answer
        out = capsys.readouterr().out
        assert hint in out and "Not yet" in out, (answer, out)


# ---------------------------------------------------------------------------- bad input

VALLEY = lesson.loss_surface("valley")
GOOD_PATHS = {"GD": lesson.optimizer_path(gd(0.1), VALLEY, 5)}
RACE = lesson.race_optimizers(MAKERS, VALLEY, 0.05, 0.9, 10)


def non_vectorized(learning_rate):  # math on one number: fails on the array of two gradients
    import math

    return lambda theta, gradient: theta - learning_rate * math.copysign(1.0, gradient)


BAD_CALLS = {
    # loss surfaces
    "loss_surface(None)": lambda: lesson.loss_surface(None),
    "surface(None)": lambda: VALLEY(None),
    "surface(NaN point)": lambda: VALLEY([np.nan, 0.0]),
    "surface.gradient(inf point)": lambda: VALLEY.gradient([np.inf, 0.0]),
    "surface.gradient(empty)": lambda: VALLEY.gradient([]),
    "surface(text)": lambda: VALLEY(["a", "b"]),
    "quadratic_surface(None)": lambda: lesson.quadratic_surface(None),
    "quadratic_surface(NaN)": lambda: lesson.quadratic_surface([[np.nan, 0], [0, 1]]),
    "quadratic_surface(inf)": lambda: lesson.quadratic_surface([[np.inf, 0], [0, 1]]),
    "quadratic_surface(empty)": lambda: lesson.quadratic_surface([]),
    "quadratic_surface(text)": lambda: lesson.quadratic_surface([["a", "b"], ["c", "d"]]),
    "quadratic_surface(start NaN)": lambda: lesson.quadratic_surface(np.eye(2), start=(np.nan, 1)),
    "quadratic_surface(xlim reversed)": lambda: lesson.quadratic_surface(np.eye(2), xlim=(1, -1)),
    # optimizer_path
    "optimizer_path(step None)": lambda: lesson.optimizer_path(None, VALLEY, 10),
    "optimizer_path(steps None)": lambda: lesson.optimizer_path(gd(0.1), VALLEY, None),
    "optimizer_path(steps True)": lambda: lesson.optimizer_path(gd(0.1), VALLEY, True),
    "optimizer_path(steps 2.5)": lambda: lesson.optimizer_path(gd(0.1), VALLEY, 2.5),
    "optimizer_path(surface None)": lambda: lesson.optimizer_path(gd(0.1), None, 10),
    "optimizer_path(start NaN)": lambda: lesson.optimizer_path(gd(0.1), VALLEY, 10, (np.nan, 0)),
    "optimizer_path(start empty)": lambda: lesson.optimizer_path(gd(0.1), VALLEY, 10, []),
    "optimizer_path(non-vectorized step)": lambda: lesson.optimizer_path(
        non_vectorized(0.1), VALLEY, 10
    ),
    # race_optimizers and draw_race
    "race_optimizers(makers None)": lambda: lesson.race_optimizers(None, VALLEY, 0.1, 0.9, 10),
    "race_optimizers(surface None)": lambda: lesson.race_optimizers(MAKERS, None, 0.1, 0.9, 10),
    "race_optimizers(rate None)": lambda: lesson.race_optimizers(MAKERS, VALLEY, None, 0.9, 10),
    "race_optimizers(rate NaN)": lambda: lesson.race_optimizers(MAKERS, VALLEY, np.nan, 0.9, 10),
    "race_optimizers(rate inf)": lambda: lesson.race_optimizers(MAKERS, VALLEY, np.inf, 0.9, 10),
    "race_optimizers(rate text)": lambda: lesson.race_optimizers(MAKERS, VALLEY, "0.1", 0.9, 10),
    "race_optimizers(momentum NaN)": lambda: lesson.race_optimizers(
        MAKERS, VALLEY, 0.1, np.nan, 10
    ),
    "race_optimizers(momentum 1)": lambda: lesson.race_optimizers(MAKERS, VALLEY, 0.1, 1.0, 10),
    "race_optimizers(steps 0)": lambda: lesson.race_optimizers(MAKERS, VALLEY, 0.1, 0.9, 0),
    "race_optimizers(cache list)": lambda: lesson.race_optimizers(MAKERS, VALLEY, 0.1, 0.9, 10, []),
    "race_optimizers(non-vectorized)": lambda: lesson.race_optimizers(
        {"sign": lambda rate, momentum: non_vectorized(rate)}, VALLEY, 0.1, 0.9, 10
    ),
    "draw_race(None)": lambda: lesson.draw_race(None),
    "draw_race(empty)": lambda: lesson.draw_race({}),
    "draw_race(rate NaN)": lambda: lesson.draw_race(RACE | {"learning_rate": np.nan}),
    # plot_optimizer_paths
    "plot_optimizer_paths(surface None)": lambda: lesson.plot_optimizer_paths(None, GOOD_PATHS),
    "plot_optimizer_paths(paths None)": lambda: lesson.plot_optimizer_paths(VALLEY, None),
    "plot_optimizer_paths(path None)": lambda: lesson.plot_optimizer_paths(VALLEY, {"a": None}),
    "plot_optimizer_paths(empty path)": lambda: lesson.plot_optimizer_paths(
        VALLEY, {"a": np.zeros((0, 2))}
    ),
    "plot_optimizer_paths(all NaN)": lambda: lesson.plot_optimizer_paths(
        VALLEY, {"a": np.full((5, 2), np.nan)}
    ),
    "plot_optimizer_paths(inf start)": lambda: lesson.plot_optimizer_paths(
        VALLEY, {"a": [[np.inf, 0.0], [0.0, 0.0]]}
    ),
    "plot_optimizer_paths(wrong shape)": lambda: lesson.plot_optimizer_paths(
        VALLEY, {"a": np.zeros(6)}
    ),
    "plot_optimizer_paths(text)": lambda: lesson.plot_optimizer_paths(VALLEY, {"a": [["x", "y"]]}),
    "plot_optimizer_paths(title 3)": lambda: lesson.plot_optimizer_paths(VALLEY, GOOD_PATHS, 3),
    # the widget
    "optimizer_race(None)": lambda: lesson.optimizer_race(None),
    "optimizer_race(rate None)": lambda: lesson.optimizer_race(MAKERS, learning_rate=None),
    "optimizer_race(rate NaN)": lambda: lesson.optimizer_race(MAKERS, learning_rate=np.nan),
    "optimizer_race(momentum None)": lambda: lesson.optimizer_race(MAKERS, momentum=None),
    "optimizer_race(momentum inf)": lambda: lesson.optimizer_race(MAKERS, momentum=np.inf),
    "optimizer_race(steps 1000)": lambda: lesson.optimizer_race(MAKERS, steps=1000),
    "optimizer_race(racers text)": lambda: lesson.optimizer_race(MAKERS, racers="GD"),
    "optimizer_race(racers empty name)": lambda: lesson.optimizer_race(MAKERS, racers=("",)),
}


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_public_functions_reject_bad_input_with_a_useful_message(call):
    with pytest.raises(ValueError) as error:
        call()
    message = str(error.value)
    assert len(message) > 25 and any(
        word in message for word in ("expect", "must", "knows", "not among", "between")
    ), message


def test_exercise_checks_never_raise_on_bad_input(capsys):
    for answer in [None, np.nan, np.inf, [], np.zeros((2, 2)), "fast", non_vectorized]:
        assert not lesson.exercise_largest_learning_rate(answer)
        assert not lesson.exercise_momentum_learning_rate(answer)
        assert not lesson.exercise_adamax(answer)
    out = capsys.readouterr().out
    assert out.count("Not yet") == 21 and "Traceback" not in out


def test_keras_path_follows_keras_adam_and_refuses_what_is_not_an_optimizer():
    import keras

    valley = lesson.loss_surface("valley")
    path = lesson.keras_path(keras.optimizers.SGD(0.1), valley, 3)
    expected = [np.array(valley.start)]
    for _ in range(3):
        expected.append(expected[-1] - 0.1 * valley.gradient(expected[-1]))
    np.testing.assert_allclose(path, np.array(expected), rtol=1e-7, atol=1e-7)  # float32 rate
    with pytest.raises(ValueError, match="Keras optimizer"):
        lesson.keras_path("adam", valley, 3)
    with pytest.raises(ValueError, match="LossSurface"):
        lesson.keras_path(keras.optimizers.SGD(0.1), "valley", 3)


def test_keras_path_clips_like_numpy_on_the_cliff():
    import keras

    cliff = lesson.loss_surface("cliff")
    for clip, numpy_clip in [
        (dict(clipnorm=1.0), lambda g: g / max(np.linalg.norm(g), 1.0)),
        (dict(clipvalue=1.0), lambda g: np.clip(g, -1.0, 1.0)),
        (dict(global_clipnorm=1.0), lambda g: g / max(np.linalg.norm(g), 1.0)),  # one variable
    ]:
        ours = lesson.optimizer_path(lambda t, g, c=numpy_clip: t - 0.2 * c(g), cliff, 20)
        theirs = lesson.keras_path(keras.optimizers.SGD(0.2, **clip), cliff, 20)
        np.testing.assert_allclose(theirs, ours, rtol=1e-7, atol=1e-7)
