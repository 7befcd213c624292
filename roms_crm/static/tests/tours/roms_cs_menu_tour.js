import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("roms_cs_menu", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ROMS app",
            trigger: ".o_app[data-menu-xmlid='roms_crm.roms_menu_root']",
            run: "click",
        },
        {
            // leaving the app's first screen while it still loads races with it
            content: "The ROMS app's first screen is shown",
            trigger:
                ".o_action_manager:has(.o_roms_dashboard, .o_view_controller):not(:has(.o-mail-Discuss))",
        },
        {
            content: "Open the Customers section",
            trigger: ".o_menu_sections [data-menu-xmlid='roms_crm.roms_menu_customers']",
            run: "click",
        },
        {
            content: "Open the customer list",
            trigger: ".dropdown-item[data-menu-xmlid='roms_crm.roms_menu_customers_all']",
            run: "click",
        },
        {
            content: "The customer is listed",
            trigger: ".o_list_view .o_data_row:contains('Ayu Lestari')",
        },
        {
            content: "Open the Orders section",
            trigger: ".o_menu_sections [data-menu-xmlid='roms_crm.roms_menu_orders']",
            run: "click",
        },
        {
            content: "Open the orders",
            trigger: ".dropdown-item[data-menu-xmlid='roms_crm.roms_menu_orders_all']",
            run: "click",
        },
        {
            content: "Orders are shown by fulfilment stage",
            trigger: ".o_control_panel .o_breadcrumb:contains('Orders')",
        },
    ],
});
