/** @odoo-module */

import { registry } from "@web/core/registry";

// What the test put in sessionStorage: the sandbox's address and credentials
// (its port is known only when the test runs), or the failed job's reference.
function given(key) {
    return JSON.parse(sessionStorage.getItem("pos_accounting_sync_tour") || "{}")[key];
}

function field(name) {
    return `.o_form_view .o_field_widget[name=${name}]`;
}

function tab(label) {
    return { content: `Open the ${label} tab`, trigger: `.o_notebook .nav-link:contains(${label})`, run: "click" };
}

// Pick in a many2one: type, then choose the proposal (first one whose text matches)
function pick(selector, typed, proposal) {
    return [
        { content: `Type ${typed}`, trigger: `${selector} input`, run: `edit ${typed}` },
        {
            content: `Choose ${proposal}`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item > a:contains(${proposal})`,
            run: "click",
        },
    ];
}

function addLine(listField) {
    return {
        content: `Add a line to ${listField}`,
        trigger: `${field(listField)} .o_field_x2many_list_row_add a`,
        run: "click",
    };
}

function row(listField, column) {
    return `${field(listField)} .o_data_row.o_selected_row .o_field_widget[name=${column}]`;
}

// An admin sets up Jurnal from scratch: credentials, Test connection, Fetch
// lists, then the walk-in customer, the sales account, an outlet, a payment
// method and a tax.
registry.category("web_tour.tours").add("pos_accounting_sync_setup_tour", {
    steps: () => [
        { content: "New connection", trigger: ".o_control_panel .o_list_button_add", run: "click" },
        { content: "Name it", trigger: `${field("name")} input`, run: "edit Jurnal - Toko Tour" },
        { content: "Jurnal", trigger: `${field("provider")} select`, run: 'select "jurnal"' },
        {
            content: "Jurnal offers its own methods: HMAC is chosen",
            trigger: `${field("jurnal_auth_method")} input[data-value=hmac]:checked`,
        },
        {
            content: "The hint says where the credentials live",
            trigger: ".o_form_view .alert-info:contains(developers.mekari.com)",
        },
        {
            content: "Host of the sandbox",
            trigger: `${field("base_url")} input`,
            run: (helpers) => helpers.edit(given("url")),
        },
        {
            content: "A local test server: the sandbox box allows its http:// loopback host",
            trigger: `${field("sandbox")} input`,
            run: "click",
        },
        {
            content: "Client ID",
            trigger: `${field("client_id")} input`,
            run: (helpers) => helpers.edit(given("client_id")),
        },
        {
            content: "Client Secret",
            trigger: `${field("client_secret")} input`,
            run: (helpers) => helpers.edit(given("client_secret")),
        },
        { content: "Save", trigger: ".o_form_button_save", run: "click" },
        { content: "Saved", trigger: ".o_form_view .o_breadcrumb:contains(Jurnal - Toko Tour)" },
        {
            content: "Test connection",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_test_connection]",
            run: "click",
        },
        {
            content: "It is connected",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Connected)",
        },
        {
            content: "Fetch lists",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_fetch_remote_lists]",
            run: "click",
        },
        {
            content: "The lists are in",
            trigger: ".o_form_view button[name=action_view_remote_options] .o_stat_value",
        },
        tab("Sync"),
        ...pick(field("default_customer_option_id"), "Pelanggan", "Pelanggan Umum"),
        tab("Accounts"),
        ...pick(field("sales_account_option_id"), "4-4", "4-40000 Pendapatan"),
        tab("Outlets"),
        addLine("outlet_map_ids"),
        ...pick(row("outlet_map_ids", "pos_config_id"), "Toko Tour", "Toko Tour"),
        tab("Payment Methods"),
        addLine("payment_map_ids"),
        ...pick(row("payment_map_ids", "payment_method_id"), "Cash Toko", "Cash Toko Tour"),
        ...pick(row("payment_map_ids", "remote_account_option_id"), "1-1", "1-10001 Kas"),
        tab("Taxes"),
        addLine("tax_map_ids"),
        ...pick(row("tax_map_ids", "tax_id"), "PPN 11% (tour)", "PPN 11% (tour)"),
        {
            content: "Two remote taxes are at 11%: type the one meant",
            trigger: `${row("tax_map_ids", "remote_tax_option_id")} input`,
            run: "edit PPN",
        },
        {
            content: "Choose PPN (listed first)",
            trigger: ".o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item:first-child > a:contains(PPN)",
            run: "click",
        },
        { content: "Save the mappings", trigger: ".o_form_button_save", run: "click" },
        {
            content: "Back to the connections",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Connections)",
            run: "click",
        },
        {
            content: "It is listed as connected",
            trigger: ".o_list_view .o_data_row:contains(Jurnal - Toko Tour):contains(Connected)",
        },
    ],
});

// The accountant finds the failed document of the closed shift and reads why.
registry.category("web_tour.tours").add("pos_accounting_sync_failure_tour", {
    steps: () => [
        {
            content: "Open the filters",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep only the failed documents",
            trigger: ".o_filter_menu .o_menu_item:contains(Failed)",
            run: "click",
        },
        {
            content: "Open the failed document",
            trigger: `.o_list_view .o_data_row td:contains(${given("failed")})`,
            run: "click",
        },
        {
            content: "The reason names the product to fix",
            trigger: ".o_form_view [role=alert]:contains(Gorengan Tour)",
        },
        {
            content: "Open the line's history",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(History)",
            run: "click",
        },
        {
            content: "The history keeps the failed attempt and its reason",
            trigger: ".o_form_view .o_field_widget[name=attempt_ids] .o_data_row:contains(Failed):contains(Gorengan Tour)",
        },
    ],
});
