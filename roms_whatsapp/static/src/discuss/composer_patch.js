import { Composer } from "@mail/core/common/composer";

import { toRaw, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { patch } from "@web/core/utils/patch";

import { insertPostedMessage } from "./posted_message";
import { RomsTemplatePicker } from "./template_picker";

const { DateTime } = luxon;

/** The composer of a WhatsApp conversation says when a reply cannot reach the
 * customer: the account is disconnected, or the Cloud API's 24-hour window is
 * closed (with the time left while it is open); once it is closed, it offers the
 * approved templates instead of free text. A button picks a quick reply or a
 * template to insert (besides the "::" shortcut). */
Composer.components = { ...Composer.components, RomsTemplatePicker };
patch(Composer.prototype, {
    setup() {
        super.setup(...arguments);
        this.romsState = useState({ pickerOpen: false, replies: null });
    },
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
    get romsTemplateOnly() {
        return Boolean(this.romsThread && this.romsWindowClosed && !this.props.composer.message);
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
    async onClickRomsQuickReplies() {
        this.romsState.pickerOpen = !this.romsState.pickerOpen;
        if (this.romsState.pickerOpen && !this.romsState.replies) {
            this.romsState.replies = await this.env.services.orm.call(
                "discuss.channel",
                "roms_wa_quick_replies",
                [[this.romsThread.id]]
            );
        }
    },
    /** A template with reply buttons, a list or a link button is sent as it
     * is (the server renders it for the customer), not inserted as text. */
    async romsSendInteractive(reply) {
        this.romsState.pickerOpen = false;
        const result = await this.env.services.orm.call(
            "discuss.channel",
            "roms_wa_send_template",
            [[this.romsThread.id], reply.id]
        );
        insertPostedMessage(this.romsThread, result);
    },
    romsInsert(reply) {
        const composer = toRaw(this.props.composer);
        const text = composer.text;
        const start = composer.selection.start ?? text.length;
        const end = composer.selection.end ?? text.length;
        composer.text = text.slice(0, start) + reply.body + text.slice(end);
        this.selection.moveCursor(start + reply.body.length);
        this.romsState.pickerOpen = false;
        composer.autofocus++;
    },
});
