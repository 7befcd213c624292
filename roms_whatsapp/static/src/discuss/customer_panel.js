import { ActionPanel } from "@mail/discuss/core/common/action_panel";

import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

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
        this.state = useState({ data: null, editing: false, name: "" });
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
        this.state.data = await this.orm.call("discuss.channel", "roms_wa_panel_data", [
            [thread.id],
        ]);
        this.state.editing = false;
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
        this.state.data = await this.orm.call("discuss.channel", "roms_wa_rename_customer", [
            [this.props.thread.id],
            name,
        ]);
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

    openOrder(order) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "sale.order",
            res_id: order.id,
            views: [[false, "form"]],
        });
    }
}
