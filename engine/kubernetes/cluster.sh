#!/usr/bin/env bash
# A local Kubernetes control plane for shipgate's tests and demos: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (one fake Node; pods run no containers),
# on 127.0.0.1 only, with the Gateway API standard CRDs and a Gateway the stacks attach to.
#
#   cluster.sh up       start it (idempotent); prints {"kubeconfig","server","token","dir"} as JSON
#   cluster.sh down     stop every process; --purge (or SHIPGATE_CLUSTER_PURGE=1) removes the folder
#   cluster.sh status   say what runs (exit 0 when the API server answers, 1 when not running)
#
# Environment: SHIPGATE_CLUSTER_DIR (default .shipgate/cluster; the kubeconfig is written there),
# SHIPGATE_CLUSTER_API_PORT (default: a free port), SHIPGATE_CLUSTER_OWNER_PID (stop the cluster
# when that process exits: tests pass their own pid so nothing outlives them).
# Exit codes: 0 done; 2 usage; 3 a binary is missing (run ./dev.sh setup); 4 a start-up step failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${SHIPGATE_CLUSTER_DIR:-$root/.shipgate/cluster}
# shellcheck source=cluster-lib.sh
. "$here/cluster-lib.sh"

up() {
    if api_alive; then
        say "already running in $dir ($(state server))"
        print_json
        return
    fi
    [ -s "$dir/pids" ] && stop_processes
    find_binaries
    local started=$SECONDS
    mkdir -p "$dir/logs"
    rm -rf "$dir/etcd" "$dir/pki" "$dir/pids" "$dir/state"
    : >"$dir/pids"
    # Stop whatever was started if any step below fails, so a failed `up` leaves no processes.
    up_ok=
    trap '[ -n "$up_ok" ] || stop_processes >/dev/null 2>&1 || true' EXIT
    make_pki

    local etcd_port etcd_peer api_port
    etcd_port=$(free_port) etcd_peer=$(free_port)
    api_port=${SHIPGATE_CLUSTER_API_PORT:-$(free_port)}
    local server="https://127.0.0.1:$api_port" token
    token=$(cat "$dir/pki/token")
    printf 'server=%s\netcd=http://127.0.0.1:%s\n' "$server" "$etcd_port" >"$dir/state"

    # etcd's data lives in the cluster folder; no fsync: a test cluster need not survive a crash.
    start etcd "$bin_etcd" --name shipgate --data-dir "$dir/etcd" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
        --initial-cluster "shipgate=http://127.0.0.1:$etcd_peer" --unsafe-no-fsync --log-level warn
    wait_for "etcd" 30 etcd curl -fsS "http://127.0.0.1:$etcd_port/health"

    # WatchList off: with it the API server turns every watch from resourceVersion 0 (kwok's)
    # into a watch-list stream, which needs etcd >= 3.5 (Debian ships 3.4); kwok then retries
    # with back-off and reacts to pods many seconds late.
    start kube-apiserver "$bin_apiserver" \
        --etcd-servers "http://127.0.0.1:$etcd_port" \
        --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
        --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
        --client-ca-file "$dir/pki/ca.crt" --token-auth-file "$dir/pki/tokens.csv" \
        --authorization-mode Node,RBAC \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
        --service-cluster-ip-range 10.96.0.0/16 \
        --endpoint-reconciler-type none --profiling=false \
        --feature-gates WatchList=false
    write_kubeconfig "$server" "$token"

    # The controllers wait for the API server themselves: starting them now overlaps their
    # start-up with its own. Both talk to it with the admin token and serve no HTTPS port of
    # their own (--secure-port 0), so parallel clusters need no more free ports.
    # The node's heartbeat is kwok's: without a lease kwok refreshes the Node's status only every
    # ~50 s, exactly the node-lifecycle controller's default grace, and the controller then marks
    # every pod on it not Ready (a test's healthy track turns RED for no reason). kwok renews a
    # lease (below) every 10 s, and the grace here outlasts a starved kwok on a busy CI machine.
    start kube-controller-manager "$bin_controller_manager" --kubeconfig "$kubeconfig" \
        --leader-elect=false --secure-port 0 --profiling=false --node-monitor-grace-period 120s \
        --service-account-private-key-file "$dir/pki/sa.key" --root-ca-file "$dir/pki/ca.crt" \
        --use-service-account-credentials=false
    start kube-scheduler "$bin_scheduler" --kubeconfig "$kubeconfig" --leader-elect=false --secure-port 0 --profiling=false
    wait_for "the API server" 60 kube-apiserver api -f /readyz

    start kwok "$bin_kwok" --kubeconfig "$kubeconfig" --config "$here/kwok-stages.yaml" \
        --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
        --cidr 10.244.0.1/16 --node-ip 10.0.0.1 --node-lease-duration-seconds 40

    create_node
    apply_gateway_api
    install_gateway
    wait_for "node $node_name Ready" 60 kwok node_ready
    wait_for "the default ServiceAccount" 60 kube-controller-manager api -f /api/v1/namespaces/default/serviceaccounts/default
    up_ok=1

    start_watchdog
    say "up in $((SECONDS - started))s: $server (kubeconfig $kubeconfig)"
    print_json
}

down() {
    local purge=${SHIPGATE_CLUSTER_PURGE:-}
    [ "${1:-}" = "--purge" ] && purge=1
    if [ -s "$dir/pids" ]; then
        stop_processes
        say "stopped the cluster in $dir"
    else
        say "no cluster runs in $dir"
    fi
    if [ -n "$purge" ] && [ -d "$dir" ]; then
        rm -rf "$dir"
        say "removed $dir"
    fi
}

status() {
    if [ ! -s "$dir/pids" ]; then
        say "not running ($dir has no processes)"
        return 1
    fi
    local name pid
    while read -r name pid; do
        if kill -0 "$pid" 2>/dev/null; then say "  $name: running (pid $pid)"; else say "  $name: not running (pid $pid was)"; fi
    done <"$dir/pids"
    if api_alive; then
        say "API server $(state server) answers; kubeconfig $kubeconfig"
        local nodes
        nodes=$(api -f /api/v1/nodes | jq -r '.items[] | "\(.metadata.name) Ready=\(.status.conditions // [] | map(select(.type=="Ready"))[0].status // "Unknown")"' | paste -sd' ' -)
        say "nodes: ${nodes:-none}"
    else
        say "the API server does not answer: \`$0 down\` then \`$0 up\` (logs in $dir/logs)"
        return 1
    fi
}

case "${1:-}" in
    up) up ;;
    down) shift; down "$@" ;;
    status) status ;;
    *) printf 'usage: %s up|down [--purge]|status\n' "$0" >&2; exit 2 ;;
esac
