/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("label_printing_scanner_print_tour", {
    url: "/odoo/action-quality_traceability.traceability_scanner_action",
    steps: () => [
        {
            content: "Scan the serial number",
            trigger: ".o_traceability_scanner_code",
            run: "edit SN-TOUR-LABEL && press Enter",
        },
        {
            content: "Its final test is picked: the seal passes",
            trigger: ".o_traceability_scanner_form button[data-verdict='pass']",
            run: "click",
        },
        {
            content: "Submit",
            trigger: ".o_traceability_scanner_submit",
            run: "click",
        },
        {
            content: "Passed: ask for the label",
            trigger: ".o_traceability_scanner_print_label",
            run: "click",
        },
        {
            content: "The label went to the station's printer",
            trigger: ".o_traceability_scanner_message.alert-success:contains('Tour station')",
        },
        {
            content: "The button is gone until the next check",
            trigger: ".o_traceability_scanner:not(:has(.o_traceability_scanner_print_label))",
        },
    ],
});
