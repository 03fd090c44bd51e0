"""The figures a reconciliation puts side by side, per outlet and business
day (the closed POS shifts of one outlet whose documents are dated that day):

- **Odoo's**, from the shifts' orders and payments (never from the sync
  log): sales and their tax, returns, money received per cash/bank account,
  what each customer-account customer was left owing, and with sales posted
  as journal entries, each remote account of the walk-in sales' entry;
- **the accounting system's**, from the documents its lists return (see
  ``list_sales_documents`` of the connectors), the documents being tied to
  the shifts by our reference (the sync log says which reference belongs to
  which shift or outlet day; the amounts are the remote ones).

Keys of both: ``(measure, subject)`` with measure ``sales``, ``tax``,
``returns``, ``money`` (subject: the remote cash/bank account),
``customer`` (subject: the Odoo partner id) or ``journal`` (subject: the
remote account; the amount: its debits minus its credits on our POS sales
journal entries). Amounts are Decimal.

Whatever the posting granularity, each order counts once, on the day of
the documents that carry it: a shift's own documents, its outlet day's
(once a day per outlet: one set for the day's shifts, counted once), an
order's own (posted one by one), a refund folded into an earlier shift's
waiting documents on that shift's day. Sales posted as journal entries
leave the walk-in orders out of ``sales``/``tax``/``returns``/``money``
(their journal entry holds them, compared per account under ``journal``);
customer-account and invoiced orders keep their invoices and the measures
of invoices.
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
                 "money": ("sales_receipt",), "customer": ("sales_invoice", "sales_receipt", "sales_return"),
                 "journal": ("journal_entry",)}
#: measures whose subject is a remote account (named as the remote lists name it)
ACCOUNT_MEASURES = ("money", "journal")
AR_PARTNER = re.compile(r"/AR/(\d+)(?:/|$)")


def shift_documents(connection, sessions, alone):
    """The SalesDocuments carrying the sales of ``sessions`` (closed shifts),
    each once: the outlet day's (once a day per outlet: however many of its
    shifts are in ``sessions``), else the shift's own, and those of
    ``alone``, their orders posted one by one (real-time mode, late orders)."""
    out, days = [], set()
    for session in sessions:
        day = session._accounting_day(connection)
        if day:
            if day.id not in days:
                days.add(day.id)
                out.append(day._accounting_documents(connection))
        else:
            out.append(session._accounting_documents(connection))
    out += [order._accounting_documents(connection) for order in alone]
    return [d for d in out if d.orders]


def _problem(exc):
    # its stored message when it has one (read later in the reader's language)
    return getattr(exc, "accounting_message", None) or exc.args[0]


def odoo_figures(connection, sessions):
    """``({(measure, subject): Decimal}, problem or None)`` of closed shifts
    (one outlet's business day, or one shift); ``problem`` says why a figure
    could not be computed (an unmapped payment method...), the figures
    computed so far being kept: the error's stored message
    (``models/accounting_messages.py``) when it has one, else its text.
    Money and journal subjects are the mapped remote accounts as Odoo holds
    them (the caller names them as the remote lists do)."""
    env = sessions.env
    currency = sessions[:1].currency_id or connection.company_id.currency_id
    figures = defaultdict(lambda: ZERO)
    # each order once, on the day of the documents that carry it (folded-in refunds included, folded-out
    # ones left to the shift they were folded into), with those posted one by one
    alone = env["pos.order"]._accounting_posted_alone(connection, sessions._accounting_kept_orders())
    documents_list = shift_documents(connection, sessions, alone)
    # with sales posted as journal entries, the walk-in orders are the entry's
    in_journal = env["pos.order"].union(*[d.walkin for d in documents_list if d.journal_mode])
    for order in (sessions._accounting_orders(connection) | alone) - in_journal:
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
    for documents in documents_list:
        for partner in documents.by_customer:
            if partner:
                figures["customer", str(partner.id)] += documents.pay_later_due(partner)
        for kind, doc_key, _ref, _seq in documents.plan():
            if kind == "journal_entry" and doc_key == "journal":
                # what Odoo booked per remote account: the entry as it is built for posting
                try:
                    entry = documents.build(doc_key)
                except UserError as exc:
                    problem = problem or _problem(exc)
                    continue
                for line in entry.lines:
                    figures["journal", line.account] += line.debit - line.credit
                continue
            if kind != "sales_receipt":
                continue
            try:
                receipt = documents.build(doc_key)
            except UserError as exc:
                # unmapped method: its money still counts, under the method's name
                problem = _problem(exc)
                method = env["pos.payment.method"].browse(int(doc_key.rpartition(":")[2]))
                paid = documents.orders.payment_ids.filtered(lambda p, m=method: p.payment_method_id == m)
                figures["money", method.name] += money(currency, sum(paid.mapped("amount")))
                continue
            figures["money", receipt.account] += receipt.amount
    return dict(figures), problem


def remote_figures(rows, account_key=lambda account: account):
    """``{(measure, subject): Decimal}`` of one outlet day's remote documents
    (rows of ``list_sales_documents``); ``account_key`` turns a receipt's or
    a journal line's remote account into the subject Odoo's figures use."""
    figures = defaultdict(lambda: ZERO)
    for row in rows:
        total = Decimal(str(row["total"]))
        partner = AR_PARTNER.search(row.get("reference") or row.get("invoice_ref") or "")
        if row["kind"] == "journal_entry":
            for line in row.get("lines") or []:
                figures["journal", account_key(line.get("account") or "")] += (
                    Decimal(str(line.get("debit") or 0)) - Decimal(str(line.get("credit") or 0)))
            continue
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


def shift_days(connection, sessions):
    """The outlet days (``accounting.pos.day``) of ``connection`` holding
    any of ``sessions`` (once a day per outlet)."""
    return connection.env["accounting.pos.day"].sudo().search(
        [("connection_id", "=", connection.id), ("session_ids", "in", sessions.ids)])


def unposted_sessions(connection, sessions):
    """The shifts of ``sessions`` of which the sync log holds no document at
    all on ``connection`` (any kind and state, the shift's own, its outlet
    day's or its orders'): only those may be called "not queued"."""
    Job = connection.env["accounting.sync.job"].sudo()
    days = shift_days(connection, sessions)
    logged = Job.search([("connection_id", "=", connection.id),
                         "|", "|", "&", ("res_model", "=", "pos.session"), ("res_id", "in", sessions.ids),
                         "&", ("res_model", "=", "accounting.pos.day"), ("res_id", "in", days.ids),
                         "&", ("res_model", "=", "pos.order"), ("res_id", "in", sessions.order_ids.ids)])
    done = {j.res_id for j in logged if j.res_model == "pos.session"}
    queued = {j.res_id for j in logged if j.res_model == "accounting.pos.day"}
    done |= set(days.filtered(lambda d: d.id in queued).session_ids.ids)
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
