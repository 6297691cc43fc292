#!/usr/bin/env bash
# Makes the Pulumi engine available to shipgate: the `pulumi` CLI, the Node.js language host
# and the dynamic-provider launcher, linked into .shipgate/bin.
#
# A `pulumi` on PATH at the pinned version or newer is used as it is. Otherwise the CLI and
# shipgate's own Node.js language host are built with `go build` from the wrapper modules in
# engine/ (Pulumi's release binaries cannot be downloaded on these machines; its Go modules
# can). Builds are cached outside the work tree, keyed by version, so a second run takes seconds.
#
# Exit codes: 0 ready; 3 neither a suitable pulumi nor Go; 4 a build failed; 5 versions disagree.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${SHIPGATE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shipgate}
bin="$root/.shipgate/bin"
mkdir -p "$bin"

say() { printf '[engine] %s\n' "$*" >&2; }
die() { local code=$1; shift; printf '[engine] error: %s\n' "$*" >&2; exit "$code"; }

# The engine must match the Node SDK: the npm package's version is the source of truth.
sdk_version=$(sed -n 's/.*"@pulumi\/pulumi": *"\([0-9][0-9.]*\)".*/\1/p' "$root/package.json" | head -n1)
[ -n "$sdk_version" ] || die 5 "package.json does not pin @pulumi/pulumi to an exact version: pin it (e.g. \"3.259.0\")"
cli_version=$(sed -n 's/^[[:space:]]*github.com\/pulumi\/pulumi\/pkg\/v3 v\([0-9.]*\).*/\1/p' "$root/engine/cli/go.mod" | head -n1)
[ "$cli_version" = "$sdk_version" ] ||
    die 5 "engine/cli/go.mod builds pulumi v$cli_version but package.json pins @pulumi/pulumi $sdk_version: run \`cd engine/cli && go get -tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$sdk_version github.com/pulumi/pulumi/sdk/v3@v$sdk_version && go mod tidy\`"

version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

link() { ln -sfn "$1" "$bin/$(basename "$1")"; }

# The CLI finds its plugins "bundled" next to its own executable, which it resolves through
# symlinks; so the CLI is hard-linked (or copied) into $bin and the plugins linked beside it.
# (Plugins found only on PATH work too, but the CLI warns about each one on every run.)
place_cli() {
    rm -f "$bin/pulumi"
    ln "$1" "$bin/pulumi" 2>/dev/null || cp "$1" "$bin/pulumi"
}

# Runs a build in the background and prints the elapsed time every 20 s, so a cold build of
# several minutes does not look like a hang.
build_with_progress() {
    local what=$1 log=$2; shift 2
    local start=$SECONDS last=$SECONDS
    "$@" >"$log" 2>&1 &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        if (( SECONDS - last >= 20 )); then
            last=$SECONDS
            say "  … still building $what ($((SECONDS - start))s, $(grep -c '^go: downloading' "$log" || true) modules downloaded)"
        fi
    done
    if ! wait "$pid"; then
        tail -n 30 "$log" >&2
        die 4 "building $what failed (full log: $log)"
    fi
    say "  built $what in $((SECONDS - start))s"
}

find_go() {
    local go
    go=$(command -v go || true)
    [ -n "$go" ] || { [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go; }
    [ -n "$go" ] || return 1
    local need have
    need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$root/engine/cli/go.mod")
    have=$("$go" env GOVERSION | sed 's/^go//')
    version_at_least "$have" "$need" || die 3 "Go $have is too old to build the engine (needs Go $need): install a newer Go, or a Pulumi CLI >= $sdk_version"
    echo "$go"
}

# 1. The CLI and its language host: a user's own install, or a build from the wrapper modules.
ambient=$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vx "$bin" | paste -sd: -) command -v pulumi || true)
if [ -n "$ambient" ] && version_at_least "$("$ambient" version 2>/dev/null | sed 's/^v//')" "$sdk_version"; then
    say "using $ambient ($("$ambient" version))"
    rm -f "$bin/pulumi" "$bin/pulumi-language-nodejs"
else
    go=$(find_go) || die 3 "no pulumi >= $sdk_version on PATH and no Go toolchain to build one: install Go >= 1.25 (or the Pulumi CLI $sdk_version) and run this again"
    export GOFLAGS="${GOFLAGS:-} -mod=readonly" CGO_ENABLED=0 GOTOOLCHAIN=local
    ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$sdk_version"

    cli_dir="$cache/engine/pulumi-v$sdk_version"
    if [ ! -x "$cli_dir/pulumi" ]; then
        mkdir -p "$cli_dir"
        say "building the pulumi CLI v$sdk_version from Go modules (first time only; 5 to 7 minutes on 2 cores)"
        build_with_progress "pulumi v$sdk_version" "$cli_dir/build.log" \
            "$go" build -C "$root/engine/cli" -trimpath -ldflags "$ldflags" -o "$cli_dir/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
        mv "$cli_dir/pulumi.tmp" "$cli_dir/pulumi"
    fi
    place_cli "$cli_dir/pulumi"

    # shipgate's own language host (the official one is not published as a fetchable module);
    # keyed by a hash of its sources so an edit rebuilds it.
    lh_hash=$(cd "$root/engine/language-nodejs" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)
    lh_dir="$cache/engine/language-nodejs-$lh_hash"
    if [ ! -x "$lh_dir/pulumi-language-nodejs" ]; then
        mkdir -p "$lh_dir"
        say "building the Node.js language host ($lh_hash)"
        build_with_progress "pulumi-language-nodejs" "$lh_dir/build.log" \
            "$go" build -C "$root/engine/language-nodejs" -trimpath -ldflags "$ldflags" -o "$lh_dir/pulumi-language-nodejs.tmp" .
        mv "$lh_dir/pulumi-language-nodejs.tmp" "$lh_dir/pulumi-language-nodejs"
    fi
    link "$lh_dir/pulumi-language-nodejs"
fi

# 2. Dynamic providers (the local platform) are launched through a script that ships in the
#    @pulumi/pulumi npm package; npm does not mark it executable when install scripts are off.
launcher="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$launcher" ] || die 4 "$launcher is missing: run npm ci first"
chmod +x "$launcher"
link "$launcher"

say "ready: $("$bin/pulumi" version 2>/dev/null || pulumi version) in $bin"
