# The two commands: `make run` and `make test`. Both set everything up first.
VENV    := .venv
PYTHON  ?= python3
FLASK   := $(VENV)/bin/flask --app wsgi

.PHONY: run test install db lint bench clean

run: db
	@$(FLASK) demo-logins
	@echo "Serving on http://$${BIND:-127.0.0.1:5000} (Ctrl-C stops)"
	$(VENV)/bin/gunicorn --config gunicorn.conf.py wsgi:app

test: db
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

db: install
	$(FLASK) db upgrade
	$(FLASK) demo-data

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(VENV)/bin/python bench/run.py

clean:
	rm -rf $(VENV) instance/*.sqlite*
