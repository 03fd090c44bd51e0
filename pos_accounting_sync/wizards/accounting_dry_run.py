"""Dry run: what a source record (a closed session, an order, a transfer,
later a payout) would send to one connection, without sending anything and
without queueing anything.

The source's documents are queued as the real flow queues them, inside a
savepoint that is rolled back: the jobs, the documents built from them (by
the worker's own ``_accounting_sync_document``) and the sentence a missing
mapping fails with are collected, then every row is undone. Payloads come
from the connector (``client.preview``), which makes no request."""

import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from accounting_connectors.errors import ConnectorError
from ..models.accounting_access import USER, check_action
from ..models.accounting_sync_job import KINDS, STATES

_logger = logging.getLogger(__name__)


class _Undo(Exception):
    """Rolls the dry run's savepoint back."""


class AccountingDryRun(models.TransientModel):
    _name = "accounting.dry.run"
    _description = "Accounting Sync Dry Run"

    res_model = fields.Char(required=True, readonly=True)
    res_id = fields.Integer(required=True, readonly=True)
    source_name = fields.Char(string="Source", readonly=True)
    connection_id = fields.Many2one(
        "accounting.connection", required=True, domain="[('company_id', 'in', allowed_company_ids)]")
    summary = fields.Text(readonly=True)
    line_ids = fields.One2many("accounting.dry.run.line", "wizard_id", readonly=True)

    @api.model
    def action_open(self, records):
        """The dry run of ``records[0]`` (the binding passes the active record)."""
        check_action(self, USER)
        record = records[:1]
        if not record:
            raise UserError(_("Choose a record to dry-run."))
        # a record that belongs to one connection (a payout) is dry-run on it
        connection = record.connection_id if "connection_id" in record._fields else False
        connection = connection or self.env["accounting.connection"].search(
            [("company_id", "=", record.company_id.id)], limit=1)
        if not connection:
            raise UserError(_("No accounting connection for %(company)s.", company=record.company_id.name))
        wizard = self.create({"res_model": record._name, "res_id": record.id,
                              "source_name": record.display_name, "connection_id": connection.id})
        wizard._compute_lines()
        return wizard._reopen()

    def action_refresh(self):
        check_action(self, USER)
        self._compute_lines()
        return self._reopen()

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": _("Dry Run: %(record)s", record=self.source_name)}

    def _source(self):
        return self.env[self.res_model].browse(self.res_id).exists()

    # --- the dry run ----------------------------------------------------------
    def _compute_lines(self):
        self.ensure_one()
        # the dry run reads for the user only what they may read themselves
        self.connection_id.check_access("read")
        self._source().check_access("read")
        conn = self.connection_id
        source = self._source()
        rows, notes = [], []
        if conn._holds_posting():
            notes.append(conn._live_mode_message())
        try:
            with self.env.cr.savepoint():
                notes += self._collect(source, conn, rows)
                raise _Undo
        except _Undo:  # everything queued and built above is undone: nothing is sent or kept
            _logger.debug("accounting sync: dry run of %s rolled back", self.source_name)
        client = conn._get_client()  # no request: the preview works offline
        accounts = [{"id": o.remote_id or o.code, "number": o.code, "name": o.name, "type": o.account_type or ""}
                    for o in conn.remote_option_ids if o.option_type == "account"]
        for row in rows:
            document = row.pop("document", None)
            if document is None:
                continue
            row["document"] = json.dumps(document.to_dict(), indent=2, ensure_ascii=False)
            try:
                preview = client.preview(document, accounts=accounts or None)
            except ConnectorError as exc:
                row.update(status="refused", message=exc.message)
                continue
            row.update(method=preview.method or False, path=preview.path or False,
                       payload=preview.pretty() or False, message=preview.note or False)
            if preview.placeholders:
                row["message"] = _("Names shown as <...> are read from %(provider)s when sending: %(names)s",
                                   provider=conn.provider.capitalize(), names=", ".join(preview.placeholders))
        self.line_ids = [fields.Command.clear()] + [fields.Command.create(r) for r in rows]
        refused = sum(1 for r in rows if r["status"] == "refused")
        new = sum(1 for r in rows if r["status"] == "new")
        notes.append(_("%(new)s document(s) would be sent, %(refused)s would fail, %(old)s are already in "
                       "the sync log. Nothing was sent and nothing was queued.",
                       new=new, refused=refused, old=len(rows) - new - refused))
        self.summary = "\n".join(notes)

    def _collect(self, source, conn, rows):
        """Queue ``source``'s documents for ``conn`` (rolled back by the
        caller) and append one row per document; returns notes to show."""
        Job = self.env["accounting.sync.job"].sudo()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM accounting_sync_job")
        before = self.env.cr.fetchone()[0]
        notes = []
        try:
            jobs = self._queue_source(source, conn, notes)
        except (UserError, ValidationError) as exc:
            rows.append({"status": "refused", "reference": source.display_name, "message": exc.args[0]})
            return notes
        jobs |= Job.search([("id", ">", before), ("connection_id", "=", conn.id)])
        for seq, job in enumerate(jobs.sorted(lambda j: (j.chain or "", j.sequence, j.id))):
            row = {"sequence": seq, "kind": job.kind, "reference": job.reference,
                   "status": "new" if job.id > before else "logged",
                   "log_state": job.state if job.id <= before else False}
            record = self.env[job.res_model].browse(job.res_id)
            try:
                with self.env.cr.savepoint():
                    row["document"] = record._accounting_sync_document(job)
                if row["document"] is None:  # in the worker's words
                    row.update(status="refused", message=_("%s has nothing to send.", job.res_name or job.reference))
            except (UserError, ValidationError) as exc:
                row.update(status="refused", message=exc.args[0] if exc.args else str(exc))
            if row["status"] != "refused" and row.get("document") is not None:
                # what the worker refuses before sending (a code the last mapping check found gone)
                broken = self.env["accounting.mapping.health"]._row_breaking(conn, job, row["document"])
                if broken:
                    row.update(status="refused", message=broken.message)
            if row["status"] == "refused":
                row["document"] = None
            elif job.id > before:
                # as if it had gone out (all of this is rolled back): the documents after
                # it in its chain are built the way they will be, e.g. on a new customer's number
                job._set_done({"remote_id": job.remote_id or "dry-run",
                              "remote_number": job.remote_number or getattr(row["document"], "reference", "")
                              or "<number of %s in %s>" % (job.res_name, conn.provider.capitalize())},
                             preview=True)
            rows.append(row)
        return notes

    def _queue_source(self, source, conn, notes):
        """The jobs the real flow queues for ``source`` on ``conn`` (new rows
        inside the caller's savepoint, or those already in the log)."""
        Job = self.env["accounting.sync.job"]
        name = source._name
        if name == "pos.session":
            if source.state != "closed":
                raise UserError(_("%(session)s is not closed: its documents are made when it closes.",
                                  session=source.name))
            if not conn._outlet_map(source.config_id):
                raise UserError(_("The outlet %(pos)s is not mapped on %(conn)s: its sessions post nothing "
                                  "there. Map it under Outlets.", pos=source.config_id.name, conn=conn.display_name))
            if not conn._is_live(source.stop_at):
                notes.append(_("This session closed before the go-live date: it is shown, but it would not be "
                               "posted."))
            if conn.sales_sync_mode == "daily":
                notes.append(_("%(conn)s posts once a day per outlet: shown here are the documents of this "
                               "shift's outlet day, with the shifts of that day closed so far.",
                               conn=conn.display_name))
            return source._accounting_enqueue_sales(connections=conn, settled=True)
        if name == "pos.order":
            if not conn._outlet_map(source.session_id.config_id):
                raise UserError(_("The outlet %(pos)s is not mapped on %(conn)s.",
                                  pos=source.session_id.config_id.name, conn=conn.display_name))
            if conn.sales_sync_mode != "realtime" and source not in self.env["pos.order"]._accounting_posted_alone(
                    conn, source):
                notes.append(_("%(conn)s posts per session: this order goes out within its session's "
                               "documents; shown here as it would go out alone (real time).",
                               conn=conn.display_name))
            return source._accounting_documents(conn).enqueue(source._accounting_chain())
        if name == "stock.picking":
            if source.state != "done":
                raise UserError(_("%(picking)s is not done: its documents are made when it is validated.",
                                  picking=source.name))
            Document = self.env["accounting.stock.document"].sudo()
            moves = source.move_ids.filtered(lambda m: m.state == "done" and not m._accounting_skipped())
            known = Document.search([("connection_id", "=", conn.id), ("move_ids", "in", moves.ids)])
            fresh = moves - known.move_ids
            jobs = known.job_id
            if fresh:
                jobs |= Document._collect_for(conn, fresh)._queue()
            if not jobs:
                raise UserError(_("%(picking)s moves goods %(conn)s does not track (no mapped warehouse "
                                  "on either side): nothing to send.", picking=source.name,
                                  conn=conn.display_name))
            return jobs
        if hasattr(source, "_accounting_enqueue"):  # payouts and later sources
            return source._accounting_enqueue() or Job
        raise UserError(_("A dry run is not available for %(what)s.", what=source._description))


class AccountingDryRunLine(models.TransientModel):
    _name = "accounting.dry.run.line"
    _description = "Accounting Sync Dry Run Document"
    _order = "sequence, id"

    wizard_id = fields.Many2one("accounting.dry.run", required=True, ondelete="cascade")
    sequence = fields.Integer()
    # labels, not codes: "Sales Invoice", "Done" (the sync log's own choices)
    kind = fields.Selection(KINDS, string="Document Type", readonly=True)
    reference = fields.Char(readonly=True)
    status = fields.Selection(
        [("new", "Would be sent"), ("logged", "Already in the sync log"), ("refused", "Would fail")],
        readonly=True)
    log_state = fields.Selection(STATES, string="Sync Log Status", readonly=True)
    message = fields.Text(readonly=True, help="Why it would fail, or what the preview cannot show.")
    document = fields.Text(readonly=True, help="The provider-neutral document built from Odoo.")
    method = fields.Char(readonly=True)
    path = fields.Char(readonly=True)
    payload = fields.Text(readonly=True, help="The request body the accounting system would receive.")
