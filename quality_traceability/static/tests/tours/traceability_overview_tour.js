/** @odoo-module **/
import {registry} from "@web/core/registry";

const TILE = ".o_traceability_overview_tile[data-tile='lots_on_hold']";
// The count the tile shows, compared with the list it opens (kept in the
// session storage: the page reloads).
const KEY = "quality_traceability_overview_tour_on_hold";

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
                if (!onHold) {
                    throw new Error("The lot on hold is not counted");
                }
            },
        },
        {
            content: "The overview is the Traceability app's",
            trigger: ".o_main_navbar .o_menu_brand:contains('Traceability')",
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
            content: "Its breadcrumb leads back to the overview",
            trigger: ".o_breadcrumb:contains('Overview'):contains('Lots on Hold')",
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
            trigger: ".o_main_navbar .o_menu_brand:contains('Traceability')",
        },
        {
            content: "Back to the overview",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Overview')",
            run: "click",
        },
        {
            content: "The overview is shown again",
            trigger: `.o_traceability_overview ${TILE}`,
        },
    ],
});
