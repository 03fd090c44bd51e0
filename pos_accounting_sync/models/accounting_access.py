"""Who may press what. Every action method of the addon calls
:func:`check_action` on its first line, so an action refused by the view
(a button shown to one group) is refused over RPC as well."""

from odoo.exceptions import AccessError

USER = "pos_accounting_sync.group_accounting_sync_user"
MANAGER = "pos_accounting_sync.group_accounting_sync_manager"


def check_action(records, group=USER):
    """Refuse the current user an action on ``records`` (a recordset, empty
    for a model-level action) unless they are in ``group`` (an XML id:
    :data:`USER` or :data:`MANAGER`) and may read ``records`` (access
    rights and record rules). Raises :class:`AccessError` (a sentence in
    the user's language); returns None. The engine's own calls (superuser
    mode) pass: they act for the system, never for a request."""
    env = records.env
    if env.su:
        return
    if not env.user.has_group(group):
        if group == MANAGER:
            raise AccessError(env._("Only an Accounting Sync administrator may do this."))
        raise AccessError(env._("Only an Accounting Sync user may do this."))
    records.check_access("read")
