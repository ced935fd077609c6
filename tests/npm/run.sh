#!/usr/bin/env bash
# Starts a cloud node and an edge gateway (`ptmo serve`) on loopback with generated models,
# drives the gateway with the official openai npm client and with curl, stops both, and
# audits the gateway's log for leaks. Usage: tests/npm/run.sh PATH/TO/ptmo
set -euo pipefail
PTMO=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$HERE"
if [ ! -d node_modules/openai ]; then npm ci --no-audit --no-fund --loglevel=error; fi

"$PTMO" make-model --shape tiny --type q8_0 --seed 11 --out "$WORK/edge.gguf" >/dev/null
"$PTMO" make-model --shape tiny --type q8_0 --seed 22 --out "$WORK/cloud.gguf" >/dev/null
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
CLOUD_PORT=$(free_port)
EDGE_PORT=$(free_port)
export PTMO_TEST_CLOUD_KEY="sk-cloud-$RANDOM$RANDOM"
USER_KEY="sk-user-$RANDOM$RANDOM"

cat > "$WORK/cloud.toml" <<TOML
[server]
role = "cloud"
port = $CLOUD_PORT
[[api_keys]]
user = "edge"
sha256 = "$("$PTMO" hash-key "$PTMO_TEST_CLOUD_KEY")"
[local]
model = "cloud.gguf"
id = "cloud-model"
chat_template = "chatml"
threads = 1
[privacy]
ner = false
TOML
cat > "$WORK/edge.toml" <<TOML
[server]
role = "edge"
port = $EDGE_PORT
max_body_bytes = 1048576
[[api_keys]]
user = "tester"
sha256 = "$("$PTMO" hash-key "$USER_KEY")"
[local]
model = "edge.gguf"
id = "edge-model"
chat_template = "chatml"
threads = 1
[[cloud]]
name = "cloud-node"
base_url = "http://127.0.0.1:$CLOUD_PORT/v1"
api_key_env = "PTMO_TEST_CLOUD_KEY"
models = ["cloud-model"]
[privacy]
epsilon = 50.0
TOML

"$PTMO" serve --config "$WORK/cloud.toml" 2>"$WORK/cloud.log" & PIDS+=($!)
"$PTMO" serve --config "$WORK/edge.toml" 2>"$WORK/edge.log" & PIDS+=($!)
for port in $CLOUD_PORT $EDGE_PORT; do
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$WORK"/*.log; exit 1; }
done

PTMO_URL="http://127.0.0.1:$EDGE_PORT" PTMO_KEY="$USER_KEY" \
  PTMO_FACE_JPG="$HERE/../../data/vision/astronaut_face.jpg" node --test openai_client.test.mjs

# The same API with curl: a good request, then the error cases.
URL="http://127.0.0.1:$EDGE_PORT/v1/chat/completions"
expect() {  # expect STATUS DESCRIPTION curl-args...
  local want=$1 what=$2; shift 2
  local got
  got=$(curl -s -o "$WORK/body" -w '%{http_code}' "$@")
  if [ "$got" != "$want" ]; then echo "curl: $what: got $got, want $want: $(cat "$WORK/body")"; exit 1; fi
  echo "curl ok: $what -> $got"
}
AUTH=(-H "Authorization: Bearer $USER_KEY" -H 'Content-Type: application/json')
expect 200 "chat" "${AUTH[@]}" -d '{"model":"ptmo","max_tokens":4,"messages":[{"role":"user","content":"hi"}]}' "$URL"
expect 400 "malformed JSON" "${AUTH[@]}" -d '{"model":' "$URL"
expect 400 "wrong field type" "${AUTH[@]}" -d '{"model":"ptmo","messages":"hi"}' "$URL"
expect 404 "unknown model" "${AUTH[@]}" -d '{"model":"nope","messages":[{"role":"user","content":"hi"}]}' "$URL"
expect 401 "missing key" -H 'Content-Type: application/json' -d '{"model":"ptmo","messages":[]}' "$URL"
printf '{"model":"ptmo","messages":[{"role":"user","content":"\xff\xfe"}]}' > "$WORK/bad-utf8.json"
expect 400 "invalid UTF-8" "${AUTH[@]}" --data-binary "@$WORK/bad-utf8.json" "$URL"
head -c 2000000 /dev/zero | tr '\0' 'a' > "$WORK/big.txt"
expect 413 "oversize body" "${AUTH[@]}" --data-binary "@$WORK/big.txt" "$URL"
curl -sf "http://127.0.0.1:$EDGE_PORT/metrics" | grep -q 'ptmo_route_total{route="cloud"}'
echo "curl ok: metrics"

for p in "${PIDS[@]}"; do kill "$p"; done
wait 2>/dev/null || true
PIDS=()
"$PTMO" audit leakage --db "$WORK/ptmo-audit.db"
