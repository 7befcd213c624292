import { Composer } from "@mail/core/common/composer";

import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { patch } from "@web/core/utils/patch";

const { DateTime } = luxon;

/** The composer of a WhatsApp conversation says when a reply cannot reach the
 * customer: the account is disconnected, or the Cloud API's 24-hour window is
 * closed (with the time left while it is open). */
patch(Composer.prototype, {
    get romsThread() {
        const thread = this.props.composer.thread;
        return thread?.channel_type === "roms_whatsapp" ? thread : null;
    },
    get romsDisconnected() {
        return this.romsThread?.roms_wa_account_state === "disconnected";
    },
    get romsWindowEnd() {
        const end = this.romsThread?.roms_wa_window_end;
        return end ? deserializeDateTime(end) : null;
    },
    get romsWindowClosed() {
        return Boolean(this.romsWindowEnd && this.romsWindowEnd <= DateTime.now());
    },
    get romsWindowLeft() {
        const end = this.romsWindowEnd;
        if (!end || this.romsWindowClosed) {
            return "";
        }
        const left = end.diff(DateTime.now(), ["hours", "minutes"]);
        return _t("24-hour window: %(hours)s h %(minutes)s min left", {
            hours: Math.floor(left.hours),
            minutes: Math.floor(left.minutes),
        });
    },
});
