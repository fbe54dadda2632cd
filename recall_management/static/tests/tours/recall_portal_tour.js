/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("recall_management_portal_tour", {
    steps: () => [
        {
            content: "The notice lists the delivered lot",
            trigger: ".o_recall_notice td:contains('CUP-0001')",
        },
        {
            content: "Acknowledge it",
            trigger: ".o_recall_notice button.o_recall_acknowledge",
            run: "click",
        },
        {
            content: "It is acknowledged",
            trigger: ".o_recall_notice .o_recall_acknowledged",
        },
    ],
});
