{
    "name": "POS Accounting Sync (Accurate Online, Jurnal)",
    "summary": "Post Point of Sale and Inventory documents to Accurate Online or Jurnal, "
               "with a sync log accountants can read and retry",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "pos_accounting_sync contributors",
    "website": "https://github.com/pos-accounting-sync/pos_accounting_sync",
    "depends": ["point_of_sale", "stock_account", "purchase_stock"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "security/ir_rule.xml",
        "data/ir_cron.xml",
        "data/mail_activity_type.xml",
        "views/accounting_connection_views.xml",
        "views/accounting_sync_job_views.xml",
        "views/accounting_webhook_event_views.xml",
        "views/menus.xml",
        "views/pos_session_views.xml",
        "views/pos_order_views.xml",
        "views/res_partner_views.xml",
        "views/product_views.xml",
        "views/accounting_connection_cash_views.xml",
        "wizards/product_validation_views.xml",
    ],
    "demo": [
        "demo/accounting_connection_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "pos_accounting_sync/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
