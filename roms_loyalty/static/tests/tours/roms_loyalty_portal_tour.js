import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("roms_loyalty_portal", {
    url: "/my/points",
    steps: () => [
        {
            content: "The balance is shown",
            trigger: "#roms_points_balance .roms_points_total:contains('150')",
        },
        {
            content: "The ledger shows the points earned on the confirmed order",
            trigger: "#roms_points_ledger tr:contains('Points earned'):contains('150')",
        },
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
