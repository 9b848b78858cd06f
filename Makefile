# The two commands: `make run` and `make test`. Everything else is a step they take.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-$(shell cat requirements.lock pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test train eval validate lint locales check-locales clean
.PHONY: bench

run: $(DEPS)
	$(PY) -m bot.cli run

test: $(DEPS)
	bash scripts/system-packages.sh
	$(VENV)/bin/ruff check .
	$(PY) -m bot.cli check-locales
	$(PY) -m bot.cli validate
	$(PY) -m bot.cli train
	$(PY) -m pytest -p no:cacheprovider -rs

train: $(DEPS)
	$(PY) -m bot.cli train

eval: $(DEPS)
	$(PY) -m bot.cli eval

bench: $(DEPS)
	$(PY) -m bench

validate: $(DEPS)
	$(PY) -m bot.cli validate

lint: $(DEPS)
	$(VENV)/bin/ruff check .

# After editing a response in domain.yml (or a translatable string in bot/): refresh the template and
# merge it into the Lao and Thai catalogs; changed texts come back fuzzy until a translator confirms them.
locales: $(DEPS)
	$(VENV)/bin/pybabel -q extract -F babel.cfg --sort-by-file --no-wrap --project=lao-helpline \
	    --copyright-holder="Lao help-line contributors" -o locales/messages.pot .
	$(VENV)/bin/pybabel -q update -i locales/messages.pot -d locales --no-wrap --ignore-obsolete

check-locales: $(DEPS)
	$(PY) -m bot.cli check-locales

$(DEPS): requirements.lock pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh
	rm -f $(VENV)/.deps-* && touch $@

clean:
	rm -rf models .rasa .run results test-output
