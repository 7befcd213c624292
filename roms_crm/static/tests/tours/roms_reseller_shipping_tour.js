import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("roms_reseller_shipping", {
    url: "/my/catalog/cart",
    steps: () => [
        {
            content: "The cart offers the shop's courier and Biteship's services",
            trigger: ".o_roms_shipping_option[data-option='Kurir Toko Tes']",
        },
        {
            content: "Choose J&T EZ",
            trigger: ".o_roms_shipping_option[data-option='J&T EZ'] input[type='radio']",
            run: "click",
        },
        {
            content: "The cart fits a phone screen",
            trigger: ".o_roms_shipping",
            run() {
                const width = document.documentElement.scrollWidth;
                if (width > window.innerWidth) {
                    throw new Error(`The cart is ${width}px wide on a ${window.innerWidth}px screen`);
                }
            },
        },
        {
            content: "Place the order",
            trigger: "button.o_roms_place_order",
            run: "click",
        },
        {
            content: "The order page names the courier",
            trigger: "#roms_fulfilment:contains('J&T')",
        },
        {
            // the page loads its chatter's bundle last: the tour ends once it is
            // there, not while it is still being fetched
            content: "The order's chatter is shown",
            trigger: "#chatterRoot:shadow .o-mail-Chatter",
        },
    ],
});
