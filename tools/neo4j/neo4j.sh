#!/usr/bin/env bash
# Start and stop the bundled Neo4j 5.26 Community server (no Docker): `make neo4j-up`,
# `make neo4j-down`. Maven resolves it from Maven Central (cached in ~/.m2); it serves
# Bolt on 127.0.0.1 with authentication on, its data in a throwaway folder.
#
#   tools/neo4j/neo4j.sh up       start (or find running), wait for Bolt, print the variables
#   tools/neo4j/neo4j.sh down     stop it and delete its folder
#   tools/neo4j/neo4j.sh status   say whether it runs (exit 0) or not (exit 1)
#   tools/neo4j/neo4j.sh env      print the variables of the running server
#
#   eval "$(tools/neo4j/neo4j.sh up)"    # then icpmap and `make test` use it
#
# Settings (environment): ICPMAP_NEO4J_PORT (Bolt port, 7687), ICPMAP_NEO4J_HOME (its
# folder, ${TMPDIR:-/tmp}/icpmap-neo4j-PORT), ICPMAP_NEO4J_HEAP (-Xmx, 3g; the transaction
# memory limits of neo4j.conf follow it: tx_limit_mib below),
# ICPMAP_NEO4J_START_TIMEOUT (seconds to wait for Bolt, 300), ICPMAP_NEO4J_JAVA_OPTS (more
# JVM options, after ours), ICPMAP_NEO4J_OWNER_PID (the server stops itself when that
# process ends: .ci/run gives its own, so a killed run leaves no server). Messages go to stderr,
# the variables to stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${ICPMAP_NEO4J_PORT:-7687}"
STATE="${ICPMAP_NEO4J_HOME:-${TMPDIR:-/tmp}/icpmap-neo4j-$PORT}"
HEAP="${ICPMAP_NEO4J_HEAP:-3g}"
START_TIMEOUT="${ICPMAP_NEO4J_START_TIMEOUT:-300}"
MARKER="$STATE/.icpmap-neo4j"   # only a folder holding this is ever deleted by `down`
PIDFILE="$STATE/server.pid"
LOG="$STATE/server.log"

say() { echo "neo4j: $*" >&2; }
die() { say "$*"; exit 1; }

case "$PORT" in ''|*[!0-9]*) die "ICPMAP_NEO4J_PORT must be a port number, not '$PORT'." ;; esac

check_heap() {  # ICPMAP_NEO4J_HEAP is a size -Xmx takes and heap_mib reads
  case "$HEAP" in [0-9]*[0-9gGmM]) ;; *) die "ICPMAP_NEO4J_HEAP must be a size such as 3g or 3072m, not '$HEAP'." ;; esac
  case "${HEAP%[gGmM]}" in *[!0-9]*) die "ICPMAP_NEO4J_HEAP must be a size such as 3g or 3072m, not '$HEAP'." ;; esac
}

heap_mib() {  # the heap in MiB (3g, 3072m, or bytes)
  local n="${HEAP%[gGmM]}"
  case "$HEAP" in *[gG]) echo $((n * 1024)) ;; *[mM]) echo "$n" ;; *) echo $((n / 1048576)) ;; esac
}

tx_limit_mib() {
  # What all transactions together may hold (neo4j.conf's three transaction memory limits):
  # the heap less 768 MiB, which a commit needs beyond what the limits track (measured: a
  # transaction tracked at 1.7 GiB of heap stopped a 2 GiB heap; docs/neo4j.md), but never
  # under 2300 MiB, what the all-or-nothing load of the 1,000,000 England registrations needs
  # (2100-2200 MiB): on a 2 GiB heap that load still commits and all of England at once is
  # refused, though a transaction nearly all on the heap could then still run it out.
  local limit=$(($(heap_mib) - 768))
  [ "$limit" -ge 2300 ] || limit=2300
  echo "$limit"
}

write_conf() {  # neo4j.conf with the transaction memory limits for this heap, into the folder
  local limit
  limit="$(tx_limit_mib)"
  sed -E "s/^(db\.memory\.transaction\.max|db\.memory\.transaction\.total\.max|dbms\.memory\.transaction\.total\.max)=.*/\1=${limit}m/" \
    "$HERE/neo4j.conf" > "$STATE/neo4j.conf"
  echo "$limit"
}

port_answers() {  # something accepts TCP connections on 127.0.0.1:PORT
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null
}

