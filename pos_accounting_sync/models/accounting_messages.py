"""The catalogue of every sentence the sync stores about a document or a
connection, keyed by a stable code, and its rendering in the reader's
language.

A failure is stored as a message, ``{"code": ..., "args": {...}}`` (or
``{"text": ...}`` for a sentence that came without a code), never as a
sentence in the language of whoever wrote it (the worker runs as the
system). It is rendered when read: :func:`render` translates the code's
English source through ``i18n/<lang>.po`` into the reader's language and
fills in the arguments; an argument may itself be a message, or a selection
value (``{"field": [model, field, value]}``) shown with its label.

The connector layer (``accounting_connectors``, which never imports Odoo)
says the same sentences in English from ``accounting_connectors.messages``;
:data:`CONNECTOR_MESSAGES` (``accounting_messages_connector.py``) repeats them so that Odoo extracts and
translates them (a test checks both sides agree). What a provider said is
an argument (and the job's ``provider_message``), shown as it came.
"""

import logging
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from accounting_connectors import messages as connector_messages
from accounting_connectors.errors import ConnectorError

from .accounting_messages_connector import CONNECTOR_MESSAGES

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

#: the argument key of a sentence with a single ``%s``
POSITIONAL = "_"


#: the addon's own sentences
ADDON_MESSAGES = {
    "job.settlement_undone": _lt("The settlement was undone in Odoo before this receipt was sent."),
    "job.payment_undone": _lt("The payment was undone in Odoo before this receipt was sent."),
    "job.move_undone": _lt("%(move)s was reset to draft or cancelled in Odoo before this document was sent."),
    "job.not_live": _lt(
        "Jurnal is not in live mode yet: nothing is posted to %(conn)s until an administrator turns live mode "
        "on (Accounting Sync > Connections)."),
    "job.mapping_broken": _lt(
        "%(problem)s This document was not sent; it goes out by itself once the mapping is fixed."),
    "job.product_unpostable": _lt("The product “%(product)s” cannot be sent: %(why)s. Fix it, then press Retry."),
    "job.requeued_fixed": _lt("Queued again by itself: %(what)s was changed."),
    "job.requeued_fixed_cause": _lt("Queued again by itself: its cause was changed."),
    "job.doc": _lt("%(kind)s %(ref)s"),
    "job.record_gone": _lt("The Odoo record %(name)s (%(model)s) no longer exists."),
    "job.build_failed": _lt("Could not prepare the document: %(error)s"),
    "job.nothing_to_send": _lt("%(name)s has nothing to send."),
    "job.unexpected": _lt("Unexpected error while sending: %(error)s"),
    "job.duplicate_not_found": _lt(
        "%(msg)s The document with our reference %(ref)s could not be found there to link it; check it in "
        "the accounting system, then cancel this line."),
    "job.adopted": _lt(
        "The accounting system already had this document (%(why)s); it was linked, not posted again."),
    "job.posted_not_recorded": _lt("Posted as %(num)s, but Odoo could not record it: %(err)s"),
    "job.gave_up": _lt("Gave up after %(n)s attempts. Last error: %(msg)s"),
    "job.waits_for": _lt("Waits for %(doc)s, which has not gone out (%(state)s)."),
    "job.orphaned": _lt(
        "The sync stopped while sending this document. It is looked up in the accounting system before "
        "being sent again."),
    "job.paused_auth": _lt("Paused: the connection's credentials were refused; sent once they are fixed."),
    "job.paused_until": _lt("Paused until %(when)s: the monthly API quota is used up."),
    "job.paused_inactive": _lt("Paused: the connection is archived."),
    "job.paused_not_tested": _lt(
        "Waiting: the connection %(conn)s is not tested (its host or credentials changed, or the last test "
        "failed). Nothing is sent until an administrator presses Test connection."),
    "job.foreign_company": _lt(
        "The Odoo record %(model)s #%(id)s does not belong to %(company)s, the company of %(conn)s: nothing "
        "was read from it or sent."),
    "job.foreign_company_via": _lt(
        "The %(field)s of the Odoo record %(model)s #%(id)s does not belong to %(company)s, the company of "
        "%(conn)s: nothing was read from it or sent."),
    "problem.failed": _lt(
        "Some documents could not be sent to %(conn)s, e.g. %(doc)s: %(msg)s Open Point of Sale > Accounting "
        "Sync > Sync Log, filter Failed, fix and Retry."),
    "problem.auth": _lt(
        "%(conn)s refused our credentials: %(msg)s Fix them on the connection and press Test connection; "
        "queued documents then go out."),
    "problem.quota": _lt(
        "%(conn)s answered that the monthly API quota of its plan is used up: %(msg)s Nothing is sent to it "
        "until %(until)s; queued documents go out then. To send them sooner, raise the plan's quota, then "
        "press Resume sync on the connection."),
    "problem.inbound_poll": _lt(
        "Odoo could not read the purchases of %(conn)s: %(msg)s The other connections were read; this one is "
        "read again at the next poll."),
    "problem.inbound_renew": _lt(
        "Odoo could not renew the webhook subscription of %(conn)s: %(msg)s Accurate stops sending purchases "
        "when it ends (%(end)s). It is tried again tomorrow; Test connection on the connection also renews it."),
    "connection.accepted": _lt("The credentials were accepted."),
    # raised while a document is built (see user_error)
    "pos.unknown_pos_document": _lt("Unknown POS document %s."),
    "pos.set_walk_customer_number": _lt("Set the walk-in customer number on the connection %s."),
    "pos.customer_account_sale": _lt("%(customer)s has no customer-account sale in %(origin)s any more."),
    "pos.invoiced_order": _lt("%(order)s is not an invoiced order of %(origin)s."),
    "pos.gift_card_ewallet_paid": _lt(
        "A gift card or eWallet paid back on a refund of %(origin)s cannot be posted yet; post it by hand in "
        "the accounting system."),
    "pos.product_carries_accounting_system": _lt(
        "The product “%(product)s” carries %(taxes)s; the accounting system receives one plain percentage tax "
        "per line."),
    "pos.products_posted_until_they": _lt(
        "These products cannot be posted until they have a unique internal reference (SKU): %s. Fix them "
        "(Products > Internal Reference), then press Retry."),
    "pos.discounts_lines_same_tax": _lt(
        "“%(line)s” (%(amount)s) discounts more than the lines with the same tax hold (%(base)s); the "
        "accounting system cannot post a negative line."),
    "pos.cash_difference": _lt("%s has no cash difference any more."),
    "pos.journal_tax_account": _lt(
        "%(conn)s posts sales as journal entries: choose the Tax Account of %(tax)s under Taxes on the "
        "connection (the account it is owed on in the accounting system). Then it goes out by itself."),
    "pos.journal_rounding_account": _lt(
        "The journal entry of %(origin)s is %(amount)s off from the money received (cash rounding, tax "
        "rounding): choose the Rounding Account on the connection %(conn)s. Then it goes out by itself."),
    "pos.cash_counted_at_close": _lt(
        "The cash counted at the close of %(session)s differs by %(amount)s; choose the Cash Difference "
        "Account on the connection %(conn)s, then press Retry."),
    "settlement.settlement_behind_undone_odoo": _lt(
        "The settlement behind %s was undone in Odoo; cancel this document."),
    "settlement.owes_nothing_invoices": _lt("%(partner)s owes nothing more on the invoices of %(session)s."),
    "settlement.receipt_undo_longer_sync": _lt("The receipt to undo for %s is no longer in the sync log."),
    "settlement.settlement_paid_into_journal": _lt(
        "The settlement was paid into the journal “%(journal)s”, but no payment method using that journal is "
        "mapped on %(conn)s. Map one under Payment Methods, then press Retry."),
    "stock.products_have_internal_reference": _lt(
        "These products have no internal reference (SKU), so the accounting system cannot know them: "
        "%(names)s. Set it and retry."),
    "stock.choose_transit_warehouse_connection": _lt(
        "Choose the transit warehouse on the connection %(conn)s: Jurnal moves goods between outlets through "
        "it."),
    "stock.choose_adjustment_account_connection": _lt("Choose the adjustment account on the connection %(conn)s."),
    "stock.nothing_sent_transit_goods": _lt(
        "Nothing sent to %(wh)s is in transit for these goods (the transfer out was made before the go-live "
        "date or from an unmapped warehouse)."),
    "stock.accurate_needs_destination_transfer": _lt(
        "Accurate needs the destination of the transfer out of %(wh)s; Odoo does not know it (send through a "
        "resupply route or to a mapped warehouse)."),
    "invoice.unknown_invoice_document": _lt("Unknown invoice document %s."),
    "invoice.only_invoices_company_currency": _lt(
        "%(move)s is in %(currency)s; only invoices in the company's currency (%(company)s) are posted. Post "
        "it by hand in the accounting system, then cancel this line."),
    "invoice.line_post": _lt("%s has no line to post."),
    "invoice.credit_note_already_posted": _lt(
        "The credit note %(move)s was already posted to %(conn)s as %(ref)s and was then reset or cancelled "
        "in Odoo. Delete that return in the accounting system by hand, then cancel this line."),
    "invoice.lines_sent_could_read": _lt(
        "The lines %(ref)s was sent with could not be read back when %(move)s was reset. Reverse %(ref)s by "
        "hand in the accounting system (a return of all of it), then cancel this line."),
    "invoice.longer_posted_document_queued": _lt(
        "%(move)s is no longer posted as it was when this document was queued; cancel this line."),
    "invoice.invoice_line_carries_accounting": _lt(
        "The invoice line “%(line)s” carries %(taxes)s; the accounting system receives one plain percentage "
        "tax per line."),
    "invoice.invoice_line_product_give": _lt(
        "The invoice line “%(line)s” has no product; give it one, or add its account to a line kind under "
        "Customer Invoices on %(conn)s, then press Retry."),
    "invoice.payment_behind_undone_odoo": _lt("The payment behind %s was undone in Odoo; cancel this document."),
    "invoice.payment_keeps_back_pays": _lt("The payment %(payment)s keeps back more than it pays on %(move)s."),
    "invoice.receipt_undo_longer_sync": _lt("The receipt to undo for %s is no longer in the sync log."),
    "product.no_sku": _lt("no internal reference"),
    "product.shared_sku": _lt("internal reference %s is used by another product"),
    "product.product_sent_fix_then": _lt(
        "The product “%(product)s” cannot be sent: %(why)s. Fix it, then press Retry."),
    "customer.customer_customer_document_must": _lt(
        "The customer “%(name)s” is not in %(conn)s yet: its customer document must go out first (see the "
        "Accounting Sync button on the customer)."),
    "mapping.tax_remote_tax_map": _lt(
        "The tax “%(tax)s” has no remote tax in %(conn)s. Map it under Accounting Sync > Connections > "
        "%(conn)s > Taxes (press Fetch lists first), then press Retry."),
    "mapping.payment_method_cash_bank": _lt(
        "The payment method “%(method)s” has no cash/bank account in %(conn)s. Map it under Accounting Sync > "
        "Connections > Payment Methods."),
    "mapping.payment_keeps_back_amount": _lt(
        "The payment keeps back an amount on the account “%(account)s”, which %(conn)s does not map. Add it "
        "to a line kind (e.g. Marketplace Fee) under Customer Invoices on the connection, then press Retry."),
    "mapping.payment_registered_journal_does": _lt(
        "The payment was registered on the journal “%(journal)s”, which %(conn)s does not map. Add it under "
        "Customer Invoices > Payment Journals, then press Retry."),
    "mapping.booked_does_map_pick": _lt(
        "“%(product)s” is booked to the %(account)s, which %(conn)s does not map. Pick it under Accounting "
        "Sync > Connections > %(conn)s > Accounts, then press Retry."),
    "payout.payment_method_needs_payouts": _lt(
        "The payment method %(method)s on %(conn)s needs %(what)s for its payouts. Set it under Connections > "
        "Payment Methods."),
    "tax.rate_differs_use_dpp": _lt(
        "The Odoo tax “%(tax)s” charges %(odoo)s%% of the price but the remote tax “%(remote)s” is %(rate)s%%. "
        "Since 2025 PPN is 12%% on a DPP of 11/12 of the price (11%% of the price): set its treatment to “PPN "
        "at DPP 11/12”, or pick a remote tax of %(odoo)s%%."),
    "tax.rate_differs_no_dpp": _lt(
        "The Odoo tax “%(tax)s” charges %(odoo)s%% of the price but the remote tax “%(remote)s” is %(rate)s%%, "
        "and %(conn)s has no DPP on its sales invoices (PPN 12%% on a DPP of 11/12 cannot be sent): pick, or "
        "create there, a remote tax of %(odoo)s%% (for PPN 2025 on non-luxury goods: PPN 11%%)."),
    "tax.rate_differs": _lt(
        "The Odoo tax “%(tax)s” is %(odoo)s%% but the remote tax “%(remote)s” is %(rate)s%%; the accounting "
        "system would book another amount. Pick a remote tax of %(odoo)s%%."),
    "tax.dpp_needs_higher_rate": _lt(
        "“PPN at DPP 11/12” applies the remote rate to part of the price: the remote tax “%(remote)s” "
        "(%(rate)s%%) must be above the Odoo tax “%(tax)s” (%(odoo)s%%). Pick the PPN 12%% record."),
    "tax.regional_needs_account": _lt(
        "The regional tax “%(tax)s” is owed on a liability account of its own: pick it in the Regional Tax "
        "Account column."),
    "tax.needs_remote_tax": _lt(
        "The tax “%(tax)s” needs a remote tax in %(conn)s (or the treatment “Regional tax”)."),
    "units.line_unit_not_item_unit": _lt(
        "“%(product)s” is sold in %(unit)s, which cannot be counted in %(item_unit)s, the unit of its item in "
        "the accounting system. Sell it in a unit of the same kind, then press Retry."),
    "customer.coretax_refused": _lt(
        "The customer “%(name)s” has the %(what)s %(value)s, which the tax office refuses: %(why)s. It is not "
        "sent. Correct it on the customer (or clear it for a buyer without one), then press Retry."),
    "coretax.reason_zeros": _lt("a number of zeros is a placeholder, not a tax number"),
    "coretax.reason_digits": _lt("it must be digits only"),
    "coretax.reason_length": _lt(
        "an NPWP or NIK has 16 digits (a legacy 15-digit NPWP only where Odoo's Indonesian check accepts it)"),
    # --- the accounting system's own rules: locked periods, approval (accounting_sync_job.py) ---
    "job.period_locked_wait": _lt(
        "Waiting: period locked. %(system)s's books are locked up to %(until)s, so this document waits for "
        "the accountant to reopen the period: it is tried again every day, or at once with Retry Locked "
        "Period on the connection. (%(msg)s)"),
    "job.period_locked_wait_undated": _lt(
        "Waiting: period locked. %(system)s's books are locked for this document's date, so it waits for "
        "the accountant to reopen the period: it is tried again every day, or at once with Retry Locked "
        "Period on the connection. (%(msg)s)"),
    "job.period_locked_moving": _lt(
        "Period locked: %(system)s's books are locked up to %(until)s. Sent again dated %(first)s, the first "
        "open day, with its own date in the memo. (%(msg)s)"),
    "job.moved_past_lock": _lt(
        "Posted dated %(first)s, the first open day after the period locked up to %(until)s; its own date "
        "%(date)s is in the memo."),
    "job.unapproved_wait": _lt("Waiting: approval. %(msg)s It is tried again in an hour."),
    "job.waits_approval": _lt(
        "Waits for %(doc)s, which %(system)s saved without approving it (%(status)s): approve it in "
        "%(system)s. It is checked again every hour and this document goes out once it is approved."),
    "job.period_locked_digest": _lt(
        "%(count)s document(s) wait: %(system)s's books are locked up to %(until)s. Reopen the period in "
        "%(system)s, then press Retry Locked Period on the connection; or choose “Post on the first open "
        "day” there."),
    "job.unapproved_digest": _lt(
        "%(count)s document(s) saved unapproved in %(system)s hold what depends on them: approve %(docs)s "
        "in %(system)s."),
    "problem.inbound_lapsed": _lt(
        "Accurate's webhook for %(conn)s went silent: %(count)s purchase document(s) changed in Accurate "
        "since %(since)s without any webhook (%(docs)s). Odoo read them itself, in order, and receives each "
        "once. Accurate ends a webhook subscription 7 days after its last renewal without a word (its portal "
        "may still say active). %(renewal)s"),
    "webhook.lapse_renewed": _lt(
        "Odoo renewed the subscription now; it ends on %(end)s. Should webhooks still not arrive, the webhook "
        "was registered by another application than this connection's (%(app)s): renew it there (Accurate "
        "Area Developer > Aplikasi > that application > Webhook > Renew) or give this connection an API "
        "token of that application."),
    "webhook.lapse_not_renewed": _lt(
        "Odoo could not renew it: %(msg)s Renew it from the application that registered the webhook "
        "(Accurate Area Developer > Aplikasi > that application > Webhook > Renew), or give this connection "
        "an API token of that application, then press Test connection. Until then Odoo reads Accurate's "
        "changes every hour."),
    "job.master_resent": _lt(
        "%(msg)s The accounting system no longer had %(names)s: sent again, and this document is sent again "
        "once."),
    "job.master_unknown": _lt(
        "%(msg)s It names %(names)s, which Odoo sent before: the accounting system no longer has it (deleted "
        "there, or another database). Resend it (Resend to the accounting system, in the Action menu of the "
        "product or contact), then press Retry."),
    "job.master_sent_again": _lt("Sent again: the accounting system no longer had %(what)s (%(why)s)."),
}
#: the reconciliation's causes, stored as codes and read in the reader's language
ADDON_MESSAGES.update({
    "recon.posted_twice": _lt("%(refs)s is in %(system)s more than once."),
    "recon.doc_reason": _lt("%(doc)s: %(reason)s"),
    "recon.nothing_queued": _lt("Nothing was queued for %(sessions)s."),
    "recon.waiting": _lt("Waiting to be sent: %(docs)s."),
    "recon.no_document": _lt("No document was queued for this day."),
    "recon.deleted": _lt("Deleted in %(system)s: %(docs)s."),
    "recon.edited": _lt("Changed in %(system)s after Odoo posted it: %(docs)s."),
    "recon.late_orders": _lt(
        "Orders that reached Odoo after their shift was closed, each posted on its own and dated on the day it "
        "was taken: %(orders)s."),
    "recon.late_order": _lt(
        "%(order)s (taken on %(day)s, reached Odoo in %(session)s; posted on its own, dated %(day)s)"),
    "recon.late_order_shift": _lt(
        "%(order)s (taken on %(day)s in %(shift)s, reached Odoo in %(session)s; posted on its own, dated %(day)s)"),
    "recon.stock_not_sent": _lt(
        "The stock Odoo held before going live was never sent (Odoo %(odoo)s, %(wh)s %(remote)s): post the "
        "opening balances (the connection's Opening balances), then compare again."),
    "recon.stock_no_document": _lt(
        "Odoo sent no stock document of this item since the opening balances; the quantity was changed in the "
        "accounting system."),
    "recon.stock_changed_docs": _lt(
        "Every stock document of the item went out (%(docs)s); the remote quantity was changed there."),
    "recon.sync_log_documents": _lt("Documents in the sync log: %(docs)s."),
    "recon.unexplained": _lt("Every document is there once and unchanged; check Odoo's figures."),
    "recon.stock_changed": _lt(
        "Every stock document of the item went out; the remote quantity was changed there."),
})
#: the mapping check's sentences (accounting_mapping_health.py), read in the reader's language
ADDON_MESSAGES.update({
    "health.outlet_unmapped": _lt(
        "The outlet “%(outlet)s” is selling but is mapped on no connection: its sales are not sent "
        "to the accounting system. Map it under %(conn)s > Outlets."),
    "health.payment_unmapped": _lt(
        "The payment method “%(method)s” is used by %(outlets)s but has no cash/bank account in "
        "%(conn)s: its receipts would fail."),
    "health.the_outlets": _lt("the outlets"),
    "health.tax_unmapped": _lt(
        "The tax “%(tax)s” is charged in the mapped outlets but has no remote tax in %(conn)s: "
        "the invoices that carry it would fail."),
    "health.tax_account_unmapped": _lt(
        "The tax “%(tax)s” is charged in the mapped outlets but has no Tax Account in %(conn)s, which posts "
        "sales as journal entries: the day's journal entry would fail."),
    "health.why_journal_sales": _lt("sales post as journal entries: goods are booked to this account"),
    "health.warehouse_unmapped": _lt(
        "The warehouse “%(wh)s” moves goods but is not mapped in %(conn)s: its transfers and "
        "counts are not sent."),
    "health.why_rounding": _lt("the outlets round cash totals"),
    "health.why_taxed_rounding": _lt(
        "the outlets sell taxed products: the tax rounded per line may differ from the document's by a rupiah, "
        "booked on that account"),
    "health.why_cash_count": _lt("the outlets count their cash at closing"),
    "health.why_refund_receivable": _lt("a refund paid out of the till is booked against the customers' receivable"),
    "health.why_tips": _lt("%(outlets)s take tips"),
    "health.why_services": _lt("the outlets sell services without an internal reference (%(names)s)"),
    "health.why_gift_cards": _lt("the outlets sell gift cards or eWallet top-ups (%(names)s)"),
    "health.walkin_missing": _lt(
        "No walk-in customer is chosen on %(conn)s: every sale without a customer would fail. Press Fetch lists, "
        "then pick the Walk-in Customer (often “Umum”) on the connection."),
    "health.walkin_gone": _lt(
        "The walk-in customer %(ref)s chosen on %(conn)s does not exist in %(system)s: every sale without a "
        "customer would be refused. Press Fetch lists and pick an existing customer as Walk-in Customer, or "
        "create %(ref)s in %(system)s."),
    "health.why_counts": _lt("stock counts are sent"),
    "health.why_transit": _lt("transfers between warehouses go through transit"),
    "health.account_unmapped": _lt("%(field)s is not mapped in %(conn)s, but %(why)s."),
    "health.kind_account": _lt("account"),
    "health.kind_warehouse": _lt("warehouse"),
    "health.kind_tax": _lt("tax"),
    "health.gone_remotely": _lt(
        "The %(label)s %(code)s mapped for %(what)s no longer exists in %(system)s (deleted or "
        "renamed there): pick its current %(label)s."),
})

