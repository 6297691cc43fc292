#!/usr/bin/env bash
# Makes shipgate's Kubernetes parts available: the Pulumi Kubernetes provider plugin (installed
# into PULUMI_HOME), a control plane (kube-apiserver, kube-controller-manager, kube-scheduler)
# and kwok (nodes and pods without container images), linked into .shipgate/bin, and the
# Gateway API CRDs for `./dev.sh cluster up`. etcd comes from Debian (dev.sh installs it).
#
# Nothing here can be downloaded as a binary on these machines, so all five are built with one
# `go build` from the wrapper module build/ and cached outside the work tree, keyed by versions
# and a hash of the module's files: a second run takes seconds. One module and one build, so
# the libraries the five share (most of what the provider compiles) compile once.
#
# `--build-only` builds and links but does not install the plugin into PULUMI_HOME, which needs
# the Pulumi CLI: ./dev.sh test starts it before the CLI is built, and runs it again later.
#
# Exit codes: 0 ready; 2 unknown option; 3 no suitable Go; 4 a build or install failed; 5 versions disagree.
set -euo pipefail

build_only=false
case "${1:-}" in
    "") ;;
    --build-only) build_only=true ;;
    *) printf '[kubernetes] error: unknown option %s: use --build-only or nothing\n' "$1" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${SHIPGATE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shipgate}
bin="$root/.shipgate/bin"
mkdir -p "$bin"
# shellcheck source=versions.sh
. "$here/versions.sh"

say() { printf '[kubernetes] %s\n' "$*" >&2; }
die() { local code=$1; shift; printf '[kubernetes] error: %s\n' "$*" >&2; exit "$code"; }

# The npm SDK asks the engine for the plugin at its own version: both must agree.
npm_version=$(sed -n 's/.*"@pulumi\/kubernetes": *"\([0-9][0-9.]*\)".*/\1/p' "$root/package.json" | head -n1)
[ "$npm_version" = "$k8s_provider_version" ] ||
    die 5 "package.json pins @pulumi/kubernetes '$npm_version' but the provider is stamped $k8s_provider_version (engine/kubernetes/versions.sh): pin \"@pulumi/kubernetes\": \"$k8s_provider_version\""
in_go_mod() { grep -q "^[[:space:]]$1 $2\( \|$\)" "$here/build/go.mod"; }
in_go_mod "$k8s_provider_module" "$k8s_provider_commit" ||
    die 5 "engine/kubernetes/build/go.mod does not require $k8s_provider_module $k8s_provider_commit: run \`cd engine/kubernetes/build && go get $k8s_provider_module@$k8s_provider_commit && go mod tidy\`"
in_go_mod k8s.io/kubernetes "$kube_version" ||
    die 5 "engine/kubernetes/build/go.mod does not require k8s.io/kubernetes $kube_version: update it with \`go get -tool …@$kube_version\` (and its staging replaces) to match versions.sh"
in_go_mod sigs.k8s.io/kwok "$kwok_version" ||
    die 5 "engine/kubernetes/build/go.mod does not require sigs.k8s.io/kwok $kwok_version: run \`cd engine/kubernetes/build && go get -tool sigs.k8s.io/kwok/cmd/kwok@$kwok_version && go mod tidy\`"

