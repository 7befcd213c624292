import { ActionPanel } from "@mail/discuss/core/common/action_panel";

import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";

import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

import { insertPostedMessage } from "./posted_message";

/**
 * The customer of a WhatsApp conversation: name (renamable), phone, email, segments,
 * last orders and loyalty points, read in one call.
 *
 * @typedef {Object} Props
 * @property {import("models").Thread} thread
 */
export class RomsCustomerPanel extends Component {
    static components = { ActionPanel };
    static props = ["thread"];
    static template = "roms_whatsapp.CustomerPanel";

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({
            data: null,
            editing: false,
            name: "",
            note: "",
            sending: false,
        });
        this.inbox = useService("roms_whatsapp.inbox");
        onWillStart(() => this.load(this.props.thread));
        onWillUpdateProps((nextProps) => {
            if (nextProps.thread.notEq(this.props.thread)) {
                return this.load(nextProps.thread);
            }
        });
    }

    get title() {
        return _t("Customer");
    }

    async load(thread) {
        this.setData(
            await this.orm.call("discuss.channel", "roms_wa_panel_data", [[thread.id]])
        );
        this.state.editing = false;
    }

    setData(data) {
        this.state.data = data;
        this.state.note = data.note || "";
    }

    async setStatus(method) {
        await this.orm.call("discuss.channel", method, [[this.props.thread.id]]);
        await this.load(this.props.thread);
        // the inbox views and their counts follow
        this.inbox.reload();
    }

    /** Send a panel action's message (order status, portal link) as a reply. */
    async sendAction(method) {
        if (this.state.sending) {
            return;
        }
        this.state.sending = true;
        try {
            const result = await this.orm.call("discuss.channel", method, [
                [this.props.thread.id],
            ]);
            insertPostedMessage(this.props.thread, result);
            this.notification.add(_t("Sent to the customer."), { type: "success" });
        } finally {
            this.state.sending = false;
        }
    }

    hasLabel(label) {
        return this.state.data.labels.some((l) => l.id === label.id);
    }

    async toggleLabel(label) {
        const ids = this.state.data.labels.map((l) => l.id);
        const next = this.hasLabel(label) ? ids.filter((id) => id !== label.id) : [...ids, label.id];
        this.setData(
            await this.orm.call("discuss.channel", "roms_wa_set_labels", [
                [this.props.thread.id],
                next,
            ])
        );
    }

    async saveNote() {
        this.setData(
            await this.orm.call("discuss.channel", "roms_wa_set_note", [
                [this.props.thread.id],
                this.state.note,
            ])
        );
        this.notification.add(_t("Note saved."), { type: "success" });
    }

    startRename() {
        this.state.name = this.state.data.partner.name;
        this.state.editing = true;
    }

    async saveName() {
        const name = this.state.name.trim();
        if (!name) {
            return;
        }
        this.setData(
            await this.orm.call("discuss.channel", "roms_wa_rename_customer", [
                [this.props.thread.id],
                name,
            ])
        );
        this.state.editing = false;
        this.notification.add(_t("Customer renamed."), { type: "success" });
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.saveName();
        } else if (ev.key === "Escape") {
            this.state.editing = false;
        }
    }

    openCustomer() {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: this.state.data.partner.id,
            views: [[false, "form"]],
        });
    }

    newQuotation() {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "sale.order",
            views: [[false, "form"]],
            context: { default_partner_id: this.state.data.partner.id },
        });
    }

    async attachProof(order) {
        await this.orm.call("discuss.channel", "roms_wa_attach_payment_proof", [
            [this.props.thread.id],
            order.id,
        ]);
        this.notification.add(
            _t("The payment proof is attached to %s, to verify.", order.name),
            { type: "success" }
        );
    }

    /** The order's day in the user's format ("06/12/2026"), not ISO's. */
    orderDate(order) {
        return order.date ? formatDate(deserializeDate(order.date)) : "";
    }

    openOrder(order) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "sale.order",
            res_id: order.id,
            views: [[false, "form"]],
        });
    }
}
