# shellcheck shell=bash
# Step helper: the Debian root filesystem under the stand-ins that hold data or take traffic.
#
# postgres, redis and nginx in the sandbox are the real servers, from Debian bookworm's packages
# (PostgreSQL 15, Redis 7, nginx), so that data-safety and traffic claims are measured on them and
# not on a model. The server stand-in sits on the same root filesystem for psql and curl. One
# root filesystem for all four keeps one base layer in the registry and on each daemon.
#
# Built offline from Debian's archive with mmdebstrap (no base image can be pulled here), slimmed
# of what no test uses (LLVM for PostgreSQL's JIT, the default cluster, docs), and cached by the
# hash of its package list and this recipe: the first up.sh takes about a minute, later ones none.

DEBIAN_SUITE=bookworm
DEBIAN_BASE_PACKAGES=(
  postgresql-15 postgresql-client-15   # the database, pg_isready, psql, pg_dump
  redis-server redis-tools             # redis-server, redis-cli
  nginx                                # XingRin's public entry (TLS on 8083)
  curl                                 # XingRin's server healthcheck runs curl
  busybox-static                       # httpd and nc for the server stand-in's small API
  openssh-client sshpass               # the server stand-in's dispatcher and agent updater: SSH with a stored password
  jq                                   # JSON for the server's dispatcher and the worker's task bootstrap
)
# Removed after the install: no test needs them, and LLVM alone is 110 MB.
DEBIAN_BASE_SLIM=(
  '/usr/lib/x86_64-linux-gnu/libLLVM-*' '/usr/lib/x86_64-linux-gnu/libz3.so*'
  '/usr/lib/postgresql/15/lib/llvmjit*' '/usr/lib/postgresql/15/lib/bitcode'
  '/var/lib/postgresql/15' '/usr/share/i18n/locales' '/usr/share/doc' '/usr/share/man'
  '/usr/lib/x86_64-linux-gnu/perl/5.36.0/CORE' '/var/lib/apt/lists/*' '/var/cache/apt/*'
)

debian_base_hash() {
  { printf '%s\n' "$DEBIAN_SUITE" "${DEBIAN_BASE_PACKAGES[@]}" "${DEBIAN_BASE_SLIM[@]}"; sha256sum <"${BASH_SOURCE[0]}"; } |
    sha256sum | cut -c1-16
}

# debian_base_tar: the path of the cached root filesystem tarball, built if missing.
debian_base_tar() {
  local tar=$IMAGE_WORK/debian-base-$(debian_base_hash).tar slim_hook="" p
  if [ ! -s "$tar" ]; then
    command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is missing (lib/packages.sh installs it)"
    for p in "${DEBIAN_BASE_SLIM[@]}"; do slim_hook="$slim_hook \"\$1\"$p"; done
    log "  building the Debian base (${DEBIAN_BASE_PACKAGES[*]}) with mmdebstrap; about a minute, once"
    mkdir -p "$IMAGE_WORK"
    rm -rf "$IMAGE_WORK"/debian-base-*.tar   # an older recipe's base
    # The host's own sources (it reaches Debian's archive, nothing else); no recommends, no docs.
    mmdebstrap --variant=minbase --mode=root --quiet \
      --include="$(IFS=,; echo "${DEBIAN_BASE_PACKAGES[*]}")" \
      --aptopt='APT::Install-Recommends "false"' \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      --customize-hook="rm -rf $slim_hook" \
      "$DEBIAN_SUITE" "$tar.partial.tar" \
      "deb http://deb.debian.org/debian $DEBIAN_SUITE main" \
      "deb http://deb.debian.org/debian-security $DEBIAN_SUITE-security main" \
      >"$IMAGE_WORK/debian-base.log" 2>&1 ||
      { tail -n 20 "$IMAGE_WORK/debian-base.log" >&2; die "mmdebstrap failed (log: $IMAGE_WORK/debian-base.log)"; }
    mv "$tar.partial.tar" "$tar"
    log "  Debian base: $(($(stat -c %s "$tar") / 1048576)) MB"
  fi
  echo "$tar"
}

# debian_base_image: the base as an image on the main daemon (local only: the service images that
# are built on it carry its layer to the registry). Prints the image reference.
debian_base_image() {
  local tar ref
  tar=$(debian_base_tar)
  ref=xingrin-sandbox/debian-base:$(debian_base_hash)
  if ! docker_main image inspect "$ref" >/dev/null 2>&1; then
    docker_main import "$tar" "$ref" >/dev/null || die "docker import of the Debian base failed"
  fi
  echo "$ref"
}
