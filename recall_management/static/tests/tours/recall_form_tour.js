/** @odoo-module **/
import {registry} from "@web/core/registry";

const HEADER = ".o_form_view .o_form_statusbar .o_statusbar_buttons";

/**
 * The highlighted step is the only primary button of the header.
 *
 * @param {String} name the name of the button's method
 * @returns {Object} a step checking it
 */
function highlighted(name) {
    return {
        content: `The next step, ${name}, is the one primary button`,
        trigger: `${HEADER} button.btn-primary[name='${name}']`,
        run() {
            const primaries = document.querySelectorAll(`${HEADER} button.btn-primary`);
            if (primaries.length !== 1) {
                throw new Error(`${primaries.length} primary buttons in the header`);
            }
        },
    };
}

registry.category("web_tour.tours").add("recall_management_recall_form_tour", {
    steps: () => [
        {
            content: "The recall is scoped",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Scoped')",
        },
        highlighted("action_block_stock"),
        {
            content: "The next step is told in words",
            trigger: ".o_recall_next_step:contains('Block Affected Stock')",
        },
        {
            content: "Cancelling is a link, not a button equal to Close",
            trigger: `${HEADER} button.btn-link[name='action_cancel']`,
        },
        {
            content: "Block the affected stock",
            trigger: `${HEADER} button[name='action_block_stock']`,
            run: "click",
        },
        {
            content: "The recall is in progress",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        },
        highlighted("action_open_notify_wizard"),
        {
            content: "Notify the customers",
            trigger: `${HEADER} button[name='action_open_notify_wizard']`,
            run: "click",
        },
        {
            content: "The preview counts the e-mails",
            trigger: ".modal .o_recall_notify_count .o_field_widget[name='customer_count']:contains('2')",
        },
        {
            content: "The preview shows the first customer's e-mail",
            trigger:
                ".modal .o_recall_notify_sample:contains('Test Customer A'):contains('RSN-1'):contains('bring it back to the shop')",
        },
        {
            content: "Send the notices",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The preview is closed",
            trigger: "body:not(:has(.modal))",
        },
        highlighted("action_view_customers"),
        {
            content: "Every customer is notified: no Notify button left",
            trigger: `${HEADER}:not(:has(button[name='action_open_notify_wizard']))`,
        },
    ],
});
