# Two commands do everything on a fresh machine with Python 3.11+ and pip:
#   make demo   set up .venv, grade the bundled sample submissions, print the gradebook
#   make test   set up .venv, run the whole test suite (tests, notebooks, PostgreSQL leg,
#               and the minimum-versions leg, `make test-min`)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The PostgreSQL leg: the database suites run again against this server when it answers.
# The Unix socket: graded workers have a private network namespace (see README, threat model).
POSTGRES_URL ?= postgresql+asyncpg://postgres@/test?host=/var/run/postgresql

# The minimum-versions leg: a second venv with every dependency at the floor that
# pyproject.toml states (pinned by .ci/min_versions.py, the one place that reads them).
VENV_MIN ?= .venv-min
BIN_MIN := $(VENV_MIN)/bin

.PHONY: setup demo test test-min lint build clean

$(BIN)/workbook: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $@

setup: $(BIN)/workbook

$(BIN_MIN)/workbook: pyproject.toml .ci/min_versions.py
	rm -rf $(VENV_MIN)
	$(PYTHON) -m venv $(VENV_MIN)
	$(PYTHON) .ci/min_versions.py > $(VENV_MIN)/constraints.txt
	$(BIN_MIN)/python -m pip install --quiet -c $(VENV_MIN)/constraints.txt -e .
	touch $@

demo: setup
	$(BIN)/workbook grade solutions exercises samples/alice samples/bob \
		--json results.json --csv gradebook.csv --html report.html

test: setup
	# The lessons' check() cells record progress: in a temporary file, not the checkout's.
	WORKBOOK_STATE=$$(mktemp -d)/state.json $(BIN)/python -m pytest tests notebooks --nbval-lax -m "not postgres" \
		-p no:cacheprovider --ignore=tests/test_jupyter_e2e.py --ignore=tests/service/test_pages_browser.py
	# The browser tests run in a process of their own (JupyterLab and a kernel, or the grading
	# service on a loopback port, and Chromium): they print the paths of their screenshots in artifacts/.
	$(BIN)/python -m pytest tests/test_jupyter_e2e.py tests/service/test_pages_browser.py -p no:cacheprovider -s
	WORKBOOK_DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest tests -m postgres -p no:cacheprovider
	$(BIN)/workbook audit --changed
	$(MAKE) test-min

# Style and likely bugs (ruff, rules in pyproject.toml), every function at cyclomatic
# complexity 20 or below (radon's rank C, through xenon), and the package's layers with no
# import cycle (import-linter, contracts in pyproject.toml). Zero findings, or it fails.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/xenon --max-absolute C --exclude "tests/data/*" autograder tests benchmarks solutions .ci
	$(BIN)/lint-imports

# Every solution earns full marks and every stub nothing, on the lowest versions the
# course allows. Old libraries meet today's transitive ones (Starlette 0.46 warns on
# anyio 4.x's renamed BlockingPortal): deprecation warnings are not this leg's subject.
test-min: $(BIN_MIN)/workbook
	$(BIN_MIN)/python .ci/min_versions.py --check
	WORKBOOK_STATE=$$(mktemp -d)/state.json $(BIN_MIN)/python -m pytest tests/course/test_items.py tests/kit/test_testgrader.py -p no:cacheprovider \
		-q -W "ignore::DeprecationWarning" -k "solution_scores_full_marks_on_hidden_suite or stub_imports_and_scores_zero or testgrader"
	# The integrity layer's watch list, checked against the oldest pytest and pluggy allowed.
	$(BIN_MIN)/python -m pytest tests/sandbox/test_integrity.py -p no:cacheprovider -q -W "ignore::DeprecationWarning"

build: setup
	$(BIN)/workbook build

clean:
	rm -rf $(VENV) $(VENV_MIN) results.json gradebook.csv report.html .workbook
