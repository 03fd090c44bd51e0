from decimal import ROUND_HALF_UP, Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from accounting_connectors.documents import BankTransfer

from ..tools.amounts import money
from ..tools.mdr_tiers import parse_transactions, tier_fee
from ..tools.shop_time import local_date
from .accounting_access import MANAGER, USER, check_action

PAYOUT_STATES = [("draft", "Draft"), ("posted", "Posted"), ("cancelled", "Cancelled")]
#: what a posted payout may no longer change: it is (or is about to be) in the accounting system
LOCKED_FIELDS = {"connection_id", "payment_map_id", "date", "gross_amount", "mdr_rate", "fee_amount",
                 "transaction_amounts"}


def mdr_fee(gross, rate):
    """The fee a payment provider keeps: ``gross`` (rupiah, Decimal or float)
    times ``rate`` (percent, e.g. 0.7), rounded to the whole rupiah half up
    (0.5 rounds up), as providers round their MDR. Returns a Decimal."""
    amount = Decimal(str(gross)) * Decimal(str(rate)) / Decimal(100)
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


class AccountingPayout(models.Model):
    """Money a card, QRIS or e-wallet provider paid into the bank for one
    payment method, less its MDR fee. Posting it queues one bank transfer:
    the gross leaves the method's clearing account, the net reaches the bank
    and the fee is booked on the fee account (:meth:`_accounting_sync_document`)."""

    _name = "accounting.payout"
    _inherit = ["mail.thread"]
    _description = "Payment Provider Payout"
    _order = "date desc, id desc"

    name = fields.Char(string="Reference", readonly=True, copy=False,
                       help="Our number for the bank transfer, stored in the accounting system.")
    connection_id = fields.Many2one(
        "accounting.connection", required=True, ondelete="restrict", index=True,
        default=lambda self: self.env["accounting.connection"].search(
            [("company_id", "=", self.env.company.id)], limit=1))
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    currency_id = fields.Many2one(related="connection_id.company_id.currency_id")
    payment_map_id = fields.Many2one(
        "accounting.payment.map", string="Payment Method", required=True, ondelete="restrict", index=True,
        domain="[('connection_id', '=', connection_id)]",
        help="The payment method, as mapped on the connection (its clearing, bank and fee accounts).")
    payment_method_id = fields.Many2one(related="payment_map_id.payment_method_id", store=True,
                                        string="POS Payment Method")
    date = fields.Date(
        required=True, default=lambda self: local_date(fields.Datetime.now(), self.env.company),
        help="The day the money reached the bank (the shop's date); the bank transfer carries it.")
    gross_amount = fields.Monetary(
        required=True,
        help="What the provider settled for the method before its fee; it leaves the clearing account.")
    mdr_rate = fields.Float(
        string="MDR Rate (%)", digits=(6, 4), compute="_compute_mdr_rate", store=True, readonly=False,
        help="The method's rate from its mapping; change it for this payout only if the provider "
             "applied another one.")
    fee_amount = fields.Monetary(
        string="Fee", compute="_compute_fee_amount", store=True, readonly=False,
        help="Gross amount times the MDR rate, rounded to the rupiah half up (0.5 and more rounds "
             "up), as payment providers do. A settlement report's own fee replaces it; you may type "
             "the fee the provider states.")
    mdr_rule = fields.Selection(related="payment_map_id.mdr_rule", string="MDR Fee")
    transaction_amounts = fields.Text(
        string="Transactions",
        help="For a method with MDR tiers: the amount of each transaction this payout settles, one per line; "
             "each takes the rate of its tier. Empty: the gross amount is one transaction. A settlement report "
             "fills it from its rows.")
    net_amount = fields.Monetary(
        compute="_compute_net_amount", store=True,
        help="Gross less fee: what reached the bank account.")
    settlement_ref = fields.Char(
        string="Settlement Reference", copy=False, index="btree_not_null",
        help="The provider's reference of the settlement; a report row with a reference already "
             "recorded is not imported again.")
    state = fields.Selection(PAYOUT_STATES, string="Status", default="draft", required=True, readonly=True, copy=False,
                             tracking=True)
    job_id = fields.Many2one("accounting.sync.job", string="Sync Document", readonly=True, copy=False,
                             index="btree_not_null")
    job_state = fields.Selection(related="job_id.state", string="Remote Status")
    job_error = fields.Text(related="job_id.error_message", string="Remote Message")
    clearing_available = fields.Monetary(
        compute="_compute_clearing_available", string="Available in Clearing",
        help="What the method's clearing account holds besides this payout: received by the closed "
             "shifts less the other payouts' gross amounts.")

    _sql_constraints = [
        ("name_uniq", "unique(name)", "A payout with this reference already exists."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        payouts = super().create(vals_list)
        for payout in payouts:
            payout.name = "PAYOUT-%s" % payout.id
        return payouts

    def write(self, vals):
        if LOCKED_FIELDS & set(vals):
            locked = self.filtered(lambda p: p.state != "draft")
            if locked:
                raise UserError(_("The payout %(name)s is posted or cancelled; its amounts, date and method "
                                  "can no longer change.", name=locked[0].name))
        return super().write(vals)

    def unlink(self):
        if self.filtered("job_id"):
            raise UserError(_("A payout that was queued for the accounting system cannot be deleted; "
                              "cancel it instead."))
        return super().unlink()

    @api.depends("payment_map_id")
    def _compute_mdr_rate(self):
        for rec in self:
            rec.mdr_rate = rec.payment_map_id.mdr_rate

    @api.model
    def _fee_of(self, gross, rate):
        """The MDR fee of ``gross`` at ``rate`` percent, whole rupiah half up (Decimal)."""
        currency = self.env.company.currency_id
        return mdr_fee(currency.round(gross or 0.0), rate or 0.0)

    @api.depends("gross_amount", "mdr_rate", "transaction_amounts", "payment_map_id.mdr_rule",
                 "payment_map_id.mdr_tiers")
    def _compute_fee_amount(self):
        for rec in self:
            if rec.mdr_rule == "tiers":
                rec.fee_amount = float(rec._tier_fee())
            else:
                rec.fee_amount = float(rec._fee_of(rec.gross_amount, rec.mdr_rate))

    def _transactions(self):
        """The transaction amounts (Decimals) this payout settles: its
        Transactions, else its gross amount as one; ValidationError naming
        what is no amount."""
        self.ensure_one()
        try:
            amounts = parse_transactions(self.transaction_amounts)
        except ValueError as exc:
            raise ValidationError(_("The transaction %(value)s of the payout %(name)s is not an amount.",
                                    value=exc.args[0] if exc.args else "-", name=self.name or "")) from None
        return amounts or [money(self.currency_id or self.env.company.currency_id, self.gross_amount)]

    def _tier_fee(self):
        """The fee under the method's MDR tiers: each transaction's tier fee,
        to the rupiah half up, summed (Decimal)."""
        self.ensure_one()
        if not self.payment_map_id.mdr_tiers:
            return Decimal(0)
        return tier_fee(self._transactions(), self.payment_map_id._mdr_tiers())

    @api.depends("gross_amount", "fee_amount")
    def _compute_net_amount(self):
        for rec in self:
            rec.net_amount = rec.gross_amount - rec.fee_amount

    @api.depends("payment_map_id", "gross_amount")
    def _compute_clearing_available(self):
        for rec in self:
            payment_map = rec.payment_map_id
            rec.clearing_available = payment_map._clearing_available(exclude=rec._origin) if payment_map else 0.0

    @api.onchange("connection_id")
    def _onchange_connection_id(self):
        if self.payment_map_id.connection_id != self.connection_id:
            self.payment_map_id = False

    # --- checks ------------------------------------------------------------------------
    def _money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    @api.constrains("gross_amount", "fee_amount", "mdr_rate", "payment_map_id", "connection_id", "state",
                    "transaction_amounts")
    def _check_amounts(self):
        for rec in self:
            cur = rec.currency_id
            if rec.payment_map_id.connection_id != rec.connection_id:
                raise ValidationError(_("The payment method %(method)s is not mapped on %(conn)s.",
                                        method=rec.payment_map_id.display_name,
                                        conn=rec.connection_id.display_name))
            if cur.compare_amounts(rec.gross_amount, 0) <= 0:
                raise ValidationError(_("A payout needs a gross amount above zero."))
            if not 0 <= rec.mdr_rate < 100:
                raise ValidationError(_("The MDR rate must be between 0 and 100 percent."))
            if cur.compare_amounts(rec.fee_amount, 0) < 0 or cur.compare_amounts(
                    rec.fee_amount, rec.gross_amount) >= 0:
                raise ValidationError(_("The fee of %(fee)s must be at least zero and less than the gross "
                                        "amount of %(gross)s.", fee=rec._money(rec.fee_amount),
                                        gross=rec._money(rec.gross_amount)))
            if rec.mdr_rule == "tiers" and rec.transaction_amounts:
                total = sum(rec._transactions(), Decimal(0))
                if cur.compare_amounts(float(total), rec.gross_amount):
                    raise ValidationError(_(
                        "The transactions of the payout %(name)s add up to %(total)s, not its gross amount of "
                        "%(gross)s.", name=rec.name or "", total=rec._money(float(total)),
                        gross=rec._money(rec.gross_amount)))
            if rec.state != "cancelled":
                rec._check_clearing_balance()

    def _check_clearing_balance(self):
        """A payout takes no more than the shifts put in the clearing account."""
        self.ensure_one()
        payment_map = self.payment_map_id
        available = payment_map._clearing_available(exclude=self)
        if self.currency_id.compare_amounts(self.gross_amount, available) > 0:
            raise ValidationError(_(
                "This payout of %(gross)s is more than %(method)s still holds in its clearing account "
                "(%(available)s: %(received)s received by closed shifts, less %(paid)s already paid out). "
                "Check the amount, or close the shifts it pays out first.",
                gross=self._money(self.gross_amount), method=payment_map.display_name,
                available=self._money(available), received=self._money(payment_map._received_by_shifts()[
                    payment_map.id]), paid=self._money(payment_map._paid_out(self).get(payment_map.id, 0.0))))

    # --- what accountants do ---------------------------------------------------------------
    def action_post(self):
        """Queue the bank transfer of each draft payout (once)."""
        check_action(self, MANAGER)
        for rec in self:
            if rec.state != "draft":
                raise UserError(_("Only draft payouts can be posted; %(name)s is %(state)s.", name=rec.name,
                                  state=dict(PAYOUT_STATES)[rec.state]))
            rec.payment_map_id._payout_accounts(with_fee=bool(rec.fee_amount))
            if not rec.connection_id._is_live(rec.date):
                raise UserError(_(
                    "The payout %(name)s is dated %(date)s, before the go-live date %(live)s of %(conn)s: "
                    "nothing dated before that day is posted.", name=rec.name, date=rec.date,
                    live=rec.connection_id.go_live_date, conn=rec.connection_id.display_name))
            rec._accounting_enqueue()
        self.env["accounting.sync.job"]._trigger_worker()
        return True

    def action_cancel(self):
        check_action(self, MANAGER)
        for rec in self:
            if rec.job_state in ("done", "running"):
                raise UserError(_("The payout %(name)s is already in the accounting system (or being sent); "
                                  "reverse it there, not here.", name=rec.name))
            if rec.job_id and rec.job_state != "cancelled":
                rec.job_id.action_cancel()
        self.write({"state": "cancelled"})
        return True

    def action_open_job(self):
        check_action(self, USER)
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "accounting.sync.job", "res_id": self.job_id.id,
                "view_mode": "form", "views": [(False, "form")], "target": "current"}

    # --- the way out: one bank transfer through the outbox ------------------------------
    # from the method's clearing account to the bank, the fee on the fee account;
    # and the hooks the ordered backfill calls
    def _accounting_enqueue(self):
        """Queue this payout's bank transfer; never twice (the job found on
        the payout, else the outbox's own idempotency on our reference).
        Returns the job, or an empty recordset for a cancelled payout or one
        dated before the connection's go-live date."""
        self.ensure_one()
        Job = self.env["accounting.sync.job"]
        if self.job_id:
            return self.job_id
        if self.state == "cancelled" or not self.connection_id._is_live(self.date):
            return Job
        job = Job._enqueue(self.connection_id, "bank_transfer", self, self.name, doc_key="payout")
        self.write({"job_id": job.id, "state": "posted"})
        return job

    @api.model
    def _accounting_backfill_records(self, connection, date_from):
        """Payouts of ``connection`` dated ``date_from`` (a date) or later and
        not queued yet, oldest first: what a backfill posts."""
        return self.search([("connection_id", "=", connection.id), ("date", ">=", date_from),
                            ("state", "=", "draft"), ("job_id", "=", False)], order="date, id")

    def _accounting_sync_document(self, job):
        """The worker's call: the :class:`BankTransfer` of this payout (amount
        = gross in rupiah, ``fee`` kept by the provider on ``fee_account``)."""
        self.ensure_one()
        fee = money(self.currency_id, self.fee_amount)
        clearing, bank, fee_account = self.payment_map_id._payout_accounts(with_fee=bool(fee))
        description = _("Payout %(method)s", method=self.payment_method_id.name)
        if self.settlement_ref:
            description = "%s %s" % (description, self.settlement_ref)
        return BankTransfer(
            self.name, date=self.date, from_account=clearing, to_account=bank,
            amount=money(self.currency_id, self.gross_amount), fee=fee, fee_account=fee_account if fee else "",
            description=description[:200])
