"""The reconciliation: per outlet and business day, Odoo's figures beside
the accounting system's (lines rebuilt by the daily cron, the connection's
button and *Read again*), and the cache of what the accounting system
listed per day."""

import json
import logging
from collections import Counter, defaultdict
from datetime import date as Date, datetime, time, timedelta
from decimal import Decimal

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from accounting_connectors.errors import ConnectorError

from ..tools.accounting_reconciliation_figures import (
    ACCOUNT_MEASURES, AR_PARTNER, MEASURE_KINDS, failed_messages, name_documents, odoo_figures, remote_figures,
    shift_days, stock_cause, unposted_sessions)
from ..tools.shop_time import business_date, local_date
from . import accounting_messages as msgs
from .accounting_access import USER, check_action

_logger = logging.getLogger(__name__)

#: the report's period when opened from the connection (days back from today)
DEFAULT_DAYS = 31
#: the nightly re-read reads this many days a request round (one list per kind of document)
REREAD_CHUNK_DAYS = 7
SALES_KINDS = ("sales_invoice", "sales_return", "sales_receipt")
#: the document key of a POS sales journal entry (sales posted as journal entries)
JOURNAL_DOC_KEY = "journal"
WIB = pytz.timezone("Asia/Jakarta")

MEASURES = [
    ("sales", "Sales"),
    ("tax", "Tax (PPN)"),
    ("returns", "Returns"),
    ("money", "Money received"),
    ("customer", "Customer account"),
    ("journal", "Journal Entry"),
    ("stock", "Stock"),
]
CAUSES = [
    ("not_posted", "Not posted"),
    ("failed", "Failed"),
    ("posted_twice", "Posted twice"),
    ("changed_remotely", "Changed remotely"),
    ("unexplained", "Unexplained"),
    ("period_locked", "Waiting: period locked"),
    ("unapproved", "Waiting: approval in the accounting system"),
    ("stock_not_sent", "Stock never sent"),
]


