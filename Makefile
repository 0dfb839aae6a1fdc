# The verbs people type. Each creates .venv and installs what it needs on first use, from the
# committed lock (requirements/lock.txt: every package, test tools and the build backend
# included, pinned with hashes). `make lock` refreshes the lock; `make test-latest` tries the
# newest releases in a venv of its own, so upstream breakage is seen before it is locked in.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt
# uv resolves the lock (fast, universal markers, hashes for every wheel); pip installs it, so a
# fresh machine needs nothing but Python to install. uv itself is pinned here.
UV_VERSION := 0.13.9
TOOLS := .tools
LATEST := .venv-latest
LOWEST := .venv-lowest

.PHONY: demo test lint typecheck dev bench lock test-latest test-lowest clean

# --require-hashes: a package whose bytes differ from the lock's is refused, not installed.
# --no-deps: the lock is complete; nothing may be resolved anew at install time.
# --no-build-isolation: the package is built with the locked setuptools, not a fresh download.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

dev: $(STAMP)

demo: $(STAMP)
	$(BIN)/approval demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet 'uv==$(UV_VERSION)'

# Resolve pyproject.toml's ranges (and the build backend) to the newest releases for Python 3.11
# on every platform, with the hash of every file. Review the diff, run `make test`, commit.
lock: $(TOOLS)/bin/uv
	$(TOOLS)/bin/uv pip compile pyproject.toml requirements/build.in --extra test \
		--universal --python-version 3.11 --generate-hashes --upgrade \
		--no-header --annotation-style line -o $(LOCK)
	$(PYTHON) requirements/stamp.py $(LOCK)

# The suite against whatever is newest today, unpinned, in its own venv. Not part of CI: a new
# upstream release must not stop a merge, but it should be seen before `make lock` takes it.
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade -e '.[test]'
	$(LATEST)/bin/python -m pip list --format freeze > $(LATEST)/versions.txt
	$(LATEST)/bin/ruff check .
	$(LATEST)/bin/mypy
	$(LATEST)/bin/pytest -q -p no:cacheprovider
	@echo "test-latest: passed with the versions in $(LATEST)/versions.txt"

# The suite on the lowest releases that pyproject.toml's ranges admit (uv's lowest-direct), so
# the lower bounds are tested ones. The runtime is what matters here: ruff and mypy are not run,
# since their oldest releases lint differently.
test-lowest: $(TOOLS)/bin/uv
	rm -rf $(LOWEST)
	$(TOOLS)/bin/uv pip compile pyproject.toml requirements/build.in --extra test \
		--resolution lowest-direct --python-version 3.11 --no-header -o $(LOWEST).txt
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --no-deps -r $(LOWEST).txt
	$(LOWEST)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(LOWEST)/bin/pytest -q -p no:cacheprovider
	@echo "test-lowest: passed with the versions in $(LOWEST).txt"

clean:
	rm -rf $(VENV) $(LATEST) $(LOWEST) $(LOWEST).txt $(TOOLS) .pytest_cache .mypy_cache .ruff_cache .hypothesis
