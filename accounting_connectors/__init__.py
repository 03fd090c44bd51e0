"""Plain-Python connectors for Accurate Online and Jurnal.

Never imports ``odoo``: the Odoo addon builds the provider-neutral documents of
:mod:`accounting_connectors.documents` and hands them to a client made by
:func:`accounting_connectors.client.make_client`.
"""

__version__ = "18.0.1.0.0"
