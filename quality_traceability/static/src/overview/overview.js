/** @odoo-module **/
import {Component, onWillStart, useState} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {Layout} from "@web/search/layout";

/**
 * Landing screen of the Traceability app: what needs attention (lots on hold,
 * open nonconformances and recalls, today's checks, SPC alarms), each tile a
 * count that opens the list it counts. The tiles come from one model method,
 * traceability.overview.traceability_overview_data, which checks the rights.
 */
export class TraceabilityOverview extends Component {
    static template = "quality_traceability.TraceabilityOverview";
    static components = {Layout};
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({tiles: []});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.tiles = await this.orm.call(
            "traceability.overview",
            "traceability_overview_data",
            []
        );
    }

    openTile(tile) {
        return this.actionService.doAction(tile.action);
    }
}

registry.category("actions").add("quality_traceability.overview", TraceabilityOverview);
