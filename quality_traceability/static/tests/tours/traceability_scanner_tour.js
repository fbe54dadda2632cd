/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("quality_traceability_scanner_tour", {
    url: "/odoo/action-quality_traceability.traceability_scanner_action",
    steps: () => [
        {
            content: "An unknown code is an error",
            trigger: ".o_traceability_scanner_code",
            run: "edit NO-SUCH-LOT && press Enter",
        },
        {
            content: "Red error message",
            trigger: ".o_traceability_scanner_message.alert-danger:contains('Unknown')",
        },
        {
            content: "Scan the GS1-128 element string (GTIN + lot) of the lot in quarantine",
            trigger: ".o_traceability_scanner_code",
            run: "edit 010690123456005310TOUR-1 && press Enter",
        },
        {
            content: "The lot is in quarantine; its only control point is picked",
            trigger: ".o_traceability_scanner_state:contains('Quarantine')",
        },
        {
            content: "Submitting without the values is refused",
            trigger: ".o_traceability_scanner_submit",
            run: "click",
        },
        {
            content: "Missing value error",
            trigger: ".o_traceability_scanner_message.alert-danger:contains('Missing')",
        },
        {
            content: "Measure the width out of its limits",
            trigger: ".o_traceability_scanner_form input[name='Width']",
            run: "edit 12.5",
        },
        {
            content: "Visual: pass",
            trigger: ".o_traceability_scanner_form button[data-spec='Visual'][data-verdict='pass']",
            run: "click",
        },
        {
            content: "Take a photo of the defect (the handheld's camera gives a file)",
            trigger: ".o_traceability_scanner_photo_input",
            run() {
                // A 1x1 PNG, as the camera input would hand it over.
                const png = Uint8Array.from(
                    atob(
                        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
                    ),
                    (char) => char.charCodeAt(0)
                );
                const transfer = new DataTransfer();
                transfer.items.add(new File([png], "width-defect.png", {type: "image/png"}));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "The photo is read and listed",
            trigger: ".o_traceability_scanner_photo:contains('width-defect.png') .fa-camera",
        },
        {
            content: "Submit",
            trigger: ".o_traceability_scanner_submit",
            run: "click",
        },
        {
            content: "The check failed and the lot is blocked",
            trigger: ".o_traceability_scanner_message.alert-danger:contains('FAIL')",
        },
        {
            content: "The photos are cleared for the next check",
            trigger: ".o_traceability_scanner:not(:has(.o_traceability_scanner_photo))",
        },
        {
            content: "Blocked badge; scan the lot again with a keyboard-wedge scanner",
            trigger: ".o_traceability_scanner_state.text-bg-danger",
            run() {
                // The keys of a wedge scanner, through Odoo's barcode service.
                for (const key of [..."TOUR-1", "Enter"]) {
                    document.body.dispatchEvent(
                        new KeyboardEvent("keydown", {key, bubbles: true})
                    );
                }
            },
        },
        {
            content: "A blocked lot is an error (and its form is offered again)",
            trigger:
                ".o_traceability_scanner_message.alert-danger:not(:contains('FAIL')):contains('is blocked')",
        },
    ],
});
