/** @odoo-module **/
import {registry} from "@web/core/registry";

const CHART = ".o_traceability_control_chart[data-spec='Tour Diameter']";

registry.category("web_tour.tours").add("quality_traceability_control_chart_tour", {
    steps: () => [
        {
            content: "Open the control chart of the control point",
            trigger: ".o_form_view .oe_stat_button:contains('Control Chart')",
            run: "click",
        },
        {
            content: "The chart of the numeric parameter is drawn",
            trigger: `${CHART} canvas`,
        },
        {
            content: "Only the numeric parameter has a chart",
            trigger: ".o_traceability_control_chart_view",
            run() {
                const charts = document.querySelectorAll(".o_traceability_control_chart");
                if (charts.length !== 1) {
                    throw new Error(`Expected one chart, got ${charts.length}`);
                }
            },
        },
        {
            content: "The centre line and the control limits are shown",
            trigger: `${CHART} [data-line='centre']:contains('10.0920')`,
        },
        {
            content: "The upper control limit",
            trigger: `${CHART}[data-ucl] [data-line='ucl']`,
        },
        {
            content: "The lower control limit",
            trigger: `${CHART} [data-line='lcl']`,
        },
        {
            content: "The specification limits are shown apart",
            trigger: `${CHART} [data-line='usl']:contains('11.0000')`,
        },
        {
            content: "The lower specification limit",
            trigger: `${CHART} [data-line='lsl']:contains('9.0000')`,
        },
        {
            content: "One point is out of control",
            trigger: `${CHART}[data-out-of-control='1'] .o_traceability_cc_badge`,
        },
        {
            content: "The red point names the rule it breaks",
            trigger: `${CHART} .o_traceability_cc_alarm.text-danger[data-rules='1']:contains('TOUR-CC-09'):contains('Rule 1')`,
        },
        {
            content: "Back to the control point",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Tour Gauge')",
            run: "click",
        },
        {
            content: "Open the chart of the parameter from its line",
            trigger:
                ".o_field_one2many .o_data_row:contains('Tour Diameter') button:has(.fa-line-chart)",
            run: "click",
        },
        {
            content: "The search shows the parameter",
            trigger: ".o_searchview_facet:contains('Tour Diameter')",
        },
        {
            content: "Its chart is drawn with its alarm",
            trigger: `${CHART} .o_traceability_cc_alarm[data-rules='1']`,
        },
    ],
});

registry.category("web_tour.tours").add("quality_traceability_control_chart_link_tour", {
    steps: () => [
        {
            content: "The search shows the parameter of the link",
            trigger: ".o_searchview_facet:contains('Tour Diameter')",
        },
        {
            content: "Its chart shows the limits and the point out of control",
            trigger: `${CHART}[data-out-of-control='1'] [data-line='ucl']`,
        },
        {
            content: "The rule the red point breaks",
            trigger: `${CHART} .o_traceability_cc_alarm[data-rules='1']:contains('TOUR-CC-09')`,
        },
    ],
});
