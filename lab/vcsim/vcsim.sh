#!/usr/bin/env bash
# The lab's vCenter: vcsim-cbt (govmomi 0.24.2 vcsim + lab/vcsim/ext) on https://127.0.0.1:${FFO_VCSIM_PORT:-18989}/sdk.
#
# Usage: lab/vcsim/vcsim.sh start | stop | restart | status | seed | env
#   start    build if needed (build.sh), start vcsim, write $FFO_LAB_DIR/lab.env, seed (estate model).
#            FFO_VCSIM_MODEL=estate (default): empty inventory (-dc 0) + the estate seed (seed/main.go, ~580 VMs).
#            FFO_VCSIM_MODEL=scale: pure vcsim flags, no seed: -dc 1 -cluster 2 -host 10 -ds 4 -pg 4
#                                   -vm FFO_VCSIM_VMS/2 per cluster (FFO_VCSIM_VMS, default 5000 VMs in total).
#   stop     SIGTERM by pid (vcsim removes its own temp datastores), then remove what is left in the ds dir.
#   status   exit 0 when running and answering SOAP, 3 when stopped.
#   seed     seed the estate into the running (estate) vcsim; a no-op when already seeded.
#   env      print the lab.env variables as `export` lines: eval "$(lab/vcsim/vcsim.sh env)".
# State in $FFO_LAB_DIR/vcsim/: pid, vcsim.log, model, password (600), tls/{cert,key}.pem, ds/ (vcsim's TMPDIR:
# the datastores are directories there), govmomi-home/ (govc session cache), estate.json (seed manifest).
set -euo pipefail
set +m # no job control: the background vcsim must not be a process group leader (setsid would fork)
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

PORT=${FFO_VCSIM_PORT:-18989}
MODEL=${FFO_VCSIM_MODEL:-estate}
VMS=${FFO_VCSIM_VMS:-5000}
USER_NAME=ffo-admin
BIN=$FFO_CACHE/vcsim/bin
VD=$FFO_LAB_DIR/vcsim
PIDF=$VD/pid
LOGF=$VD/vcsim.log
CERT=$VD/tls/cert.pem
KEY=$VD/tls/key.pem
PWF=$VD/password
DS=$VD/ds
MANIFEST=$VD/estate.json
ENVF=$FFO_LAB_DIR/lab.env
URL=https://127.0.0.1:$PORT/sdk

# running : pid file names a live vcsim process (guards against a recycled pid).
running() {
  pid_alive "$PIDF" && case "$(cat "/proc/$(cat "$PIDF")/comm" 2>/dev/null)" in vcsim*) true ;; *) false ;; esac
}

# soap BODY : one SOAP call to the running vcsim, verified against the lab CA.
soap() {
  curl -sS --max-time 20 --cacert "$CERT" -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "urn:vim25/6.5"' \
    --data-binary "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"urn:vim25\"><soapenv:Body>$1</soapenv:Body></soapenv:Envelope>" \
    "$URL"
}

answering() { soap '<RetrieveServiceContent><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>' 2>/dev/null | grep -q '<rootFolder'; }

ensure_secrets() {
  mkdir -p "$VD/tls" "$DS" "$VD/govmomi-home"
  chmod 700 "$VD"
  if [ ! -s "$PWF" ]; then
    (umask 077 && openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | cut -c1-24 >"$PWF")
    log "generated the vcsim password in $PWF"
  fi
  chmod 600 "$PWF"
  if [ ! -s "$CERT" ] || [ ! -s "$KEY" ]; then
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj "/O=FFO Twin lab/CN=127.0.0.1" -keyout "$KEY" -out "$CERT" \
      -addext "subjectAltName=IP:127.0.0.1" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,digitalSignature,keyCertSign" -addext "extendedKeyUsage=serverAuth" 2>/dev/null)
    chmod 644 "$CERT"
    log "generated a self-signed TLS certificate for 127.0.0.1 in $VD/tls"
  fi
}

