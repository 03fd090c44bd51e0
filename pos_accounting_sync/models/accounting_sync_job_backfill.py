"""The worker feeds the running backfills when its queue runs dry, so the
next past record is queued the moment the previous one has gone out (no
wait for the backfill's cron between two records)."""

import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class AccountingSyncJobBackfill(models.Model):
    _inherit = "accounting.sync.job"

    @api.model
    def _claim_next(self, connection, run, commit):
        job = super()._claim_next(connection, run, commit)
        if not job and self._feed_backfills(commit):
            job = super()._claim_next(connection, run, commit)
        return job

    @api.model
    def _feed_backfills(self, commit):
        """Feed the backfills; True when something was queued. A failing
        one is logged and never stops the worker."""
        try:
            return self.env["accounting.backfill"]._feed(commit)
        except Exception:  # noqa: BLE001 - queued documents of every company still go out
            if not commit:  # a test's single transaction: its error is the test's to see
                raise
            _logger.exception("accounting sync: feeding the backfills failed; the worker goes on")
            self.env.cr.rollback()
            return False
