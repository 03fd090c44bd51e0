"""Screenshots of the real screens for the configuration guide, taken from
the demo in headless Chromium.

    python3 scripts/screenshots.py [--url http://localhost:8069 --db pas_demo] [--out DIR]

Without ``--url`` it starts the demo itself (scripts/odoo_demo.py, database
``pas_shots``, on free ports), waits until Odoo answers, takes the pictures
and stops the demo. Re-runnable: an existing database is reused, a shift is
sold and closed each run, the PNGs are overwritten. Needs playwright
(``pip install playwright``) and Chromium (``/usr/bin/chromium``, or
``--chromium PATH``).
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "pos_accounting_sync" / "static" / "description" / "guide"
ACTION = "/odoo/action-pos_accounting_sync.%s"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_demo(db):
    """The demo on free ports: (Odoo URL, process). Odoo answers once the
    module is installed and the connections are prepared."""
    port, sandbox_port = free_port(), free_port()
    log = open(Path(tempfile.gettempdir()) / ("screenshots-demo-%s.log" % db), "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "odoo_demo.py"), "--db", db, "--port", str(port),
         "--sandbox-port", str(sandbox_port)], stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
        start_new_session=True)
    url = "http://127.0.0.1:%s" % port
    deadline = time.time() + 1800  # a first install with demo data takes minutes
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("The demo stopped (exit %s); see %s" % (proc.returncode, log.name))
        try:
            urllib.request.urlopen(url + "/web/login", timeout=5)
            return url, proc
        except OSError:
            time.sleep(3)
    stop_demo(proc)
    raise SystemExit("The demo did not answer within 30 minutes; see %s" % log.name)


def stop_demo(proc):
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


class Shots:
    def __init__(self, page, url, out):
        self.page, self.url, self.out = page, url, out
        self.taken = []

    def save(self, name, full_page=True):
        self.page.mouse.move(1, 1)  # no tooltip over what is shown
        self.page.wait_for_timeout(400)  # let notifications and transitions settle
        path = self.out / ("%s.png" % name)
        self.page.screenshot(path=str(path), full_page=full_page)
        self.taken.append(path)
        print("  %s" % path.relative_to(REPO) if path.is_relative_to(REPO) else path)

    def goto(self, action, ready=".o_action_manager .o_view_controller"):
        self.page.goto(self.url + ACTION % action)
        self.page.wait_for_selector(ready)
        self.page.wait_for_timeout(300)

    def call(self, model, method, args, **kwargs):
        """JSON-RPC as the signed-in user (what the web client does)."""
        answer = self.page.request.post(
            "%s/web/dataset/call_kw/%s/%s" % (self.url, model, method),
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                "model": model, "method": method, "args": args, "kwargs": kwargs}}),
            headers={"Content-Type": "application/json"}).json()
        if "error" in answer:
            raise RuntimeError("%s.%s: %s" % (model, method, answer["error"]["data"]["message"]))
        return answer.get("result")

    def tab(self, label):
        self.page.click(".o_notebook .nav-link:text-is('%s')" % label)
        self.page.wait_for_timeout(300)

    def open_row(self, text):
        self.page.click(".o_list_view .o_data_row:has-text('%s') td.o_data_cell >> nth=0" % text)
        self.page.wait_for_selector(".o_form_view")
        self.page.wait_for_timeout(300)


def login(page, url, db, user, password):
    page.goto("%s/web/login?db=%s" % (url, db))
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector(".o_main_navbar")


def connection_screens(s):
    s.goto("action_accounting_connection")
    s.save("01_connections")
    s.open_row("Accurate (sandbox)")
    for number, label in enumerate(("Credentials", "Sync", "Accounts", "Outlets", "Payment Methods",
                                    "Taxes", "Warehouses"), start=2):
        s.tab(label)
        s.save("%02d_accurate_%s" % (number, label.lower().replace(" ", "_")))
    s.tab("Accounts")
    s.page.click(".o_field_widget[name=sales_account_option_id] input")
    s.page.wait_for_selector(".o-autocomplete--dropdown-menu")
    s.save("09_accurate_sales_account_picker", full_page=False)
    s.page.keyboard.press("Escape")
    s.tab("Payment Methods")
    s.page.click(".o_field_widget[name=payment_map_ids] .o_data_row td[name=remote_account_option_id] >> nth=0")
    s.page.click(".o_field_widget[name=payment_map_ids] .o_selected_row "
                 ".o_field_widget[name=remote_account_option_id] input")
    s.page.wait_for_selector(".o-autocomplete--dropdown-menu")
    s.save("10_accurate_payment_account_picker", full_page=False)
    s.page.keyboard.press("Escape")
    s.page.click(".o_form_button_cancel") if s.page.is_visible(".o_form_button_cancel") else None
    s.page.click("button[name=action_view_remote_options]")
    s.page.wait_for_selector(".o_list_view")
    s.page.click(".o_group_header:has-text('Account')")
    s.save("11_fetched_lists")

    s.goto("action_accounting_connection")
    s.open_row("Jurnal (sandbox)")
    s.tab("Credentials")
    s.save("12_jurnal_credentials")
    s.tab("Accounts")
    s.save("13_jurnal_accounts")

    # a new connection: the hints an admin reads before typing anything
    s.goto("action_accounting_connection")
    s.page.click(".o_list_button_add")
    s.page.wait_for_selector(".o_form_view")
    s.page.fill(".o_field_widget[name=name] input", "Jurnal - Toko Sejahtera")
    s.page.select_option(".o_field_widget[name=provider] select", label="Jurnal")
    s.page.wait_for_selector(".alert-info:has-text('developers.mekari.com')")
    s.save("14_new_jurnal_connection")
    s.page.click(".o_form_button_cancel")


def close_a_shift(s, method=None, with_no_sku=True):
    """Sell on the Accurate outlet (one product has no internal reference,
    unless ``with_no_sku`` is False) and close the shift, then run the worker as
    its cron does. ``method``: the payment method paid with (default: cash)."""
    maps = s.call("accounting.outlet.map", "search_read",
                  [[("connection_id.name", "=", "Accurate (sandbox)"), ("connection_id.active", "=", True),
                    ("active", "=", True)]],
                  fields=["pos_config_id"], limit=1)
    if not maps:
        print("  (no outlet mapped on Accurate (sandbox): no shift screens)")
        return None
    config_id = maps[0]["pos_config_id"][0]
    config = s.call("pos.config", "read", [[config_id]], fields=["payment_method_ids", "pricelist_id"])[0]
    methods = s.call("pos.payment.method", "read", [config["payment_method_ids"]], fields=["type", "name"])
    cash = method or next(m["id"] for m in methods if m["type"] == "cash")
    # the demo shop's own coffee (models/accounting_sync_demo.py), else any product with a SKU
    goods = (s.call("product.product", "search_read", [[("default_code", "=", "KOPI-001")]],
                    fields=["lst_price"], limit=1)
             or s.call("product.product", "search_read", [[("available_in_pos", "=", True),
                                                          ("default_code", "!=", False)]],
                       fields=["lst_price"], limit=1))[0]
    no_sku = s.call("product.product", "search", [[("name", "=", "Gorengan (no SKU)")]])
    no_sku = no_sku[0] if no_sku else s.call("product.product", "create", [{
        "name": "Gorengan (no SKU)", "available_in_pos": True, "lst_price": 5000, "taxes_id": [(5, 0, 0)]}])
    open_ids = s.call("pos.session", "search", [[("config_id", "=", config_id), ("state", "!=", "closed")]])
    session = open_ids[0] if open_ids else s.call("pos.session", "create", [{"config_id": config_id}])
    lines = [(0, 0, {"product_id": pid, "qty": 1, "price_unit": price, "price_subtotal": price,
                     "price_subtotal_incl": price, "tax_ids": [(5, 0, 0)], "discount": 0, "pack_lot_ids": []})
             for pid, price in ((goods["id"], goods["lst_price"]), (no_sku, 5000.0))[:2 if with_no_sku else 1]]
    total = sum(line[2]["price_subtotal_incl"] for line in lines)
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    uid = "shots-%s" % time.time_ns()
    s.call("pos.order", "sync_from_ui", [[{
        "uuid": uid, "name": "Order %s" % uid, "session_id": session, "lines": lines, "amount_paid": total,
        "amount_total": total, "amount_return": 0, "amount_tax": 0, "date_order": now, "partner_id": False,
        "pricelist_id": config["pricelist_id"] and config["pricelist_id"][0], "fiscal_position_id": False,
        "sequence_number": 1, "last_order_preparation_change": "{}", "to_invoice": False,
        "payment_ids": [(0, 0, {"amount": total, "name": now, "payment_method_id": cash})]}]])
    s.call("pos.session", "post_closing_cash_details", [[session], total])
    s.call("pos.session", "close_session_from_ui", [[session]])
    send_and_wait(s, [("res_model", "=", "pos.session"), ("res_id", "=", session)])
    return session


def send_and_wait(s, jobs):
    """Run the worker's cron as the demo would, and wait (3 min at most)
    until the sync log lines of domain ``jobs`` are sent."""
    cron = s.call("ir.model.data", "search_read", [[("module", "=", "pos_accounting_sync"),
                                                    ("name", "=", "ir_cron_accounting_sync_worker")]],
                  fields=["res_id"])[0]["res_id"]
    try:
        s.call("ir.cron", "method_direct_trigger", [[cron]])
    except RuntimeError:
        pass  # the demo's own cron run is sending them already
    waiting = jobs + [("state", "in", ("pending", "running"))]
    deadline = time.time() + 180
    while s.call("accounting.sync.job", "search_count", [waiting]) and time.time() < deadline:
        time.sleep(5)


def sync_log_screens(s, session):
    s.page.goto("%s/odoo/action-point_of_sale.action_pos_session/%s" % (s.url, session))
    s.page.wait_for_selector(".o_form_view")
    s.save("20_session_closed")
    s.goto("action_accounting_sync_job")
    s.save("21_sync_log")
    s.page.click(".o_control_panel .o_searchview_dropdown_toggler")
    s.page.click(".o_filter_menu .o_menu_item:has-text('Failed')")
    s.page.keyboard.press("Escape")
    s.page.wait_for_timeout(500)
    s.save("22_sync_log_failed")
    if s.page.is_visible(".o_list_view .o_data_row"):
        s.page.click(".o_list_view .o_data_row td.o_data_cell >> nth=0")
        s.page.wait_for_selector(".o_form_view")
        s.save("23_failed_document")


def check_screens(s, suffix=""):
    """The mapping check of the Accurate connection: what is missing, and where."""
    s.goto("action_accounting_connection")
    s.open_row("Accurate (sandbox)")
    s.page.click("button[name=action_check_mapping_health]")
    s.page.wait_for_selector(".o_list_view, .o_view_nocontent, .o_notification")
    s.page.wait_for_timeout(800)
    s.save("30_check_mappings%s" % suffix)


def blank_jurnal_connection(s):
    """A Jurnal connection set up from blank, as the guide says (credentials
    tested, lists fetched, the walk-in customer typed, no rounding account),
    not live yet: what going live is refused on. A fresh one each run (live
    mode cannot be turned off); a company has one active Jurnal connection,
    so the demo's is archived meanwhile (``restore_jurnal`` brings it back)."""
    demo = s.call("accounting.connection", "search_read", [[("name", "=", "Jurnal (sandbox)")]],
                  fields=["base_url", "auth_method", "client_id", "client_secret", "outlet_map_ids"], limit=1)
    if not demo:
        return None
    demo = demo[0]
    s.demo_jurnal = demo["id"]
    s.call("accounting.connection", "write", [[demo["id"]], {"active": False}])
    for old in s.call("accounting.connection", "search_read", [[("name", "=", "Jurnal - Toko Baru")]],
                      fields=["live_mode", "active"], context={"active_test": False}):
        if old["live_mode"]:
            if old["active"]:
                s.call("accounting.connection", "write", [[old["id"]], {"active": False}])
        else:
            s.call("accounting.connection", "write", [[old["id"]], {"active": True}])
            return old["id"]
    conn = s.call("accounting.connection", "create", [{
        "name": "Jurnal - Toko Baru", "provider": "jurnal", "sandbox": True, "base_url": demo["base_url"],
        "auth_method": demo["auth_method"], "client_id": demo["client_id"], "client_secret": demo["client_secret"],
        "live_mode": False, "default_customer_ref": "UMUM"}])
    s.call("accounting.connection", "action_test_connection", [[conn]])
    s.call("accounting.connection", "action_fetch_remote_lists", [[conn]])
    return conn


