#!/usr/bin/env bash
# Lints the GitHub Actions workflows in .github/workflows with actionlint
# (expressions, contexts, action inputs, runner labels, permissions) and,
# through it, shellcheck on every `run:` script.
#
#   bash scripts/lint-workflows.sh      # exit 0 clean, 1 findings or a failed step
#
# actionlint is built from the Go module proxy (the only place this machine can
# get it) into a cache outside the repo, and reused on later runs:
#   ${XINGRIN_TOOLCHAIN_DIR:-/var/cache/xingrin-deploy/toolchain}/actionlint-v1.7.12/actionlint
# GOMODCACHE and GOCACHE default to the same cache as sandbox/toolchain/build.sh, so the
# two share downloads. shellcheck comes from Debian (apt-get) when missing.
set -Eeuo pipefail

ACTIONLINT_VERSION=v1.7.12
ACTIONLINT_MODULE=github.com/rhysd/actionlint

DIR=${XINGRIN_TOOLCHAIN_DIR:-/var/cache/xingrin-deploy/toolchain}
ACTIONLINT_DIR=$DIR/actionlint-$ACTIONLINT_VERSION
ACTIONLINT=$ACTIONLINT_DIR/actionlint
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

STEP=setup
log() { printf '[lint-workflows] %s\n' "$*" >&2; }
fail() { log "FAILED in step '$STEP': $*"; exit 1; }
on_error() { local rc=$?; log "FAILED in step '$STEP' (exit $rc)."; exit 1; }
trap on_error ERR

# ---- step: actionlint binary -----------------------------------------------
STEP=build-actionlint
if [[ -x $ACTIONLINT ]] && "$ACTIONLINT" -version >/dev/null 2>&1; then
  log "actionlint $ACTIONLINT_VERSION: cached ($ACTIONLINT)"
else
  GO=$(command -v go || true)
  [[ -z $GO && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
  [[ -n $GO ]] || fail "no Go toolchain (go not on PATH, nor /usr/local/go/bin/go)"
  export GOMODCACHE=${GOMODCACHE:-$DIR/go/mod} GOCACHE=${GOCACHE:-$DIR/go/build}
  # -modcacherw keeps the module cache deletable; the build needs no cgo and no
  # newer toolchain download.
  export GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=0
  mkdir -p "$ACTIONLINT_DIR" "$GOMODCACHE" "$GOCACHE"
  log "building actionlint $ACTIONLINT_VERSION from the Go module proxy with $("$GO" version | cut -d' ' -f3) (about a minute)…"
  # Built into a temp dir and moved into place, so an interrupted build never
  # looks finished to the next run. `nice`: other builds may share the 2 cores.
  tmp=$(mktemp -d "$ACTIONLINT_DIR/.build.XXXXXX")
  if ! GOBIN=$tmp nice "$GO" install -trimpath -ldflags "-s -w" \
      "$ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION"; then
    rm -rf "$tmp"
    fail "go install $ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION failed (is the Go module proxy reachable?)"
  fi
  mv -f "$tmp/actionlint" "$ACTIONLINT"
  rm -rf "$tmp"
  log "installed $ACTIONLINT"
fi

# ---- step: shellcheck -------------------------------------------------------
# Without shellcheck on PATH actionlint silently skips `run:` scripts, so it is
# required rather than optional.
STEP=install-shellcheck
if ! command -v shellcheck >/dev/null 2>&1; then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    sudo -n true 2>/dev/null || fail "shellcheck is missing and installing it needs root: apt-get install -y shellcheck"
    SUDO=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  log "installing shellcheck (Debian package)…"
  # Try the current package lists first; refresh them only if that fails.
  if ! "${SUDO[@]}" apt-get install -y -qq shellcheck >/dev/null 2>&1; then
    log "  refreshing package lists (apt-get update)"
    "${SUDO[@]}" apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed"
    "${SUDO[@]}" apt-get install -y -qq shellcheck >/dev/null ||
      fail "apt-get install -y shellcheck failed"
  fi
fi
SHELLCHECK=$(command -v shellcheck) || fail "shellcheck still not on PATH after installing it"
log "shellcheck: $SHELLCHECK ($("$SHELLCHECK" --version | sed -n 's/^version: //p'))"

# ---- step: lint ------------------------------------------------------------
STEP=lint
cd "$REPO_ROOT"
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
((${#workflows[@]} > 0)) || fail "no workflow files in $REPO_ROOT/.github/workflows"
log "running actionlint on ${#workflows[@]} workflow(s): ${workflows[*]}"
# actionlint: 0 clean, 1 findings, 2 bad arguments, 3 fatal error.
rc=0
"$ACTIONLINT" -shellcheck "$SHELLCHECK" -pyflakes= "${workflows[@]}" || rc=$?
case $rc in
  0) log "OK: no findings" ;;
  1) fail "actionlint reported the findings above" ;;
  *) fail "actionlint could not run (exit $rc)" ;;
esac
