import { median, ratio, secs } from "./stats";

/** Figures of one kind, one per run (or per step), with the baseline of the same run. */
export class Figure {
    readonly values: number[] = [];
    readonly bare: number[] = [];
    constructor(
        readonly label: string,
        readonly baseline: string,
        readonly goal?: string,
    ) {}
    add(value: number | undefined, bare: number | undefined): void {
        if (value !== undefined && Number.isFinite(value)) this.values.push(value);
        if (bare !== undefined && Number.isFinite(bare)) this.bare.push(bare);
    }
    row(): string {
        const m = median(this.values);
        const b = median(this.bare);
        return `${this.label.padEnd(44)} ${secs(m).padStart(8)} ${String(this.values.length).padStart(5)} ${secs(b).padStart(9)} ${ratio(m, b).padStart(6)}   ${this.baseline}${this.goal ? `; goal ${this.goal}` : ""}`;
    }
}

/** The table's header, for rows of Figure.row(). */
export function figureHeader(): string {
    return `${"figure".padEnd(44)} ${"median".padStart(8)} ${"n".padStart(5)} ${"baseline".padStart(9)} ${"ratio".padStart(6)}   baseline is`;
}
