# Two commands do everything on a fresh machine with Python 3.11+ and pip:
#   make demo   set up .venv, grade the bundled sample submissions, print the gradebook
#   make test   set up .venv, run the whole test suite (tests, notebooks, PostgreSQL leg)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The PostgreSQL leg: the database suites run again against this server when it answers.
# The Unix socket: graded workers have a private network namespace (see README, threat model).
POSTGRES_URL ?= postgresql+asyncpg://postgres@/test?host=/var/run/postgresql

.PHONY: setup demo test build clean

$(BIN)/workbook: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $@

setup: $(BIN)/workbook

demo: setup
	$(BIN)/workbook grade solutions exercises samples/alice samples/bob \
		--json results.json --csv gradebook.csv --html report.html

test: setup
	# The lessons' check() cells record progress: in a temporary file, not the checkout's.
	WORKBOOK_STATE=$$(mktemp -d)/state.json $(BIN)/python -m pytest tests notebooks --nbval-lax -m "not postgres" \
		-p no:cacheprovider --ignore=tests/test_jupyter_e2e.py
	# The browser test runs in a process of its own (JupyterLab, a kernel and Chromium):
	# it prints the paths of its two screenshots in artifacts/.
	$(BIN)/python -m pytest tests/test_jupyter_e2e.py -p no:cacheprovider -s
	WORKBOOK_DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest tests -m postgres -p no:cacheprovider
	$(BIN)/workbook audit --changed

build: setup
	$(BIN)/workbook build

clean:
	rm -rf $(VENV) results.json gradebook.csv report.html .workbook
