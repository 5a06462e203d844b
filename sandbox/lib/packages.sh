# shellcheck shell=bash
# Step: install the Debian packages the fleet is built from. Idempotent: apt runs only when
# something is missing, so a warm up.sh never touches the network.

REQUIRED_PACKAGES=(
  docker.io        # dockerd (main + one per worker host), containerd, runc, docker-proxy
  iptables         # the main daemon's NAT for published ports (docker.io depends on it anyway)
  docker-registry  # the distribution registry on 127.0.0.1:5000
  openssh-server   # one sshd per worker host
  openssh-client   # ssh, ssh-keygen, ssh-keyscan for verification
  busybox-static   # the root filesystem of the small stand-in images (no base image can be pulled)
  mmdebstrap       # the Debian root filesystem of the real postgres, redis and nginx (lib/debian-base.sh)
  iproute2         # ip link/addr for the worker bridges, ss for port checks
  curl             # registry API checks
  jq               # writing/reading sandbox.json
  docker-compose   # the takeover spec stages an installation the way XingRin's install.sh does
  openssl          # the sandbox's TLS certificate (lib/tls.sh); the README's commands generate secrets with it
  socat            # the benchmark relays loopback to its registry behind a limited link
)

ensure_packages() {
  local missing=() p
  for p in "${REQUIRED_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "all packages present"
    return 0
  fi
  log "installing: ${missing[*]}"
  # Another apt run may hold the lock (e.g. a provisioning step): wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq ||
    die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
}

# The static busybox binary that becomes every stand-in image's userland.
BUSYBOX_STATIC=
busybox_static_path() {
  if [ -z "$BUSYBOX_STATIC" ]; then
    BUSYBOX_STATIC=$(dpkg -L busybox-static | grep -E '/bin/busybox$' | head -n1)
    [ -x "$BUSYBOX_STATIC" ] || die "busybox-static is installed but its binary was not found"
  fi
  echo "$BUSYBOX_STATIC"
}
