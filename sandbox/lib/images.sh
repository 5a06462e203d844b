# shellcheck shell=bash
# Step: the stand-in XingRin images, built locally and pushed to the sandbox registry.
#
# Nothing can be pulled from Docker Hub here, so every image is built here, of two kinds:
#  - postgres, redis, nginx, the server, the agent and the worker (DEBIAN_SERVICES; the agent and
#    the worker for Debian's curl, which speaks the TLS nginx serves, and the worker for psql: a
#    scan task connects to XingRin's postgres directly) use the shared Debian base of
#    lib/debian-base.sh, plus one layer of the files below (docker commit);
#  - the frontend is Debian's static busybox plus its scripts, one layer (docker import).
# The files, from sandbox/images/{common,<service>}/, and the config from images/<service>/image.conf:
#   images/common/commands/* -> /usr/local/bin/   (curl shim; busybox images only, Debian has curl)
#   images/common/lib/*      -> /usr/local/lib/   (standin.sh helpers)
#   images/<svc>/commands/*  -> /usr/local/bin/   (directories are not named bin/: the repo ignores bin/)
#   images/<svc>/www/        -> /www/
#   images/<svc>/root/       -> /                 (config files at their real paths, e.g. /etc/nginx/nginx.conf)
#   images/<svc>/entrypoint.sh -> /entrypoint.sh
#   /VERSION = the tag, /SERVICE = the service name, env XINGRIN_STANDIN_VERSION = the tag.
#
# Caching: an image's content is fully determined by its inputs (busybox binary, the scripts
# under images/common and images/<service>, the version, the image config, and this recipe),
# so their hash identifies it. After a push we store "<input hash> <manifest digest> <ref>"; a
# later run skips the image when the registry still holds that digest for the tag (read from
# its storage, so the access log that tests count gets no manifest lines from up.sh).

IMAGES_SRC=$SANDBOX_ROOT/images
IMAGE_WORK=$STATE/images
PROBE_REPO=xingrin-sandbox/probe
PROBE_TAG=latest
DEBIAN_SERVICES=(server postgres nginx redis agent worker)

is_debian_service() { case " ${DEBIAN_SERVICES[*]} " in *" $1 "*) return 0 ;; esac; return 1; }

# busybox_base_tree: a minimal userland (static busybox + one symlink per applet), built once
# per busybox binary and copied into every rootfs.
busybox_base_tree() {
  local busybox base a
  busybox=$(busybox_static_path)
  base=$IMAGE_WORK/base-$(sha256sum <"$busybox" | cut -c1-16)
  if [ ! -f "$base.done" ]; then
    rm -rf "$base"
    mkdir -p "$base"/{bin,sbin,etc,root,tmp,var/run,usr/bin,usr/local/bin,usr/local/lib,www,proc,sys,dev,data}
    chmod 1777 "$base/tmp"
    cp "$busybox" "$base/bin/busybox"
    # One symlink per applet (sh, wget, httpd, nc, ...). "busybox" itself is in --list: skip
    # it, or the symlink would replace the binary.
    for a in $("$busybox" --list); do
      [ "$a" = busybox ] || ln -s busybox "$base/bin/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\npostgres:x:999:999:postgres:/var/lib/postgresql:/bin/sh\n' >"$base/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\npostgres:x:999:\n' >"$base/etc/group"
    touch "$base.done"
  fi
  echo "$base"
}