class AccountingReconciliationLine(models.Model):
    """One figure of one outlet's day (or, for stock, of one item in one
    warehouse, as of the check): Odoo's beside the accounting system's as
    its lists return it, with the likely cause of a difference and the sync
    log lines and shifts behind it. Rows are rebuilt by the refresh (button,
    daily cron); accountants only read, filter and export them."""

    _name = "accounting.reconciliation.line"
    _description = "Accounting Reconciliation Line"
    _order = "date desc, pos_config_id, measure, subject, id"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    date = fields.Date(required=True, readonly=True, index=True,
                       help="The shop's business day (the documents' date).")
    pos_config_id = fields.Many2one("pos.config", string="Outlet", readonly=True, index="btree_not_null")
    measure = fields.Selection(MEASURES, required=True, readonly=True)
    # a "journal" line's subject: an account of the sales journal entries, its debits minus its credits
    subject = fields.Char(readonly=True, help="The cash/bank account, the customer or the item and warehouse.")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    odoo_value = fields.Float(string="Odoo", digits=(16, 2), readonly=True)
    remote_value = fields.Float(string="Accounting System", digits=(16, 2), readonly=True)
    difference = fields.Float(digits=(16, 2), readonly=True, help="The accounting system's figure minus Odoo's.")
    is_difference = fields.Boolean(string="Differs", readonly=True, index=True)
    cause = fields.Selection(CAUSES, string="Likely Cause", readonly=True, index=True)
    # the cause is stored as message codes (accounting_messages.py) and read in the reader's language
    cause_message = fields.Json(readonly=True, help="The cause's sentences as message codes and their values.")
    cause_note = fields.Text(string="Why", compute="_compute_cause_note")
    cause_summary = fields.Char(string="Why (Short)", compute="_compute_cause_note",
                                help="The first sentence of the cause; the whole of it is on the line.")
    remote_refs = fields.Char(string="Remote Documents", readonly=True,
                              help="References of the remote documents the figure is made of.")
    job_ids = fields.Many2many("accounting.sync.job", "accounting_reconciliation_line_job_rel", "line_id",
                               "job_id", string="Sync Log", readonly=True)
    session_ids = fields.Many2many("pos.session", "accounting_reconciliation_line_session_rel", "line_id",
                                   "session_id", string="Sessions", readonly=True)
    checked_at = fields.Datetime(readonly=True)

    @api.depends("cause_message")
    @api.depends_context("lang")
    def _compute_cause_note(self):
        for line in self:
            line.cause_note = msgs.render(self.env, line.cause_message) or False
            sentences = (line.cause_note or "").splitlines()
            line.cause_summary = sentences and (sentences[0] if len(sentences) == 1 else _(
                "%(first)s (and %(count)s more)", first=sentences[0], count=len(sentences) - 1)) or False

    @api.depends("date", "pos_config_id", "measure", "subject")
    def _compute_display_name(self):
        labels = dict(self._fields["measure"]._description_selection(self.env))
        for line in self:
            line.display_name = " ".join(filter(None, [
                line.date and fields.Date.to_string(line.date), line.pos_config_id.name,
                labels.get(line.measure), line.subject]))

    def action_view_jobs(self):
        check_action(self, USER)
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        action.update(domain=[("id", "in", self.job_ids.ids)], context={"create": False})
        return action

    def action_view_sessions(self):
        check_action(self, USER)
        action = self.env["ir.actions.act_window"]._for_xml_id("point_of_sale.action_pos_session")
        action.update(domain=[("id", "in", self.session_ids.ids)], context={"create": False})
        return action

    def action_refresh(self):
        """Read again: re-read the selected days from the accounting system
        (not from the cache) and compare again."""
        check_action(self, USER)
        for connection in self.connection_id:
            days = self.filtered(lambda l, c=connection: l.connection_id == c).mapped("date")
            # the selected days and periods only: a gap between two is not read
            for start, end in _ranges(set(days)):
                self._reconcile(connection, start, end, reread_from=start)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # --- entry points of the run: the connection's button, the daily cron ------------
    @api.model
    def _action_open(self, connection):
        """Compare the connection's last month (days already read are not read again) and open the report."""
        check_action(connection, USER)
        connection.ensure_one()
        today = self._reconciliation_today(connection)
        try:
            self._reconcile(connection, today - timedelta(days=DEFAULT_DAYS - 1), today)
        except ConnectorError as exc:
            raise UserError(_("Could not read the documents of %(conn)s: %(msg)s",
                              conn=connection.display_name, msg=exc.message)) from None
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pos_accounting_sync.action_accounting_reconciliation_line")
        action.update(domain=[("connection_id", "=", connection.id)],
                      context={"create": False, "search_default_differences": 1})
        return action

    @api.model
    def _cron_reconciliation(self):
        """Daily: compare the last month of every connected connection,
        reading yesterday and today again (Jurnal announces no change)."""
        def reconcile(conn):
            today = self._reconciliation_today(conn)
            self._reconcile(conn, today - timedelta(days=DEFAULT_DAYS - 1), today,
                            reread_from=today - timedelta(days=1))

        self._reconciliation_each(_("The reconciliation"), reconcile, lambda conn, exc: _(
            "The reconciliation could not read %(system)s: %(msg)s", system=conn._get_provider_label(),
            msg=exc.message))

    @api.model
    def _cron_reread(self):
        """Nightly: read again, from the accounting system, each connected
        connection's last ``reread_window_days`` days (see :meth:`_reread`)."""
        self._reconciliation_each(_("The nightly re-read"), self._reread, lambda conn, exc: _(
            "The nightly re-read could not read %(system)s: %(msg)s", system=conn._get_provider_label(),
            msg=exc.message))

    @api.model
    def _reconciliation_each(self, task, run, failure):
        """``run(connection)`` for every connected connection with outlets,
        each on its own (``task``: what it is, in words); a connector error
        is logged and posted on its connection as ``failure(connection,
        error)`` says, the others go on."""
        def guarded(conn):
            try:
                run(conn)
            except ConnectorError as exc:
                _logger.warning("accounting sync: %s of %s failed: %s", task, conn.id, exc.message)
                conn.message_post(body=failure(conn, exc))

        Connection = self.env["accounting.connection"]
        Connection._run_isolated(Connection.search([("state", "=", "connected"), ("outlet_map_ids", "!=", False)]),
                                 task, guarded)

    @api.model
    def _reread(self, connection):
        """One night's re-read of ``connection``'s rolling window (its last
        ``reread_window_days`` days up to today), REREAD_CHUNK_DAYS days a
        read, from the day after ``reread_cursor`` (else the window's first
        day) on, while the requests counted stay within
        ``reread_max_requests`` (a next chunk is read only if it is expected
        to fit, judged by the last one's cost; the first always is). A window
        that costs more is thus read over several nights; once today is
        reached the next night starts again at the window's first day.
        Returns the number of requests spent."""
        connection.ensure_one()
        today = self._reconciliation_today(connection)
        first = today - timedelta(days=max(connection.reread_window_days, 1) - 1)
        cursor = connection.reread_cursor
        day = cursor + timedelta(days=1) if cursor and first <= cursor < today else first
        budget = max(connection.reread_max_requests, 1)
        spent = last = 0
        meter = [0]

        def count():
            meter[0] += 1

        Line = self.with_context(accounting_request_meter=count)
        while day <= today and (not spent or spent + last <= budget):
            end = min(day + timedelta(days=REREAD_CHUNK_DAYS - 1), today)
            meter[0] = 0
            Line._reconcile(connection, day, end, reread_from=day)
            last = meter[0]
            spent += last
            connection.sudo().reread_cursor = end
            day = end + timedelta(days=1)
        _logger.info("accounting sync: re-read of connection %s up to %s: %s requests", connection.id,
                     connection.reread_cursor, spent)
        return spent

    @api.model
    def _reconciliation_differences(self, connections, date_from, date_to):
        """The stored report lines of ``connections`` dated ``date_from``
        to ``date_to`` (dates, inclusive) whose figures differ, each with
        ``connection_id``, ``date``, ``cause`` and ``display_name``. Reads no
        remote system (the daily cron and the buttons refresh the lines)."""
        return self.search([
            ("connection_id", "in", connections.ids), ("date", ">=", date_from), ("date", "<=", date_to),
            ("is_difference", "=", True)])

    # --- the comparison ------------------------------------------------------------
    @api.model
    def _reconciliation_today(self, connection):
        """The shop's business day now (its first outlet's time zone, else the company's)."""
        return local_date(fields.Datetime.now(), connection.company_id, connection.outlet_map_ids.pos_config_id[:1])

    @api.model
    def _reconcile(self, connection, date_from, date_to, reread_from=None):
        """Rebuild the report lines of ``date_from``..``date_to``; returns them."""
        connection.ensure_one()
        today = self._reconciliation_today(connection)
        remote = self._reconciliation_remote(connection, date_from, min(date_to, today), reread_from)
        groups = self._reconciliation_sessions(connection, date_from, date_to)
        sessions = self.env["pos.session"].union(*[s for s in groups.values()])
        jobs, job_session = self._reconciliation_jobs(connection, sessions)
        rows_of = self._reconciliation_attribute(remote, job_session, sessions,
                                                 self._reconciliation_day_chains(connection, sessions))
        account_key = self._reconciliation_account_key(connection)
        jobs_of = defaultdict(list)
        for job in jobs:
            jobs_of[job_session[job.reference].id].append(job.id)
        vals_list = []
        now = fields.Datetime.now()
        for (day, config), group in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1].id)):
            # the group's figures at once: an outlet day's documents count once, not once a shift
            mine = defaultdict(Decimal)
            figures, problem = odoo_figures(connection, group)
            for key, amount in figures.items():
                mine[key[0], account_key(key[1]) if key[0] in ACCOUNT_MEASURES else key[1]] += amount
            rows = [r for s in group for r in rows_of.get(s.id, [])]
            theirs = remote_figures(rows, account_key)
            group_jobs = jobs.browse([j for s in group for j in jobs_of[s.id]])
            late = self._reconciliation_late_note(group)
            for key in sorted(set(mine) | set(theirs)):
                vals = self._reconciliation_line(
                    connection, day, config, group, key, mine.get(key, Decimal()), theirs.get(key, Decimal()),
                    group_jobs, rows, problem, now)
                if late:
                    vals["cause_message"] = (vals.get("cause_message") or []) + [late]
                vals_list.append(vals)
        Line = self.sudo()
        Line.search([("connection_id", "=", connection.id), ("date", ">=", date_from),
                     ("date", "<=", date_to)]).unlink()
        lines = Line.create(vals_list)
        if date_from <= today <= date_to and connection.warehouse_map_ids:
            lines |= self._reconciliation_stock(connection, today, now)
        return lines

    @api.model
    def _reconciliation_late_note(self, sessions):
        """The sentence (a stored message) explaining the orders of
        ``sessions`` that reached Odoo after their shift was closed (or in a
        rescue session), or None."""
        late = sessions.order_ids.filtered("accounting_late")
        if not late:
            return None
        return msgs.message("recon.late_orders", orders=late._accounting_late_messages())

    @api.model
    def _reconciliation_line(self, connection, day, config, sessions, key, mine, theirs, jobs, rows, problem,
                             now):
        measure, subject = key
        currency = connection.company_id.currency_id
        differs = not float_is_zero(float(theirs - mine), precision_rounding=currency.rounding)
        all_jobs, jobs = jobs, jobs.filtered(lambda j: j.kind in MEASURE_KINDS[measure])
        rows = [r for r in rows if r["kind"] in MEASURE_KINDS[measure]]
        if measure == "customer":
            jobs = jobs.filtered(lambda j: _partner_of(j.reference) == subject)
            rows = [r for r in rows if _partner_of(r.get("reference") or r.get("invoice_ref")) == subject]
        partner = self.env["res.partner"].browse(int(subject)) if measure == "customer" and subject else None
        vals = {
            "connection_id": connection.id, "date": day, "pos_config_id": config.id, "measure": measure,
            "subject": partner.display_name if partner else subject or False,
            "partner_id": partner.id if partner else False,
            "odoo_value": float(mine), "remote_value": float(theirs), "difference": float(theirs - mine),
            "is_difference": differs, "checked_at": now,
            "remote_refs": ", ".join(sorted({r.get("reference") or r.get("number") or "" for r in rows})) or False,
            "job_ids": [(6, 0, jobs.ids)], "session_ids": [(6, 0, sessions.ids)],
        }
        if differs:
            # "not queued" only for a shift of which the sync log holds nothing at all
            unposted = unposted_sessions(connection, sessions)
            cause, message = self._reconciliation_cause(connection, jobs, rows, problem, unposted)
            # the cause agrees with the sync log and names the documents it is about
            vals["cause"], vals["cause_message"] = name_documents(
                cause, message, jobs, all_jobs.browse() if unposted else all_jobs)
        return vals

    @api.model
    def _reconciliation_cause(self, connection, jobs, rows, problem, unposted):
        """``(cause, note)`` of a difference, from the documents behind it
        (``unposted``: shifts of the row that queued nothing). What is found
        changed remotely is flagged on the sync log whatever the cause shown."""
        held = jobs._waiting_on_accounting_system()  # a locked period, an approval: not posted yet
        if held:
            return held
        system = connection._get_provider_label()
        twice = [ref for ref, n in Counter(r["reference"] for r in rows if r.get("reference")).items() if n > 1]
        done = jobs.filtered(lambda j: j.state == "done")
        gone = done.filtered(lambda j: j.reference not in _present_refs(rows))
        grace = jobs._own_save_grace()
        edited = (done - gone).filtered(lambda j: j.remote_change == "edited" or any(
            _later(r.get("updated"), j.date_done, grace) for r in rows if r.get("reference") == j.reference))
        gone._flag_remote_change("deleted", _("Missing from %(system)s's list.", system=system))
        edited._flag_remote_change("edited", _("Changed after Odoo posted it (found by the reconciliation)."))
        jobs.filtered(lambda j: j.reference in twice)._flag_remote_change(
            "duplicated", _("Found twice by the reconciliation."))
        # sentences as codes (msgs.message), so each reader reads them in their language
        if twice:
            return "posted_twice", [msgs.message("recon.posted_twice", refs=twice, system=system)]
        bad = jobs.filtered(lambda j: j.state in ("failed", "blocked", "cancelled"))
        if bad:
            return "failed", failed_messages(bad)
        waiting = jobs.filtered(lambda j: j.state in ("pending", "running"))
        if unposted or waiting or not jobs:
            notes = [problem] if problem else []
            if unposted:
                notes.append(msgs.message("recon.nothing_queued", sessions=unposted.mapped("name")))
            if waiting:
                notes.append(msgs.message("recon.waiting", docs=[j._doc_message() for j in waiting]))
            return "not_posted", notes or [msgs.message("recon.no_document")]
        if gone:
            return "changed_remotely", [msgs.message("recon.deleted", system=system,
                                                     docs=[j._doc_message() for j in gone])]
        if edited:
            return "changed_remotely", [msgs.message("recon.edited", system=system,
                                                     docs=[j._doc_message() for j in edited])]
        return "unexplained", [problem or msgs.message("recon.unexplained")]

    @api.model
    def _reconciliation_stock(self, connection, today, now):
        try:
            parity = self.env["accounting.stock.parity"]._compare_connection(connection)
        except ConnectorError as exc:
            _logger.info("accounting sync: stock not compared for %s: %s", connection.id, exc.message)
            return self.browse()
        vals_list = []
        for diff in parity:
            jobs = diff.job_ids
            opening = self.env["accounting.opening.balance"].sudo().search(
                [("connection_id", "=", connection.id)], limit=1)
            cause, note = stock_cause(diff, opening.state or "")
            vals_list.append({
                "connection_id": connection.id, "date": today, "measure": "stock", "product_id": diff.product_id.id,
                "subject": "%s @ %s" % (diff.item_code, diff.remote_warehouse), "odoo_value": diff.odoo_quantity,
                "remote_value": diff.remote_quantity, "difference": diff.difference, "is_difference": True,
                "cause": cause, "cause_message": note, "job_ids": [(6, 0, jobs.ids)], "checked_at": now})
        return self.sudo().create(vals_list)

    # --- reading and tying ------------------------------------------------------------
    @api.model
    def _reconciliation_remote(self, connection, date_from, date_to, reread_from=None):
        """``{date: [rows of list_sales_documents]}``; days already read are
        taken from the cache, except today and days from ``reread_from``."""
        Cache = self.env["accounting.reconciliation.remote"].sudo()
        domain = [("connection_id", "=", connection.id), ("date", ">=", date_from), ("date", "<=", date_to)]
        cached = set(Cache.search(domain).mapped("date"))
        today = self._reconciliation_today(connection)
        days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
        missing = [d for d in days if d not in cached or d >= today or (reread_from and d >= reread_from)]
        if missing:
            client = connection._get_client(before_request=self.env.context.get("accounting_request_meter"))
            journal = self._reconciliation_reads_journal(connection)
            for start, end in _ranges(missing):
                by_day = defaultdict(list)
                for row in client.list_sales_documents(start, end, journal_entries=journal):
                    by_day[row["date"]].append(row)
                for n in range((end - start).days + 1):
                    day = start + timedelta(days=n)
                    Cache._store(connection, day, by_day.get(day, []))
        return {c.date: c._rows() for c in Cache.search(domain)}

    @api.model
    def _reconciliation_reads_journal(self, connection):
        """Whether the remote lists must include our POS sales journal
        entries (one more list, and on Accurate a detail per entry): the
        connection posts sales as journal entries, or did once."""
        return connection.sales_posting == "journal_entry" or bool(
            self.env["accounting.sync.job"].sudo().search_count(
                [("connection_id", "=", connection.id), ("kind", "=", "journal_entry"),
                 ("doc_key", "=", JOURNAL_DOC_KEY)], limit=1))

    @api.model
    def _reconciliation_sessions(self, connection, date_from, date_to):
        """``{(business date, outlet): sessions}`` of closed shifts this connection posts."""
        configs = connection.outlet_map_ids.filtered("active").pos_config_id
        after = datetime.combine(date_to + timedelta(days=2), time.min)
        sessions = self.env["pos.session"].sudo().search([
            ("config_id", "in", configs.ids), ("state", "=", "closed"),
            ("stop_at", ">=", datetime.combine(date_from - timedelta(days=1), time.min)),
            "|", ("stop_at", "<", after), "&", ("rescue", "=", True), ("start_at", "<", after)])
        groups = defaultdict(lambda: self.env["pos.session"].sudo())
        for session in sessions:
            day = business_date(session, session, session.stop_at)
            if session.rescue and session.order_ids:
                # a rescue session, closed whenever, holds orders of an earlier day: theirs
                day = min(local_date(o.date_order, config=session.config_id) for o in session.order_ids)
            if date_from <= day <= date_to and connection._is_live(day):
                groups[day, session.config_id] |= session
        return groups

    @api.model
    def _reconciliation_jobs(self, connection, sessions):
        """The sales jobs of these shifts, of their outlet days (once a day
        per outlet) and of their orders posted alone, with the POS sales
        journal entries (not the cash over/short entries), and ``{reference:
        session}`` (an outlet day's documents: its first shift among
        ``sessions``, so they group with the day's shifts). Settlements paid
        later are left out: they belong to the day they were paid."""
        orders = sessions.order_ids
        days = shift_days(connection, sessions)
        jobs = self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", connection.id), ("kind", "in", SALES_KINDS + ("journal_entry",)),
            "|", "|", "&", ("res_model", "=", "pos.session"), ("res_id", "in", sessions.ids),
            "&", ("res_model", "=", "accounting.pos.day"), ("res_id", "in", days.ids),
            "&", ("res_model", "=", "pos.order"), ("res_id", "in", orders.ids)])
        jobs = jobs.filtered(lambda j: (j.doc_key or "").partition(":")[0] not in ("settle", "void") and (
            j.kind != "journal_entry" or j.doc_key == JOURNAL_DOC_KEY))
        order_session = {o.id: o.session_id for o in orders}
        day_session = {d.id: (d.session_ids & sessions).sorted("id")[:1] for d in days}
        session_of = {}
        for job in jobs:
            if job.res_model == "pos.session":
                session_of[job.reference] = sessions.browse(job.res_id)
            elif job.res_model == "accounting.pos.day":
                session_of[job.reference] = day_session[job.res_id]
            else:
                session_of[job.reference] = order_session[job.res_id]
        return jobs, session_of

    @api.model
    def _reconciliation_day_chains(self, connection, sessions):
        """``{chain: session}`` of the outlet days of ``sessions`` (once a
        day per outlet): each day's reference prefix, ``POS/D<outlet>/<day>``,
        and its first shift among ``sessions``."""
        return {day._accounting_chain(): (day.session_ids & sessions).sorted("id")[:1]
                for day in shift_days(connection, sessions)}

    @api.model
    def _reconciliation_attribute(self, remote, job_session, sessions, day_chains=None):
        """``{session id: rows}``: each remote document tied to its shift by
        its reference (a return by its invoice's), else by the shift's or
        its outlet day's reference prefix (``day_chains``, see
        :meth:`_reconciliation_day_chains`: a document Odoo never queued)."""
        chains = dict(day_chains or {}, **{s._accounting_chain(): s for s in sessions})
        out = defaultdict(list)
        for rows in remote.values():
            for row in rows:
                ref = row.get("reference") or row.get("invoice_ref") or ""
                if "/PAY/" in ref:
                    continue
                session = job_session.get(ref) or job_session.get(row.get("invoice_ref") or "")
                if not session:
                    parts = ref.split("/")
                    session = next((chains[p] for p in ("/".join(parts[:n]) for n in range(len(parts) - 1, 0, -1))
                                    if p in chains), None)
                if session:
                    out[session.id].append(row)
        return out

    @api.model
    def _reconciliation_account_key(self, connection):
        """Odoo's mapped cash/bank account -> how the remote list names it
        (Jurnal lists a receipt's account by name; Accurate by number)."""
        if connection.provider != "jurnal":
            return lambda account: account
        names, client = {}, []

        def key(account):
            if account not in names:
                # one client: one read of the accounts (counted by a re-read's meter)
                client[:] = client or [connection._get_client(
                    before_request=self.env.context.get("accounting_request_meter"))]
                names[account] = client[0]._account_name(account)
            return names[account]
        return key


