"""Mapping health: one row per thing that will make documents fail (an
outlet, payment method, tax, warehouse or account in use and unmapped; a
mapped remote code that no longer exists remotely), with a plain sentence,
a link to fix it and the pending documents it would break. The check that
fills it is ``accounting_mapping_health_check.py``; the worker reads the
last result before it sends anything
(``accounting.sync.job._fail_on_mapping_health``)."""

import dataclasses

from odoo import _, api, fields, models


from ..tools.sync_causes import remote_token
from .accounting_access import MANAGER, USER, check_action

CATEGORIES = [
    ("outlet", "Outlet"),
    ("payment", "Payment Method"),
    ("tax", "Tax"),
    ("warehouse", "Warehouse"),
    ("account", "Account"),
]
PROBLEMS = [
    ("unmapped", "Not mapped"),
    ("missing_remote", "No longer in the accounting system"),
]
#: Jurnal reads these connection accounts through client options, not the
#: documents: the job kinds that use each (the rest travel on the documents)
JURNAL_OPTION_KINDS = {
    "receivable_account": ("customer",),
    "payable_account": ("customer",),
    "sales_account": ("item",),
    "purchase_account": ("item",),
    "inventory_account": ("item",),
    "sales_return_account": ("sales_return",),
    "output_tax_account": ("sales_return",),
}
#: document fields holding a remote code, by kind of code
WAREHOUSE_FIELDS = ("warehouse", "other_warehouse", "transit_warehouse")


def document_codes(document):
    """``{(kind, code)}`` of the remote accounts, warehouses and taxes a
    connector document (any of ``accounting_connectors.documents``) names,
    read from its fields: ``*account`` (kind account), the warehouse fields,
    ``tax_code`` (kind tax), through its lines."""
    found = set()

    def walk(value):
        if dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                item = getattr(value, field.name)
                if isinstance(item, str) and item:
                    if field.name == "account" or field.name.endswith("_account"):
                        found.add(("account", item))
                    elif field.name in WAREHOUSE_FIELDS:
                        found.add(("warehouse", item))
                    elif field.name == "tax_code":
                        found.add(("tax", item))
                elif isinstance(item, (list, tuple)) or dataclasses.is_dataclass(item):
                    walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(document)
    return found


def code_kind(category):
    """The kind of remote code a health row's category maps to (an outlet maps a warehouse)."""
    return {"tax": "tax", "warehouse": "warehouse", "outlet": "warehouse"}.get(category, "account")


def breaks(row, job, codes):
    """Whether ``job``, whose document names ``codes`` (see
    :func:`document_codes`), fails because of the health ``row`` (a dict:
    problem, category, remote_code, field_name)."""
    if row["problem"] != "missing_remote":
        return False
    if (code_kind(row["category"]), row["remote_code"]) in codes:
        return True
    return job.connection_id.provider == "jurnal" and job.kind in JURNAL_OPTION_KINDS.get(row["field_name"], ())


class AccountingMappingHealth(models.Model):
    _name = "accounting.mapping.health"
    _description = "Accounting Sync Mapping Health"
    _order = "connection_id, problem desc, category, id"
    _rec_name = "message"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    category = fields.Selection(CATEGORIES, required=True, readonly=True)
    problem = fields.Selection(PROBLEMS, string="Found", required=True, readonly=True)
    message = fields.Text(string="Problem", required=True, readonly=True)
    res_model = fields.Char(string="Odoo Model", readonly=True)
    res_id = fields.Many2oneReference(string="Odoo Record", model_field="res_model", readonly=True)
    res_name = fields.Char(string="In Odoo", readonly=True)
    field_name = fields.Char(readonly=True, help="The connection's own field, for its accounts.")
    remote_code = fields.Char(readonly=True, help="The mapped code the accounting system no longer has.")
    fix_model = fields.Char(readonly=True)
    fix_res_id = fields.Integer(readonly=True)
    job_ids = fields.Many2many("accounting.sync.job", string="Documents It Would Break", readonly=True)
    job_count = fields.Integer(string="Documents", compute="_compute_job_count")
    checked_at = fields.Datetime(readonly=True)

    @api.depends("job_ids")
    def _compute_job_count(self):
        for row in self:
            row.job_count = len(row.job_ids)

    def _cause_tokens(self):
        """What a job failed by this row waits for (fixing either retries it)."""
        self.ensure_one()
        tokens = []
        if self.res_model and self.res_id:
            tokens.append("%s,%s" % (self.res_model, self.res_id))
        if self.problem == "missing_remote":
            tokens.append(remote_token(code_kind(self.category), self.remote_code))
        return tokens

    def _breaks(self, job, codes):
        """Whether ``job``, whose document names ``codes``, would fail because of this row."""
        self.ensure_one()
        return breaks(self.read(["problem", "category", "remote_code", "field_name"])[0], job, codes)

    # --- links ---------------------------------------------------------------------
    def action_open_fix(self):
        """Where the fix is made: the mapping line (new, or the one holding a
        vanished code), else the connection's own fields."""
        check_action(self, MANAGER)
        self.ensure_one()
        if self.fix_model and self.fix_model in self.env:
            context = {"default_connection_id": self.connection_id.id}
            if not self.fix_res_id and self.res_model:
                field = next((n for n, f in self.env[self.fix_model]._fields.items()
                              if f.type == "many2one" and f.comodel_name == self.res_model), None)
                if field:
                    context["default_" + field] = self.res_id
            return {"type": "ir.actions.act_window", "res_model": self.fix_model, "view_mode": "form",
                    "views": [(False, "form")], "res_id": self.fix_res_id or False, "target": "new",
                    "context": context, "name": self.message[:60]}
        return {"type": "ir.actions.act_window", "res_model": "accounting.connection", "view_mode": "form",
                "views": [(False, "form")], "res_id": self.connection_id.id, "target": "current"}

    def action_view_jobs(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        action.update(domain=[("id", "in", self.job_ids.ids)], context={"create": False},
                      name=_("Documents it would break"))
        return action
