"""pytest plugin: while nbval runs a lesson, prove that its exercise checks can fail and pass.

A lesson's exercise has a cell tagged ``exercise`` (the blank starter followed by its self-check
call) and a cell tagged ``solution`` (the worked answer followed by the same check). While the
notebook runs top to bottom, the check after the blank starter must print "Not yet" (it rejects
an empty answer) and the check after the solution must print "PASS". No extra execution.
"""

import pytest

from helpers.checks import NOT_YET, PASS


def exercise_problem(tags: list[str], printed: str) -> str | None:
    """What is wrong with an exercise or solution cell's printed output, or None."""
    if "exercise" in tags and NOT_YET not in printed:
        return f"the self-check did not reject the blank starter (no {NOT_YET!r} printed)"
    if "solution" in tags and (PASS not in printed or NOT_YET in printed):
        return f"the solution did not pass its self-check (expected {PASS!r} and no {NOT_YET!r})"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cell = getattr(item, "cell", None)
    outputs = getattr(item, "test_outputs", None)
    if call.when != "call" or report.outcome != "passed" or cell is None or outputs is None:
        return
    printed = "".join(out.get("text", "") for out in outputs if out.get("output_type") == "stream")
    problem = exercise_problem(cell.metadata.get("tags", []), printed)
    if problem:
        report.outcome = "failed"
        report.longrepr = f"{item.name}: {problem}\n--- cell output ---\n{printed}"
