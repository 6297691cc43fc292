# Helpers for cluster.sh (sourced; expects $here, $root and $dir).
# shellcheck shell=bash

kubeconfig="$dir/kubeconfig"
node_name=kwok-node-0

say() { printf '[cluster] %s\n' "$*" >&2; }
die() { local code=$1; shift; printf '[cluster] error: %s\n' "$*" >&2; exit "$code"; }

# The control plane comes from ./dev.sh setup (.shipgate/bin), etcd from Debian; PATH also works.
find_binaries() {
    local name var path
    for pair in etcd:bin_etcd kube-apiserver:bin_apiserver kube-controller-manager:bin_controller_manager kube-scheduler:bin_scheduler kwok:bin_kwok; do
        name=${pair%%:*} var=${pair#*:}
        path="$root/.shipgate/bin/$name"
        [ -x "$path" ] || path=$(command -v "$name" || true)
        [ -n "$path" ] || die 3 "$name is not installed: run ./dev.sh setup (it builds the control plane and installs etcd-server)"
        printf -v "$var" '%s' "$path"
    done
    for tool in curl openssl jq setsid; do
        command -v "$tool" >/dev/null || die 3 "$tool is missing: run ./dev.sh setup (it installs curl, openssl and jq)"
    done
}

state() { sed -n "s/^$1=//p" "$dir/state" 2>/dev/null; }

# curl against the API server with the admin token: api [curl options] PATH
api() {
    local path=${*: -1}
    curl -sS --max-time 20 --cacert "$dir/pki/ca.crt" -H "Authorization: Bearer $(cat "$dir/pki/token")" "${@:1:$#-1}" "$(state server)$path"
}
api_alive() { [ -f "$dir/state" ] && [ -f "$dir/pki/token" ] && api -f /readyz >/dev/null 2>&1; }

# A port nobody listens on (and not picked already in this run). Another process may still
# take it before we bind; a component that then fails to start shows that in its log.
picked_ports=" "
free_port() {
    local port i
    for i in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        case "$picked_ports" in *" $port "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            picked_ports+="$port "
            echo "$port"
            return
        fi
    done
    die 4 "found no free port on 127.0.0.1"
}

# A CA, the API server's serving cert (IP SAN 127.0.0.1), the Gateway's TLS cert, a
# service-account key pair and the admin token: made fresh at every start.
make_pki() {
    local pki="$dir/pki"
    mkdir -p "$pki" && chmod 700 "$pki"
    cat >"$pki/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = shipgate-cluster
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[apiserver]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:10.96.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local
[gateway]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:example.com, DNS:*.example.com, DNS:*.shop.example.com
EOF
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    {
        openssl req -x509 "${ec[@]}" -config "$pki/openssl.cnf" -extensions ca -subj /CN=shipgate-cluster-ca \
            -days 30 -keyout "$pki/ca.key" -out "$pki/ca.crt"
        local cert
        for cert in apiserver gateway; do
            openssl req -new "${ec[@]}" -config "$pki/openssl.cnf" -subj "/CN=shipgate-$cert" -keyout "$pki/$cert.key" -out "$pki/$cert.csr"
            openssl x509 -req -in "$pki/$cert.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
                -days 30 -extfile "$pki/openssl.cnf" -extensions "$cert" -out "$pki/$cert.crt"
        done
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/sa.key"
        openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
    } >"$dir/logs/openssl.log" 2>&1 || { cat "$dir/logs/openssl.log" >&2; die 4 "openssl could not make the cluster's certificates (see above)"; }
    (umask 077 && openssl rand -hex 24 >"$pki/token")
    # A static token in system:masters: the admin (tests, Pulumi, the controllers) uses it.
    printf '%s,shipgate-admin,shipgate-admin,"system:masters"\n' "$(cat "$pki/token")" >"$pki/tokens.csv"
}

write_kubeconfig() {
    local server=$1 token=$2
    (umask 077 && cat >"$kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: shipgate
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$dir/pki/ca.crt")
users:
- name: shipgate-admin
  user:
    token: $token
contexts:
- name: shipgate
  context: {cluster: shipgate, user: shipgate-admin, namespace: default}
current-context: shipgate
EOF
    )
}

# Each component in a session (and process group) of its own, its output in logs/; the pid
# is recorded so `down` can stop the group. stdin/stdout are detached so that whoever runs
# `up` (a test's child_process) is not kept waiting on them.
start() {
    local name=$1; shift
    setsid "$@" </dev/null >"$dir/logs/$name.log" 2>&1 &
    echo "$name $!" >>"$dir/pids"
}

# wait_for WHAT SECONDS COMPONENT CMD…: fails early, with the log, when COMPONENT has died.
wait_for() {
    local what=$1 timeout=$2 component=$3; shift 3
    local deadline=$((SECONDS + timeout)) pid
    pid=$(sed -n "s/^$component //p" "$dir/pids")
    until "$@" >/dev/null 2>&1; do
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$dir/logs/$component.log" >&2
            die 4 "$component exited while waiting for $what (log: $dir/logs/$component.log)"
        fi
        ((SECONDS < deadline)) || { tail -n 20 "$dir/logs/$component.log" >&2; die 4 "timed out after ${timeout}s waiting for $what (log: $dir/logs/$component.log)"; }
        sleep 0.2
    done
}

# Server-side apply of one object (JSON or YAML) to a path: apply PATH FILE|-
# The answer (a whole CRD, for CRDs) is only read when the API server refused the object.
apply() {
    local body code
    body=$(mktemp "$dir/logs/apply.XXXXXX")
    code=$(api -o "$body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/apply-patch+yaml' \
        --data-binary "@$2" "$1?fieldManager=shipgate-cluster&force=true") || code=${code:-000}
    case "$code" in
        2??) rm -f "$body" ;;
        *) die 4 "the API server refused $1 (HTTP $code): $(jq -r '.message // empty' "$body" 2>/dev/null || cat "$body")" ;;
    esac
}