def lend_outlet(s, conn):
    """The guide's first step on the blank connection: an outlet mapped (the
    demo's last one, lent by the Accurate connection; ``restore_jurnal``
    gives it back)."""
    lent = s.call("accounting.outlet.map", "search_read", [[("connection_id.name", "=", "Accurate (sandbox)"),
                                                            ("active", "=", True)]],
                  fields=["pos_config_id"], order="id desc", limit=1)
    if not lent:
        return
    s.lent_outlet = lent[0]["id"]
    s.call("accounting.outlet.map", "write", [[lent[0]["id"]], {"active": False}])
    mine = s.call("accounting.outlet.map", "search", [[("connection_id", "=", conn), ("active", "in", [True, False])]])
    if mine:
        s.call("accounting.outlet.map", "write", [mine, {"active": True}])
    else:
        s.call("accounting.outlet.map", "create", [{"connection_id": conn,
                                                     "pos_config_id": lent[0]["pos_config_id"][0]}])


def restore_jurnal(s):
    """The demo's Jurnal connection back, the one set up from blank put away."""
    blank = s.call("accounting.connection", "search", [[("name", "=", "Jurnal - Toko Baru")]])
    if blank:
        s.call("accounting.outlet.map", "write", [s.call("accounting.outlet.map", "search", [[
            ("connection_id", "in", blank)]]), {"active": False}])
        s.call("accounting.connection", "write", [blank, {"active": False}])
    if getattr(s, "lent_outlet", None):
        s.call("accounting.outlet.map", "write", [[s.lent_outlet], {"active": True}])
        s.lent_outlet = None
    if getattr(s, "demo_jurnal", None):
        s.call("accounting.connection", "write", [[s.demo_jurnal], {"active": True}])


