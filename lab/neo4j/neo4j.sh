#!/usr/bin/env bash
# Local-lab Neo4j 5.26 Community: the embedded DBMS + Bolt + APOC core, built from Maven Central jars
# by a small Java launcher (no Docker, no tarball).
#
#   bash lab/neo4j/neo4j.sh build    # compile the launcher, fetch the jars (only if pom/source changed)
#   bash lab/neo4j/neo4j.sh start    # build if needed, start, wait for real Bolt queries, write lab.env
#   bash lab/neo4j/neo4j.sh stop     # SIGTERM the recorded pid (clean shutdown), KILL after a timeout
#   bash lab/neo4j/neo4j.sh status   # "running ..." exit 0 | "stopped" exit 1
#   bash lab/neo4j/neo4j.sh reset    # stop, then wipe the data (and logs)
#
# Environment:
#   FFO_NEO4J_PORT            Bolt port on 127.0.0.1 (default 7687)
#   FFO_NEO4J_HEAP            JVM heap, -Xmx (default 1g)
#   FFO_NEO4J_READY_TIMEOUT   seconds to wait for Bolt + APOC to answer (default 180)
#   FFO_NEO4J_JAVA_OPTS       extra JVM options, e.g. "-Dneo4j.conf.server.memory.pagecache.size=512m"
#   FFO_NEO4J_MVN_ARGS        extra Maven arguments for the build, e.g. "-o" or "-Dmaven.repo.local=DIR"
#   FFO_NEO4J_CDS             0 = no class-data-sharing archive (default 1: ~40% faster JVM start)
#
# Build output: $FFO_CACHE/neo4j/build-<hash of pom.xml + src>/{launcher.jar,classes,lib,plugins} plus
# cds-<jdk>.jsa, an AppCDS archive recorded by one training start at build time; Maven repo: ~/.m2.
# State: $FFO_LAB_DIR/neo4j/{pid,port,neo4j.log,data/,logs/,plugins/,conf/}.
# Auth is disabled: any credentials work; lab.env gets NEO4J_URI, NEO4J_USER=neo4j, NEO4J_PASSWORD=neo4j-lab.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$HERE/../lib.sh"

STATE=$FFO_LAB_DIR/neo4j
PID_FILE=$STATE/pid
PORT_FILE=$STATE/port
LOG_FILE=$STATE/neo4j.log
PORT=${FFO_NEO4J_PORT:-7687}
HEAP=${FFO_NEO4J_HEAP:-1g}
READY_TIMEOUT=${FFO_NEO4J_READY_TIMEOUT:-180}
BUILD_ROOT=$FFO_CACHE/neo4j
LAB_ENV=$FFO_LAB_DIR/lab.env

# Hash of everything that goes into the build; the build directory is named after it, so a changed
# pom/source gets a fresh directory while a server started from the old one keeps its jars.
src_hash() {
  (cd "$HERE" && { echo pom.xml; find src -type f | LC_ALL=C sort; } | xargs sha256sum) | sha256sum | cut -c1-16
}
build_dir() { printf '%s/build-%s' "$BUILD_ROOT" "$(src_hash)"; }

ensure_tools() {
  ensure_apt openjdk-17-jdk-headless maven
  command -v mvn >/dev/null || die "mvn not found after installing maven"
  JAVA=java
  local v
  v=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${v%%.*}" -lt 17 ] 2>/dev/null; then
    local j
    for j in /usr/lib/jvm/java-17-openjdk-*/bin/java; do JAVA=$j; done
    [ -x "$JAVA" ] || die "Java 17+ required (default java is $v)"
    export JAVA_HOME=${JAVA%/bin/java}
  fi
  # A CDS archive is only valid for the exact JVM build that wrote it.
  JDK_ID=$({ readlink -f "$(command -v "$JAVA")"; "$JAVA" -version 2>&1; } | sha256sum | cut -c1-12)
}

# JVM options shared by the real start and the CDS training start.
jvm_opts() {
  JVM=(
    "-Xmx$HEAP" -Xms256m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow
    -XX:+DisableExplicitGC -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields
    -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true
    # The opens the neo4j server script passes on Java 17 (page cache, netty, unsafe access).
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  )
}
# Class path: plugins/* must be on it too (as the neo4j server script does): APOC registers kernel
# extensions (ApocConfig, ...) through ServiceLoader, which only sees the application class path. The
# build directory's copy is used so the path is immutable (a CDS archive requires that); procedures are
# still loaded from STATE/plugins, and its class loader delegates to this one first.
class_path() { printf '%s/plugins/*:%s/lib/*:%s/launcher.jar' "$1" "$1" "$1"; }