# One Node carrying the annotation kwok manages; kwok fills in its status and heartbeats.
create_node() {
    jq -n --arg name "$node_name" '{
        apiVersion: "v1", kind: "Node",
        metadata: {name: $name,
            annotations: {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
            labels: {"kubernetes.io/hostname": $name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok"}},
        status: {capacity: {cpu: "32", memory: "256Gi", pods: "250"}, allocatable: {cpu: "32", memory: "256Gi", pods: "250"}}
    }' | apply "/api/v1/nodes/$node_name" -
}

node_ready() { api -f "/api/v1/nodes/$node_name" | jq -e '.status.conditions[]? | select(.type == "Ready" and .status == "True")'; }

# The Gateway API standard CRDs (copied from the Go module by setup), applied server-side and
# waited on until Established, so the stacks' HTTPRoutes are validated for real.
apply_gateway_api() {
    local crds="$root/.shipgate/gateway-api-crds" f name names=() pids=() pid
    ls "$crds"/gateway.networking.k8s.io_*.yaml >/dev/null 2>&1 || die 3 "no Gateway API CRDs in $crds: run ./dev.sh setup"
    for f in "$crds"/gateway.networking.k8s.io_*.yaml; do
        # gateway.networking.k8s.io_httproutes.yaml holds httproutes.gateway.networking.k8s.io
        name=$(basename "$f" .yaml)
        name="${name#*_}.${name%%_*}"
        apply "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name" "$f" &
        pids+=($!) names+=("$name")
    done
    for pid in "${pids[@]}"; do wait "$pid" || die 4 "applying the Gateway API CRDs failed (see above)"; done
    for name in "${names[@]}"; do
        wait_for "CRD $name Established" 30 kube-apiserver crd_established "$name"
    done
}
crd_established() {
    api -f "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$1" | jq -e '.status.conditions[]? | select(.type == "Established" and .status == "True")'
}

# What Pulumi.staging.yaml / Pulumi.production.yaml attach to: Gateway gateway-system/public
# with an HTTPS listener "https" (TLS from Secret public-tls), open to routes of any namespace.
# No controller serves class "shipgate": routes are stored and validated, not routed.
gateway_namespace=gateway-system gateway_name=public gateway_listener=https
install_gateway() {
    jq -n --arg ns "$gateway_namespace" '{apiVersion: "v1", kind: "Namespace", metadata: {name: $ns}}' |
        apply "/api/v1/namespaces/$gateway_namespace" -
    jq -n '{apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: {name: "shipgate"},
            spec: {controllerName: "shipgate.dev/no-data-plane", description: "shipgate test cluster: no data plane"}}' |
        apply /apis/gateway.networking.k8s.io/v1/gatewayclasses/shipgate -
    jq -n --arg ns "$gateway_namespace" --arg crt "$(base64 -w0 <"$dir/pki/gateway.crt")" --arg key "$(base64 -w0 <"$dir/pki/gateway.key")" \
        '{apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls", metadata: {name: "public-tls", namespace: $ns},
          data: {"tls.crt": $crt, "tls.key": $key}}' |
        apply "/api/v1/namespaces/$gateway_namespace/secrets/public-tls" -
    jq -n --arg ns "$gateway_namespace" --arg name "$gateway_name" --arg listener "$gateway_listener" \
        '{apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: {name: $name, namespace: $ns},
          spec: {gatewayClassName: "shipgate", listeners: [{name: $listener, protocol: "HTTPS", port: 443,
              tls: {mode: "Terminate", certificateRefs: [{kind: "Secret", name: "public-tls"}]},
              allowedRoutes: {namespaces: {from: "All"}}}]}}' |
        apply "/apis/gateway.networking.k8s.io/v1/namespaces/$gateway_namespace/gateways/$gateway_name" -
}

