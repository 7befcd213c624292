/** @odoo-module **/
/**
 * ``widget="roms_month"`` on the date of a month (the repeat purchase and cohort
 * reports' rows): "Desember 2026" rather than "01/12/2026", which reads as the
 * first day of that month. Odoo's date field has no format option.
 */

import { registry } from "@web/core/registry";
import { DateTimeField, dateField } from "@web/views/fields/datetime/datetime_field";

export function formatMonth(value) {
    return value ? value.toFormat("MMMM yyyy") : "";
}

export class MonthField extends DateTimeField {
    getFormattedValue(valueIndex) {
        return formatMonth(this.values[valueIndex]);
    }
}

registry.category("formatters").add("roms_month", formatMonth);
registry.category("fields").add("roms_month", {
    ...dateField,
    component: MonthField,
    // a fixed width, as a date's: the figures beside it share the rest of the line
    listViewWidth: 130,
});
