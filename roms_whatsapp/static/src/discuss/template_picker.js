import { Component, onWillStart, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

import { insertPostedMessage } from "./posted_message";

/**
 * Once the Cloud API's 24-hour window is closed, the composer of a WhatsApp
 * conversation becomes this: an approved template to choose, previewed with the
 * customer's values, sent through the queue (the server refuses free text).
 *
 * @typedef {Object} Props
 * @property {import("models").Thread} thread
 */
export class RomsTemplatePicker extends Component {
    static props = ["thread"];
    static template = "roms_whatsapp.TemplatePicker";

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ templates: null, selected: null, sending: false });
        onWillStart(() => this.load());
    }

    async load() {
        const templates = await this.orm.call("discuss.channel", "roms_wa_templates", [
            [this.props.thread.id],
        ]);
        this.state.templates = templates;
        this.state.selected = templates[0]?.id ?? null;
    }

    get selected() {
        return this.state.templates?.find((t) => t.id === this.state.selected);
    }

    onChange(ev) {
        this.state.selected = parseInt(ev.target.value, 10);
    }

    async send() {
        if (!this.selected || this.state.sending) {
            return;
        }
        this.state.sending = true;
        try {
            const result = await this.orm.call("discuss.channel", "roms_wa_send_template", [
                [this.props.thread.id],
                this.selected.id,
            ]);
            insertPostedMessage(this.props.thread, result);
            this.notification.add(_t("Template sent."), { type: "success" });
        } finally {
            this.state.sending = false;
        }
    }
}
