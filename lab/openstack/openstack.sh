#!/usr/bin/env bash
# The lab's OpenStack: a real single-node cloud from Debian bookworm's packages (Zed) on 127.0.0.1 only.
#   keystone (uwsgi), glance-api (file store), placement (uwsgi), nova api/conductor/scheduler/compute
#   (compute_driver=fake.FakeDriver), neutron-server (ML2/openvswitch, no agents: one fake agent row),
#   cinder api/scheduler/volume (NFS driver on a local bind mount: real sparse files; no LVM here),
#   plus a private MariaDB and a private RabbitMQ (+ epmd) — never the machine's own 3306/5672/4369.
#   nova api+conductor+scheduler share one process ("nova-control"), so do cinder api+scheduler+volume
#   ("cinder-control"): see services.py. README.md: ports, seed, timings, pitfalls.
#
#   bash lab/openstack/openstack.sh install   # Debian packages only (idempotent; ~3 min the first time)
#   bash lab/openstack/openstack.sh start     # install if needed, configure, start, wait until the real APIs
#                                             # answer, write lab.env. First start on a machine: builds the
#                                             # seeded "golden" snapshot (~2 min); later: restores it (<30 s)
#   bash lab/openstack/openstack.sh stop      # SIGTERM each recorded process group (never by name), KILL after 30 s
#   bash lab/openstack/openstack.sh status    # per process + API check + memory; exit 0 running, 1 not
#   bash lab/openstack/openstack.sh reset     # stop, wipe the state: the next start restores the golden snapshot
#   bash lab/openstack/openstack.sh seed      # re-apply the seed (idempotent) to the running cloud
#   bash lab/openstack/openstack.sh env       # the OS_* lab.env lines as `export` lines
#
# Environment (defaults): FFO_OS_KEYSTONE_PORT 5000, FFO_OS_GLANCE_PORT 9292, FFO_OS_PLACEMENT_PORT 8778,
#   FFO_OS_NOVA_PORT 8774, FFO_OS_NEUTRON_PORT 9696, FFO_OS_CINDER_PORT 8776, FFO_OS_DB_PORT 13306,
#   FFO_OS_MQ_PORT 15673, FFO_OS_EPMD_PORT 14369, FFO_OS_MQ_DIST_PORT 25673, FFO_OS_HOST ffo-lab (compute and
#   volume host name), FFO_OS_READY_TIMEOUT 300 (s), FFO_OS_REBUILD_GOLDEN=1 (rebuild the snapshot on start).
#
# State: $FFO_LAB_DIR/openstack/{etc,run,log,data,db,rabbit,secrets,seed.json,openrc,clouds.yaml,key}.
# Golden snapshot: $FFO_CACHE/openstack/golden/<key>/ — MariaDB datadir (tar of the cleanly stopped server),
# keystone fernet/credential keys, the secrets it was made with, seed.json. <key> hashes conf/*, seed.py,
# GOLDEN_FORMAT, the ports and host stored in the DB, and the package versions; any change rebuilds it.
# Needs root: the bind mount for cinder, and MariaDB/RabbitMQ/OpenStack all run as root from the state dir.
set -euo pipefail
set +m # no job control: background children must not become group leaders (setsid would fork)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$HERE/../lib.sh"
# Debian's python and its packages only (pyenv shims come first in PATH on this machine kind)
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV PYENV_VERSION PYTHONUSERBASE || true
shopt -u patsub_replacement 2>/dev/null || true # "&" in a substituted value must stay literal
PY=/usr/bin/python3

STATE=$FFO_LAB_DIR/openstack
ETC=$STATE/etc
RUN=$STATE/run
LOG=$STATE/log
DATA=$STATE/data
LAB_ENV=$FFO_LAB_DIR/lab.env
GOLDEN_ROOT=$FFO_CACHE/openstack/golden
GOLDEN_FORMAT=2 # bump when the init steps below change what the snapshot holds

HOST=${FFO_OS_HOST:-ffo-lab}
KEYSTONE_PORT=${FFO_OS_KEYSTONE_PORT:-5000}
GLANCE_PORT=${FFO_OS_GLANCE_PORT:-9292}
PLACEMENT_PORT=${FFO_OS_PLACEMENT_PORT:-8778}
NOVA_PORT=${FFO_OS_NOVA_PORT:-8774}
NEUTRON_PORT=${FFO_OS_NEUTRON_PORT:-9696}
CINDER_PORT=${FFO_OS_CINDER_PORT:-8776}
DB_PORT=${FFO_OS_DB_PORT:-13306}
MQ_PORT=${FFO_OS_MQ_PORT:-15673}
EPMD_PORT=${FFO_OS_EPMD_PORT:-14369}
MQ_DIST_PORT=${FFO_OS_MQ_DIST_PORT:-25673}
READY_TIMEOUT=${FFO_OS_READY_TIMEOUT:-300}
AUTH_URL=http://127.0.0.1:$KEYSTONE_PORT/v3
SHARE=127.0.0.1:/cinder

