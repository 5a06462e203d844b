import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docker } from "./hosts";

/**
 * A Docker daemon that stands for the machine's own Docker, as an operator who installed XingRin
 * with install.sh has it: its own socket, data root and bridge, so the spec can stage a XingRin
 * installation that the sandbox did not create and then check that the sandbox left it alone.
 */
export class OperatorDocker {
    public readonly host: string;
    private readonly dir: string;
    private readonly bridge = "xr-operator";

    constructor() {
        // Short: unix socket paths (containerd's lives under exec-root) are limited to 108 bytes.
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "xr-op-"));
        this.host = `unix://${this.dir}/docker.sock`;
    }

    public start(): void {
        execFileSync("ip", ["link", "add", this.bridge, "type", "bridge"]);
        execFileSync("ip", ["addr", "add", "10.197.0.1/24", "dev", this.bridge]);
        execFileSync("ip", ["link", "set", this.bridge, "up"]);
        const daemon = spawn("dockerd", [
            "--host", this.host, "--data-root", `${this.dir}/data`, "--exec-root", `${this.dir}/exec`,
            "--pidfile", `${this.dir}/dockerd.pid`, "--bridge", this.bridge, "--iptables=false", "--ip-masq=false",
            "--default-address-pool", "base=10.196.0.0/16,size=24",
            "--containerd-namespace", "xingrin-operator-sim", "--containerd-plugins-namespace", "xingrin-operator-sim-plugins",
        ], { detached: true, stdio: ["ignore", fs.openSync(`${this.dir}/dockerd.log`, "a"), fs.openSync(`${this.dir}/dockerd.log`, "a")] });
        daemon.unref();
        const deadline = Date.now() + 60_000;
        for (;;) {
            try {
                docker(this.host, ["version"]);
                return;
            } catch (err) {
                if (Date.now() > deadline) {
                    throw new Error(`the operator's dockerd did not start: ${fs.readFileSync(`${this.dir}/dockerd.log`, "utf8").slice(-2000)}`, { cause: err });
                }
                execFileSync("sleep", ["0.2"]);
            }
        }
    }

    /** A one-binary image (busybox), enough for containers that keep running and hold data. */
    public importBusybox(ref: string): void {
        const busybox = execFileSync("dpkg", ["-L", "busybox-static"], { encoding: "utf8" })
            .split("\n").find(file => file.endsWith("/bin/busybox"));
        if (busybox === undefined) {
            throw new Error("busybox-static is not installed (sandbox/up.sh installs it)");
        }
        const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), "xr-op-rootfs-"));
        fs.mkdirSync(`${rootfs}/bin`);
        fs.copyFileSync(busybox, `${rootfs}/bin/busybox`);
        fs.chmodSync(`${rootfs}/bin/busybox`, 0o755);
        for (const applet of ["sh", "sleep", "cat"]) {
            fs.symlinkSync("busybox", `${rootfs}/bin/${applet}`);
        }
        const tarball = `${rootfs}.tar`;
        execFileSync("tar", ["-C", rootfs, "-cf", tarball, "."]);
        docker(this.host, ["import", "--change", "ENV PATH=/bin", tarball, ref]);
        fs.rmSync(rootfs, { recursive: true, force: true });
        fs.rmSync(tarball, { force: true });
    }

    public stop(): void {
        try {
            const ids = docker(this.host, ["ps", "-aq"]).split("\n").filter(id => id !== "");
            if (ids.length > 0) {
                docker(this.host, ["rm", "-f", ...ids]);
            }
        } catch {
            // Not running: nothing to remove.
        }
        const pidFile = `${this.dir}/dockerd.pid`;
        if (fs.existsSync(pidFile)) {
            const pid = Number(fs.readFileSync(pidFile, "utf8"));
            try {
                process.kill(pid, "SIGTERM");
                execFileSync("sh", ["-c", `for i in $(seq 1 100); do kill -0 ${pid} 2>/dev/null || exit 0; sleep 0.2; done`]);
            } catch {
                // Already gone.
            }
        }
        execFileSync("sh", ["-c", `grep -o ' ${this.dir}/[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l || true`]);
        fs.rmSync(this.dir, { recursive: true, force: true });
        execFileSync("sh", ["-c", `ip link del ${this.bridge} 2>/dev/null || true`]);
    }
}
