import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("roms_dashboard", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ROMS app: it opens on the dashboard",
            trigger: ".o_app[data-menu-xmlid='roms_crm.roms_menu_root']",
            run: "click",
        },
        {
            content: "Today's orders are counted",
            trigger: ".o_roms_dashboard .o_roms_tile_orders .fs-2:contains('2')",
        },
        {
            content: "The charts are drawn",
            trigger: ".o_roms_dashboard canvas",
        },
        {
            content: "Refresh without reloading the page",
            trigger: ".o_roms_dashboard_refresh:enabled",
            run: "click",
        },
        {
            content: "Follow the orders tile",
            trigger: ".o_roms_dashboard .o_roms_tile_orders:not(:has(.fa-spin))",
            run: "click",
        },
        {
            content: "Today's orders are listed",
            trigger: ".o_list_view .o_data_row:contains('Tour Customer')",
        },
        {
            content: "Exactly the two orders of today",
            trigger: ".o_breadcrumb:contains('Today')",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row");
                if (rows.length !== 2) {
                    throw new Error(`expected 2 orders, got ${rows.length}`);
                }
            },
        },
    ],
});
