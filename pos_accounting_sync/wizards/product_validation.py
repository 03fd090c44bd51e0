from odoo import _, api, fields, models
from odoo.exceptions import UserError

from accounting_connectors.errors import ConnectorError

from ..models import accounting_messages as msgs
from ..models.accounting_access import MANAGER, check_action


class AccountingProductValidation(models.TransientModel):
    """Product validation (as iSeller's): of the products sold in the
    connection's mapped outlets, which can become items (unique internal
    reference) and which cannot; push the valid ones in bulk."""

    _name = "accounting.product.validation"
    _description = "Accounting Sync Product Validation"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade")
    product_ids = fields.Many2many("product.product", compute="_compute_products", string="Sold Products")
    # editable lists: a row opens the product, whose SKU is fixed there and
    # saved at once; the lists themselves are only ever recomputed
    missing_sku_ids = fields.Many2many("product.product", compute="_compute_products",
                                       inverse="_inverse_products", readonly=False,
                                       string="Without Internal Reference")
    duplicate_sku_ids = fields.Many2many("product.product", compute="_compute_products",
                                         inverse="_inverse_products", readonly=False,
                                         string="Sharing an Internal Reference")
    valid_ids = fields.Many2many("product.product", compute="_compute_products")
    to_push_ids = fields.Many2many("product.product", compute="_compute_products",
                                   inverse="_inverse_products", readonly=False,
                                   string="Valid, Not Sent Yet")
    product_count = fields.Integer(compute="_compute_products", string="Number Sold")
    missing_sku_count = fields.Integer(compute="_compute_products", string="Without SKU")
    duplicate_sku_count = fields.Integer(compute="_compute_products", string="Sharing a SKU")
    valid_count = fields.Integer(compute="_compute_products", string="Valid Products")
    to_push_count = fields.Integer(compute="_compute_products", string="Number to Send")
    # customers: a Coretax identity the tax office refuses (a zero or malformed NPWP) is never sent
    bad_identity_ids = fields.Many2many("res.partner", compute="_compute_customers",
                                        inverse="_inverse_products", readonly=False,
                                        string="Customers With a Refused Tax Number")
    bad_identity_count = fields.Integer(compute="_compute_customers", string="Refused Tax Numbers")
    bad_identity_text = fields.Text(compute="_compute_customers", string="Why")

    @api.depends("connection_id")
    def _compute_products(self):
        Product = self.env["product.product"]
        for wiz in self:
            products = wiz._sold_products()
            problems = products._accounting_sku_problems()
            missing = Product.union(*[p for p in problems if not (p.default_code or "").strip()])
            duplicate = Product.union(*problems) - missing
            valid = products - missing - duplicate
            to_push = valid - wiz._sent_products(valid)
            wiz.update({
                "product_ids": products, "missing_sku_ids": missing, "duplicate_sku_ids": duplicate,
                "valid_ids": valid, "to_push_ids": to_push, "product_count": len(products),
                "missing_sku_count": len(missing), "duplicate_sku_count": len(duplicate),
                "valid_count": len(valid), "to_push_count": len(to_push),
            })

    @api.depends("connection_id")
    def _compute_customers(self):
        for wiz in self:
            problems = {partner: partner._accounting_coretax_problem() for partner in wiz._customers()}
            problems = {partner: problem for partner, problem in problems.items() if problem}
            wiz.bad_identity_ids = self.env["res.partner"].union(*problems)
            wiz.bad_identity_count = len(problems)
            wiz.bad_identity_text = "\n".join(msgs.render(self.env, problem) for problem in problems.values())

    def _customers(self):
        """The customers this connection sends or is to send: those of its
        customer lines, and the named customers of its outlets' orders."""
        Partner = self.env["res.partner"]
        if not self.connection_id:
            return Partner
        ids = self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", self.connection_id.id), ("res_model", "=", "res.partner"),
            ("kind", "=", "customer"), ("state", "!=", "cancelled")]).mapped("res_id")
        configs = self.connection_id.outlet_map_ids.filtered("active").pos_config_id
        if configs:
            groups = self.env["pos.order"].sudo()._read_group(
                [("config_id", "in", configs.ids), ("partner_id", "!=", False)], ["partner_id"])
            ids += [partner.id for (partner,) in groups]
        return Partner.browse(sorted(set(ids))).exists()

    def _sold_products(self):
        configs = self.connection_id.outlet_map_ids.filtered("active").pos_config_id
        if not configs:
            return self.env["product.product"]
        groups = self.env["pos.order.line"].sudo()._read_group(
            [("order_id.config_id", "in", configs.ids), ("product_id.type", "!=", "combo")],
            ["product_id"])
        return self.env["product.product"].union(*[product for (product,) in groups])

    def _inverse_products(self):
        """Nothing to store: edits made in a row are saved on the product."""

    def _sent_products(self, products):
        """Those of ``products`` sent to this wizard's connection, or on their
        way (queued, failed or blocked: the sync log handles them): an item
        line of this connection under the product's current SKU, or a line of
        the product itself that went out, e.g. one queued before the product
        had its SKU and retried once it was given one (its reference is the
        placeholder, what it sent is the SKU)."""
        if not products:
            return products
        refs = {p: p._accounting_item_ref() for p in products}
        Job = self.env["accounting.sync.job"].sudo()
        base = [("connection_id", "=", self.connection_id.id), ("kind", "=", "item")]
        by_ref = set(Job.search(base + [("reference", "in", list(refs.values())),
                                        ("state", "!=", "cancelled")]).mapped("reference"))
        own = Job.search_read(base + [("res_model", "=", "product.product"), ("res_id", "in", products.ids),
                                      ("state", "=", "done")], ["res_id", "reference"])
        # a line of the product sent under an older SKU does not carry the current one
        placeholders = {row["res_id"] for row in own if row["reference"].startswith("NO-SKU/")}
        return products.filtered(lambda p: refs[p] in by_ref or p.id in placeholders)

    def action_refresh(self):
        check_action(self, MANAGER)
        return self._reopen()

    def action_push(self):
        """Create the valid, unsent products as items with one bulk call
        where the API has one. Each item still gets its sync-log line; what
        the bulk call could not save stays queued for the worker."""
        check_action(self, MANAGER)
        self.ensure_one()
        self.connection_id._check_live_mode()
        products = self.to_push_ids
        if not products:
            raise UserError(_("Every valid product is already in the accounting system."))
        conn = self.connection_id
        jobs = products._accounting_enqueue_items(conn)
        # the jobs are not committed yet, so no worker can pick them meanwhile
        jobs._set_running({"attempts": 1, "started_at": fields.Datetime.now()})
        documents = [self.env["product.product"].browse(job.res_id)._accounting_item_document(conn)
                     for job in jobs]
        try:
            results = conn._get_client().post_many(documents)
        except ConnectorError as exc:
            jobs._set_pending({"needs_lookup": True})
            raise UserError(_("The accounting system could not be reached: %s", msgs.describe(self.env, exc))) from None
        done = 0
        for job, result in zip(jobs, results, strict=True):
            if isinstance(result, Exception):
                # the worker retries it (and looks it up first if it may exist)
                job._set_pending({"needs_lookup": True, "error_message": getattr(result, "message", str(result))})
                continue
            job._set_done({"date_done": fields.Datetime.now(),
                           "remote_id": result.remote_id or False, "remote_number": result.number or False})
            done += 1
        self.env["accounting.sync.job"]._trigger_worker()
        return conn._notify(_("Products sent"), _(
            "%(done)s of %(total)s products are now items in %(conn)s; the others are in the sync log.",
            done=done, total=len(jobs), conn=conn.display_name), "success" if done == len(jobs) else "warning")

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": _("Product Validation")}

    @api.model
    def action_open(self, connection):
        check_action(self, MANAGER)
        return self.create({"connection_id": connection.id})._reopen()

    @api.model
    def action_open_from_menu(self):
        """From the Accounting Sync menu: the current company's first active
        connection (another one can be picked on the form)."""
        check_action(self, MANAGER)
        connection = self.env["accounting.connection"].search(
            [("company_id", "in", self.env.companies.ids)], limit=1)
        if not connection:
            raise UserError(_("Create a connection first (Accounting Sync → Connections)."))
        return self.action_open(connection)