go=$(command -v go || true)
[ -n "$go" ] || { [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go; }
[ -n "$go" ] || die 3 "Go is needed to build the Kubernetes provider and control plane: install Go >= 1.25 and run this again"
need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$here/build/go.mod")
have=$("$go" env GOVERSION | sed 's/^go//')
[ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" = "$need" ] ||
    die 3 "Go $have is too old for engine/kubernetes (needs Go $need): install a newer Go"
export GOFLAGS="${GOFLAGS:-} -mod=readonly" CGO_ENABLED=0 GOTOOLCHAIN=local

# One set-up at a time per cache: a second one (`./dev.sh cluster up` while the tests build the
# parts, say) waits for the first, then finds its binaries instead of building them again.
mkdir -p "$cache/engine"
exec 9>"$cache/engine/kubernetes-setup.lock"
if ! flock -n 9; then
    say "another set-up is building the Kubernetes parts: waiting for it to finish"
    flock 9
fi

kube_minor=${kube_version#v1.}
kube_minor=${kube_minor%%.*}
# One link line for all five: an -X for a package a binary does not link is ignored.
ldflags="-s -w -X $k8s_provider_module/pkg/version.Version=$k8s_provider_version"
ldflags+=" -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1"
ldflags+=" -X k8s.io/component-base/version.gitMinor=$kube_minor -X k8s.io/component-base/version.gitTreeState=clean"
ldflags+=" -X sigs.k8s.io/kwok/pkg/consts.Version=${kwok_version#v}"
tools=(kube-apiserver kube-controller-manager kube-scheduler kwok pulumi-resource-kubernetes)
packages=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler sigs.k8s.io/kwok/cmd/kwok ./provider)
build_hash=$(cd "$here/build" && cat go.mod go.sum provider/main.go provider/gen/main.go | sha256sum | cut -c1-12)
out_dir="$cache/engine/kubernetes-$kube_version-provider-$k8s_provider_version-kwok-$kwok_version-$build_hash"
provider_bin="$out_dir/pulumi-resource-kubernetes"

build_all() {
    local tmp="$out_dir/.tmp" t
    rm -rf "$tmp" && mkdir -p "$tmp" || return 1
    # The provider's two embedded files are written from its module's schema.json and
    # terraform-mapping.json (gitignored; upstream's generate.go does the same).
    nice "$go" run -C "$here/build" ./provider/gen -version "$k8s_provider_version" -out provider || return 1
    # go build names a ./provider binary after its folder.
    nice "$go" build -C "$here/build" -trimpath -ldflags "$ldflags" -o "$tmp/" "${packages[@]}" || return 1
    mv "$tmp/provider" "$tmp/pulumi-resource-kubernetes" || return 1
    for t in "${tools[@]}"; do mv "$tmp/$t" "$out_dir/$t" || return 1; done
    rmdir "$tmp"
}

have_all() { local t; for t in "${tools[@]}"; do [ -x "$out_dir/$t" ] || return 1; done; }

# Reports every 30 s while the build runs, so a log (and ./dev.sh test) shows it is alive.
run_build() {
    local log=$1 start=$SECONDS last=$SECONDS pid
    build_all >"$log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        if ((SECONDS - last >= 30)); then
            last=$SECONDS
            say "  … still building ($((SECONDS - start))s)"
        fi
    done
    if ! wait "$pid"; then
        tail -n 30 "$log" >&2
        die 4 "the Kubernetes build failed (full log: $log): fix the error above, then run ./dev.sh setup again"
    fi
    say "  built in $((SECONDS - start))s"
}

if ! have_all; then
    mkdir -p "$out_dir"
    say "building pulumi-resource-kubernetes $k8s_provider_version ($k8s_provider_commit), kube-apiserver, kube-controller-manager, kube-scheduler $kube_version and kwok $kwok_version from Go modules (first time only; about 25 minutes on 2 cores)"
    run_build "$out_dir/build.log"
fi

for t in kube-apiserver kube-controller-manager kube-scheduler kwok; do ln -sfn "$out_dir/$t" "$bin/$t"; done
# Tests install the plugin into their own PULUMI_HOME from here (not on PATH: the engine would
# then take it as an ambient plugin and warn on every run).
mkdir -p "$root/.shipgate/plugins"
ln -sfn "$provider_bin" "$root/.shipgate/plugins/pulumi-resource-kubernetes"

# The Gateway API CRDs come from the Go module (its config/crd/standard); copied into the
# cache so `cluster up` needs neither the network nor Go.
crd_dir="$cache/engine/gateway-api-$gateway_api_version"
if ! ls "$crd_dir"/gateway.networking.k8s.io_*.yaml >/dev/null 2>&1; then
    say "fetching the Gateway API $gateway_api_version CRDs (Go module sigs.k8s.io/gateway-api)"
    mod_dir=$("$go" mod download -json "sigs.k8s.io/gateway-api@$gateway_api_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -d "$mod_dir/config/crd/standard" ] || die 4 "go mod download sigs.k8s.io/gateway-api@$gateway_api_version gave no config/crd/standard (module folder: '${mod_dir:-none}')"
    mkdir -p "$crd_dir.tmp"
    cp "$mod_dir"/config/crd/standard/gateway.networking.k8s.io_*.yaml "$crd_dir.tmp/"
    chmod u+w "$crd_dir.tmp"/*
    rm -rf "$crd_dir" && mv "$crd_dir.tmp" "$crd_dir"
fi
ln -sfn "$crd_dir" "$root/.shipgate/gateway-api-crds"

if $build_only; then
    say "built: pulumi-resource-kubernetes $k8s_provider_version, Kubernetes $kube_version, kwok $kwok_version, Gateway API $gateway_api_version (the plugin is installed by the next run without --build-only)"
    exit 0
fi

# The plugin goes into PULUMI_HOME under its exact version, where the engine looks for it
# with automatic acquisition off. Reinstalled only when the installed file differs.
pulumi=$bin/pulumi
[ -x "$pulumi" ] || pulumi=$(command -v pulumi) || die 4 "no pulumi CLI to install the Kubernetes plugin with: run engine/setup.sh first"
installed="${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-kubernetes-v$k8s_provider_version/pulumi-resource-kubernetes"
if "$pulumi" plugin ls 2>/dev/null | grep -Eq "^kubernetes[[:space:]]+resource[[:space:]]+$k8s_provider_version[[:space:]]" &&
    cmp -s "$installed" "$provider_bin"; then
    :
else
    say "installing the Kubernetes provider plugin $k8s_provider_version into ${PULUMI_HOME:-$HOME/.pulumi}"
    PULUMI_SKIP_UPDATE_CHECK=true "$pulumi" plugin install resource kubernetes "$k8s_provider_version" --file "$provider_bin" --reinstall >/dev/null ||
        die 4 "pulumi plugin install resource kubernetes $k8s_provider_version --file $provider_bin failed"
fi

say "ready: pulumi-resource-kubernetes $k8s_provider_version, Kubernetes $kube_version, kwok $kwok_version, Gateway API $gateway_api_version"