write_env() {
  env_set "$ENVF" FFO_VCENTER_URL "$URL"
  env_set "$ENVF" FFO_VCENTER_USER "$USER_NAME"
  env_set "$ENVF" FFO_VCENTER_PASSWORD "$(cat "$PWF")"
  env_set "$ENVF" FFO_VCENTER_CA "$CERT"
  env_set "$ENVF" FFO_GOVC "$BIN/govc"
  env_set "$ENVF" FFO_VCSIM_BIN "$BIN/vcsim-cbt"
  env_set "$ENVF" GOVC_URL "$URL"
  env_set "$ENVF" GOVC_USERNAME "$USER_NAME"
  env_set "$ENVF" GOVC_PASSWORD "$(cat "$PWF")"
  env_set "$ENVF" GOVC_TLS_CA_CERTS "$CERT"
  env_set "$ENVF" GOVMOMI_HOME "$VD/govmomi-home"
}

cmd_seed() {
  running || die "vcsim is not running (lab/vcsim/vcsim.sh start)"
  [ -x "$BIN/vcsim-seed" ] && [ "$HERE/seed/main.go" -ot "$BIN/vcsim-seed" ] || "$HERE/build.sh"
  [ "$(cat "$VD/model" 2>/dev/null)" = estate ] || die "vcsim runs the '$(cat "$VD/model" 2>/dev/null)' model; the seed needs FFO_VCSIM_MODEL=estate"
  local t0=$EPOCHREALTIME
  FFO_VCENTER_PASSWORD=$(cat "$PWF") "$BIN/vcsim-seed" -url "$URL" -user "$USER_NAME" -ca "$CERT" \
    -ds-root "$DS/estate" -manifest "$MANIFEST"
  log "seed done in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
}

