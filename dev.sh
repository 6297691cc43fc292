#!/usr/bin/env bash
# shipgate's developer entry point. Every subcommand first makes the machine ready
# (idempotently: a second run takes seconds), then runs with the right environment.
#
#   ./dev.sh setup            install Node 22, npm dependencies, Debian packages, the Pulumi engine,
#                             the Kubernetes provider plugin and a Kubernetes control plane
#   ./dev.sh demo             set up, then run the end-to-end demo on the local platform
#   ./dev.sh test             set up, then run every test suite (what CI runs)
#   ./dev.sh bench            set up, then run the benchmarks under bench/
#   ./dev.sh run CMD [ARGS]   set up, then run CMD (e.g. `pulumi preview`) in shipgate's environment
#   ./dev.sh cluster up|down|status   set up, then start/stop/show a local Kubernetes control plane
#                             (kubeconfig: .shipgate/cluster/kubeconfig; see engine/kubernetes/cluster.sh)
#   eval "$(./dev.sh env)"    put that environment into your own shell
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SHIPGATE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shipgate}
node_version=22.23.3

say() { printf '[setup] %s\n' "$*" >&2; }
die() { local code=$1; shift; printf '[setup] error: %s\n' "$*" >&2; exit "$code"; }

# Node 22 LTS: the machine's own node when it is 22.12+, else the real binary that the npm
# registry ships as node-linux-<arch> (Node 20 is end of life and @pulumi/pulumi needs 22).
ensure_node() {
    if command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a===22&&b>=12?0:1)'; then
        return
    fi
    local arch
    case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) die 3 "no Node 22 build for $(uname -m): install Node 22 yourself" ;; esac
    local dir="$cache/node-$node_version-$arch"
    if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
        command -v npm >/dev/null || die 3 "npm is needed to fetch Node $node_version: install Node.js (any version) first"
        say "installing Node $node_version from the npm registry"
        npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-linux-$arch@$node_version" >/dev/null
    fi
    export PATH="$dir/node_modules/node-linux-$arch/bin:$PATH"
}