PKGS=(
  mariadb-server mariadb-client python3-pymysql rabbitmq-server uwsgi-core uwsgi-plugin-python3 qemu-utils sudo curl jq
  nfs-common # only because cinder's NFS driver checks that mount.nfs exists; the share is a bind mount
  keystone glance-api glance-common placement-api placement-common
  # nova-compute's package would pull a hypervisor stack: nova-compute runs from python3-nova instead
  nova-api nova-conductor nova-scheduler nova-common python3-nova
  neutron-server neutron-common python3-neutron
  # cinder-volume's package would pull lvm2 + tgt: cinder-volume runs from python3-cinder instead
  cinder-api cinder-scheduler cinder-common python3-cinder
  python3-openstackclient
)
INFRA=(mariadb epmd rabbitmq)
# nova-control = nova-api + nova-conductor + nova-scheduler; cinder-control = cinder-api + cinder-scheduler
# + cinder-volume: one python process each (services.py), to save CPU-seconds at every start
SERVICES=(keystone placement glance-api neutron-server nova-control cinder-control nova-compute)
T0=$EPOCHREALTIME
ts() { awk -v a="$T0" -v b="$EPOCHREALTIME" -v m="$*" 'BEGIN { printf "[lab] [%6.1fs] %s\n", b - a, m }' >&2; }

# ------------------------------------------------------------------------------------------ install
cmd_install() {
  # Package scripts must not start daemons (no systemd here; init scripts would start them on the
  # default ports with Debian's configs): policy-rc.d, as long as the install runs, unless one exists.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# FFO Twin lab/openstack: no service starts during package installs\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local t0=$SECONDS rc=0
  ensure_apt "${PKGS[@]}" || rc=$?
  [ $own_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || die "package installation failed"
  [ $((SECONDS - t0)) -gt 2 ] && log "packages installed in $((SECONDS - t0)) s"
  local f
  for f in /usr/sbin/mariadbd /usr/bin/uwsgi /usr/bin/keystone-wsgi-public /usr/bin/placement-api /usr/bin/nova-api \
    /usr/bin/neutron-server /usr/bin/cinder-api /usr/bin/glance-api /usr/bin/epmd /sbin/mount.nfs; do
    [ -x "$f" ] || die "$f missing after the package install"
  done
  RABBIT_SBIN=$(find /usr/lib/rabbitmq/lib -maxdepth 2 -type d -name sbin -path '*rabbitmq_server-*' | sort -V | tail -n1)
  [ -x "$RABBIT_SBIN/rabbitmq-server" ] || die "rabbitmq-server script not found under /usr/lib/rabbitmq/lib"
}

# ------------------------------------------------------------------------------------------ processes
# Each process runs in its own session (pgid == pid), recorded in run/NAME.pid with its start time in
# run/NAME.stime (a recycled pid never passes for ours). Stopped by pid/process group, never by name.
stime_of() { # field 22 of /proc/PID/stat (start time), counted after the "(comm)" field, which may hold spaces
  local s fields
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r -a fields <<<"${s##*) }"
  echo "${fields[19]}"
}
ours() {
  local f=$RUN/$1.pid pid st
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  st=$(cat "$RUN/$1.stime" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -n "$st" ] && [ "$(stime_of "$pid" 2>/dev/null)" = "$st" ]
}
group_members() { ps -e -o pgid=,pid= | awk -v g="$1" '$1 == g { print $2 }'; }

launch() {
  local name=$1 cmd
  case $name in
    mariadb) cmd=(/usr/sbin/mariadbd --defaults-file="$ETC/my.cnf") ;;
    epmd) cmd=(env ERL_EPMD_ADDRESS=127.0.0.1 /usr/bin/epmd -port "$EPMD_PORT") ;;
    rabbitmq)
      cmd=(env HOME="$STATE/rabbit/home" ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1
        RABBITMQ_CONF_ENV_FILE="$ETC/rabbitmq-env.conf" RABBITMQ_NODENAME=ffo-os@localhost
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$MQ_PORT" RABBITMQ_DIST_PORT="$MQ_DIST_PORT"
        RABBITMQ_CONFIG_FILE="$ETC/rabbitmq" RABBITMQ_ADVANCED_CONFIG_FILE="$ETC/rabbitmq-advanced.config"
        RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq-plugins" RABBITMQ_MNESIA_BASE="$STATE/rabbit/mnesia"
        RABBITMQ_LOG_BASE="$LOG/rabbit" RABBITMQ_PID_FILE="$RUN/rabbitmq.pidfile"
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none"
        "$RABBIT_SBIN/rabbitmq-server")
      ;;
    keystone | placement)
      # one process, ONE thread: with several threads keystone deadlocked at start-up under the burst of
      # first requests ("greenlet.error: cannot switch to a different thread": eventlet is imported)
      local uw=(/usr/bin/uwsgi --plugins python3 --master --processes 1 --threads 1 --enable-threads --die-on-term
        --lazy-apps --buffer-size 65535 --no-orphans --add-header 'Connection: close')
      if [ "$name" = keystone ]; then
        cmd=(env OS_KEYSTONE_CONFIG_FILES="$ETC/keystone.conf" "${uw[@]}" --http-socket "127.0.0.1:$KEYSTONE_PORT"
          --wsgi-file /usr/bin/keystone-wsgi-public --procname-prefix ffo-keystone-)
      else
        cmd=(env OS_PLACEMENT_CONFIG_DIR="$ETC" "${uw[@]}" --http-socket "127.0.0.1:$PLACEMENT_PORT"
          --wsgi-file /usr/bin/placement-api --procname-prefix ffo-placement-)
      fi
      ;;
    glance-api) cmd=(/usr/bin/glance-api --config-file "$ETC/glance-api.conf") ;;
    neutron-server) cmd=(/usr/bin/neutron-server --config-file "$ETC/neutron.conf" --config-file "$ETC/ml2_conf.ini") ;;
    nova-control) cmd=("$PY" "$HERE/services.py" nova-control --config-file "$ETC/nova.conf" --log-file "$LOG/nova-control.log") ;;
    cinder-control)
      cmd=("$PY" "$HERE/services.py" cinder-control --config-file "$ETC/cinder.conf" --log-file "$LOG/cinder-control.log")
      ;;
    # from python3-nova: the nova-compute .deb pulls a hypervisor stack
    nova-compute)
      cmd=("$PY" -c 'import sys; from nova.cmd.compute import main; sys.argv[0] = "nova-compute"; sys.exit(main())'
        --config-file "$ETC/nova.conf" --log-file "$LOG/nova-compute.log")
      ;;
    *) die "unknown service $name" ;;
  esac
  # NICE (start_services): a lower CPU priority while the cloud boots, for the services off the critical path
  (cd "$STATE" && exec setsid nice -n "${NICE:-0}" "${cmd[@]}") >>"$LOG/$name.out" 2>&1 </dev/null 9>&- 7>&- &
  local pid=$!
  disown "$pid" 2>/dev/null || true # no "Alarm clock"/"Terminated" job reports from this shell
  echo "$pid" >"$RUN/$name.pid"
  stime_of "$pid" >"$RUN/$name.stime" || true
}

