import { registry } from "@web/core/registry";

function tileText(tile) {
    return document.querySelector(`.o_roms_dashboard .o_roms_tile_${tile}`).innerText;
}

// An extreme order today: the figures stay readable (no JavaScript exponent).
registry.category("web_tour.tours").add("roms_dashboard_extreme", {
    url: "/odoo/action-roms_reports.roms_dashboard_action",
    steps: () => [
        {
            content: "The sales tile shows the amount as a power of ten",
            trigger: ".o_roms_dashboard .o_roms_tile_sales .fs-2:contains('× 10')",
            run() {
                const text = tileText("sales");
                if (/e\+|e-\d/.test(text)) {
                    throw new Error(`exponent notation on the sales tile: ${text}`);
                }
                if (!text.includes("> 999 %")) {
                    throw new Error(`the change is not capped: ${text}`);
                }
            },
        },
        {
            content: "This week's reminder sales read as the dashboard's amounts",
            trigger: ".o_roms_dashboard .o_roms_tile_reminders .fs-2:contains('Rp')",
            run() {
                const text = tileText("reminders");
                if (/e\+|e-\d|NaN|undefined/.test(text)) {
                    throw new Error(`reminder sales tile: ${text}`);
                }
            },
        },
        {
            content: "The sales axis reads in compact units",
            trigger: ".o_roms_dashboard canvas",
            run() {
                const chart = window.Chart.getChart(document.querySelector(".o_roms_dashboard canvas"));
                const ticks = chart.scales.sales.ticks.map((tick) => tick.label).join(" ");
                if (/e\+/.test(ticks) || !ticks.includes("Rp")) {
                    throw new Error(`sales axis: ${ticks}`);
                }
            },
        },
    ],
});

// Customer service: counts only, laid out for them.
registry.category("web_tour.tours").add("roms_dashboard_cs", {
    url: "/odoo/action-roms_reports.roms_dashboard_action",
    steps: () => [
        {
            content: "The orders tile is there",
            trigger: ".o_roms_dashboard .o_roms_tile_orders .fs-2:contains('1')",
        },
        {
            content: "No sales tile, no sales axis, a chart titled for orders",
            trigger: ".o_roms_dashboard h5:contains('Orders per day')",
            run() {
                if (document.querySelector(".o_roms_tile_sales, .o_roms_tile_reminders")) {
                    throw new Error("customer service sees the sales or reminder sales tile");
                }
                const chart = window.Chart.getChart(document.querySelector(".o_roms_dashboard canvas"));
                if (chart.scales.sales || chart.data.datasets.length !== 1) {
                    throw new Error("customer service sees the sales axis");
                }
            },
        },
    ],
});