# Installs npm dependencies when package-lock.json changed since the last install.
ensure_npm() {
    local dir=$1 stamp
    stamp="$dir/node_modules/.shipgate-lock.sha"
    local want
    want=$(sha256sum "$dir/package-lock.json" | cut -c1-64)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        local where="the project"
        [ "$dir" = "$root" ] || where=${dir#"$root/"}
        say "installing npm dependencies in $where"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        echo "$want" >"$stamp"
    fi
}

# Debian packages the local platform runs for real (router and metrics).
ensure_debian() {
    local missing=()
    for pkg in "$@"; do
        # Only "install ok installed" counts: a removed package keeps a dpkg entry (config-files).
        [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    say "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

export_env() {
    # bin/ for `shipgate` itself (npm does not link a package's own bin into node_modules/.bin).
    export PATH="$root/bin:$root/.shipgate/bin:$root/node_modules/.bin:$PATH"
    # Offline by design: no update checks, no plugin downloads.
    export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
    # The embedded default: a file:// backend inside the project and the passphrase secrets
    # provider. Both yield to values you set yourself.
    if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
        export PULUMI_BACKEND_URL="file://$root/.shipgate/state"
        # Only the embedded folder is made here: a backend you name must exist already.
        mkdir -p "$root/.shipgate/state"
    fi
    if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
        export PULUMI_CONFIG_PASSPHRASE_FILE="$root/.shipgate/passphrase"
    fi
}

# Debian packages, Node, npm and shipgate's environment: all the type check and the unit suite need.
setup_packages() {
    # The local platform's router and metrics (the demo and the end-to-end tests run them for real);
    # etcd, curl, openssl and jq for the local Kubernetes control plane (engine/kubernetes/cluster.sh);
    # PostgreSQL for the migration's end-to-end test (tests/helpers/postgres.ts starts its own server).
    ensure_debian haproxy prometheus etcd-server curl openssl jq postgresql
    ensure_node
    ensure_npm "$root"
    # Policy packs carry their own dependencies (the engine runs each from its folder).
    for lock in "$root"/policies/*/package-lock.json; do
        [ -f "$lock" ] && ensure_npm "$(dirname "$lock")"
    done
    mkdir -p "$root/.shipgate"
    # A passphrase of this machine's own for the embedded backend's secrets (never committed).
    [ -s "$root/.shipgate/passphrase" ] || (umask 077 && head -c 24 /dev/urandom | base64 >"$root/.shipgate/passphrase")
    export_env
}

# The Pulumi engine, and the program and the policy pack compiled to JavaScript (3 s): each `up`
# and each policy preview then loads no TypeScript. Only when stale; a stale build is never run
# (main.js of each falls back to the sources).
setup_engine() {
    "$root/engine/setup.sh"
    if ! node -e 'process.exit(require(process.argv[1]).staleBuild() ? 1 : 0)' "$root/engine/build/fresh-build.js"; then
        (cd "$root" && node engine/build/build.js) | sed 's/^/[build] /'
    fi
}

# Everything but the Kubernetes builds: what the local platform and the engine need.
setup_base() {
    setup_packages
    setup_engine
}

setup() {
    setup_base
    "$root/engine/kubernetes/setup.sh"
}

# On a fresh machine the Kubernetes parts take about 12 minutes of both cores to build. They
# start first, niced, so the Pulumi CLI's build and then the suites that do not need them keep
# the CPU they ask for. The type check and the unit suite need only npm's packages: they run
# beside the engine's build (their output kept in a log, printed when they end). The integration
# suite, which needs the engine, then runs two files at a time (mocha --parallel: each
# file owns its ports and folders, and most of its time is bakes and health intervals). The
# Kubernetes suite, two files at a time too, starts as soon as its parts are ready, beside the
# integration suite (niced, its output kept in a log that is printed when it ends, so the two
# never interleave); the test of ./dev.sh itself, which sets up in full, runs last. With warm
# caches the builds take seconds.
run_tests() {
    local log="$root/.shipgate/logs/kubernetes-setup.log" klog="$root/.shipgate/logs/test-kubernetes.log" ulog="$root/.shipgate/logs/test-unit.log" k8s unit integration kube= failed=0
    mkdir -p "$(dirname "$log")"
    say "building the Kubernetes parts behind the rest of the set-up and the first suites (progress: ${log#"$root/"})"
    # Their own process groups, so that stopping the tests stops the builds and suites too.
    setsid "$root/engine/kubernetes/setup.sh" --build-only >"$log" 2>&1 &
    k8s=$!
    trap 'kill -- -'"$k8s"' 2>/dev/null || true' EXIT
    setup_packages
    cd "$root"
    say "the type check and the unit suite run beside the engine's build (output: ${ulog#"$root/"}, printed when they end)"
    setsid bash -c 'npm run typecheck && npm run test:unit' >"$ulog" 2>&1 &
    unit=$!
    trap 'kill -- -'"$k8s"' -'"$unit"' 2>/dev/null || true' EXIT
    setup_engine
    wait "$unit" || failed=1
    cat "$ulog"
    setsid npm run test:integration &
    integration=$!
    trap 'kill -- -'"$k8s"' -'"$integration"' 2>/dev/null || true; [ -z "${kube:-}" ] || kill -- -"$kube" 2>/dev/null || true' EXIT
    if wait "$k8s"; then
        # Links and installs the plugin, now that the CLI is there (seconds).
        if "$root/engine/kubernetes/setup.sh" >>"$log" 2>&1; then
            say "the Kubernetes parts are ready: the Kubernetes suite runs beside the integration suite (output: ${klog#"$root/"}, printed when it ends)"
            setsid nice -n 10 npm run test:kubernetes >"$klog" 2>&1 &
            kube=$!
        else
            failed=1
        fi
    else
        failed=1
    fi
    wait "$integration" || failed=1
    if [ -n "$kube" ]; then
        wait "$kube" || failed=1
        cat "$klog"
    else
        tail -n 30 "$log" >&2
        say "error: the Kubernetes set-up failed (full log: ${log#"$root/"}), so the Kubernetes suite did not run: fix the error above, then run ./dev.sh test again"
        trap - EXIT
        exit 4
    fi
    trap - EXIT
    npm run test:set-up || failed=1
    return $failed
}

cmd=${1:-setup}
shift || true
# `setup` runs as a command of its own, never in an `&&` list: bash ignores `set -e` inside a
# function called there, and a failed build would go on to the tests.
case "$cmd" in
    setup) setup ;;
    env)
        setup >&2
        printf 'export PATH=%q\n' "$PATH"
        for v in PULUMI_SKIP_UPDATE_CHECK PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE_FILE; do
            [ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
        done
        ;;
    test) run_tests ;;
    bench) setup; cd "$root"; exec npm run bench ;;
    demo) setup; cd "$root"; exec npm run demo -- "$@" ;;
    run) setup; exec "$@" ;;
    cluster) setup; exec "$root/engine/kubernetes/cluster.sh" "$@" ;;
    *) die 2 "unknown command '$cmd': use setup, demo, test, bench, run, cluster or env" ;;
esac
