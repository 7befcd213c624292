import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** Open a menu by its XML id at once, as a click on it would. */
function selectMenu(xmlid) {
    const menus = odoo.__WOWL_DEBUG__.root.env.services.menu;
    return menus.selectMenu(menus.getAll().find((menu) => menu.xmlid === xmlid));
}

const CUSTOMERS = "roms_crm.roms_menu_customers_all";
const DASHBOARD = "roms_reports.roms_reports_menu_dashboard";

// Leaving the dashboard before it has its figures logs no error: the browser
// test fails on any error in the console.
registry.category("web_tour.tours").add("roms_dashboard_leave", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ROMS app: it opens on the dashboard",
            trigger: ".o_app[data-menu-xmlid='roms_crm.roms_menu_root']",
            run: "click",
        },
        {
            content: "The dashboard is starting (its chart library is loading): leave it",
            trigger: `.o_menu_sections [data-menu-xmlid='${DASHBOARD}']`,
            run: () => selectMenu(CUSTOMERS),
        },
        {
            content: "The customers are listed",
            trigger: ".o_breadcrumb:contains('Customers')",
        },
        {
            content: "Open the dashboard again and leave while its figures are read",
            trigger: `.o_menu_sections [data-menu-xmlid='${DASHBOARD}']`,
            run() {
                const bus = odoo.__WOWL_DEBUG__.root.env.bus;
                const started = new Promise((resolve) => {
                    const onUpdate = ({ detail }) => {
                        if (detail.componentProps.action?.tag === "roms_reports.dashboard") {
                            bus.removeEventListener("ACTION_MANAGER:UPDATE", onUpdate);
                            resolve();
                        }
                    };
                    bus.addEventListener("ACTION_MANAGER:UPDATE", onUpdate);
                });
                selectMenu(DASHBOARD);
                // the dashboard's component starts on this update and asks for
                // its figures; leave before they are read
                return started
                    .then(() => new Promise((resolve) => setTimeout(resolve)))
                    .then(() => selectMenu(CUSTOMERS));
            },
        },
        {
            content: "The customers are listed again",
            trigger: ".o_breadcrumb:contains('Customers')",
        },
        {
            content: "Back on the dashboard: its figures come (after the earlier calls)",
            trigger: `.o_menu_sections [data-menu-xmlid='${DASHBOARD}']`,
            run: "click",
        },
        {
            content: "The dashboard shows its figures and charts, no error",
            trigger: ".o_roms_dashboard canvas",
            run() {
                if (document.querySelector(".o_error_dialog")) {
                    throw new Error("an error dialog is open");
                }
            },
        },
    ],
});
