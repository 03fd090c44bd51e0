"""The shop's business day: ONE rule for every document (POS sales, stock
documents, payouts, backfill, the digest, the reconciliation).

A UTC moment belongs to the calendar day of the shop's time zone: the
outlet's own (a ``tz`` field on pos.config, where a module adds one), else
the company's (its partner's), else Asia/Jakarta (Indonesia's WIB). Never
the user's: the worker runs as OdooBot, who has none, and a cashier's
browser must not move a sale to another day."""

from datetime import datetime

import pytz

from odoo import fields

#: the business day of a shop with no time zone set anywhere
DEFAULT_TZ = "Asia/Jakarta"


def outlet_tz_name(config):
    """The outlet's own time zone name, or "" (pos.config has no ``tz`` in
    standard Odoo; a localisation module may add one)."""
    return (config and "tz" in config._fields and config.tz) or ""


def shop_tz(company=None, config=None):
    """The shop's time zone: outlet ``config``'s, else ``company``'s (or the
    outlet's company's), else Asia/Jakarta."""
    company = company or (config and config.company_id)
    name = outlet_tz_name(config) or (company and company.partner_id.tz) or DEFAULT_TZ
    try:
        return pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        return pytz.timezone(DEFAULT_TZ)


def local_date(moment, company=None, config=None):
    """The shop's calendar day of a UTC ``moment`` (naive datetime, as Odoo
    stores it; now when empty)."""
    moment = fields.Datetime.to_datetime(moment) or datetime.utcnow()
    return pytz.utc.localize(moment).astimezone(shop_tz(company, config)).date()


def business_date(source, session, stop_at=None):
    """The date every POS document of ``source`` carries: an order's local
    day (per-order posting), else the day of the session's journal entry
    (what the books hold), else the local day the shift closed; an outlet
    day's own date."""
    if source._name == "accounting.pos.day":
        return source.date
    config = session.config_id
    if source._name == "pos.order":
        return local_date(source.date_order, config=config)
    if session.move_id:
        return session.move_id.date
    return local_date(stop_at or session.stop_at, config=config)
