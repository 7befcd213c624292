/** @odoo-module **/
/**
 * Numbers that stay readable however large they get: the user's separators,
 * compact units where space is short ("Rp 1,2 M", "Rp 3,4 jt"), powers of ten
 * past the largest unit, and percentages capped at ±999 %.
 *
 * Odoo's own formatFloat writes JavaScript's exponent notation from 1e21 on
 * ("2,5000000000000244e+34"); nothing here does.
 */

import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";

/** From this magnitude on, amounts in tight places (tiles, list cells) go compact. */
export const COMPACT_FROM = 1e9;
/** Past this magnitude, even the full format would be unreadable. */
export const FULL_UNTIL = 1e15;
export const PERCENT_CAP = 999;

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

function units() {
    // the placeholder makes each term unique in the web client's one translation table
    return [
        [1e3, _t("%(amount)sk")],
        [1e6, _t("%(amount)sM")],
        [1e9, _t("%(amount)sB")],
        [1e12, _t("%(amount)sT")],
    ];
}

function decimal(value) {
    // one decimal below 100 units ("3,4 jt"), none above ("250 jt")
    const digits = Math.abs(value) < 100 ? 1 : 0;
    return formatFloat(value, { digits: [false, digits], trailingZeros: false });
}

function roundTo(value, digits) {
    const factor = 10 ** digits;
    return Math.round(value * factor) / factor;
}

/**
 * A number in compact form: 950 → "950", 3.400.000 → "3,4 jt", 2,5e34 → "2,5 × 10³⁴".
 * @param {number} value
 * @returns {string}
 */
export function formatCompact(value) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
        return "—";
    }
    const abs = Math.abs(value);
    if (abs < 1e3) {
        return formatFloat(roundTo(value, abs < 100 ? 1 : 0), {
            digits: [false, 1],
            trailingZeros: false,
        });
    }
    const table = units();
    for (let i = table.length - 1; i >= 0; i--) {
        const [size, template] = table[i];
        if (abs < size) {
            continue;
        }
        let scaled = value / size;
        scaled = roundTo(scaled, Math.abs(scaled) < 100 ? 1 : 0);
        if (Math.abs(scaled) >= 1000) {
            if (i + 1 < table.length) {
                // 999,96 jt rounds to 1.000 jt: that is 1 M
                return String(table[i + 1][1]).replace("%(amount)s", decimal(scaled / 1000));
            }
            return scientific(value);
        }
        return String(template).replace("%(amount)s", decimal(scaled));
    }
    return scientific(value);
}

function scientific(value) {
    let exponent = Math.floor(Math.log10(Math.abs(value)));
    let mantissa = roundTo(value / 10 ** exponent, 1);
    if (Math.abs(mantissa) >= 10) {
        mantissa /= 10;
        exponent += 1;
    }
    const power = [...String(exponent)].map((c) => SUPERSCRIPT[c]).join("");
    return `${decimal(mantissa)} × 10${power}`;
}

/**
 * An amount with its currency symbol.
 * @param {number} value
 * @param {{symbol: string, position: string, digits: number}} currency
 * @param {Object} [options]
 * @param {boolean|number} [options.compact] true: always compact; a number: compact
 *   from that magnitude on; false: full while readable (below FULL_UNTIL)
 * @returns {string}
 */
export function formatAmount(value, currency, { compact = COMPACT_FROM } = {}) {
    if (value === null || value === undefined || value === false) {
        return "—";
    }
    const from = compact === true ? 0 : compact === false ? FULL_UNTIL : Math.min(compact, FULL_UNTIL);
    let digits = currency ? currency.digits : 2;
    if (Array.isArray(digits)) {
        digits = digits[1];
    }
    const amount =
        Math.abs(value) >= from
            ? formatCompact(value)
            : formatFloat(value, { digits: [false, digits] });
    if (!currency || !currency.symbol) {
        return amount;
    }
    return currency.position === "after"
        ? `${amount} ${currency.symbol}`
        : `${currency.symbol} ${amount}`;
}

/**
 * A count or quantity: whole and full while readable, compact past COMPACT_FROM.
 */
export function formatCount(value, { digits = 0 } = {}) {
    if (value === null || value === undefined || value === false) {
        return "—";
    }
    return Math.abs(value) >= COMPACT_FROM
        ? formatCompact(value)
        : formatFloat(value, { digits: [false, digits], trailingZeros: digits === 0 });
}

/**
 * A change in percent with its sign: "+12,5 %", "−3 %", "> 999 %".
 */
export function formatPercentChange(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) {
        return "—";
    }
    if (value > PERCENT_CAP) {
        return `> ${PERCENT_CAP} %`;
    }
    if (value < -PERCENT_CAP) {
        return `< −${PERCENT_CAP} %`;
    }
    const number = formatFloat(Math.abs(value), { digits: [false, 1], trailingZeros: false });
    const sign = value > 0 ? "+" : value < 0 ? "−" : "";
    return `${sign}${number} %`;
}
