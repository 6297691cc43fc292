import { strict as assert } from "node:assert";
import { InvalidInputError, deployOrder } from "../../../components/release";

describe("deploy order", () => {
    it("puts the backend before the frontend whatever the declaration order", () => {
        assert.deepEqual(deployOrder({ frontend: { dependsOn: ["backend"] }, backend: { dependsOn: [] } }), ["backend", "frontend"]);
    });

    it("keeps independent services in declaration order", () => {
        assert.deepEqual(deployOrder({ a: { dependsOn: [] }, c: { dependsOn: [] }, b: { dependsOn: ["c"] } }), ["a", "c", "b"]);
    });

    it("names an unknown dependency and the services that exist", () => {
        assert.throws(
            () => deployOrder({ frontend: { dependsOn: ["api"] }, backend: { dependsOn: [] } }),
            (err: unknown) =>
                err instanceof InvalidInputError &&
                /services\.frontend\.dependsOn\[0\]: "api" is not a service of this stack: use one of backend/.test(err.message),
        );
    });

    it("names a cycle", () => {
        assert.throws(
            () => deployOrder({ a: { dependsOn: ["b"] }, b: { dependsOn: ["a"] } }),
            (err: unknown) => err instanceof InvalidInputError && /cycle \(a → b → a\)/.test(err.message),
        );
    });
});

describe("links", () => {
    it("makes a linked service a dependency", () => {
        assert.deepEqual(
            deployOrder({ frontend: { dependsOn: [], links: { BACKEND_URL: "backend" } }, backend: { dependsOn: [] } }),
            ["backend", "frontend"],
        );
    });

    it("names a link to a service that does not exist", () => {
        assert.throws(
            () => deployOrder({ frontend: { dependsOn: [], links: { BACKEND_URL: "api" } }, backend: { dependsOn: [] } }),
            (err: unknown) => err instanceof InvalidInputError && /services\.frontend\.links\.BACKEND_URL: "api" is not another service/.test(err.message),
        );
    });
});
