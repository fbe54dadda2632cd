/** @odoo-module **/
import {registry} from "@web/core/registry";

/**
 * Fails when the page or an element of the scanner is wider than the
 * viewport (the scanner is used on phones: texts wrap, nothing scrolls
 * sideways).
 */
function assertFitsTheScreen() {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth > width) {
        throw new Error(
            `The page is ${document.documentElement.scrollWidth}px wide on a ${width}px screen.`
        );
    }
    const scanner = document.querySelector(".o_traceability_scanner");
    if (scanner.scrollWidth > scanner.clientWidth) {
        throw new Error(`The scanner scrolls sideways (${scanner.scrollWidth}px).`);
    }
    for (const element of [scanner, ...scanner.querySelectorAll("*")]) {
        const box = element.getBoundingClientRect();
        if (box.width && (box.left < -0.5 || box.right > width + 0.5)) {
            throw new Error(
                `${element.className || element.tagName} overflows the ${width}px screen (${box.left}-${box.right}).`
            );
        }
    }
}

registry.category("web_tour.tours").add("quality_traceability_scanner_tour", {
    url: "/odoo/action-quality_traceability.traceability_scanner_action",
    steps: () => [
        {
            content: "The empty screen has a title",
            trigger: ".o_traceability_scanner_title:contains('Check a lot')",
        },
        {
            content: "and one line of instructions, and fits a phone's screen",
            trigger: ".o_traceability_scanner_hint:contains('Scan the label of a lot')",
            run: assertFitsTheScreen,
        },
        {
            content: "An unknown code is an error",
            trigger: ".o_traceability_scanner_code",
            run: "edit NO-SUCH-LOT-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 && press Enter",
        },
        {
            content: "Red error message; the long code wraps",
            trigger: ".o_traceability_scanner_message.alert-danger:contains('Unknown')",
            run: assertFitsTheScreen,
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
            content: "The title and the instructions give way to the lot",
            trigger: ".o_traceability_scanner:not(:has(.o_traceability_scanner_title))",
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
            content: "Visual: fail",
            trigger: ".o_traceability_scanner_form button[data-spec='Visual'][data-verdict='fail']",
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
                transfer.items.add(
                    new File([png], "width-defect-seen-at-the-incoming-inspection-dock-3.png", {
                        type: "image/png",
                    })
                );
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "The photo is read and listed; its long name wraps",
            trigger:
                ".o_traceability_scanner_photo:contains('width-defect-seen-at-the-incoming') .fa-camera",
            run: assertFitsTheScreen,
        },
        {
            content: "Submit",
            trigger: ".o_traceability_scanner_submit",
            run: "click",
        },
        {
            content: "The check failed and the lot is blocked",
            trigger: ".o_traceability_scanner_message.alert-danger:contains('FAIL'):contains('is blocked')",
        },
        {
            content: "The message names the failed width and by how much it missed",
            trigger:
                ".o_traceability_scanner_failures li:contains('Width 12.5 mm: 1.5 mm above the maximum 11.0')",
        },
        {
            content: "and the failed visual check",
            trigger: ".o_traceability_scanner_failures li:contains('Visual: fail')",
        },
        {
            content: "The badge shows the lot's state after the check",
            trigger: ".o_traceability_scanner_state.text-bg-danger:contains('Blocked')",
        },
        {
            content: "The photos are cleared for the next check; all fits the screen",
            trigger: ".o_traceability_scanner:not(:has(.o_traceability_scanner_photo))",
            run: assertFitsTheScreen,
        },
        {
            content: "Scan the lot again with a keyboard-wedge scanner",
            trigger: ".o_traceability_scanner_state:contains('Blocked')",
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
        {
            content: "The badge still says Blocked",
            trigger: ".o_traceability_scanner_state.text-bg-danger:contains('Blocked')",
        },
    ],
});
