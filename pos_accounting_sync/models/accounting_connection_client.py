"""Connections: the connector client, Test connection and the fetched lists."""

import logging

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.api import Transaction
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect

from accounting_connectors.client import ConnectionConfig, make_client
from accounting_connectors.errors import ConnectorError
from accounting_connectors.ratelimit import default_windows, limiter_key

from . import accounting_messages as msgs
from .accounting_rate_limit import SharedRateLimiter
from .accounting_connection import CONFIG_FIELDS, PERSISTED_FIELDS, ROTATED_FIELDS
from .accounting_access import MANAGER, check_action

_logger = logging.getLogger(__name__)


class AccountingConnectionClient(models.Model):
    _inherit = "accounting.connection"

    def _get_client(self, before_request=None):
        """A connector client for this connection. Secrets are read with sudo
        because the worker and cashier-side code run without the manager group;
        they stay inside the client (its redactor masks them in every copy).

        Its requests share one rate limit with every Odoo process using the
        same credential (:class:`SharedRateLimiter`); ``before_request`` (no
        argument) is called before each HTTP request (the worker renews its
        lease on the job there)."""
        self.ensure_one()
        rec = self.sudo()
        values = {name: rec[name] or "" for name in CONFIG_FIELDS}
        conn_id, dbname, registry = self.id, self.env.cr.dbname, self.env.registry
        in_test = not self.env["accounting.sync.job"]._can_commit()
        env = self.env

        def on_credentials(changed):
            vals = {k: v for k, v in (changed or {}).items() if k in PERSISTED_FIELDS}
            rotated = {k: vals.pop(k) for k in ROTATED_FIELDS if k in vals}
            if vals or (rotated and in_test):
                # A host or session can be learnt again if this transaction rolls
                # back: written here, so that the caller's own later write on the
                # connection (Test connection sets its state) does not collide
                # with a row another transaction has just changed. Tests share
                # one transaction, which a second cursor would not see.
                env["accounting.connection"].sudo().with_context(accounting_learnt_credentials=True).browse(
                    conn_id).write(dict(vals, **rotated))
            if not rotated or in_test:
                return
            # Own short transaction: a refreshed token must survive even if the
            # caller's transaction rolls back (the old one is already revoked).
            # Best effort: the client keeps the new values for this run anyway.
            vals = rotated
            try:
                with db_connect(dbname).cursor() as cr:
                    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    cr.execute("SET LOCAL lock_timeout = '5s'")
                    cr.transaction = Transaction(registry)  # no registry look-up (and its lock)
                    api.Environment(cr, SUPERUSER_ID, {"accounting_learnt_credentials": True})[
                        "accounting.connection"].browse(conn_id).write(vals)
            except Exception as exc:  # noqa: BLE001 - never break a sync for a cache write
                _logger.info("accounting sync: could not store refreshed credentials of connection %s: %s",
                             conn_id, type(exc).__name__)

        config = self._connection_config(on_credentials=on_credentials, extra=self._connector_options(), **values)
        config.limiter = self._shared_limiter(config, before_request)
        return make_client(config)

    def _connection_config(self, **values):
        """The ConnectionConfig of this record's non-secret settings, plus
        ``values`` (credentials, callbacks)."""
        self.ensure_one()
        return ConnectionConfig(provider=self.provider, base_url=(self.base_url or "").strip(),
                                sandbox=bool(self.sandbox), timeout=float(self.request_timeout or 30),
                                rate_limits=[(self.rate_limit_per_minute, 60.0)]
                                if self.rate_limit_per_minute else None, **values)

    def _shared_limiter(self, config, before_request=None):
        """The limiter of this connection's credential, shared through the
        database by every worker and server."""
        limits = default_windows(config)
        timeout = config.timeout
        seconds = sum(timeout) if isinstance(timeout, (tuple, list)) else float(timeout)
        return SharedRateLimiter(self.env.cr.dbname, limiter_key(config), limits.windows,
                                 max_in_flight=limits.max_in_flight, max_wait=config.max_wait,
                                 request_seconds=seconds, before_request=before_request,
                                 company_id=self.company_id.id or None)

    @api.constrains("provider", "base_url", "sandbox", "request_timeout", "rate_limit_per_minute")
    def _check_connection_settings(self):
        """Host, timeout and limits are checked by the connector on save, in
        its words, instead of failing later inside a cron run."""
        for rec in self:
            try:
                rec._connection_config().check()
            except ConnectorError as exc:
                raise ValidationError(_("%(conn)s: %(msg)s", conn=rec.display_name,
                                        msg=msgs.describe(self.env, exc))) from None

    def action_test_connection(self):
        check_action(self, MANAGER)
        self.ensure_one()
        # a test starts from the settings as typed: a data host or session learnt
        # before (even a bad one, e.g. a stored redirect) is asked again
        self._forget_learnt()
        try:
            facts = self._get_client().test_connection() or {}
        except ConnectorError as exc:
            self.write(dict(self._state_vals(exc), state="error"))
            return self._notify(_("Connection failed"), self.state_message, "danger")
        # a sentence (the connector's code), never a dump of keys
        stored = ({"code": facts["message_code"], "args": facts.get("message_params") or {}}
                  if facts.get("message_code") else {"code": "connection.accepted"})
        vals = dict(self._state_vals(stored), state="connected")
        if self.provider == "jurnal" and facts.get("company_id") and not self.jurnal_company_id:
            vals["jurnal_company_id"] = facts["company_id"]  # later tests refuse another company
        self.write(vals)
        self._close_problem("auth", _("The connection works again."))
        self.env["accounting.sync.job"]._trigger_worker()
        self.env["accounting.webhook.event"]._after_connection_test(self)
        return self._notify(_("Connection works"), self.state_message, "success")

    def action_fetch_remote_lists(self):
        """Read warehouses and accounts from the accounting system so the
        mappings are chosen from a list, not typed."""
        check_action(self, MANAGER)
        self.ensure_one()
        try:
            client = self._get_client()  # a stored host may already be refused here
            warehouses = client.list_warehouses()
            accounts = client.list_accounts()
            customers = client.list_customers()
        except ConnectorError as exc:
            raise UserError(_("Could not read the lists: %s", msgs.describe(self.env, exc))) from None
        Option = self.env["accounting.remote.option"]
        Option._sync_options(self, "warehouse", [
            {"code": w.get("name") or str(w.get("id")), "name": w.get("name") or "",
             "remote_id": str(w.get("id") or "")}
            for w in warehouses])
        Option._sync_options(self, "account", [
            {"code": a.get("number") or str(a.get("id")), "remote_id": str(a.get("id") or ""),
             "name": a.get("name") or "", "account_type": a.get("type") or ""}
            for a in accounts])
        Option._sync_options(self, "customer", [
            {"code": c.get("number") or str(c.get("id")), "remote_id": str(c.get("id") or ""),
             "name": c.get("name") or ""}
            for c in customers])
        self.lists_fetched_at = fields.Datetime.now()
        return self._notify(_("Lists fetched"), _(
            "%(w)s warehouses, %(a)s accounts and %(c)s customers are now offered in the mappings.",
            w=len(warehouses), a=len(accounts), c=len(customers)), "success")

