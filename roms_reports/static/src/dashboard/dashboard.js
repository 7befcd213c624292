/** @odoo-module **/

import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { deserializeDate, deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";

const REFRESH_MS = 60000;

export class RomsDashboard extends Component {
    static template = "roms_reports.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, loading: false, days: 30 });
        this.salesChart = useRef("salesChart");
        this.customersChart = useRef("customersChart");
        this.segmentsChart = useRef("segmentsChart");
        this.charts = [];
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        onMounted(() => {
            this.renderCharts();
            this.interval = setInterval(() => this.refresh(), REFRESH_MS);
        });
        onWillUnmount(() => {
            clearInterval(this.interval);
            this.destroyCharts();
        });
    }

    async load() {
        this.state.loading = true;
        try {
            this.state.data = await this.orm.call("roms.dashboard", "get_dashboard_data", [], {
                days: this.state.days,
            });
        } finally {
            this.state.loading = false;
        }
    }

    async refresh() {
        await this.load();
        this.renderCharts();
    }

    // formatting ------------------------------------------------------------

    money(value) {
        if (value === null || value === undefined) {
            return "—";
        }
        const currency = this.state.data.currency;
        const amount = formatFloat(value, { digits: [false, currency.digits] });
        return currency.position === "after"
            ? `${amount} ${currency.symbol}`
            : `${currency.symbol} ${amount}`;
    }

    number(value) {
        return value === null || value === undefined ? "—" : formatFloat(value, { digits: [false, 0] });
    }

    change(value, kind = "orders") {
        if (value === null || value === undefined) {
            return kind === "chats"
                ? _t("no chats last week to compare")
                : _t("no orders last week to compare");
        }
        const sign = value > 0 ? "+" : "";
        return _t("%(change)s vs last week", { change: `${sign}${value}%` });
    }

    changeClass(value) {
        if (value === null || value === undefined || value === 0) {
            return "text-muted";
        }
        return value > 0 ? "text-success" : "text-danger";
    }

    since(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    day(value) {
        return formatDate(deserializeDate(value), { format: "dd MMM" });
    }

    // navigation --------------------------------------------------------------

    open(action) {
        if (action) {
            this.action.doAction(action);
        }
    }

    openRecord(model, id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: id,
            views: [[false, "form"]],
        });
    }

    // charts ------------------------------------------------------------------

    destroyCharts() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    renderCharts() {
        const data = this.state.data;
        if (!data || !this.salesChart.el) {
            return;
        }
        this.destroyCharts();
        const labels = data.daily.map((d) => this.day(d.date));
        this.charts.push(
            new Chart(this.salesChart.el, {
                type: "bar",
                data: {
                    labels,
                    datasets: [
                        {
                            type: "line",
                            label: _t("Number of orders"),
                            data: data.daily.map((d) => d.orders),
                            yAxisID: "orders",
                            borderColor: "#017e84",
                            backgroundColor: "#017e84",
                        },
                        {
                            label: _t("Sales"),
                            data: data.daily.map((d) => d.sales),
                            yAxisID: "sales",
                            backgroundColor: "#9fd3d5",
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    animation: false,
                    scales: {
                        orders: { position: "right", beginAtZero: true, ticks: { precision: 0 } },
                        // amounts in the user's number format, Rupiah whole
                        sales: {
                            position: "left",
                            beginAtZero: true,
                            ticks: { callback: (value) => this.number(value) },
                        },
                    },
                    plugins: {
                        tooltip: {
                            callbacks: {
                                label: (context) =>
                                    `${context.dataset.label}: ${
                                        context.dataset.yAxisID === "sales"
                                            ? this.money(context.parsed.y)
                                            : this.number(context.parsed.y)
                                    }`,
                            },
                        },
                    },
                },
            })
        );
        this.charts.push(
            new Chart(this.customersChart.el, {
                type: "bar",
                data: {
                    labels,
                    datasets: [
                        {
                            label: _t("New"),
                            data: data.customers.map((d) => d.new),
                            backgroundColor: "#e99d00",
                        },
                        {
                            label: _t("Returning"),
                            data: data.customers.map((d) => d.returning),
                            backgroundColor: "#714b67",
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    animation: false,
                    scales: {
                        x: { stacked: true },
                        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
                    },
                },
            })
        );
        this.charts.push(
            new Chart(this.segmentsChart.el, {
                type: "doughnut",
                data: {
                    labels: data.segments.map((s) => s.name),
                    datasets: [
                        {
                            data: data.segments.map((s) => s.count),
                            backgroundColor: ["#017e84", "#714b67", "#e99d00", "#d44c59", "#6c757d", "#3f8f29", "#2f6fb5"],
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    animation: false,
                    onClick: (event, elements) => {
                        if (elements.length) {
                            this.open(data.segments[elements[0].index].action);
                        }
                    },
                },
            })
        );
    }
}

registry.category("actions").add("roms_reports.dashboard", RomsDashboard);
