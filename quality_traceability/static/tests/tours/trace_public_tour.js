/** @odoo-module **/
import {registry} from "@web/core/registry";

// Run without login on /trace/<code> of the serial SN-1 of "Test Bottle"
// (tests/test_public_lookup.py).
registry.category("web_tour.tours").add("quality_traceability_public_page_tour", {
    steps: () => [
        {
            content: "The public page shows the product",
            trigger: ".o_traceability_product_name:contains('Test Bottle')",
        },
        {
            content: "and its serial number",
            trigger: ".o_traceability_lot_name:contains('SN-1')",
        },
        {
            content: "but nothing of the customer it was delivered to",
            trigger: ".o_traceability_card:not(:contains('Test Customer A'))",
        },
    ],
});