MESSAGES = dict(CONNECTOR_MESSAGES, **ADDON_MESSAGES)


def message(code, **args):
    """A stored message: ``code`` of :data:`MESSAGES` and its arguments
    (plain values, messages, or ``field(...)`` selection values)."""
    return {"code": code, "args": args}


def stored_message(code, args, note):
    """The message a record stores in a code, its arguments and a note
    (the note when there is no code)."""
    return {"code": code, "args": args or {}} if code else (note or None)


def field_value(model, field, value):
    """An argument shown as the label of a selection value."""
    return {"field": [model, field, value]}


def field_label(model, field):
    """An argument shown as a field's label (``string``) in the reader's language."""
    return {"label": [model, field]}


def _plain(value):
    """``value`` as JSON can store it (Decimals and dates as text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def from_exception(exc):
    """The stored message of an exception: a connector error's code and
    parameters, or the text of anything else (an Odoo UserError raised with
    ``_()`` is already in the language of whoever raised it)."""
    if isinstance(exc, ConnectorError):
        if exc.code:
            return {"code": exc.code, "args": _plain(exc.params)}
        return {"text": exc.message}
    stored = getattr(exc, "accounting_message", None)
    if stored:
        return stored
    return {"text": exc.args[0] if getattr(exc, "args", None) else str(exc)}


def render(env, stored, lang=None):
    """``stored`` (a message, a plain text or None) as a sentence in
    ``lang`` (default: ``env.lang``, else the user's: the reader's). Never raises: an
    unknown code falls back to the connector's English, a sentence missing
    an argument shows its template."""
    if not stored:
        return ""
    if isinstance(stored, str):
        return stored
    if isinstance(stored, list):  # several sentences, one a line
        return "\n".join(filter(None, (render(env, item, lang) for item in stored)))
    # a reader without a language in the context (an RPC call) reads their own
    lang = lang or env.lang or env.user.lang or "en_US"
    if "text" in stored:
        return stored["text"] or ""
    if "label" in stored:  # a field's label: {"label": [model, field]}
        model, name = stored["label"]
        field = env[model]._fields.get(name) if model in env else None
        lang_env = env(context=dict(env.context, lang=lang))
        return field.get_description(lang_env)["string"] if field is not None else name
    if "field" in stored:
        model, name, value = stored["field"]
        field = env[model]._fields.get(name) if model in env else None
        if field is None:
            return str(value)
        labels = dict(field._description_selection(env(context=dict(env.context, lang=lang))))
        return labels.get(value, str(value))
    code, args = stored.get("code"), stored.get("args") or {}
    # a list argument names several things: "a, b"
    args = {key: ", ".join(render(env, item, lang) if isinstance(item, (dict, str)) else str(item)
                           for item in value) if isinstance(value, list)
            else render(env, value, lang) if isinstance(value, dict) else value for key, value in args.items()}
    if set(args) == {POSITIONAL}:
        # a sentence with one ``%s``: its single argument
        args = args[POSITIONAL]
    source = MESSAGES.get(code)
    if source is None:
        _logger.warning("accounting sync: no translatable sentence for message code %r", code)
        return connector_messages.render(code, args) or code or ""
    template = env(context=dict(env.context, lang=lang))._(source)
    try:
        return template % args
    except (KeyError, TypeError, ValueError):
        return template


def user_error(env, code, *positional, cls=None, causes=None, **args):
    """The exception to raise for the sentence ``code`` of :data:`MESSAGES`:
    its text in ``env``'s language (the user who acts reads it at once),
    and its message (``accounting_message``) stored when the worker fails on
    it, rendered later in the reader's language. ``positional``: the single
    argument of a sentence with one ``%s``. ``cls``: the exception class
    (``UserError``); ``causes``: the records to fix (see
    ``tools/sync_causes.py``)."""
    if positional:
        args = {POSITIONAL: positional[0]}
    stored = message(code, **_plain(args))
    exc = (cls or UserError)(render(env, stored))
    exc.accounting_message = stored
    if causes is not None:
        exc.causes = causes
    return exc


def describe(env, exc):
    """The error ``exc`` as a sentence in ``env``'s language (the user who
    is acting reads it at once: a button's answer, a refused setting)."""
    return render(env, from_exception(exc))
