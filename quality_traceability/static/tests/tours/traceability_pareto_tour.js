/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("quality_traceability_pareto_tour", {
    steps: () => [
        {
            content: "The Pareto is drawn",
            trigger: ".o_traceability_pareto_view canvas",
        },
        {
            content: "Search the control point of the tour",
            trigger: ".o_searchview_input",
            run: "edit Tour Press",
        },
        {
            content: "Filter on that control point",
            trigger: ".o_searchview_autocomplete li.o_menu_item:contains('Control Point')",
            run: "click",
        },
        {
            content: "Only the failed force measurements count, first",
            trigger:
                ".o_traceability_pareto_row:first-child[data-parameter='Tour Force'][data-count='2'][data-cumulative='67']",
        },
        {
            content: "Then the failed finish, up to 100 %",
            trigger:
                ".o_traceability_pareto_row:nth-child(2)[data-parameter='Tour Finish'][data-count='1'][data-cumulative='100']",
        },
        {
            content: "Three failures in all",
            trigger: ".o_traceability_pareto_total:contains('3')",
            run() {
                const rows = document.querySelectorAll(".o_traceability_pareto_row");
                if (rows.length !== 2) {
                    throw new Error(`Expected two bars, got ${rows.length}`);
                }
            },
        },
    ],
});
