import { SERVER_PORT } from "./serverEnvironment";
import { script, sh, Shell } from "./shell";

/** What the admin-account step prints: a fixed line, so no password ever reaches the stack's state. */
export const ADMIN_ACCOUNT_DONE = "XingRin's admin account exists (first login: admin, with ADMIN_PASSWORD from serverExtraEnv, else admin)";

/**
 * XingRin's server makes no account when it starts; install.sh's INIT runs `manage.py init_admin`
 * afterwards (contract §4), and without it a fresh database has no login at all. So, once the new
 * server is healthy, this runs that command in it, as INIT does. It creates `admin` only where no
 * such account exists (with ADMIN_PASSWORD, else `admin`), so an operator's password is kept.
 * SERVER_URL is set so that this Django process starts no second scheduler (apps.py, contract §5).
 * init_admin prints the password it set: its output is dropped, and on failure only lines that do
 * not mention a password are shown.
 */
export function adminAccountScript(server: string): Shell {
    return script(
        sh`set -u`,
        sh`if ! out=$(docker exec -e SERVER_URL=http://localhost:${SERVER_PORT} ${server} python manage.py init_admin 2>&1); then`,
        sh`  echo ${"XingRin's init_admin failed in the server container, so nobody can log in yet: "}"$(printf '%s\n' "$out" | grep -viE 'password|密码' | tail -n 3)" >&2`,
        sh`  exit 1`,
        sh`fi`,
        sh`echo ${ADMIN_ACCOUNT_DONE}`,
    );
}
