"""The morning digest: what failed, what is blocked and (when the
reconciliation report is installed) what differs, over the last day, as ONE
activity per connection and day for its responsible, with links; never one
notification per document. Credentials refused and a used-up quota still
raise their own activity at once (accounting_connection_problems.py): they
stop the whole connection."""

from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models

from ..tools.shop_time import local_date

#: a section lists this many lines, then links to the rest
DIGEST_LINES = 20


class AccountingConnectionDigest(models.Model):
    _inherit = "accounting.connection"

    @api.model
    def _cron_morning_digest(self):
        self._run_isolated(self.search([]), _("The morning digest"), lambda conn: conn._post_digest())

    def _digest_responsible(self):
        return self.user_id or self.company_id.partner_id.user_ids[:1] or self.env.ref("base.user_admin")

    def _digest_day(self, now):
        """The shop's calendar day at ``now`` (its first outlet's time zone, else the company's)."""
        return local_date(now, self.company_id, self.outlet_map_ids.pos_config_id[:1])

    def _digest_sections(self, since, day):
        """``[(title, [(label, url)], more_count, more_url)]`` of what needs the responsible."""
        self.ensure_one()
        Job = self.env["accounting.sync.job"].sudo()
        base = "/odoo/accounting.connection/%s/action-pos_accounting_sync.action_accounting_sync_job_problems" % self.id
        sections = []
        failed = Job.search([("connection_id", "=", self.id), ("state", "=", "failed"),
                             ("failed_at", ">=", since)], order="id")
        blocked = Job.search([("connection_id", "=", self.id), ("state", "=", "blocked"),
                              ("write_date", ">=", since)], order="id")
        older = Job.search_count([("connection_id", "=", self.id), ("state", "in", ("failed", "blocked")),
                                  ("id", "not in", (failed | blocked).ids)])
        for title, jobs in ((_("Failed"), failed), (_("Blocked"), blocked)):
            if jobs:
                lines = [("%s: %s" % (job.display_name, job.error_message or ""),
                          "/odoo/accounting.sync.job/%s" % job.id) for job in jobs[:DIGEST_LINES]]
                sections.append((title, lines, len(jobs) - len(lines), base))
        if older:
            sections.append((_("Still to fix from earlier days"), [], older, base))
        if hasattr(self, "_reconciliation_differences"):
            differences = [d for d in self._reconciliation_differences(day - timedelta(days=1), day - timedelta(days=1))
                           if d.connection_id == self]
            if differences:
                lines = [("%s %s: %s" % (d.date, d.display_name, self._digest_cause(d)),
                          "/odoo/%s/%s" % (d._name, d.id)) for d in differences[:DIGEST_LINES]]
                sections.append((_("Differences with the accounting system"), lines,
                                 len(differences) - len(lines), False))
        if self.health_count:
            sections.append((_("Mapping problems"), [(row.message, False) for row in self.health_ids[:DIGEST_LINES]],
                             max(self.health_count - DIGEST_LINES, 0), False))
        return sections

    @api.model
    def _digest_cause(self, line):
        """A reconciliation line's cause in words (its selection label)."""
        field = line._fields.get("cause")
        if field is not None and field.type == "selection":
            return dict(field._description_selection(line.env)).get(line.cause, line.cause or "")
        return line.cause or ""

    @api.model
    def _digest_note(self, sections):
        parts = []
        for title, lines, more, more_url in sections:
            parts.append(Markup("<p><b>%s</b></p>") % title)
            items = [Markup('<li><a href="%s">%s</a></li>') % (url, label) if url else
                     Markup("<li>%s</li>") % label for label, url in lines]
            if more:
                text = _("%(count)s more", count=more) if lines else _("%(count)s to fix", count=more)
                items.append(Markup('<li><a href="%s">%s</a></li>') % (more_url, text) if more_url
                             else Markup("<li>%s</li>") % text)
            parts.append(Markup("<ul>%s</ul>") % Markup("").join(items))
        return Markup("").join(parts)

    def _post_digest(self, now=None):
        """Post (or refresh) today's digest activity of this connection;
        returns it, or an empty recordset when there is nothing to say."""
        self.ensure_one()
        lang = self._digest_responsible().lang
        if lang and lang != self.env.lang:  # written in its reader's language, not the cron's
            return self.with_context(lang=lang)._post_digest(now)
        now = now or fields.Datetime.now()
        day = self._digest_day(now)
        activity_type = self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_digest")
        rec = self.sudo()
        open_digests = rec.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        sections = rec._digest_sections(now - timedelta(days=1), day)
        today = open_digests.filtered(lambda a: a.date_deadline == day)
        (open_digests - today).action_feedback(_("Replaced by the digest of %(day)s.", day=day))
        if not sections:
            if today:
                today.action_feedback(_("Nothing left to fix."))
            return self.env["mail.activity"]
        link = "/odoo/accounting.connection/%s/action-pos_accounting_sync.action_accounting_sync_job_problems" % rec.id
        note = self._digest_note(sections) + Markup('<p><a href="%s">%s</a> %s</p>') % (
            link, _("Open the documents to fix"), _(
                "Fix the cause in Odoo (a mapping, a product's SKU, a customer): what failed is sent again "
                "by itself."))
        if today:
            today[:1].note = note
            return today[:1]
        return rec.activity_schedule(
            activity_type_id=activity_type.id, date_deadline=day, note=note,
            summary=_("Accounting sync: to check on %(day)s", day=day),
            user_id=rec._digest_responsible().id)
