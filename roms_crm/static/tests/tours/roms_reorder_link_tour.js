import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("roms_reorder_link", {
    steps: () => [
        {
            content: "The archived palm sugar is said to be no longer sold",
            trigger: ".o_roms_reorder_skipped:contains('Gula Link Aren')",
        },
        {
            content: "The coffee is offered with the reminded quantity",
            trigger: ".o_roms_reorder_item[data-product='Kopi Link Gayo'] input.o_roms_qty:value(2)",
        },
        {
            content: "One more bag of coffee",
            trigger: ".o_roms_reorder_item[data-product='Kopi Link Gayo'] .o_roms_step[data-step='1']",
            run: "click",
        },
        {
            content: "Three bags now",
            trigger: ".o_roms_reorder_item[data-product='Kopi Link Gayo'] input.o_roms_qty:value(3)",
        },
        {
            content: "Deliver to the office",
            trigger: "select.o_roms_reorder_address",
            run: "selectByLabel Kantor Rina, Jl. Asia Afrika 8, Bandung",
        },
        {
            content: "A note for the shop",
            trigger: "textarea[name='note']",
            run: "edit Antar pagi",
        },
        {
            content: "The page fits a phone screen",
            trigger: "body",
            run() {
                const width = document.documentElement.scrollWidth;
                if (width > window.innerWidth) {
                    throw new Error(
                        `The reorder page is ${width}px wide on a ${window.innerWidth}px screen`
                    );
                }
            },
        },
        {
            content: "Order",
            trigger: "button.o_roms_reorder_submit",
            run: "click",
        },
        {
            content: "The order's page shows the new order",
            trigger: "#portal_sale_content",
        },
    ],
});
