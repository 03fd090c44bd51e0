import base64
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..models.accounting_access import MANAGER, check_action
from ..tools.mdr_tiers import tier_fee
from ..tools.settlement_csv import (
    MAX_CELL, MAX_ROWS, SettlementError, decode, is_formula, neutralise, parse_amount, parse_date, read_rows)

#: the largest report read at once, in MB (months of daily settlements stay far below)
MAX_FILE_MB = 5

IMPORT_HELP = (
    "A CSV file with a header line: date, method (the MID or name the report uses), gross, and "
    "optionally fee and reference, separated by , or ; . Dates as 2024-06-15 or 15/06/2024; amounts "
    "as 1.000.000, 1.000.000,50, 1,000,000.50 or 1000000 (Rp allowed). A row's own fee replaces the "
    "fee computed from the method's MDR rate; a method with MDR tiers prices each row as one transaction "
    "(rows sharing a reference and a date are one payout), one that takes the report's fee needs it on "
    "every row.")


def _amount_text(value):
    """A row's gross (float rupiah) as the exact text a payout's Transactions hold (750000.00)."""
    return format(Decimal(repr(value)).quantize(Decimal("0.01")), "f")


class AccountingPayoutImport(models.TransientModel):
    """Import a payment provider's settlement report: a preview names each
    row's payment method, or why it matches none; posting creates and queues
    the payouts of the matched rows only."""

    _name = "accounting.payout.import"
    _description = "Import Settlement Report"

    connection_id = fields.Many2one(
        "accounting.connection", required=True, ondelete="cascade",
        default=lambda self: self.env["accounting.connection"].search(
            [("company_id", "=", self.env.company.id)], limit=1))
    currency_id = fields.Many2one(related="connection_id.company_id.currency_id")
    file = fields.Binary(string="Settlement Report", help=IMPORT_HELP)
    filename = fields.Char()
    state = fields.Selection([("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], string="Status",
                             default="upload", required=True)
    line_ids = fields.One2many("accounting.payout.import.line", "wizard_id", string="Rows")
    matched_count = fields.Integer(compute="_compute_counts")
    unmatched_count = fields.Integer(compute="_compute_counts")
    payout_ids = fields.Many2many("accounting.payout", string="Payouts Created")

    @api.depends("line_ids.status")
    def _compute_counts(self):
        for wiz in self:
            wiz.matched_count = len(wiz.line_ids.filtered(lambda l: l.status == "matched"))
            wiz.unmatched_count = len(wiz.line_ids) - wiz.matched_count

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "views": [(False, "form")], "target": "new"}

    # --- preview --------------------------------------------------------------------
    def action_preview(self):
        check_action(self, MANAGER)
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose the settlement report (a CSV file) first."))
        data = base64.b64decode(self.file)
        if len(data) > MAX_FILE_MB * 1024 * 1024:
            raise UserError(_("The settlement report is %(size).1f MB; at most %(max)s MB is read at once. "
                              "Export it in parts (by date) and import each.",
                              size=len(data) / 1024.0 / 1024.0, max=MAX_FILE_MB))
        try:
            rows = read_rows(decode(data))
        except SettlementError as exc:
            if exc.too_many:
                raise UserError(_("The settlement report has more than %(max)s rows; export it in parts (by "
                                  "date) and import each.", max=MAX_ROWS)) from None
            if exc.long_cell:
                raise UserError(_("Line %(line)s of the settlement report has a cell longer than %(max)s "
                                  "characters; is it the provider's settlement report?",
                                  line=exc.long_cell, max=MAX_CELL)) from None
            if exc.broken:
                raise UserError(_("The settlement report is not a CSV file that can be read (%(reason)s).",
                                  reason=exc.broken)) from None
            if not exc.missing:
                raise UserError(_("The settlement report is empty.")) from None
            raise UserError(_("The settlement report's header line has no %(missing)s column (it reads: "
                              "%(header)s).", missing=" / ".join(exc.missing),
                              header=", ".join(exc.header))) from None
        self.line_ids.unlink()
        self.write({"state": "preview", "line_ids": [(0, 0, vals) for vals in self._match(rows)]})
        return self._reopen()

    def _match(self, rows):
        """Line values of each row: matched to one payment mapping, or the
        reason it is not (in the row's order; the clearing balance runs
        across the file)."""
        conn = self.connection_id
        maps = {}
        for payment_map in conn.payment_map_ids:
            maps.setdefault(payment_map._settlement_key(), []).append(payment_map)
        available, seen = {}, {}
        Payout = self.env["accounting.payout"]
        out = []
        for row in rows:
            # cells are kept as written, but none may start a formula where the rows are shown or exported
            vals = {"line_no": row["line"], "method_text": neutralise(row["method"]),
                    "reference": neutralise(row["reference"]), "date_text": neutralise(row["date"]),
                    "gross_text": neutralise(row["gross"]), "fee_text": neutralise(row["fee"])}
            reason = self._row_problem(row, vals, maps, conn)
            payment_map = vals.get("payment_map_id") and self.env["accounting.payment.map"].browse(
                vals["payment_map_id"])
            if not reason and row["reference"]:
                done = Payout.search([("connection_id", "=", conn.id), ("settlement_ref", "=", row["reference"]),
                                      ("state", "!=", "cancelled")], limit=1)
                if done:
                    reason = _("Already imported as %(payout)s.", payout=done.name)
                elif row["reference"] in seen and not (
                        # rows of one settlement under MDR tiers: its transactions, one payout
                        payment_map.mdr_rule == "tiers" and seen[row["reference"]] == (payment_map.id, vals["date"])):
                    reason = _("The reference %(ref)s appears twice in this file.", ref=row["reference"])
            if not reason:
                if payment_map.id not in available:
                    available[payment_map.id] = payment_map._clearing_available()
                if self.currency_id.compare_amounts(vals["gross"], available[payment_map.id]) > 0:
                    reason = _("More than %(method)s still holds in its clearing account (%(available)s).",
                               method=payment_map.display_name,
                               available=formatLang(self.env, available[payment_map.id],
                                                    currency_obj=self.currency_id))
                else:
                    available[payment_map.id] -= vals["gross"]
                    seen[row["reference"]] = (payment_map.id, vals["date"])
            vals.update(status="unmatched" if reason else "matched", reason=reason or False)
            out.append(vals)
        return out

    def _row_problem(self, row, vals, maps, conn):
        """The first reason a row cannot become a payout (empty when none);
        fills ``vals`` with what it could read."""
        for key, column in (("method", _("method")), ("reference", _("reference"))):
            if is_formula(row[key]):
                return _("The %(column)s %(value)s starts like a spreadsheet formula (=, +, -, @): the row is "
                         "not imported. Correct the report.", column=column, value=neutralise(row[key]))
        try:
            vals["date"] = parse_date(row["date"])
        except ValueError:
            return _("The date %(value)s is not a date (write 2024-06-15 or 15/06/2024).", value=row["date"])
        try:
            vals["gross"] = float(parse_amount(row["gross"]))
        except ValueError:
            return _("The gross amount %(value)s is not an amount.", value=row["gross"])
        if vals["gross"] <= 0:
            return _("The gross amount must be above zero.")
        if row["fee"]:
            try:
                vals.update(fee=float(parse_amount(row["fee"])), fee_given=True)
            except ValueError:
                return _("The fee %(value)s is not an amount.", value=row["fee"])
            if not 0 <= vals["fee"] < vals["gross"]:
                return _("The fee must be at least zero and less than the gross amount.")
        candidates = maps.get((row["method"] or "").strip().casefold(), [])
        if not candidates:
            return _("No payment method mapped on %(conn)s is named %(name)s; set its Name in Settlement "
                     "Report on the mapping.", conn=conn.display_name, name=row["method"] or "-")
        if len(candidates) > 1:
            return _("Several payment methods mapped on %(conn)s are named %(name)s.",
                     conn=conn.display_name, name=row["method"])
        payment_map = candidates[0]
        vals["payment_map_id"] = payment_map.id
        if payment_map.mdr_rule == "file" and not vals.get("fee_given"):
            return _("The row states no fee, and %(method)s takes the fee the settlement report states (MDR Fee "
                     "on its mapping).", method=payment_map.display_name)
        if payment_map.mdr_rule == "tiers":
            # the method's tiers, whatever the report says: the row is one transaction
            vals.update(fee=float(tier_fee([Decimal(str(vals["gross"]))], payment_map._mdr_tiers())),
                        fee_given=False)
        elif not vals.get("fee_given"):
            vals["fee"] = float(self.env["accounting.payout"]._fee_of(vals["gross"], payment_map.mdr_rate))
        try:
            payment_map._payout_accounts(with_fee=bool(vals["fee"]))
        except UserError as exc:
            return exc.args[0]
        if not conn._is_live(vals["date"]):
            return _("Dated before the go-live date %(live)s of %(conn)s.", live=conn.go_live_date,
                     conn=conn.display_name)
        return ""

    # --- posting --------------------------------------------------------------------
    def action_post_matched(self):
        """Create and queue the payouts of the matched rows only."""
        check_action(self, MANAGER)
        self.ensure_one()
        matched = self.line_ids.filtered(lambda l: l.status == "matched")
        if not matched:
            raise UserError(_("No row of this report matches a payment method; nothing to post."))
        vals_list, settlements = [], {}
        for line in matched:
            key = (line.payment_map_id.id, line.date, line.reference)
            if line.payment_map_id.mdr_rule == "tiers" and line.reference and key in settlements:
                # another transaction of the same settlement: its payout grows, the tiers price each
                vals = settlements[key]
                vals["gross_amount"] += line.gross
                vals["transaction_amounts"] += "\n" + _amount_text(line.gross)
                continue
            vals = {"connection_id": self.connection_id.id, "payment_map_id": line.payment_map_id.id,
                    "date": line.date, "gross_amount": line.gross, "settlement_ref": line.reference or False}
            if line.payment_map_id.mdr_rule == "tiers":
                vals["transaction_amounts"] = _amount_text(line.gross)
                settlements[key] = vals
            elif line.fee_given:
                vals["fee_amount"] = line.fee
            vals_list.append(vals)
        payouts = self.env["accounting.payout"].create(vals_list)
        payouts.action_post()
        self.write({"state": "done", "payout_ids": [(6, 0, payouts.ids)]})
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_payout")
        action["domain"] = [("id", "in", payouts.ids)]
        return action


class AccountingPayoutImportLine(models.TransientModel):
    _name = "accounting.payout.import.line"
    _description = "Settlement Report Row"
    _order = "line_no"

    wizard_id = fields.Many2one("accounting.payout.import", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    line_no = fields.Integer(string="Line")
    date_text = fields.Char(string="Date (as written)")
    method_text = fields.Char(string="Method (as written)")
    gross_text = fields.Char(string="Gross (as written)")
    fee_text = fields.Char(string="Fee (as written)")
    reference = fields.Char()
    date = fields.Date()
    gross = fields.Monetary()
    fee = fields.Monetary()
    fee_given = fields.Boolean(help="The report states the fee; it replaces the computed one.")
    payment_map_id = fields.Many2one("accounting.payment.map", string="Payment Method")
    status = fields.Selection([("matched", "Matched"), ("unmatched", "Unmatched")], required=True)
    reason = fields.Char(help="Why the row matches no payment method or cannot be posted.")
