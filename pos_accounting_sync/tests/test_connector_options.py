"""The seam between Odoo and the connectors is complete: every option a
connector client or mapping reads is set from a field of the connection
(or a mapping), and reaches the client. A new option read in the connector
layer without a field in Odoo fails here."""

import importlib
import re
from pathlib import Path

import accounting_connectors
from odoo.tests import tagged

from .common import AccountingSyncCase
from .pos_sync_common import PosSyncCase

#: options.get("x"), options["x"], client.options.get("x"), config.extra.get("x"), _named_account(client, "x"
READ = re.compile(r"""(?:options|extra)(?:\.get\(|\[)\s*["'](\w+)["']|_named_account\(\s*\w+,\s*["'](\w+)["']""")


def options_read(provider):
    """``{option}`` read by the connector code of ``provider``, less those
    its client declares it derives from each document (``DERIVED_OPTIONS``)."""
    root = Path(accounting_connectors.__file__).parent / provider
    read = set()
    for path in root.glob("*.py"):
        read |= {a or b for a, b in READ.findall(path.read_text())}
    client = importlib.import_module("accounting_connectors.%s.client" % provider)
    return read - set(getattr(client, "DERIVED_OPTIONS", ()))


@tagged("post_install", "-at_install")
class TestConnectorOptions(AccountingSyncCase):

    def fill_every_option_field(self, connection):
        """Every account picker gets a code, every other option field a value."""
        Option = self.env["accounting.remote.option"]
        for name, field in connection._fields.items():
            if name.endswith("_account_option_id") and field.comodel_name == "accounting.remote.option":
                code = "ACC-%s" % name
                connection[name] = Option.create({"connection_id": connection.id, "option_type": "account",
                                                  "code": code, "name": code})
        connection.jurnal_payment_method = "Tunai"
        connection.jurnal_company_id = "1"
        connection.accurate_signature_encoding = "hex"

    def test_every_option_read_is_set_from_odoo(self):
        for provider in ("accurate", "jurnal"):
            connection = self.connections[provider]
            read = options_read(provider)
            self.assertTrue(read, "the scan finds the options the %s code reads" % provider)
            self.fill_every_option_field(connection)
            options = connection._connector_options()
            missing = sorted(key for key in read if not options.get(key))
            self.assertFalse(missing, "%s options read by the connector but not settable from Odoo: %s"
                             % (provider, missing))
            client = connection._get_client()
            self.assertEqual(client.config.extra, options, "the client gets what the connection sets")

    def test_jurnal_company_is_learnt_then_enforced(self):
        connection = self.connections["jurnal"]
        connection.jurnal_company_id = False
        connection.action_test_connection()
        self.assertEqual(connection.state, "connected")
        learnt = connection.jurnal_company_id
        self.assertTrue(learnt, "the first Test connection stores the company it reached")
        connection.jurnal_company_id = "%s0" % learnt  # as if the credentials were another company's
        connection.action_test_connection()
        self.assertEqual(connection.state, "error")
        self.assertIn("(id %s)" % learnt, connection.state_message)

    def test_scan_sees_a_new_option(self):
        """The scan is what makes the test above fail: it finds reads in each form used."""
        found = {a or b for a, b in READ.findall(
            'options.get("one") x options["two"] client.options.get("three") '
            '_named_account(client, "four", NAMES) config.extra.get("five", "base64")')}
        self.assertEqual(found, {"one", "two", "three", "four", "five"})


@tagged("post_install", "-at_install")
class TestDemoFirstSale(PosSyncCase):
    """The demo's preparation maps the company's own sales tax (15% in Odoo's
    generic chart) so the first POS sale posts with no failed job."""

    def test_first_sale_posts_after_demo_prepare(self):
        tax = self.env.company.account_sale_tax_id
        if not tax or tax.amount != 15:
            tax = self.env["account.tax"].create({"name": "15%", "amount": 15, "type_tax_use": "sale",
                                                  "company_id": self.env.company.id})
        product = self.create_product("Desk Pad", self.categ_basic, 1000.0, tax_ids=[tax.id])
        product.default_code = "DESK-PAD"
        self.connection.tax_map_ids.unlink()
        self.connection.state = "draft"
        self.env["accounting.connection"]._demo_prepare()
        self.assertEqual(self.connection.state, "connected", self.connection.state_message)
        mapped = self.connection.tax_map_ids.filtered(lambda m: m.tax_id == tax)
        self.assertTrue(mapped.remote_tax, "the 15% tax is mapped by the demo preparation")

        session = self.open_shift()
        self.sell([(product, 1)], payments=[(self.cash_pm1, 1150)])
        self.close_from_ui(session)
        self.run_worker()
        jobs = self.env["accounting.sync.job"].search([("chain", "=", session._accounting_chain())])
        self.assertTrue(jobs)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        invoice = self.remote("sales_invoice")["%s/INV" % session._accounting_chain()]
        self.assertEqual(self.remote_total("sales_invoice", invoice), 1150)


@tagged("post_install", "-at_install")
class TestDemoFirstSaleJurnal(TestDemoFirstSale):
    provider = "jurnal"
