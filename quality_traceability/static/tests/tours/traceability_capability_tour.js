/** @odoo-module **/
import {registry} from "@web/core/registry";

const CHART = ".o_traceability_control_chart[data-spec='Tour Bore']";

registry.category("web_tour.tours").add("quality_traceability_capability_tour", {
    steps: () => [
        {
            content: "The individuals chart of the parameter is drawn",
            trigger: `${CHART} .o_traceability_chart_canvas canvas`,
        },
        {
            content: "Cp, Cpk, Pp, Ppk and n of the parameter are shown",
            trigger: `${CHART} .o_traceability_cc_capability[data-count='15']:contains('Cpk')`,
        },
        {
            content: "The frozen limits are marked",
            trigger: `${CHART} .o_traceability_cc_frozen`,
        },
        {
            content: "The X-bar and R chart of the subgroups of 5 is drawn beside it",
            trigger: `${CHART} .o_traceability_xbar_r[data-size='5'][data-subgroups='3'] .o_traceability_range_chart canvas`,
        },
        {
            content: "The X-bar chart's limits are shown",
            trigger: `${CHART} .o_traceability_xbar_r [data-line='xbar-ucl']`,
        },
        {
            content: "The shifted subgroup breaks rule 1 on the X-bar chart",
            trigger: `${CHART} .o_traceability_xbar_alarm[data-rules='1']`,
        },
    ],
});
