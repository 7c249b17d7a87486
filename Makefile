# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Django 6 needs Python 3.12+: take the first one found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9]; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test lint format bench worker beat migrate seed clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "需要 Python 3.12 或更高版本 (Django 6)。Python 3.12+ is required."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); p = d["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > $(VENV)/requirements.txt
	$(PY) -m pip install -q -r $(VENV)/requirements.txt
	touch $@

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

# The daily reminders run once right after seeding (beat runs them every morning at 7:00), so
# a newcomer's bell has notices from the start; running them again the same day sends nothing.
seed: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py send_reminders

run: seed
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $${PORT:-127.0.0.1:8000}

test: $(VENV)/.installed
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# make bench [BENCH_SIZE=1000000] [BENCH_ARGS="ledger dashboard"]: seeds an empty database first.
bench: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) -m bench $(if $(BENCH_SIZE),--size $(BENCH_SIZE)) $(BENCH_ARGS)

worker: $(VENV)/.installed
	$(VENV)/bin/celery -A config worker -l info

beat: $(VENV)/.installed
	$(VENV)/bin/celery -A config beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