# With SHIPGATE_CLUSTER_OWNER_PID set, a watcher stops the cluster once that process is gone
# (even when it was killed with SIGKILL and could not clean up itself).
start_watchdog() {
    local owner=${SHIPGATE_CLUSTER_OWNER_PID:-}
    [ -n "$owner" ] || return 0
    kill -0 "$owner" 2>/dev/null || die 4 "SHIPGATE_CLUSTER_OWNER_PID=$owner is not a running process"
    # shellcheck disable=SC2016
    start watchdog bash -c 'while kill -0 "$0" 2>/dev/null && [ -s "$1/pids" ]; do sleep 1; done; SHIPGATE_CLUSTER_DIR="$1" exec "$2" down' \
        "$owner" "$dir" "$here/cluster.sh"
}

# Stops each recorded process group, newest first (etcd last): TERM, then KILL after 10 s.
# A pid is only signalled while its command line still names this cluster's folder, so a
# recycled pid of an unrelated process is left alone.
stop_processes() {
    [ -f "$dir/pids" ] || return 0
    local pids=() name pid
    while read -r name pid; do
        [ "$pid" = "$$" ] && continue
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir" || continue
        pids=("$pid" "${pids[@]}")
    done <"$dir/pids"
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
    local deadline=$((SECONDS + 10)) alive
    while :; do
        alive=()
        for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive+=("$pid"); done
        [ ${#alive[@]} -eq 0 ] && break
        if ((SECONDS >= deadline)); then
            for pid in "${alive[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
            break
        fi
        sleep 0.2
    done
    rm -f "$dir/pids" "$dir/state"
}

print_json() {
    jq -cn --arg kubeconfig "$kubeconfig" --arg server "$(state server)" --arg token "$(cat "$dir/pki/token")" --arg dir "$dir" \
        --arg gatewayNamespace "$gateway_namespace" --arg gatewayName "$gateway_name" --arg gatewayListener "$gateway_listener" \
        '{kubeconfig: $kubeconfig, server: $server, token: $token, dir: $dir,
          gateway: {namespace: $gatewayNamespace, name: $gatewayName, sectionName: $gatewayListener}}'
}
