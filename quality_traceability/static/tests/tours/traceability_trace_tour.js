/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("quality_traceability_trace_tour", {
    url: "/odoo/action-stock.action_production_lot_form",
    steps: () => [
        {
            content: "Open the lot split across two customers",
            trigger: ".o_list_view .o_data_cell:contains('CUP-0001')",
            run: "click",
        },
        {
            content: "Trace it",
            trigger: ".o_form_view .o_traceability_trace_button",
            run: "click",
        },
        {
            content: "Forward: its deliveries are listed",
            trigger: ".o_field_widget[name='line_ids'] .o_data_cell:contains('Delivered')",
        },
        {
            content: "Both customers are counted",
            trigger: ".oe_stat_button:contains('Customers'):contains('2')",
        },
        {
            content: "Switch to the backward trace",
            trigger: "button[name='action_switch_direction']",
            run: "click",
        },
        {
            content: "Backward: the vendor lot of the steel is reached",
            trigger: ".o_field_widget[name='line_ids'] .o_data_cell:contains('NBS-240301')",
        },
        {
            content: "The receipt from the vendor is listed",
            trigger: ".o_field_widget[name='line_ids'] .o_data_cell:contains('Received')",
        },
        {
            content: "Open the diagram",
            trigger: ".o_notebook .nav-link:contains('Diagram')",
            run: "click",
        },
        {
            content: "The diagram shows the lots by level",
            trigger: ".o_traceability_diagram [data-lot-id]:contains('BA-0001')",
        },
    ],
});
