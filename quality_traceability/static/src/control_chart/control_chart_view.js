/** @odoo-module **/
import {Component, onWillStart, onWillUpdateProps, useState} from "@odoo/owl";
import {loadBundle} from "@web/core/assets";
import {deserializeDateTime, formatDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {formatFloat} from "@web/core/utils/numbers";
import {useService} from "@web/core/utils/hooks";
import {CogMenu} from "@web/search/cog_menu/cog_menu";
import {Layout} from "@web/search/layout";
import {SearchBar} from "@web/search/search_bar/search_bar";
import {useSearchBarToggler} from "@web/search/search_bar/search_bar_toggler";
import {standardViewProps} from "@web/views/standard_view_props";
import {TraceabilityChartCanvas} from "./chart_card";

export const COLORS = {
    value: "#1f77b4",
    alarm: "#dc3545",
    centre: "#2ca02c",
    control: "#d62728",
    spec: "#ff7f0e",
};

function constantLine(label, value, count, color, dash, extra = {}) {
    return {
        label,
        data: Array(count).fill(value),
        borderColor: color,
        backgroundColor: color,
        borderDash: dash,
        borderWidth: 1.5,
        pointRadius: 0,
        pointHoverRadius: 0,
        fill: false,
        ...extra,
    };
}

/**
 * The individuals control chart of each parameter: the measured values in time
 * order, the centre line, the control limits (mean ± 3 sigma, dashed red), the
 * specification limits (dotted orange) and the points that break a Western
 * Electric rule in red, with the rule in their tooltip and in the list under
 * the chart. The search bar chooses the parameters and the period.
 */
export class TraceabilityControlChartController extends Component {
    static template = "quality_traceability.ControlChartView";
    static components = {Layout, SearchBar, CogMenu, TraceabilityChartCanvas};
    static props = {...standardViewProps};

    setup() {
        this.orm = useService("orm");
        this.searchBarToggler = useSearchBarToggler();
        this.state = useState({data: null});
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load(this.props);
        });
        onWillUpdateProps((nextProps) => this.load(nextProps));
    }

    async load(props) {
        const data = await this.orm.call(
            "traceability.spc.point",
            "traceability_control_chart_data",
            [props.domain],
            {context: props.context}
        );
        data.charts = data.charts.map((chart) => this.prepare(chart));
        this.state.data = data;
    }

    format(value) {
        return formatFloat(value, {digits: [16, 4]});
    }

    prepare(chart) {
        const points = chart.points.map((point) => ({
            ...point,
            label: formatDateTime(deserializeDateTime(point.date)),
        }));
        const alarms = points.filter((point) => point.rules.length);
        return {
            ...chart,
            points,
            alarms,
            config: this.chartConfig(chart, points),
        };
    }

    chartConfig(chart, points) {
        const count = points.length;
        const unit = chart.unit ? ` ${chart.unit}` : "";
        const datasets = [
            {
                label: _t("Measured value"),
                data: points.map((point) => point.value),
                borderColor: COLORS.value,
                backgroundColor: points.map((point) =>
                    point.rules.length ? COLORS.alarm : COLORS.value
                ),
                pointBorderColor: points.map((point) =>
                    point.rules.length ? COLORS.alarm : COLORS.value
                ),
                pointRadius: points.map((point) => (point.rules.length ? 6 : 3)),
                pointStyle: points.map((point) => (point.rules.length ? "rectRot" : "circle")),
                borderWidth: 2,
                tension: 0,
                fill: false,
            },
        ];
        if (chart.limits) {
            datasets.push(
                constantLine(_t("Centre line"), chart.limits.mean, count, COLORS.centre, []),
                constantLine(_t("UCL"), chart.limits.ucl, count, COLORS.control, [8, 4]),
                constantLine(_t("LCL"), chart.limits.lcl, count, COLORS.control, [8, 4])
            );
        }
        if (chart.spec_limits.max !== false) {
            datasets.push(
                constantLine(_t("Upper spec limit"), chart.spec_limits.max, count, COLORS.spec, [2, 3])
            );
        }
        if (chart.spec_limits.min !== false) {
            datasets.push(
                constantLine(_t("Lower spec limit"), chart.spec_limits.min, count, COLORS.spec, [2, 3])
            );
        }
        return {
            type: "line",
            data: {labels: points.map((point) => point.label), datasets},
            options: {
                animation: false,
                maintainAspectRatio: false,
                interaction: {mode: "nearest", intersect: false},
                plugins: {
                    // The legend is drawn in the page, above the chart.
                    legend: {display: false},
                    tooltip: {
                        filter: (item) => item.datasetIndex === 0,
                        callbacks: {
                            label: (item) =>
                                `${points[item.dataIndex].check}: ${this.format(item.parsed.y)}${unit}`,
                            afterLabel: (item) => points[item.dataIndex].rule_labels,
                        },
                    },
                },
                scales: {
                    x: {ticks: {maxRotation: 0, autoSkip: true}},
                    y: {grace: "5%"},
                },
            },
        };
    }
}

export const controlChartView = {
    type: "graph",
    display_name: _t("Control Chart"),
    icon: "fa fa-line-chart",
    multiRecord: true,
    searchMenuTypes: ["filter", "favorite"],
    Controller: TraceabilityControlChartController,
};

registry.category("views").add("traceability_control_chart", controlChartView);
