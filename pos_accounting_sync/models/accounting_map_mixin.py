"""What the mapping models share: the connection and company of a line, its
unique keys explained in words (``accounting.unique.mixin``), and the remote
code picked from the lists fetched for the connection."""

from odoo import api, fields, models


def remote_choice(string, option_type, connection="connection_id", groups=None, help=None):
    """A pick from the lists fetched for the record's connection (``id`` on
    the connection itself); the code it holds is copied to a Char field.
    ``groups``: the account groups offered (see ``ACCOUNT_GROUPS``)."""
    # the pick reads as what it is, an entry of the fetched list (not "... Choice"); the Char keeps the plain label
    if string.endswith(" Choice"):
        string = string[:-len(" Choice")] + " (from List)"
    domain = "[('connection_id', '=', %s), ('option_type', '=', '%s')" % (connection, option_type)
    if groups:
        domain += ", ('account_group', 'in', %r)" % (list(groups),)
    return fields.Many2one("accounting.remote.option", string=string, domain=domain + "]", help=help)


def copy_chosen_code(records, fname):
    """Compute ``fname`` from its ``<fname>_option_id`` pick. The Char keeps
    the remote code (what documents use); the pick only fills it, so a code
    survives a later re-fetch of the lists."""
    for rec in records:
        option = rec[fname + "_option_id"]
        if option:
            rec[fname] = option.code
        elif not rec[fname]:
            rec[fname] = False


class AccountingMapMixin(models.AbstractModel):
    """A mapping line of a connection: an Odoo record -> a remote code. A
    model using it declares its ``<code>_option_id`` pick (``remote_choice``)
    and its ``<code>`` Char computed by ``_compute_remote_code``, and names
    the Char in ``_remote_code_field``."""

    _name = "accounting.map.mixin"
    _inherit = ["accounting.unique.mixin"]
    _description = "Accounting Sync Mapping Line"

    #: the Char that the ``<field>_option_id`` pick fills
    _remote_code_field = ""

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)

    @api.depends(lambda self: [self._remote_code_field + "_option_id"] if self._remote_code_field else [])
    def _compute_remote_code(self):
        copy_chosen_code(self, self._remote_code_field)
