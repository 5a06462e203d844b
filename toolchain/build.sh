#!/usr/bin/env bash
# Builds the Pulumi toolchain that XingRin Deploy needs, offline, from Go modules.
#
# This machine reaches the Go module proxy, npm and Debian only: the Pulumi
# installer, GitHub releases and plugin downloads are out of reach, so every
# binary is compiled here from source that the Go module proxy serves.
#
#   bash toolchain/build.sh          # build what is missing, reuse what is cached
#   source toolchain/env.sh          # then use `pulumi` offline
#
# Everything lands in a cache outside the repo (XINGRIN_TOOLCHAIN_DIR, default
# /var/cache/xingrin-deploy/toolchain), one directory per piece and version, so
# a second run only checks and relinks (seconds).
#
# Where the proxy refuses a provider's upstream source (it does, here, for
# pulumi-command and pulumi-docker), the provider is built from providers/NAME:
# XingRin Deploy's own implementation of the part of that provider's schema the
# program uses. The log says which one was built.
#
# Exit codes: 0 all built; 1 a step failed (its name is printed).
set -Eeuo pipefail

# ---- versions -------------------------------------------------------------
# The CLI must match the @pulumi/pulumi npm package (3.248.0: newest for Node 20).
PULUMI_VERSION=3.248.0
# pulumi-language-nodejs has no tags; this is its pseudo-version at the
# 3.248.0 release commit dc7edd58bc13.
LANGHOST_PSEUDO=v3.0.0-20260624180030-dc7edd58bc13
# Fallback language host: up to sdk/v3 v3.68.0 it lived inside the sdk/v3
# module, which the proxy serves. The 3.248.0 engine still speaks its protocol
# (it falls back to GetRequiredPlugins when GetRequiredPackages is missing);
# checked here with a TypeScript program using config, a dynamic resource and
# the command provider.
LANGHOST_FALLBACK_SDK=3.68.0
CLIPBOARD_REPLACE='github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e'

COMMAND_VERSION=1.2.1                                # tag v1.2.1 = 7f3eb6f3b77c
COMMAND_PSEUDO=v0.0.0-20260303235922-7f3eb6f3b77c   # module .../provider has no tags

DOCKER_VERSION=5.2.0          # what @pulumi/docker asks the engine for
# Newest tagged source (tag v5.1.0 = e944612c4c97; no v5.2.0 tag was found).
# The binary reports this version, so the engine warns "expected >=5.2.0, but
# has 5.1.0" and carries on: the SDK's newer invokes may be unknown to it.
DOCKER_SOURCE_VERSION=5.1.0
DOCKER_PSEUDO=v5.0.0-20260626165050-e944612c4c97
# Git submodule `upstream` of pulumi-docker at e944612c: kreuzwerker's
# terraform-provider-docker v4.5.0 (5074970c71ce), module path below.
DOCKER_UPSTREAM_MODULE=github.com/terraform-providers/terraform-provider-docker
DOCKER_UPSTREAM_PSEUDO=v0.0.0-20260618190003-5074970c71ce

# ---- layout ---------------------------------------------------------------
DIR=${XINGRIN_TOOLCHAIN_DIR:-/var/cache/xingrin-deploy/toolchain}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PULUMI_DIR=$DIR/pulumi-v$PULUMI_VERSION
COMMAND_DIR=$DIR/command-v$COMMAND_VERSION
DOCKER_DIR=$DIR/docker-v$DOCKER_VERSION-src$DOCKER_SOURCE_VERSION
BIN_DIR=$DIR/bin
SRC_DIR=$DIR/src     # scratch wrapper modules and work trees
LOG_DIR=$DIR/logs
export PULUMI_HOME=${PULUMI_HOME:-$DIR/home}

# A persistent module and build cache make rebuilds incremental.
export GOMODCACHE=$DIR/go/mod GOCACHE=$DIR/go/build
# -modcacherw: module cache files stay deletable; -buildvcs=false: wrapper
# dirs are not git repos.
export GOFLAGS="-modcacherw -buildvcs=false"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
export CGO_ENABLED=0
# Keep the engine from phoning home while we call `pulumi plugin install`.
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

mkdir -p "$BIN_DIR" "$SRC_DIR" "$LOG_DIR" "$PULUMI_HOME" "$GOMODCACHE" "$GOCACHE"

if ! command -v go >/dev/null; then
  if [[ -x /usr/local/go/bin/go ]]; then PATH=$PATH:/usr/local/go/bin
  else echo "[toolchain] Go not found: install Go 1.25.11 or newer" >&2; exit 1; fi
fi

# Two runs at once (say CI and a developer) would clobber each other's
# scratch dirs: the second one waits.
exec 9>"$DIR/.build.lock"
flock -n 9 || { echo "[toolchain] another build.sh is running on $DIR; waiting…" >&2; flock 9; }

