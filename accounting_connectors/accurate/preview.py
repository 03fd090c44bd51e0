"""Accurate while a post is previewed (:mod:`..preview`): the database host
is not discovered (the path is what matters), and the account items a line
needs are taken as made (their codes are fixed), never looked up or
created (``AccurateClient._host`` reads ``_previewing`` itself). Mixed
into :class:`.client.AccurateClient`; outside a preview each call is the
normal one."""

from ..preview import NeedsRemote


class AccuratePreview:
    _previewing = False
    _preview_accounts = None

    def _ensure_account_items(self, lines):
        if self._previewing:
            return
        super()._ensure_account_items(lines)

    def find(self, kind, reference, parent=None):
        if self._previewing:
            raise NeedsRemote("the %s %s" % (kind.replace("_", " "), reference))
        return super().find(kind, reference, parent)
