# The commands the README names. Everything installs into .venv through uv (locked versions).
PYTHON ?= python3
UV := $(PYTHON) -m uv
PORT ?= 8000
DEMO_ACCOUNTS ?= 3000
MANAGE := .venv/bin/python manage.py

.PHONY: run test install lint check-deploy bench-web bench-engine bench-rescore worker beat

install: .venv/.synced

# uv itself comes from PyPI the first time; afterwards `uv sync --frozen` is a no-op check.
.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

run: export DEBUG ?= 1
run: install
	$(MANAGE) prepare_demo --accounts $(DEMO_ACCOUNTS)
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install
	.venv/bin/pytest $(PYTEST_ARGS)

# Django's deployment checklist, with the production environment set (see the README).
check-deploy: install
	$(MANAGE) check --deploy --fail-level WARNING

# Style, types (the whole project; config in pyproject.toml) and the import contracts.
lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports

worker: export DEBUG ?= 1
worker: install
	.venv/bin/celery -A churnguard worker --loglevel=INFO

beat: export DEBUG ?= 1
beat: install
	.venv/bin/celery -A churnguard beat --loglevel=INFO

# Benchmarks print their figures; they need PostgreSQL (DATABASE_URL) and, for Celery, REDIS_URL.
bench-web: install
	.venv/bin/python bench/web_bench.py $(BENCH_ARGS)

bench-engine: install
	.venv/bin/python bench/engine_bench.py $(BENCH_ARGS)

bench-rescore: install
	$(MANAGE) bench_rescore $(BENCH_ARGS)