cmd_start() {
  case "$MODEL" in estate | scale) ;; *) die "FFO_VCSIM_MODEL must be estate or scale, not '$MODEL'" ;; esac
  "$HERE/build.sh"
  if running; then
    local cur
    cur=$(cat "$VD/model" 2>/dev/null || echo '?')
    [ "$cur" = "$MODEL" ] || die "vcsim already runs the '$cur' model (pid $(cat "$PIDF")); stop it first"
    log "vcsim already running (pid $(cat "$PIDF"), model $cur) on $URL"
    write_env
    [ "$MODEL" = estate ] && cmd_seed
    return 0
  fi
  rm -f "$PIDF"
  port_open "$PORT" && die "port $PORT is in use by another process (set FFO_VCSIM_PORT)"
  ensure_secrets
  # A previous run killed hard can leave datastores behind; the ds dir belongs to vcsim alone.
  rm -rf "${DS:?}"/* "$MANIFEST"

  # -E /dev/null: vcsim would print GOVC_URL with the password in it to stdout (= the log) otherwise.
  local args=(-l "127.0.0.1:$PORT" -username "$USER_NAME" -password "$PWF" -tlscert "$CERT" -tlskey "$KEY" -E /dev/null)
  if [ "$MODEL" = estate ]; then
    args+=(-dc 0)
  else
    args+=(-dc 1 -cluster 2 -host 10 -standalone-host 0 -ds 4 -pg 4 -pool 0 -vm $(((VMS + 1) / 2)))
  fi
  local t0=$EPOCHREALTIME
  (umask 077 && : >>"$LOGF")
  printf '\n=== %s start model=%s args=%s\n' "$(date -Is)" "$MODEL" "${args[*]}" >>"$LOGF"
  # setsid: own session, so the lab outlives the shell that started it. -password is a file (vcsim reads it).
  (cd "$VD" && TMPDIR=$DS exec setsid "$BIN/vcsim-cbt" "${args[@]}" >>"$LOGF" 2>&1 </dev/null 8>&-) &
  echo $! >"$PIDF"
  echo "$MODEL" >"$VD/model"
  local i
  for ((i = 0; i < 600; i++)); do
    # pid_alive, not running: until exec completes, the child's comm is still the subshell's or setsid's.
    pid_alive "$PIDF" || { tail -20 "$LOGF" >&2; rm -f "$PIDF"; die "vcsim exited during start-up (log: $LOGF)"; }
    answering && break
    sleep 0.2
  done
  answering || { stop_pid "$PIDF" 10; die "vcsim did not answer on $URL within 120 s (log: $LOGF)"; }
  running || { stop_pid "$PIDF" 10; die "pid $(cat "$PIDF" 2>/dev/null) answering on $URL is not vcsim"; }
  log "vcsim-cbt up on $URL (pid $(cat "$PIDF"), model $MODEL) in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
  write_env
  rm -rf "$VD/govmomi-home"/* # sessions of a previous vcsim are invalid
  [ "$MODEL" = estate ] && cmd_seed
  log "environment in $ENVF (eval \"\$(lab/vcsim/vcsim.sh env)\" for a shell)"
}

cmd_stop() {
  if running; then
    local pid t0=$EPOCHREALTIME
    pid=$(cat "$PIDF")
    stop_pid "$PIDF" 30
    log "vcsim (pid $pid) stopped in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
  else
    [ -f "$PIDF" ] && log "stale pid file removed"
    rm -f "$PIDF"
    log "vcsim is not running"
  fi
  # vcsim deletes the datastore dirs it created itself (scale model) on SIGTERM; the estate's are the seed's.
  local left
  left=$(find "$DS" -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null || true)
  if [ -n "$left" ]; then
    log "removing datastore dirs: $left"
    rm -rf "${DS:?}"/*
  fi
  rm -f "$MANIFEST" "$VD/model"
}

cmd_status() {
  if ! running; then
    echo "vcsim: stopped"
    return 3
  fi
  local model
  model=$(cat "$VD/model" 2>/dev/null || echo '?')
  if answering; then
    echo "vcsim: running pid=$(cat "$PIDF") model=$model url=$URL"
  else
    echo "vcsim: running pid=$(cat "$PIDF") model=$model url=$URL but NOT answering SOAP"
    return 1
  fi
  if [ -s "$MANIFEST" ]; then
    jq -r '"estate: \(.counts.vms) VMs + \(.counts.templates) templates, \(.counts.hosts) hosts, \(.counts.datastores) datastores, \(.counts.standardPortgroups) standard + \(.counts.distributedPortgroups) distributed port groups; data disks: \([.dataDiskVms[].vm] | join(", "))"' "$MANIFEST"
  elif [ "$model" = estate ]; then
    echo "estate: not seeded (lab/vcsim/vcsim.sh seed)"
  fi
  echo "datastores: $(du -sh "$DS" 2>/dev/null | cut -f1) in $DS"
}

cmd_env() {
  [ -f "$ENVF" ] || die "no $ENVF yet (lab/vcsim/vcsim.sh start)"
  grep -E '^(FFO_VCENTER_|FFO_GOVC=|GOVC_|GOVMOMI_HOME=)' "$ENVF" | sed 's/^/export /'
}

# One start/stop/seed at a time per lab dir (fd 8 is closed for vcsim itself, see cmd_start).
lock() {
  mkdir -p "$VD"
  exec 8>"$VD/.lock"
  flock -w 300 8 || die "another vcsim.sh holds $VD/.lock"
}

case "${1:-}" in
  start) lock && cmd_start ;;
  stop) lock && cmd_stop ;;
  restart) lock && cmd_stop && cmd_start ;;
  status) cmd_status ;;
  seed) lock && cmd_seed ;;
  env) cmd_env ;;
  *) die "usage: $0 start|stop|restart|status|seed|env   (FFO_VCSIM_MODEL=estate|scale FFO_VCSIM_VMS=5000 FFO_VCSIM_PORT=18989)" ;;
esac
