import { registry } from "@web/core/registry";

/** Fail when the page is wider than the phone: no horizontal scrolling. */
function checkNoHorizontalScroll(page) {
    return {
        content: `The ${page} fits a phone screen`,
        trigger: "body",
        run() {
            const width = document.documentElement.scrollWidth;
            if (width > window.innerWidth) {
                throw new Error(
                    `The ${page} is ${width}px wide on a ${window.innerWidth}px screen`
                );
            }
        },
    };
}

registry.category("web_tour.tours").add("roms_reseller_portal", {
    url: "/my",
    steps: () => [
        {
            content: "Open the catalogue from the portal home",
            trigger: ".o_portal_index_card a[href='/my/catalog']",
            run: "click",
        },
        {
            content: "Search the catalogue",
            trigger: ".o_roms_catalog input[name='search']",
            run: "edit Tour",
        },
        {
            content: "Run the search",
            trigger: ".o_roms_catalog button.o_roms_search",
            run: "click",
        },
        {
            content: "Only the products found are listed",
            trigger: ".o_roms_catalog:not(:has(.o_roms_product[data-product='Kopi Habis']))",
        },
        {
            content: "The coffee shows the reseller's discounted price",
            trigger: ".o_roms_product[data-product='Kopi Tour Gayo'] .o_roms_price:contains('90,000')",
        },
        {
            content: "The list price is struck through",
            trigger: ".o_roms_product[data-product='Kopi Tour Gayo'] del.o_roms_list_price:contains('100,000')",
        },
        checkNoHorizontalScroll("catalogue"),
        {
            content: "Two bags of coffee",
            trigger: ".o_roms_product[data-product='Kopi Tour Gayo'] input.o_roms_qty",
            run: "edit 2",
        },
        {
            content: "One pack of palm sugar",
            trigger: ".o_roms_product[data-product='Gula Tour Aren'] input.o_roms_qty",
            run: "edit 1",
        },
        {
            content: "Add them to the cart",
            trigger: "button.o_roms_add_to_cart",
            run: "click",
        },
        {
            content: "Open the cart",
            trigger: ".alert-success a[href='/my/catalog/cart']",
            run: "click",
        },
        {
            content: "Both products are in the cart",
            trigger: ".o_roms_cart:has(.o_roms_cart_line:contains('Kopi Tour Gayo')):has(.o_roms_cart_line:contains('Gula Tour Aren'))",
        },
        checkNoHorizontalScroll("cart"),
        {
            content: "Add a note for the shop",
            trigger: "textarea[name='note']",
            run: "edit Kirim sebelum Jumat",
        },
        {
            content: "Place the order",
            trigger: "button.o_roms_place_order",
            run: "click",
        },
        {
            content: "The order is placed",
            trigger: ".o_roms_placed",
        },
        {
            content: "The order shows its fulfilment stage",
            trigger: "#roms_fulfilment .badge:contains('Processed')",
        },
        checkNoHorizontalScroll("order page"),
        {
            content: "Reorder it",
            trigger: "button.o_roms_reorder",
            run: "click",
        },
        {
            content: "The cart holds the same products again",
            trigger: ".o_roms_cart:has(.o_roms_cart_line:contains('Kopi Tour Gayo')):has(.o_roms_cart_line:contains('Gula Tour Aren'))",
        },
        {
            content: "Open the list of orders",
            trigger: "body",
            run: "goToUrl /my/orders",
        },
        {
            content: "The placed order is listed with its stage",
            trigger: ".o_portal_my_doc_table tr:has(a:contains('S')) .badge:contains('Processed'):visible",
        },
        {
            content: "The list of orders fits the phone: its totals are not cut off",
            trigger: ".o_portal_my_doc_table",
            run() {
                const table = document.querySelector(".o_portal_my_doc_table");
                let box = table;
                while (box) {
                    if (box.scrollWidth > box.clientWidth + 1) {
                        throw new Error(
                            `The orders list scrolls sideways: ${box.className} is ${box.scrollWidth}px in ${box.clientWidth}px`
                        );
                    }
                    box = box.parentElement;
                }
            },
        },
    ],
});
