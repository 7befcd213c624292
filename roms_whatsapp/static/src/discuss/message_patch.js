import { Message } from "@mail/core/common/message";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/** Delivery ticks of agents' WhatsApp replies (from the linked ROMS message). */
patch(Message.prototype, {
    get romsTicksTitle() {
        const message = this.props.message;
        switch (message.roms_wa_state) {
            case "queued":
                return _t("Waiting to be sent");
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
});
