from odoo import models
from odoo.osv import expression

from accounting_connectors.documents import Item

from ..tools.amounts import dec
from ..tools.item_units import item_code
from . import accounting_messages as msgs
from ..tools.sync_causes import SyncDataError

#: product fields a document is built from (a stock valuation's standard_price write retries nothing)
PRODUCT_FIELDS = ("default_code", "name", "barcode", "uom_id", "type", "is_storable", "active",
                  "lst_price", "list_price", "taxes_id")


class ProductProduct(models.Model):
    """Items are variants: each variant has its own internal reference (SKU),
    which is the item code in the accounting system."""

    _name = "product.product"
    _inherit = ["product.product", "accounting.sync.mixin"]

    # --- validity -----------------------------------------------------------------
    def _accounting_sku_problems(self):
        """``{product: reason}`` for products that cannot be items: no
        internal reference, or one shared with another active product."""
        return {product: msgs.render(self.env, problem)
                for product, problem in self._accounting_sku_problem_messages().items()}

    def _accounting_sku_problem_messages(self):
        """:meth:`_accounting_sku_problems` as stored messages (the worker
        stores them; each reader reads them in their language)."""
        problems = {}
        codes = {item_code(p) for p in self} - {""}
        shared = set()
        if codes:
            # " SUSU-01 " and "SUSU-01" are one item code: compare them normalised
            others = self.with_context(active_test=True).search(expression.AND([
                [("type", "!=", "combo")], expression.OR([[("default_code", "ilike", c)] for c in codes])]))
            counts = {}
            for other in others:
                counts[item_code(other)] = counts.get(item_code(other), 0) + 1
            shared = {code for code, count in counts.items() if count > 1}
        for product in self:
            code = item_code(product)
            if not code:
                problems[product] = msgs.message("product.no_sku")
            elif code in shared:
                problems[product] = msgs.message("product.shared_sku", **{msgs.POSITIONAL: code})
        return problems

    def _accounting_item_ref(self):
        """The job reference: the SKU itself (so a look-up in the accounting
        system finds it), or a placeholder that fails with a plain message."""
        self.ensure_one()
        # the placeholder names the product: it shows in what waits for it
        return item_code(self) or "NO-SKU/%s %s" % (self.id, self.display_name)

    # --- queueing -------------------------------------------------------------------
    def _accounting_enqueue_items(self, connection, chain="", pos_config=None):
        """Queue the items not sent yet (one search for the lot; sessions
        selling known products add no job)."""
        Job = self.env["accounting.sync.job"]
        products = self.filtered(lambda p: p.type != "combo")
        refs = {p: p._accounting_item_ref() for p in products}
        known = set(Job.sudo().search([("connection_id", "=", connection.id),
                                       ("reference", "in", list(refs.values()))]).mapped("reference"))
        jobs = Job
        for product, reference in refs.items():
            if reference not in known:
                known.add(reference)
                jobs |= Job._enqueue(connection, "item", product, reference, chain=chain,
                                     pos_config=pos_config, sequence=1)
        return jobs

    def write(self, vals):
        result = super().write(vals)
        # Only saved products, and never the worker's own writes: Odoo's
        # product form writes on new (unsaved) variants during its onchanges.
        products = self._accounting_saved()
        if not products or self.env.context.get("accounting_sync_done"):
            return result
        Job = self.env["accounting.sync.job"]
        if "default_code" in vals:
            # a new SKU is a new item code: items already sent go out again
            # under the new code so later sales find it
            sent = Job.sudo().search([("res_model", "=", "product.product"), ("res_id", "in", products.ids),
                                      ("kind", "=", "item"), ("state", "=", "done")])
            for connection in sent.connection_id:
                self.browse(sent.filtered(lambda j: j.connection_id == connection).mapped("res_id")) \
                    ._accounting_enqueue_items(connection)
        if set(vals) & set(PRODUCT_FIELDS):
            # what failed for this product's data is retried, on every connection
            products._accounting_requeue_fixed(products)
        return result

    def _accounting_saved(self):
        """These products without the new (unsaved) ones of a form."""
        return self.filtered("id")

    def _accounting_requeue_fixed(self, reason_records):
        """Put back the failed jobs these products caused, naming ``reason_records``."""
        if self:
            self.env["accounting.sync.job"]._requeue_fixed(
                self, reason=", ".join(filter(None, reason_records.mapped("display_name"))))

    # --- documents --------------------------------------------------------------------
    def _accounting_item_document(self, connection):
        self.ensure_one()
        problem = self._accounting_sku_problem_messages().get(self)
        if problem:
            # the product is the cause: fixing it retries the document by itself
            raise msgs.user_error(self.env, "product.product_sent_fix_then", product=self.display_name, why=problem,
                                  cls=SyncDataError, causes=self)
        previous = self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", connection.id), ("res_model", "=", self._name), ("res_id", "=", self.id),
            ("kind", "=", "item"), ("state", "=", "done"), ("reference", "=", item_code(self))],
            order="id desc", limit=1)
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        return Item(
            reference=item_code(self),
            # the code travels as the item number already: "[CODE] Name" would say it twice
            name=self.with_context(display_default_code=False).display_name,
            item_type="inventory" if self.is_storable else ("service" if self.type == "service" else "non_inventory"),
            unit=self.uom_id.name or "PCS",
            sale_price=dec(self.lst_price, price_digits),
            cost_price=dec(self.standard_price, price_digits),
            barcode=self.barcode or "",
            remote_id=previous.remote_id or "",
        )

    def _accounting_sync_document(self, job):
        return self._accounting_item_document(job.connection_id)
