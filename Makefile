# The two commands: `make run` (install, migrate, seed, serve) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: install run test lint runtime-deps system-deps translations extract-messages load-smoke scale

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d portal/translations

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k both -k Invalid -k Conflict -k NotFound -k Forbidden -k Unavailable -k PreconditionFailed -k Malformed -k Gone -k Locked -k ChecksumMismatch -k _error -k require_role:3 -k translatable \
		-o portal/translations/messages.pot .
	$(BIN)/pybabel update -N --ignore-obsolete -i portal/translations/messages.pot -d portal/translations

run: install runtime-deps
	$(BIN)/portal db upgrade
	$(BIN)/portal search reindex --missing
	$(BIN)/portal demo seed --if-empty
	@echo "IP evidence portal on http://$$( [ "$(HOST)" = 127.0.0.1 ] && echo localhost || echo $(HOST) ):$(PORT)/"
	@nice -n 10 $(BIN)/portal worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --worker-class gthread --threads 4 \
		--timeout 120 --access-logfile - wsgi:app

# Debian packages, installed when missing (CI runs as root): libmagic for type
# sniffing and the Noto CJK fonts that PDF evidence lists embed; the tests also
# need Chromium for the browser journeys.
RUNTIME_CHECKS = \
	test -e /usr/lib/x86_64-linux-gnu/libmagic.so.1 -o -e /usr/lib/aarch64-linux-gnu/libmagic.so.1 || missing="$$missing libmagic1"; \
	test -d /usr/share/fonts/opentype/noto || missing="$$missing fonts-noto-cjk";
APT_INSTALL = \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

runtime-deps:
	@missing=""; $(RUNTIME_CHECKS) $(APT_INSTALL)

system-deps:
	@missing=""; $(RUNTIME_CHECKS) test -x /usr/bin/chromium || missing="$$missing chromium"; $(APT_INSTALL)

lint: $(STAMP)
	$(BIN)/ruff check portal evidence tests bench migrations wsgi.py
	$(BIN)/mypy

test: install system-deps lint
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist worksteal

# The load test's one-minute smoke run (20 users on 2,000 complaints, PostgreSQL + S3); bench/load.py
# without --smoke is the full ten minutes of 200 users on 100,000 complaints.
load-smoke: install runtime-deps
	$(BIN)/python bench/load.py --smoke

# Every page and list at 10,000 and 100,000 complaints beside a hello-world baseline.
scale: install runtime-deps
	$(BIN)/python bench/scale.py --sizes 10000,100000
