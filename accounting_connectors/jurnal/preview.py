"""Jurnal's name look-ups answered offline while a post is previewed
(:mod:`..preview`): accounts from the chart the caller passes (Odoo's
fetched list), customers and products as ``<customer REF in Jurnal>``
placeholders (their Jurnal names are read only when sending), account items
by their code, never created. Mixed into :class:`.client.JurnalClient`
ahead of :class:`.names.JurnalNames`; outside a preview each call is the
normal one."""

from ..documents import account_item_ref
from ..preview import REMOTE_NAME, NeedsRemote


def _placeholder(what, value):
    return REMOTE_NAME % (what, value, "Jurnal")


class JurnalPreview:
    _previewing = False
    _preview_accounts = None

    def _preview_account(self, value):
        for acc in self._preview_accounts or ():
            if value and value in (acc.get("number"), acc.get("name"), acc.get("id")):
                return acc
        return None

    def list_accounts(self):
        if self._previewing:
            return list(self._preview_accounts or ())
        return super().list_accounts()

    def _account_name(self, value):
        if self._previewing:
            acc = self._preview_account(value)
            return acc["name"] if acc else _placeholder("account", value)
        return super()._account_name(value)

    def _account_id(self, value):
        if self._previewing:
            acc = self._preview_account(value)
            return acc["id"] if acc else _placeholder("id of account", value)
        return super()._account_id(value)

    def _person_name(self, reference):
        if self._previewing and reference:
            return self._people.get(reference) or _placeholder("customer", reference)
        return super()._person_name(reference)

    def _product(self, sku):
        if self._previewing:
            return self._products.get(sku) or {"id": _placeholder("id of product", sku),
                                               "name": _placeholder("product", sku), "product_code": sku}
        return super()._product(sku)

    def _product_names(self, lines):
        if self._previewing:
            return {line.item_ref: self._product(line.item_ref)["name"] for line in lines}
        return super()._product_names(lines)

    def _account_item(self, account, label):
        if self._previewing:
            return account_item_ref(account)
        return super()._account_item(account, label)

    def find(self, kind, reference, parent=None):
        if self._previewing:
            raise NeedsRemote("the %s %s" % (kind.replace("_", " "), reference))
        return super().find(kind, reference, parent)
