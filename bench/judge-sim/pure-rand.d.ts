// pure-rand 8 publishes subpath exports only, which this project's moduleResolution ("node") does
// not read: the two entry points the bench uses, typed as the package's own .d.ts files type them.
declare module "pure-rand/generator/xoroshiro128plus" {
    export interface RandomGenerator {
        clone(): RandomGenerator;
        next(): number;
        getState(): readonly number[];
    }
    export function xoroshiro128plus(seed: number): RandomGenerator;
}
declare module "pure-rand/distribution/uniformFloat64" {
    import type { RandomGenerator } from "pure-rand/generator/xoroshiro128plus";
    export function uniformFloat64(rng: RandomGenerator): number;
}
