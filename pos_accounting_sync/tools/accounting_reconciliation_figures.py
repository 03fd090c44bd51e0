"""The figures a reconciliation puts side by side, per closed POS shift:

- **Odoo's**, from the shift's orders and payments (never from the sync
  log): sales and their tax, returns, money received per cash/bank account,
  what each customer-account customer was left owing;
- **the accounting system's**, from the documents its lists return (see
  ``list_sales_documents`` of the connectors), the documents being tied to
  the shift by our reference (the sync log says which reference belongs to
  which shift; the amounts are the remote ones).

Keys of both: ``(measure, subject)`` with measure ``sales``, ``tax``,
``returns``, ``money`` (subject: the remote cash/bank account) or
``customer`` (subject: the Odoo partner id). Amounts are Decimal.
"""

import re
from collections import defaultdict
from decimal import Decimal

from odoo.exceptions import UserError

from ..models import accounting_messages as msgs
from .amounts import money
from .pos_sales_lines import postable_lines

ZERO = Decimal(0)
#: which remote document kinds make each measure, and the sign they count with
MEASURE_KINDS = {"sales": ("sales_invoice",), "tax": ("sales_invoice",), "returns": ("sales_return",),
                 "money": ("sales_receipt",), "customer": ("sales_invoice", "sales_receipt", "sales_return")}
AR_PARTNER = re.compile(r"/AR/(\d+)(?:/|$)")


def shift_documents(connection, session):
    """The SalesDocuments of the shift and of its orders posted one by one."""
    out = [session._accounting_documents(connection)]
    orders = session._get_closed_orders()
    for order in session.env["pos.order"]._accounting_posted_alone(connection, orders):
        out.append(order._accounting_documents(connection))
    return [d for d in out if d.orders]


def odoo_figures(connection, session):
    """``({(measure, subject): Decimal}, problem or None)`` of a closed shift;
    ``problem`` says why a figure could not be computed (an unmapped payment
    method...), the figures computed so far being kept: the error's stored
    message (``models/accounting_messages.py``) when it has one, else its text."""
    currency = session.currency_id
    figures = defaultdict(lambda: ZERO)
    orders = session._get_closed_orders()
    for order in orders:
        lines = postable_lines(order.lines)
        sold = lines.filtered(lambda l: l.qty > 0)
        returned = lines.filtered(lambda l: l.qty < 0)
        if sold:
            # the cash rounding rides on the invoice (its rounding line)
            figures["sales", ""] += money(currency, sum(sold.mapped("price_subtotal_incl"))) + (
                money(currency, order.amount_paid) - money(currency, order.amount_total))
            figures["tax", ""] += money(currency, sum(sold.mapped("price_subtotal_incl"))) - money(
                currency, sum(sold.mapped("price_subtotal")))
        if returned:
            figures["returns", ""] -= money(currency, sum(returned.mapped("price_subtotal_incl")))
    problem = None
    for documents in shift_documents(connection, session):
        for partner in documents.by_customer:
            if partner:
                figures["customer", str(partner.id)] += documents.pay_later_due(partner)
        for kind, doc_key, _ref, _seq in documents.plan():
            if kind != "sales_receipt":
                continue
            try:
                receipt = documents.build(doc_key)
            except UserError as exc:
                # unmapped method: its money still counts, under the method's name
                # its stored message when it has one (read later in the reader's language)
                problem = getattr(exc, "accounting_message", None) or exc.args[0]
                method = session.env["pos.payment.method"].browse(int(doc_key.rpartition(":")[2]))
                paid = documents.orders.payment_ids.filtered(lambda p, m=method: p.payment_method_id == m)
                figures["money", method.name] += money(currency, sum(paid.mapped("amount")))
                continue
            figures["money", receipt.account] += receipt.amount
    return dict(figures), problem


