#!/usr/bin/env bash
# Builds the Dockerfile with podman and smoke-tests the container: it answers, runs as non-root,
# passes its HEALTHCHECK, serves probes on HEALTH_PORT, and exits 0 on SIGTERM. Run as root.
#
#   bash scripts/container-smoke.sh
#
# No Docker engine and no container registry are needed: the node:20-bookworm-slim base the
# Dockerfile names is made here, from Debian bookworm (debootstrap, from the machine's own Debian
# mirror) and this machine's node and npm, cached under $WORK by the checksums that made it.
# Env: WORK (/var/tmp/rectifier-container), HOST_PORT (18080), HOST_HEALTH_PORT (18081), KEEP_IMAGE (0).
set -euo pipefail
cd "$(dirname "$0")/.."

WORK="${WORK:-/var/tmp/rectifier-container}"
HOST_PORT="${HOST_PORT:-18080}"
HOST_HEALTH_PORT="${HOST_HEALTH_PORT:-18081}"
KEEP_IMAGE="${KEEP_IMAGE:-0}"
PORT=3000
HEALTH_PORT=9464
IMAGE="localhost/rectifier-smoke:$$"
BASE="localhost/rectifier-node-base:latest"
LABEL="rectifier-container-smoke=1"
START=$SECONDS
passed=0
failed=0
phase() { echo "::: [$((SECONDS - START)) s] $*"; }
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
die() { echo "container-smoke: $*" >&2; echo "container-smoke: $passed passed, $((failed + 1)) failed"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (podman, debootstrap)"
mkdir -p "$WORK"

phase "tools"
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  # runc, not crun: crun refuses this machine kind's hybrid cgroup layout. iptables: netavark's port forwarding.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman runc conmon netavark aardvark-dns iptables catatonit debootstrap >"$WORK/apt.log" 2>&1 ||
    { tail -20 "$WORK/apt.log"; die "apt-get install failed"; }
fi

# Podman's default rlimits exceed what root may set here (no CAP_SYS_RESOURCE): stay within the hard limits.
nofile=$(ulimit -Hn); { [ "$nofile" = unlimited ] || [ "$nofile" -gt 1048576 ]; } && nofile=1048576
nproc=$(ulimit -Hu); { [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; } && nproc=32768
cat >"$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"
podman ps -aq --filter "label=$LABEL" | xargs -r podman rm -f >/dev/null 2>&1 || true

# The base: what node:20-bookworm-slim provides (node and npm in /usr/local, user node 1000:1000).
NODE_BIN="$(readlink -f "$(command -v node)")"
NODE_MODULES="$(readlink -f "$(dirname "$(readlink -f "$(command -v npm)")")/../..")"
NODE_VERSION="$("$NODE_BIN" -p process.versions.node)"
grep -q "^FROM node:${NODE_VERSION%%.*}-" Dockerfile || die "the Dockerfile's node image is not Node ${NODE_VERSION%%.*}, the node this machine has"
HOST_CA=/etc/ssl/certs/ca-certificates.crt
KEY="$({ echo base-1; sha256sum "$NODE_BIN"; cat "$NODE_MODULES/npm/package.json"; cat "$HOST_CA" 2>/dev/null || true; } | sha256sum | cut -c1-16)"
if [ "$(podman image inspect --format '{{index .Labels "rectifier.base"}}' "$BASE" 2>/dev/null || true)" != "$KEY" ]; then
  phase "base image: debootstrap bookworm + node $NODE_VERSION"
  MIRROR="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
  [ -n "$MIRROR" ] || MIRROR="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
  R="$WORK/rootfs"
  if [ ! -e "$R/.debootstrap-ok" ]; then
    rm -rf "$R"
    debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
      { tail -20 "$WORK/debootstrap.log"; die "debootstrap failed"; }
    touch "$R/.debootstrap-ok"
  fi
  install -D -m 0755 "$NODE_BIN" "$R/usr/local/bin/node"
  mkdir -p "$R/usr/local/lib/node_modules"
  rm -rf "$R/usr/local/lib/node_modules/npm"
  cp -a "$NODE_MODULES/npm" "$R/usr/local/lib/node_modules/npm"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
  chroot "$R" sh -c 'getent group node >/dev/null || groupadd --gid 1000 node
    getent passwd node >/dev/null || useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  env -i PATH=/usr/local/bin:/usr/bin:/bin "$(command -v chroot)" "$R" node -e 0 || die "this machine's node does not run in bookworm"
  # npm in a RUN step reaches the registry through this machine's TLS proxy, whose CA only the host trusts.
  CA_ENV=()
  if [ -s "$HOST_CA" ]; then
    install -D -m 0644 "$HOST_CA" "$R/etc/ssl/certs/ca-certificates.crt"
    CA_ENV=(--change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt")
  fi
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/* "$R"/usr/share/doc/* "$R"/usr/share/man/* \
    "$R/etc/resolv.conf" "$R/etc/hostname"
  phase "base image: podman import"
  tar --numeric-owner --xattrs --exclude=./.debootstrap-ok -C "$R" -c . | podman import -q \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV NODE_VERSION=$NODE_VERSION" --change 'CMD ["node"]' \
    --change "LABEL rectifier.base=$KEY" "${CA_ENV[@]}" - "$BASE" >/dev/null
fi
for tag in $(sed -nE 's/^FROM[[:space:]]+(node:[^[:space:]]+).*/\1/p' Dockerfile | sort -u); do
  podman tag "$BASE" "docker.io/library/$tag"
done

phase "podman build"
# --format docker: the OCI format drops HEALTHCHECK.
podman build --pull=never --format docker --label "$LABEL" -t "$IMAGE" . || die "podman build failed"
ok "the image builds ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"

cid=""
cleanup() {
  [ -n "$cid" ] && podman rm -f "$cid" >/dev/null 2>&1 || true
  [ "$KEEP_IMAGE" = 1 ] || podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

phase "podman run"
# --health-interval=disable: no systemd timer here; the HEALTHCHECK is run by hand below.
cid="$(podman run -d --label "$LABEL" --health-interval=disable -e "HEALTH_PORT=$HEALTH_PORT" \
  -p "127.0.0.1:$HOST_PORT:$PORT" -p "127.0.0.1:$HOST_HEALTH_PORT:$HEALTH_PORT" "$IMAGE" 2>"$WORK/run.err")" ||
  { cat "$WORK/run.err"; die "podman run failed"; }
get() { # prints the status (000 without an answer); the body goes to $2
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(5000) })
    .then(async (r) => { require("fs").writeFileSync(process.argv[2], await r.text()); console.log(r.status) })
    .catch(() => console.log("000"))' "$1" "$2"
}
code=000
for _ in $(seq 120); do
  code="$(get "http://127.0.0.1:$HOST_PORT/health/live" "$WORK/body")"
  [ "$code" = 200 ] && break
  [ "$(podman inspect -f '{{.State.Running}}' "$cid")" = true ] || break
  sleep 0.5
done
if [ "$code" = 200 ]; then ok "GET /health/live on PORT: 200 $(head -c 100 "$WORK/body")"; else bad "GET /health/live on PORT: $code"; fi
if [ "$(podman inspect -f '{{.State.Running}}' "$cid")" != true ]; then
  podman logs "$cid" 2>&1 | tail -40
  die "the container exited with $(podman inspect -f '{{.State.ExitCode}}' "$cid")"
fi
code="$(get "http://127.0.0.1:$HOST_HEALTH_PORT/health/ready" "$WORK/body")"
if [ "$code" = 200 ]; then ok "GET /health/ready on HEALTH_PORT: 200 $(head -c 100 "$WORK/body")"; else bad "GET /health/ready on HEALTH_PORT: $code"; fi
code="$(node -e 'fetch(process.argv[1], { method: "POST", headers: { "content-type": "application/json" }, body: "{\"x\":[-1,2]}" })
  .then(async (r) => console.log(r.status, await r.text())).catch((e) => console.log("000", e.message))' "http://127.0.0.1:$HOST_PORT/activations/relu")"
if [[ "$code" == '200 {"name":"relu","shape":[2],"y":[0,2],"params":{}}' ]]; then ok "POST /activations/relu computes"; else bad "POST /activations/relu: $code"; fi

hc=1
for _ in $(seq 30); do
  podman healthcheck run "$cid" >/dev/null 2>&1 && { hc=0; break; }
  sleep 1
done
if [ $hc = 0 ]; then ok "the HEALTHCHECK passes"; else bad "the HEALTHCHECK never passed"; fi

pid="$(podman inspect -f '{{.State.Pid}}' "$cid")"
uid="$(awk '/^Uid:/ { print $3 }' "/proc/$pid/status" 2>/dev/null || echo '?')"
if [ "$uid" != 0 ] && [ "$uid" != '?' ]; then ok "PID 1 runs as uid $uid"; else bad "PID 1 runs as uid $uid"; fi

started=$(date +%s%N)
podman stop -t 10 "$cid" >/dev/null 2>&1 || true
ms=$((($(date +%s%N) - started) / 1000000))
rc="$(podman inspect -f '{{.State.ExitCode}}' "$cid")"
if [ "$rc" = 0 ]; then ok "SIGTERM: exit 0 in $ms ms"; else bad "SIGTERM: exit $rc in $ms ms"; fi
echo "--- container log (last 10 lines)"
podman logs "$cid" 2>&1 | tail -10
echo "container-smoke: $passed passed, $failed failed in $((SECONDS - START)) s"
[ "$failed" = 0 ]