class AccountingReconciliationRemote(models.Model):
    """The sales documents the accounting system listed for one day, as read
    (see ``list_sales_documents``): a reconciliation reads only the days it
    has not read yet (and today), so reopening it costs no request however
    many days it covers. A day is forgotten (read again) when Accurate says
    one of its documents changed, and on demand."""

    _name = "accounting.reconciliation.remote"
    _description = "Accounting Reconciliation: Remote Documents of a Day"
    _order = "date desc"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    date = fields.Date(required=True, readonly=True)
    documents = fields.Text(readonly=True, help="The documents listed that day (JSON).")
    references = fields.Text(readonly=True, help="Their references, one a line (to forget a day by one).")
    read_at = fields.Datetime(readonly=True)

    _sql_constraints = [("day_uniq", "unique(connection_id, date)", "One cache row per connection and day.")]

    @api.model
    def _store(self, connection, day, rows):
        vals = {"documents": json.dumps([_plain(r) for r in rows]),
                "references": "\n".join(sorted({r.get("reference") or "" for r in rows})),
                "read_at": fields.Datetime.now()}
        cached = self.search([("connection_id", "=", connection.id), ("date", "=", day)])
        if cached:
            cached.write(vals)
        else:
            self.create(dict(vals, connection_id=connection.id, date=day))

    def _rows(self):
        self.ensure_one()
        rows = json.loads(self.documents or "[]")
        for row in rows:
            row["date"] = Date.fromisoformat(row["date"]) if row.get("date") else None
            row["total"], row["tax"] = Decimal(row["total"]), Decimal(row["tax"])
            for line in row.get("lines") or []:
                line["debit"], line["credit"] = Decimal(line["debit"]), Decimal(line["credit"])
        return rows

    @api.model
    def _forget(self, connection, job):
        """Read again the day(s) holding ``job``'s document (changed remotely)."""
        self.sudo().search([("connection_id", "=", connection.id),
                            ("references", "ilike", job.reference)]).unlink()


