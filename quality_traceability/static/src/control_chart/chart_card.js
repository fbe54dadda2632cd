/** @odoo-module **/
import {Component, onWillUnmount, useEffect, useRef} from "@odoo/owl";

/**
 * One Chart.js canvas; the chart is drawn again when its configuration
 * changes. The ``Chart`` global comes from the ``web.chartjs_lib`` bundle,
 * which the view loads before the first rendering (as Odoo's graph view does).
 */
export class TraceabilityChartCanvas extends Component {
    static template = "quality_traceability.ChartCanvas";
    static props = {
        config: Object,
        className: {type: String, optional: true},
    };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        useEffect(
            (config) => {
                if (this.chart) {
                    this.chart.destroy();
                }
                // eslint-disable-next-line no-undef
                this.chart = new Chart(this.canvasRef.el, config);
            },
            () => [this.props.config]
        );
        onWillUnmount(() => this.chart && this.chart.destroy());
    }
}
