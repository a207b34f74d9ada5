# The course's commands. `make lab` to learn, `make test` to check everything.
PYTHON ?= python3
REQUIREMENTS ?= requirements.txt
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-tf-$(notdir $(REQUIREMENTS))
LINTED := course helpers tests benchmarks
# Notebooks are tested from outside the repository, with an empty HOME (no caches, no config).
FRESH_HOME = HOME=$$(mktemp -d)

.PHONY: install lab test lint format unit nbval notebooks bench slides assignments clean

# (Re)install only when the requirements or the package definition change.
# Never two TensorFlow builds in one environment: switching between the CPU and the GPU
# requirements (or from an older install) removes the old build first.
# The course's kernel sets TF_CPP_MIN_LOG_LEVEL=3 before Python starts, so TensorFlow's C++
# log does not show as red error boxes in the lessons: its start-up lines, and the spurious
# "E0000 ... NodeDef mentions attribute use_unbounded_threadpool" that TensorFlow 2.21 prints
# whenever op determinism meets Keras's input pipelines (fit with validation data, predict).
# Real errors still raise Python exceptions with their message; JupyterLab opens straight onto
# the course (no news announcement). nbgrader is installed for instructors' command line only
# (make assignments): its JupyterLab menus and server extensions are off in the students' lab
# (its grader alone would add 4 s to every start).
$(STAMP): $(REQUIREMENTS) requirements.txt pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if ls $(VENV)/.installed-* 2>/dev/null | grep -qv '$(notdir $(STAMP))$$'; then \
		$(BIN)/python -m pip uninstall --quiet --yes tensorflow tensorflow-cpu; \
		rm -f $(VENV)/.installed-*; fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(REQUIREMENTS)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -c "import matplotlib.font_manager"  # the font cache, built once, not in a lesson
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 \
		--display-name "Python 3 (ipykernel)" --env TF_CPP_MIN_LOG_LEVEL 3
	$(BIN)/jupyter labextension disable --level=sys_prefix \
		"@jupyterlab/apputils-extension:announcements" @jupyter/nbgrader
	for extension in formgrader validate_assignment assignment_list course_list; do \
		$(BIN)/jupyter server extension disable --sys-prefix \
			nbgrader.server_extensions.$$extension || exit 1; done
	touch $@

install: $(STAMP)

# Extra options for JupyterLab, e.g. make lab LAB_ARGS="--no-browser --port=8890".
LAB_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: lint unit nbval

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

unit: $(STAMP)
	$(FRESH_HOME) $(BIN)/pytest --durations=10 tests

# Two notebooks at a time, each whole notebook in one worker (--dist loadfile): a lesson spends
# much of its time in single-threaded Python, so on 2 cores two kernels finish 1.6 times sooner
# (measured: 6 lessons in 135 s instead of 212 s). NBVAL_WORKERS=0 runs them one by one.
NBVAL_WORKERS ?= 2
nbval: $(STAMP)
	cd / && $(FRESH_HOME) $(BIN)/pytest --nbval-lax --nbval-kernel-name=python3 \
		--nbval-cell-timeout=900 -p no:cacheprovider --durations=15 \
		-n $(NBVAL_WORKERS) --dist loadfile $(CURDIR)/notebooks

notebooks: $(STAMP)
	$(BIN)/python -m helpers.build_notebooks
	$(BIN)/python -m helpers.build_guide

# make bench BENCH_ARGS="--twice" also reruns each lesson and checks the figures are identical.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/run_lessons.py $(BENCH_ARGS)

slides: $(STAMP)
	$(BIN)/python -m helpers.build_slides $(LESSONS)

# nbgrader assignments of the lessons' exercises in grading/ (see course/INSTRUCTORS.md), e.g.
# make assignments LESSONS="04 05"; then grade in grading/ with nbgrader autograde.
assignments: $(STAMP)
	PATH="$(BIN):$$PATH" $(BIN)/python -m helpers.build_assignments $(LESSONS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache slides grading
