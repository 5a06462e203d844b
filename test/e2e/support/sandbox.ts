import * as fs from "fs";
import { SandboxFleet } from "../../../sandbox/fleet";

export { SANDBOX_DIR, SandboxFleet, sandboxDown, sandboxUp } from "../../../sandbox/fleet";

/** Manifest requests the registry has served so far (pulls), e.g. to prove a rollback pulled nothing. */
export function manifestGets(fleet: SandboxFleet): string[] {
    return fs.readFileSync(fleet.registryLog, "utf8").split("\n").filter(line => /"(GET|HEAD) \/v2\/[^ ]+\/manifests\//.test(line));
}