# ---- progress and errors --------------------------------------------------
STEP=setup
STEP_LOG=/dev/null
log() { printf '[toolchain] %s\n' "$*" >&2; }
on_error() {
  local rc=$?
  log "FAILED in step '$STEP' (exit $rc)."
  if [[ -s $STEP_LOG ]]; then
    log "last lines of $STEP_LOG:"
    tail -n 25 "$STEP_LOG" | sed 's/^/    /' >&2
  fi
  exit 1
}
trap on_error ERR

# run_step NAME FUNCTION...: runs FUNCTION with the step name set for error
# messages, and prints how long it took.
run_step() {
  STEP=$1; shift
  STEP_LOG=$LOG_DIR/$STEP.log
  local started=$SECONDS
  "$@"
  log "step '$STEP' done in $((SECONDS - started))s"
  STEP=between-steps STEP_LOG=/dev/null
}

# quietly MSG CMD...: runs a long command with its output in the step log.
quietly() {
  local msg=$1 started=$SECONDS; shift
  log "$msg…"
  "$@" >>"$STEP_LOG" 2>&1
  log "$msg: done in $((SECONDS - started))s"
}

# served MODULE@VERSION: true if the Go module proxy serves it. Some versions
# are refused ("403 ... not available"); we then say so instead of failing.
served() {
  local out
  out=$(go mod download -json "$1" 2>&1 || true)
  if grep -q '"Error"' <<<"$out" || ! grep -q '"Dir"' <<<"$out"; then
    log "  not served by the Go module proxy: $1"
    grep -o '"Error": "[^"]*' <<<"$out" | cut -c11- | sed 's/\\n\\t/ /g; s/^/    /' >&2 || true
    return 1
  fi
}
module_dir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }

# new_wrapper NAME: an empty module in $SRC_DIR/NAME that only exists to
# require the real modules and build their main packages with `go build`
# (`go install pkg@version` refuses modules whose go.mod has replaces).
new_wrapper() {
  local wdir=$SRC_DIR/$1
  rm -rf "$wdir" && mkdir -p "$wdir"
  (cd "$wdir" && go mod init "xingrin.invalid/toolchain/$1" >>"$STEP_LOG" 2>&1)
  echo "$wdir"
}

# install_binary TMP FINAL: binaries are built to a temp name and renamed,
# so an interrupted build never looks finished to the next run.
install_binary() { chmod 755 "$1"; mkdir -p "$(dirname "$2")"; mv -f "$1" "$2"; }

# ---- steps ----------------------------------------------------------------
build_pulumi_cli() {
  local out=$PULUMI_DIR/bin/pulumi ambient
  ambient=$(command -v pulumi || true)
  if [[ -n $ambient && $ambient != "$BIN_DIR/pulumi" ]] &&
     [[ $("$ambient" version 2>/dev/null) == "v$PULUMI_VERSION" ]]; then
    log "using pulumi v$PULUMI_VERSION already on PATH: $ambient"
    mkdir -p "$PULUMI_DIR/bin" && ln -sfn "$ambient" "$out"
    return
  fi
  if [[ -x $out ]]; then log "pulumi CLI v$PULUMI_VERSION: cached ($out)"; return; fi

  log "building pulumi CLI v$PULUMI_VERSION (this takes several minutes)…"
  local w; w=$(new_wrapper "pulumi-v$PULUMI_VERSION")
  cd "$w"
  go mod edit -replace "$CLIPBOARD_REPLACE" -require "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
  quietly "  resolving modules" go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION"
  # Same flags as upstream release builds.
  quietly "  compiling" nice go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$out.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  install_binary "$out.tmp" "$out"
}

# The dynamic-provider launcher is a 4-line shell script that ships in the
# sdk/v3 module; it lets Node programs use pulumi.dynamic.Resource offline.
install_dynamic_provider_launcher() {
  local out=$PULUMI_DIR/bin/pulumi-resource-pulumi-nodejs
  [[ -x $out ]] && return
  local sdk; sdk=$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION")
  cp "$sdk/nodejs/dist/pulumi-resource-pulumi-nodejs" "$out.tmp"
  install_binary "$out.tmp" "$out"
}

