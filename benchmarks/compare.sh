#!/usr/bin/env bash
# Side-by-side HTTP/1.1 comparison of Shockwave with its peers (issue 3).
#
# For Shockwave, Netty, Jetty, Helidon, Undertow, Vert.x and nginx in turn: start the
# server pinned to core 0, wait until it answers, warm it up, drive it from core 1 with
# wrk (keep-alive, 64 connections; pipelined at depth 16; keep-alive /json), read the
# server's own CPU time around each run, hold 10,000 idle keep-alive connections and
# measure what they cost, stop it and check its port is free. Prints one Markdown table
# (every column also as a ratio to Shockwave) and writes it to
# benchmarks/results/compare-<date>.md. See "Comparison with peer servers" in
# benchmarks/README.md for the method.
#
# usage: benchmarks/compare.sh [--quick] [--only NAME[,NAME...]] [--skip-memory]
#                              [--port N] [--connections N] [--build]
#   --quick          short runs and 1,000 idle connections: a smoke test, not a result
#   --only           a subset of: shockwave netty jetty helidon undertow vertx nginx
#                    (also "demo": samples/target/shockwave-demo.jar as the Shockwave column)
#   --skip-memory    leave out the idle-connection measurement
#   --port           the port every server listens on in turn (default 18380)
#   --connections    idle connections to hold (default 10000, --quick 1000)
#   --build          rebuild the benchmarks module first even if its classes exist
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
COMMAND_LINE="benchmarks/compare.sh${*:+ $*}"

QUICK=0 SKIP_MEMORY=0 BUILD=0 PORT=18380 ONLY="" CONNECTIONS=""
while (($#)); do
    case $1 in
        --quick) QUICK=1 ;;
        --skip-memory) SKIP_MEMORY=1 ;;
        --build) BUILD=1 ;;
        --only) ONLY=${2:?--only needs a list}; shift ;;
        --only=*) ONLY=${1#*=} ;;
        --port) PORT=${2:?--port needs a number}; shift ;;
        --port=*) PORT=${1#*=} ;;
        --connections) CONNECTIONS=${2:?--connections needs a number}; shift ;;
        --connections=*) CONNECTIONS=${1#*=} ;;
        -h|--help) sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

# --- Durations (seconds) --------------------------------------------------------------
# Warm-up: about 10 s of load before measuring, over every path measured afterwards.
if ((QUICK)); then
    WARM_KEEPALIVE=1 WARM_PIPELINED=1 WARM_JSON=1 RUN=3
    : "${CONNECTIONS:=1000}"
else
    WARM_KEEPALIVE=5 WARM_PIPELINED=3 WARM_JSON=2 RUN=10
    : "${CONNECTIONS:=10000}"
fi
WRK_CONNECTIONS=64
PIPELINE_DEPTH=16
READY_SECONDS=30       # a server that does not answer /plaintext by then fails its column
STOP_SECONDS=10        # SIGTERM, then SIGKILL
BUDGET_SECONDS=600     # a server not started by then is skipped: the run stays bounded
SERVER_CORE=0
CLIENT_CORE=1
# The same for every JVM server. Netty 4.2 needs Unsafe on JDK 25; native access only
# silences the warning its epoll transport's loadLibrary prints.
JVM_FLAGS=(-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch
           --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)

ALL_SERVERS=(shockwave netty jetty helidon undertow vertx nginx)
declare -A TITLE=([shockwave]=Shockwave [demo]="Shockwave (demo)" [netty]=Netty [jetty]=Jetty
                  [helidon]=Helidon [undertow]=Undertow [vertx]=Vert.x [nginx]=nginx)
declare -A MAIN_CLASS=([shockwave]=ShockwaveServer [netty]=NettyServer [jetty]=JettyServer
                       [helidon]=HelidonServer [undertow]=UndertowServer [vertx]=VertxServer)

CLASSES=benchmarks/target/classes
PEER_CLASSPATH_FILE=benchmarks/target/peer-classpath.txt
DEMO_JAR=samples/target/shockwave-demo.jar
WRK_DIR=$ROOT/benchmarks/wrk
PLAINTEXT_BODY='Hello, World!'
JSON_BODY='{"message":"Hello, World!"}'

