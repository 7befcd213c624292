import { registry } from "@web/core/registry";

/** The points page shows the balance of 150 and the line that earned it. */
function seeBalanceAndLedger() {
    return [
        {
            content: "The balance is shown",
            trigger: "#roms_points_balance .roms_points_total:contains('150')",
        },
        {
            content: "The ledger shows the points earned on the confirmed order",
            trigger: "#roms_points_ledger .roms_points_line:contains('Points earned'):contains('+150')",
        },
    ];
}

registry.category("web_tour.tours").add("roms_loyalty_portal", {
    url: "/my/points",
    steps: () => [
        ...seeBalanceAndLedger(),
        {
            content: "Open the quotation to spend the points on",
            trigger: "#roms_points_quotes a:contains('Quotation')",
            run: "click",
        },
        {
            content: "Redeem the 100-point tier",
            trigger: "#roms_points .roms_redeem_button:contains('100 points')",
            run: "click",
        },
        {
            content: "The reward is on the quotation",
            trigger: "#roms_points .alert-success",
        },
    ],
});

registry.category("web_tour.tours").add("roms_loyalty_reseller_cart", {
    url: "/my/points",
    steps: () => [
        ...seeBalanceAndLedger(),
        {
            content: "Go ordering from the catalogue",
            trigger: "a.o_roms_points_catalog",
            run: "click",
        },
        {
            content: "Four bags of coffee",
            trigger: ".o_roms_product[data-product='Kopi Loyal A'] input.o_roms_qty",
            run: "edit 4",
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
            content: "The cart shows the points",
            trigger: "#roms_points .o_roms_cart_points:contains('150')",
        },
        {
            content: "Redeem the 100-point tier on the cart",
            trigger: "#roms_points .roms_redeem_button:contains('100 points')",
            run: "click",
        },
        {
            content: "The reward is on the cart",
            trigger: "#roms_points .alert-success",
        },
        {
            content: "The reward line lowers the total by 5 %",
            trigger: ".o_roms_cart:has(.o_roms_cart_reward:contains('100 points')) .o_roms_cart_total:contains('190,000')",
        },
        {
            content: "The 500-point tier is out of reach",
            trigger: "#roms_points:not(:has(.roms_redeem_button))",
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
    ],
});

/** The points ledger on a 375 px phone: no sideways scrolling, neither of the
 * page nor of the ledger itself. */
registry.category("web_tour.tours").add("roms_loyalty_points_phone", {
    url: "/my/points",
    steps: () => [
        {
            content: "The ledger is shown",
            trigger: "#roms_points_ledger .roms_points_line",
        },
        {
            content: "The ledger fits the phone's width",
            trigger: "#roms_points_ledger",
            run() {
                const ledger = document.querySelector("#roms_points_ledger");
                const page = document.documentElement.scrollWidth;
                if (page > window.innerWidth) {
                    throw new Error(
                        `The points page is ${page}px wide on a ${window.innerWidth}px screen`
                    );
                }
                for (const el of [ledger, ...ledger.querySelectorAll("*")]) {
                    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth) {
                        throw new Error(
                            `The ledger scrolls sideways: ${el.className} is ${el.scrollWidth}px in ${el.clientWidth}px`
                        );
                    }
                }
                let box = ledger.parentElement;
                while (box) {
                    if (box.scrollWidth > box.clientWidth + 1) {
                        throw new Error(
                            `The ledger's container ${box.className} scrolls sideways`
                        );
                    }
                    box = box.parentElement;
                }
                const right = ledger.getBoundingClientRect().right;
                if (right > window.innerWidth) {
                    throw new Error(`The ledger ends at ${right}px`);
                }
            },
        },
    ],
});