# stop_group NAME... : SIGTERM every named process group at once, wait up to $STOP_TIMEOUT s for the
# leaders, KILL what is left of each group (uwsgi/neutron/nova workers, privsep helpers...).
stop_group() {
  local n pid left i t=${STOP_TIMEOUT:-30}
  local -a pids=()
  for n in "$@"; do
    if ours "$n"; then
      pid=$(cat "$RUN/$n.pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$n:$pid")
    fi
  done
  for ((i = 0; i < t * 10; i++)); do
    left=0
    for n in "${pids[@]}"; do kill -0 "${n#*:}" 2>/dev/null && left=1; done
    [ $left = 0 ] && break
    sleep 0.1
  done
  for n in "${pids[@]}"; do
    pid=${n#*:}
    if kill -0 "$pid" 2>/dev/null; then
      log "${n%%:*} (pid $pid) ignored SIGTERM for ${t}s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    # a group that outlives its leader still owns its pgid (never reused meanwhile): those are ours
    if [ -n "$(group_members "$pid")" ]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  done
  for n in "$@"; do rm -f "$RUN/$n.pid" "$RUN/$n.stime"; done
}

# ------------------------------------------------------------------------------------------ config
gen_pw() { openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | cut -c1-24; }

load_secrets() {
  if [ ! -s "$STATE/secrets" ]; then
    (umask 077 && printf 'ADMIN_PW=%s\nSVC_PW=%s\n' "$(gen_pw)" "$(gen_pw)" >"$STATE/secrets")
  fi
  # shellcheck disable=SC1091
  . "$STATE/secrets"
  if [ ${#ADMIN_PW} -lt 16 ] || [ ${#SVC_PW} -lt 16 ]; then die "bad $STATE/secrets"; fi
}

# render SRC DST : conf template -> file, @KEY@ placeholders substituted
render() {
  local s k
  s=$(<"$1")
  for k in STATE ETC RUN LOG DATA HOST DB MQ_URL SVC_PW KEYSTONE_PORT GLANCE_PORT PLACEMENT_PORT NOVA_PORT \
    NEUTRON_PORT CINDER_PORT DB_PORT MQ_PORT; do
    s=${s//@$k@/${SUBST[$k]}}
  done
  if [[ $s =~ @[A-Z_]+@ ]]; then die "unsubstituted ${BASH_REMATCH[0]} in $1"; fi
  (umask 077 && printf '%s\n' "$s" >"$2.tmp")
  mv "$2.tmp" "$2"
}

write_configs() {
  declare -gA SUBST=(
    [STATE]=$STATE [ETC]=$ETC [RUN]=$RUN [LOG]=$LOG [DATA]=$DATA [HOST]=$HOST [SVC_PW]=$SVC_PW
    [DB]="mysql+pymysql://os:$SVC_PW@127.0.0.1:$DB_PORT" [MQ_URL]="rabbit://ffo:$SVC_PW@127.0.0.1:$MQ_PORT/"
    [KEYSTONE_PORT]=$KEYSTONE_PORT [GLANCE_PORT]=$GLANCE_PORT [PLACEMENT_PORT]=$PLACEMENT_PORT
    [NOVA_PORT]=$NOVA_PORT [NEUTRON_PORT]=$NEUTRON_PORT [CINDER_PORT]=$CINDER_PORT [DB_PORT]=$DB_PORT
    [MQ_PORT]=$MQ_PORT
  )
  mkdir -p "$ETC" "$RUN" "$LOG" "$STATE/rabbit/home" "$DATA"/{keystone,glance/images,glance/staging,glance/tasks,glance/tmp} \
    "$DATA"/{nova/tmp,neutron/tmp,cinder/tmp,cinder/mnt,cinder/share,cinder/conversion}
  local f
  for f in "$HERE"/conf/*; do
    case $f in *.sql) continue ;; esac
    render "$f" "$ETC/$(basename "$f")"
  done
  echo '[].' >"$ETC/rabbitmq-plugins"
  : >"$ETC/rabbitmq-env.conf" # instead of the machine's /etc/rabbitmq/rabbitmq-env.conf
  [ -f "$STATE/rabbit/home/.erlang.cookie" ] || (umask 077 && gen_pw >"$STATE/rabbit/home/.erlang.cookie")
  cat >"$STATE/openrc" <<EOF
# source me: admin of the lab cloud, scoped to the migration project
export OS_AUTH_URL=$AUTH_URL
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$ADMIN_PW
export OS_PROJECT_NAME=migration
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
EOF
  cat >"$STATE/clouds.yaml" <<EOF
# OS_CLIENT_CONFIG_FILE=$STATE/clouds.yaml openstack --os-cloud lab ...
clouds:
  lab:
    auth:
      auth_url: $AUTH_URL
      username: admin
      password: $ADMIN_PW
      project_name: migration
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
EOF
  chmod 600 "$STATE/openrc" "$STATE/clouds.yaml"
}

golden_key() {
  {
    echo "format=$GOLDEN_FORMAT host=$HOST ports=$KEYSTONE_PORT,$GLANCE_PORT,$PLACEMENT_PORT,$NOVA_PORT,$NEUTRON_PORT,$CINDER_PORT,$DB_PORT,$MQ_PORT"
    (cd "$HERE" && sha256sum conf/* seed.py)
    dpkg-query -W -f='${Package} ${Version}\n' mariadb-server keystone python3-keystone python3-glance \
      python3-placement python3-nova python3-neutron python3-cinder 2>/dev/null
  } | sha256sum | cut -c1-16
}

# ------------------------------------------------------------------------------------------ helpers
sql() { mysql --defaults-file="$ETC/my.cnf" -u root "$@"; }
db_up() { mysqladmin --defaults-file="$ETC/my.cnf" -u root ping >/dev/null 2>&1; }
share_mp() { printf '%s/cinder/mnt/%s' "$DATA" "$(printf '%s' "$SHARE" | md5sum | cut -d' ' -f1)"; }
mount_share() {
  # os-brick treats the share as mounted when <nfs_mount_point_base>/<md5(share)> is a mount point:
  # a bind mount of a local directory there, and cinder never calls mount.nfs
  local mp
  mp=$(share_mp)
  mkdir -p "$mp" "$DATA/cinder/share"
  mountpoint -q "$mp" || mount --bind "$DATA/cinder/share" "$mp" ||
    die "cannot bind-mount $DATA/cinder/share on $mp (cinder's NFS share needs root / CAP_SYS_ADMIN)"
}
umount_share() {
  local mp
  mp=$(share_mp)
  if mountpoint -q "$mp" 2>/dev/null; then umount "$mp" || umount -l "$mp"; fi
}
all_names() { echo "${INFRA[@]}" "${SERVICES[@]}"; }
running_names() { # every live process recorded in run/ (known names first)
  local n f
  for n in $(all_names); do ours "$n" && echo "$n"; done
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid)
    [[ " $(all_names) " == *" $n "* ]] || ! ours "$n" || echo "$n"
  done
  return 0
}

check_ports() {
  local p who busy=()
  for p in "$KEYSTONE_PORT" "$GLANCE_PORT" "$PLACEMENT_PORT" "$NOVA_PORT" "$NEUTRON_PORT" "$CINDER_PORT" \
    "$DB_PORT" "$MQ_PORT" "$EPMD_PORT" "$MQ_DIST_PORT"; do
    if port_open "$p"; then
      who=$(ss -ltnpH "sport = :$p" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 pid \2/p' | head -n1)
      busy+=("$p${who:+ ($who)}")
    fi
  done
  [ ${#busy[@]} = 0 ] || die "port(s) in use by something else: ${busy[*]} (see FFO_OS_*_PORT)"
}

rotate_logs() {
  mkdir -p "$LOG"
  rm -rf "$LOG/prev"
  mkdir -p "$LOG/prev"
  find "$LOG" -mindepth 1 -maxdepth 1 ! -name prev -exec mv -t "$LOG/prev/" {} + 2>/dev/null || true
}

wait_log() { # wait_log SECONDS FILE PATTERN
  local i
  for ((i = 0; i < $1 * 5; i++)); do
    grep -q "$3" "$2" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

probe() { # probe ARGS... : readiness through the real APIs (probe.py)
  local pidfiles
  pidfiles=$(for n in $(all_names); do printf '%s,' "$RUN/$n.pid"; done)
  OS_PASSWORD=$ADMIN_PW "$PY" "$HERE/probe.py" --auth-url "$AUTH_URL" --t0 "$T0" --timeout "$READY_TIMEOUT" \
    --pids "${pidfiles%,}" "$@"
}

fail_start() {
  local n
  for n in $(all_names); do
    if [ -f "$RUN/$n.pid" ] && ! ours "$n"; then
      log "$n died; last lines of its logs:"
      tail -n 15 "$LOG/$n.out" "$LOG/$n.log" 2>/dev/null >&2 || true
    fi
  done
  log "stopping what was started (logs in $LOG)"
  stop_all
  die "$*"
}

start_infra() {
  launch mariadb
  launch epmd
  # RabbitMQ boots (~7 CPU-s of Erlang) while the python services import; every RPC client waits for it,
  # so it gets the CPU first (NICE=-5 until the cloud is ready)
  NICE=-5 launch rabbitmq
  wait_for 60 db_up || fail_start "mariadb did not answer on port $DB_PORT"
  ts "mariadb up"
}

start_services() {
  local n
  # All at once: nova's queues are durable and restored with RabbitMQ's state, so nova-compute's first
  # call to the conductor waits in its queue even when nova-conductor is not consuming yet.
  # Start-up is CPU-bound (~50 CPU-seconds of imports on 2 cores): the critical path (keystone for every
  # first request; conductor -> compute -> its first state report 5 s later) gets the CPU first.
  local critical=" keystone nova-control nova-compute "
  for n in "${SERVICES[@]}"; do
    if [[ $critical == *" $n "* ]]; then NICE=0 launch "$n"; else NICE=5 launch "$n"; fi
  done
}
renice_all() { # back to normal priority once ready
  local n
  for n in "${SERVICES[@]}" rabbitmq; do
    if ours "$n"; then renice -n 0 -g "$(cat "$RUN/$n.pid")" >/dev/null 2>&1 || true; fi
  done
}

stop_all() {
  # the services, plus whatever else has a pid file here (e.g. left by an older version of this script)
  local extra=() f n
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid)
    [[ " ${INFRA[*]} ${SERVICES[*]} " == *" $n "* ]] || extra+=("$n")
  done
  # RabbitMQ with them: nothing needs it for a clean exit (RPC clients just stop consuming)
  STOP_TIMEOUT=30 stop_group "${SERVICES[@]}" "${extra[@]}" rabbitmq epmd
  # MariaDB last, and a clean shutdown (the golden snapshot is a copy of its datadir)
  STOP_TIMEOUT=120 stop_group mariadb
  umount_share
}

write_env() {
  env_set "$LAB_ENV" OS_AUTH_URL "$AUTH_URL"
  env_set "$LAB_ENV" OS_USERNAME admin
  env_set "$LAB_ENV" OS_PASSWORD "$ADMIN_PW"
  env_set "$LAB_ENV" OS_PROJECT_NAME migration
  env_set "$LAB_ENV" OS_USER_DOMAIN_NAME Default
  env_set "$LAB_ENV" OS_PROJECT_DOMAIN_NAME Default
  env_set "$LAB_ENV" OS_REGION_NAME RegionOne
  env_set "$LAB_ENV" OS_INTERFACE public
  env_set "$LAB_ENV" OS_IDENTITY_API_VERSION 3
  env_set "$LAB_ENV" FFO_CLOUD_NAME lab
  # where this host sees each NFS export of cinder (export=dir[,export=dir]): the engine writes volumes there
  env_set "$LAB_ENV" FFO_NFS_MOUNTS "$SHARE=$DATA/cinder/share"
}

wipe_state() {
  umount_share
  local mp
  mp=$(share_mp)
  mountpoint -q "$mp" 2>/dev/null && die "$mp is still mounted; not wiping"
  rm -rf "${STATE:?}"/{db,data,rabbit,run,etc,secrets,seed.json,key,openrc,clouds.yaml}
}

# ------------------------------------------------------------------------------------------ golden
# init_cloud : from nothing: MariaDB datadir, schemas, keystone bootstrap + catalog, the fake neutron
# agent, all services, the seed; leaves everything running.
init_cloud() {
  log "no golden snapshot for this configuration yet: building one (schemas, bootstrap, seed; ~2 min)"
  mkdir -p "$STATE/db"
  mariadb-install-db --defaults-file="$ETC/my.cnf" --auth-root-authentication-method=socket --skip-test-db \
    >"$LOG/mariadb-install.out" 2>&1 || { tail -n 20 "$LOG/mariadb-install.out" >&2; die "mariadb-install-db failed"; }
  start_infra
  local sqlf=$RUN/db-init.sql
  render "$HERE/conf/db-init.sql" "$sqlf"
  sql <"$sqlf"
  rm -f "$sqlf"
  ts "databases created; syncing the schemas (in parallel)"
  local kc=(--config-file "$ETC/keystone.conf") nc=(--config-file "$ETC/nova.conf")
  local db="mysql+pymysql://os:$SVC_PW@127.0.0.1:$DB_PORT"
  (
    keystone-manage "${kc[@]}" db_sync &&
      mkdir -p "$DATA/keystone/fernet-keys" "$DATA/keystone/credential-keys" &&
      keystone-manage "${kc[@]}" fernet_setup --keystone-user root --keystone-group root &&
      keystone-manage "${kc[@]}" credential_setup --keystone-user root --keystone-group root &&
      keystone-manage "${kc[@]}" bootstrap --bootstrap-username admin --bootstrap-password "$ADMIN_PW" \
        --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-region-id RegionOne \
        --bootstrap-admin-url "$AUTH_URL/" --bootstrap-internal-url "$AUTH_URL/" --bootstrap-public-url "$AUTH_URL/"
  ) >"$LOG/sync-keystone.out" 2>&1 9>&- 7>&- &
  local p1=$!
  (glance-manage --config-file "$ETC/glance-api.conf" db_sync &&
    placement-manage --config-file "$ETC/placement.conf" db sync) >"$LOG/sync-glance-placement.out" 2>&1 9>&- 7>&- &
  local p2=$!
  (nova-manage "${nc[@]}" api_db sync &&
    nova-manage "${nc[@]}" cell_v2 map_cell0 --database_connection "$db/nova_cell0" &&
    nova-manage "${nc[@]}" cell_v2 create_cell --name cell1 --database_connection "$db/nova" \
      --transport-url "${SUBST[MQ_URL]}" &&
    nova-manage "${nc[@]}" db sync) >"$LOG/sync-nova.out" 2>&1 9>&- 7>&- &
  local p3=$!
  neutron-db-manage --config-file "$ETC/neutron.conf" --config-file "$ETC/ml2_conf.ini" upgrade head \
    >"$LOG/sync-neutron.out" 2>&1 9>&- 7>&- &
  local p4=$!
  cinder-manage --config-file "$ETC/cinder.conf" db sync >"$LOG/sync-cinder.out" 2>&1 9>&- 7>&- &
  local p5=$! p rc=0
  for p in $p1 $p2 $p3 $p4 $p5; do wait "$p" || rc=1; done
  if [ $rc != 0 ]; then
    tail -n 8 "$LOG"/sync-*.out >&2
    fail_start "a schema sync failed (logs: $LOG/sync-*.out)"
  fi
  ts "schemas synced, keystone bootstrapped"
  sqlf=$RUN/neutron-agent.sql
  render "$HERE/conf/neutron-agent.sql" "$sqlf"
  sql neutron <"$sqlf"
  rm -f "$sqlf"

  launch keystone
  wait_for 120 curl -sf -o /dev/null -m 5 "$AUTH_URL" || fail_start "keystone did not answer on $AUTH_URL"
  local eps
  eps=$(printf '{"image": "http://127.0.0.1:%s", "placement": "http://127.0.0.1:%s", "compute": "http://127.0.0.1:%s/v2.1", "network": "http://127.0.0.1:%s", "volumev3": "http://127.0.0.1:%s/v3/%%(project_id)s", "block-storage": "http://127.0.0.1:%s/v3/%%(project_id)s"}' \
    "$GLANCE_PORT" "$PLACEMENT_PORT" "$NOVA_PORT" "$NEUTRON_PORT" "$CINDER_PORT" "$CINDER_PORT")
  OS_AUTH_URL=$AUTH_URL OS_PASSWORD=$ADMIN_PW FFO_OS_SVC_PASSWORD=$SVC_PW FFO_OS_ENDPOINTS=$eps \
    "$PY" "$HERE/seed.py" catalog >&2 || fail_start "keystone catalog bootstrap failed"

  local n
  for n in "${SERVICES[@]}"; do [ "$n" = keystone ] || [ "$n" = nova-compute ] || launch "$n"; done
  # (no durable queue yet: nova-compute's first call would be dropped and cost a 10 s RPC timeout)
  wait_log 180 "$LOG/nova-control.log" "Starting conductor node" || fail_start "nova-conductor did not start"
  launch nova-compute
  probe --since "${T0%.*}" >&2 || fail_start "the cloud did not become ready"
  # nova-scheduler maps the new compute host to cell1 (discover_hosts_in_cells_interval = 5 s)
  wait_for 60 host_mapped || fail_start "compute host $HOST not mapped to cell1"
  OS_AUTH_URL=$AUTH_URL OS_PASSWORD=$ADMIN_PW FFO_OS_HOST=$HOST \
    "$PY" "$HERE/seed.py" site "$STATE/seed.json" >&2 || fail_start "seeding failed"
  ts "seeded"
}
host_mapped() { [ "$(sql -N -B nova_api -e "select count(*) from host_mappings where host='$HOST'" 2>/dev/null)" -ge 1 ] 2>/dev/null; }

# save_golden KEY : (everything stopped) copy the state that makes the seeded cloud into the cache
save_golden() {
  local key=$1 dir=$GOLDEN_ROOT/$1 tmp
  tmp=$GOLDEN_ROOT/.$1.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$tmp"
  chmod 700 "$GOLDEN_ROOT" "$tmp"
  tar -C "$STATE" -cf "$tmp/db.tar" db
  tar -C "$DATA" -cf "$tmp/keys.tar" keystone/fernet-keys keystone/credential-keys
  tar -C "$STATE" -cf "$tmp/rabbit.tar" rabbit
  cp "$STATE/secrets" "$STATE/seed.json" "$tmp/"
  {
    echo "created $(date -Is) by $REPO_ROOT"
    echo "host=$HOST ports keystone=$KEYSTONE_PORT glance=$GLANCE_PORT placement=$PLACEMENT_PORT nova=$NOVA_PORT neutron=$NEUTRON_PORT cinder=$CINDER_PORT db=$DB_PORT mq=$MQ_PORT"
    dpkg-query -W -f='${Package} ${Version}\n' keystone python3-glance python3-placement python3-nova python3-neutron python3-cinder
  } >"$tmp/info"
  if [ -d "$dir" ]; then rm -rf "$tmp"; else mv "$tmp" "$dir"; fi
  log "golden snapshot saved: $dir ($(du -sh "$dir" | cut -f1))"
  # keep the 3 newest snapshots (other clones/branches may use other keys)
  find "$GOLDEN_ROOT" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %p\n' | sort -rn | tail -n +4 |
    while read -r _ d; do rm -rf "$d"; done
}

restore_golden() {
  local dir=$GOLDEN_ROOT/$1
  mkdir -p "$STATE" "$DATA"
  tar -C "$STATE" -xf "$dir/db.tar"
  tar -C "$DATA" -xf "$dir/keys.tar"
  tar -C "$STATE" -xf "$dir/rabbit.tar"
  (umask 077 && cp "$dir/secrets" "$STATE/secrets")
  cp "$dir/seed.json" "$STATE/seed.json"
  echo "$1" >"$STATE/key"
  ts "golden snapshot $1 restored"
}

# ------------------------------------------------------------------------------------------ commands
cmd_start() {
  mkdir -p "$STATE" "$RUN"
  local running
  running=$(running_names | xargs)
  if [ -n "$running" ]; then
    if [ "$(echo "$running" | wc -w)" -eq "$(all_names | wc -w)" ]; then
      load_secrets
      if probe --no-services --quiet --timeout 30; then
        log "openstack already running ($AUTH_URL); lab.env updated"
        write_env
        return 0
      fi
      log "openstack runs but does not answer: restarting it"
    else
      log "openstack partly running ($running): restarting it"
    fi
    stop_all
  fi
  cmd_install
  local key
  key=$(golden_key)
  if [ -d "$STATE/db" ] && [ "$(cat "$STATE/key" 2>/dev/null)" != "$key" ]; then
    log "configuration or packages changed since this state was made: wiping it (key $(cat "$STATE/key" 2>/dev/null || echo none) -> $key)"
    wipe_state
  fi
  if [ "${FFO_OS_REBUILD_GOLDEN:-0}" = 1 ]; then
    log "FFO_OS_REBUILD_GOLDEN=1: dropping golden snapshot $key and this lab's state"
    rm -rf "${GOLDEN_ROOT:?}/$key"
    wipe_state
  fi
  check_ports
  rotate_logs
  mkdir -p "$RUN"
  local fresh=0
  if [ ! -d "$STATE/db/mysql" ]; then
    wipe_state
    mkdir -p "$GOLDEN_ROOT"
    # one golden build at a time per cache (other clones wait, then restore it)
    exec 7>"$GOLDEN_ROOT/.build.lock"
    flock -w 900 7 || die "another clone holds $GOLDEN_ROOT/.build.lock for too long"
    if [ -f "$GOLDEN_ROOT/$key/db.tar" ]; then
      exec 7>&-
      restore_golden "$key"
    else
      fresh=1
    fi
  fi
  load_secrets
  write_configs
  mount_share
  if [ $fresh = 1 ]; then
    init_cloud
    ts "stopping for the golden snapshot"
    stop_all
    echo "$key" >"$STATE/key"
    save_golden "$key"
    exec 7>&-
    rotate_logs
    mount_share
    T0=$EPOCHREALTIME
    ts "restarting from the snapshot"
  fi
  local since=${EPOCHREALTIME%.*}
  start_infra
  start_services
  probe --since "$since" --min-flavors 9 >&2 || fail_start "the cloud did not become ready within ${READY_TIMEOUT}s"
  renice_all
  write_env
  ts "openstack ready on $AUTH_URL; OS_* written to $LAB_ENV"
}

cmd_stop() {
  local running
  running=$(running_names | xargs)
  if [ -z "$running" ]; then
    log "openstack not running"
  else
    local t0=$EPOCHREALTIME
    stop_all
    log "openstack stopped in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
  fi
  umount_share
  rm -f "$RUN"/*.pid "$RUN"/*.stime 2>/dev/null || true
}

memory() { # prints "N processes, RSS x MiB, PSS y MiB"
  local n pid p rss=0 pss=0 cnt=0 r s
  for n in $(running_names); do
    pid=$(cat "$RUN/$n.pid")
    for p in $(group_members "$pid"); do
      read -r r s < <(awk '/^Rss:/ { r = $2 } /^Pss:/ { s = $2 } END { print r + 0, s + 0 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo "0 0")
      rss=$((rss + r)) pss=$((pss + s)) cnt=$((cnt + 1))
    done
  done
  echo "$cnt processes, RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB"
}

cmd_status() {
  local n up=0 total=0 down=()
  for n in $(all_names); do
    total=$((total + 1))
    if ours "$n"; then up=$((up + 1)); else down+=("$n"); fi
  done
  if [ $up = 0 ]; then
    echo "openstack: stopped"
    return 1
  fi
  local dn=""
  [ ${#down[@]} = 0 ] || dn=" (down: ${down[*]})"
  echo "openstack: $up/$total processes running$dn; $(memory)"
  if [ -s "$STATE/secrets" ]; then
    load_secrets
    if probe --no-services --quiet --timeout 5 >/dev/null 2>&1; then
      echo "openstack: APIs answer; $AUTH_URL (keystone), glance :$GLANCE_PORT, placement :$PLACEMENT_PORT, nova :$NOVA_PORT, neutron :$NEUTRON_PORT, cinder :$CINDER_PORT; mariadb :$DB_PORT, rabbitmq :$MQ_PORT"
    else
      echo "openstack: APIs do NOT answer"
      return 1
    fi
  fi
  [ $up = "$total" ]
}

cmd_reset() {
  cmd_stop
  log "wiping $STATE (the next start restores the golden snapshot)"
  wipe_state
  rm -rf "$LOG"
}

cmd_seed() {
  [ -n "$(running_names)" ] || die "openstack is not running"
  load_secrets
  OS_AUTH_URL=$AUTH_URL OS_PASSWORD=$ADMIN_PW FFO_OS_HOST=$HOST "$PY" "$HERE/seed.py" site "$STATE/seed.json"
}

cmd_env() {
  [ -f "$LAB_ENV" ] || die "no $LAB_ENV yet (lab/openstack/openstack.sh start)"
  grep -E '^(OS_|FFO_CLOUD_NAME=)' "$LAB_ENV" | sed 's/^/export /'
}

lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 600 9 || die "another openstack.sh holds $STATE/.lock"
}

case "${1:-}" in
  install) cmd_install ;;
  start) lock && cmd_start ;;
  stop) lock && cmd_stop ;;
  status) cmd_status ;;
  reset) lock && cmd_reset ;;
  seed) lock && cmd_seed ;;
  env) cmd_env ;;
  *) die "usage: $0 install|start|stop|status|reset|seed|env" ;;
esac
