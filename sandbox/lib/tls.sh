# shellcheck shell=bash
# Step: the TLS certificate nginx serves on 8083, in the sandbox stack's tlsCertDir.
#
# XingRin's nginx reads /etc/nginx/ssl/{fullchain,privkey}.pem, and the deployment mounts
# tlsCertDir over that directory. Made the way XingRin's install.sh makes one when none is given:
# self-signed, RSA 2048, 365 days, CN=localhost, SAN DNS:localhost and IP:127.0.0.1, plus the
# sandbox's PUBLIC_HOST (as install.sh's operator would add the server's address). The tests trust
# exactly this certificate (sandbox.json's tlsCaFile), so they verify TLS instead of switching
# verification off.

SANDBOX_TLS_DIR=$SANDBOX_DATA_DIR/ssl

ensure_tls_certificate() {
  if [ -s "$SANDBOX_TLS_DIR/fullchain.pem" ] && [ -s "$SANDBOX_TLS_DIR/privkey.pem" ] &&
     openssl x509 -noout -ext subjectAltName -in "$SANDBOX_TLS_DIR/fullchain.pem" 2>/dev/null | grep -q "IP Address:$SANDBOX_PUBLIC_HOST"; then
    log "certificate present in $SANDBOX_TLS_DIR"
    return 0
  fi
  mkdir -p "$SANDBOX_TLS_DIR"
  openssl req -x509 -nodes -newkey rsa:2048 -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:$SANDBOX_PUBLIC_HOST" \
    -keyout "$SANDBOX_TLS_DIR/privkey.pem" -out "$SANDBOX_TLS_DIR/fullchain.pem" >/dev/null 2>&1 ||
    die "openssl could not make the sandbox's certificate"
  chmod 600 "$SANDBOX_TLS_DIR/privkey.pem"
  log "self-signed certificate for localhost, 127.0.0.1 and $SANDBOX_PUBLIC_HOST in $SANDBOX_TLS_DIR"
}
