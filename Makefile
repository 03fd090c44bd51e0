# The README's commands. PYTHON is the interpreter in which `import odoo`
# works when the addon tests are to run (see README).
PYTHON ?= python3

.PHONY: setup test test-connectors test-odoo odoo-db pytest-odoo upgrade-check lint demo sandbox bench

setup:            ## install the connector package, the test and the lint tools
	$(PYTHON) -m pip install -q -e '.[test,lint]'

test: test-connectors test-odoo   ## every test: connectors, then the addon in Odoo (or skipped)

test-connectors:
	$(PYTHON) -m pytest -q tests

# the addon in a throw-away database (install, tests, upgrade, uninstall), then
# Odoo's own suites of the flows it hooks into, every Odoo bench at --tiny and
# the upgrade check (scripts/odoo_tests.py --help); CI's Odoo run
test-odoo:
	$(PYTHON) scripts/odoo_tests.py

DB ?= pas_dev
odoo-db:          ## create (or -u update) the database $(DB) with the module, for pytest-odoo
	$(PYTHON) scripts/odoo_db.py --db $(DB)

K ?=
pytest-odoo:      ## the addon's tests through pytest-odoo on $(DB) (make odoo-db first); K=words picks them
	$(PYTHON) -m pytest -p odoo pos_accounting_sync/tests --odoo-config=.odoo-test/$(DB).conf --odoo-http \
		$(if $(K),-k "$(K)")

upgrade-check:    ## a database of the module before issue #23 upgraded with this tree (FROM=<git ref>)
	$(PYTHON) scripts/upgrade_check.py $(if $(FROM),--from $(FROM))

lint:             ## ruff on everything, OCA's pylint-odoo checks on the addon (.pylintrc)
	$(PYTHON) -m ruff check accounting_connectors pos_accounting_sync tests scripts bench conftest.py
	$(PYTHON) -m pylint --rcfile=.pylintrc pos_accounting_sync

DEMO_DB ?= pas_demo
DEMO_PORT ?= 8069
SANDBOX_PORT ?= 8899
demo:             ## Odoo + module + sandbox on localhost (sandbox only without Odoo); DEMO_DB, DEMO_PORT, SANDBOX_PORT
	$(PYTHON) scripts/odoo_demo.py --db $(DEMO_DB) --port $(DEMO_PORT) --sandbox-port $(SANDBOX_PORT)

sandbox:          ## only the sandbox of both APIs, on port 8899
	$(PYTHON) -m accounting_connectors.sandbox --port 8899

bench:            ## connector throughput against the sandbox (Odoo benches: see bench/README.md)
	$(PYTHON) bench/bench_client.py
