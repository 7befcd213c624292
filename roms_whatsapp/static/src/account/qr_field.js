/** @odoo-module **/
// The QR code of a QR-gateway account, refreshed every few seconds until the
// account is connected (the gateway renews its QR code about every 20 seconds).

import { onMounted, onWillUnmount } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { registry } from "@web/core/registry";
import { ImageField, imageField } from "@web/views/fields/image/image_field";

const REFRESH_MS = 5000;

export class RomsWhatsappQrField extends ImageField {
    setup() {
        super.setup();
        this.orm = useService("orm");
        onMounted(() => {
            this.timer = setInterval(() => this.refresh(), REFRESH_MS);
        });
        onWillUnmount(() => clearInterval(this.timer));
    }

    async refresh() {
        const record = this.props.record;
        if (!record.resId || record.data.state === "connected" || (await record.isDirty())) {
            return;
        }
        await this.orm.call("roms.whatsapp.account", "action_waha_poll", [[record.resId]]);
        await record.load();
    }
}

registry.category("fields").add("roms_whatsapp_qr", {
    ...imageField,
    component: RomsWhatsappQrField,
});