train_done() { grep -q NEO4J_READY "$1/out.log" || ! pid_alive "$1/pid"; }

# cds_train DIR : record the classes a real start loads into DIR/cds-$JDK_ID.jsa (non-fatal on failure).
cds_train() {
  local dir=$1 jsa="$1/cds-$JDK_ID.jsa" train="$1/cds-train.$$" t0=$SECONDS
  [ "${FFO_NEO4J_CDS:-1}" = 1 ] || return 0
  [ -f "$jsa" ] || [ -f "$jsa.failed" ] || {
    log "recording a class-data-sharing archive (one throw-away start, ~20-40 s)"
    rm -rf "$train" "$jsa.tmp"
    mkdir -p "$train/state/plugins"
    cp -p "$dir"/plugins/*.jar "$train/state/plugins/"
    jvm_opts
    # Bolt on an ephemeral port (0): the real port may be in use by a running lab server.
    nohup "$JAVA" "${JVM[@]}" -Xlog:cds=off -Xlog:cds+dynamic=off -XX:ArchiveClassesAtExit="$jsa.tmp" \
      -cp "$(class_path "$dir")" ffo.lab.Neo4jLauncher "$train/state" 0 >"$train/out.log" 2>&1 </dev/null 9>&- &
    echo $! >"$train/pid"
    # Never leave the throw-away server behind if this script is interrupted.
    # shellcheck disable=SC2064 # expand now: these are locals
    trap "stop_pid '$train/pid' 10; rm -f '$jsa.tmp'" EXIT
    trap 'exit 130' INT TERM
    wait_for 300 train_done "$train" || true
    if grep -q NEO4J_READY "$train/out.log"; then
      stop_pid "$train/pid" 120
    else
      stop_pid "$train/pid" 5
    fi
    trap - EXIT INT TERM
    if [ -s "$jsa.tmp" ] && grep -q '^\[neo4j-launcher\] stopped' "$train/out.log"; then
      mv "$jsa.tmp" "$jsa"
      log "CDS archive recorded in $((SECONDS - t0))s ($(du -m "$jsa" | cut -f1) MB)"
    else
      log "warning: CDS training failed (see $train/out.log); starting without an archive from now on"
      rm -f "$jsa.tmp"
      touch "$jsa.failed"
      return 0
    fi
    rm -rf "$train"
  }
}

cmd_build() {
  ensure_tools
  local dir
  dir=$(build_dir)
  mkdir -p "$BUILD_ROOT"
  # One build at a time across clones sharing the cache.
  exec 9>"$BUILD_ROOT/.build.lock"
  flock 9
  if [ -f "$dir/.built" ]; then
    cds_train "$dir"
    BUILD_DIR=$dir
    exec 9>&-
    return 0
  fi
  log "building the Neo4j launcher into $dir (the first build on a machine downloads ~170 MB from Maven Central)"
  local tmp="$dir.tmp.$$" t0=$SECONDS mvn_log="$BUILD_ROOT/build.log"
  rm -rf "$tmp"
  # shellcheck disable=SC2086 # FFO_NEO4J_MVN_ARGS is a word list on purpose
  if ! mvn -B -ntp -f "$HERE/pom.xml" -Dffo.buildDir="$tmp" ${FFO_NEO4J_MVN_ARGS:-} package >"$mvn_log" 2>&1; then
    tail -n 40 "$mvn_log" >&2
    rm -rf "$tmp"
    die "maven build failed (full log: $mvn_log)"
  fi
  ls "$tmp"/launcher.jar "$tmp"/lib/neo4j-bolt-*.jar "$tmp"/plugins/apoc-core-*.jar >/dev/null 2>&1 ||
    die "build output incomplete in $tmp (see $mvn_log)"
  # Only launcher.jar, classes/, lib/ and plugins/ are used.
  rm -rf "$tmp"/{generated-sources,maven-archiver,maven-status}
  src_hash >"$tmp/.built"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  local jars=("$dir"/lib/*.jar) plugins=("$dir"/plugins/*.jar)
  log "built in $((SECONDS - t0))s: ${#jars[@]} jars in lib/, plugins/: ${plugins[*]##*/}"
  cds_train "$dir" # after the move: the archive records the class path it was made with
  prune_builds "$dir"
  exec 9>&-
  BUILD_DIR=$dir
}

# prune_builds KEEP : remove older build-* directories (and leftovers of interrupted builds; we hold the
# build lock) that no running process uses.
prune_builds() {
  local d
  for d in "$BUILD_ROOT"/build-*; do
    if [ ! -d "$d" ] || [ "$d" = "$1" ]; then continue; fi
    if grep -qsaF "$d/" /proc/[0-9]*/cmdline; then
      log "keeping $d (in use by a running process)"
    else
      rm -rf "$d"
    fi
  done
}

