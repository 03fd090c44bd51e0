"""The connector layer's sentences (``accounting_connectors.messages.TEXTS``)
as translatable terms of this module: Odoo extracts them from here into
``i18n/*.pot``, and :mod:`.accounting_messages` renders a connector error's
code with them in the reader's language. A test checks both sides agree."""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

#: accounting_connectors.messages.TEXTS, translatable
CONNECTOR_MESSAGES = {
    "settings.url_not_text": _lt("The %(what)s must be a web address, not %(value)r."),
    "settings.url_space": _lt("The %(what)s %(value)r is not a valid web address: it contains a space."),
    "settings.url_unparsable": _lt("The %(what)s %(value)r is not a valid web address: %(reason)s."),
    "settings.url_scheme": _lt(
        "The %(what)s %(value)r is not a valid web address: it must start with https:// (or http:// for a "
        "local test server)."),
    "settings.url_port": _lt(
        "The %(what)s %(value)r is not a valid web address: the port after ':' must be a number from 1 to "
        "65535."),
    "settings.url_no_host": _lt(
        "The %(what)s %(value)r is not a valid web address: it names no server after %(scheme)s://."),
    "settings.url_query": _lt("The %(what)s %(value)r is not a valid web address: it must not contain '?' or '#'."),
    "settings.url_bad_host": _lt("The %(what)s %(value)r is not a valid web address: %(host)r is not a server name."),
    "settings.url_credentials": _lt(
        "The %(what)s of %(host)s must not contain a user name or password (user:pass@); type the credentials "
        "in their own fields."),
    "settings.url_not_https": _lt(
        "The %(what)s %(value)r must start with https:// (http:// is only for a sandbox connection)."),
    "settings.url_private": _lt(
        "The %(what)s %(value)r is not a public server (%(host)s is a local, private or reserved address); only "
        "a sandbox connection may use one."),
    "settings.timeout": _lt(
        "The request timeout must be a number of seconds above 0 and at most %(max)d, not %(value)r."),
    "settings.unknown_provider": _lt("Unknown accounting system %(provider)r (accurate or jurnal)."),
    "settings.bad_limiter": _lt("The connection's rate limiter has no acquire/release/slot."),
    "settings.missing": _lt("The connection is missing: %(fields)s."),
    "settings.rate_limit_shape": _lt("The rate limit must be a list of (requests, seconds) pairs, not %(value)r."),
    "settings.rate_limit_window": _lt(
        "A rate limit must allow a positive whole number of requests per positive number of seconds, not "
        "%(requests)r per %(seconds)r."),
    "settings.in_flight": _lt("The number of requests in flight must be a positive whole number, not %(value)r."),
    "settings.max_wait": _lt("The wait for a rate-limit slot must be zero or more seconds, not %(value)r."),
    "http.not_data": _lt("The server answered with %(what)s instead of data (HTTP %(status)s): %(snippet)s"),
    "http.bad_address": _lt("%(host)s is not a usable web address (%(reason)s); check the host of the connection."),
    "http.connect_timeout": _lt("Could not reach %(host)s in time (connection timed out)."),
    "http.read_timeout_write": _lt(
        "%(host)s did not answer in time; the document may or may not have been saved there."),
    "http.read_timeout": _lt("%(host)s did not answer in time."),
    "http.broken_after_send": _lt(
        "The connection to %(host)s broke after the request was sent; the document may or may not have been "
        "saved there."),
    "http.connect_failed": _lt("Could not connect to %(host)s (%(reason)s)."),
    "http.request_failed": _lt("Request to %(host)s failed: %(reason)s"),
    "http.local_rate_limit": _lt("Too many requests for this connection; waiting %(seconds).0f s before sending more."),
    "http.no_saved_document": _lt(
        "The accounting system answered without the saved document; it is looked up before anything is sent "
        "again."),
    "shape.unexpected_write": _lt(
        "%(provider)s answered without %(what)s (%(said)s); the document may or may not have been saved "
        "there. It is looked up by its reference before anything is sent again."),
    "shape.unexpected": _lt(
        "%(provider)s answered with data in an unexpected shape for %(what)s (%(said)s). Check that the "
        "connection's host is the %(provider)s service."),
    "accurate.bad_signature_encoding": _lt("Signature encoding must be base64 or hex, not %(value)r."),
    "accurate.no_token": _lt("The connection is missing: access token (or refresh token). Connect to Accurate first."),
    "accurate.unknown_auth": _lt("Unknown Accurate sign-in method %(value)r (api_token or oauth)."),
    "accurate.redirect_loop": _lt("Accurate kept redirecting the request; giving up after %(count)d moves."),
    "accurate.redirect_refused": _lt(
        "%(source)s redirected the request to %(target)s, which is not an address the connection may use "
        "(%(allowed)s): it was not followed and no credential was sent there. Check the connection's host, then "
        "press Test connection."),
    "accurate.bad_data_host": _lt(
        "Accurate named %(target)s as the database's server, which is not an address the connection may use "
        "(%(allowed)s): it was not used and no credential was sent there."),
    "accurate.moved_nowhere": _lt("Accurate said the database moved but not where to."),
    "accurate.slow_down": _lt("Accurate asks to slow down (too many requests); retrying in %(seconds).0f s."),
    "accurate.server_error_write": _lt(
        "Accurate had a server error (HTTP %(status)s) while saving; the document may or may not have been "
        "saved. It will be looked up before any retry."),
    "accurate.server_error": _lt("Accurate had a server error (HTTP %(status)s); will try again later."),
    "accurate.unknown_address": _lt("Accurate does not know this address (%(provider)s). Check the Accurate URL."),
    "accurate.http_error": _lt("Accurate answered HTTP %(status)s: %(provider)s"),
    "accurate.refused": _lt("Accurate refused it: %(provider)s"),
    "accurate.refused_silently": _lt("Accurate refused the request without saying why."),
    "accurate.no_database_info": _lt("Accurate did not say which database and server this API token opens."),
    "accurate.other_database": _lt(
        "This API token opens the Accurate database %(database)s (id %(found)s), not the database this "
        "connection posts to (id %(wanted)s). Use the token of that database, or clear the database of the "
        "connection."),
    "accurate.no_new_token": _lt("Accurate did not return a new access token; reconnect to Accurate."),
    "accurate.no_session": _lt("Accurate did not open the database session: %(provider)s"),
    "accurate.no_session_silent": _lt("Accurate did not open the database session: no session or host in its answer"),
    "accurate.no_database_access": _lt("This Accurate login has no access to database %(database)s."),
    "accurate.unreachable": _lt("Could not reach Accurate at %(host)s: %(reason)s Check the address and the network."),
    "accurate.auth_refused": _lt("Accurate refused access (HTTP %(status)s): %(provider)s"),
    "accurate.auth_refused_silent": _lt("Accurate refused access (HTTP %(status)s): no reason given"),
    "accurate.auth_clock": _lt(
        "The clock of this server differs from Accurate's by more than 10 minutes, so Accurate refuses the "
        "signed requests. Correct the server time (NTP)."),
    "accurate.auth_signature": _lt(
        "Accurate rejected the request signature: the signature secret does not belong to the application "
        "that issued this API token. Copy the Signature Secret again from Accurate's Developer Area."),
    "accurate.auth_no_signature": _lt(
        "The request was sent without a signature; enter the Signature Secret of the Accurate application."),
    "accurate.auth_timestamp": _lt("Accurate did not accept the request time stamp; check the server clock."),
    "accurate.auth_revoked": _lt(
        "Accurate does not know this API token or it was revoked. Create a new API token in Accurate "
        "(Settings > Accurate Store > API Token) and enter it here."),
    "accurate.auth_invalid_token": _lt(
        "The Accurate login is no longer valid (token expired or revoked). Reconnect the connection to "
        "Accurate."),
    "accurate.auth_scope": _lt(
        "The Accurate application was not granted access to this kind of data. Reconnect and approve all "
        "requested permissions."),
    "accurate.auth_unauthorized": _lt("Accurate received no valid credentials. Enter the API token again."),
    "accurate.auth_client": _lt("Accurate rejected the OAuth client id or client secret."),
    "accurate.auth_grant": _lt("Accurate rejected the OAuth refresh token; reconnect to Accurate."),
    "accurate.unknown_item_type": _lt("Unknown item type %(value)r for %(ref)s (inventory, service or non_inventory)."),
    "accurate.no_tax_mapped": _lt(
        "No Accurate tax is mapped for the %(rate)s%% tax of %(line)s; map it under the connection's Taxes."),
    "accurate.no_rounding_account": _lt(
        "Invoice %(ref)s has a rounding difference of %(amount)s but no rounding account is mapped."),
    "accurate.no_gift_card_account": _lt(
        "Invoice %(ref)s was paid %(amount)s by gift card but no gift-card account is mapped."),
    "accurate.transfer_direction": _lt("Transfer %(ref)s has direction %(value)r; expected out or in."),
    "transfer.fee_range": _lt(
        "Transfer %(ref)s: the fee %(fee)s must be at least 0 and less than the amount %(amount)s."),
    "transfer.no_fee_account": _lt("Transfer %(ref)s has a fee of %(amount)s but no fee account is mapped."),
    "invoice.deduction_no_account": _lt("%(ref)s takes %(amount)s off for %(what)s but no account is mapped for it."),
    "receipt.deduction_no_account": _lt(
        "The payment of %(ref)s keeps back %(amount)s for %(what)s but no account is mapped for it."),
    "jurnal.deduction_no_account": _lt("The invoice %(ref)s takes %(amount)s off but no account is mapped for it."),
    "jurnal.one_withholding": _lt(
        "The invoice %(ref)s has a deduction besides a rounding down or a gift card payment; Jurnal "
        "takes one withholding per invoice: post it by hand."),
    "jurnal.payment_deduction_no_account": _lt(
        "The payment %(ref)s keeps back %(amount)s but no account is mapped for it."),
    "jurnal.deduction_accounts": _lt(
        "Jurnal books what is taken off %(ref)s on one withholding account, but it goes to %(accounts)s."
        " Map these line kinds to one account for this connection, or post it by hand."),
    "jurnal.return_withholding": _lt(
        "Jurnal's sales return cannot give back the withholding of %(ref)s; reverse that invoice by hand"
        " in Jurnal (delete it, or add a credit memo)."),
    "accurate.refund_no_receivable": _lt(
        "The refund %(ref)s needs the customers' receivable account; choose it on the connection (Customer "
        "Receivable Account)."),
    "accurate.refund_no_amount": _lt("The refund %(ref)s has no amount."),
    "accurate.entry_no_amount": _lt("The journal entry %(ref)s has no amount."),
    "accurate.unknown_kind": _lt("Accurate cannot receive documents of kind %(kind)r."),
    "accurate.no_such_kind": _lt("Accurate has no documents of kind %(kind)r."),
    "accurate.unknown_purchase_type": _lt("Unknown purchase document type %(value)r (invoice, return or receipt)."),
    "accurate.connected": _lt("Connected to the Accurate database %(database)s (id %(database_id)s) at %(host)s."),
    "accurate.connected_as": _lt(
        "Connected to the Accurate database %(database)s (id %(database_id)s) at %(host)s as %(user)s, "
        "through the application %(application)s."),
    "jurnal.connected": _lt("Connected to Jurnal company %(company)s; %(accounts)s accounts in the chart of accounts."),
    "jurnal.connected_no_company": _lt("Connected to Jurnal; %(accounts)s accounts in the chart of accounts."),
    "jurnal.unknown_auth": _lt("Unknown Jurnal authentication method %(value)r (use hmac or apikey)."),
    "jurnal.other_company": _lt(
        "These credentials open the Jurnal company %(company)s (id %(found)s), not the company this "
        "connection posts to (id %(wanted)s)."),
    "jurnal.clock_behind": _lt(
        "This server's clock is %(minutes)d minutes behind Jurnal's; Jurnal only accepts requests signed "
        "within 5 minutes of its own time. Correct the server time (NTP), then test again."),
    "jurnal.clock_ahead": _lt(
        "This server's clock is %(minutes)d minutes ahead of Jurnal's; Jurnal only accepts requests signed "
        "within 5 minutes of its own time. Correct the server time (NTP), then test again."),
    "jurnal.auth_refused": _lt(
        "Jurnal refused the credentials (HTTP %(status)s: %(provider)s). Check the client ID and client "
        "secret of the Mekari application (or the API key), and that this server's clock is right: a request "
        "is only valid for 5 minutes."),
    "jurnal.auth_refused_silent": _lt(
        "Jurnal refused the credentials (HTTP %(status)s). Check the client ID and client secret of the "
        "Mekari application (or the API key), and that this server's clock is right: a request is only valid "
        "for 5 minutes."),
    "jurnal.quota": _lt(
        "Jurnal's monthly API package for this company is used up (%(provider)s). Nothing more can be sent "
        "until next month or until the package is upgraded in Jurnal."),
    "jurnal.slow_down": _lt("Jurnal says too many requests (%(provider)s); waiting before sending more."),
    "jurnal.server_error_said_write": _lt(
        "Jurnal had a server error (HTTP %(status)s): %(provider)s; the document may or may not have been "
        "saved."),
    "jurnal.server_error_said": _lt("Jurnal had a server error (HTTP %(status)s): %(provider)s; try again later."),
    "jurnal.server_error_write": _lt(
        "Jurnal had a server error (HTTP %(status)s); the document may or may not have been saved."),
    "jurnal.server_error": _lt("Jurnal had a server error (HTTP %(status)s); try again later."),
    "jurnal.error_page_write": _lt(
        "Jurnal answered with an error page instead of data (HTTP %(status)s); the document may or may not "
        "have been saved."),
    "jurnal.error_page": _lt("Jurnal answered with an error page instead of data (HTTP %(status)s); try again later."),
    "jurnal.not_data": _lt("Jurnal answered HTTP %(status)s with a page that is not data."),
    "jurnal.duplicate": _lt("Jurnal already has a document with this reference: %(provider)s"),
    "jurnal.refused": _lt("Jurnal refused it: %(provider)s"),
    "jurnal.duplicate_in_batch": _lt("The reference %(ref)s appears twice in this batch."),
    "jurnal.no_warehouse": _lt("Jurnal has no warehouse named %(name)s."),
    "jurnal.no_invoice_ref": _lt("Jurnal has no sales invoice with reference %(ref)s."),
    "jurnal.no_such_kind": _lt("Jurnal has no %(kind)s documents."),
    "jurnal.unknown_kind": _lt("Jurnal cannot receive a %(kind)s document."),
    "jurnal.no_account": _lt("Jurnal has no account %(name)s."),
    "jurnal.no_customer_named": _lt("The document names no customer; set the walk-in customer on the connection."),
    "jurnal.no_product": _lt("Jurnal has no product with code %(sku)s."),
    "jurnal.discount_no_amount": _lt("Line %(item)s has a discount but no amount to discount."),
    "jurnal.no_tax_mapped": _lt(
        "No Jurnal tax is mapped for the %(rate)s%% tax of %(line)s; map it under the connection's Taxes."),
    "jurnal.one_warehouse": _lt("Jurnal keeps one warehouse per document; these lines use %(names)s."),
    "jurnal.invoice_no_lines": _lt("The invoice %(ref)s has no lines."),
    "jurnal.no_gift_card_account": _lt(
        "The invoice %(ref)s was paid %(amount)s by gift card but the connection maps no gift-card account."),
    "jurnal.rounding_and_gift_card": _lt(
        "The invoice %(ref)s has both a rounding down and a gift card payment; Jurnal takes one withholding "
        "per invoice: post the gift card by hand."),
    "jurnal.no_rounding_account": _lt(
        "The invoice %(ref)s has a rounding of %(amount)s but the connection maps no rounding account."),
    "jurnal.no_rounding_up_account": _lt(
        "The invoice %(ref)s is rounded up by %(amount)s but the connection maps no rounding account."),
    "jurnal.payment_no_invoice": _lt("The payment %(ref)s pays no invoice."),
    "jurnal.return_no_invoice": _lt(
        "Jurnal records a sales return only against an invoice; the return %(ref)s names none."),
    "jurnal.no_invoice_to_return": _lt("Jurnal has no sales invoice %(ref)s to return against."),
    "jurnal.return_no_lines": _lt("The return %(ref)s has no lines."),
    "jurnal.no_return_account": _lt(
        "No sales-return account for a credit memo: name one in the connection (sales_return_account_name)."),
    "jurnal.refund_no_amount": _lt("The refund %(ref)s has no amount."),
    "jurnal.no_credit_memo": _lt("Jurnal has no credit memo %(ref)s to refund from; the return must be posted first."),
    "jurnal.no_customer": _lt("Jurnal has no customer %(ref)s."),
    "jurnal.entry_no_amount": _lt("The journal entry %(ref)s has no amount."),
    "jurnal.transfer_out_missing": _lt("The outgoing transfer %(ref)s is not in Jurnal yet."),
    "jurnal.transfer_warehouses": _lt("The transfer %(ref)s needs both warehouses."),
}
