# Sourced by the server stand-in: XingRin's login, as contract §9 reads it from its source.
#   [§9 login] POST /api/auth/login/ {"username","password"}: 200 {"user":{…}} and a session cookie
#       (sessionid); 401 on a wrong password, 400 without both fields.
#   [§9 session routes] every route but health, login and the worker-key ones needs that session;
#       without one the answer is 403 PERMISSION_DENIED.
#   [§4 init_admin] `python manage.py init_admin` makes the admin account once (password
#       ADMIN_PASSWORD, else admin); an existing account is left as it is. Only install.sh's INIT
#       runs it; the server's own start does not, so a fresh database has no login until it runs.
# Passwords are kept salted and hashed (sha256 here, PBKDF2 in Django), and reach psql through
# its environment (\getenv), never a command line.

# session_user: the id of the user whose live session the request's cookie names ("" if none).
session_user() {
  local key
  key=$(printf '%s' "${HTTP_COOKIE:-}" | tr ';' '\n' | sed -n 's/^ *sessionid=\([0-9a-f]*\) *$/\1/p' | head -n1)
  [ -n "$key" ] || return 0
  sql -v key="$key" <<'SQL'
SELECT user_id FROM django_session WHERE session_key = :'key' AND expire_date > now();
SQL
}

# session_refused: true (and the 403 sent) unless the request carries a live session.
session_refused() {
  [ -n "$(session_user 2>/dev/null)" ] && return 1
  reply "403 Forbidden" '{"error":{"code":"PERMISSION_DENIED","message":"Authentication credentials were not provided."}}'
  return 0
}

# login BODY: the reply to POST /api/auth/login/, with its Set-Cookie header on success. The body
# (it holds the password) reaches psql through its environment.
login() {
  local answer
  export LOGIN_BODY="$1"
  answer=$(sql -F ' ' <<'SQL'
\getenv body LOGIN_BODY
WITH form AS (SELECT (:'body'::json)->>'username' AS username, (:'body'::json)->>'password' AS password),
account AS (
  SELECT auth_user.id, auth_user.username FROM auth_user JOIN form ON auth_user.username = form.username
  WHERE auth_user.password = 'sha256$' || split_part(auth_user.password, '$', 2) || '$' ||
        encode(sha256(convert_to(split_part(auth_user.password, '$', 2) || form.password, 'UTF8')), 'hex')),
session AS (
  INSERT INTO django_session (session_key, user_id, expire_date)
  SELECT md5(random()::text || clock_timestamp()::text), id, now() + interval '14 days' FROM account
  RETURNING session_key, user_id)
SELECT session.session_key, json_build_object('user', json_build_object('id', account.id, 'username', account.username))
FROM session JOIN account ON account.id = session.user_id
UNION ALL
SELECT 'invalid', '{}' FROM form WHERE coalesce(username, '') = '' OR coalesce(password, '') = '';
SQL
  ) || { unset LOGIN_BODY; reply "400 Bad Request" '{"error":{"code":"VALIDATION_ERROR","message":"the body is not JSON"}}'; return; }
  unset LOGIN_BODY
  case "$answer" in
    "") reply "401 Unauthorized" '{"error":{"code":"AUTHENTICATION_FAILED","message":"wrong username or password"}}' ;;
    "invalid "*) reply "400 Bad Request" '{"error":{"code":"VALIDATION_ERROR","message":"username and password are required"}}' ;;
    *) printf 'Status: 200 OK\r\nSet-Cookie: sessionid=%s; HttpOnly; Path=/; SameSite=Lax\r\nContent-Type: application/json\r\n\r\n%s\n' \
         "${answer%% *}" "${answer#* }" ;;
  esac
}

# init_admin: manage.py init_admin (contract §4).
init_admin() {
  export ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin}"
  sql <<'SQL'
\getenv password ADMIN_PASSWORD
WITH salt AS (SELECT md5(random()::text) AS s),
created AS (
  INSERT INTO auth_user (username, password, is_superuser)
  SELECT 'admin', 'sha256$' || s || '$' || encode(sha256(convert_to(s || :'password', 'UTF8')), 'hex'), true FROM salt
  ON CONFLICT (username) DO NOTHING RETURNING id)
SELECT CASE WHEN EXISTS (SELECT 1 FROM created) THEN 'admin user created'
            ELSE 'admin user exists: skipped (use --force to reset its password)' END;
SQL
}
