/** @odoo-module **/
import {TraceabilityScanner} from "@quality_traceability/scanner/scanner";
import {patch} from "@web/core/utils/patch";

/**
 * The scanner screen asks for the labels of a check that passed, printed at
 * the printer of the station (label.printer._for_print).
 */
patch(TraceabilityScanner.prototype, {
    async printLabel() {
        const check = this.state.result;
        if (!check || check.result !== "pass" || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const action = await this.orm.call(
                "traceability.check",
                "action_print_labels_here",
                [[check.id]]
            );
            const params = action.params || {};
            this.feedback(params.type === "success" ? "success" : "warning", params.message);
            this.state.result = null;
        } finally {
            this.state.busy = false;
            this.focusCode();
        }
    },
});
