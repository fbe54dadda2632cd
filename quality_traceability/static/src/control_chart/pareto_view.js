/** @odoo-module **/
import {Component, onWillStart, onWillUpdateProps, useState} from "@odoo/owl";
import {loadBundle} from "@web/core/assets";
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

/**
 * The defect Pareto: the failed measurements of recorded checks counted per
 * parameter, largest first, with the cumulative share of all the failures as
 * a line on a 0-100 % axis. The search bar narrows the values counted.
 */
export class TraceabilityParetoController extends Component {
    static template = "quality_traceability.ParetoView";
    static components = {Layout, SearchBar, CogMenu, TraceabilityChartCanvas};
    static props = {...standardViewProps};

    setup() {
        this.orm = useService("orm");
        this.searchBarToggler = useSearchBarToggler();
        this.state = useState({data: null, config: null});
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load(this.props);
        });
        onWillUpdateProps((nextProps) => this.load(nextProps));
    }

    async load(props) {
        const data = await this.orm.call(
            "traceability.quality.report",
            "traceability_defect_pareto",
            [props.domain],
            {context: props.context}
        );
        for (const bar of data.bars) {
            bar.rounded_percent = Math.round(bar.cumulative_percent);
        }
        this.state.data = data;
        this.state.config = data.bars.length ? this.chartConfig(data) : null;
    }

    percent(value) {
        return `${formatFloat(value, {digits: [16, 1]})} %`;
    }

    label(bar) {
        return `${bar.name} (${bar.control_point})`;
    }

    chartConfig(data) {
        return {
            data: {
                labels: data.bars.map((bar) => this.label(bar)),
                datasets: [
                    {
                        type: "line",
                        label: _t("Cumulative %"),
                        data: data.bars.map((bar) => bar.cumulative_percent),
                        yAxisID: "percent",
                        borderColor: "#dc3545",
                        backgroundColor: "#dc3545",
                        tension: 0,
                        order: 0,
                    },
                    {
                        type: "bar",
                        label: _t("Failed measurements"),
                        data: data.bars.map((bar) => bar.count),
                        yAxisID: "count",
                        backgroundColor: "#1f77b4",
                        order: 1,
                    },
                ],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                plugins: {
                    legend: {position: "bottom"},
                    tooltip: {
                        callbacks: {
                            label: (item) =>
                                item.dataset.yAxisID === "percent"
                                    ? `${item.dataset.label}: ${this.percent(item.parsed.y)}`
                                    : `${item.dataset.label}: ${item.parsed.y}`,
                        },
                    },
                },
                scales: {
                    count: {
                        type: "linear",
                        position: "left",
                        beginAtZero: true,
                        ticks: {precision: 0},
                        title: {display: true, text: _t("Failed measurements")},
                    },
                    percent: {
                        type: "linear",
                        position: "right",
                        min: 0,
                        max: 100,
                        grid: {drawOnChartArea: false},
                        ticks: {callback: (value) => `${value} %`},
                        title: {display: true, text: _t("Cumulative %")},
                    },
                },
            },
        };
    }
}

export const paretoView = {
    type: "graph",
    display_name: _t("Pareto"),
    icon: "fa fa-bar-chart",
    multiRecord: true,
    searchMenuTypes: ["filter", "favorite"],
    Controller: TraceabilityParetoController,
};

registry.category("views").add("traceability_defect_pareto", paretoView);
