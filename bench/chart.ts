/**
 * An SVG chart of a run's probe results over time, one panel per run on a shared time axis: each
 * probe request is a tick (green answered, red failed); below it, the phases of the run as bars.
 */
import { ProbeSample } from "./probe";

export interface ChartPanel {
    readonly title: string;
    readonly samples: readonly ProbeSample[];
    readonly phases: ReadonlyArray<{ name: string; start: number; end: number }>;
}

const WIDTH = 1100;
const LEFT = 20;
const RIGHT = 20;
const PANEL_HEIGHT = 60;
const BAR_HEIGHT = 16;

function escape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function chartSvg(title: string, panels: readonly ChartPanel[]): string {
    const spanMs = Math.max(1000, ...panels.flatMap(p => [...p.samples.map(s => s.at), ...p.phases.map(ph => ph.end)]));
    const x = (ms: number) => LEFT + (ms / spanMs) * (WIDTH - LEFT - RIGHT);
    const parts: string[] = [];
    let y = 40;
    parts.push(`<text x="${LEFT}" y="24" font-size="16" font-weight="bold">${escape(title)}</text>`);
    for (const panel of panels) {
        parts.push(`<text x="${LEFT}" y="${y + 14}" font-size="13" font-weight="bold">${escape(panel.title)}</text>`);
        const tickTop = y + 22;
        for (const sample of panel.samples) {
            parts.push(`<rect x="${x(sample.at).toFixed(1)}" y="${tickTop}" width="1.5" height="${PANEL_HEIGHT - 30}" fill="${sample.ok ? "#2e9d4a" : "#d93025"}"/>`);
        }
        let barY = y + PANEL_HEIGHT;
        for (const phase of panel.phases) {
            const x0 = x(phase.start), x1 = Math.max(x(phase.end), x0 + 2);
            parts.push(`<rect x="${x0.toFixed(1)}" y="${barY}" width="${(x1 - x0).toFixed(1)}" height="${BAR_HEIGHT - 3}" fill="#8ab4f8"/>`);
            parts.push(`<text x="${(x0 + 3).toFixed(1)}" y="${barY + 11}" font-size="10">${escape(`${phase.name} ${((phase.end - phase.start) / 1000).toFixed(1)} s`)}</text>`);
            barY += BAR_HEIGHT;
        }
        y = barY + 20;
    }
    // Time axis, every 10 s.
    const axisY = y;
    parts.push(`<line x1="${LEFT}" y1="${axisY}" x2="${WIDTH - RIGHT}" y2="${axisY}" stroke="#444"/>`);
    for (let ms = 0; ms <= spanMs; ms += 10_000) {
        parts.push(`<line x1="${x(ms).toFixed(1)}" y1="${axisY}" x2="${x(ms).toFixed(1)}" y2="${axisY + 5}" stroke="#444"/>`);
        parts.push(`<text x="${x(ms).toFixed(1)}" y="${axisY + 17}" font-size="10" text-anchor="middle">${ms / 1000} s</text>`);
    }
    parts.push(`<text x="${LEFT}" y="${axisY + 36}" font-size="11">each tick: one GET /api/health/ through nginx (every 100 ms, 1 s timeout); green answered 200, red failed</text>`);
    const height = axisY + 48;
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">\n` +
        `<rect width="100%" height="100%" fill="white"/>\n${parts.join("\n")}\n</svg>\n`;
}
