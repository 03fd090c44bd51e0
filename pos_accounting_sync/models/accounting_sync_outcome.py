"""The worker's handling of one claimed job: build, post (or look up),
record the outcome. Every error kind of the connectors has a behaviour here
(:data:`ERROR_HANDLING`); claiming and leases are in
``accounting_sync_worker.py``."""

import json
import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from accounting_connectors import errors as cerr

from . import accounting_messages as msgs
from .accounting_sync_worker import LeaseLost

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_BACKOFF = timedelta(hours=6)

#: many2one targets whose company does not say whose record it is (a user's
#: current company, a company itself, a file)
COMPANY_BLIND = ("res.users", "res.company", "ir.attachment")

#: what the worker does with each error kind the connectors raise
#: (``accounting_connectors.errors.ERROR_KINDS``); a test checks both agree
ERROR_HANDLING = {
    "transient": "retry later with backoff (spends an attempt)",
    "rate_limited": "wait retry_after, skip the connection for this run, no attempt spent",
    "auth": "pause the connection until its credentials are fixed, no attempt spent",
    "quota": "pause the connection until next month or an admin resumes it, no attempt spent",
    "permanent": "fail with the provider's message",
    "duplicate": "look the document up and link it; fail if it cannot be found",
    "ambiguous": "look the document up before any retry",
    "not_found": "fail with the provider's message (a document it no longer has)",
}


