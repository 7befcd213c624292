/** @odoo-module **/
// js_class="roms_whatsapp_account_form": the account's status is asked again
// from the provider when the form opens (at most once a minute, see
// action_check_status_on_open), so a gateway that stopped listening does not
// keep showing "Connected".

import { onMounted } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formView } from "@web/views/form/form_view";
import { FormController } from "@web/views/form/form_controller";

export class RomsWhatsappAccountFormController extends FormController {
    setup() {
        super.setup();
        this.orm = useService("orm");
        onMounted(() => this.checkStatus());
    }

    async checkStatus() {
        const record = this.model.root;
        if (!record.resId || record.isNew) {
            return;
        }
        const checked = await this.orm.call(record.resModel, "action_check_status_on_open", [
            [record.resId],
        ]);
        if (checked && !record.dirty) {
            await record.load();
        }
    }
}

registry.category("views").add("roms_whatsapp_account_form", {
    ...formView,
    Controller: RomsWhatsappAccountFormController,
});
