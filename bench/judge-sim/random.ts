import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded source of randomness for the judge bench: the same seed, the same streams, every run. */
export class Random {
    private readonly rng;
    private spare: number | undefined;

    constructor(seed: number) {
        this.rng = xoroshiro128plus(seed);
    }

    /** Uniform on [0, 1). */
    uniform(): number {
        return uniformFloat64(this.rng);
    }

    /** Standard normal (Box–Muller, both values used). */
    normal(): number {
        if (this.spare !== undefined) {
            const s = this.spare;
            this.spare = undefined;
            return s;
        }
        let u = 0;
        while (u === 0) u = this.uniform();
        const v = this.uniform();
        const r = Math.sqrt(-2 * Math.log(u));
        this.spare = r * Math.sin(2 * Math.PI * v);
        return r * Math.cos(2 * Math.PI * v);
    }

    /**
     * Poisson(mean): Knuth's product of uniforms below 30; above, the normal approximation with a
     * continuity correction (its error at mean ≥ 30 is far below what the judges can tell apart).
     */
    poisson(mean: number): number {
        if (mean <= 0) return 0;
        if (mean < 30) {
            const limit = Math.exp(-mean);
            let k = 0;
            let p = this.uniform();
            while (p > limit) {
                k++;
                p *= this.uniform();
            }
            return k;
        }
        return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    }
}
