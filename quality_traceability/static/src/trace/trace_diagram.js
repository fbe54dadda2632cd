/** @odoo-module **/
import {Component} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";
import {useService} from "@web/core/utils/hooks";

/**
 * The trace diagram: columns of boxes (vendors, the lots by level, customers)
 * read from the trace's ``diagram_data``. A box opens its record in the same
 * window, so the breadcrumb leads back to the trace.
 */
export class TraceabilityTraceDiagram extends Component {
    static template = "quality_traceability.TraceDiagram";
    static props = {...standardFieldProps};

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
    }

    get columns() {
        const value = this.props.record.data[this.props.name];
        return (value && value.columns) || [];
    }

    async openNode(node) {
        const record = this.props.record;
        if (node.method) {
            const action = await this.orm.call(record.resModel, node.method, [
                [record.resId],
            ]);
            return this.action.doAction(action);
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: node.model,
            res_id: node.id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

export const traceabilityTraceDiagram = {
    component: TraceabilityTraceDiagram,
    supportedTypes: ["json"],
};

registry.category("fields").add("traceability_trace_diagram", traceabilityTraceDiagram);
