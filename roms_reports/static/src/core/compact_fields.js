/** @odoo-module **/
/**
 * ``widget="roms_compact_monetary"`` / ``widget="roms_compact_float"`` on the
 * reports' list and pivot columns: the field's usual format while it is readable,
 * the compact one (formatCompact) from COMPACT_FROM on.
 */

import { registry } from "@web/core/registry";
import { getCurrency } from "@web/core/currency";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";
import { FloatField, floatField } from "@web/views/fields/float/float_field";
import { MonetaryField, monetaryField } from "@web/views/fields/monetary/monetary_field";
import { COMPACT_FROM, formatAmount, formatCompact } from "./format";

function isLarge(value) {
    return typeof value === "number" && Math.abs(value) >= COMPACT_FROM;
}

export function formatCompactMonetary(value, options = {}) {
    if (!isLarge(value)) {
        return formatMonetary(value, options);
    }
    let currencyId = options.currencyId;
    if (!currencyId && options.data) {
        const currencyField =
            options.currencyField ||
            (options.field && options.field.currency_field) ||
            "currency_id";
        const dataValue = options.data[currencyField];
        currencyId = Array.isArray(dataValue) ? dataValue[0] : dataValue;
    }
    return formatAmount(value, currencyId && getCurrency(currencyId), { compact: true });
}

export function formatCompactFloat(value, options = {}) {
    return isLarge(value) ? formatCompact(value) : formatFloat(value, options);
}

export class CompactMonetaryField extends MonetaryField {
    get formattedValue() {
        if (!this.props.readonly || !isLarge(this.value)) {
            return super.formattedValue;
        }
        return formatAmount(this.value, this.currency, { compact: true });
    }
}

export class CompactFloatField extends FloatField {
    static props = { ...FloatField.props, blankUnless: { type: String, optional: true } };

    get formattedValue() {
        if (this.props.blankUnless && !this.props.record.data[this.props.blankUnless]) {
            // e.g. days of cover without sales: no rate, so no figure
            return "—";
        }
        if (!this.props.readonly || !isLarge(this.value)) {
            return super.formattedValue;
        }
        return formatCompact(this.value);
    }
}

formatCompactMonetary.extractOptions = formatMonetary.extractOptions;
formatCompactFloat.extractOptions = formatFloat.extractOptions;

registry.category("formatters").add("roms_compact_monetary", formatCompactMonetary);
registry.category("formatters").add("roms_compact_float", formatCompactFloat);
registry
    .category("fields")
    .add("roms_compact_monetary", { ...monetaryField, component: CompactMonetaryField });
registry.category("fields").add("roms_compact_float", {
    ...floatField,
    component: CompactFloatField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...floatField.extractProps(fieldInfo, dynamicInfo),
        blankUnless: fieldInfo.options.blank_unless,
    }),
    fieldDependencies: ({ options }) =>
        options.blank_unless ? [{ name: options.blank_unless, type: "float" }] : [],
});
