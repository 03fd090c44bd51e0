from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .accounting_mapping import copy_chosen_code, remote_choice
from . import accounting_messages as msgs

#: accounts a payout of the method reads (codes picked from the fetched lists)
PAYOUT_CODE_FIELDS = ("clearing_account", "payout_account", "payout_fee_account")


class AccountingPaymentMapPayout(models.Model):
    """What a card, QRIS or e-wallet method needs for its payouts: the MDR
    rate the provider keeps, the clearing account the shifts' money waits in,
    the bank the payouts reach and the account the fee is booked on; and the
    clearing balance (received by the shifts, less what was paid out)."""

    _inherit = "accounting.payment.map"

    currency_id = fields.Many2one(related="connection_id.company_id.currency_id")
    mdr_rate = fields.Float(
        string="MDR Rate (%)", digits=(6, 4),
        help="Merchant discount rate the payment provider keeps from each payout, in percent "
             "(0.7 for 0.7%). A payout's fee is its gross amount times this rate, rounded to the "
             "rupiah half up (0.5 and more rounds up), as payment providers do; each payout may "
             "override the rate, and a settlement report's own fee replaces the computed one.")
    settlement_name = fields.Char(
        string="Name in Settlement Report",
        help="How the provider's settlement report names this method (its MID or label); "
             "empty: the payment method's own name. Compared without regard to case.")
    clearing_account_option_id = remote_choice("Clearing Account Choice", "account")
    clearing_account = fields.Char(
        compute="_compute_payout_codes", store=True, readonly=False,
        help="Where the shifts' money of this method waits until the provider pays it out. "
             "Empty: the Cash/Bank Account above, where the shifts post it (the usual case).")
    payout_account_option_id = remote_choice("Payout Bank Account Choice", "account")
    payout_account = fields.Char(
        string="Payout Bank Account", compute="_compute_payout_codes", store=True, readonly=False,
        help="The bank account the provider pays the net amount into.")
    payout_fee_account_option_id = remote_choice("Payout Fee Account Choice", "account")
    payout_fee_account = fields.Char(
        compute="_compute_payout_codes", store=True, readonly=False,
        help="Where the MDR fee is booked. Empty: the connection's Fee (MDR) Account.")
    payout_ids = fields.One2many("accounting.payout", "payment_map_id", string="Payouts")
    clearing_received = fields.Monetary(
        compute="_compute_clearing", string="Received by Shifts",
        help="What the closed shifts of the outlets mapped on this connection received with this "
             "payment method (Odoo's POS payments).")
    clearing_paid_out = fields.Monetary(
        compute="_compute_clearing", string="Paid Out (Gross)",
        help="Gross amount of this method's payouts on this connection, cancelled ones excepted.")
    clearing_balance = fields.Monetary(
        compute="_compute_clearing",
        help="Still to be paid out by the provider: received by the shifts less the payouts' gross "
             "amounts (the net reached the bank, the fee is the provider's).")

    @api.depends("payment_method_id")
    def _compute_display_name(self):
        # payouts pick a mapping: show the method, not the model's technical name
        for rec in self:
            rec.display_name = rec.payment_method_id.display_name or ""

    @api.depends(*(f + "_option_id" for f in PAYOUT_CODE_FIELDS))
    def _compute_payout_codes(self):
        for fname in PAYOUT_CODE_FIELDS:
            copy_chosen_code(self, fname)

    @api.constrains("mdr_rate")
    def _check_mdr_rate(self):
        for rec in self:
            if not 0 <= rec.mdr_rate < 100:
                raise ValidationError(_("The MDR rate of %(method)s must be between 0 and 100 percent.",
                                        method=rec.payment_method_id.display_name))

    # --- the clearing balance ----------------------------------------------------
    def _received_by_shifts(self):
        """{map id: amount} the closed shifts received with each mapped method,
        in the outlets its connection maps."""
        out = {}
        for rec in self:
            outlets = rec.connection_id.outlet_map_ids.filtered("active").pos_config_id
            if not rec.payment_method_id or not outlets:
                out[rec.id] = 0.0
                continue
            # sudo: accountants may read the balance without POS access rights
            groups = self.env["pos.payment"].sudo()._read_group(
                [("payment_method_id", "=", rec.payment_method_id.id), ("session_id.state", "=", "closed"),
                 ("session_id.config_id", "in", outlets.ids)], [], ["amount:sum"])
            out[rec.id] = (groups[0][0] if groups else 0.0) or 0.0
        return out

    def _paid_out(self, exclude=None):
        """{map id: gross} of the maps' payouts, cancelled ones and ``exclude`` excepted."""
        domain = [("payment_map_id", "in", self.ids), ("state", "!=", "cancelled")]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        groups = self.env["accounting.payout"].sudo()._read_group(
            domain, ["payment_map_id"], ["gross_amount:sum"])
        return {payment_map.id: gross for payment_map, gross in groups}

    def _clearing_available(self, exclude=None):
        """What may still be paid out of the method's clearing account."""
        self.ensure_one()
        return self._received_by_shifts()[self.id] - self._paid_out(exclude).get(self.id, 0.0)

    @api.depends("payment_method_id", "connection_id", "payout_ids.gross_amount", "payout_ids.state")
    def _compute_clearing(self):
        real = self.filtered("id")
        received, paid = real._received_by_shifts(), real._paid_out()
        for rec in self:
            rec.clearing_received = received.get(rec.id, 0.0)
            rec.clearing_paid_out = paid.get(rec.id, 0.0)
            rec.clearing_balance = rec.clearing_received - rec.clearing_paid_out

    # --- what a payout posts -------------------------------------------------------
    def _payout_accounts(self, with_fee=True):
        """(clearing, bank, fee account) codes; UserError naming what is missing
        (the fee account only ``with_fee``)."""
        self.ensure_one()
        clearing = self.clearing_account or self.remote_account
        fee = self.payout_fee_account or self.connection_id.fee_account
        missing = []
        if not clearing:
            missing.append(_("a clearing account (or its Cash/Bank Account)"))
        if not self.payout_account:
            missing.append(_("a payout bank account"))
        if with_fee and not fee:
            missing.append(_("a fee account (or the connection's Fee (MDR) Account)"))
        if missing:
            raise msgs.user_error(self.env, "payout.payment_method_needs_payouts",
                                  method=self.payment_method_id.display_name, conn=self.connection_id.display_name,
                                  what=", ".join(missing))
        return clearing, self.payout_account, fee

    def _settlement_key(self):
        return (self.settlement_name or self.payment_method_id.name or "").strip().casefold()
