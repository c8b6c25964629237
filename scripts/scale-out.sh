#!/usr/bin/env bash
# Scale-out on one machine: 3 instances on loopback behind nginx, one SIGTERMed mid-run; expects 0 failed requests.
#
#   bash scripts/scale-out.sh                   # builds dist/, runs 20 s of load, prints before/after
#   ENTRY=src bash scripts/scale-out.sh         # runs the TypeScript sources with tsx instead
#   DURATION=30 CONNECTIONS=64 bash scripts/scale-out.sh
#
# Installs nginx from Debian (apt-get) when it is missing. Everything listens on 127.0.0.1 only, and
# everything it starts is stopped on exit. Exit status 0 only if no request failed and the stopped
# instance exited 0.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-20}"        # seconds of load; the SIGTERM lands at half time
CONNECTIONS="${CONNECTIONS:-32}"  # keep-alive connections from the load generator to nginx
NGINX_PORT="${NGINX_PORT:-3100}"
PORTS=("${BASE_PORT:-3101}" "$(( ${BASE_PORT:-3101} + 1 ))" "$(( ${BASE_PORT:-3101} + 2 ))")
ENTRY="${ENTRY:-dist}"            # dist: node dist/server.js after npm run build; src: node --import tsx src/server.ts
WORK="$(mktemp -d /tmp/rectifier-scale-out.XXXXXX)"

pids=()
nginx_pid=""
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  if [ -n "$nginx_pid" ]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

# ------------------------------------------------------------------ nginx
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "scale-out: installing nginx from Debian"
  apt-get update -qq
  # policy-rc.d 101: the package must not start its own nginx on port 80.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >"$WORK/apt.log" 2>&1 \
    || { rm -f /usr/sbin/policy-rc.d; tail -20 "$WORK/apt.log"; exit 1; }
  rm -f /usr/sbin/policy-rc.d
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

# ------------------------------------------------------------------ the instances
if [ "$ENTRY" = dist ]; then
  npm run build --silent
  server=(node dist/server.js)
else
  server=(node --import tsx src/server.ts)
fi
for port in "${PORTS[@]}"; do
  # KEEP_ALIVE_TIMEOUT_MS above nginx's upstream keepalive_timeout: nginx closes idle connections first.
  HOST=127.0.0.1 PORT="$port" POOL_THREADS=1 LOG_LEVEL=warn KEEP_ALIVE_TIMEOUT_MS=10000 DRAIN_TIMEOUT_MS=10000 \
    "${server[@]}" >"$WORK/instance-$port.log" 2>&1 &
  pids+=("$!")
done

