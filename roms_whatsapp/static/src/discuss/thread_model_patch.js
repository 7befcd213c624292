import { Record } from "@mail/core/common/record";
import { Thread } from "@mail/core/common/thread_model";

import { patch } from "@web/core/utils/patch";

patch(Thread.prototype, {
    setup() {
        super.setup(...arguments);
        this.appAsRomsWhatsapp = Record.one("DiscussApp", {
            compute() {
                return this.channel_type === "roms_whatsapp" ? this.store.discuss : null;
            },
        });
        /** @type {string} */
        this.roms_wa_number = undefined;
        /** @type {number} */
        this.roms_agent_id = undefined;
        /** @type {number[]} members who are online for ROMS (its toggle) */
        this.roms_online_partner_ids = [];
        /** @type {string} open / pending / resolved */
        this.roms_status = undefined;
        /** @type {number} the customer's partner */
        this.roms_partner_id = undefined;
        /** @type {string} connected / disconnected */
        this.roms_wa_account_state = undefined;
        /** @type {string} */
        this.roms_wa_account_name = undefined;
        /** @type {string} end of the Cloud API's 24-hour window (UTC), if any */
        this.roms_wa_window_end = undefined;
    },
    _computeDiscussAppCategory() {
        if (this.channel_type === "roms_whatsapp") {
            return this.appAsRomsWhatsapp?.romsWhatsappCategory;
        }
        return super._computeDiscussAppCategory();
    },
    /** Quiet by default: a WhatsApp conversation notifies only its agent, and only
     * when they chose to be told of every message. */
    notifyMessageToUser(message) {
        if (
            this.isRomsWhatsapp &&
            !this.store.env.services["roms_whatsapp.presence"].mayNotify(this)
        ) {
            return;
        }
        return super.notifyMessageToUser(message);
    },
    get romsOnlineMembers() {
        return this.channelMembers.filter((member) =>
            this.roms_online_partner_ids.includes(member.persona?.id)
        );
    },
    get romsOfflineMembers() {
        return this.channelMembers.filter(
            (member) =>
                member.persona?.type === "partner" &&
                !this.roms_online_partner_ids.includes(member.persona.id) &&
                member.persona.id !== this.roms_partner_id
        );
    },
    get romsCustomerMembers() {
        return this.channelMembers.filter(
            (member) => member.persona?.id === this.roms_partner_id
        );
    },
    get isRomsWhatsapp() {
        return this.channel_type === "roms_whatsapp";
    },
    get hasMemberList() {
        return this.isRomsWhatsapp || super.hasMemberList;
    },
    get canLeave() {
        return !this.isRomsWhatsapp && super.canLeave;
    },
    get allowCalls() {
        return !this.isRomsWhatsapp && super.allowCalls;
    },
});
