# The README's commands. PYTHON is the interpreter in which `import odoo`
# works when the addon tests are to run (see README).
PYTHON ?= python3

.PHONY: setup test test-connectors test-odoo lint demo sandbox bench

setup:            ## install the connector package, the test and the lint tools
	$(PYTHON) -m pip install -q -e '.[test,lint]'

test: test-connectors test-odoo   ## every test: connectors, then the addon in Odoo (or skipped)

test-connectors:
	$(PYTHON) -m pytest -q tests

test-odoo:
	$(PYTHON) scripts/odoo_tests.py

lint:             ## ruff on everything, OCA's pylint-odoo checks on the addon (.pylintrc)
	$(PYTHON) -m ruff check accounting_connectors pos_accounting_sync tests scripts bench
	$(PYTHON) -m pylint --rcfile=.pylintrc pos_accounting_sync

demo:             ## Odoo + module + sandbox on localhost (sandbox only without Odoo)
	$(PYTHON) scripts/odoo_demo.py

sandbox:          ## only the sandbox of both APIs, on port 8899
	$(PYTHON) -m accounting_connectors.sandbox --port 8899

bench:            ## connector throughput against the sandbox (Odoo benches: see bench/README.md)
	$(PYTHON) bench/bench_client.py