def _partner_of(reference):
    found = AR_PARTNER.search(reference or "")
    return found.group(1) if found else ""


def _present_refs(rows):
    """Our references of the listed documents; a Jurnal return (listed
    without ours) stands for the return reference of its invoice."""
    refs = {r["reference"] for r in rows if r.get("reference")}
    for row in rows:
        inv = row.get("invoice_ref") or ""
        if row["kind"] == "sales_return" and not row.get("reference") and inv:
            refs.add(inv[:-4] + "/RET" if inv.endswith("/INV") else inv.replace("/INV/", "/RET/") if "/INV/" in inv
                     else inv + "/RET")
    return refs


def _later(updated, done, grace):
    """Whether a remote ``updated`` stamp (Accurate ``dd/mm/yyyy HH:MM:SS``
    Jakarta time, Jurnal ISO UTC) is later than ``done`` (naive UTC, whole
    seconds as Odoo stores it) plus ``grace`` seconds."""
    if not updated or not done:
        return False
    try:
        if "T" in updated:
            moment = datetime.fromisoformat(updated.replace("Z", "+00:00")).astimezone(pytz.utc)
        else:
            moment = WIB.localize(datetime.strptime(updated, "%d/%m/%Y %H:%M:%S")).astimezone(pytz.utc)
    except ValueError:
        return False
    return (moment.replace(tzinfo=None, microsecond=0) - done).total_seconds() > grace


def _ranges(days):
    """Sorted days -> [(first, last)] of consecutive runs."""
    out = []
    for day in sorted(days):
        if out and (day - out[-1][1]).days == 1:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def _plain(value):
    """A listed row as JSON takes it: dates as ISO text, amounts as text,
    at any depth (a journal entry's lines)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, Date) else str(value) if isinstance(value, Decimal) else value


def cause_label(env, cause):
    return dict(env["accounting.reconciliation.line"]._fields["cause"]._description_selection(env)).get(
        cause, _("Unexplained"))
