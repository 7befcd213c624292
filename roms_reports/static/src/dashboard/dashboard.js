/** @odoo-module **/

import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    status,
    useRef,
    useState,
} from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { KeepLast } from "@web/core/utils/concurrency";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatAmount, formatCompact, formatCount, formatPercentChange } from "../core/format";
import { deserializeDate, deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";

const REFRESH_MS = 60000;

export const SEGMENT_COLORS = [
    "#017e84",
    "#714b67",
    "#e99d00",
    "#d44c59",
    "#6c757d",
    "#3f8f29",
    "#2f6fb5",
];

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
        // only the latest request's figures are shown: an earlier, slower answer
        // (a reload, another period) never overwrites them
        this.keepLast = new KeepLast();
        onWillStart(async () => {
            // the figures are asked for at once, not after the chart library has
            // come: the user may have left the dashboard by then
            await Promise.all([loadBundle("web.chartjs_lib"), this.load()]);
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

    get isDestroyed() {
        return status(this) === "destroyed";
    }

    /**
     * Read the figures of ``state.days``. An answer that comes after the
     * dashboard was left, or after a later request was made, is ignored.
     */
    async load() {
        if (this.isDestroyed) {
            return;
        }
        this.state.loading = true;
        try {
            const data = await this.keepLast.add(
                this.orm.call("roms.dashboard", "get_dashboard_data", [], {
                    days: this.state.days,
                })
            );
            if (!this.isDestroyed) {
                this.state.data = data;
            }
        } finally {
            if (!this.isDestroyed) {
                this.state.loading = false;
            }
        }
    }

    async refresh() {
        await this.load();
        if (!this.isDestroyed) {
            this.renderCharts();
        }
    }

    // formatting ------------------------------------------------------------

    /** A tile's amount: full while it fits, compact from a milliard on. */
    money(value, options) {
        return formatAmount(value, this.state.data.currency, options);
    }

    /** The full amount, for a tile's tooltip when it shows the compact one. */
    moneyTitle(value) {
        return this.money(value, { compact: false });
    }

    number(value) {
        return formatCount(value);
    }

    /** A duration in minutes: "12,5 mnt", "1 j 5 mnt"; "—" without data. */
    minutes(value) {
        if (value === null || value === undefined || value === false) {
            return "—";
        }
        if (value < 60) {
            return _t("%(minutes)s min", { minutes: formatCount(value, { digits: 1 }) });
        }
        const whole = Math.round(value);
        return _t("%(hours)s h %(minutes)s min", {
            hours: formatCount(Math.floor(whole / 60)),
            minutes: formatCount(whole % 60),
        });
    }

    change(value, kind = "orders") {
        if (value === null || value === undefined) {
            return kind === "chats"
                ? _t("no chats last week to compare")
                : _t("no orders last week to compare");
        }
        return _t("%(change)s vs last week", { change: formatPercentChange(value) });
    }

    /** "5 orders, 2 through the reminder's link": what the reminder sales are. */
    reminderOrders(reminders) {
        return _t("%(count)s orders, %(attributed)s through the reminder's link", {
            count: formatCount(reminders.count),
            attributed: formatCount(reminders.attributed),
        });
    }

    get showSales() {
        return Boolean(this.state.data && this.state.data.orders.show_sales);
    }

    segmentColor(index) {
        return SEGMENT_COLORS[index % SEGMENT_COLORS.length];
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

    /** "04 Des 12:07": a waiting list's dates fit their line. */
    shortSince(value) {
        return value ? formatDateTime(deserializeDateTime(value), { format: "dd MMM HH:mm" }) : "";
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
        const showSales = this.showSales;
        const datasets = [
            {
                type: "line",
                label: _t("Number of orders"),
                data: data.daily.map((d) => d.orders),
                yAxisID: "orders",
                borderColor: "#017e84",
                backgroundColor: "#017e84",
            },
        ];
        const scales = {
            orders: {
                position: showSales ? "right" : "left",
                beginAtZero: true,
                ticks: { precision: 0, callback: (value) => formatCompact(value) },
            },
        };
        if (showSales) {
            datasets.push({
                label: _t("Sales"),
                data: data.daily.map((d) => d.sales),
                yAxisID: "sales",
                backgroundColor: "#9fd3d5",
            });
            // compact labels on the axis ("Rp 3,4 jt"), full amounts in the tooltip
            scales.sales = {
                position: "left",
                beginAtZero: true,
                ticks: { callback: (value) => this.money(value, { compact: true }) },
            };
        }
        this.charts.push(
            new Chart(this.salesChart.el, {
                type: "bar",
                data: { labels, datasets },
                options: {
                    maintainAspectRatio: false,
                    animation: false,
                    scales,
                    plugins: {
                        tooltip: {
                            callbacks: {
                                label: (context) =>
                                    `${context.dataset.label}: ${
                                        context.dataset.yAxisID === "sales"
                                            ? this.money(context.parsed.y, { compact: false })
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
                        y: {
                            stacked: true,
                            beginAtZero: true,
                            ticks: { precision: 0, callback: (value) => formatCompact(value) },
                        },
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
                            backgroundColor: data.segments.map((_s, index) => this.segmentColor(index)),
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    animation: false,
                    // the list under the chart is the legend: Chart.js drops the
                    // entries that do not fit its narrow canvas
                    plugins: {
                        legend: { display: false },
                        tooltip: {
                            callbacks: {
                                label: (context) => `${context.label}: ${this.number(context.parsed)}`,
                            },
                        },
                    },
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
