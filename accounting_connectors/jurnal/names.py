"""Name resolution for Jurnal, which takes names where we hold references:
account numbers become account names (or ids for ids-only fields),
customer references display names, SKUs product records; lines booked to
an account travel as a non-stock product made once. Per-client caches
(``_accounts``, ``_people``, ``_products``). Mixed into
:class:`.client.JurnalClient`.
"""


from ..documents import Item, account_item_ref
from ..errors import ValidationError

#: options holding an account (number, name or id, as picked in Odoo) that
#: Jurnal takes by NAME: resolved through the chart before use
ACCOUNT_OPTIONS = ("ar_account_name", "ap_account_name", "sell_account_name", "buy_account_name",
                   "inventory_account_name")
#: above this many SKUs to resolve, read the whole product list instead
PRODUCT_LOOKUPS = 5


class JurnalNames:
    """Mixed into :class:`.client.JurnalClient`."""

    def _named_options(self):
        """The options with every account option as the NAME Jurnal takes."""
        options = dict(self.options)
        for key in ACCOUNT_OPTIONS:
            if options.get(key):
                options[key] = self._account_name(options[key])
        return options

    def _product_options(self, doc):
        options = self._named_options()
        if getattr(doc, "sales_account", ""):  # an account item sells to its account
            options["sell_account_name"] = self._account_name(doc.sales_account)
        return options

    def _invoice_options(self, doc):
        options = dict(self.options)
        if doc.rounding_amount:
            if doc.rounding_amount > 0 and doc.rounding_account:
                options["rounding_item_code"] = self._account_item(doc.rounding_account, "Rounding")
            options["rounding_account_name"] = doc.rounding_account and self._account_name(doc.rounding_account)
        if doc.prepaid_amount and doc.prepaid_account:
            options["prepaid_account_name"] = self._account_name(doc.prepaid_account)
        return self._deduction_option(options, doc.reference, doc.deductions)

    def _receipt_options(self, doc):
        deductions = [d for line in doc.lines for d in line.deductions]
        return self._deduction_option(dict(self.options), doc.reference, deductions)

    def _deduction_option(self, options, reference, deductions):
        """Jurnal takes amounts kept off an invoice or a payment as its one
        withholding (``witholding_account_name``, a NAME): every deduction
        of a document must share one account."""
        accounts = sorted({d.account for d in deductions})
        if len(accounts) > 1:
            raise ValidationError(code="jurnal.deduction_accounts",
                                  params={"ref": reference, "accounts": ", ".join(accounts)})
        if accounts:
            options["deduction_account_name"] = self._account_name(accounts[0])
        return options

    def _ensure_account_items(self, lines):
        for line in lines:
            if getattr(line, "account", ""):
                self._account_item(line.account, line.description)

    def _account_item(self, account, label):
        """The code of the non-stock product selling to ``account`` (created
        once, found by code after): how a Jurnal invoice carries an account line."""
        code = account_item_ref(account)
        try:
            self._product(code)
        except ValidationError:
            name = "%s (%s)" % (label or "POS", self._account_name(account))
            self.post(Item(reference=code, name=name[:100], item_type="service", sales_account=account))
            self._products.pop(code, None)
        return code

    def _customer_options(self):
        """A customer's A/R and A/P accounts (batch_create requires them):
        the connection's, else the chart's first receivable/payable account."""
        options = self._named_options()
        for key, word in (("ar_account_name", "receivable"), ("ap_account_name", "payable")):
            if not options.get(key):
                options[key] = next((a["name"] for a in self.list_accounts()
                                     if word in (a["type"] or "").lower()), None)
        return options

    def _account_name(self, value):
        """Our mappings hold account numbers; Jurnal transactions take names."""
        for acc in self.list_accounts():
            if value and value in (acc["number"], acc["name"], acc["id"]):
                return acc["name"]
        return value  # let Jurnal say it does not know it

    def _account_id(self, value):
        """Jurnal's id of an account given by number, name or id (ids-only fields)."""
        for acc in self.list_accounts():
            if value and value in (acc["number"], acc["name"], acc["id"]):
                return acc["id"]
        raise ValidationError(code="jurnal.no_account", params={"name": value})

    def forget_master(self, kind, reference):
        (self._products if kind == "item" else self._people).pop(reference, None)

    def _person_name(self, reference):
        if not reference:
            raise ValidationError(code="jurnal.no_customer_named")
        if reference not in self._people:
            found = self.find("customer", reference)
            self._people[reference] = found.data.get("display_name") if found else reference
        return self._people[reference]

    def _product(self, sku):
        if sku not in self._products:
            found = self.find("item", sku)
            if not found:  # made by hand in Jurnal: match its product code
                for rec in self._pages("products", page_size=1000):
                    if rec.get("product_code"):
                        self._products.setdefault(rec["product_code"], rec)
                if sku not in self._products:
                    raise ValidationError(code="jurnal.no_product", params={"sku": sku})
            else:
                self._products[sku] = found.data
        return self._products[sku]

    def _product_names(self, lines):
        """SKU -> Jurnal product name. Many unknown SKUs (a stock count) are
        read from the product list in pages of 1,000, not one look-up each:
        Jurnal allows 40 requests a minute."""
        missing = {line.item_ref for line in lines} - set(self._products)
        if len(missing) > PRODUCT_LOOKUPS:
            for rec in self._pages("products", page_size=1000):
                for key in (rec.get("custom_id"), rec.get("product_code")):
                    if key in missing and key not in self._products:
                        self._products[key] = rec
        return {line.item_ref: self._product(line.item_ref)["name"] for line in lines}
