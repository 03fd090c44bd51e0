"""Crons moved to the model of their flow (their records are noupdate).

Views: the 24 views that extended this module's own views are folded
into the view they extended (one view per screen). They go before the
module's data is loaded: left in place, they would be applied to the
folded view while it is updated, and some of their anchors are gone."""

# obsolete view -> the view it extended, which now holds its content
FOLDED = {
    "view_accounting_connection_form_backfill": "view_accounting_connection_form",
    "view_accounting_connection_form_cash": "view_accounting_connection_form",
    "view_accounting_connection_form_health": "view_accounting_connection_form",
    "view_accounting_connection_form_inbound": "view_accounting_connection_form",
    "view_accounting_connection_form_invoices": "view_accounting_connection_form",
    "view_accounting_connection_form_live": "view_accounting_connection_form",
    "view_accounting_connection_form_payout": "view_accounting_connection_form",
    "view_accounting_connection_form_quota_pause": "view_accounting_connection_form",
    "view_accounting_connection_form_reconciliation": "view_accounting_connection_form",
    "view_accounting_connection_form_stock": "view_accounting_connection_form",
    "view_accounting_connection_form_taxes": "view_accounting_connection_form",
    "view_accounting_sync_job_form_cause": "view_accounting_sync_job_form",
    "view_accounting_sync_job_form_display": "view_accounting_sync_job_form",
    "view_accounting_sync_job_form_history": "view_accounting_sync_job_form",
    "view_accounting_sync_job_form_lease": "view_accounting_sync_job_form",
    "view_accounting_sync_job_form_remote_change": "view_accounting_sync_job_form",
    "view_accounting_sync_job_list_display": "view_accounting_sync_job_list",
    "view_accounting_sync_job_list_paused": "view_accounting_sync_job_list",
    "view_accounting_sync_job_list_remote_change": "view_accounting_sync_job_list",
    "view_accounting_sync_job_search_remote_change": "view_accounting_sync_job_search",
    "view_accounting_webhook_event_form_display": "view_accounting_webhook_event_form",
    "view_accounting_webhook_event_list_display": "view_accounting_webhook_event_list",
    "view_accounting_inbound_event_form_display": "view_accounting_inbound_event_form",
    "view_accounting_inbound_event_list_display": "view_accounting_inbound_event_list",
}


#: crons whose run moved off the connection onto the model of its flow; the
#: cron records are noupdate, so an upgrade would keep the old model
CRON_MODELS = {
    "ir_cron_accounting_reconciliation": "accounting.reconciliation.line",
    "ir_cron_accounting_poll_purchases": "accounting.inbound.event",
    "ir_cron_accounting_renew_webhooks": "accounting.webhook.event",
    "ir_cron_accounting_stock_parity": "accounting.stock.parity",
    "ir_cron_accounting_mapping_health": "accounting.mapping.health",
}


def migrate(cr, version):
    if not version:
        return
    for cron, model in CRON_MODELS.items():
        cr.execute("""
            UPDATE ir_act_server act SET model_id = m.id, model_name = m.model
              FROM ir_cron c, ir_model_data d, ir_model m
             WHERE d.module = 'pos_accounting_sync' AND d.model = 'ir.cron' AND d.name = %s
               AND c.id = d.res_id AND act.id = c.ir_actions_server_id AND m.model = %s
        """, (cron, model))
    for old, base in FOLDED.items():
        cr.execute("""
            SELECT old.res_id, new.res_id FROM ir_model_data old, ir_model_data new
             WHERE old.module = 'pos_accounting_sync' AND old.model = 'ir.ui.view' AND old.name = %s
               AND new.module = 'pos_accounting_sync' AND new.model = 'ir.ui.view' AND new.name = %s
        """, (old, base))
        row = cr.fetchone()
        if not row:
            continue
        old_id, base_id = row
        # a view of another module that extended the obsolete one extends the folded view now
        cr.execute("UPDATE ir_ui_view SET inherit_id = %s WHERE inherit_id = %s", (base_id, old_id))
        cr.execute("DELETE FROM ir_ui_view WHERE id = %s", (old_id,))
        cr.execute("DELETE FROM ir_model_data WHERE module = 'pos_accounting_sync' AND model = 'ir.ui.view' "
                   "AND name = %s", (old,))
