"""POS scenarios over the sandbox: Odoo's own POS test base (sessions,
orders as the POS UI sends them, closing) plus a connection to the sandbox."""

from datetime import timedelta
from decimal import Decimal

import requests

from accounting_connectors.documents import account_item_ref
from accounting_connectors.jurnal import returns

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import AccountingSyncCase



class IndonesianShopMixin:
    """A company set up as Indonesian shops run Odoo: the l10n_id chart in
    rupiah, its own ST1 (labelled 12%, computed at 11%) and ST3 (12%), a PB1
    10% regional tax, a perfume under ST3 and fried rice under ST1 and PB1."""

    country_code = "ID"
    chart_template = "id"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        # Odoo's POS test base moves the company to a made-up country: back to Indonesia
        cls.change_company_country(company, cls.env.ref("base.id"))
        chart = cls.env["account.chart.template"].with_company(company)
        cls.st1, cls.st3 = chart.ref("tax_ST1"), chart.ref("tax_ST3")
        cls.pb1 = cls.env["account.tax"].create({
            "name": "PB1 10%", "invoice_label": "PB1", "amount": 10, "amount_type": "percent",
            "type_tax_use": "sale", "company_id": company.id})
        cls.parfum = cls.create_product("Parfum", cls.categ_basic, 250000.0, tax_ids=cls.st3.ids)
        cls.nasgor = cls.create_product("Nasi Goreng", cls.categ_basic, 35000.0, tax_ids=(cls.st1 | cls.pb1).ids)
        cls.parfum.default_code, cls.nasgor.default_code = "PARFUM-01", "NASGOR-01"


