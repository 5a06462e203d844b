#!/bin/sh
# Reverse proxy CGI of the nginx stand-in (GET and POST). Passes the upstream's status line and
# Content-Type through; answers 502 when the upstream cannot be reached, like nginx.
# (Timeouts use `timeout N wget`: Debian's static busybox 1.35 segfaults on `wget -T N`.)
. /usr/local/lib/standin.sh
case "$REQUEST_URI" in
  /api/*|/ws/*) upstream=${XINGRIN_SERVER_UPSTREAM:-http://server:8888} ;;
  *)            upstream=${XINGRIN_FRONTEND_UPSTREAM:-http://frontend:3000} ;;
esac
body_file=/tmp/proxy-body.$$; hdr_file=/tmp/proxy-hdr.$$
trap 'rm -f "$body_file" "$hdr_file"' EXIT

if [ "$REQUEST_METHOD" = POST ]; then
  data=$(head -c "${CONTENT_LENGTH:-0}")
  timeout 30 wget -S -q -O "$body_file" --header "Content-Type: ${CONTENT_TYPE:-application/json}" \
    --post-data "$data" "$upstream$REQUEST_URI" 2>"$hdr_file"
else
  timeout 30 wget -S -q -O "$body_file" "$upstream$REQUEST_URI" 2>"$hdr_file"
fi

# wget -S prints the upstream's headers ("  HTTP/1.1 200 OK", "  Content-Type: ...") to stderr.
status=$(sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9].*\)$/\1/p' "$hdr_file" | tail -n1 | tr -d '\r')
ctype=$(sed -n 's/^ *[Cc]ontent-[Tt]ype: *//p' "$hdr_file" | tail -n1 | tr -d '\r')
if [ -z "$status" ]; then
  printf 'Status: 502 Bad Gateway\r\nContent-Type: text/plain\r\n\r\n502 Bad Gateway: %s unreachable (nginx stand-in %s)\n' "$upstream" "$STANDIN_VERSION"
  exit 0
fi
# On an HTTP error busybox wget keeps neither the body nor the headers after the status line,
# so error answers get a small body of their own.
case "$REQUEST_URI" in /api/*) default_ctype=application/json ;; *) default_ctype=text/html ;; esac
printf 'Status: %s\r\nContent-Type: %s\r\nX-Proxied-By: xingrin-nginx-standin/%s\r\n\r\n' \
  "$status" "${ctype:-$default_ctype}" "$STANDIN_VERSION"
if [ -s "$body_file" ]; then
  cat "$body_file"
elif [ "$default_ctype" = application/json ]; then
  printf '{"detail":%s}\n' "$(json_str "$status")"
else
  printf '%s\n' "$status"
fi
