/** @odoo-module */

import { registry } from "@web/core/registry";

// An accountant opens the sync log, keeps only the failed documents, reads
// why one failed and sends it again.
registry.category("web_tour.tours").add("pos_accounting_sync_log_tour", {
    url: "/odoo/action-pos_accounting_sync.action_accounting_sync_job",
    steps: () => [
        {
            content: "The log lists every document",
            trigger: ".o_list_view .o_data_row td:contains(INV/TOUR/DONE)",
        },
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
            content: "Only the failed document is left",
            trigger: ".o_searchview_facet:contains(Failed)",
        },
        {
            trigger: ".o_list_view:not(:has(td:contains(INV/TOUR/DONE)))",
        },
        {
            content: "Open the failed document",
            trigger: ".o_data_row td:contains(INV/TOUR/FAILED)",
            run: "click",
        },
        {
            content: "The reason is written in words, under Odoo's own check (nothing was sent)",
            trigger: ".o_form_view [name=banner_own_check]:contains(has no internal reference)",
        },
        {
            content: "Nothing was sent, and the request tab says why",
            trigger: ".o_form_view .o_notebook .font-monospace:contains(Nothing was sent)",
        },
        {
            content: "The receipt waiting on it is counted on a button",
            trigger: ".o_form_view button[name=action_open_waiting]:contains(Waiting on this):contains(1)",
        },
        {
            content: "Send it again",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_retry]",
            run: "click",
        },
        {
            content: "It waits for the worker again",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Pending)",
        },
    ],
});
