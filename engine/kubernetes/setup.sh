#!/usr/bin/env bash
# Makes shipgate's Kubernetes parts available: the Pulumi Kubernetes provider plugin (installed
# into PULUMI_HOME), a control plane (kube-apiserver, kube-controller-manager, kube-scheduler)
# and kwok (nodes and pods without container images), linked into .shipgate/bin, and the
# Gateway API CRDs for `./dev.sh cluster up`. etcd comes from Debian (dev.sh installs it).
#
# Nothing here can be downloaded as a binary on these machines, so each part is built with
# `go build` from the wrapper modules beside this script and cached outside the work tree,
# keyed by version and a hash of the wrapper's sources: a second run takes seconds.
# A cold run builds the three groups at the same time, so that one's single-threaded stretches
# (its biggest packages, its link) leave no core idle.
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
in_go_mod() { grep -q "^[[:space:]]$2 $3\( \|$\)" "$here/$1/go.mod"; }
in_go_mod provider "$k8s_provider_module" "$k8s_provider_commit" ||
    die 5 "engine/kubernetes/provider/go.mod does not require $k8s_provider_module $k8s_provider_commit: run \`cd engine/kubernetes/provider && go get $k8s_provider_module@$k8s_provider_commit && go mod tidy\`"
in_go_mod control-plane k8s.io/kubernetes "$kube_version" ||
    die 5 "engine/kubernetes/control-plane/go.mod does not require k8s.io/kubernetes $kube_version: update it with \`go get -tool …@$kube_version\` (and its staging replaces) to match versions.sh"
in_go_mod kwok sigs.k8s.io/kwok "$kwok_version" ||
    die 5 "engine/kubernetes/kwok/go.mod does not require sigs.k8s.io/kwok $kwok_version: run \`cd engine/kubernetes/kwok && go get -tool sigs.k8s.io/kwok/cmd/kwok@$kwok_version && go mod tidy\`"

go=$(command -v go || true)
[ -n "$go" ] || { [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go; }
[ -n "$go" ] || die 3 "Go is needed to build the Kubernetes provider and control plane: install Go >= 1.25 and run this again"
need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$here/control-plane/go.mod")
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

sources_hash() { (cd "$here/$1" && cat "${@:2}" | sha256sum | cut -c1-12); }

provider_ldflags="-s -w -X $k8s_provider_module/pkg/version.Version=$k8s_provider_version"
provider_dir="$cache/engine/kubernetes-provider-$k8s_provider_version-$(sources_hash provider go.mod go.sum main.go gen/main.go)"
provider_bin="$provider_dir/pulumi-resource-kubernetes"

kube_minor=${kube_version#v1.}
kube_minor=${kube_minor%%.*}
cp_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$kube_minor -X k8s.io/component-base/version.gitTreeState=clean"
cp_dir="$cache/engine/kubernetes-$kube_version-$(sources_hash control-plane go.mod go.sum)"
cp_tools=(kube-apiserver kube-controller-manager kube-scheduler)
cp_packages=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)

kwok_ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${kwok_version#v}"
kwok_dir="$cache/engine/kwok-$kwok_version-$(sources_hash kwok go.mod go.sum)"

build_provider() {
    # The two embedded files are written from the module's schema.json and
    # terraform-mapping.json (gitignored; upstream's generate.go does the same).
    nice "$go" run -C "$here/provider" ./gen -version "$k8s_provider_version" -out . &&
        nice "$go" build -C "$here/provider" -trimpath -ldflags "$provider_ldflags" -o "$provider_bin.tmp" . &&
        mv "$provider_bin.tmp" "$provider_bin"
}

# One `go build` for the three binaries: they share k8s.io/api, apimachinery, client-go,
# apiserver and component-base, which then compile once.
build_control_plane() {
    local out="$cp_dir/.tmp"
    rm -rf "$out" && mkdir -p "$out" &&
        nice "$go" build -C "$here/control-plane" -trimpath -ldflags "$cp_ldflags" -o "$out/" "${cp_packages[@]}" &&
        for t in "${cp_tools[@]}"; do mv "$out/$t" "$cp_dir/$t"; done && rmdir "$out"
}

build_kwok() {
    nice "$go" build -C "$here/kwok" -trimpath -ldflags "$kwok_ldflags" -o "$kwok_dir/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok &&
        mv "$kwok_dir/kwok.tmp" "$kwok_dir/kwok"
}

have_control_plane() { local t; for t in "${cp_tools[@]}"; do [ -x "$cp_dir/$t" ] || return 1; done; }

# Starts each missing build in the background and reports every 30 s until all finish.
jobs_pid=() jobs_what=() jobs_log=()
start_build() {
    local what=$1 log=$2; shift 2
    mkdir -p "$(dirname "$log")"
    "$@" >"$log" 2>&1 &
    jobs_pid+=($!) jobs_what+=("$what") jobs_log+=("$log")
}
wait_builds() {
    local start=$SECONDS last=$SECONDS i failed=0 running finished=()
    while [ ${#finished[@]} -lt ${#jobs_pid[@]} ]; do
        running=()
        for i in "${!jobs_pid[@]}"; do
            [ -n "${finished[$i]:-}" ] && continue
            if kill -0 "${jobs_pid[$i]}" 2>/dev/null; then
                running+=("${jobs_what[$i]}")
            elif wait "${jobs_pid[$i]}"; then
                finished[$i]=ok
                say "  built ${jobs_what[$i]} in $((SECONDS - start))s"
            else
                finished[$i]=failed failed=1
                tail -n 30 "${jobs_log[$i]}" >&2
                say "building ${jobs_what[$i]} failed (full log: ${jobs_log[$i]})"
            fi
        done
        if [ ${#running[@]} -gt 0 ] && ((SECONDS - last >= 30)); then
            last=$SECONDS
            say "  … still building: ${running[*]} ($((SECONDS - start))s)"
        fi
        [ ${#running[@]} -eq 0 ] || sleep 1
    done
    [ $failed -eq 0 ] || die 4 "a Kubernetes build failed: fix the error above, then run ./dev.sh setup again"
}

if [ ! -x "$provider_bin" ]; then
    mkdir -p "$provider_dir"
    say "building the Kubernetes provider plugin $k8s_provider_version ($k8s_provider_commit) from Go modules (first time only; about 25 minutes on 2 cores)"
    start_build "pulumi-resource-kubernetes $k8s_provider_version" "$provider_dir/build.log" build_provider
fi
if ! have_control_plane; then
    mkdir -p "$cp_dir"
    say "building kube-apiserver, kube-controller-manager, kube-scheduler $kube_version from Go modules (first time only; about 20 minutes on 2 cores)"
    start_build "control plane $kube_version" "$cp_dir/build.log" build_control_plane
fi
if [ ! -x "$kwok_dir/kwok" ]; then
    mkdir -p "$kwok_dir"
    say "building kwok $kwok_version from Go modules (first time only; about 5 minutes on 2 cores)"
    start_build "kwok $kwok_version" "$kwok_dir/build.log" build_kwok
fi
[ ${#jobs_pid[@]} -eq 0 ] || wait_builds

for t in "${cp_tools[@]}"; do ln -sfn "$cp_dir/$t" "$bin/$t"; done
ln -sfn "$kwok_dir/kwok" "$bin/kwok"
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