log() { printf '[compare %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; exit 1; }

# --- Servers to run -------------------------------------------------------------------
SERVERS=()
if [[ -n $ONLY ]]; then
    IFS=',' read -ra wanted <<<"${ONLY,,}"
    for name in shockwave demo "${ALL_SERVERS[@]:1}"; do
        for w in "${wanted[@]}"; do
            [[ ${w//./} == "$name" ]] && SERVERS+=("$name")
        done
    done
    for w in "${wanted[@]}"; do
        [[ -n ${TITLE[${w//./}]:-} ]] || die "unknown server '$w' (one of: ${ALL_SERVERS[*]} demo)"
    done
else
    SERVERS=("${ALL_SERVERS[@]}")
fi
((${#SERVERS[@]})) || die "no server selected"
BASELINE=""
for s in "${SERVERS[@]}"; do [[ $s == shockwave || $s == demo ]] && BASELINE=$s; done

# --- Clean-up: only what this script started ------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shockwave-compare.XXXXXX")
STARTED_PIDS=()
POLICY_GUARD=0
cleanup() {
    local pid kids=()
    for pid in "${STARTED_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || continue
        kids+=($(pgrep -P "$pid" 2>/dev/null))
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${STARTED_PIDS[@]}" "${kids[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.3; done
        kill -KILL "$pid" 2>/dev/null
    done
    ((POLICY_GUARD)) && rm -f /usr/sbin/policy-rc.d
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Tools ----------------------------------------------------------------------------
apt_install() {
    ((EUID == 0)) || { log "not root: cannot apt-get install $*"; return 1; }
    # A package's postinst must not start a system nginx on port 80 behind our back.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && POLICY_GUARD=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq "$@" >&2
    local rc=$?
    ((POLICY_GUARD)) && rm -f /usr/sbin/policy-rc.d && POLICY_GUARD=0
    return $rc
}

NGINX=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; })
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v taskset >/dev/null || missing+=(util-linux)
command -v ss >/dev/null || missing+=(iproute2)
[[ " ${SERVERS[*]} " == *" nginx "* && -z $NGINX ]] && missing+=(nginx)
if ((${#missing[@]})); then
    apt_install "${missing[@]}" || log "could not install ${missing[*]}"
    NGINX=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; })
fi
for tool in wrk curl taskset ss; do command -v "$tool" >/dev/null || die "$tool is missing"; done

(($(nproc) >= 2)) || die "needs two cores: the server on core $SERVER_CORE, wrk on core $CLIENT_CORE"

# JDK 25: $JAVA_HOME if it is one, else /usr/lib/jvm/*25*. The default java may be 17.
java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
        awk -F' = ' '/java.specification.version/ { split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]) }'
}
JDK=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
    [[ -n $candidate && -x $candidate/bin/java ]] || continue
    major=$(java_major "$candidate")
    if [[ $major =~ ^[0-9]+$ ]] && ((major >= 25)); then JDK=$candidate; break; fi
done
[[ -n $JDK ]] || die "no JDK 25 in \$JAVA_HOME or /usr/lib/jvm/*25*"
JAVA=$JDK/bin/java
JCMD=$JDK/bin/jcmd

# Server and client each hold about CONNECTIONS sockets; the hard limit here is 20,000.
hard=$(ulimit -Hn)
if [[ $hard == unlimited ]] || ((hard >= 20000)); then ulimit -n 20000; else ulimit -n "$hard"; fi
if ((!SKIP_MEMORY)) && (($(ulimit -n) < CONNECTIONS + 1000)); then
    log "open-files limit $(ulimit -n) is too low for $CONNECTIONS idle connections"
    CONNECTIONS=$(($(ulimit -n) - 1000))
fi

# --- Build ----------------------------------------------------------------------------
needs_build=$BUILD
[[ -f $PEER_CLASSPATH_FILE && -f $CLASSES/io/shockwave/benchmarks/IdleConnections.class ]] || needs_build=1
for s in "${SERVERS[@]}"; do
    [[ -n ${MAIN_CLASS[$s]:-} && ! -f $CLASSES/io/shockwave/benchmarks/peers/${MAIN_CLASS[$s]}.class ]] && needs_build=1
done
# Built from older sources than the work tree's? Each Shockwave jar is compared with its
# own module, this module's classes with its sources. Without -am, the class path file
# points at the jars last installed in ~/.m2 rather than at the modules' builds.
if ((!needs_build)); then
    stamps=("benchmarks|$CLASSES/io/shockwave/benchmarks/IdleConnections.class")
    IFS=':' read -ra entries <<<"$(<"$PEER_CLASSPATH_FILE")"
    for entry in "${entries[@]}"; do
        [[ $entry == */shockwave-*.jar ]] || continue
        if [[ $entry == "$ROOT"/*/target/* ]]; then
            module=${entry#"$ROOT"/}
            stamps+=("${module%%/target/*}|$entry")
        else
            log "the class path names $entry, not this work tree's build: rebuilding"
            needs_build=1
        fi
    done
    for stamp in "${stamps[@]}"; do
        ((needs_build)) && break
        module=${stamp%%|*} artifact=${stamp#*|}
        newer=$(find "$module/src/main" "$module/pom.xml" -newer "$artifact" -type f -print -quit 2>/dev/null)
        if [[ ! -e $artifact || -n $newer ]]; then
            log "${newer:-$module} is newer than $artifact: rebuilding"
            needs_build=1
        fi
    done
fi
if ((needs_build)); then
    log "building: mvn -q -B -pl benchmarks -am package -DskipTests"
    timeout 900 mvn -q -B -pl benchmarks -am package -DskipTests >&2 || die "the build failed"
fi

# --- Measuring ------------------------------------------------------------------------
declare -A R=()    # R[server|metric] = value
declare -A FAILED=() # FAILED[server] = why its column is empty
NOTES=()
CLK_TCK=$(getconf CLK_TCK)

# The PID and its children (nginx's worker is a child of its master).
server_pids() { echo "$1" $(pgrep -P "$1" 2>/dev/null); }

# utime + stime of the server's processes, in clock ticks (proc(5): fields 14 and 15).
cpu_ticks() {
    local pid stat total=0 fields
    for pid in $(server_pids "$1"); do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        read -ra fields <<<"${stat##*) }" # fields[0] is field 3: comm may hold spaces
        ((${#fields[@]} > 12)) && total=$((total + fields[11] + fields[12]))
    done
    echo "$total"
}

# Sum of a /proc/PID/status field (VmRSS in kB, Threads) over the server's processes.
status_sum() {
    local pid total=0 value
    for pid in $(server_pids "$1"); do
        value=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null)
        total=$((total + ${value:-0}))
    done
    echo "$total"
}

# Live heap bytes: the class histogram forces a full GC and counts what survives.
live_heap() {
    timeout 60 taskset -c "$CLIENT_CORE" "$JCMD" "$1" GC.class_histogram 2>/dev/null |
        awk '$1 == "Total" { bytes = $3 } END { print bytes }'
}

port_in_use() { [[ -n $(ss -Hltn "( sport = :$PORT )" 2>/dev/null) ]]; }

# wrk from the client core; prints "requests duration_us p50_us p99_us socket_errors non2xx
# latency_source".
run_wrk() {
    local out=$1 seconds=$2 path=$3 kind=$4
    local args=(-t1 -c"$WRK_CONNECTIONS" -d"${seconds}s" --latency)
    if [[ $kind == pipelined ]]; then
        args+=(-s "$WRK_DIR/pipeline.lua" "http://127.0.0.1:$PORT$path" -- "$PIPELINE_DEPTH")
    else
        args=(-s "$WRK_DIR/report.lua" "${args[@]}" "http://127.0.0.1:$PORT$path")
    fi
    # report.lua undoes wrk's coordinated-omission samples; it needs the connection count.
    WRK_CONNECTIONS=$WRK_CONNECTIONS timeout -k 5 $((seconds + 30)) \
        taskset -c "$CLIENT_CORE" wrk "${args[@]}" >"$out" 2>&1
    awk '/^wrkstats / {
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            print v["requests"], v["duration_us"], v["p50_us"], v["p99_us"],
                  v["connect"] + v["read"] + v["write"] + v["timeout"], v["status"], v["latency"]
         }' "$out"
}

# One measured wrk run: requests/s, latency, errors and the server's CPU time around it.
measure() {
    local srv=$1 pid=$2 key=$3 path=$4 kind=$5 before after stats
    local requests duration p50 p99 socket_errors non2xx source
    before=$(cpu_ticks "$pid")
    stats=$(run_wrk "$TMP/$srv.$key.wrk" "$RUN" "$path" "$kind")
    after=$(cpu_ticks "$pid")
    if [[ -z $stats ]]; then
        NOTES+=("${TITLE[$srv]}: wrk $key run gave no result: $(tail -n 3 "$TMP/$srv.$key.wrk" | tr '\n' ' ')")
        return 1
    fi
    read -r requests duration p50 p99 socket_errors non2xx source <<<"$stats"
    [[ $source == measured ]] ||
        NOTES+=("${TITLE[$srv]}: $key latency is wrk's own, with its coordinated-omission samples")
    local cpu_seconds
    cpu_seconds=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }')
    R[$srv|${key}_rps]=$(awk -v r="$requests" -v d="$duration" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    R[$srv|${key}_p50]=$p50
    R[$srv|${key}_p99]=$p99
    R[$srv|${key}_cpu_rps]=$(awk -v r="$requests" -v c="$cpu_seconds" 'BEGIN { if (c > 0) printf "%.0f", r / c }')
    R[$srv|${key}_cpu_pct]=$(awk -v c="$cpu_seconds" -v d="$duration" 'BEGIN { printf "%.0f", 100 * c / (d / 1e6) }')
    R[$srv|socket_errors]=$((${R[$srv|socket_errors]:-0} + socket_errors))
    R[$srv|non2xx]=$((${R[$srv|non2xx]:-0} + non2xx))
    log "  $key: $(printf '%.0f' "${R[$srv|${key}_rps]}") req/s, p99 ${p99} us, server CPU ${cpu_seconds} s, errors $socket_errors, non-2xx $non2xx"
}

# The cost of idle keep-alive connections, each after one request.
measure_idle() {
    local srv=$1 pid=$2 index=$3 jvm=$4
    local heap_before="" heap_after="" rss_before rss_after threads_after open_count
    sleep 1 # wrk's connections close
    ((jvm)) && heap_before=$(live_heap "$pid")
    rss_before=$(status_sum "$pid" VmRSS)

    # Eight source addresses per server, a different block for each, so the TIME_WAIT
    # left by one server's run never meets the next one.
    local sources=() a
    for a in 0 1 2 3 4 5 6 7; do sources+=("127.0.0.$((2 + index * 8 + a))"); done
    local out=$TMP/$srv.idle.out fifo=$TMP/$srv.idle.hold client hold_fd
    mkfifo "$fifo"
    taskset -c "$CLIENT_CORE" "$JAVA" -Xmx512m -cp "$CLASSES" io.shockwave.benchmarks.IdleConnections \
        --port "$PORT" --connections "$CONNECTIONS" --hold 120 \
        --sources "$(IFS=,; echo "${sources[*]}")" <"$fifo" >"$out" 2>&1 &
    client=$!
    STARTED_PIDS+=("$client")
    exec {hold_fd}>"$fifo" # the client holds its connections until this closes

    local deadline=$((SECONDS + 90))
    while ! grep -q '^open ' "$out" 2>/dev/null && kill -0 "$client" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.2
    done
    if grep -q '^open ' "$out"; then
        sleep 1 # let the server finish with the last responses and park
        open_count=$(ss -Htn state established "( sport = :$PORT )" | wc -l)
        ((jvm)) && heap_after=$(live_heap "$pid")
        rss_after=$(status_sum "$pid" VmRSS)
        threads_after=$(status_sum "$pid" Threads)
        R[$srv|idle_open]=$open_count
        R[$srv|idle_threads]=$threads_after
        if ((open_count > 0)); then
            R[$srv|idle_rss]=$(awk -v a="$rss_after" -v b="$rss_before" -v n="$open_count" 'BEGIN { printf "%.2f", (a - b) / n }')
            if [[ -n $heap_before && -n $heap_after ]]; then
                R[$srv|idle_heap]=$(awk -v a="$heap_after" -v b="$heap_before" -v n="$open_count" 'BEGIN { printf "%.2f", (a - b) / n / 1024 }')
            fi
        fi
        local failed_line
        failed_line=$(grep -m 1 '^failed ' "$out")
        [[ -n $failed_line ]] && NOTES+=("${TITLE[$srv]}: idle client $failed_line")
        log "  idle: $open_count open, heap ${R[$srv|idle_heap]:-n/a} KiB/conn, RSS ${R[$srv|idle_rss]:-n/a} KiB/conn, $threads_after threads"
    else
        NOTES+=("${TITLE[$srv]}: the idle-connection client did not finish: $(tail -n 3 "$out" | tr '\n' ' ')")
    fi
    exec {hold_fd}>&-
    deadline=$((SECONDS + 30))
    while kill -0 "$client" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$client" 2>/dev/null
    wait "$client" 2>/dev/null
}

start_server() {
    local srv=$1 log_file=$2
    case $srv in
        nginx)
            local dir=$TMP/nginx
            mkdir -p "$dir"
            sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$PORT|g" benchmarks/nginx/nginx.conf.template >"$dir/nginx.conf"
            taskset -c "$SERVER_CORE" "$NGINX" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$log_file" 2>&1 &
            ;;
        demo)
            taskset -c "$SERVER_CORE" "$JAVA" "${JVM_FLAGS[@]}" -jar "$DEMO_JAR" --port "$PORT" >"$log_file" 2>&1 &
            ;;
        *)
            taskset -c "$SERVER_CORE" "$JAVA" "${JVM_FLAGS[@]}" \
                -cp "$CLASSES:$(<"$PEER_CLASSPATH_FILE")" "io.shockwave.benchmarks.peers.${MAIN_CLASS[$srv]}" \
                --port "$PORT" >"$log_file" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

stop_server() {
    local pid=$1 kids deadline
    kids=$(pgrep -P "$pid" 2>/dev/null)
    kill -TERM "$pid" 2>/dev/null
    deadline=$((SECONDS + STOP_SECONDS))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        log "  no exit $STOP_SECONDS s after SIGTERM: SIGKILL"
        kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    for kid in $kids; do kill -KILL "$kid" 2>/dev/null; done
    deadline=$((SECONDS + 10))
    while port_in_use && ((SECONDS < deadline)); do sleep 0.2; done
    ! port_in_use
}

check_bodies() {
    local srv=$1 body type
    body=$(curl -s -m 5 "http://127.0.0.1:$PORT/plaintext")
    type=$(curl -s -m 5 -o /dev/null -w '%{content_type}' "http://127.0.0.1:$PORT/plaintext")
    [[ $body == "$PLAINTEXT_BODY" && $type == text/plain* ]] ||
        NOTES+=("${TITLE[$srv]}: /plaintext answered '$body' as '$type'")
    body=$(curl -s -m 5 "http://127.0.0.1:$PORT/json")
    type=$(curl -s -m 5 -o /dev/null -w '%{content_type}' "http://127.0.0.1:$PORT/json")
    [[ $body == "$JSON_BODY" && $type == application/json* ]] ||
        NOTES+=("${TITLE[$srv]}: /json answered '$body' as '$type'")
}

run_server() {
    local srv=$1 index=$2 jvm=1 log_file=$TMP/$1.log
    [[ $srv == nginx ]] && jvm=0
    case $srv in
        nginx) [[ -n $NGINX ]] || { FAILED[$srv]="nginx is not installed"; return; } ;;
        demo) [[ -f $DEMO_JAR ]] || { FAILED[$srv]="$DEMO_JAR is missing (mvn package)"; return; } ;;
        *) [[ -f $CLASSES/io/shockwave/benchmarks/peers/${MAIN_CLASS[$srv]}.class ]] ||
               { FAILED[$srv]="${MAIN_CLASS[$srv]} is not built"; return; } ;;
    esac
    if port_in_use; then FAILED[$srv]="port $PORT is in use before the start"; return; fi

    log "${TITLE[$srv]}: starting on core $SERVER_CORE, port $PORT"
    start_server "$srv" "$log_file"
    local pid=$SERVER_PID deadline=$((SECONDS + READY_SECONDS)) ready=0 started=$SECONDS
    while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
        if curl -fs -m 1 -o /dev/null "http://127.0.0.1:$PORT/plaintext"; then ready=1; break; fi
        sleep 0.2
    done
    if ((!ready)); then
        FAILED[$srv]="did not answer GET /plaintext within $READY_SECONDS s: $(tail -n 2 "$log_file" | tr '\n' ' ')"
        stop_server "$pid"
        return
    fi
    log "  answering after $((SECONDS - started)) s; warming up"
    check_bodies "$srv"
    run_wrk "$TMP/$srv.warm1.wrk" "$WARM_KEEPALIVE" /plaintext keepalive >/dev/null
    run_wrk "$TMP/$srv.warm2.wrk" "$WARM_PIPELINED" /plaintext pipelined >/dev/null
    run_wrk "$TMP/$srv.warm3.wrk" "$WARM_JSON" /json keepalive >/dev/null

    measure "$srv" "$pid" ka /plaintext keepalive
    measure "$srv" "$pid" pipe /plaintext pipelined
    measure "$srv" "$pid" json /json keepalive
    ((SKIP_MEMORY)) || measure_idle "$srv" "$pid" "$index" "$jvm"

    if ! kill -0 "$pid" 2>/dev/null; then
        NOTES+=("${TITLE[$srv]}: the server exited during the run: $(tail -n 2 "$log_file" | tr '\n' ' ')")
    fi
    # Which transport Netty and Vert.x picked (epoll or NIO), as they print it.
    local said
    said=$(grep -m 1 '^transport:' "$log_file")
    [[ -n $said ]] && NOTES+=("${TITLE[$srv]}: $said")
    if ! stop_server "$pid"; then
        FAILED[$srv]="${FAILED[$srv]:-}port $PORT still in use after the stop"
        return 1
    fi
}

# --- Run ------------------------------------------------------------------------------
port_in_use && die "port $PORT is in use: stop what listens there, or pass --port N"
START_EPOCH=$(date +%s)
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "JDK $JDK; servers: ${SERVERS[*]}; runs ${RUN} s; $CONNECTIONS idle connections; port $PORT"
for i in "${!SERVERS[@]}"; do
    srv=${SERVERS[$i]}
    if (($(date +%s) - START_EPOCH > BUDGET_SECONDS)); then
        FAILED[$srv]="skipped: the run passed its $BUDGET_SECONDS s budget"
        continue
    fi
    if ! run_server "$srv" "$i"; then
        log "the port stays busy: stopping the run here"
        for rest in "${SERVERS[@]:i+1}"; do FAILED[$rest]="not run: port $PORT stayed busy"; done
        break
    fi
    [[ -n ${FAILED[$srv]:-} ]] && log "  ${TITLE[$srv]}: ${FAILED[$srv]}"
done
ELAPSED=$(($(date +%s) - START_EPOCH))

# --- Table ----------------------------------------------------------------------------
group() { sed ':a; s/\B[0-9]\{3\}\>/,&/; ta' <<<"$1"; }

# fmt KIND VALUE
fmt() {
    local kind=$1 v=$2
    [[ -z $v ]] && { echo "—"; return; }
    case $kind in
        int) group "$(printf '%.0f' "$v")" ;;
        lat) awk -v u="$v" 'BEGIN { if (u < 1000) printf "%.0f µs", u; else if (u < 10000) printf "%.2f ms", u / 1000; else printf "%.1f ms", u / 1000 }' ;;
        kib) awk -v k="$v" 'BEGIN { printf (k < 1 && k > -1 ? "%.2f" : "%.1f"), k }' ;;
        pct) printf '%s %%' "$v" ;;
        *) echo "$v" ;;
    esac
}

# Rows: metric key | label | format | ratio (1: show the ratio to Shockwave)
ROWS=(
    "ka_rps|keep-alive /plaintext, req/s (64 conns) ↑|int|1"
    "ka_p50|keep-alive latency p50 ↓|lat|1"
    "ka_p99|keep-alive latency p99 ↓|lat|1"
    "pipe_rps|pipelined ×$PIPELINE_DEPTH /plaintext, req/s ↑|int|1"
    "pipe_p99|pipelined latency p99, per batch of $PIPELINE_DEPTH ↓|lat|1"
    "json_rps|keep-alive /json, req/s ↑|int|1"
    "ka_cpu_rps|req per server-CPU-second, keep-alive ↑|int|1"
    "pipe_cpu_rps|req per server-CPU-second, pipelined ↑|int|1"
    "ka_cpu_pct|server CPU busy, keep-alive (of one core)|pct|0"
    "pipe_cpu_pct|server CPU busy, pipelined (of one core)|pct|0"
    "errors|socket errors / non-2xx (all measured runs) ↓|str|0"
    "idle_open|idle keep-alive connections held|int|0"
    "idle_heap|live heap per idle connection, KiB ↓|kib|1"
    "idle_rss|RSS per idle connection, KiB ↓|kib|1"
    "idle_threads|threads with the idle connections open ↓|int|1"
)

for srv in "${SERVERS[@]}"; do
    if [[ -n ${R[$srv|ka_rps]:-}${R[$srv|pipe_rps]:-} ]]; then
        R[$srv|errors]="${R[$srv|socket_errors]:-0} / ${R[$srv|non2xx]:-0}"
    fi
    [[ $srv == nginx && -n ${R[$srv|idle_open]:-} ]] && R[$srv|idle_heap]="n/a"
done

table() {
    local header="| metric |" rule="| --- |" row key label kind ratio srv cell base v
    for srv in "${SERVERS[@]}"; do header+=" ${TITLE[$srv]} |"; rule+=" ---: |"; done
    echo "$header"
    echo "$rule"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r key label kind ratio <<<"$row"
        if [[ $key == idle_* ]] && ((SKIP_MEMORY)); then continue; fi
        cell="| $label |"
        base=${R[$BASELINE|$key]:-}
        for srv in "${SERVERS[@]}"; do
            v=${R[$srv|$key]:-}
            if [[ -n ${FAILED[$srv]:-} && -z $v ]]; then cell+=" failed |"; continue; fi
            if [[ $v == n/a ]]; then cell+=" n/a |"; continue; fi
            local text
            text=$(fmt "$kind" "$v")
            if ((ratio)) && [[ $srv != "$BASELINE" && -n $v && -n $base ]] &&
                awk -v b="$base" 'BEGIN { exit !(b > 0) }'; then
                text+=" ($(awk -v v="$v" -v b="$base" 'BEGIN { printf "%.2f", v / b }')x)"
            fi
            cell+=" $text |"
        done
        echo "$cell"
    done
}

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
jdk_version=$("$JAVA" -version 2>&1 | sed -n 2p)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain 2>/dev/null) ]] && commit+=" with uncommitted changes"
nginx_version=$([[ -n $NGINX ]] && "$NGINX" -v 2>&1 | sed 's/^nginx version: //')
stamp=$(date +%Y-%m-%d-%H%M)
mkdir -p benchmarks/results
RESULT=benchmarks/results/compare-$stamp$( ((QUICK)) && echo -quick).md

{
    echo "# Shockwave and its peers, HTTP/1.1 — $(date '+%Y-%m-%d %H:%M %Z')"
    echo
    ((QUICK)) && { echo "**A --quick smoke run: short runs, not a result.**"; echo; }
    echo "- Command: \`$COMMAND_LINE\` ($ELAPSED s)"
    echo "- Commit: $commit"
    echo "- Machine: $(nproc) CPUs, $cpu_model, Linux $(uname -r); load average at the start: $LOAD_AT_START"
    echo "- JDK: $jdk_version; every JVM server runs with \`${JVM_FLAGS[*]}\`"
    echo "- Client: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); nginx: ${nginx_version:-not installed}"
    echo "- Method: server pinned to core $SERVER_CORE, wrk \`-t1 -c$WRK_CONNECTIONS\` pinned to core $CLIENT_CORE;" \
        "warm-up $((WARM_KEEPALIVE + WARM_PIPELINED + WARM_JSON)) s, then $RUN s per measured run;" \
        "pipelining depth $PIPELINE_DEPTH; latencies as wrk measured them, without the samples it adds" \
        "for coordinated omission; CPU = the server's utime+stime over the run;" \
        "$(group "$CONNECTIONS") idle connections, each after one request. Ratios are to the Shockwave column;" \
        "↑ higher is better, ↓ lower is better."
    echo
    table
    if ((${#FAILED[@]} || ${#NOTES[@]})); then
        echo
        for srv in "${SERVERS[@]}"; do
            [[ -n ${FAILED[$srv]:-} ]] && echo "- ${TITLE[$srv]}: ${FAILED[$srv]}"
        done
        for note in "${NOTES[@]}"; do echo "- $note"; done
    fi
} >"$RESULT"

echo
cat "$RESULT"
echo
log "written to $RESULT"
