"""The cause of a failure that one of a connection's own fields answers
(an account, the walk-in customer): the tokens a failed document keeps in
``cause_refs`` so that setting that field sends it again, and mapping
health counts it against that field."""

#: the token of one of a connection's own fields (an account, the walk-in
#: customer) that a failure waits for, beside the connection's own token
FIELD_TOKEN = "conn_field:%s:%s"
#: connector refusals made before any request (their codes) that name a
#: connection's own account: a failure on one waits for that account
CONNECTOR_CODE_FIELDS = {
    "accurate.no_rounding_account": "rounding_account",
    "jurnal.no_rounding_account": "rounding_account",
    "jurnal.no_rounding_up_account": "rounding_account",
    "accurate.no_gift_card_account": "gift_card_account",
    "jurnal.no_gift_card_account": "gift_card_account",
    "transfer.no_fee_account": "fee_account",
    "accurate.refund_no_receivable": "receivable_account",
}


def field_token(connection, fname):
    """The cause token of ``connection``'s own field ``fname`` (see :data:`FIELD_TOKEN`)."""
    return FIELD_TOKEN % (connection.id, fname)


def field_causes(connection, fname):
    """What a document failing for want of ``connection``'s ``fname`` waits
    for: the connection (any fix of it retries) and the field (what mapping
    health counts against that field)."""
    return [connection, field_token(connection, fname)]