def go_live_screens(s, suffix=""):
    """Turning live mode on for a connection set up from blank: refused with
    what is missing (or, before that check existed, the confirmation)."""
    conn = blank_jurnal_connection(s)
    if not conn:
        return
    lend_outlet(s, conn)
    s.page.goto("%s/odoo/action-pos_accounting_sync.action_accounting_connection/%s" % (s.url, conn))
    s.page.wait_for_selector(".o_form_view")
    if not s.page.is_visible("button[name=action_enable_live_mode]"):
        restore_jurnal(s)
        return
    s.page.click("button[name=action_enable_live_mode]")
    s.page.wait_for_selector(".modal")
    s.page.wait_for_timeout(400)
    s.save("31_go_live_confirm%s" % suffix, full_page=False)
    s.page.click(".modal .modal-footer .btn-primary")
    s.page.wait_for_timeout(1500)
    s.save("32_go_live_refusal%s" % suffix, full_page=False)
    if s.page.is_visible(".modal .modal-footer .btn-primary"):
        s.page.click(".modal .modal-footer .btn-primary")
    restore_jurnal(s)


def refuse_next_receipt(s):
    """The accounting system loses the bank account of the card method (as an
    accountant deleting it there would): the next card receipt is refused in
    its own words. Returns False when the sandbox cannot be reached."""
    conn = s.call("accounting.connection", "search_read", [[("name", "=", "Accurate (sandbox)")]],
                  fields=["base_url", "payment_map_ids"], limit=1)[0]
    maps = s.call("accounting.payment.map", "read", [conn["payment_map_ids"]],
                  fields=["payment_method_type", "remote_account", "payment_method_id"])
    bank = next((m for m in maps if m["payment_method_type"] == "bank"), None)
    if not bank:
        return False
    request = urllib.request.Request("%s/_sandbox/masters/accurate/account/%s" % (
        conn["base_url"].rstrip("/"), bank["remote_account"]), method="DELETE")
    try:
        urllib.request.urlopen(request, timeout=10)
    except OSError as exc:
        print("  (the sandbox did not delete the account: %s)" % exc)
    return bank["payment_method_id"][0]


