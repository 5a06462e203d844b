#!/usr/bin/env bash
# Builds the test rig's Pulumi toolchain, offline, from Go modules: the CLI, the Node.js
# language host, and the stand-in docker and command providers (sandbox/providers).
#
# This machine reaches the Go module proxy, npm and Debian only: the Pulumi installer, GitHub
# releases and plugin downloads are out of reach, and the proxy refuses the upstream providers'
# source. So the rig compiles the engine here and serves the providers with its stand-ins.
# It is for the sandbox and the test suites only: operators run a stock Pulumi with the upstream
# plugins (README "Deploying your fleet").
#
#   bash sandbox/toolchain/build.sh     # build what is missing, reuse what is cached
#   source sandbox/toolchain/env.sh     # then use the rig's `pulumi` (or source sandbox/env.sh)
#
# Everything lands in a cache outside the repo (XINGRIN_TOOLCHAIN_DIR, default
# /var/cache/xingrin-deploy/toolchain), one directory per piece and version, so a second run only
# checks and relinks (seconds). The stand-ins are installed into the rig's own PULUMI_HOME
# ($XINGRIN_TOOLCHAIN_DIR/home), never into an operator's.
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

# The provider versions the npm SDKs ask the engine for (package.json). The test rig serves them
# with its stand-ins (sandbox/providers), registered under these versions in the rig's own
# PULUMI_HOME; operators install the upstream plugins (README "Deploying your fleet").
COMMAND_VERSION=1.2.1
DOCKER_VERSION=5.2.0

# ---- layout ---------------------------------------------------------------
DIR=${XINGRIN_TOOLCHAIN_DIR:-/var/cache/xingrin-deploy/toolchain}
RIG=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PULUMI_DIR=$DIR/pulumi-v$PULUMI_VERSION
BIN_DIR=$DIR/bin
SRC_DIR=$DIR/src     # scratch wrapper modules and work trees
LOG_DIR=$DIR/logs
# Always the rig's own plugin cache: the stand-ins must never land in an operator's PULUMI_HOME.
export PULUMI_HOME=$DIR/home

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

# build_stand_in NAME: the rig's stand-in for a provider (sandbox/providers/NAME: the part of
# its schema the program uses, same type tokens and property names). Keyed on a hash of that
# source, so edits rebuild it. Sets STAND_IN_BIN.
STAND_IN_BIN=
build_stand_in() {
  local name=$1 src=$RIG/providers/$1 hash
  hash=$(cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 |
    sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
  STAND_IN_BIN=$DIR/stand-in-$name-$hash/bin/pulumi-resource-$name
  if [[ -x $STAND_IN_BIN ]]; then log "stand-in $name provider ($hash): cached"; return; fi
  log "building the stand-in $name provider from sandbox/providers/$name…"
  cd "$src"
  quietly "  compiling" nice go build -trimpath -o "$STAND_IN_BIN.tmp" "./cmd/pulumi-resource-$name"
  install_binary "$STAND_IN_BIN.tmp" "$STAND_IN_BIN"
}
COMMAND_BIN=
build_command_stand_in() { build_stand_in command; COMMAND_BIN=$STAND_IN_BIN; }
DOCKER_BIN=
build_docker_stand_in() { build_stand_in docker; DOCKER_BIN=$STAND_IN_BIN; }

# The engine runs policy/ (runtime "nodejs-analyzer") through the analyzer plugin
# pulumi-analyzer-policy-nodejs-analyzer (see that script for why); it is installed in the plugin
# cache like the providers, since env.sh makes the engine ignore plugins on PATH.
POLICY_ANALYZER=policy-nodejs-analyzer
install_policy_analyzer() {
  local file=$RIG/../policy/pulumi-analyzer-$POLICY_ANALYZER
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
  run_step command-stand-in build_command_stand_in
  run_step docker-stand-in build_docker_stand_in
  run_step policy-analyzer install_policy_analyzer
  run_step assemble assemble
  log "ready in $((SECONDS - started))s: $BIN_DIR"
  # shellcheck disable=SC2012  # our own symlink names: ls -l shows their targets
  ls -l "$BIN_DIR" | tail -n +2 | sed 's/^/    /' >&2
  log "use it with: source sandbox/toolchain/env.sh (or sandbox/env.sh for the sandbox stack)"

}
main "$@"
