"""Every sentence the connector layer says, keyed by a stable code.

An error (:class:`~.errors.ConnectorError`) carries ``code`` and ``params``
(a dict of plain values: numbers, references, the provider's own words);
its English ``message`` is ``TEXTS[code] % params``. The addon renders the
same code in the reader's language from its own catalogue
(``pos_accounting_sync/models/accounting_messages.py``); its copy of these
texts as translatable terms is generated from here
(``scripts/gen_connector_messages.py``: run it after changing TEXTS;
``tests/test_connector_messages.py`` fails until it is). A code once used
keeps its meaning. What the provider said stays in ``params`` (and in the error's
``provider_message``) as it came, never translated.
"""

TEXTS = {
    # --- the connection's own settings (checks.py, client.py, ratelimit.py) ---
    "settings.url_not_text": "The %(what)s must be a web address, not %(value)r.",
    "settings.url_space": "The %(what)s %(value)r is not a valid web address: it contains a space.",
    "settings.url_unparsable": "The %(what)s %(value)r is not a valid web address: %(reason)s.",
    "settings.url_scheme": "The %(what)s %(value)r is not a valid web address: it must start with https:// "
                           "(or http:// for a local test server).",
    "settings.url_port": "The %(what)s %(value)r is not a valid web address: the port after ':' must be a "
                         "number from 1 to 65535.",
    "settings.url_no_host": "The %(what)s %(value)r is not a valid web address: it names no server after "
                            "%(scheme)s://.",
    "settings.url_query": "The %(what)s %(value)r is not a valid web address: it must not contain '?' or '#'.",
    "settings.url_bad_host": "The %(what)s %(value)r is not a valid web address: %(host)r is not a server name.",
    "settings.url_credentials": "The %(what)s of %(host)s must not contain a user name or password (user:pass@); "
                                "type the credentials in their own fields.",
    "settings.url_not_https": "The %(what)s %(value)r must start with https:// (http:// is only for a sandbox "
                              "connection).",
    "settings.url_private": "The %(what)s %(value)r is not a public server (%(host)s is a local, private or "
                            "reserved address); only a sandbox connection may use one.",
    "settings.timeout": "The request timeout must be a number of seconds above 0 and at most %(max)d, "
                        "not %(value)r.",
    "settings.unknown_provider": "Unknown accounting system %(provider)r (accurate or jurnal).",
    "settings.bad_limiter": "The connection's rate limiter has no acquire/release/slot.",
    "settings.missing": "The connection is missing: %(fields)s.",
    "settings.rate_limit_shape": "The rate limit must be a list of (requests, seconds) pairs, not %(value)r.",
    "settings.rate_limit_window": "A rate limit must allow a positive whole number of requests per positive "
                                  "number of seconds, not %(requests)r per %(seconds)r.",
    "settings.in_flight": "The number of requests in flight must be a positive whole number, not %(value)r.",
    "settings.max_wait": "The wait for a rate-limit slot must be zero or more seconds, not %(value)r.",
    # --- the wire (http.py, ratelimit.py, shapes.py) ---
    "http.not_data": "The server answered with %(what)s instead of data (HTTP %(status)s): %(snippet)s",
    "http.bad_address": "%(host)s is not a usable web address (%(reason)s); check the host of the connection.",
    "http.connect_timeout": "Could not reach %(host)s in time (connection timed out).",
    "http.read_timeout_write": "%(host)s did not answer in time; the document may or may not have been "
                               "saved there.",
    "http.read_timeout": "%(host)s did not answer in time.",
    "http.broken_after_send": "The connection to %(host)s broke after the request was sent; the document "
                              "may or may not have been saved there.",
    "http.connect_failed": "Could not connect to %(host)s (%(reason)s).",
    "http.request_failed": "Request to %(host)s failed: %(reason)s",
    "http.local_rate_limit": "Too many requests for this connection; waiting %(seconds).0f s before sending "
                             "more.",
    "http.no_saved_document": "The accounting system answered without the saved document; it is looked up "
                              "before anything is sent again.",
    "shape.unexpected_write": "%(provider)s answered without %(what)s (%(said)s); the document may or may "
                              "not have been saved there. It is looked up by its reference before anything "
                              "is sent again.",
    "shape.unexpected": "%(provider)s answered with data in an unexpected shape for %(what)s (%(said)s). "
                        "Check that the connection's host is the %(provider)s service.",
    # --- Accurate ---
    "accurate.bad_signature_encoding": "Signature encoding must be base64 or hex, not %(value)r.",
    "accurate.no_token": "The connection is missing: access token (or refresh token). Connect to Accurate "
                         "first.",
    "accurate.unknown_auth": "Unknown Accurate sign-in method %(value)r (api_token or oauth).",
    "accurate.redirect_loop": "Accurate kept redirecting the request; giving up after %(count)d moves.",
    "accurate.redirect_refused": "%(source)s redirected the request to %(target)s, which is not an address the "
                                 "connection may use (%(allowed)s): it was not followed and no credential was "
                                 "sent there. Check the connection's host, then press Test connection.",
    "accurate.bad_data_host": "Accurate named %(target)s as the database's server, which is not an address the "
                              "connection may use (%(allowed)s): it was not used and no credential was sent "
                              "there.",
    "accurate.moved_nowhere": "Accurate said the database moved but not where to.",
    "accurate.slow_down": "Accurate asks to slow down (too many requests); retrying in %(seconds).0f s.",
    "accurate.server_error_write": "Accurate had a server error (HTTP %(status)s) while saving; the document "
                                   "may or may not have been saved. It will be looked up before any retry.",
    "accurate.server_error": "Accurate had a server error (HTTP %(status)s); will try again later.",
    "accurate.unknown_address": "Accurate does not know this address (%(provider)s). Check the Accurate URL.",
    "accurate.http_error": "Accurate answered HTTP %(status)s: %(provider)s",
    "accurate.refused": "Accurate refused it: %(provider)s",
    "accurate.refused_silently": "Accurate refused the request without saying why.",
    "accurate.no_database_info": "Accurate did not say which database and server this API token opens.",
    "accurate.other_database": "This API token opens the Accurate database %(database)s (id %(found)s), not "
                               "the database this connection posts to (id %(wanted)s). Use the token of that "
                               "database, or clear the database of the connection.",
    "accurate.no_new_token": "Accurate did not return a new access token; reconnect to Accurate.",
    "accurate.no_session": "Accurate did not open the database session: %(provider)s",
    "accurate.no_session_silent": "Accurate did not open the database session: no session or host in its "
                                  "answer",
    "accurate.no_database_access": "This Accurate login has no access to database %(database)s.",
    "accurate.unreachable": "Could not reach Accurate at %(host)s: %(reason)s Check the address and the "
                            "network.",
    "accurate.auth_refused": "Accurate refused access (HTTP %(status)s): %(provider)s",
    "accurate.auth_refused_silent": "Accurate refused access (HTTP %(status)s): no reason given",
    "accurate.auth_clock": "The clock of this server differs from Accurate's by more than 10 minutes, so "
                           "Accurate refuses the signed requests. Correct the server time (NTP).",
    "accurate.auth_signature": "Accurate rejected the request signature: the signature secret does not "
                               "belong to the application that issued this API token. Copy the Signature "
                               "Secret again from Accurate's Developer Area.",
    "accurate.auth_no_signature": "The request was sent without a signature; enter the Signature Secret of "
                                  "the Accurate application.",
    "accurate.auth_timestamp": "Accurate did not accept the request time stamp; check the server clock.",
    "accurate.auth_revoked": "Accurate does not know this API token or it was revoked. Create a new API token "
                             "in Accurate (Settings > Accurate Store > API Token) and enter it here.",
    "accurate.auth_invalid_token": "The Accurate login is no longer valid (token expired or revoked). "
                                   "Reconnect the connection to Accurate.",
    "accurate.auth_scope": "The Accurate application was not granted access to this kind of data. Reconnect "
                           "and approve all requested permissions.",
    "accurate.auth_unauthorized": "Accurate received no valid credentials. Enter the API token again.",
    "accurate.auth_client": "Accurate rejected the OAuth client id or client secret.",
    "accurate.auth_grant": "Accurate rejected the OAuth refresh token; reconnect to Accurate.",
    "accurate.unknown_item_type": "Unknown item type %(value)r for %(ref)s (inventory, service or "
                                  "non_inventory).",
    "accurate.no_tax_mapped": "No Accurate tax is mapped for the %(rate)s%% tax of %(line)s; map it under the "
                              "connection's Taxes.",
    "accurate.no_rounding_account": "Invoice %(ref)s has a rounding difference of %(amount)s but no rounding "
                                    "account is mapped.",
    "accurate.no_gift_card_account": "Invoice %(ref)s was paid %(amount)s by gift card but no gift-card "
                                     "account is mapped.",
    "accurate.transfer_direction": "Transfer %(ref)s has direction %(value)r; expected out or in.",
    "transfer.fee_range": "Transfer %(ref)s: the fee %(fee)s must be at least 0 and less than the amount %(amount)s.",
    "transfer.no_fee_account": "Transfer %(ref)s has a fee of %(amount)s but no fee account is mapped.",
    "invoice.deduction_no_account": "%(ref)s takes %(amount)s off for %(what)s but no account is mapped for it.",
    "receipt.deduction_no_account": (
        "The payment of %(ref)s keeps back %(amount)s for %(what)s but no account is mapped for it."),
    "jurnal.deduction_no_account": "The invoice %(ref)s takes %(amount)s off but no account is mapped for it.",
    "jurnal.one_withholding": (
        "The invoice %(ref)s has a deduction besides a rounding down or a gift card payment; Jurnal "
        "takes one withholding per invoice: post it by hand."),
    "jurnal.payment_deduction_no_account": "The payment %(ref)s keeps back %(amount)s but no account is mapped for it.",
    "jurnal.deduction_accounts": (
        "Jurnal books what is taken off %(ref)s on one withholding account, but it goes to %(accounts)s."
        " Map these line kinds to one account for this connection, or post it by hand."),
    "jurnal.return_withholding": (
        "Jurnal's sales return cannot give back the withholding of %(ref)s; reverse that invoice by hand"
        " in Jurnal (delete it, or add a credit memo)."),
    "accurate.refund_no_receivable": "The refund %(ref)s needs the customers' receivable account; choose it "
                                     "on the connection (Customer Receivable Account).",
    "accurate.refund_no_amount": "The refund %(ref)s has no amount.",
    "accurate.entry_no_amount": "The journal entry %(ref)s has no amount.",
    "accurate.unknown_kind": "Accurate cannot receive documents of kind %(kind)r.",
    "accurate.no_such_kind": "Accurate has no documents of kind %(kind)r.",
    "accurate.unknown_purchase_type": "Unknown purchase document type %(value)r (invoice, return or receipt).",
    "accurate.connected": "Connected to the Accurate database %(database)s (id %(database_id)s) at %(host)s.",
    "accurate.connected_as": "Connected to the Accurate database %(database)s (id %(database_id)s) at "
                             "%(host)s as %(user)s, through the application %(application)s.",
    # --- Jurnal ---
    "jurnal.connected": "Connected to Jurnal company %(company)s; %(accounts)s accounts in the chart of "
                        "accounts.",
    "jurnal.connected_no_company": "Connected to Jurnal; %(accounts)s accounts in the chart of accounts.",
    "jurnal.unknown_auth": "Unknown Jurnal authentication method %(value)r (use hmac or apikey).",
    "jurnal.other_company": "These credentials open the Jurnal company %(company)s (id %(found)s), not the "
                            "company this connection posts to (id %(wanted)s).",
    "jurnal.clock_behind": "This server's clock is %(minutes)d minutes behind Jurnal's; Jurnal only accepts "
                           "requests signed within 5 minutes of its own time. Correct the server time (NTP), "
                           "then test again.",
    "jurnal.clock_ahead": "This server's clock is %(minutes)d minutes ahead of Jurnal's; Jurnal only accepts "
                          "requests signed within 5 minutes of its own time. Correct the server time (NTP), "
                          "then test again.",
    "jurnal.auth_refused": "Jurnal refused the credentials (HTTP %(status)s: %(provider)s). Check the client "
                           "ID and client secret of the Mekari application (or the API key), and that this "
                           "server's clock is right: a request is only valid for 5 minutes.",
    "jurnal.auth_refused_silent": "Jurnal refused the credentials (HTTP %(status)s). Check the client ID and "
                                  "client secret of the Mekari application (or the API key), and that this "
                                  "server's clock is right: a request is only valid for 5 minutes.",
    "jurnal.quota": "Jurnal's monthly API package for this company is used up (%(provider)s). Nothing more "
                    "can be sent until next month or until the package is upgraded in Jurnal.",
    "jurnal.slow_down": "Jurnal says too many requests (%(provider)s); waiting before sending more.",
    "jurnal.server_error_said_write": "Jurnal had a server error (HTTP %(status)s): %(provider)s; the "
                                      "document may or may not have been saved.",
    "jurnal.server_error_said": "Jurnal had a server error (HTTP %(status)s): %(provider)s; try again later.",
    "jurnal.server_error_write": "Jurnal had a server error (HTTP %(status)s); the document may or may not "
                                 "have been saved.",
    "jurnal.server_error": "Jurnal had a server error (HTTP %(status)s); try again later.",
    "jurnal.error_page_write": "Jurnal answered with an error page instead of data (HTTP %(status)s); the "
                               "document may or may not have been saved.",
    "jurnal.error_page": "Jurnal answered with an error page instead of data (HTTP %(status)s); try again "
                         "later.",
    "jurnal.not_data": "Jurnal answered HTTP %(status)s with a page that is not data.",
    "jurnal.duplicate": "Jurnal already has a document with this reference: %(provider)s",
    "jurnal.refused": "Jurnal refused it: %(provider)s",
    "jurnal.duplicate_in_batch": "The reference %(ref)s appears twice in this batch.",
    "jurnal.no_warehouse": "Jurnal has no warehouse named %(name)s.",
    "jurnal.no_invoice_ref": "Jurnal has no sales invoice with reference %(ref)s.",
    "jurnal.no_such_kind": "Jurnal has no %(kind)s documents.",
    "jurnal.unknown_kind": "Jurnal cannot receive a %(kind)s document.",
    "jurnal.no_account": "Jurnal has no account %(name)s.",
    "jurnal.no_customer_named": "The document names no customer; set the walk-in customer on the connection.",
    "jurnal.no_product": "Jurnal has no product with code %(sku)s.",
    "jurnal.discount_no_amount": "Line %(item)s has a discount but no amount to discount.",
    "jurnal.no_tax_mapped": "No Jurnal tax is mapped for the %(rate)s%% tax of %(line)s; map it under the "
                            "connection's Taxes.",
    "jurnal.one_warehouse": "Jurnal keeps one warehouse per document; these lines use %(names)s.",
    "jurnal.invoice_no_lines": "The invoice %(ref)s has no lines.",
    "jurnal.no_gift_card_account": "The invoice %(ref)s was paid %(amount)s by gift card but the connection "
                                   "maps no gift-card account.",
    "jurnal.rounding_and_gift_card": "The invoice %(ref)s has both a rounding down and a gift card payment; "
                                     "Jurnal takes one withholding per invoice: post the gift card by hand.",
    "jurnal.no_rounding_account": "The invoice %(ref)s has a rounding of %(amount)s but the connection maps "
                                  "no rounding account.",
    "jurnal.no_rounding_up_account": "The invoice %(ref)s is rounded up by %(amount)s but the connection maps "
                                     "no rounding account.",
    "jurnal.payment_no_invoice": "The payment %(ref)s pays no invoice.",
    "jurnal.return_no_invoice": "Jurnal records a sales return only against an invoice; the return %(ref)s "
                                "names none.",
    "jurnal.no_invoice_to_return": "Jurnal has no sales invoice %(ref)s to return against.",
    "jurnal.return_no_lines": "The return %(ref)s has no lines.",
    "jurnal.no_return_account": "No sales-return account for a credit memo: name one in the connection "
                                "(sales_return_account_name).",
    "jurnal.refund_no_amount": "The refund %(ref)s has no amount.",
    "jurnal.no_credit_memo": "Jurnal has no credit memo %(ref)s to refund from; the return must be posted "
                             "first.",
    "jurnal.no_customer": "Jurnal has no customer %(ref)s.",
    "jurnal.entry_no_amount": "The journal entry %(ref)s has no amount.",
    "jurnal.transfer_out_missing": "The outgoing transfer %(ref)s is not in Jurnal yet.",
    "jurnal.transfer_warehouses": "The transfer %(ref)s needs both warehouses.",
    "invoice.regional_tax_no_account": (
        "%(ref)s carries %(amount)s of the regional tax %(tax)s but no liability account is mapped for it; pick "
        "one on the connection's Taxes."),
    "accurate.dpp_two_on_one_item": (
        "On %(ref)s the item %(item)s is taxed once on a DPP of 11/12 and once on the full price; Accurate keeps "
        "one DPP per item (percentTaxable). Sell it under one tax, or give it its own internal reference."),
    "jurnal.no_dpp": (
        "The line %(line)s is taxed %(rate)s%% but the Jurnal tax %(tax)s has another rate; Jurnal's sales "
        "invoice has no DPP (PPN 12%% on a DPP of 11/12). Map the tax to an 11%% Jurnal tax."),
    # --- locked periods and approval (jurnal/errors.py, accurate/errors.py) ---
    "jurnal.period_locked": "Jurnal's books are locked up to %(until)s (Kunci Periode / Tutup Buku): nothing "
                            "dated on or before that day can be created, changed or deleted there. Jurnal said: "
                            "%(provider)s",
    "jurnal.period_locked_undated": "Jurnal's books are locked for this document's date (Kunci Periode / Tutup "
                                    "Buku). Jurnal said: %(provider)s",
    "accurate.period_locked": "Accurate's books are closed up to %(until)s (Tutup Buku): nothing dated on or "
                              "before that day can be created, changed or deleted there. Accurate said: "
                              "%(provider)s",
    "accurate.period_locked_undated": "Accurate's books are closed for this document's date (Tutup Buku). "
                                      "Accurate said: %(provider)s",
    "accurate.not_approved": "The document this one depends on is not approved in Accurate yet: approve it in "
                             "Accurate. Accurate said: %(provider)s",
}


def render(code, params=None):
    """The English sentence of ``code`` with ``params`` (a dict), or None
    for an unknown code. Never raises: a sentence missing a value shows its
    template rather than hiding the error."""
    text = TEXTS.get(code)
    if text is None:
        return None
    try:
        return text % (params or {})
    except (KeyError, TypeError, ValueError):
        return text
