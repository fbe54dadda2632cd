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

    /** Cp, Cpk, Pp, Ppk with two decimals; a dash where undefined. */
    index(value) {
        return value === null || value === undefined
            ? "—"
            : formatFloat(value, {digits: [16, 2]});
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
            xbar_r: chart.xbar_r && this.prepareXbarR(chart, chart.xbar_r),
        };
    }

    /**
     * The X-bar and R chart of a parameter measured in subgroups: the
     * subgroup means with their centre line and limits (the Western Electric
     * rules in red, as on the individuals chart) and the subgroup ranges with
     * R-bar and the R chart's limits.
     */
    prepareXbarR(chart, xbarR) {
        const subgroups = xbarR.subgroups.map((group) => ({
            ...group,
            label: formatDateTime(deserializeDateTime(group.date)),
            alarm: Boolean(group.rules.length || group.range_alarm),
        }));
        const labels = subgroups.map((group) => `#${group.index} ${group.label}`);
        const limits = xbarR.limits;
        const count = subgroups.length;
        const xbarLines = limits
            ? [
                  constantLine(_t("Centre line"), limits.mean, count, COLORS.centre, []),
                  constantLine(_t("UCL"), limits.ucl, count, COLORS.control, [8, 4]),
                  constantLine(_t("LCL"), limits.lcl, count, COLORS.control, [8, 4]),
              ]
            : [];
        const rLines = limits
            ? [
                  constantLine(_t("Average range"), limits.r_bar, count, COLORS.centre, []),
                  constantLine(_t("UCL"), limits.r_ucl, count, COLORS.control, [8, 4]),
                  constantLine(_t("LCL"), limits.r_lcl, count, COLORS.control, [8, 4]),
              ]
            : [];
        return {
            ...xbarR,
            subgroups,
            alarms: subgroups.filter((group) => group.alarm),
            xbarConfig: this.subgroupConfig(
                _t("Subgroup mean"),
                labels,
                subgroups.map((group) => group.mean),
                subgroups.map((group) => group.rules.length > 0),
                xbarLines,
                chart.unit,
                subgroups
            ),
            rangeConfig: this.subgroupConfig(
                _t("Subgroup range"),
                labels,
                subgroups.map((group) => group.range),
                subgroups.map((group) => group.range_alarm),
                rLines,
                chart.unit,
                subgroups
            ),
        };
    }

    subgroupConfig(label, labels, values, flags, lines, unit, subgroups) {
        const suffix = unit ? ` ${unit}` : "";
        const color = (flag, normal) => (flag ? COLORS.alarm : normal);
        return {
            type: "line",
            data: {
                labels,
                datasets: [
                    {
                        label,
                        data: values,
                        borderColor: COLORS.value,
                        backgroundColor: flags.map((flag) => color(flag, COLORS.value)),
                        pointBorderColor: flags.map((flag) => color(flag, COLORS.value)),
                        pointRadius: flags.map((flag) => (flag ? 6 : 3)),
                        pointStyle: flags.map((flag) => (flag ? "rectRot" : "circle")),
                        borderWidth: 2,
                        tension: 0,
                        fill: false,
                    },
                    ...lines,
                ],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                interaction: {mode: "nearest", intersect: false},
                plugins: {
                    legend: {display: false},
                    tooltip: {
                        filter: (item) => item.datasetIndex === 0,
                        callbacks: {
                            label: (item) => `${label}: ${this.format(item.parsed.y)}${suffix}`,
                            afterLabel: (item) => subgroups[item.dataIndex].checks,
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