def banner_screens(s, session, suffix=""):
    """Both failure banners: Odoo's own check (the item without a SKU,
    nothing sent) and the accounting system's refusal (the receipt naming
    the bank account it no longer has)."""
    own = s.call("accounting.sync.job", "search", [[("res_model", "=", "pos.session"), ("res_id", "=", session),
                                                    ("state", "=", "failed")]] if session else [[("id", "=", 0)]],
                 limit=1) or s.call("accounting.sync.job", "search", [[("state", "=", "failed"),
                                                                        ("request_body", "=", False)]], limit=1)
    if own:
        s.page.goto("%s/odoo/action-pos_accounting_sync.action_accounting_sync_job/%s" % (s.url, own[0]))
        s.page.wait_for_selector(".o_form_view")
        s.save("33_banner_own_check%s" % suffix)
    refused = s.call("accounting.sync.job", "search", [[("state", "=", "failed"), ("request_body", "!=", False),
                                                        ("provider_message", "!=", False)]], limit=1)
    if refused:
        s.page.goto("%s/odoo/action-pos_accounting_sync.action_accounting_sync_job/%s" % (s.url, refused[0]))
        s.page.wait_for_selector(".o_form_view")
        s.save("34_banner_accounting_system%s" % suffix)


def reconciliation_screens(s, suffix=""):
    conn = s.call("accounting.connection", "search", [[("name", "=", "Accurate (sandbox)")]], limit=1)
    try:
        s.call("accounting.connection", "action_view_reconciliation", [conn])
    except RuntimeError as exc:
        print("  (reconciliation: %s)" % exc)
    s.goto("action_accounting_reconciliation_line")
    s.save("35_reconciliation%s" % suffix)