# add_service_files SERVICE VERSION DIR: the service's own files (see the top of this file).
add_service_files() {
  local svc=$1 version=$2 dir=$3
  mkdir -p "$dir/usr/local/bin" "$dir/usr/local/lib" "$dir/www"
  is_debian_service "$svc" || cp -a "$IMAGES_SRC/common/commands/." "$dir/usr/local/bin/"
  cp -a "$IMAGES_SRC/common/lib/." "$dir/usr/local/lib/"
  if [ -d "$IMAGES_SRC/$svc" ]; then
    [ -d "$IMAGES_SRC/$svc/commands" ] && cp -a "$IMAGES_SRC/$svc/commands/." "$dir/usr/local/bin/"
    [ -d "$IMAGES_SRC/$svc/www" ] && cp -a "$IMAGES_SRC/$svc/www/." "$dir/www/"
    [ -d "$IMAGES_SRC/$svc/root" ] && cp -a "$IMAGES_SRC/$svc/root/." "$dir/"
    [ -f "$IMAGES_SRC/$svc/entrypoint.sh" ] && cp "$IMAGES_SRC/$svc/entrypoint.sh" "$dir/entrypoint.sh"
  fi
  # Executable whatever the checkout did to file modes.
  chmod 755 "$dir"/usr/local/bin/* "$dir"/www/cgi-bin/* "$dir"/entrypoint.sh 2>/dev/null || true
  echo "$version" >"$dir/VERSION"
  echo "$svc" >"$dir/SERVICE"
}

# build_rootfs SERVICE VERSION DIR: a whole busybox root filesystem.
build_rootfs() {
  local svc=$1 version=$2 dir=$3
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -a "$(busybox_base_tree)/." "$dir/"
  add_service_files "$svc" "$version" "$dir"
}

# build_debian_layer SERVICE VERSION DIR: what goes on top of the Debian base. The busybox
# applets the stand-in scripts use and Debian lacks (httpd, nc, nslookup, wget) link to its busybox.
build_debian_layer() {
  local svc=$1 version=$2 dir=$3 applet
  rm -rf "$dir"
  mkdir -p "$dir/usr/local/bin"
  for applet in httpd nc nslookup wget; do ln -s /bin/busybox "$dir/usr/local/bin/$applet"; done
  add_service_files "$svc" "$version" "$dir"
}

# build_debian_image SERVICE VERSION WORK REF CHANGE...: the Debian base plus the service's
# layer, committed as REF with the image config CHANGE... (--change lines).
build_debian_image() {
  local svc=$1 version=$2 work=$3 ref=$4 base ctr; shift 4
  base=$(debian_base_image)
  build_debian_layer "$svc" "$version" "$work/rootfs"
  ctr=$(docker_main create "$base" /bin/true) || die "docker create from the Debian base failed"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf - . |
    docker_main cp - "$ctr:/" || die "copying the $svc files into its image failed"
  docker_main commit "$@" "$ctr" "$ref" >/dev/null || die "docker commit of $ref failed"
  docker_main rm "$ctr" >/dev/null
}

# image_changes SERVICE VERSION: the docker import --change values, one per line.
image_changes() {
  local svc=$1 version=$2
  if is_debian_service "$svc"; then
    echo "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/lib/postgresql/15/bin:/usr/bin:/usr/sbin:/bin:/sbin"
  else
    echo "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin"
  fi
  echo "ENV XINGRIN_STANDIN_VERSION=$version"
  echo "LABEL org.opencontainers.image.version=$version org.opencontainers.image.title=xingrin-$svc-standin org.xingrin.sandbox=standin"
  if [ -f "$IMAGES_SRC/$svc/image.conf" ]; then
    grep -v -E '^[[:space:]]*(#|$)' "$IMAGES_SRC/$svc/image.conf"
  else
    echo 'CMD ["/bin/sh"]'
  fi
}

# image_input_hash SERVICE VERSION: hash of everything that goes into the image.
image_input_hash() {
  local svc=$1 version=$2 src=(common)
  [ -d "$IMAGES_SRC/$svc" ] && src+=("$svc")
  {
    if is_debian_service "$svc"; then debian_base_hash; else sha256sum <"$(busybox_static_path)"; fi
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$IMAGES_SRC" -cf - "${src[@]}" | sha256sum
    sha256sum <"${BASH_SOURCE[0]}"   # this recipe
    echo "$svc $version"
    image_changes "$svc" "$version"
  } | sha256sum | cut -c1-64
}

# ensure_image REPO TAG SERVICE VERSION: REPO:TAG in the registry holds this content.
ensure_image() {
  local repo=$1 tag=$2 svc=$3 version=$4
  local ref=$REGISTRY_ADDR/$repo:$tag
  local work=$IMAGE_WORK/${repo//\//_}/$tag
  local stamp=$work.stamp hash served line
  local -a changes=()
  mkdir -p "$work"
  hash=$(image_input_hash "$svc" "$version")
  served=$(registry_digest "$repo" "$tag")
  if [ -n "$served" ] && [ -f "$stamp" ] && [ "$(cut -d' ' -f1,2 "$stamp")" = "$hash $served" ]; then
    log "  $ref up to date ($served)"
    return 0
  fi

  while IFS= read -r line; do changes+=(--change "$line"); done < <(image_changes "$svc" "$version")
  if is_debian_service "$svc"; then
    build_debian_image "$svc" "$version" "$work" "$ref" "${changes[@]}"
  else
    build_rootfs "$svc" "$version" "$work/rootfs"
    # Deterministic tarball (sorted, fixed mtime/owner): rebuilding unchanged content gives the
    # same layer digest, so the registry already has the blob.
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .
    docker_main import "${changes[@]}" "$work/rootfs.tar" "$ref" >/dev/null ||
      die "docker import of $ref failed"
  fi
  docker_main push "$ref" >"$work/push.log" 2>&1 ||
    { cat "$work/push.log" >&2; die "docker push $ref failed"; }
  served=$(registry_digest "$repo" "$tag")
  [ -n "$served" ] || die "registry does not serve $ref right after the push"
  echo "$hash $served $ref" >"$stamp"
  # Drop the local tag: the main daemon should get XingRin images only by pulling from the
  # registry, like a real server, so a deployment's pulls (and their absence) are real.
  docker_main image rm "$ref" >/dev/null 2>&1 || true
  rm -rf "$work/rootfs" "$work/rootfs.tar"
  log "  $ref pushed ($served)"
}

ensure_images() {
  local svc tag
  for tag in "${TAGS[@]}"; do
    for svc in "${SERVICES[@]}"; do
      ensure_image "$NAMESPACE/xingrin-$svc" "$tag" "$svc" "$tag"
    done
  done
  ensure_image "$REDIS_REPO" "$REDIS_TAG" redis "7.2-standin"
  # A tiny image only for up.sh's own checks on the workers, so they do not touch (pull,
  # and log manifest GETs for) the XingRin images that tests count.
  ensure_image "$PROBE_REPO" "$PROBE_TAG" probe probe
  # A rebuilt tag leaves the main daemon's previously pulled copy dangling: drop those. The
  # Debian base goes too: the main daemon must get its layer by pulling, like any other.
  docker_main image prune -f --filter label=org.xingrin.sandbox=standin >/dev/null || true
  docker_main image rm "xingrin-sandbox/debian-base:$(debian_base_hash)" >/dev/null 2>&1 || true
}
