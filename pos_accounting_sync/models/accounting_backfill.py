"""Ordered backfill: post the past (closed sessions, stock documents,
payouts) since a chosen date, oldest first, with a progress the admin can
leave and come back to.

Every source record to post is one :class:`AccountingBackfillItem`, numbered
in business-date order when the backfill starts; the items are the state.
They are queued one at a time, the next only once the previous one's
documents have all finished (posted, or failed for the accountant to fix),
so the accounting system receives them in date order whatever retries and
rate limits do. Queueing is fed by the worker whenever its queue runs dry
(``accounting.sync.worker._claim_next``) and by a cron; each item is queued
and committed in its own transaction, so a server restart half-way resumes
at the first item not queued. Queueing goes through the outbox's own
``_enqueue``: a document real-time sync already queued or posted is found by
its reference and never posted twice."""

import collections
import math
from datetime import datetime, time

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from accounting_connectors import costs
from accounting_connectors.errors import ConnectorError
from accounting_connectors.ratelimit import scopes_for

from .accounting_access import MANAGER, USER, check_action
from ..tools.shop_time import business_date, local_date, shop_tz

ITEM_STATES = [("pending", "Waiting"), ("queued", "Sending"), ("done", "Posted"), ("failed", "Failed")]
#: job states after which an item's document no longer holds the next one back
FINISHED = ("done", "failed", "blocked", "cancelled")


