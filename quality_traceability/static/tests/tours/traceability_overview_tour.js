/** @odoo-module **/
import {registry} from "@web/core/registry";

const TILE = ".o_traceability_overview_tile[data-tile='lots_on_hold']";
// The count the tile shows, compared with the list it opens (kept in the
// session storage: the page reloads).
const KEY = "quality_traceability_overview_tour_on_hold";
// The Overview entry among the menus of the current app: the Traceability app.
const IN_APP =
    ".o_main_navbar .o_menu_sections [data-menu-xmlid='quality_traceability.traceability_overview_menu']";

registry.category("web_tour.tours").add("quality_traceability_overview_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the application menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Traceability app",
            trigger: ".o_app[data-menu-xmlid='quality_traceability.traceability_root_menu']",
            run: "click",
        },
        {
            content: "The app opens on its overview: every tile shows a count",
            trigger: `.o_traceability_overview ${TILE} .o_traceability_overview_count`,
            run() {
                const counts = [
                    ...document.querySelectorAll(".o_traceability_overview_count"),
                ].map((count) => count.textContent.trim());
                if (counts.length < 4 || !counts.every((count) => /^\d+$/.test(count))) {
                    throw new Error(`Tiles without a count: ${counts}`);
                }
                const onHold = Number(this.anchor.textContent.trim());
                sessionStorage.setItem(KEY, String(onHold));
                sessionStorage.setItem(
                    `${KEY}_name`,
                    document.querySelector(`${TILE} .o_traceability_overview_name`).textContent.trim()
                );
                if (!onHold) {
                    throw new Error("The lot on hold is not counted");
                }
            },
        },
        {
            content: "The overview is the Traceability app's",
            trigger: IN_APP,
        },
        {
            content: "Open the lots on hold",
            trigger: TILE,
            run: "click",
        },
        {
            content: "The list shows the lots counted, the held lot among them",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('OV-TOUR-1')",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
                const onHold = Number(sessionStorage.getItem(KEY));
                if (rows !== onHold) {
                    throw new Error(`The tile counted ${onHold} lots, the list shows ${rows}`);
                }
            },
        },
        {
            content: "Its breadcrumb, under the overview's, is the tile's name",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run() {
                const last = document.querySelector(".o_breadcrumb .o_last_breadcrumb_item");
                const name = sessionStorage.getItem(`${KEY}_name`);
                if (!last || last.textContent.trim() !== name) {
                    throw new Error(`The list is not titled "${name}"`);
                }
            },
        },
        {
            content: "Reload the page",
            trigger: ".o_list_view",
            run() {
                window.location.reload();
            },
        },
        {
            content: "After the reload: the same filtered list",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('OV-TOUR-1')",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
                const onHold = Number(sessionStorage.getItem(KEY));
                if (rows !== onHold) {
                    throw new Error(`After the reload the list shows ${rows} lots`);
                }
            },
        },
        {
            content: "Still in the Traceability app",
            trigger: IN_APP,
        },
        {
            content: "Back to the overview",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The overview is shown again",
            trigger: `.o_traceability_overview ${TILE}`,
        },
    ],
});