def outlet_day_screens(s, suffix=""):
    """Once a day per outlet, sales as journal entries: two shifts of the
    Accurate outlet gather in one outlet day; Post Now sends the day's one
    journal entry. The connection's settings are put back afterwards."""
    conn = s.call("accounting.connection", "search", [[("name", "=", "Accurate (sandbox)")]], limit=1)
    keep = s.call("accounting.connection", "read", [conn], fields=["sales_sync_mode", "sales_posting"])[0]
    taxes = s.call("accounting.tax.map", "search_read", [[("connection_id", "in", conn)]],
                   fields=["treatment", "tax_account"])
    s.call("accounting.connection", "write", [conn, {"sales_sync_mode": "daily", "sales_posting": "journal_entry"}])
    for line in taxes:  # PPN Keluaran of the sandbox's chart, as the admin picks it on the Taxes tab
        if line["treatment"] != "regional" and not line["tax_account"]:
            s.call("accounting.tax.map", "write", [[line["id"]], {"tax_account": "2105"}])
    try:
        s.goto("action_accounting_connection")
        s.open_row("Accurate (sandbox)")
        s.page.click(".o_notebook .nav-link[name=sync]")  # by its name: the label is the reader's language
        s.page.wait_for_timeout(300)
        s.save("40_daily_journal_entry_settings%s" % suffix)
        if not suffix:  # the English run makes the day; the Indonesian one reads it
            for _shift in range(2):
                close_a_shift(s, with_no_sku=False)
        s.goto("action_accounting_pos_day")
        s.save("41_outlet_days%s" % suffix)
        s.page.click(".o_list_view .o_data_row td.o_data_cell >> nth=0")
        s.page.wait_for_selector(".o_form_view")
        s.save("42_outlet_day%s" % suffix)
        if s.page.is_visible("button[name=action_post_now]"):
            s.page.click("button[name=action_post_now]")
            s.page.click(".modal .modal-footer .btn-primary")
            s.page.wait_for_timeout(1000)
        send_and_wait(s, [("res_model", "=", "accounting.pos.day")])
        entry = s.call("accounting.sync.job", "search", [[("res_model", "=", "accounting.pos.day"),
                                                          ("kind", "=", "journal_entry")]], limit=1, order="id desc")
        if entry:
            s.page.goto("%s/odoo/action-pos_accounting_sync.action_accounting_sync_job/%s" % (s.url, entry[0]))
            s.page.wait_for_selector(".o_form_view")
            s.save("43_outlet_day_journal_entry%s" % suffix)
    finally:
        s.call("accounting.connection", "write", [conn, {k: keep[k] for k in ("sales_sync_mode", "sales_posting")}])


