"""Money that is not a plain sale, on both providers, checked the way an
accountant reconciles: each remote cash/bank account against what Odoo took
per payment method, each customer's remote balance against Odoo's
receivable, per document, and dates.

Shift shapes: a cash refund while sales came by QRIS (bank), a refund of an
earlier customer-account sale back onto the account, an order invoiced from
the POS to a named customer, cash counted short, and one shift that mixes
them all."""

from decimal import Decimal

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase

D = Decimal


@tagged("post_install", "-at_install")
class TestPosMoney(PosSyncCase):

    # --- helpers ----------------------------------------------------------------------
    def refund(self, order, lines, payments, customer=False):
        """A refund order as the POS sends it: each line names the line it refunds."""
        data = self.create_ui_order_data(lines, customer=customer, payments=payments)
        for _c, _i, vals in data["lines"]:
            vals["refunded_orderline_id"] = order.lines.filtered(
                lambda l, pid=vals["product_id"]: l.product_id.id == pid)[:1].id
        order_id = self.env["pos.order"].sync_from_ui([data])["pos.order"][0]["id"]
        return self.env["pos.order"].browse(order_id)

    def close(self, session, counted=None):
        cash = sum(session.order_ids.payment_ids.filtered(
            lambda p: p.payment_method_id == self.cash_pm1).mapped("amount"))
        session.post_closing_cash_details(cash if counted is None else counted)
        result = session.close_session_from_ui()
        self.assertTrue(result["successful"], result)
        self.run_worker()
        jobs = self.env["accounting.sync.job"].search([("connection_id", "=", self.connection.id)])
        self.assertEqual(set(jobs.mapped("state")), {"done"},
                         [(j.reference, j.error_message) for j in jobs if j.state != "done"])

    def remote_money(self, code):
        return D(str(self.sandbox.app(self.provider).dump("account_money").get(code, 0)))

    def remote_balance(self, partner=None):
        """What the customer owes remotely (the walk-in customer without ``partner``)."""
        balances = self.sandbox.app(self.provider).dump("customer_balance")
        if partner is None:
            key = self.codes["walkin"] if self.provider == "accurate" else "Pelanggan Umum"
        else:
            key = partner.accounting_customer_no if self.provider == "accurate" else partner.name
        return D(str(balances.get(key, 0)))

    def odoo_receivable(self, partner):
        lines = self.env["account.move.line"].search([
            ("partner_id", "=", partner.id), ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable")])
        return D("%.2f" % sum(lines.mapped("balance")))

    def odoo_money(self, method, sessions, difference=0):
        """What Odoo's sessions took (net) by ``method``, plus the cash counted over/short."""
        payments = sessions.order_ids.payment_ids.filtered(lambda p: p.payment_method_id == method)
        return D("%.2f" % (sum(payments.mapped("amount")) + difference))

    def assert_money(self, sessions, cash_difference=0):
        self.assertEqual(self.remote_money(self.codes["cash"]),
                         self.odoo_money(self.cash_pm1, sessions, cash_difference), "cash account")
        self.assertEqual(self.remote_money(self.codes["bank"]), self.odoo_money(self.bank_pm1, sessions),
                         "bank account")

    def carries(self, row, reference):
        """Whether a remote row is ours: Accurate keeps our number; Jurnal our
        custom_id where its contract documents one, else the ``[reference]``
        tag we put in a documented text (a return's memo, a refund's line)."""
        if self.provider == "accurate":
            return row.get("number") == reference
        tag = "[%s]" % reference
        texts = [row.get("memo")] + [line.get("description") for line in row.get("credit_memo_refund_lines") or []]
        return row.get("custom_id") == reference or any(tag in str(text or "") for text in texts)

    def row(self, kind, reference):
        if kind == "customer_refund" and self.provider == "accurate":
            kind = "journal_voucher"
        if kind == "journal_entry" and self.provider == "accurate":
            kind = "journal_voucher"
        rows = [r for r in self.sandbox_dump(kind) if self.carries(r, reference)]
        self.assertEqual(len(rows), 1, "one remote %s %s" % (kind, reference))
        return rows[0]

    def date_of(self, row):
        return row.get("transDate") or row.get("transaction_date") or row.get("date")

    # --- 5b: money paid out in another method than the sales ------------------------------
    def test_cash_refund_while_sales_came_by_qris(self):
        session = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.bank_pm1, 44400)])
        self.sell([(self.kopi, -1)], payments=[(self.cash_pm1, -22200)])
        self.close(session)
        self.assert_money(session)
        self.assertEqual(self.remote_money(self.codes["cash"]), D("-22200"))
        self.assertEqual(self.remote_balance(), D("0"), "the walk-in customer owes nothing")
        prefix = session._accounting_chain()
        invoice = self.row("sales_invoice", prefix + "/INV")
        receipt = self.row("sales_receipt", "%s/RCV/%s" % (prefix, self.bank_pm1.id))
        self.assertEqual(self.receipt_lines(receipt), [(prefix + "/INV", D("44400"))])
        refund = self.row("customer_refund", "%s/RET/REF/%s" % (prefix, self.cash_pm1.id))
        self.assertEqual(self.date_of(refund), self.date_of(invoice))
        self.assertEqual(self.date_of(receipt), self.date_of(invoice))

    def test_refund_only_shift_pays_the_cash_out(self):
        first = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        self.close(first)
        second = self.open_shift()
        self.sell([(self.kopi, -1)], payments=[(self.cash_pm1, -22200)])
        self.close(second)
        self.assert_money(first | second)
        self.assertEqual(self.remote_money(self.codes["cash"]), D("22200"))
        self.assertEqual(self.remote_balance(), D("0"))

    def test_refund_of_an_earlier_sale_in_a_shift_with_cash_sales(self):
        """Cash still covers the refund, but this shift's invoice never sold
        the product: the return goes against the sale's own invoice and its
        cash goes out by a refund, so no invoice is left half paid."""
        first = self.open_shift()
        sale = self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        self.close(first)
        second = self.open_shift()
        self.sell([(self.roti, 2)], payments=[(self.cash_pm1, 33300)])
        self.refund(sale, [(self.kopi, -1)], payments=[(self.cash_pm1, -22200)])
        self.close(second)
        self.assert_money(first | second)
        self.assertEqual(self.remote_money(self.codes["cash"]), D("55500"))
        self.assertEqual(self.remote_balance(), D("0"))
        for session in (first, second):
            self.assertTrue(self.client.invoice_status("%s/INV" % session._accounting_chain())["paid"], session.name)
        if self.provider == "accurate":
            ret = self.row("sales_return", "%s/RET" % second._accounting_chain())
            self.assertEqual(ret["invoice"]["number"], "%s/INV" % first._accounting_chain())
        self.row("customer_refund", "%s/RET/REF/%s" % (second._accounting_chain(), self.cash_pm1.id))

    # --- 5a: a refund paid back onto the customer's account ----------------------------------
    def test_refund_onto_the_account_returns_against_that_customers_invoice(self):
        first = self.open_shift()
        sale = self.sell([(self.roti, 3)], payments=[(self.pay_later_pm, 49950)], customer=self.customer)
        self.close(first)
        second = self.open_shift()
        self.refund(sale, [(self.roti, -1)], payments=[(self.pay_later_pm, -16650)], customer=self.customer)
        self.close(second)
        self.assertEqual(self.odoo_receivable(self.customer), D("33300"))
        self.assertEqual(self.remote_balance(self.customer), D("33300"))
        ar = "%s/AR/%s" % (first._accounting_chain(), self.customer.id)
        ret_ref = "%s/AR/%s/RET" % (second._accounting_chain(), self.customer.id)
        if self.provider == "accurate":
            ret = self.row("sales_return", ret_ref)
            self.assertEqual(ret["invoice"]["number"], ar)
            self.assertEqual(self.remote_total("sales_return", ret), D("16650"))
        else:
            ret = self.row("sales_return", ret_ref)
            self.assertEqual(ret["invoice_no"], ar)
        self.assertEqual(D(str(self.client.invoice_status(ar)["outstanding"])), D("33300"))
        self.assert_money(first | second)

    # --- 6: an order invoiced from the POS to a named customer ---------------------------------
    def test_invoiced_order_posts_to_its_customer_once(self):
        session = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        data = self.create_ui_order_data([(self.roti, 2)], customer=self.other_customer, is_invoiced=True,
                                         payments=[(self.bank_pm1, 33300)])
        order = self.env["pos.order"].browse(self.env["pos.order"].sync_from_ui([data])["pos.order"][0]["id"])
        self.assertTrue(order.account_move, "Odoo invoiced the order")
        self.close(session)
        prefix = session._accounting_chain()
        walkin = self.row("sales_invoice", prefix + "/INV")
        self.assertEqual(self.remote_total("sales_invoice", walkin), D("44400"), "the walk-in invoice leaves it out")
        own = self.row("sales_invoice", "%s/INV/%s" % (prefix, order.id))
        self.assertEqual(self.remote_total("sales_invoice", own), D("33300"))
        if self.provider == "accurate":
            self.assertEqual(own["customer"]["customerNo"], self.other_customer.accounting_customer_no)
        else:
            self.assertEqual(own["person"]["display_name"], self.other_customer.name)
        receipt = self.row("sales_receipt", "%s/INV/%s/RCV/%s" % (prefix, order.id, self.bank_pm1.id))
        self.assertEqual(self.receipt_lines(receipt), [("%s/INV/%s" % (prefix, order.id), D("33300"))])
        self.assertEqual(len(self.sandbox_dump("sales_invoice")), 2, "posted once")
        self.assertEqual(self.remote_balance(self.other_customer), self.odoo_receivable(self.other_customer))
        self.assert_money(session)

    def test_invoiced_order_on_account_is_settled_on_its_own_invoice(self):
        session = self.open_shift()
        data = self.create_ui_order_data([(self.roti, 2)], customer=self.other_customer, is_invoiced=True,
                                         payments=[(self.bank_pm1, 10000), (self.pay_later_pm, 23300)])
        order = self.env["pos.order"].browse(self.env["pos.order"].sync_from_ui([data])["pos.order"][0]["id"])
        self.close(session)
        own = "%s/INV/%s" % (session._accounting_chain(), order.id)
        self.assertEqual(D(str(self.client.invoice_status(own)["outstanding"])), D("23300"))
        self.assertEqual(self.remote_balance(self.other_customer), D("23300"))
        self.assertEqual(self.odoo_receivable(self.other_customer), D("23300"))
        self.pay_invoice(order.account_move, 23300)
        self.run_worker()
        receipts = [r for r in self.sandbox_dump("sales_receipt")
                    if self.receipt_lines(r) == [(own, D("23300"))]]
        self.assertEqual(len(receipts), 1)
        self.assertTrue(self.client.invoice_status(own)["paid"])
        self.assertEqual(self.remote_balance(self.other_customer), self.odoo_receivable(self.other_customer))

    # --- 7: cash counted over or short ----------------------------------------------------------
    def test_cash_counted_short_is_booked_so_the_cash_account_equals_the_drawer(self):
        session = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        self.close(session, counted=43900)
        self.assertEqual(session.cash_register_difference, -500)
        entry = self.row("journal_entry", "%s/CASH" % session._accounting_chain())
        self.assertTrue(entry)
        self.assertEqual(self.remote_money(self.codes["cash"]), D("43900"), "the drawer")
        self.assert_money(session, cash_difference=-500)

    def test_cash_counted_over(self):
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close(session, counted=22300)
        self.assertEqual(self.remote_money(self.codes["cash"]), D("22300"))

    # --- 5c: invoiced after the close, paid, un-reconciled ------------------------------------
    def pay_invoice(self, invoice, amount, date=None):
        payment = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "amount": amount, "journal_id": self.bank_pm1.journal_id.id,
                **({"payment_date": date} if date else {})})._create_payments()
        return payment

    def settle(self, session, amount, date=None):
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id,
            "amount": amount, "journal_id": self.bank_pm1.journal_id.id, **({"date": date} if date else {})})
        payment.action_post()
        account = self.customer.property_account_receivable_id
        (payment.move_id.line_ids | session.move_id.line_ids).filtered(
            lambda l: l.account_id == account and l.partner_id == self.customer and not l.reconciled).reconcile()
        return payment

    def test_invoiced_after_close_then_paid_is_one_receipt_on_the_original_invoice(self):
        session = self.open_shift()
        order = self.sell([(self.roti, 3)], payments=[(self.pay_later_pm, 49950)], customer=self.customer)
        self.close(session)
        order.action_pos_order_invoice()
        self.run_worker()
        self.pay_invoice(order.account_move, 49950)
        self.run_worker()
        jobs = self.env["accounting.sync.job"].search([("connection_id", "=", self.connection.id)])
        self.assertEqual(set(jobs.mapped("state")), {"done"},
                         [(j.reference, j.error_message) for j in jobs if j.state != "done"])
        ar = "%s/AR/%s" % (session._accounting_chain(), self.customer.id)
        receipts = self.sandbox_dump("sales_receipt")
        self.assertEqual(len(receipts), 1)
        self.assertEqual(self.receipt_lines(receipts[0]), [(ar, D("49950"))])
        self.assertTrue(self.client.invoice_status(ar)["paid"])
        self.assertEqual(self.remote_balance(self.customer), self.odoo_receivable(self.customer))
        self.assertEqual(self.odoo_receivable(self.customer), D("0"))
        self.assertEqual(self.remote_money(self.codes["bank"]), D("49950"))

    def test_unreconciled_settlement_voids_its_receipt(self):
        session = self.open_shift()
        self.sell([(self.roti, 3)], payments=[(self.pay_later_pm, 49950)], customer=self.customer)
        self.close(session)
        payment = self.settle(session, 20000)
        self.run_worker()
        ar = "%s/AR/%s" % (session._accounting_chain(), self.customer.id)
        self.assertEqual(D(str(self.client.invoice_status(ar)["outstanding"])), D("29950"))
        payment.action_draft()  # un-reconciles
        self.run_worker()
        self.assertFalse(self.sandbox_dump("sales_receipt"), "the receipt is voided remotely")
        self.assertEqual(D(str(self.client.invoice_status(ar)["outstanding"])), D("49950"))
        self.assertEqual(self.remote_balance(self.customer), self.odoo_receivable(self.customer))
        void = self.env["accounting.sync.job"].search([("kind", "=", "receipt_void"),
                                                        ("connection_id", "=", self.connection.id)])
        self.assertEqual(void.state, "done", void.error_message)
        # settled again: a new receipt
        self.settle(session, 49950)
        self.run_worker()
        self.assertTrue(self.client.invoice_status(ar)["paid"])
        self.assertEqual(self.remote_balance(self.customer), D("0"))

    def test_settlement_paid_before_the_invoice_date(self):
        session = self.open_shift()
        self.sell([(self.roti, 1)], payments=[(self.pay_later_pm, 16650)], customer=self.customer)
        self.close(session)
        ar = "%s/AR/%s" % (session._accounting_chain(), self.customer.id)
        invoice_date = self.date_of(self.row("sales_invoice", ar))
        early = session.move_id.date.replace(day=1) if session.move_id.date.day > 1 else session.move_id.date
        early = early.replace(year=early.year - 1)
        payment = self.settle(session, 16650, date=early)
        self.run_worker()
        receipt = self.sandbox_dump("sales_receipt")[0]
        if self.provider == "accurate":
            # Accurate's bypass keeps the payment's own date
            self.assertEqual(receipt["transDate"], payment.date.strftime("%d/%m/%Y"))
        else:
            # Jurnal has none: dated on the invoice's date, and the memo says so
            self.assertEqual(receipt["transaction_date"], invoice_date)
            self.assertIn(payment.date.strftime("%d/%m/%Y"), receipt["memo"])
        self.assertEqual(self.remote_balance(self.customer), D("0"))

    def test_realtime_invoiced_order_and_cash_refund(self):
        """Real-time mode: each order posts alone, with the same rules."""
        self.connection.sales_sync_mode = "realtime"
        session = self.open_shift()
        data = self.create_ui_order_data([(self.roti, 1)], customer=self.other_customer, is_invoiced=True,
                                         payments=[(self.bank_pm1, 16650)])
        order = self.env["pos.order"].browse(self.env["pos.order"].sync_from_ui([data])["pos.order"][0]["id"])
        refund = self.sell([(self.kopi, -1)], payments=[(self.cash_pm1, -22200)])
        self.close(session)
        own = "%s/INV/%s" % (order._accounting_chain(), order.id)
        self.assertTrue(self.client.invoice_status(own)["paid"])
        self.row("customer_refund", "%s/RET/REF/%s" % (refund._accounting_chain(), self.cash_pm1.id))
        self.assert_money(session)
        self.assertEqual(self.remote_balance(self.other_customer), self.odoo_receivable(self.other_customer))
        self.assertEqual(self.remote_balance(), D("0"))
        self.assertFalse([j for j in self.env["accounting.sync.job"].search([]) if j.res_model == "pos.session"
                          and j.kind in ("sales_invoice", "sales_return")], "the shift posts nothing twice")

    # --- a mixed shift ------------------------------------------------------------------------
    def test_mixed_shift(self):
        """Walk-in sales by QRIS, an invoiced order, a pay-later sale, a
        refund of an earlier pay-later sale onto the account, a cash refund
        and cash counted over."""
        first = self.open_shift()
        earlier = self.sell([(self.kopi, 2)], payments=[(self.pay_later_pm, 44400)], customer=self.customer)
        self.close(first)
        second = self.open_shift()
        self.sell([(self.roti, 2)], payments=[(self.bank_pm1, 33300)])
        data = self.create_ui_order_data([(self.kopi, 1)], customer=self.other_customer, is_invoiced=True,
                                         payments=[(self.bank_pm1, 22200)])
        self.env["pos.order"].sync_from_ui([data])
        self.sell([(self.roti, 1)], payments=[(self.pay_later_pm, 16650)], customer=self.customer)
        self.refund(earlier, [(self.kopi, -1)], payments=[(self.pay_later_pm, -22200)], customer=self.customer)
        self.sell([(self.roti, -1)], payments=[(self.cash_pm1, -16650)])
        self.close(second, counted=-16650 + 1000)
        self.assert_money(first | second, cash_difference=1000)
        self.assertEqual(self.remote_money(self.codes["cash"]), D("-15650"))
        self.assertEqual(self.remote_money(self.codes["bank"]), D("55500"))
        for partner in (self.customer, self.other_customer):
            self.assertEqual(self.remote_balance(partner), self.odoo_receivable(partner), partner.name)
        self.assertEqual(self.odoo_receivable(self.customer), D("38850"))
        self.assertEqual(self.remote_balance(), D("0"))


@tagged("post_install", "-at_install")
class TestPosMoneyJurnal(TestPosMoney):
    provider = "jurnal"