class AccountingSyncJobOutcome(models.Model):
    _inherit = "accounting.sync.job"

    def _process_claimed(self, run, commit):
        self.ensure_one()
        connection = self.connection_id
        try:
            client = run.client(connection)
        except cerr.ConnectorError as exc:
            return self._on_error(exc, run, None)
        except Exception as exc:  # noqa: BLE001 - one connection's broken setup must not stop the others
            _logger.exception("accounting sync: cannot make the client of connection %s", connection.id)
            # not the document's fault: it waits (attempt given back), the connection is left for this run
            run.skip_connections.add(connection.id)
            self.write(dict(self._error_vals("transient", msgs.message("job.unexpected", error=str(exc))),
                            state="pending", attempts=max(self.attempts - 1, 0)))
            return False
        document = self._build_document()
        if document is None:
            return False
        started = time.monotonic()
        try:
            result = None
            if self.needs_lookup:
                result = self._usable(client.find(self.kind, self.reference, document.parent_ref() or None))
            if result is None:
                result = client.post(document)
                if not (result and result.remote_id):
                    # a 2xx without the document is not a proof it was saved
                    raise cerr.AmbiguousError(code="http.no_saved_document",
                                              response=getattr(result, "response", None))
        except (cerr.DuplicateError, cerr.AmbiguousError) as exc:
            result = self._lookup_after(client, exc, started, run, document.parent_ref() or None)
            if result is None:
                return False
        except cerr.ConnectorError as exc:
            return self._on_error(exc, run, client, time.monotonic() - started)
        except LeaseLost:
            raise
        except Exception as exc:  # noqa: BLE001 - a connector bug must not stop the queue
            _logger.exception("accounting sync: unexpected error on job %s", self.id)
            return self._fail("permanent", msgs.message("job.unexpected", error=str(exc)), client,
                              duration=time.monotonic() - started)
        self._on_success(result, client, time.monotonic() - started)
        return True

    @api.model
    def _usable(self, found):
        """A look-up result counts only when it names the remote document."""
        return found if found is not None and found.remote_id else None

    def _build_document(self):
        """The connector document for this job, or None when the job failed
        (data to fix in Odoo)."""
        record = self.env[self.res_model].browse(self.res_id).exists() if self.res_model in self.env else None
        if not record:
            self._fail("data", msgs.message("job.record_gone", name=self.res_name or self.res_id,
                                            model=self.res_model))
            return None
        foreign = self._foreign_records(record)
        if foreign:
            # whoever queued it: the record is read with superuser rights below, so
            # another company's data must not reach this connection's books or log
            self._fail_foreign(record, foreign[0][0])
            return None
        try:
            with self.env.cr.savepoint():
                document = record._accounting_sync_document(self)
        except (UserError, ValidationError) as exc:
            # the records to fix travel with the error: fixing one retries this job
            self._fail("data", msgs.from_exception(exc), causes=getattr(exc, "causes", None))
            return None
        except Exception as exc:  # noqa: BLE001 - shown to the accountant, logged for the admin
            _logger.exception("accounting sync: cannot build document for job %s", self.id)
            self._fail("data", msgs.message("job.build_failed", error=str(exc)))
            return None
        if document is None:
            self._fail("data", msgs.message("job.nothing_to_send", name=self.res_name or self.reference))
        return document

    def _foreign_records(self, record):
        """What of ``record`` (one record, e.g. the job's source) belongs to
        another company than this job's connection: a list of ``(field,
        record)``, ``field`` None for ``record`` itself, else the many2one
        field (``fields.Field``) it is reached through. Checked: ``record``
        and the targets of its stored many2one fields that Odoo ties to the
        record's company (``check_company``) or that are partners (customers,
        vendors: private data). A record without a company is shared."""
        self.ensure_one()
        company = self.connection_id.company_id

        def foreign(rec):
            return "company_id" in rec._fields and rec.company_id and rec.company_id != company

        found = [(None, record)] if foreign(record) else []
        for field in record._fields.values():
            if (field.type == "many2one" and field.store and not field.company_dependent
                    and field.comodel_name not in COMPANY_BLIND
                    and (field.check_company or field.comodel_name == "res.partner")):
                target = record[field.name]
                if target and foreign(target):
                    found.append((field, target))
        return found

    def _fail_foreign(self, record, field=None):
        """Fail the job: ``record`` (or what its ``field`` names) is another
        company's. The reason names no data of that company."""
        args = {"model": record._name, "id": record.id, "company": self.connection_id.company_id.name,
                "conn": self.connection_id.display_name}
        if field is None:
            message = msgs.message("job.foreign_company", **args)
        else:
            message = msgs.message("job.foreign_company_via", field=field.string, **args)
        _logger.warning("accounting sync: job %s names %s,%s of another company than its connection; refused",
                        self.id, record._name, record.id)
        self._fail("data", message)

    def _lookup_after(self, client, exc, started, run, parent=None):
        """The post may have been applied (ambiguous) or the remote says it
        has our reference (duplicate): adopt what is there, never post again.
        ``parent``: our reference of the document it hangs under (searched
        through where the provider keeps no field for ours)."""
        duplicate = exc.kind == "duplicate"
        try:
            found = self._usable(client.find(self.kind, self.reference, parent))
        except cerr.ConnectorError as lookup_exc:
            _logger.info("accounting sync: look-up of %s failed: %s", self.reference, lookup_exc.message)
            found = None
            if duplicate or lookup_exc.kind in ("auth", "quota", "rate_limited"):
                exc = lookup_exc  # what stops the connection wins over "unknown outcome"
        if found is not None:
            found.duration = found.duration or (time.monotonic() - started)
            self._on_success(found, client, time.monotonic() - started, adopted=exc)
            return found
        # whatever happens next, the document may be there: look before posting
        self.needs_lookup = exc.kind != "duplicate"
        if exc.kind == "duplicate":
            self._fail("duplicate", msgs.message("job.duplicate_not_found", msg=msgs.from_exception(exc),
                                                 ref=self.reference), client, exc, time.monotonic() - started)
        else:
            self._on_error(exc, run, client, time.monotonic() - started)
        return None
    # --- outcomes ----------------------------------------------------------------
    def _on_success(self, result, client, duration, adopted=None):
        message = None
        if adopted is not None:
            message = msgs.message("job.adopted", why=msgs.from_exception(adopted))
        self.write(dict(self._error_vals(False, message, adopted), **{
            "state": "done", "date_done": fields.Datetime.now(), "duration": duration,
            "remote_id": result.remote_id or False, "remote_number": result.number or False,
            "request_body": self._body(client, result.request or getattr(adopted, "request", None)),
            "response_body": self._body(client, result.response or result.data),
            "needs_lookup": False,
        }))
        record = self.env[self.res_model].browse(self.res_id)
        if hasattr(record, "_accounting_sync_done"):
            try:
                with self.env.cr.savepoint():
                    record._accounting_sync_done(self, result)
            except Exception as exc:  # noqa: BLE001 - the remote document exists: keep "done"
                _logger.exception("accounting sync: post-processing of job %s failed", self.id)
                self.write(self._error_vals(False, msgs.message(
                    "job.posted_not_recorded", num=result.number or result.remote_id, err=str(exc))))
        self._log_attempt("done", duration)
        self._release_dependants()

    def _on_error(self, exc, run, client, duration=0.0):
        kind = exc.kind
        now = fields.Datetime.now()
        bodies = {"request_body": self._body(client, exc.request),
                  "response_body": self._body(client, exc.response), "duration": duration}
        if kind not in ERROR_HANDLING:
            # a kind this module does not know yet must not kill the run
            _logger.error("accounting sync: unknown error kind %r on job %s", kind, self.id)
            kind = "permanent"
        if kind in ("quota", "auth", "rate_limited"):
            # not the document's fault: give the attempt back and leave the
            # connection alone for the rest of the run
            run.skip_connections.add(self.connection_id.id)
            vals = dict(bodies, state="pending", attempts=max(self.attempts - 1, 0),
                        **self._error_vals(kind, msgs.from_exception(exc), exc))
            if kind == "rate_limited":
                vals["next_attempt_at"] = now + timedelta(seconds=max(float(exc.retry_after or 60), 1.0))
            self.write(vals)
            self._log_attempt("sent", duration)
            if kind == "quota":  # the plan's allowance: wait for the next month
                self.connection_id._pause_for_quota(exc)
            elif kind == "auth":  # credentials: wait for an administrator
                self.connection_id._pause(exc)
            return False
        if exc.retryable or kind == "ambiguous":
            if self.attempts >= self.max_attempts:
                return self._fail(kind, msgs.message("job.gave_up", n=self.attempts, msg=msgs.from_exception(exc)),
                                  client, exc, duration)
            wait = min(timedelta(minutes=2 ** max(self.attempts - 1, 0)), MAX_BACKOFF)
            if exc.retry_after:
                wait = max(wait, timedelta(seconds=float(exc.retry_after)))
            self.write(dict(bodies, state="pending", next_attempt_at=now + wait,
                            **self._error_vals(kind, msgs.from_exception(exc), exc)))
            self._log_attempt("sent", duration)
            return False
        return self._fail(kind, msgs.from_exception(exc), client, exc, duration)

    def _fail(self, kind, message, client=None, exc=None, duration=0.0, causes=None):
        """Fail the job with ``message`` (a stored message or a text), kept
        in its history; ``causes``: the Odoo records to fix (fixing one
        retries the job, see accounting_sync_cause.py)."""
        vals = dict(self._error_vals(kind, message, exc), state="failed", duration=duration)
        if exc is not None:
            vals.update(request_body=self._body(client, exc.request),
                        response_body=self._body(client, exc.response))
        self.write(vals)
        self._log_attempt("failed", duration)
        self._block_dependants()
        # people hear of it in the morning digest (accounting_sync_digest.py), not per document
        return False

    @api.model
    def _body(self, client, value):
        if not value:
            return False
        if not isinstance(value, str):
            value = json.dumps(value, indent=1, default=str, ensure_ascii=False)
        text = value
        if client is not None:
            text = client.redactor.text(text)  # the connector redacts already; twice is cheap insurance
        return text[:MAX_BODY]
