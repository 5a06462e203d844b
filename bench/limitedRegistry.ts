/** The benchmark's registry behind a link of limited bandwidth (sandbox/limited-registry.sh). */
import { sandboxScript } from "../sandbox/fleet";

export function limitedRegistry(mbit: number): void {
    sandboxScript("limited-registry.sh", ["up", String(mbit)]);
}

/** Where to pull through the limited link, and where to push past it (see sandbox/limited-registry.sh). */
export const LIMITED_REGISTRY = { pull: "127.0.0.1:5100", push: "10.197.0.2:5000" };
