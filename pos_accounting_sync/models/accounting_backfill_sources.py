"""What a backfill posts: the past source records of a connection, with
their business dates, and how each is queued (by its own flow)."""

from datetime import datetime, time

import pytz

from odoo import models

from ..tools.shop_time import local_date, shop_tz


class AccountingBackfillSources(models.Model):
    _inherit = "accounting.backfill"

    def _since_utc(self):
        """The first moment of ``date_from`` in the shop's time zone, as naive UTC."""
        tz = shop_tz(self.company_id)
        start = tz.localize(datetime.combine(self.date_from, time.min))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _collect_sources(self):
        """``[(business date, moment, record)]`` of every record to post."""
        self.ensure_one()
        conn, since = self.connection_id, self._since_utc()
        out = []
        if self.include_sessions:
            sessions = self.env["pos.session"].sudo().search([
                ("state", "=", "closed"), ("company_id", "=", conn.company_id.id), ("stop_at", ">=", since),
                ("config_id", "in", conn.outlet_map_ids.filtered("active").pos_config_id.ids)])
            for session in sessions.filtered(lambda s: conn._is_live(s.stop_at)):
                day = session.move_id.date or local_date(session.stop_at, config=session.config_id)
                out.append((day, session.stop_at, session))
        if self.include_stock:
            for record, moment in self._stock_sources(since):
                out.append((local_date(moment, conn.company_id), moment, record))
        if self.include_payouts and "accounting.payout" in self.env:
            for payout in self.env["accounting.payout"].sudo()._accounting_backfill_records(conn, self.date_from):
                day = payout["date"] if "date" in payout._fields else self.date_from
                out.append((day, datetime.combine(day, time.min), payout))
        return out

    def _stock_sources(self, since):
        """Validated pickings and inventory moves (counts, scrap) since
        ``since`` whose moves no stock document of the connection carries
        yet: ``[(picking or move, when done)]``."""
        conn = self.connection_id
        moves = self.env["stock.move"].sudo().search([
            ("state", "=", "done"), ("company_id", "=", conn.company_id.id), ("date", ">=", since)])
        moves = moves.filtered(lambda m: not m._accounting_skipped() and conn._is_live(m.date))
        carried = self.env["accounting.stock.document"].sudo().search(
            [("connection_id", "=", conn.id), ("move_ids", "in", moves.ids)]).move_ids
        moves = moves.filtered(lambda m: m not in carried and m._accounting_legs(conn))
        out = [(picking, max(picking.move_ids.mapped("date"))) for picking in moves.picking_id]
        out += [(move, move.date) for move in moves.filtered(lambda m: not m.picking_id)]
        return out

    def _queue_source(self, record, conn):
        """Queue ``record``'s documents for ``conn``; returns its jobs."""
        Job = self.env["accounting.sync.job"]
        if record._name == "pos.session":
            return record.sudo()._accounting_enqueue_sales(connections=conn)
        if record._name in ("stock.picking", "stock.move"):
            Document = self.env["accounting.stock.document"].sudo()
            moves = (record.move_ids if record._name == "stock.picking" else record).filtered(
                lambda m: m.state == "done" and not m._accounting_skipped())
            carried = Document.search([("connection_id", "=", conn.id), ("move_ids", "in", moves.ids)])
            jobs = carried.job_id
            fresh = moves - carried.move_ids
            if fresh:
                jobs |= Document._collect_for(conn, fresh)._queue()
            return jobs
        jobs = record.sudo()._accounting_enqueue() or Job
        if not jobs:  # a payout's own enqueue may return nothing: its jobs are found by source
            jobs = Job.sudo().search([("connection_id", "=", conn.id), ("res_model", "=", record._name),
                                      ("res_id", "=", record.id)])
        return jobs.filtered(lambda j: j.connection_id == conn)
