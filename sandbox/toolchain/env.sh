# shellcheck shell=bash
# Source this file (`source sandbox/toolchain/env.sh`) after `bash sandbox/toolchain/build.sh` to
# use the test rig's Pulumi toolchain in the current shell: its CLI, and the stand-in providers
# from its own PULUMI_HOME. For the sandbox and the test suites only, never for production.
# It only sets variables; it builds nothing and downloads nothing.

XINGRIN_TOOLCHAIN_DIR=${XINGRIN_TOOLCHAIN_DIR:-/var/cache/xingrin-deploy/toolchain}
export XINGRIN_TOOLCHAIN_DIR

# pulumi, pulumi-language-nodejs and (to run them by hand) the providers.
case ":$PATH:" in
  *":$XINGRIN_TOOLCHAIN_DIR/bin:"*) ;;
  *) export PATH="$XINGRIN_TOOLCHAIN_DIR/bin:$PATH" ;;
esac

# The rig's own plugin cache (the stand-ins build.sh installed) and CLI state, whatever
# PULUMI_HOME the shell had: an operator's plugins and the stand-ins never mix.
export PULUMI_HOME=$XINGRIN_TOOLCHAIN_DIR/home

# Switches that keep the engine from reaching out (names checked against
# sdk/go/common/env in pulumi v3.248.0):
# - a missing plugin is an error instead of a download attempt;
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# - no "a new version of pulumi is available" check;
export PULUMI_SKIP_UPDATE_CHECK=true
# - no Pulumi Registry look-up when resolving package names.
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
# Take providers only from $PULUMI_HOME/plugins, at the versions the npm SDKs
# ask for (build.sh installs them there), not from whatever pulumi-resource-*
# is on PATH; the language host is found next to the pulumi binary.
export PULUMI_IGNORE_AMBIENT_PLUGINS=true
