"""Field names Jurnal's published contract documents for each request body
the sandbox takes (generated from ``jurnal-swagger.json``: each body schema's
properties at any depth, its example's keys and the names its description
quotes). The sandbox drops every other field of a request body, as the real
service may; ``tests/test_jurnal_swagger.py`` checks this table against the
Swagger file. Regenerate it with ``python3 tests/jurnal_swagger.py``."""

DOCUMENTED = {
    ("POST", "customers"): frozenset({
        "address", "associate_company", "billing_address", "custom_id", "customer",
        "default_ap_account_name", "default_ar_account_name", "disable_max_credit_limit", "display_name",
        "email", "fax", "first_name", "last_name", "max_credit_limit", "middle_name", "mobile",
        "opening_balance", "other_detail", "phone", "source", "start_balance", "tax_no", "title"
    }),
    ("POST", "customers/batch_create"): frozenset({
        "address", "associate_company", "billing_address", "custom_id", "customer", "customers",
        "default_ap_account_name", "default_ar_account_name", "disable_max_credit_limit", "display_name",
        "email", "fax", "first_name", "is_deleted", "last_name", "max_credit_limit", "middle_name",
        "mobile", "opening_balance", "other_detail", "phone", "source", "start_balance", "tax_no", "title"
    }),
    ("POST", "vendors"): frozenset({
        "address", "associate_company", "billing_address", "custom_id", "default_ap_account_name",
        "default_ar_account_name", "disable_max_credit_limit", "display_name", "email", "fax", "first_name",
        "last_name", "max_credit_limit", "middle_name", "mobile", "opening_balance", "other_detail",
        "phone", "source", "start_balance", "tax_no", "title", "vendor"
    }),
    ("POST", "vendors/batch_create"): frozenset({
        "address", "associate_company", "billing_address", "custom_id", "default_ap_account_name",
        "default_ar_account_name", "disable_max_credit_limit", "display_name", "email", "fax", "first_name",
        "last_name", "max_credit_limit", "middle_name", "mobile", "opening_balance", "other_detail",
        "phone", "source", "start_balance", "tax_no", "title", "vendor", "vendors"
    }),
    ("POST", "products"): frozenset({
        "account_code", "account_id", "account_name", "account_number", "active", "amount", "archived",
        "bundle_costs_attributes", "buy_account_name", "buy_account_number", "buy_price_per_unit",
        "buy_tax_id", "custom_id", "description", "false", "inventory", "inventory_asset_account",
        "inventory_asset_account_id", "inventory_asset_account_name", "inventory_asset_account_number",
        "is_bought", "is_sold", "name", "non", "of", "product", "product_bundle_attributes",
        "product_bundles_attributes", "product_category_ids", "product_code", "product_id", "product_name",
        "quantity", "sell_account_name", "sell_account_number", "sell_price_per_unit", "sell_tax_id",
        "taxable_buy", "taxable_sell", "track_inventory", "tracked", "true", "unit_name"
    }),
    ("POST", "products/batch_create"): frozenset({
        "account_code", "account_id", "account_name", "active", "archived", "bundle_costs_attributes",
        "buy_account_name", "buy_account_number", "buy_price_per_unit", "buy_tax_id", "custom_id",
        "description", "false", "inventory", "inventory_asset_account", "inventory_asset_account_id",
        "inventory_asset_account_name", "inventory_asset_account_number", "is_bought", "is_sold", "name",
        "non", "of", "product", "product_bundle_attributes", "product_code", "product_id", "product_name",
        "products", "sell_account_name", "sell_account_number", "sell_price_per_unit", "sell_tax_id",
        "taxable_buy", "taxable_sell", "track_inventory", "tracked", "true", "unit_name"
    }),
    ("POST", "warehouses"): frozenset({
        "address", "code", "custom_id", "description", "name", "warehouse"
    }),
    ("POST", "accounts"): frozenset({
        "account", "as_a_child", "as_a_parent", "category_name", "children_names", "company_tax_name",
        "custom_id", "description", "name", "number", "parent_category_name"
    }),
    ("POST", "sales_invoices"): frozenset({
        "address", "amount", "attachment_id", "custom_id", "deposit", "deposit_to_name", "description",
        "discount", "discount_type_name", "discount_type_value", "discount_unit", "discount_value",
        "due_date", "email", "id", "included_attachment_ids", "is_shipped", "line_tax_id", "line_tax_name",
        "memo", "message", "person_id", "person_name", "product", "product_code", "product_custom_id",
        "product_id", "product_name", "quantity", "rate", "reference_no", "sales_invoice", "sales_order_id",
        "sales_quote_id", "selected_po_id", "selected_pq_id", "ship_via", "shipping_address",
        "shipping_date", "shipping_price", "source", "tags", "tax", "tax_after_discount", "tax_amount",
        "tax_id", "term_name", "tracking_no", "transaction_date", "transaction_lines_attribute",
        "transaction_lines_attributes", "transaction_no", "use_tax_inclusive", "warehouse_code",
        "warehouse_name", "witholding_account_name", "witholding_type", "witholding_value"
    }),
    ("POST", "sales_invoices/batch_create"): frozenset({
        "address", "amount", "custom_id", "deposit", "deposit_to_name", "description", "discount",
        "discount_type_name", "discount_type_value", "discount_unit", "discount_value", "due_date", "email",
        "id", "is_shipped", "line_tax_id", "line_tax_name", "memo", "message", "person_name", "product",
        "product_code", "product_custom_id", "product_id", "product_name", "quantity", "rate",
        "reference_no", "sales_invoice", "sales_invoices", "ship_via", "shipping_address", "shipping_date",
        "shipping_price", "tax", "tax_after_discount", "term_name", "tracking_no", "transaction_date",
        "transaction_lines_attribute", "transaction_lines_attributes", "transaction_no", "warehouse_code",
        "warehouse_name", "witholding_account_name", "witholding_type", "witholding_value"
    }),
    ("POST", "receive_payments"): frozenset({
        "amount", "custom_id", "deposit_to_name", "is_draft", "memo", "payment_method_id",
        "payment_method_name", "percent", "receive_payment", "records_attributes", "transaction_date",
        "transaction_no", "value", "witholding_account_name", "witholding_type", "witholding_value"
    }),
    ("POST", "receive_payments/batch_create"): frozenset({
        "amount", "custom_id", "deposit_to_name", "is_draft", "memo", "payment_method_id",
        "payment_method_name", "percent", "person_name", "receive_payment", "receive_payments",
        "records_attributes", "transaction_date", "transaction_no", "value", "witholding_account_name",
        "witholding_type", "witholding_value"
    }),
    ("POST", "sales_returns"): frozenset({
        "attachment_id", "included_attachment_ids", "invoice", "invoice_id", "invoice_no", "line", "memo",
        "message", "product_id", "product_name", "return_quantity", "sales_return", "transaction",
        "transaction_date", "transaction_line_id", "transaction_return_lines",
        "transaction_return_lines_attributes", "warehouse", "warehouse_code", "warehouse_id",
        "warehouse_name"
    }),
    ("POST", "warehouse_transfers"): frozenset({
        "custom_id", "from_warehouse_name", "memo", "product_name", "quantity", "to_warehouse_name",
        "transaction_date", "transaction_no", "warehouse_transfer", "warehouse_transfer_lines_attributes"
    }),
    ("POST", "stock_adjustments"): frozenset({
        "account_name", "actual_quantity", "average_price", "custom_id", "date", "difference", "false",
        "lines_attributes", "maintain_actual", "memo", "product_name", "stock_adjustment",
        "stock_adjustment_type", "system_quantity", "tags", "transaction_no", "true",
        "use_custom_average_price", "warehouse", "warehouse_code", "warehouse_id", "warehouse_name"
    }),
    ("POST", "bank_transfers"): frozenset({
        "bank_transfer", "custom_id", "deposit_to_name", "memo", "refund_from_name", "transaction_date",
        "transaction_no", "transfer_amount"
    }),
    ("POST", "bank_transfers/batch_create"): frozenset({
        "bank_transfer", "bank_transfers", "custom_id", "deposit_to_name", "memo", "refund_from_name",
        "transaction_date", "transaction_no", "transfer_amount"
    }),
    ("POST", "journal_entries"): frozenset({
        "account_name", "credit", "custom_id", "debit", "journal_entry", "memo", "tags",
        "transaction_account_lines_attributes", "transaction_date", "transaction_no"
    }),
    ("POST", "journal_entries/batch_create"): frozenset({
        "account_name", "credit", "debit", "journal_entries", "journal_entry", "memo", "tags",
        "transaction_account_lines_attributes", "transaction_date", "transaction_no"
    }),
    ("POST", "purchase_invoices"): frozenset({
        "address", "amount", "attachment_id", "custom_id", "deposit", "description", "discount",
        "discount_type_name", "discount_type_value", "discount_unit", "discount_value", "due_date", "email",
        "false", "id", "included_attachment_ids", "is_shipped", "line_tax_id", "line_tax_name", "memo",
        "message", "percent", "person_name", "product", "product_code", "product_custom_id", "product_id",
        "product_name", "purchase_invoice", "purchase_order_id", "purchase_quote_id", "quantity", "rate",
        "reference_no", "refund_from_name", "selected_po_id", "selected_pq_id", "ship_via",
        "shipping_address", "shipping_date", "shipping_price", "source", "tags", "tax",
        "tax_after_discount", "term_name", "tracking_no", "transaction_date", "transaction_lines_attribute",
        "transaction_lines_attributes", "transaction_no", "use_tax_inclusive", "value", "warehouse_code",
        "warehouse_name", "witholding_account_name", "witholding_type", "witholding_value"
    }),
    ("POST", "purchase_returns"): frozenset({
        "attachment_id", "included_attachment_ids", "invoice", "invoice_id", "invoice_no", "line", "memo",
        "message", "product_id", "product_name", "purchase_return", "return_quantity", "transaction",
        "transaction_date", "transaction_line_id", "transaction_return_lines",
        "transaction_return_lines_attributes", "warehouse", "warehouse_code", "warehouse_id",
        "warehouse_name"
    }),
    ("POST", "credit_memos"): frozenset({
        "account_name", "credit", "credit_memo", "custom_id", "description", "memo", "person_id",
        "person_name", "person_type", "transaction_account_lines_attributes", "transaction_date",
        "transaction_no"
    }),
    ("PATCH", "customers/{id}"): frozenset({
        "address", "associate_company", "billing_address", "custom_id", "customer",
        "default_ap_account_name", "default_ar_account_name", "disable_max_credit_limit", "display_name",
        "email", "fax", "first_name", "last_name", "max_credit_limit", "middle_name", "mobile",
        "opening_balance", "other_detail", "phone", "source", "start_balance", "tax_no", "title"
    }),
    ("PATCH", "products/{id}"): frozenset({
        "account_code", "account_id", "account_name", "active", "amount", "archived",
        "bundle_cost_attribute", "bundle_costs_attributes", "buy_account_name", "buy_account_number",
        "buy_price_per_unit", "buy_tax_id", "description", "false", "id", "inventory",
        "inventory_asset_account", "inventory_asset_account_id", "inventory_asset_account_name",
        "inventory_asset_account_number", "is_bought", "is_sold", "name", "non", "of", "product",
        "product_bundle_attributes", "product_bundles_attributes", "product_code", "product_id",
        "product_name", "quantity", "remove_bundle_cost_elements", "remove_bundle_elements",
        "sell_account_name", "sell_account_number", "sell_price_per_unit", "sell_tax_id", "taxable_buy",
        "taxable_sell", "track_inventory", "tracked", "true"
    }),
}
