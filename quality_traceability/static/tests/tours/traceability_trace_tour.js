/** @odoo-module **/
import {parseDateTime} from "@web/core/l10n/dates";
import {registry} from "@web/core/registry";

const LIST = ".o_field_widget[name='line_ids']";

function statValue(method) {
    const value = document.querySelector(
        `.o-form-buttonbox button[name='${method}'] .o_stat_value`
    );
    return value && value.textContent.trim();
}

function checkCounts(expected) {
    for (const [method, count] of Object.entries(expected)) {
        const value = statValue(method);
        if (value !== String(count)) {
            throw new Error(`${method}: ${value} shown, ${count} expected`);
        }
    }
}

/**
 * What the user reads in the trace list: no "0.00" anywhere, no quantity on a
 * lot's row, every event's quantity with its unit, and under each lot its
 * events in date order, then where the lot is now.
 */
function checkTraceRows() {
    const rows = [...document.querySelectorAll(`${LIST} .o_data_row`)];
    if (!rows.length) {
        throw new Error("The trace list is empty");
    }
    let lastDate = null;
    let sawState = false;
    for (const row of rows) {
        const cell = (name) =>
            (row.querySelector(`.o_data_cell[name='${name}']`)?.textContent || "").trim();
        const label = cell("label");
        const quantity = cell("quantity_display");
        const date = cell("date");
        if (/^-?0\.00(\s|$)/.test(quantity)) {
            throw new Error(`A zero quantity is shown on "${label}"`);
        }
        if (label.includes(" · ")) {
            if (quantity) {
                throw new Error(`The lot row "${label}" shows a quantity: ${quantity}`);
            }
            lastDate = null;
            sawState = false;
            continue;
        }
        if (!/\d\s+\S+$/.test(quantity)) {
            throw new Error(`"${label}" has no quantity with its unit: "${quantity}"`);
        }
        if (label === "In Stock") {
            sawState = true;
            continue;
        }
        if (!date) {
            continue;
        }
        if (sawState) {
            throw new Error(`"${label}" of ${date} is listed after the stock`);
        }
        const parsed = parseDateTime(date);
        if (lastDate && parsed < lastDate) {
            throw new Error(`"${label}" of ${date} is listed after a later event`);
        }
        lastDate = parsed;
    }
}

function checkListRows(count, names) {
    const rows = [...document.querySelectorAll(".o_view_controller.o_list_view .o_data_row")];
    if (rows.length !== count) {
        throw new Error(`${rows.length} rows listed, ${count} expected`);
    }
    const text = rows.map((row) => row.textContent).join("\n");
    for (const name of names) {
        if (!text.includes(name)) {
            throw new Error(`${name} is not listed`);
        }
    }
}

function openList(method, firstName, count, names, content) {
    return [
        {
            content: `Open the ${content} of the trace`,
            trigger: `.o-form-buttonbox button[name='${method}']`,
            run: "click",
        },
        {
            content: `The ${content} list shows the trace's records`,
            trigger: `.o_view_controller.o_list_view .o_data_row:contains('${firstName}')`,
            run: () => checkListRows(count, names),
        },
        {
            content: "Back to the trace",
            trigger: ".o_back_button",
            run: "click",
        },
        {
            content: "The trace is shown again",
            trigger: `${LIST} .o_data_row`,
        },
    ];
}

registry.category("web_tour.tours").add("quality_traceability_trace_tour", {
    url: "/odoo/action-stock.action_production_lot_form",
    steps: () => [
        {
            content: "Open the lot split across two customers",
            trigger: ".o_list_view .o_data_cell:contains('CUP-0001')",
            run: "click",
        },
        {
            content: "Trace its genealogy",
            trigger: ".o-form-buttonbox .o_traceability_trace_button:contains('Trace Genealogy')",
            run: "click",
        },
        {
            content: "Forward: its deliveries are listed",
            trigger: `${LIST} .o_data_cell:contains('Delivered')`,
        },
        {
            content: "Forward counts: the lot, its two customers and deliveries",
            trigger: ".o-form-buttonbox button[name='action_open_customers']",
            run: () =>
                checkCounts({
                    action_open_lots: 1,
                    action_open_customers: 2,
                    action_open_deliveries: 2,
                    action_open_vendors: 0,
                }),
        },
        {
            content: "Forward: events in date order, quantities with units",
            trigger: `${LIST} .o_data_row`,
            run: checkTraceRows,
        },
        ...openList(
            "action_open_customers",
            "Hangzhou",
            2,
            ["Hangzhou", "Shanghai"],
            "customers"
        ),
        ...openList("action_open_deliveries", "WH/OUT/", 2, ["WH/OUT/"], "deliveries"),
        {
            content: "Switch to the backward trace",
            trigger: "button[name='action_switch_direction']",
            run: "click",
        },
        {
            content: "Backward: the vendor lot of the steel is reached",
            trigger: `${LIST} .o_data_cell:contains('NBS-240301')`,
        },
        {
            content: "Backward counts: three lots, one vendor",
            trigger: ".o-form-buttonbox button[name='action_open_vendors']",
            run: () =>
                checkCounts({
                    action_open_lots: 3,
                    action_open_customers: 2,
                    action_open_deliveries: 2,
                    action_open_vendors: 1,
                }),
        },
        {
            content: "Backward: the steel was received before it was consumed",
            trigger: `${LIST} .o_data_cell:contains('Received')`,
            run: () => {
                checkTraceRows();
                const labels = [
                    ...document.querySelectorAll(`${LIST} .o_data_cell[name='label']`),
                ].map((cell) => cell.textContent.trim());
                const lot = labels.findIndex((label) => label.startsWith("NBS-240301"));
                if (labels[lot + 1] !== "Received") {
                    throw new Error(`Under NBS-240301: ${labels.slice(lot + 1)}`);
                }
            },
        },
        ...openList("action_open_vendors", "Ningbo", 1, ["Ningbo"], "vendors"),
        ...openList(
            "action_open_lots",
            "BA-0001",
            3,
            ["CUP-0001", "BA-0001", "NBS-240301"],
            "lots"
        ),
        {
            content: "Open the diagram",
            trigger: ".o_notebook .nav-link:contains('Diagram')",
            run: "click",
        },
        {
            content: "The diagram shows the customers",
            trigger: ".o_traceability_diagram .o_traceability_diagram_partner:contains('Hangzhou')",
        },
        {
            content: "The diagram shows the vendor",
            trigger: ".o_traceability_diagram .o_traceability_diagram_partner:contains('Ningbo')",
        },
        {
            content: "Open a lot from the diagram",
            trigger: ".o_traceability_diagram [data-lot-id]:contains('BA-0001')",
            run: "click",
        },
        {
            content: "The lot opens in the same window, after the trace",
            trigger: ".o_last_breadcrumb_item:contains('BA-0001')",
        },
        {
            content: "Back to the trace",
            trigger: ".o_back_button",
            run: "click",
        },
        {
            content: "The trace's diagram is shown again",
            trigger: ".o_traceability_diagram [data-lot-id]:contains('BA-0001')",
        },
    ],
});
