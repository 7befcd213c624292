/** @odoo-module **/
/**
 * ``js_class="roms_report_form"``: a report whose controls (its period, what it
 * ranks by) are the fields of a transient record, shown as a report rather than
 * as a record: the action's name in the breadcrumb instead of "New", no save or
 * discard icons, nothing kept when the user leaves.
 */

import { registry } from "@web/core/registry";
import { formView } from "@web/views/form/form_view";
import { FormController } from "@web/views/form/form_controller";

export class RomsReportFormController extends FormController {
    setup() {
        super.setup();
        this.reportTitle = this.env.config.getDisplayName();
        // no save/discard indicator: changing the period only reruns the report
        this.canEdit = false;
    }

    displayName() {
        return this.reportTitle;
    }

    async beforeLeave() {
        // the period is not worth a record: nothing to save when leaving
    }

    async beforeUnload() {}
}

registry.category("views").add("roms_report_form", {
    ...formView,
    Controller: RomsReportFormController,
});
