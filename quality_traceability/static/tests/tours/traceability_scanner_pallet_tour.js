/** @odoo-module **/
import {registry} from "@web/core/registry";

// The pallet of test_scan_package.TestScannerPalletTour, and the GS1 data its
// label's GS1 DataMatrix gives a scanner: "]d2" (FNC1 first), AI 00, the SSCC.
const SSCC = "006141410007000015";
const LIST = ".o_field_widget[name='line_ids']";

registry.category("web_tour.tours").add("quality_traceability_scanner_pallet_tour", {
    url: "/odoo/action-quality_traceability.traceability_scanner_action",
    steps: () => [
        {
            content: "Scan the pallet's label",
            trigger: ".o_traceability_scanner_code",
            run: `edit ]d200${SSCC} && press Enter`,
        },
        {
            content: "The pallet is found, with the product in the boxes on it",
            trigger:
                ".o_traceability_scanner_lot:contains('PT-PALLET-1'):contains('Test Bottle')",
        },
        {
            content: "Trace it",
            trigger: ".o_traceability_scanner_trace",
            run: "click",
        },
        {
            content: "The trace names the pallet by its SSCC",
            trigger: `.o_form_view .oe_title:contains('${SSCC}')`,
        },
        {
            content: "Forward: its three serials",
            trigger:
                ".o-form-buttonbox button[name='action_open_lots'] .o_stat_value:contains('3')",
        },
        {
            content: "and the customer who got them",
            trigger:
                ".o-form-buttonbox button[name='action_open_customers'] .o_stat_value:contains('1')",
        },
        {
            content: "The list shows each serial and its delivery to customer A",
            trigger: `${LIST} .o_data_row:contains('PSN-1')`,
            run() {
                const rows = [...document.querySelectorAll(`${LIST} .o_data_row`)].map(
                    (row) => row.textContent
                );
                for (const serial of ["PSN-1", "PSN-2", "PSN-3"]) {
                    if (!rows.some((text) => text.includes(serial))) {
                        throw new Error(`${serial} is not in the trace`);
                    }
                }
                if (rows.some((text) => text.includes("PSN-4"))) {
                    throw new Error("PSN-4 was not on the pallet");
                }
                if (!rows.some((text) => text.includes("Test Customer A"))) {
                    throw new Error("The delivery to customer A is missing");
                }
            },
        },
    ],
});
