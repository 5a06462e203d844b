import { HostCheck, ServiceCheck } from "./versionsCheck";

/** One host as `versions` saw it: checked, or not reachable. */
export interface HostReport {
    host: string;
    /** How it was reached: "docker unix:///var/run/docker.sock", "ssh root@10.0.1.11:22". */
    via: string;
    check?: HostCheck;
    unreachable?: string;
}

const STATUS_LABEL: Record<ServiceCheck["status"], string> = {
    ok: "ok",
    mismatch: "MISMATCH",
    missing: "MISSING",
    stopped: "NOT RUNNING",
};

/** A host's table: service, image per the stack outputs, what the host has, and the verdict. */
export function renderHost(report: HostReport): string[] {
    const lines = [`${report.host}  (${report.via})`];
    if (report.check === undefined) {
        lines.push(`  !! not checked: ${report.unreachable ?? "unknown error"}`);
        return lines;
    }
    const rows = [["SERVICE", "STACK OUTPUT", "ON HOST", "CHECK"],
        ...report.check.checks.map(c => [c.service, c.expected, c.onHost, STATUS_LABEL[c.status]])];
    const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
    for (const row of rows) {
        lines.push(`  ${row.map((cell, column) => column === row.length - 1 ? cell : cell.padEnd(widths[column])).join("  ")}`);
    }
    for (const check of report.check.checks.filter(c => c.problem !== undefined)) {
        lines.push(`  !! ${check.service}: ${check.problem}`);
    }
    const held = report.check.held.map(v => v.lacking.length === 0 ? `${v.tag} (complete)` : `${v.tag} (lacks ${v.lacking.join(", ")})`);
    lines.push(`  XingRin versions held locally: ${held.length > 0 ? held.join(", ") : "none"}` +
        (held.length > 0 ? "; a rollback to a complete one pulls nothing" : ""));
    return lines;
}

/** Every problem found, one line each, so a long report still ends with what needs attention. */
export function problems(reports: HostReport[]): string[] {
    return reports.flatMap(report => report.check === undefined
        ? [`${report.host}: not checked (${report.unreachable ?? "unknown error"})`]
        : report.check.checks.filter(c => c.status !== "ok").map(c => `${report.host} ${c.service}: ${c.problem}`));
}
