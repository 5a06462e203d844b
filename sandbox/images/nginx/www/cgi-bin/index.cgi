#!/bin/sh
# Reverse proxy CGI of the nginx stand-in (GET and POST). Passes the upstream's status line and
# Content-Type through; answers 502 when no peer can be reached, like nginx.
# Peers are the addresses entrypoint.sh resolved when nginx started. Like nginx's round robin with
# proxy_next_upstream, a request starts at a rotating peer and moves on to the next one when a
# peer cannot be connected to.
# (Timeouts use `timeout N wget`: Debian's static busybox 1.35 segfaults on `wget -T N`.)
. /usr/local/lib/standin.sh
case "$REQUEST_URI" in
  /api/*|/ws/*) name=server port=8888 ;;
  *)            name=frontend port=3000 ;;
esac
body_file=/tmp/proxy-body.$$; hdr_file=/tmp/proxy-hdr.$$
trap 'rm -f "$body_file" "$hdr_file"' EXIT

# forward PEER: one attempt at PEER; leaves the upstream's headers in $hdr_file.
forward() {
  if [ "$REQUEST_METHOD" = POST ]; then
    timeout 30 wget -S -q -O "$body_file" --header "Content-Type: ${CONTENT_TYPE:-application/json}" \
      --post-data "$data" "http://$1:$port$REQUEST_URI" 2>"$hdr_file"
  else
    timeout 30 wget -S -q -O "$body_file" "http://$1:$port$REQUEST_URI" 2>"$hdr_file"
  fi
}
# wget -S prints the upstream's headers ("  HTTP/1.1 200 OK", "  Content-Type: ...") to stderr.
upstream_status() { sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9].*\)$/\1/p' "$hdr_file" | tail -n1 | tr -d '\r'; }

[ "$REQUEST_METHOD" = POST ] && data=$(head -c "${CONTENT_LENGTH:-0}")
peers=$(cat "/tmp/upstreams/$name")
count=$(echo "$peers" | wc -l)
first=$(( $$ % count ))
status=
for i in $(seq 0 $((count - 1))); do
  peer=$(echo "$peers" | sed -n "$(( (first + i) % count + 1 ))p")
  forward "$peer"
  status=$(upstream_status)
  [ -n "$status" ] && break
done
ctype=$(sed -n 's/^ *[Cc]ontent-[Tt]ype: *//p' "$hdr_file" | tail -n1 | tr -d '\r')
if [ -z "$status" ]; then
  printf 'Status: 502 Bad Gateway\r\nContent-Type: text/plain\r\n\r\n502 Bad Gateway: no peer of %s answered (%s; nginx stand-in %s)\n' "$name" "$(echo $peers)" "$STANDIN_VERSION"
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
