/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("recall_management_portal_list_tour", {
    steps: () => [
        {
            content: "The home page counts the customer's two notices",
            trigger:
                ".o_portal_index_card:not(.d-none) a[href='/my/recalls'] [data-placeholder_count='recall_count']:contains(/^2$/)",
        },
        {
            content: "The tile carries a small icon beside its text",
            trigger: ".o_portal_index_card a[href='/my/recalls'] .o_portal_icon img",
            run() {
                const img = this.anchor;
                const card = img.closest("a");
                if (img.getBoundingClientRect().width > 64) {
                    throw new Error(`Icon too wide: ${img.getBoundingClientRect().width}px`);
                }
                if (!card.textContent.includes("Products you received that are recalled")) {
                    throw new Error("The tile lost its text");
                }
            },
        },
        {
            content: "Open the recall notices",
            trigger: ".o_portal_index_card a[href='/my/recalls']",
            run: "click",
        },
        {
            content: "The list shows the open notice, to acknowledge, no return",
            trigger:
                "tr.o_recall_portal_row:contains('RC-SHARED'):has(.o_recall_portal_status:contains('Scoped')):has(.o_recall_portal_ack:contains('To acknowledge')):has(.o_recall_portal_return:contains('Not Requested'))",
        },
        {
            content: "And the answered notice with its return requested",
            trigger:
                "tr.o_recall_portal_row:contains('RC-ALPHA'):has(.o_recall_portal_return:contains('Requested')):not(:contains('Not Requested')):not(:contains('To acknowledge'))",
        },
        {
            content: "Nothing of another customer",
            trigger: ".o_portal_my_doc_table:not(:contains('RC-BETA'))",
            run() {
                const rows = document.querySelectorAll("tr.o_recall_portal_row");
                if (rows.length !== 2) {
                    throw new Error(`Expected 2 notices, saw ${rows.length}`);
                }
            },
        },
        {
            content: "Open the notice to acknowledge",
            trigger: "tr.o_recall_portal_row a:contains('RC-SHARED')",
            run: "click",
        },
        {
            content: "The notice page shows the recall and the delivered serial",
            trigger: ".o_recall_notice h2:contains('RC-SHARED')",
        },
        {
            content: "with its delivery line",
            trigger: ".o_recall_notice td:contains('RSN-1')",
        },
        {
            content: "and the way back to the list",
            trigger: ".o_portal_submenu a[href='/my/recalls']",
        },
        {
            content: "and the customer may acknowledge it",
            trigger: ".o_recall_notice button.o_recall_acknowledge",
        },
    ],
});
