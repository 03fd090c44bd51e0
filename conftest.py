"""pytest-odoo for the addon's tests (the connector tests need neither).

    make odoo-db                                   # once: database pas_dev, module installed
    python3 -m pytest -p odoo pos_accounting_sync/tests -k <words> [--odoo-http]

pytest-odoo is off by default (``-p no:odoo`` in pyproject.toml: it imports
Odoo as soon as it loads); ``-p odoo`` turns it on. When no Odoo option is
given (``--odoo-database``, ``--odoo-config``, ``ODOO_RC``), the file that
``make odoo-db`` writes (``.odoo-test/pas_dev.conf``) is used. HttpCase
tests (the webhook door, the tours) need ``--odoo-http``; without it
pytest-odoo reports them skipped.
"""

import os
from pathlib import Path

import pytest

DEFAULT_CONFIG = Path(__file__).resolve().parent / ".odoo-test" / "pas_dev.conf"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    """Runs before pytest-odoo reads its options (it reads them in this hook)."""
    if (config.pluginmanager.has_plugin("odoo") and DEFAULT_CONFIG.is_file()
            and not (config.getoption("--odoo-database", None) or config.getoption("--odoo-config", None)
                     or os.environ.get("ODOO_RC") or os.environ.get("OPENERP_SERVER"))):
        config.option.odoo_config = str(DEFAULT_CONFIG)
    yield


@pytest.fixture(autouse=True)
def odoo_current_test(request):
    """Odoo's runner marks the module test mode (``odoo.modules.module.current_test``)
    while a suite runs; pytest-odoo does so from Odoo 19 only. The addon's
    worker reads it (it commits after each document, except in tests)."""
    if not request.config.pluginmanager.has_plugin("odoo"):
        yield
        return
    from odoo.modules import module  # noqa: PLC0415 - Odoo only where pytest-odoo runs

    previous, module.current_test = module.current_test, True
    try:
        yield
    finally:
        module.current_test = previous