running_port() { cat "$PORT_FILE" 2>/dev/null || echo "$PORT"; }

# ours_alive : the pid file names a live process that is this launcher (a stale pid file whose number
# was reused by an unrelated process counts as not running and is removed).
ours_alive() {
  pid_alive "$PID_FILE" || return 1
  grep -qa 'ffo.lab.Neo4jLauncher' "/proc/$(cat "$PID_FILE")/cmdline" 2>/dev/null && return 0
  rm -f "$PID_FILE"
  return 1
}

write_env() {
  env_set "$LAB_ENV" NEO4J_URI "bolt://127.0.0.1:$1"
  env_set "$LAB_ENV" NEO4J_USER neo4j
  env_set "$LAB_ENV" NEO4J_PASSWORD neo4j-lab
}

cmd_start() {
  if ours_alive; then
    local p
    p=$(running_port)
    log "neo4j already running (pid $(cat "$PID_FILE"), bolt://127.0.0.1:$p)"
    [ "$p" = "$PORT" ] || log "warning: FFO_NEO4J_PORT=$PORT but the running server listens on $p"
    write_env "$p"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open "$PORT"; then
    local who
    who=$(ss -ltnpH "sport = :$PORT" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\),pid=\([0-9]*\).*/\1 pid \2/p' | head -n1) || true
    die "port $PORT is already in use${who:+ by $who}, not by this lab's neo4j; free it or set FFO_NEO4J_PORT"
  fi
  [ -d "$REPO_ROOT/node_modules/neo4j-driver" ] || die "neo4j-driver missing: run 'npm ci' in $REPO_ROOT first"

  cmd_build
  local dir=$BUILD_DIR
  mkdir -p "$STATE/data" "$STATE/plugins"
  # plugins/ is managed: exactly the jars of this build (APOC core + what it alone needs).
  rm -f "$STATE"/plugins/*.jar
  cp "$dir"/plugins/*.jar "$STATE/plugins/"
  [ -f "$LOG_FILE" ] && mv -f "$LOG_FILE" "$LOG_FILE.1"

  jvm_opts
  local jsa="$dir/cds-$JDK_ID.jsa"
  [ "${FFO_NEO4J_CDS:-1}" = 1 ] && [ -f "$jsa" ] && JVM+=("-XX:SharedArchiveFile=$jsa")
  # shellcheck disable=SC2206 # word list on purpose
  [ -n "${FFO_NEO4J_JAVA_OPTS:-}" ] && JVM+=(${FFO_NEO4J_JAVA_OPTS})
  log "starting neo4j on bolt://127.0.0.1:$PORT (state $STATE, heap $HEAP)"
  local t0
  t0=$(date +%s.%N)
  nohup "$JAVA" "${JVM[@]}" -cp "$(class_path "$dir")" ffo.lab.Neo4jLauncher "$STATE" "$PORT" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  echo "$PORT" >"$PORT_FILE"

  if ! node "$HERE/wait-bolt.mjs" --uri "bolt://127.0.0.1:$PORT" --timeout "$READY_TIMEOUT" --pid "$(cat "$PID_FILE")" >&2; then
    tail -n 30 "$LOG_FILE" >&2 || true
    stop_pid "$PID_FILE" 60
    rm -f "$PORT_FILE"
    die "neo4j did not become ready (log: $LOG_FILE, debug log: $STATE/logs/debug.log)"
  fi
  write_env "$PORT"
  log "neo4j ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s (pid $(cat "$PID_FILE")); NEO4J_* written to $LAB_ENV"
}

cmd_stop() {
  if ours_alive; then
    log "stopping neo4j (pid $(cat "$PID_FILE"))"
    # A clean shutdown checkpoints and takes a few seconds; KILL only after 60 s.
    stop_pid "$PID_FILE" 60
  else
    log "neo4j not running"
    rm -f "$PID_FILE"
  fi
  rm -f "$PORT_FILE"
}

cmd_status() {
  if ours_alive; then
    echo "running (pid $(cat "$PID_FILE"), bolt://127.0.0.1:$(running_port))"
    return 0
  fi
  echo "stopped"
  return 1
}

cmd_reset() {
  cmd_stop
  log "wiping $STATE/data and $STATE/logs"
  rm -rf "$STATE/data" "$STATE/logs"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *)
    echo "usage: $0 build|start|stop|status|reset" >&2
    exit 2
    ;;
esac
