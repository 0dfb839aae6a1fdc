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

.PHONY: demo test lint typecheck dev bench lock test-latest test-lowest clean man system-packages

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

test: $(STAMP) system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# The man pages in docs/man/, made from the CLI (tests/cli/test_manpages.py fails when they are
# not current). Read one with `man -l docs/man/approval-scan.1`.
man: $(STAMP)
	$(BIN)/python -m approval.cli.manpages docs/man

# Debian packages some tests drive for real: chromium (the HTML audit report, tests/report/
# test_html.py) and nginx (the web server's gate, tests/serve/test_nginx.py). As root with apt
# they are installed when missing; otherwise this says what to run. Without them those tests
# skip on a workstation, saying why, and fail in CI (CI=true).
SYSTEM_PACKAGES := chromium nginx

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do command -v $$p >/dev/null 2>&1 || \
		[ -x /usr/sbin/$$p ] || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "system packages: $(SYSTEM_PACKAGES) present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing$$missing (Debian packages)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null || \
			echo "warning: could not install$$missing; the tests that need them will say so" >&2; \
	else \
		echo "warning: missing$$missing: sudo apt-get install -y --no-install-recommends$$missing" >&2; \
	fi

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