running_pid() {  # the pid of our server, if it is alive
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  grep -q "icpmap.Neo4jServer" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

print_env() {
  cat <<EOF
export ICPMAP_NEO4J_URI=bolt://127.0.0.1:$PORT
export ICPMAP_NEO4J_USER=neo4j
export ICPMAP_NEO4J_PASSWORD=$(cat "$STATE/password")
export ICPMAP_NEO4J_DATABASE=neo4j
EOF
}

need_java() {
  command -v java >/dev/null 2>&1 || die "Java is not installed: Neo4j 5.26 needs Java 17 or 21 (Debian: apt-get install openjdk-17-jre-headless maven)."
  command -v mvn >/dev/null 2>&1 || die "Maven is not installed: it fetches Neo4j from Maven Central (Debian: apt-get install maven)."
  local version
  version="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  if [ -z "$version" ] || [ "$version" -lt 17 ]; then
    die "Neo4j 5.26 needs Java 17 or 21; 'java' here is version ${version:-unknown} (set JAVA_HOME/PATH to a JDK 17)."
  fi
}

build() {  # compile the launcher and write target/classpath.txt (the jars in ~/.m2)
  local cp="$HERE/target/classpath.txt"
  local stale=0
  if [ ! -f "$cp" ] || [ ! -f "$HERE/target/classes/icpmap/Neo4jServer.class" ] \
     || [ "$HERE/pom.xml" -nt "$cp" ] || [ "$HERE/src/main/java/icpmap/Neo4jServer.java" -nt "$cp" ]; then
    stale=1
  else
    local first
    first="$(cut -d: -f1 "$cp")"
    [ -f "$first" ] || stale=1  # the Maven cache was cleared
  fi
  if [ "$stale" = 1 ]; then
    say "resolving Neo4j with Maven (the first time downloads about 120 MB into ~/.m2)..."
    if ! mvn -q -B -f "$HERE/pom.xml" compile >"${TMPDIR:-/tmp}/icpmap-neo4j-mvn.$$.log" 2>&1; then
      tail -30 "${TMPDIR:-/tmp}/icpmap-neo4j-mvn.$$.log" >&2
      rm -f "${TMPDIR:-/tmp}/icpmap-neo4j-mvn.$$.log"
      die "Maven could not build tools/neo4j (above); is Maven Central reachable?"
    fi
    rm -f "${TMPDIR:-/tmp}/icpmap-neo4j-mvn.$$.log"
  fi
}

up() {
  local pid
  if pid="$(running_pid)"; then
    port_answers || die "the server (pid $pid) runs but does not answer on port $PORT; see $LOG, or run: $0 down"
    say "already running (pid $pid) on bolt://127.0.0.1:$PORT"
    print_env
    return 0
  fi
  if port_answers; then
    die "port $PORT on 127.0.0.1 is in use by another program; stop it or choose another port: ICPMAP_NEO4J_PORT=NNNN $0 up"
  fi
  check_heap
  need_java
  build
  if [ -e "$STATE" ] && [ ! -e "$MARKER" ]; then
    die "$STATE exists and is not a folder of ours; set ICPMAP_NEO4J_HOME to another folder."
  fi
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  touch "$MARKER"
  if [ ! -s "$STATE/password" ]; then  # chosen at the first start, kept for restarts of this folder
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$STATE/password")
  fi
  local classpath limit
  classpath="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
  limit="$(write_conf)"
  say "starting Neo4j 5.26 Community on bolt://127.0.0.1:$PORT (heap $HEAP, transactions ${limit} MiB, folder $STATE)"
  # setsid: the server outlives this script and make; its own process group.
  setsid nohup java \
    -Xms256m "-Xmx$HEAP" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
    -Dlog4j2.disable.jmx=true -Djdk.nio.maxCachedBufferSize=1024 ${ICPMAP_NEO4J_JAVA_OPTS:-} \
    -cp "$classpath" icpmap.Neo4jServer "$STATE/home" "$PORT" "$STATE/password" "$STATE/neo4j.conf" \
    >"$LOG" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$PIDFILE"
  local waited=0
  until grep -q "icpmap-neo4j ready" "$LOG" 2>/dev/null && port_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -30 "$LOG" >&2 || true
      rm -f "$PIDFILE"
      if grep -q -i "address already in use\|BindException" "$LOG" 2>/dev/null; then
        die "port $PORT on 127.0.0.1 is in use by another program; choose another: ICPMAP_NEO4J_PORT=NNNN $0 up"
      fi
      die "the server stopped while starting (its log is above and in $LOG)."
    fi
    if [ "$waited" -ge "$START_TIMEOUT" ]; then
      tail -30 "$LOG" >&2 || true
      kill "$pid" 2>/dev/null || true
      die "Bolt did not answer within $START_TIMEOUT s; stopped it (log above, and in $LOG)."
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "ready after ${waited} s (pid $pid); stop it with: make neo4j-down"
  print_env
}

down() {
  local pid
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$waited" -ge 60 ]; then
        say "the server did not stop within 60 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 1
      waited=$((waited + 1))
    done
    say "stopped (pid $pid)"
  else
    say "not running on port $PORT"
  fi
  if [ -e "$MARKER" ]; then
    rm -rf "$STATE"
    say "removed $STATE"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status)
    if pid="$(running_pid)" && port_answers; then say "running (pid $pid) on bolt://127.0.0.1:$PORT"; exit 0; fi
    say "not running on port $PORT"; exit 1 ;;
  env)
    running_pid >/dev/null || die "not running on port $PORT; start it with: make neo4j-up"
    print_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
