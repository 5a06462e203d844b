/** npm run bench's options. Defaults are the full benchmark; --quick is a few-minute smoke run. */
export interface BenchOptions {
    /** Image sizes for the update, rollback and preview runs, as a fraction of imageSizes.ts. */
    scale: number;
    /** Image sizes for the fleet-size runs (16 hosts × full-size images would take an hour). */
    fleetScale: number;
    /** Bandwidth of the link between the registry and the whole fleet, Mbit/s. */
    mbit: number;
    /** Worker-host counts for the fleet-size runs. */
    fleet: number[];
    /** How many times each preview is timed (the median is reported). */
    previews: number;
    out: string;
    /** Leave the sandbox and the bench stack up afterwards, to look around. */
    keep: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [--scale F] [--fleet-scale F] [--mbit N] [--fleet 1,4,8,16] [--previews N] [--out DIR] [--keep]
  --quick          small images (scale 0.02), fleet sizes 1 and 2, one preview each: a smoke run
  --scale F        image sizes for the update, rollback and preview runs, × bench/imageSizes.ts (default 1)
  --fleet-scale F  image sizes for the fleet-size runs (default 0.1)
  --mbit N         bandwidth of the link between the registry and the fleet, Mbit/s (default 200)
  --fleet LIST     worker-host counts for the fleet-size runs (default 1,4,8,16)
  --previews N     how many times each preview is timed; the median is reported (default 3)
  --out DIR        where results.json, results.md and chart.svg go (default bench/results)
  --keep           leave the sandbox and the bench stack up afterwards`;

export function parseOptions(argv: readonly string[]): BenchOptions {
    const options: BenchOptions = { scale: 1, fleetScale: 0.1, mbit: 200, fleet: [1, 4, 8, 16], previews: 3, out: "bench/results", keep: false };
    const positiveNumber = (flag: string, value: string | undefined): number => {
        const n = Number(value);
        if (value === undefined || !Number.isFinite(n) || n <= 0) {
            throw new Error(`${flag} needs a number above 0, got ${value ?? "nothing"}\n${USAGE}`);
        }
        return n;
    };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        switch (flag) {
            case "--quick": Object.assign(options, { scale: 0.02, fleetScale: 0.02, fleet: [1, 2], previews: 1 }); break;
            case "--scale": options.scale = positiveNumber(flag, argv[++i]); break;
            case "--fleet-scale": options.fleetScale = positiveNumber(flag, argv[++i]); break;
            case "--mbit": options.mbit = Math.round(positiveNumber(flag, argv[++i])); break;
            case "--previews": options.previews = Math.round(positiveNumber(flag, argv[++i])); break;
            case "--fleet": {
                const value = argv[++i] ?? "";
                options.fleet = value.split(",").map(n => Math.round(positiveNumber(flag, n)));
                break;
            }
            case "--out": options.out = argv[++i] ?? ""; break;
            case "--keep": options.keep = true; break;
            default: throw new Error(`unknown option ${flag}\n${USAGE}`);
        }
    }
    if (options.out === "") throw new Error(`--out needs a directory\n${USAGE}`);
    return options;
}
