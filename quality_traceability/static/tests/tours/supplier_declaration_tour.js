/** @odoo-module **/
import {registry} from "@web/core/registry";

function setDate(value) {
    return function ({anchor}) {
        anchor.value = value;
        anchor.dispatchEvent(new Event("change", {bubbles: true}));
    };
}

// A vendor's portal user declares a lot of its open order "Tour Resin"
// with its certificate of analysis (tests/test_supplier_portal.py).
registry
    .category("web_tour.tours")
    .add("quality_traceability_supplier_declaration_tour", {
        steps: () => [
            {
                content: "The vendor's open order is listed",
                trigger: ".o_supplier_order_row a",
                run: "click",
            },
            {
                content: "Its line of a lot-tracked product takes a declaration",
                trigger: ".o_supplier_line:contains('Tour Resin') input[name='lot_name']",
                run: "edit TOUR-VENDOR-LOT-1",
            },
            {
                trigger: ".o_supplier_line:contains('Tour Resin') input[name='quantity']",
                run: "edit 6",
            },
            {
                trigger:
                    ".o_supplier_line:contains('Tour Resin') input[name='production_date']",
                run: setDate("2026-01-05"),
            },
            {
                trigger:
                    ".o_supplier_line:contains('Tour Resin') input[name='expiration_date']",
                run: setDate("2027-01-05"),
            },
            {
                content: "The certificate gives the value of our incoming parameter",
                trigger:
                    ".o_supplier_line:contains('Tour Resin') .o_supplier_certificate label:contains('Tour Melt Index') + input",
                run: "edit 10.4",
            },
            {
                trigger:
                    ".o_supplier_line:contains('Tour Resin') .o_supplier_certificate select",
                run: "select pass",
            },
            {
                content: "Declare",
                trigger: ".o_supplier_line:contains('Tour Resin') button.o_supplier_declare",
                run: "click",
            },
            {
                content: "The declaration is confirmed",
                trigger: ".o_supplier_declared:contains('TOUR-VENDOR-LOT-1')",
            },
            {
                content: "and listed on the line with its certificate value",
                trigger:
                    ".o_supplier_line:contains('Tour Resin') .o_supplier_declared_lot:contains('TOUR-VENDOR-LOT-1'):contains('10.40')",
            },
        ],
    });