LANGHOST_BIN=   # set by build_language_host
build_language_host() {
  local exact=$DIR/language-nodejs-v$PULUMI_VERSION/bin/pulumi-language-nodejs
  local fallback=$DIR/language-nodejs-v$LANGHOST_FALLBACK_SDK/bin/pulumi-language-nodejs
  local mod=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
  if [[ -x $exact ]]; then LANGHOST_BIN=$exact; log "language host v$PULUMI_VERSION: cached"; return; fi

  if served "$mod@$LANGHOST_PSEUDO"; then
    log "building pulumi-language-nodejs v$PULUMI_VERSION…"
    local w; w=$(new_wrapper "language-nodejs-v$PULUMI_VERSION")
    cd "$w"
    # Upstream's go.mod replaces ../sdk and ../pkg; pin the released ones.
    go mod edit -replace "$CLIPBOARD_REPLACE" \
      -require "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" \
      -require "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION"
    quietly "  resolving modules" go get "$mod@$LANGHOST_PSEUDO"
    quietly "  compiling" nice go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
      -o "$exact.tmp" "$mod"
    install_binary "$exact.tmp" "$exact"
    LANGHOST_BIN=$exact
    return
  fi

  log "falling back to the Node.js language host of sdk/v3 v$LANGHOST_FALLBACK_SDK (newest one the proxy serves)"
  LANGHOST_BIN=$fallback
  if [[ -x $fallback ]]; then log "  cached ($fallback)"; return; fi
  local w; w=$(new_wrapper "language-nodejs-v$LANGHOST_FALLBACK_SDK")
  cd "$w"
  local pkg=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
  quietly "  resolving modules" go get "$pkg@v$LANGHOST_FALLBACK_SDK"
  quietly "  compiling" nice go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGHOST_FALLBACK_SDK" \
    -o "$fallback.tmp" "$pkg"
  install_binary "$fallback.tmp" "$fallback"
}

COMMAND_BIN=   # set by build_command_provider: upstream build, or our offline one
build_command_provider() {
  local out=$COMMAND_DIR/bin/pulumi-resource-command
  local mod=github.com/pulumi/pulumi-command/provider
  COMMAND_BIN=$out
  if [[ -x $out ]]; then log "command provider v$COMMAND_VERSION: cached"; return; fi
  if ! served "$mod@$COMMAND_PSEUDO"; then build_offline_provider command; COMMAND_BIN=$OFFLINE_BIN; return; fi

  log "building pulumi-resource-command v$COMMAND_VERSION (a few minutes)…"
  local w; w=$(new_wrapper "command-v$COMMAND_VERSION")
  cd "$w"
  quietly "  resolving modules" go get "$mod/cmd/pulumi-resource-command@$COMMAND_PSEUDO"
  quietly "  compiling" nice go build -trimpath \
    -ldflags "-s -w -X $mod/pkg/version.Version=v$COMMAND_VERSION" \
    -o "$out.tmp" "$mod/cmd/pulumi-resource-command"
  install_binary "$out.tmp" "$out"
}

DOCKER_BIN=   # set by build_docker_provider: upstream build, or our offline one
build_docker_provider() {
  local out=$DOCKER_DIR/bin/pulumi-resource-docker
  local mod=github.com/pulumi/pulumi-docker/provider/v5
  DOCKER_BIN=$out
  if [[ -x $out ]]; then log "docker provider (registered as v$DOCKER_VERSION): cached"; return; fi
  if ! served "$mod@$DOCKER_PSEUDO" ||
     ! served "$DOCKER_UPSTREAM_MODULE@$DOCKER_UPSTREAM_PSEUDO"; then
    build_offline_provider docker; DOCKER_BIN=$OFFLINE_BIN; return
  fi

  log "building pulumi-resource-docker from v$DOCKER_SOURCE_VERSION source (this takes several minutes)…"
  # The provider's go.mod replaces the Terraform provider with ../upstream
  # (a patched git submodule upstream). Rebuild that layout in a writable
  # tree so the provider's own go.mod and go.sum stay in force.
  local tree=$SRC_DIR/docker-v$DOCKER_SOURCE_VERSION
  rm -rf "$tree" && mkdir -p "$tree"
  cp -r "$(module_dir "$mod@$DOCKER_PSEUDO")" "$tree/provider"
  cp -r "$(module_dir "$DOCKER_UPSTREAM_MODULE@$DOCKER_UPSTREAM_PSEUDO")" "$tree/upstream"
  chmod -R u+w "$tree"
  # Pulumi's patch 0001 adds this package to the upstream module; the other
  # patch (registry TLS config) is not needed for XingRin.
  mkdir -p "$tree/upstream/shim"
  cat >"$tree/upstream/shim/shim.go" <<'EOF'
// Package shim exposes the provider constructor of terraform-provider-docker,
// which lives in an internal package, to the Pulumi bridge.
package shim

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

func NewProvider() *schema.Provider { return provider.New("dev")() }
EOF
  # main.go embeds schema-embed.json: `go generate` writes it from schema.json
  # with the version filled in.
  cd "$tree/provider/cmd/pulumi-resource-docker"
  quietly "  generating schema-embed.json" env VERSION="$DOCKER_SOURCE_VERSION" go run generate.go
  cd "$tree/provider"
  # Without the version ldflag the provider panics at start.
  quietly "  compiling" nice go build -trimpath -tags no_compose \
    -ldflags "-s -w -X $mod/pkg/version.Version=$DOCKER_SOURCE_VERSION" \
    -o "$out.tmp" ./cmd/pulumi-resource-docker
  install_binary "$out.tmp" "$out"
}

