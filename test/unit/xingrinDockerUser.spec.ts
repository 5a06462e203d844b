import * as assert from "assert";
import { xingrinDockerUser } from "../../config/images";

describe("XingRin's DOCKER_USER", () => {
    it("carries the registry, so XingRin's own pulls (worker deploy, agent updater) use it", () => {
        assert.strictEqual(xingrinDockerUser({ registry: "mirror.example.com:5000", namespace: "team/xingrin" }), "mirror.example.com:5000/team/xingrin");
    });

    it("is the namespace alone on Docker Hub, as install.sh writes it", () => {
        assert.strictEqual(xingrinDockerUser({ registry: "docker.io", namespace: "yyhuni" }), "yyhuni");
        assert.strictEqual(xingrinDockerUser({ registry: "index.docker.io", namespace: "yyhuni" }), "yyhuni");
    });
});
