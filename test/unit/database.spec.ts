import * as assert from "assert";
import { postgresVolumeChangeRefusal, resolveDatabaseBindAddress, validatePostgresName, validateVolumeName } from "../../config/database";

describe("database names and the postgres volume", () => {
    it("accepts PostgreSQL names and Docker volume names", () => {
        assert.strictEqual(validatePostgresName("databaseName", "xingrin", "xingrin"), "xingrin");
        assert.strictEqual(validatePostgresName("databaseUser", "_svc_2", "postgres"), "_svc_2");
        assert.strictEqual(validateVolumeName("postgresVolume", "xingrin_postgres_data", "xingrin_postgres_data"), "xingrin_postgres_data");
        assert.strictEqual(validateVolumeName("postgresVolume", "docker_db.v-2", "xingrin_postgres_data"), "docker_db.v-2");
    });

    for (const value of ["xingrin db", "2fast", "x;drop", "a".repeat(64), ""]) {
        it(`refuses databaseUser ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`, () => {
            assert.throws(() => validatePostgresName("databaseUser", value, "postgres"), {
                name: "ConfigError",
                message: `databaseUser ${JSON.stringify(value)} is not a PostgreSQL name; use a letter or "_", then letters, digits or "_", ` +
                    'at most 63 characters, for example "postgres"',
            });
        });
    }

    for (const value of ["x", "-data", "pg data", "pg/data"]) {
        it(`refuses postgresVolume ${JSON.stringify(value)}`, () => {
            assert.throws(() => validateVolumeName("postgresVolume", value, "xingrin_postgres_data"), {
                name: "ConfigError",
                message: `postgresVolume ${JSON.stringify(value)} is not a Docker volume name; use a letter or digit, then letters, digits, ` +
                    '"_", "." or "-" (two characters at least), for example "xingrin_postgres_data"',
            });
        });
    }
});

describe("where the local postgres publishes its port", () => {
    it("is loopback by default, and with an external database", () => {
        assert.strictEqual(resolveDatabaseBindAddress(undefined, { workers: 0, localDatabase: true }), "127.0.0.1");
        assert.strictEqual(resolveDatabaseBindAddress(undefined, { workers: 3, localDatabase: false }), "127.0.0.1");
    });

    it("is the address set, checked as an IP address", () => {
        assert.strictEqual(resolveDatabaseBindAddress("10.0.0.2", { workers: 2, localDatabase: true }), "10.0.0.2");
        assert.throws(() => resolveDatabaseBindAddress("db.internal", { workers: 2, localDatabase: true }), /databaseBindAddress "db.internal"/);
    });

    it("must be set when workers connect to the local database", () => {
        assert.throws(() => resolveDatabaseBindAddress(undefined, { workers: 1, localDatabase: true }),
            /^ConfigError: databaseBindAddress is required with workers/);
    });
});

describe("a changed postgresVolume", () => {
    it("is refused, naming both volumes, the way back and the procedure to move the data", () => {
        assert.strictEqual(postgresVolumeChangeRefusal("docker_postgres_data", "xingrin_postgres_data"),
            'postgresVolume is "xingrin_postgres_data", but this stack\'s database is in volume "docker_postgres_data": ' +
            "XingRin would start on an empty database. Set it back (`pulumi config set postgresVolume docker_postgres_data`); " +
            'to move the data to another volume, follow README "Moving the database to another volume"');
    });
});
