import { Message } from "@mail/core/common/message";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/** Delivery of agents' WhatsApp replies (from the linked ROMS message): ticks,
 * and in words under the message when it failed (with Retry) or waits for the
 * account to reconnect. */
patch(Message.prototype, {
    setup() {
        super.setup(...arguments);
        this.state.romsRetrying = false;
    },
    get romsTicksTitle() {
        const message = this.props.message;
        switch (message.roms_wa_state) {
            case "queued":
                return message.roms_wa_error_code === "disconnected"
                    ? _t("Waiting for the WhatsApp connection")
                    : _t("Waiting to be sent");
            case "sent":
                return _t("Sent");
            case "delivered":
                return _t("Delivered to the phone");
            case "read":
                return _t("Read");
            case "failed":
                return message.roms_wa_error
                    ? _t("Not delivered: %(error)s", { error: message.roms_wa_error })
                    : _t("Not delivered");
        }
        return "";
    },
    get romsDeliveryNotice() {
        const message = this.props.message;
        if (message.roms_wa_state === "failed") {
            return this.romsTicksTitle;
        }
        if (message.roms_wa_state === "queued" && message.roms_wa_error_code === "disconnected") {
            return _t("Waiting for the WhatsApp connection: not sent yet.");
        }
        return "";
    },
    async onClickRomsRetry() {
        this.state.romsRetrying = true;
        try {
            const values = await this.env.services.orm.call("mail.message", "roms_wa_retry", [
                [this.props.message.id],
            ]);
            Object.assign(this.props.message, values);
        } finally {
            this.state.romsRetrying = false;
        }
    },
});