mkdir -p "$WORK/nginx-temp"
cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-temp/body;
  proxy_temp_path $WORK/nginx-temp/proxy;
  fastcgi_temp_path $WORK/nginx-temp/fastcgi;
  uwsgi_temp_path $WORK/nginx-temp/uwsgi;
  scgi_temp_path $WORK/nginx-temp/scgi;
  upstream rectifier {
$(for port in "${PORTS[@]}"; do echo "    server 127.0.0.1:$port max_fails=1 fail_timeout=10s;"; done)
    keepalive 64;
    keepalive_timeout 4s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://rectifier;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # A refused or reset connection, a timeout or a 503 goes to the next instance. The functions
      # are pure, so a POST is safe to send twice: non_idempotent lets nginx retry it.
      proxy_next_upstream error timeout http_503 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      client_max_body_size 32m;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
EOF
"$NGINX" -t -q -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
nginx_pid=$!

ready() {  # GET $1 answers 200 within 30 s
  node -e '
    const deadline = Date.now() + 30000;
    const probe = () => fetch(process.argv[1]).then((r) => r.status === 200, () => false).then((ok) => {
      if (ok) process.exit(0);
      if (Date.now() > deadline) process.exit(1);
      setTimeout(probe, 200);
    });
    probe();' "$1"
}
for port in "${PORTS[@]}"; do ready "http://127.0.0.1:$port/health/ready" || { echo "instance $port never ready"; cat "$WORK/instance-$port.log"; exit 1; }; done
ready "http://127.0.0.1:$NGINX_PORT/health/ready" || { echo "nginx never ready"; cat "$WORK/nginx-error.log"; exit 1; }
victim_port="${PORTS[1]}"
victim_pid="${pids[1]}"
echo "scale-out: 3 instances (${PORTS[*]}) behind nginx on 127.0.0.1:$NGINX_PORT; $CONNECTIONS connections for ${DURATION} s; SIGTERM to $victim_port at $((DURATION / 2)) s"

# ------------------------------------------------------------------ the load
# A small keep-alive load generator (autocannon cannot split its figures at the signal): counts
# answers by status and upstream, and errors by code, before and after the SIGTERM it sends itself.
cat > "$WORK/load.mjs" <<'EOF'
import { Agent, request } from 'node:http';
const [url, connections, seconds, victim] = [new URL(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const body = JSON.stringify({ x: Array.from({ length: 64 }, (_, i) => (i - 32) / 8) });
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const phases = { before: newPhase(), after: newPhase() };
let phase = phases.before;
function newPhase() { return { requests: 0, ok: 0, statuses: {}, errors: {}, upstreams: {}, seconds: 0 }; }
function send() {
  return new Promise((resolve) => {
    const p = phase;
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        p.requests++;
        if (res.statusCode >= 200 && res.statusCode < 300) p.ok++;
        else p.statuses[res.statusCode] = (p.statuses[res.statusCode] ?? 0) + 1;
        const upstream = String(res.headers['x-upstream'] ?? '?');
        const key = upstream.includes(',') ? `retried (${upstream})` : upstream;
        p.upstreams[key] = (p.upstreams[key] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', (err) => {
      p.requests++;
      p.errors[err.code ?? err.message] = (p.errors[err.code ?? err.message] ?? 0) + 1;
      resolve();
    });
    req.end(body);
  });
}
const start = performance.now();
const half = start + (seconds * 1000) / 2;
const end = start + seconds * 1000;
const signal = setTimeout(() => {
  phases.before.seconds = (performance.now() - start) / 1000;
  phase = phases.after;
  process.kill(victim, 'SIGTERM');
}, half - start);
await Promise.all(Array.from({ length: connections }, async () => { while (performance.now() < end) await send(); }));
clearTimeout(signal);
phases.after.seconds = (performance.now() - start) / 1000 - phases.before.seconds;
agent.destroy();
const row = (name, p) => {
  const errors = Object.values(p.errors).reduce((a, b) => a + b, 0);
  const non2xx = Object.values(p.statuses).reduce((a, b) => a + b, 0);
  console.log(`${name.padEnd(8)} ${p.seconds.toFixed(1).padStart(6)} s ${String(p.requests).padStart(9)} ${String(errors).padStart(7)} ${String(non2xx).padStart(8)} ${(p.requests / p.seconds).toFixed(0).padStart(8)}`);
  return errors + non2xx;
};
console.log(`phase      length  requests  errors  non-2xx    req/s`);
const failed = row('before', phases.before) + row('after', phases.after);
for (const [name, p] of Object.entries(phases)) {
  const detail = { upstreams: p.upstreams, ...(Object.keys(p.statuses).length ? { statuses: p.statuses } : {}), ...(Object.keys(p.errors).length ? { errors: p.errors } : {}) };
  console.log(`${name}: ${JSON.stringify(detail)}`);
}
console.log(`failed requests: ${failed}`);
process.exit(failed === 0 ? 0 : 1);
EOF
load_status=0
node "$WORK/load.mjs" "http://127.0.0.1:$NGINX_PORT/activations/sigmoid" "$CONNECTIONS" "$DURATION" "$victim_pid" || load_status=$?

victim_status=0
wait "$victim_pid" || victim_status=$?
echo "instance $victim_port: exit $victim_status after SIGTERM"
if [ "$load_status" = 0 ] && [ "$victim_status" = 0 ]; then
  rm -rf "$WORK"
  echo "scale-out: ok"
else
  echo "scale-out: FAILED (logs in $WORK)"; exit 1
fi