class PosSyncCase(AccountingSyncCase, TestPoSCommon):

    @classmethod
    def get_default_groups(cls):
        # the test user (an accountant, from Odoo's base) also runs the sync
        return (super().get_default_groups() | cls.env.ref("point_of_sale.group_pos_manager")
                | cls.env.ref("pos_accounting_sync.group_accounting_sync_manager"))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls.tax11 = cls.env["account.tax"].create({
            "name": "PPN 11%", "amount": 11, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": cls.env.company.id})
        cls.kopi = cls.create_product("Kopi Susu", cls.categ_basic, 20000.0, tax_ids=[cls.tax11.id])
        cls.roti = cls.create_product("Roti Bakar", cls.categ_basic, 15000.0, tax_ids=[cls.tax11.id])
        cls.kopi.default_code = "KOPI-01"
        cls.roti.default_code = "ROTI-01"
        cls.customer.ref = "CUST-001"
        cls.connection.write({
            "sales_sync_mode": "session_close",
            "default_customer_ref": cls.codes["walkin"],
            "rounding_account": cls.codes["rounding"],
            "receivable_account": cls.codes["receivable"],
            "cash_difference_account": cls.codes["cash_difference"],
            "outlet_map_ids": [(0, 0, {"pos_config_id": cls.config.id})],
            "payment_map_ids": [
                (0, 0, {"payment_method_id": cls.cash_pm1.id, "remote_account": cls.codes["cash"]}),
                (0, 0, {"payment_method_id": cls.bank_pm1.id, "remote_account": cls.codes["bank"]}),
            ],
        })
        cls.connection.tax_map_ids = [(0, 0, {"tax_id": cls.tax11.id, "remote_tax": cls.codes["tax11"]})]
        # only the connection under test is live for this company
        (cls.env["accounting.connection"].search([("company_id", "=", cls.env.company.id)])
         - cls.connection).action_archive()
        cls.client = cls.connection._get_client()

    def round_cash_to_100(self):
        """The outlet rounds cash totals to Rp 100, half up (Odoo's cash rounding)."""
        self.config.cash_rounding = True
        self.config.rounding_method = self.env["account.cash.rounding"].create({
            "name": "Rp 100", "rounding": 100, "strategy": "add_invoice_line", "rounding_method": "HALF-UP",
            "profit_account_id": self.company["default_cash_difference_income_account_id"].id,
            "loss_account_id": self.company["default_cash_difference_expense_account_id"].id,
        })

    def offer_own_menu(self):
        """The outlet offers its own products only (its POS categories): the
        database's demo products, their taxes and services, are another shop's."""
        menu = self.env["pos.category"].create({"name": "Menu Kopi"})
        (self.kopi | self.roti).pos_categ_ids = menu
        self.config.write({"limit_categories": True, "iface_available_categ_ids": [(6, 0, menu.ids)]})

    # --- building a shift ----------------------------------------------------------
    def open_shift(self):
        return self._start_pos_session(self.cash_pm1 | self.bank_pm1 | self.pay_later_pm, 0)

    def sell(self, lines, payments=None, customer=False):
        data = self.create_ui_order_data(lines, customer=customer, payments=payments)
        order_id = self.env["pos.order"].sync_from_ui([data])["pos.order"][0]["id"]
        return self.env["pos.order"].browse(order_id)

    def standard_shift(self):
        """Cash, bank and customer-account sales and a refund:
        1. 2 x Kopi, cash                          44,400
        2. Kopi -10% + Roti, bank          19,980 + 16,650 = 36,630
        3. 3 x Roti on Customer 1's account        49,950
        4. refund of 1 Kopi, cash back            -22,200
        """
        session = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        self.sell([(self.kopi, 1, 10), (self.roti, 1)], payments=[(self.bank_pm1, 36630)])
        self.sell([(self.roti, 3)], payments=[(self.pay_later_pm, 49950)], customer=self.customer)
        self.sell([(self.kopi, -1)], payments=[(self.cash_pm1, -22200)])
        return session

    def close_and_post(self, session):
        """Close the shift, run the worker; every document done: the shift's invoice as the sandbox holds it."""
        self.close_from_ui(session)
        self.run_worker()
        jobs = self.jobs_of(session)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        return self.remote("sales_invoice")["%s/INV" % session._accounting_chain()]

    def move_back(self, session, days):
        """The closed ``session`` happened ``days`` days ago (call it before
        its documents are sent: they are dated when built)."""
        self.env.flush_all()
        delta = timedelta(days=days)
        cr = self.env.cr
        cr.execute("UPDATE pos_session SET start_at = start_at - %s, stop_at = stop_at - %s WHERE id = %s",
                   (delta, delta, session.id))
        cr.execute("UPDATE pos_order SET date_order = date_order - %s WHERE session_id = %s", (delta, session.id))
        cr.execute("UPDATE account_move SET date = date - %s WHERE id = %s", (delta, session.move_id.id))
        self.env.invalidate_all()

    def close_from_ui(self, session):
        cash = sum(session.order_ids.payment_ids.filtered(
            lambda p: p.payment_method_id == self.cash_pm1).mapped("amount"))
        session.post_closing_cash_details(cash)
        result = session.close_session_from_ui()
        self.assertTrue(result["successful"], result)

    # --- reading what the sandbox holds -------------------------------------------
    def person(self, action, kind, reference, changes=None):
        """A person edits (``action``: edit, delete, copy) our document
        ``reference`` of ``kind`` in the accounting system (the sandbox's admin endpoint)."""
        body = {"kind": kind, "reference": reference}
        if changes:
            body["changes"] = changes
        answer = requests.post("%s/_sandbox/sales/%s/%s" % (self.sandbox.url, self.provider, action),
                               json=body, timeout=5)
        self.assertEqual(answer.status_code, 200, answer.text)


    def remote(self, kind):
        """``{our reference: row}`` of the sandbox's documents of ``kind``."""
        if self.provider == "jurnal" and kind == "sales_return":
            # Jurnal documents no custom_id on a return: our reference is in its memo
            return {ref: row for row in self.sandbox_dump(kind) if (ref := returns.reference_of(row))}
        key = "number" if self.provider == "accurate" else "custom_id"
        return {row[key]: row for row in self.sandbox_dump(kind) if row.get(key)}

    def remote_regional(self, row):
        """What an invoice or return owes on the PB1 (regional tax) account, never PPN."""
        account = self.codes["regional"]
        if self.provider == "accurate":
            return sum((Decimal(str(e["expenseAmount"])) for e in row.get("detailExpense") or []
                        if e["account"]["no"] == account), Decimal(0))
        return sum((Decimal(str(line["amount"])) for line in row["transaction_lines_attributes"]
                    if line["product"]["code"] == account_item_ref(account)), Decimal(0))

    def remote_total(self, kind, row):
        if self.provider == "accurate":
            return Decimal(str(row["totalAmount"]))
        field = {"sales_invoice": "original_amount", "sales_return": "return_amount"}[kind]
        return Decimal(str(row[field]))

    def remote_tax(self, row):
        return Decimal(str(row["tax1Amount"] if self.provider == "accurate" else row["tax_amount"]))

    def receipt_lines(self, row):
        """``[(invoice reference, amount)]`` of a remote receipt."""
        if self.provider == "accurate":
            return [(d["invoiceNo"], Decimal(str(d["paymentAmount"]))) for d in row["detailInvoice"]]
        return [(r["transaction_no"], Decimal(str(r["amount"])))
                for r in row["records"]]

    def session_move_totals(self, session):
        """(sales + taxes, taxes) credited by the session's journal entry."""
        lines = session.move_id.line_ids
        revenue = lines.filtered(lambda l: l.account_id.internal_group == "income" or l.tax_line_id)
        taxes = lines.filtered("tax_line_id")
        to_dec = lambda v: Decimal("%.2f" % v)  # noqa: E731
        return to_dec(-sum(revenue.mapped("balance"))), to_dec(-sum(taxes.mapped("balance")))

    def jobs_of(self, record):
        return self.env["accounting.sync.job"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id),
             ("connection_id", "=", self.connection.id)])