class AccountingBackfill(models.Model):
    _name = "accounting.backfill"
    _description = "Accounting Sync Backfill"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    date_from = fields.Date(
        string="Post the Past Since", required=True,
        help="Closed sessions, stock documents and payouts from this business date on are posted, oldest "
             "first. What is already in the sync log is not posted again.")
    include_sessions = fields.Boolean(string="Sessions", default=True)
    include_stock = fields.Boolean(string="Transfers and Stock Documents", default=True)
    include_payouts = fields.Boolean(string="Payouts", default=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done"), ("cancelled", "Cancelled")],
        string="Status", default="draft", required=True, readonly=True, tracking=True)
    item_ids = fields.One2many("accounting.backfill.item", "backfill_id", readonly=True)
    total_count = fields.Integer(string="Total", readonly=True)
    done_count = fields.Integer(string="Posted", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    progress = fields.Float(compute="_compute_progress", help="Share of the records finished (posted or failed).")
    date_started = fields.Datetime(readonly=True)
    date_finished = fields.Datetime(readonly=True)
    # --- before Start: what it will cost (issue #19)
    estimate_requests = fields.Integer(
        string="Requests (estimate)", compute="_compute_estimate",
        help="Requests the backfill will send: every document not in the sync log yet, the items and "
             "customers they need first, and the look-ups the accounting system makes the sync do.")
    estimate_seconds = fields.Float(
        string="Seconds at the Limits", compute="_compute_estimate",
        help="The least time those requests take at the connection's rate limits (see the connection's "
             "Limits in Force), when nothing else is sent meanwhile.")
    estimate_fits_package = fields.Boolean(
        string="Within the Monthly Package", compute="_compute_estimate",
        help="Jurnal: the requests fit in what is left of this month's API package (unknown package: yes).")
    estimate_note = fields.Text(string="Estimate", compute="_compute_estimate")

    @api.depends("connection_id", "date_from")
    def _compute_name(self):
        for rec in self:
            rec.name = _("%(conn)s since %(date)s", conn=rec.connection_id.display_name or "",
                         date=rec.date_from or "")

    @api.depends("total_count", "done_count", "failed_count")
    def _compute_progress(self):
        for rec in self:
            rec.progress = 100.0 * (rec.done_count + rec.failed_count) / rec.total_count if rec.total_count else 0.0

    @api.depends("connection_id", "date_from", "include_sessions", "include_stock", "include_payouts", "state")
    def _compute_estimate(self):
        for rec in self:
            if rec.state != "draft" or not rec.connection_id or not rec.date_from:
                rec.update({"estimate_requests": 0, "estimate_seconds": 0.0, "estimate_fits_package": True,
                            "estimate_note": False})
                continue
            requests, seconds, left = rec._estimate()
            fits = left is None or requests <= left
            note = _("About %(requests)s requests, at least %(duration)s at the connection's limits.",
                     requests=requests, duration=_duration(rec, seconds))
            if left is not None:
                note += " " + (_("This month's Jurnal package has %(left)s requests left: enough.", left=left)
                               if fits else
                               _("This month's Jurnal package has only %(left)s requests left: Jurnal would "
                                 "refuse the rest until next month. Raise the package, or post a shorter "
                                 "period now and the rest next month.", left=left))
            rec.update({"estimate_requests": requests, "estimate_seconds": seconds,
                        "estimate_fits_package": fits, "estimate_note": note})

    def _estimate(self):
        """``(requests, seconds, requests left in the package or None)``:
        what this backfill will send (the documents of :meth:`_collect_sources`
        not in the sync log yet, the items and customers they need, each
        kind's look-ups, :mod:`accounting_connectors.costs`), and the least
        time that takes at the connection's limits."""
        self.ensure_one()
        conn = self.connection_id
        kinds = self._estimate_kinds()
        posts = costs.requests_for(conn.provider, kinds)
        try:
            windows = costs.binding_windows(scopes_for(conn._connection_config()))
        except ConnectorError:
            windows = []
        # a worker run lasts about a minute at the limits: each run's client reads its cache again
        seconds = costs.minimum_seconds(posts, windows) if windows else 0.0
        runs = 1 + int(seconds // 60) if posts else 0
        requests = int(math.ceil(posts + runs * costs.REQUESTS_PER_CLIENT.get(conn.provider, 0)))
        seconds = costs.minimum_seconds(requests, windows) if windows else 0.0
        left = None
        if conn.provider == "jurnal" and conn.jurnal_monthly_package:
            left = max(conn.jurnal_monthly_package - conn.quota_month_count, 0)
        return requests, seconds, left

    def _estimate_kinds(self):
        """``{document kind: count}`` this backfill will queue and send."""
        conn = self.connection_id
        known = set(self.env["accounting.sync.job"].sudo().search(
            [("connection_id", "=", conn.id)]).mapped("reference"))
        kinds = collections.Counter()

        def add(kind, reference):
            if reference not in known:
                known.add(reference)
                kinds[kind] += 1

        for _day, _moment, record in self._collect_sources():
            if record._name in ("pos.session", "accounting.pos.day"):
                documents = record._accounting_documents(conn)
                if not documents.orders:
                    continue
                for product in documents.products().filtered(lambda p: p.type != "combo"):
                    add("item", product._accounting_item_ref())
                for partner in documents.customers():
                    add("customer", "CUST/%s" % partner.id)
                for kind, _key, reference, _seq in documents.plan():
                    add(kind, reference)
            elif record._name == "stock.picking" and record.picking_type_id.code == "internal":
                kinds["item_transfer"] += 2  # out of one warehouse, into the other
            elif record._name in ("stock.picking", "stock.move"):
                kinds["item_adjustment"] += 1
            else:
                kinds["bank_transfer"] += 1
        return kinds

    @api.constrains("connection_id", "date_from")
    def _check_date_from(self):
        for rec in self:
            go_live = rec.connection_id.go_live_date
            if go_live and rec.date_from < go_live:
                raise UserError(_("%(conn)s posts nothing dated before its go-live date %(live)s: start the "
                                  "backfill on or after it, or move the go-live date first.",
                                  conn=rec.connection_id.display_name, live=go_live))

    # --- what the admin does -------------------------------------------------------
    def action_start(self):
        check_action(self, MANAGER)
        for rec in self.filtered(lambda b: b.state == "draft"):
            rec.connection_id._check_live_mode()
            if self.search_count([("connection_id", "=", rec.connection_id.id), ("state", "=", "running")]):
                raise UserError(_("A backfill of %(conn)s is already running.", conn=rec.connection_id.display_name))
            sources = rec._collect_sources(materialize=True)  # [(business date, moment, record)]
            sources.sort(key=lambda s: (s[0], s[1], s[2]._name, s[2].id))
            rec.write({
                "state": "running", "date_started": fields.Datetime.now(), "total_count": len(sources),
                "item_ids": [fields.Command.create({
                    "sequence": i, "res_model": record._name, "res_id": record.id,
                    "name": record.display_name, "business_date": day})
                    for i, (day, _moment, record) in enumerate(sources)],
            })
            rec._refresh()
        self.env["accounting.sync.job"]._trigger_worker()
        self._trigger_cron()
        return True

    def action_cancel(self):
        """Stops queueing; what is queued already goes out as usual."""
        check_action(self, MANAGER)
        self.filtered(lambda b: b.state in ("draft", "running")).write(
            {"state": "cancelled", "date_finished": fields.Datetime.now()})
        return True

    def action_view_items(self):
        check_action(self, USER)
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "accounting.backfill.item",
                "name": self.name, "view_mode": "list", "domain": [("backfill_id", "=", self.id)]}

    # --- the work, in small committed steps ---------------------------------------------
    @api.model
    def _cron_run(self):
        self._feed(commit=self.env["accounting.sync.job"]._can_commit())
        if self.search_count([("state", "=", "running")], limit=1):
            self.env["accounting.sync.job"]._trigger_worker()

    @api.model
    def _feed(self, commit):
        """Refresh the running backfills and queue the next item of each one
        whose previous item has finished. Returns True when something was queued."""
        fed = []

        def feed(backfill):
            # one feeder per backfill at a time (several workers may run)
            self.env.cr.execute("SELECT id FROM accounting_backfill WHERE id = %s AND state = 'running' "
                                "FOR NO KEY UPDATE SKIP LOCKED", [backfill.id])
            if not self.env.cr.fetchone():
                return
            backfill._refresh()
            if not backfill.item_ids.filtered(lambda i: i.state == "queued"):
                item = backfill.item_ids.filtered(lambda i: i.state == "pending").sorted("sequence")[:1]
                if item:
                    item._queue()
                    backfill._refresh()
                    fed.append(backfill)

        # each backfill in its own savepoint: one that fails (its company's data) spares the others
        self.env["accounting.connection"]._run_isolated(
            self.sudo().search([("state", "=", "running")], order="id"), _("Posting the past"), feed, commit=commit)
        return bool(fed)

    def _refresh(self):
        """Item states from their documents, counters, and the end."""
        for rec in self:
            rec.item_ids.filtered(lambda i: i.state in ("queued", "failed"))._refresh_state()
            states = rec.item_ids.mapped("state")
            vals = {"done_count": states.count("done"), "failed_count": states.count("failed")}
            if rec.state == "running" and not {"pending", "queued"} & set(states):
                vals.update(state="done", date_finished=fields.Datetime.now())
            rec.write(vals)

    def _trigger_cron(self):
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_backfill", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()


    # --- what a backfill posts: the past source records, with their business dates ---
    def _since_utc(self):
        """The first moment of ``date_from`` in the shop's time zone, as naive UTC."""
        tz = shop_tz(self.company_id)
        start = tz.localize(datetime.combine(self.date_from, time.min))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _collect_sources(self, materialize=False):
        """``[(business date, moment, record)]`` of every record to post.
        Once a day per outlet, the shifts come as their outlet days
        (``materialize``: the days are created and gather their shifts, as
        the backfill queues them; else unsaved, for the estimate)."""
        self.ensure_one()
        conn, since = self.connection_id, self._since_utc()
        out = []
        if self.include_sessions:
            sessions = self.env["pos.session"].sudo().search([
                ("state", "=", "closed"), ("company_id", "=", conn.company_id.id), ("stop_at", ">=", since),
                ("config_id", "in", conn.outlet_map_ids.filtered("active").pos_config_id.ids)])
            sessions = sessions.filtered(lambda s: conn._is_live(s.stop_at))
            if conn.sales_sync_mode == "daily":
                out += self._day_sources(sessions.filtered(lambda s: not s.rescue), materialize)
                sessions = sessions.filtered("rescue")
            for session in sessions:
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

    def _day_sources(self, sessions, materialize):
        """``[(business date, moment, outlet day)]`` of ``sessions`` (closed
        shifts of a connection posting once a day); a shift whose day
        already went out comes as itself (it posts its own documents)."""
        conn = self.connection_id
        Day = self.env["accounting.pos.day"].sudo()
        groups = collections.defaultdict(lambda: self.env["pos.session"].sudo())
        for session in sessions.sorted("stop_at"):
            groups[session.config_id, business_date(session, session, session.stop_at)] |= session
        out = []
        for (config, day), group in groups.items():
            moment = max(group.mapped("stop_at"))
            if not materialize:
                out.append((day, moment, Day.new({"connection_id": conn.id, "pos_config_id": config.id,
                                                   "date": day, "session_ids": [(6, 0, group.ids)]})))
                continue
            days = Day
            for session in group:
                found = Day._accounting_add_session(conn, session)
                if found:
                    days |= found
                else:
                    out.append((day, session.stop_at, session))
            out += [(day, moment, found) for found in days]
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
            return record.sudo()._accounting_enqueue_sales(connections=conn, settled=True)
        if record._name == "accounting.pos.day":
            record.sudo()._accounting_queue(force=True)
            return Job.sudo().search([("connection_id", "=", conn.id), ("res_model", "=", record._name),
                                      ("res_id", "=", record.id)])
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


def _duration(record, seconds):
    """``seconds`` in words a manager reads: minutes, or hours and minutes."""
    minutes = int(math.ceil(seconds / 60.0))
    if minutes < 60:
        return record.env._("%(m)s min", m=max(minutes, 1)) if seconds else record.env._("under a minute")
    return record.env._("%(h)s h %(m)s min", h=minutes // 60, m=minutes % 60)


class AccountingBackfillItem(models.Model):
    _name = "accounting.backfill.item"
    _description = "Accounting Sync Backfill Record"
    _order = "backfill_id, sequence"

    backfill_id = fields.Many2one("accounting.backfill", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(readonly=True, help="Posting order: business date, then time.")
    res_model = fields.Char(readonly=True, required=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    name = fields.Char(string="Source", readonly=True)
    business_date = fields.Date(readonly=True)
    state = fields.Selection(ITEM_STATES, string="Status", default="pending", required=True, readonly=True, index=True)
    job_ids = fields.Many2many("accounting.sync.job", string="Documents", readonly=True)
    message = fields.Char(readonly=True)
    # what the list shows: the item's own note, else why its failed document failed
    reason = fields.Char(compute="_compute_reason")

    @api.depends("message", "state", "job_ids.state", "job_ids.error_code", "job_ids.error_note")
    @api.depends_context("lang")
    def _compute_reason(self):
        for item in self:
            failed = item.job_ids.filtered(lambda j: j.state in ("failed", "blocked", "cancelled"))[:1]
            item.reason = item.message or (failed and "%s: %s" % (
                failed.display_name, failed.error_summary or failed.error_message or failed.state)) or False

    def _queue(self):
        """Queue this record's documents as its own flow does (idempotent:
        documents already queued or posted are found, not added)."""
        self.ensure_one()
        connection = self.backfill_id.connection_id
        record = self.env[self.res_model].browse(self.res_id).exists() if self.res_model in self.env else None
        if not record:
            self.write({"state": "failed", "message": _("The record no longer exists.")})
            return
        jobs = self.backfill_id._queue_source(record, connection)
        fresh = jobs.filtered(lambda j: j.state == "pending")
        # an explicit backfill goes out now, also where sales or transfers wait for set hours
        fresh.sudo().write({"next_attempt_at": fields.Datetime.now()})
        self.write({"state": "queued", "job_ids": [fields.Command.set(jobs.ids)],
                    "message": False if jobs else _("Nothing to send.")})
        self._refresh_state()

    def _refresh_state(self):
        for item in self:
            states = set(item.job_ids.mapped("state"))
            if states - set(FINISHED):
                item.state = "queued"
            elif states - {"done"}:
                item.state = "failed"
            else:
                item.state = "done"
