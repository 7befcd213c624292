import { describe, expect, test } from "@odoo/hoot";
import { patchTranslations, patchWithCleanup } from "@web/../tests/web_test_helpers";

import { localization } from "@web/core/l10n/localization";
import {
    formatAmount,
    formatCompact,
    formatCount,
    formatPercentChange,
} from "@roms_reports/core/format";

describe.current.tags("headless", "roms_format");

const RUPIAH = { symbol: "Rp", position: "before", digits: 0 };

function indonesian() {
    patchWithCleanup(localization, { decimalPoint: ",", thousandsSep: ".", grouping: [3, 0] });
    patchTranslations({
        "%(amount)sk": "%(amount)s rb",
        "%(amount)sM": "%(amount)s jt",
        "%(amount)sB": "%(amount)s M",
        "%(amount)sT": "%(amount)s T",
    });
}

describe("formatCompact", () => {
    test("units of the user's language, one decimal below a hundred", () => {
        indonesian();
        expect(formatCompact(0)).toBe("0");
        expect(formatCompact(950)).toBe("950");
        expect(formatCompact(12.34)).toBe("12,3");
        expect(formatCompact(1500)).toBe("1,5 rb");
        expect(formatCompact(3_400_000)).toBe("3,4 jt");
        expect(formatCompact(250_300_000)).toBe("250 jt");
        expect(formatCompact(1_200_000_000)).toBe("1,2 M");
        expect(formatCompact(7e12)).toBe("7 T");
        expect(formatCompact(-3_400_000)).toBe("-3,4 jt");
    });

    test("rounding up to the next unit", () => {
        indonesian();
        expect(formatCompact(999_960_000)).toBe("1 M");
        expect(formatCompact(999_600)).toBe("1 jt");
    });

    test("past the largest unit: a power of ten, never JavaScript's exponent", () => {
        indonesian();
        expect(formatCompact(2.5000000000000244e34)).toBe("2,5 × 10³⁴");
        expect(formatCompact(9999999999999997e34)).toBe("1 × 10⁵⁰");
        expect(formatCompact(-1.04e31)).toBe("-1 × 10³¹");
        expect(formatCompact(1.2e15)).toBe("1,2 × 10¹⁵");
        expect(formatCompact(NaN)).toBe("—");
        expect(formatCompact(Infinity)).toBe("—");
    });

    test("English units without translations", () => {
        patchWithCleanup(localization, { decimalPoint: ".", thousandsSep: ",", grouping: [3, 0] });
        patchTranslations();
        expect(formatCompact(3_400_000)).toBe("3.4M");
        expect(formatCompact(1_200_000_000)).toBe("1.2B");
    });
});

describe("formatAmount", () => {
    test("full with thousands separators while it fits, compact past a milliard", () => {
        indonesian();
        expect(formatAmount(1_250_000, RUPIAH)).toBe("Rp 1.250.000");
        expect(formatAmount(999_999_999, RUPIAH)).toBe("Rp 999.999.999");
        expect(formatAmount(2_500_000_000, RUPIAH)).toBe("Rp 2,5 M");
        expect(formatAmount(2.5000000000000244e34, RUPIAH)).toBe("Rp 2,5 × 10³⁴");
        expect(formatAmount(null, RUPIAH)).toBe("—");
    });

    test("compact always (chart axes) or full while readable (tooltips)", () => {
        indonesian();
        expect(formatAmount(3_400_000, RUPIAH, { compact: true })).toBe("Rp 3,4 jt");
        expect(formatAmount(2_500_000_000, RUPIAH, { compact: false })).toBe(
            "Rp 2.500.000.000"
        );
        expect(formatAmount(2.5e34, RUPIAH, { compact: false })).toBe("Rp 2,5 × 10³⁴");
    });

    test("symbol after, decimals of the currency", () => {
        indonesian();
        const euro = { symbol: "€", position: "after", digits: [69, 2] };
        expect(formatAmount(1234.5, euro)).toBe("1.234,50 €");
    });
});

describe("formatCount and formatPercentChange", () => {
    test("counts are whole, compact when huge", () => {
        indonesian();
        expect(formatCount(2)).toBe("2");
        expect(formatCount(12_345)).toBe("12.345");
        expect(formatCount(3e10)).toBe("30 M");
    });

    test("percentages in the user's format, capped at 999 %", () => {
        indonesian();
        expect(formatPercentChange(12.5)).toBe("+12,5 %");
        expect(formatPercentChange(-3)).toBe("−3 %");
        expect(formatPercentChange(0)).toBe("0 %");
        expect(formatPercentChange(999)).toBe("+999 %");
        expect(formatPercentChange(1.04e31)).toBe("> 999 %");
        expect(formatPercentChange(-1000)).toBe("< −999 %");
    });
});
