"""Payout scenarios: a card method whose shifts' money waits in a clearing
account of its own (a Cash & Bank account added to the sandbox), paid out
to the seeded bank with the MDR fee on the seeded fee account."""

import base64
from decimal import Decimal

from .pos_sync_common import PosSyncCase

CLEARING = {"accurate": ("1104", "Piutang EDC", "CASH_BANK"), "jurnal": ("1-10003", "Piutang EDC", "Cash & Bank")}


class PayoutCase(PosSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clearing = CLEARING[cls.provider][0]
        cls.card = cls.bank_pm1  # the POS test base's bank method: a card terminal here
        cls.card_map = cls.connection.payment_map_ids.filtered(lambda m: m.payment_method_id == cls.card)
        cls.card_map.write({"remote_account": cls.clearing, "mdr_rate": 0.7, "payout_account": cls.codes["bank"],
                            "payout_fee_account": cls.codes["fee"], "settlement_name": "MID-0042"})
        cls.Payout = cls.env["accounting.payout"]

    def setUp(self):
        super().setUp()
        number, name, kind = CLEARING[self.provider]
        app = self.sandbox.app(self.provider)
        with self.sandbox.lock:
            if self.provider == "accurate":
                app.store.insert("glaccount", {"no": number, "name": name, "accountType": kind})
            else:
                app.store.add("accounts", {"name": name, "number": number, "category": kind})

    # --- building ----------------------------------------------------------------
    def card_shift(self, cups=100):
        """A closed shift that took ``cups`` x 22,200 on the card."""
        session = self.open_shift()
        self.sell([(self.kopi, cups)], payments=[(self.card, 22200 * cups)])
        self.close_from_ui(session)
        return session

    def payout(self, gross, **vals):
        return self.Payout.create(dict({"connection_id": self.connection.id, "payment_map_id": self.card_map.id,
                                        "gross_amount": gross}, **vals))

    def import_report(self, text):
        """The settlement report ``text`` (CSV) uploaded and previewed."""
        wizard = self.env["accounting.payout.import"].create({
            "connection_id": self.connection.id, "file": base64.b64encode(text.encode()), "filename": "stl.csv"})
        wizard.action_preview()
        return wizard

    def run_cron(self):
        """The worker as production runs it: its cron, its user, no test tz."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").method_direct_trigger()

    # --- reading the sandbox ------------------------------------------------------------
    def remote_accounts(self):
        """{account number: Decimal} moved by every document the sandbox holds
        (debit positive), cash/bank accounts and the fee account alike."""
        if self.provider == "accurate":
            out = {no: Decimal(str(v)) for no, v in self.sandbox.app("accurate").dump("account_money").items()}
            for transfer in self.sandbox_dump("bank_transfer"):
                for charge in transfer.get("detailBankTransfer") or []:
                    no = charge["account"]["no"]
                    out[no] = out.get(no, Decimal(0)) + Decimal(str(charge["amount"]))
            return {no: v for no, v in out.items() if v}
        app = self.sandbox.app("jurnal")
        numbers = {a["name"]: a["number"] for a in app.store.tables["accounts"].values()}
        return {numbers[name]: Decimal(str(v)) for name, v in app.dump("balance").items() if Decimal(str(v))}

    def remote_transfers(self):
        """{our reference: (gross, fee)} of the payouts the sandbox holds."""
        out = {}
        if self.provider == "accurate":
            for row in self.sandbox_dump("bank_transfer"):
                fee = sum((Decimal(str(c["amount"])) for c in row.get("detailBankTransfer") or []), Decimal(0))
                out.setdefault(row["number"], []).append((Decimal(str(row["fromBankAmount"])), fee))
            return out
        for row in self.sandbox_dump("bank_transfer"):
            out.setdefault(row["custom_id"], []).append((Decimal(str(row["transfer_amount"])), Decimal(0)))
        for row in self.sandbox_dump("journal_entry"):
            if not str(row.get("custom_id") or "").startswith("PAYOUT-"):
                continue
            lines = row["transaction_account_lines"]
            gross = sum(Decimal(str(line["credit"])) for line in lines)
            fee = sum(Decimal(str(line["debit"])) for line in lines
                      if line["account"]["number"] == self.codes["fee"])
            out.setdefault(row["custom_id"], []).append((gross, fee))
        return out
