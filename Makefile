# Migrant worker social-security assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10: take the first python3.10 that really is 3.10 (pyenv shims may lie).
PY310 := $(shell for p in $$(command -v python3.10) $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/current.tar.gz
TRAINING_DATA := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)
# Interface-string catalogs: .po files are kept in git, .mo files are built from them.
# Debian's chromium and its chromedriver, for the browser tests of the web chat.
BROWSER := /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

export RASA_TELEMETRY_ENABLED ?= false
export TRACKER_DIALECT ?= sqlite
export TRACKER_DB ?= var/tracker.db
export ACTION_ENDPOINT_URL ?= http://localhost:5055/webhook
# TensorFlow's start-up chatter is noise here; errors still show.
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: help run telegram test evaluate content train i18n coverage lint lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/lock.txt
	@test -n "$(PY310)" || { echo "Python 3.10 is needed (e.g. pyenv install 3.10.13)"; exit 1; }
	test -x $(PY) || $(PY310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==24.2
	$(PY) -m pip install --quiet --no-deps -r requirements/lock.txt
	$(PY) -m pip check
	touch $@

$(MODEL): $(VENV)/.installed $(TRAINING_DATA)
	$(RASA) train --fixed-model-name current --out models
	@touch $@

train: $(MODEL) ## Train the model when it is missing or older than its data

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -D messages -i $< -o $@

i18n: $(VENV)/.installed ## Extract interface strings, update every catalog, compile them
	$(VENV)/bin/pybabel extract -F babel.cfg -o locales/messages.pot --sort-by-file \
		--project migrant-worker-assistant --copyright-holder "migrant-worker-assistant contributors" .
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --ignore-obsolete
	$(MAKE) --no-print-directory $(COMPILED)

coverage: $(VENV)/.installed ## Report per language: missing, stale and unreviewed content and strings
	$(PY) -m bot.coverage

content: $(VENV)/.installed $(COMPILED) ## Validate and publish the answers and the organisation profiles (live in the next reply)
	$(PY) -m bot.content publish
	$(PY) -m bot.profiles publish

run: $(MODEL) $(COMPILED) content ## Install, train if stale, publish content, start everything; Ctrl-C stops
	$(PY) -m bot.run

telegram: $(VENV)/.installed $(COMPILED) ## Run the Telegram bridge alone (needs TELEGRAM_BOT_TOKEN and a running Rasa)
	$(PY) -m bot.telegram

$(BROWSER):
	@command -v apt-get >/dev/null || { echo "Install chromium and chromedriver for the browser tests."; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

test: $(MODEL) $(COMPILED) $(BROWSER) ## Run the whole test suite (unit, end to end through real servers, Rasa stories)
	$(PY) -m pytest

evaluate: $(VENV)/.installed ## Train on an 80% split and report per-topic precision/recall
	$(PY) -m bot.evaluate

lint: $(VENV)/.installed ## ruff lint and format check, mypy on bot/ and actions/
	$(VENV)/bin/ruff check bot actions tests
	$(VENV)/bin/ruff format --check bot actions tests
	$(VENV)/bin/mypy

lock: ## Rebuild requirements/lock.txt from requirements/requirements.in
	rm -rf /tmp/mw-lock && $(PY310) -m venv /tmp/mw-lock
	/tmp/mw-lock/bin/pip install --quiet --upgrade pip==24.2
	/tmp/mw-lock/bin/pip install --quiet -r requirements/requirements.in
	/tmp/mw-lock/bin/pip freeze --exclude-editable | sort > requirements/lock.txt

clean: ## Remove the virtualenv, models and local databases
	rm -rf $(VENV) models var .pytest_cache