def set_language(s, lang):
    """The signed-in user's language; Indonesian is installed first when needed."""
    if lang != "en_US" and not s.call("res.lang", "search", [[("code", "=", lang)]]):
        wizard = s.call("base.language.install", "create", [{"lang_ids": [(6, 0, s.call(
            "res.lang", "search", [[("code", "=", lang), ("active", "=", False)]]))]}])
        s.call("base.language.install", "lang_install", [[wizard]])
    uid = s.call("res.users", "search", [[("login", "=", s.login)]])
    s.call("res.users", "write", [uid, {"lang": lang}])
    s.page.goto(s.url + "/odoo")
    s.page.wait_for_selector(".o_main_navbar")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running demo (else one is started on free ports)")
    parser.add_argument("--db", default=None, help="database (default pas_demo with --url, else pas_shots)")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright  # only this script needs it

    args.out.mkdir(parents=True, exist_ok=True)
    proc = None
    db = args.db or ("pas_demo" if args.url else "pas_shots")
    url = args.url
    if not url:
        print("Starting the demo (database %s)..." % db)
        url, proc = start_demo(db)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="en-US")
            page.set_default_timeout(240000)  # the first visit builds the web assets
            login(page, url, db, args.login, args.password)
            shots = Shots(page, url, args.out)
            print("Saving to %s:" % args.out)
            shots.login = args.login
            set_language(shots, "en_US")  # an earlier run stopped halfway may have left Indonesian
            connection_screens(shots)
            session = close_a_shift(shots)
            if session:
                sync_log_screens(shots, session)
            check_screens(shots)
            go_live_screens(shots)
            card = refuse_next_receipt(shots)
            if card:
                close_a_shift(shots, method=card, with_no_sku=False)
            banner_screens(shots, session)
            reconciliation_screens(shots)
            outlet_day_screens(shots)
            # the same screens as an Indonesian user reads them
            set_language(shots, "id_ID")
            check_screens(shots, "_id")
            go_live_screens(shots, "_id")
            banner_screens(shots, session, "_id")
            reconciliation_screens(shots, "_id")
            outlet_day_screens(shots, "_id")
            set_language(shots, "en_US")
            browser.close()
        print("%d screenshots." % len(shots.taken))
    finally:
        if proc:
            stop_demo(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
