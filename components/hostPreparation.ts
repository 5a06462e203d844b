import * as net from "net";
import { script, sh, Shell } from "./shell";

/** XingRin's data directories, as install.sh makes them on the main server (contract §4, step 3). */
export const MAIN_DATA_DIRS = ["results", "logs", "fingerprints", "wordlists", "nuclei-repos"];

export interface HostPreparationArgs {
    /** An image of the release that has sh, mkdir and openssl: XingRin's server image (Debian, python:3.10-slim). */
    image: string;
    dataDir: string;
    tlsCertDir: string;
    /** Named in the certificate besides localhost and 127.0.0.1. */
    publicHost: string;
}

/**
 * Run through the main server's Docker before anything starts there, so it works wherever that
 * Docker is (a local socket or ssh://): a one-off container of the server image makes XingRin's data
 * directories, and a TLS certificate where tlsCertDir holds none. nginx's image bakes in one, but
 * the directory mounted over it hides it (and that baked key is the same in every install anyway).
 * The certificate is made as install.sh makes it (self-signed, RSA 2048, 365 days, CN=localhost,
 * SAN localhost and 127.0.0.1), and also names publicHost, which is what users and workers dial.
 * An operator's own certificate is never touched.
 */
export function hostPreparationScript(args: HostPreparationArgs): Shell {
    const dirs = MAIN_DATA_DIRS.map(d => `${args.dataDir}/${d}`);
    const extra = args.publicHost === "localhost" || args.publicHost === "127.0.0.1" ? ""
        : `,${net.isIP(args.publicHost) !== 0 ? "IP" : "DNS"}:${args.publicHost}`;
    const inside = script(
        sh`set -eu`,
        sh`mkdir -p ${dirs}`,
        sh`if [ -s /ssl/fullchain.pem ] && [ -s /ssl/privkey.pem ]; then echo 'tls: certificate present, kept'; exit 0; fi`,
        sh`umask 077`,
        sh`openssl req -x509 -nodes -newkey rsa:2048 -days 365 -subj /CN=localhost \
-addext ${`subjectAltName=DNS:localhost,IP:127.0.0.1${extra}`} -keyout /ssl/privkey.pem -out /ssl/fullchain.pem 2>/dev/null`,
        sh`chmod 644 /ssl/fullchain.pem`,
        sh`echo ${`tls: no certificate in ${args.tlsCertDir}: made a self-signed one for localhost, 127.0.0.1` +
            `${extra === "" ? "" : ` and ${args.publicHost}`} (valid 365 days); put your own fullchain.pem and privkey.pem there to replace it`}`,
    );
    return sh`docker run --rm --entrypoint sh -v ${`${args.dataDir}:${args.dataDir}`} -v ${`${args.tlsCertDir}:/ssl`} ${args.image} -c ${inside.text}`;
}
