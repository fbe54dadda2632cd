/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("quality_traceability_menu_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the application menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Traceability app",
            trigger: ".o_app[data-menu-xmlid='quality_traceability.traceability_root_menu']",
            run: "click",
        },
        {
            content: "Open the Trace menu",
            trigger:
                ".o_menu_sections [data-menu-xmlid='quality_traceability.traceability_trace_menu']",
            run: "click",
        },
        {
            content: "Open the lots",
            trigger: ".dropdown-item[data-menu-xmlid='quality_traceability.traceability_lot_menu']",
            run: "click",
        },
        {
            content: "The lots of the demo factory are listed",
            trigger: ".o_list_view .o_data_cell:contains('CUP-0001')",
        },
        {
            content: "Open the lot split across customers",
            trigger: ".o_data_cell:contains('CUP-0001')",
            run: "click",
        },
        {
            content: "Its form is open",
            trigger: ".o_form_view .o_breadcrumb:contains('CUP-0001')",
        },
    ],
});
