/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("recall_management_sale_order_tour", {
    steps: () => [
        {
            content: "Recall the products of the order",
            trigger: ".o_form_view button.o_recall_sale_order_button",
            run: "click",
        },
        {
            content: "The delivered lots are pre-selected",
            trigger: ".modal .o_field_widget[name='lot_ids'] .o_tag:contains('CUP-0001')",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Seal of the lid may leak",
        },
        {
            content: "Start the recall",
            trigger: ".modal button[name='action_create_recall']",
            run: "click",
        },
        {
            content: "The recall is scoped",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Scoped')",
        },
        {
            content: "Block the affected stock",
            trigger: ".o_form_view button[name='action_block_stock']",
            run: "click",
        },
        {
            content: "The recall is in progress",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Open the affected lots",
            trigger: ".o_notebook .nav-link:contains('Affected Lots')",
            run: "click",
        },
        {
            content: "The lots are blocked",
            trigger: ".o_field_widget[name='lot_ids'] .o_data_row:contains('CUP-0001') .o_field_badge:contains('Blocked')",
        },
    ],
});
