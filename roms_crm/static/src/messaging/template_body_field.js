/** @odoo-module **/
// widget="roms_template_body": a message body with a row of its variables above
// it; a click inserts the variable where the cursor is (or replaces the
// selection), as if typed.

import { registry } from "@web/core/registry";
import { TextField, textField } from "@web/views/fields/text/text_field";

export class RomsTemplateBodyField extends TextField {
    static template = "roms_crm.TemplateBodyField";

    get variables() {
        const names = this.props.record.data.variables_help || "";
        return names.match(/[a-z_]+/g) || [];
    }

    insertVariable(variable) {
        const textarea = this.textareaRef.el;
        if (!textarea) {
            return;
        }
        const focused = document.activeElement === textarea;
        const start = focused ? textarea.selectionStart : this.selectionStart;
        const end = focused ? textarea.selectionEnd : start;
        textarea.setRangeText(`{${variable}}`, start, end, "end");
        this.selectionStart = textarea.selectionStart;
        textarea.focus();
        // the field commits typed text on input/change: so does it this text
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
        textarea.dispatchEvent(new Event("change", { bubbles: true }));
    }
}

registry.category("fields").add("roms_template_body", {
    ...textField,
    component: RomsTemplateBodyField,
    fieldDependencies: [{ name: "variables_help", type: "char" }],
});