# build_offline_provider NAME: when the proxy refuses a provider's upstream source, build
# XingRin Deploy's own implementation of the part of its schema the program uses (providers/NAME,
# same type tokens and property names). Keyed on a hash of that source, so edits rebuild it.
OFFLINE_BIN=
build_offline_provider() {
  local name=$1 src=$REPO/providers/$1 hash
  hash=$(cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 |
    sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
  OFFLINE_BIN=$DIR/offline-$name-$hash/bin/pulumi-resource-$name
  if [[ -x $OFFLINE_BIN ]]; then log "offline $name provider ($hash): cached"; return; fi
  log "building the offline $name provider from providers/$name (upstream source not served)…"
  cd "$src"
  quietly "  compiling" nice go build -trimpath -o "$OFFLINE_BIN.tmp" "./cmd/pulumi-resource-$name"
  install_binary "$OFFLINE_BIN.tmp" "$OFFLINE_BIN"
}

# The engine runs policy/ (runtime "nodejs-analyzer") through the analyzer plugin
# pulumi-analyzer-policy-nodejs-analyzer (see that script for why); it is installed in the plugin
# cache like the providers, since env.sh makes the engine ignore plugins on PATH.
POLICY_ANALYZER=policy-nodejs-analyzer
install_policy_analyzer() {
  local file=$REPO/toolchain/pulumi-analyzer-$POLICY_ANALYZER
  local dest=$PULUMI_HOME/plugins/analyzer-$POLICY_ANALYZER-v1.0.0/pulumi-analyzer-$POLICY_ANALYZER
  if [[ -x $dest ]] && cmp -s "$file" "$dest"; then log "policy analyzer: installed"; return; fi
  quietly "  installing analyzer plugin $POLICY_ANALYZER" \
    "$PULUMI_DIR/bin/pulumi" plugin install analyzer "$POLICY_ANALYZER" 1.0.0 -f "$file" --reinstall
}

# One bin dir for PATH, and the providers in the plugin cache under the
# versions the npm SDKs ask for, so the engine finds them without downloads.
assemble() {
  ln -sfn "$PULUMI_DIR/bin/pulumi" "$BIN_DIR/pulumi"
  ln -sfn "$PULUMI_DIR/bin/pulumi-resource-pulumi-nodejs" "$BIN_DIR/pulumi-resource-pulumi-nodejs"
  ln -sfn "$LANGHOST_BIN" "$BIN_DIR/pulumi-language-nodejs"
  # The engine looks for bundled plugins (language hosts, the dynamic-provider
  # launcher) next to the real pulumi binary; env.sh ignores ambient plugins.
  [[ -L $PULUMI_DIR/bin/pulumi ]] || ln -sfn "$LANGHOST_BIN" "$PULUMI_DIR/bin/pulumi-language-nodejs"
  install_plugin command "$COMMAND_VERSION" "$COMMAND_BIN"
  install_plugin docker "$DOCKER_VERSION" "$DOCKER_BIN"
}
install_plugin() {
  local name=$1 version=$2 file=$3
  if [[ ! -x $file ]]; then rm -f "$BIN_DIR/pulumi-resource-$name"; return; fi
  ln -sfn "$file" "$BIN_DIR/pulumi-resource-$name"
  local dest=$PULUMI_HOME/plugins/resource-$name-v$version
  # Reinstall only when the binary changed (a rebuild), to keep reruns fast.
  if [[ -x $dest/pulumi-resource-$name ]] && cmp -s "$file" "$dest/pulumi-resource-$name"; then return; fi
  quietly "  installing resource plugin $name v$version into $PULUMI_HOME" \
    "$BIN_DIR/pulumi" plugin install resource "$name" "$version" -f "$file" --reinstall
}

# ---- main -----------------------------------------------------------------
main() {
  local started=$SECONDS
  log "toolchain dir: $DIR (go $(go env GOVERSION))"
  run_step pulumi-cli build_pulumi_cli
  run_step dynamic-provider-launcher install_dynamic_provider_launcher
  run_step language-host build_language_host
  run_step command-provider build_command_provider
  run_step docker-provider build_docker_provider
  run_step policy-analyzer install_policy_analyzer
  run_step assemble assemble
  log "ready in $((SECONDS - started))s: $BIN_DIR"
  # shellcheck disable=SC2012  # our own symlink names: ls -l shows their targets
  ls -l "$BIN_DIR" | tail -n +2 | sed 's/^/    /' >&2
  log "use it with: source toolchain/env.sh"

}
main "$@"
