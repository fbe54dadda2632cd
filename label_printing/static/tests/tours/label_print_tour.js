/** @odoo-module **/
import {registry} from "@web/core/registry";

// Run on the form of lot "TOUR-LOT-1" (tests/test_label_tour.py), with a fake
// network printer listening.
registry.category("web_tour.tours").add("label_printing_print_lot_tour", {
    steps: () => [
        {
            content: "The lot form is open",
            trigger: ".o_form_view .o_field_widget[name='name'] input:value('TOUR-LOT-1'), .o_form_view .o_field_widget[name='name']:contains('TOUR-LOT-1')",
        },
        {
            content: "Open the action menu",
            trigger: ".o_form_view .o_cp_action_menus i.fa-cog",
            run: "click",
        },
        {
            trigger: ".dropdown-menu",
        },
        {
            content: "Print Labels",
            trigger: ".dropdown-menu .o_menu_item:contains('Print Labels')",
            run: "click",
        },
        {
            content: "The template is chosen by the rules",
            trigger: ".modal .o_field_widget[name='template_id'] input:value('Tour Label')",
        },
        {
            content: "Print on the label printer",
            trigger: ".modal .o_field_widget[name='output'] input[data-value='printer']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='printer_id'] input:value('Tour Printer')",
        },
        {
            content: "Print",
            trigger: ".modal button[name='action_print']",
            run: "click",
        },
        {
            content: "The printer got the labels",
            trigger: ".o_notification:contains('labels sent to Tour Printer')",
        },
    ],
});
