/** @odoo-module **/
import {Component, onMounted, useRef, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useBus, useService} from "@web/core/utils/hooks";

const MAX_PHOTOS = 10;

/**
 * Handheld scanner screen of the key control points: one column, large
 * targets, driven by keyboard-wedge scanners through Odoo's barcode service
 * (or a code typed in the field). Scan a lot, a GS1 string or a trace code
 * URL; pick the control point (picked for you when only one applies); enter
 * the measurements; submit. Pass, fail and errors get a colour and a sound.
 */
export class TraceabilityScanner extends Component {
    static template = "quality_traceability.TraceabilityScanner";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.codeInput = useRef("codeInput");
        this.state = useState({
            code: "",
            lot: null,
            points: [],
            point: null,
            values: {},
            notes: "",
            workcenterId: "",
            photos: [],
            defectCount: "",
            message: null,
            result: null,
            busy: false,
        });
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onScan(ev.detail.barcode));
        onMounted(() => this.focusCode());
    }

    focusCode() {
        if (this.codeInput.el) {
            this.codeInput.el.focus();
        }
    }

    /**
     * Show a message (with its details: one line each) and play its sound.
     */
    feedback(level, text, details = []) {
        this.state.message = {level, text, details};
        this.beep(level);
    }

    beep(level) {
        try {
            const AudioContext = window.AudioContext || window.webkitAudioContext;
            const context = new AudioContext();
            const oscillator = context.createOscillator();
            oscillator.frequency.value = level === "success" ? 1200 : 300;
            oscillator.connect(context.destination);
            oscillator.start();
            oscillator.stop(context.currentTime + (level === "success" ? 0.12 : 0.4));
        } catch {
            // No sound on this device.
        }
    }

    onCodeKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            this.onScan(this.state.code);
        }
    }

    async onScan(code) {
        code = (code || "").trim();
        if (!code || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const answer = await this.orm.call("traceability.scan", "scanner_lookup", [code]);
            this.state.code = "";
            this.state.result = null;
            if (answer.error) {
                this.reset();
                this.feedback("danger", answer.error);
                return;
            }
            this.state.lot = answer.lot;
            this.state.points = answer.points;
            this.state.point = null;
            if (answer.lot.quality_state === "blocked") {
                this.feedback("danger", _t("Lot %s is blocked.", answer.lot.name));
            } else if (!answer.points.length) {
                this.feedback("warning", _t("No control point applies to this lot."));
            } else {
                this.state.message = null;
            }
            if (answer.points.length === 1) {
                this.selectPoint(answer.points[0]);
            }
        } finally {
            this.state.busy = false;
        }
    }

    /**
     * The trace of the scanned lot, box or pallet (the Trace Genealogy
     * button of its form): where it went, where it came from.
     */
    openTrace() {
        const lot = this.state.lot;
        return this.action.doAction("quality_traceability.traceability_trace_open_action", {
            additionalContext: {
                active_model: lot.package ? "stock.quant.package" : "stock.lot",
                active_id: lot.id,
                active_ids: [lot.id],
            },
        });
    }

    reset() {
        this.state.lot = null;
        this.state.points = [];
        this.state.point = null;
        this.state.values = {};
        this.state.notes = "";
        this.state.workcenterId = "";
        this.state.photos = [];
        this.state.defectCount = "";
    }

    selectPoint(point) {
        this.state.point = point;
        this.state.values = {};
        this.state.notes = "";
        this.state.workcenterId = "";
        this.state.photos = [];
        this.state.defectCount = "";
    }

    setPassFail(spec, verdict) {
        this.state.values[spec.name] = verdict;
    }

    onPhoto(spec, ev) {
        const file = ev.target.files && ev.target.files[0];
        if (!file) {
            return;
        }
        const reader = new FileReader();
        reader.onload = () => {
            this.state.values[spec.name] = reader.result.split(",")[1];
        };
        reader.readAsDataURL(file);
    }

    /**
     * Photos of the whole check (the damage, the label...): every file chosen
     * or taken is kept, up to ten, until the check is submitted.
     */
    onCheckPhotos(ev) {
        const files = [...(ev.target.files || [])];
        ev.target.value = "";
        for (const file of files) {
            if (this.state.photos.length >= MAX_PHOTOS) {
                this.feedback("warning", _t("At most %s photos per check.", MAX_PHOTOS));
                return;
            }
            this.state.photos.push({name: file.name, data: null});
            // The state's own (reactive) copy: writing to it renders the screen.
            const photo = this.state.photos[this.state.photos.length - 1];
            const reader = new FileReader();
            reader.onload = () => {
                photo.data = reader.result.split(",")[1];
            };
            reader.readAsDataURL(file);
        }
    }

    removePhoto(index) {
        this.state.photos.splice(index, 1);
    }

    async submit() {
        const point = this.state.point;
        const missing = point.specs
            .filter((spec) => spec.required && !`${this.state.values[spec.name] ?? ""}`.trim())
            .map((spec) => spec.name);
        if (point.require_notes && !this.state.notes.trim()) {
            missing.push(_t("Notes"));
        }
        if (point.require_workcenter && !this.state.workcenterId) {
            missing.push(_t("Equipment"));
        }
        if (
            point.sampling &&
            !point.sampling.skip &&
            `${this.state.defectCount}`.trim() === ""
        ) {
            missing.push(_t("Nonconforming items in the sample"));
        }
        if (missing.length) {
            this.feedback("danger", _t("Missing required value(s): %s", missing.join(", ")));
            return;
        }
        if (this.state.photos.some((photo) => !photo.data)) {
            this.feedback("warning", _t("A photo is still loading: submit again in a moment."));
            return;
        }
        this.state.busy = true;
        try {
            const lot = this.state.lot;
            const answer = await this.orm.call(
                "traceability.scan",
                "scanner_submit",
                [
                    lot.package ? false : lot.id,
                    point.id,
                    this.state.values,
                    this.state.notes,
                    lot.package ? lot.id : false,
                    this.state.workcenterId ? parseInt(this.state.workcenterId) : false,
                    this.state.photos.map((photo) => ({name: photo.name, data: photo.data})),
                ],
                point.sampling
                    ? {defect_count: point.sampling.skip ? 0 : parseInt(this.state.defectCount)}
                    : {}
            );
            if (answer.status !== "created") {
                this.feedback("danger", answer.error);
                return;
            }
            this.state.result = answer;
            // The lot's state after the check (a failure blocks it, a passing
            // incoming check releases it).
            if (answer.lot_state) {
                this.state.lot.quality_state = answer.lot_state;
                this.state.lot.quality_state_label = answer.lot_state_label;
            }
            if (answer.result === "fail") {
                this.feedback(
                    "danger",
                    answer.lot_state === "blocked"
                        ? _t("FAIL: %(check)s. Lot %(lot)s is blocked.", {
                              check: answer.name,
                              lot: this.state.lot.name,
                          })
                        : _t("FAIL: %s", answer.name),
                    answer.failures || []
                );
            } else {
                this.feedback("success", _t("PASS: %s", answer.name));
            }
            this.state.point = null;
            this.state.photos = [];
        } finally {
            this.state.busy = false;
            this.focusCode();
        }
    }
}

registry.category("actions").add("quality_traceability.scanner", TraceabilityScanner);
