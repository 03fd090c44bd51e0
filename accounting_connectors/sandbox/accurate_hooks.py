"""Test hooks of the Accurate imitation: moving the database's host
(answered 308 from the old one), expiring the session or access token,
revoking the API token, dumping the state, and purchases entered "by a
person" (created, edited, deleted, each announced by webhook), or only
announced (a delivery that comes early, late, or forged with the right URL). Mixed into
:class:`.accurate.AccurateApp` (uses its ``store`` and ``_notify``)."""

import re
import uuid

from .accurate_vocab import MODULES, Refused
from .base import Response

#: the purchase types a test may announce -> Accurate module
PURCHASE_MODULES = {"invoice": "purchase-invoice", "return": "purchase-return", "receipt": "receive-item"}


class AccurateHooksMixin:
    """Mixed into :class:`.accurate.AccurateApp`, before
    :class:`.base.ProviderApp` whose defaults these replace."""

    def move_host(self, new_host):
        self.data_host = new_host.rstrip("/")

    def expire_session(self):
        self.session = str(uuid.uuid4())

    def expire_access_token(self):
        self.access_token = "sandbox-access-" + uuid.uuid4().hex

    def revoke_api_token(self, revoked=True):
        self.api_token_revoked = revoked

    def lapse_webhook(self, days_ago=1):
        """The webhook subscription ended ``days_ago`` days ago: from now on
        deliveries stop silently until the owning application renews it."""
        self.webhook_expires_at = self.server.now() - days_ago * 86400

    def missing_document(self, request):
        """``detail.do`` of an id Accurate does not have (deleted, or never
        created): HTTP 200 with ``s`` false and "<document> tidak tepat"
        (accurate-notes 2, "record-not-found is HTTP 200 + tidak tepat")."""
        match = re.search(r"/accurate/api/([a-z-]+)/", request.path)
        module = match.group(1) if match and match.group(1) in MODULES else "purchase-invoice"
        text = Refused("not_found", module).text(request.headers.get("x-language-profile", "ID"))
        return Response(200, {"s": False, "d": [text]})

    def dump(self, kind=None):
        if kind == "stock":
            return self._stock()
        if kind == "customer_balance":
            return self.store.customer_balances()
        if kind == "account_money":
            return self.store.account_money()
        kinds = {k.replace("-", "_"): k for k in MODULES}
        if kind:
            module = kinds.get(kind)
            if module is None:
                return {"error": "unknown kind %r; one of %s" % (kind, ", ".join(sorted(kinds)))}
            return [self.store.view(module, r) for r in self.store.records[module].values()]
        out = {k: self.dump(k) for k in kinds}
        out["stock"] = self._stock()
        out["customer_balance"] = self.store.customer_balances()
        out["account_money"] = self.store.account_money()
        return out

    def _stock(self):
        out = {}
        for (item_no, warehouse), qty in sorted(self.store.stock.items()):
            out.setdefault(item_no, {})[warehouse] = qty
        return out

    def create_purchase(self, payload):
        """``type``: ``invoice`` (default), ``return`` or ``receipt`` (a
        receive-item: goods received without an invoice)."""
        module = {"return": "purchase-return", "receipt": "receive-item"}.get(
            (payload or {}).get("type"), "purchase-invoice")
        try:
            record = self.store.save(module, payload or {})
        except Refused as exc:
            return {"s": False, "d": [exc.text()]}
        self._notify(module, record)
        return self.store.view(module, record)

    def edit_purchase(self, remote_id, payload):
        try:
            module, record = self.store.edit_purchase(remote_id, payload)
        except Refused as exc:
            return {"s": False, "d": [exc.text()]}
        self._notify(module, record)
        return self.store.view(module, record)

    def announce_purchase(self, remote_id, payload):
        """Send the webhook Accurate sends for a purchase, whatever the
        sandbox holds: ``action`` WRITE (default) or DELETE, ``type``
        invoice (default), return or receipt, ``number`` optional. The
        answer names the envelope sent."""
        payload = payload or {}
        module = PURCHASE_MODULES.get(payload.get("type") or "invoice")
        action = payload.get("action") or "WRITE"
        if module is None or action not in ("WRITE", "DELETE") or not str(remote_id).isdigit():
            return {"error": "announce needs a numeric id, type invoice|return|receipt, action WRITE|DELETE"}
        record = {"id": int(remote_id), "number": str(payload.get("number") or "")}
        return {"s": True, "d": self._notify(module, record, action)}

    def delete_purchase(self, remote_id):
        try:
            module, record = self.store.delete_purchase(remote_id)
        except Refused as exc:
            return {"s": False, "d": [exc.text()]}
        self._notify(module, record, "DELETE")
        return {"s": True, "d": ["%s deleted" % record["number"]]}