def remote_figures(rows, account_key=lambda account: account):
    """``{(measure, subject): Decimal}`` of one shift's remote documents
    (rows of ``list_sales_documents``); ``account_key`` turns a receipt's
    remote account into the subject Odoo's figures use."""
    figures = defaultdict(lambda: ZERO)
    for row in rows:
        total = Decimal(str(row["total"]))
        partner = AR_PARTNER.search(row.get("reference") or row.get("invoice_ref") or "")
        if row["kind"] == "sales_invoice":
            figures["sales", ""] += total
            figures["tax", ""] += Decimal(str(row["tax"]))
        elif row["kind"] == "sales_return":
            figures["returns", ""] += total
        elif row["kind"] == "sales_receipt":
            figures["money", account_key(row.get("account") or "")] += total
        if partner:
            sign = 1 if row["kind"] == "sales_invoice" else -1
            figures["customer", partner.group(1)] += sign * total
    return dict(figures)


def failed_messages(jobs):
    """One stored message per job of ``jobs`` that did not go out: the
    document and its current reason (else its state)."""
    return [msgs.message("recon.doc_reason", doc=j._doc_message(), reason=(
        j._current_message() if (j.error_code or j.error_note)
        else msgs.field_value(j._name, "state", j.state))) for j in jobs]


def stock_cause(diff, opening_state):
    """``(cause, messages)`` of a stock difference ``diff`` (an
    ``accounting.stock.parity`` row: item, warehouse, quantities, the stock
    documents sent for them), naming the documents it is about; the
    sentences are stored messages (``models/accounting_messages.py``), read
    in each reader's language. ``opening_state``: the state of the
    connection's opening balances (``draft``, ``queued``, ``posted``, or ""
    when there are none)."""
    jobs = diff.job_ids
    bad = jobs.filtered(lambda j: j.state in ("failed", "blocked", "cancelled"))
    if bad:
        return "failed", failed_messages(bad)
    waiting = jobs.filtered(lambda j: j.state in ("pending", "running"))
    if waiting:
        return "not_posted", [msgs.message("recon.waiting", docs=[j._doc_message() for j in waiting])]
    if opening_state != "posted":
        return "stock_not_sent", [msgs.message(
            "recon.stock_not_sent", odoo=diff.odoo_quantity, wh=diff.remote_warehouse, remote=diff.remote_quantity)]
    if not jobs:
        return "changed_remotely", [msgs.message("recon.stock_no_document")]
    return "changed_remotely", [msgs.message("recon.stock_changed_docs", docs=[j._doc_message() for j in jobs])]


def unposted_sessions(connection, sessions):
    """The shifts of ``sessions`` of which the sync log holds no document at
    all on ``connection`` (any kind and state, the shift's own or its
    orders'): only those may be called "not queued"."""
    Job = connection.env["accounting.sync.job"].sudo()
    logged = Job.search([("connection_id", "=", connection.id),
                         "|", "&", ("res_model", "=", "pos.session"), ("res_id", "in", sessions.ids),
                         "&", ("res_model", "=", "pos.order"), ("res_id", "in", sessions.order_ids.ids)])
    done = {j.res_id for j in logged if j.res_model == "pos.session"}
    orders = {j.res_id for j in logged if j.res_model == "pos.order"}
    return sessions.filtered(lambda s: s.id not in done and not (set(s.order_ids.ids) & orders))


def name_documents(cause, messages, jobs, shift_jobs):
    """``(cause, messages)`` of a money row made to agree with the sync log:
    "not posted" only when the row's shifts have nothing logged or something
    still waiting (else the documents are there: "unexplained"), and the
    sentences (stored messages) name the documents it is about (the row's
    own, else the shifts')."""
    waiting = jobs.filtered(lambda j: j.state in ("pending", "running"))
    if cause == "not_posted" and shift_jobs and not waiting and not jobs:
        cause = "unexplained"
    messages = list(messages or [])
    named = msgs.render(jobs.env, messages)
    missing = (jobs or shift_jobs).filtered(lambda j: j.reference not in named)
    if missing:
        messages.append(msgs.message("recon.sync_log_documents", docs=[j._doc_message() for j in missing]))
    return cause, messages
