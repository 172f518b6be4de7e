#!/usr/bin/env bash
# Side-by-side comparison of Shockwave with its peers: HTTP/1.1 (issue 3), then h2c, h2
# over TLS and HTTP/1.1 over TLS, then HTTP/3.
#
# For Shockwave, Netty, Jetty, Helidon, Undertow, Vert.x and nginx in turn: start the
# server pinned to core 0, wait until it answers HTTP/1.1, warm it up, drive it from core 1
# with wrk (keep-alive, 64 connections; pipelined at depth 16; keep-alive /json), read the
# server's own CPU time around each run, hold 10,000 idle keep-alive connections and
# measure what they cost. Then, each protocol after a short warm-up of its own, h2load with
# h2c prior knowledge (16 connections x 32 streams, and one connection x 100 streams), h2load
# over TLS (ALPN h2, 16 x 32) and wrk over TLS (HTTP/1.1 keep-alive, 64 connections), with
# the CPU time around each run as before. Then HTTP/3 where the server has it (Shockwave,
# Netty's netty-codec-http3 on quiche, and a bare Kwik + Flupke server that has nothing
# else): H3Load (benchmarks/tools, Netty's quiche) with 4 connections x 16 streams, the
# server's CPU time read by H3Load around its measured interval, and idle QUIC connections
# held by H3Idle. Shockwave and nginx also serve two files (10 KiB and 1 MiB of random
# bytes) from one directory under /static/ (nginx with sendfile on; Shockwave's StaticFiles,
# which uses sendfile(2) on this transport), measured with wrk keep-alive after the
# HTTP/1.1 runs, in a small table of their own. Stop the server and check its ports are free.
# Prints one Markdown table (every column also as a ratio to Shockwave) and writes it to
# benchmarks/results/compare-<date>.md. See "Comparison with peer servers" in
# benchmarks/README.md for the method.
#
# Ports: --port N carries HTTP/1.1 and h2c, N+1 TLS (h2 and http/1.1 by ALPN, one
# self-signed EC P-256 certificate made for the run), and nginx's h2c gets N+2 (nginx 1.22
# cannot serve HTTP/1.1 and h2c on one cleartext port). A server that prints
# "unsupported: h2c|h2|h1-tls" gets n/a in that mode's rows.
#
# usage: benchmarks/compare.sh [--quick] [--only NAME[,NAME...]] [--skip-memory] [--skip-h2]
#                              [--skip-h3] [--skip-static | --static-only] [--port N]
#                              [--connections N] [--build]
#   --quick          short runs and 1,000 idle connections: a smoke test, not a result
#   --only           a subset of: shockwave netty jetty helidon undertow vertx nginx flupke
#                    (also "demo": samples/target/shockwave-demo.jar as the Shockwave column)
#   --skip-memory    leave out the idle-connection measurement
#   --skip-h2        leave out the h2c, h2, TLS and HTTP/3 runs (HTTP/1.1 in cleartext only)
#   --skip-h3        leave out the HTTP/3 runs
#   --skip-static    leave out the static-file runs
#   --static-only    only the static-file runs, of Shockwave and nginx
#   --port           the first of the ports every server listens on in turn (default 18380)
#   --connections    idle connections to hold (default 10000, --quick 1000)
#   --build          rebuild the benchmarks module first even if its classes exist
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
COMMAND_LINE="benchmarks/compare.sh${*:+ $*}"

QUICK=0 SKIP_MEMORY=0 SKIP_H2=0 SKIP_H3=0 SKIP_STATIC=0 STATIC_ONLY=0 BUILD=0 PORT=18380 ONLY="" CONNECTIONS=""
while (($#)); do
    case $1 in
        --quick) QUICK=1 ;;
        --skip-memory) SKIP_MEMORY=1 ;;
        --skip-h2) SKIP_H2=1 ;;
        --skip-h3) SKIP_H3=1 ;;
        --skip-static) SKIP_STATIC=1 ;;
        --static-only) STATIC_ONLY=1 SKIP_MEMORY=1 SKIP_H2=1 SKIP_H3=1 ONLY=${ONLY:-shockwave,nginx} ;;
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
# WARM_H2 is the warm-up of each later protocol (h2c, h2 over TLS, HTTP/1.1 over TLS):
# their paths are new to the JIT, but share the handlers the HTTP/1.1 runs compiled.
if ((QUICK)); then
    WARM_KEEPALIVE=1 WARM_PIPELINED=1 WARM_JSON=1 WARM_H2=1 WARM_H3=2 WARM_STATIC=1 RUN=3 H3_IDLE=100
    : "${CONNECTIONS:=1000}"
else
    # HTTP/3's warm-up is longer: Kwik's QUIC is a large body of code new to the JIT. Pinned
    # to one core, Shockwave's HTTP/3 went 7.5k -> 11.6k -> 15.6k req/s over its first three
    # 8 s runs, and C2 still took 20 % of the core after 30 s.
    WARM_KEEPALIVE=5 WARM_PIPELINED=3 WARM_JSON=2 WARM_H2=2 WARM_H3=20 WARM_STATIC=3 RUN=10 H3_IDLE=500
    : "${CONNECTIONS:=10000}"
fi
WRK_CONNECTIONS=64
PIPELINE_DEPTH=16
H2_CONNECTIONS=16      # h2load -c
H2_STREAMS=32          # h2load -m: concurrent streams per connection
H2_ONE_STREAMS=100     # -m of the one-connection run; every server allows 100 streams at once
H3_CONNECTIONS=4       # H3Load --connections
H3_STREAMS=16          # H3Load --streams: requests in flight per connection
READY_SECONDS=30       # a server that does not answer /plaintext by then fails its column
STOP_SECONDS=10        # SIGTERM, then SIGKILL
BUDGET_SECONDS=600     # a server not started by then is skipped: the run stays bounded
SERVER_CORE=0
CLIENT_CORE=1
# The same for every JVM server. Netty 4.2 needs Unsafe on JDK 25; native access only
# silences the warning its epoll transport's loadLibrary prints.
JVM_FLAGS=(-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch
           --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)

ALL_SERVERS=(shockwave netty jetty helidon undertow vertx nginx flupke)
declare -A TITLE=([shockwave]=Shockwave [demo]="Shockwave (demo)" [netty]=Netty [jetty]=Jetty
                  [helidon]=Helidon [undertow]=Undertow [vertx]=Vert.x [nginx]=nginx
                  [flupke]="Kwik + Flupke")
declare -A MAIN_CLASS=([shockwave]=ShockwaveServer [netty]=NettyServer [jetty]=JettyServer
                       [helidon]=HelidonServer [undertow]=UndertowServer [vertx]=VertxServer
                       [flupke]=FlupkeServer)
# HTTP/3 on UDP, on the TLS port number. Jetty's and Vert.x's need native libraries or
# incubating modules that are not set up here, and Debian's nginx 1.22 has none. The bare
# Kwik + Flupke server has HTTP/3 only: it is the baseline of Shockwave's HTTP/3.
H3_SERVERS=" shockwave demo netty flupke "
H3_ONLY=" flupke "
has_h3() { [[ $H3_SERVERS == *" $1 "* ]]; }
# The static-file table: Shockwave (from a directory, by sendfile) against nginx's sendfile.
STATIC_SERVERS=" shockwave nginx "
has_static() { ((!SKIP_STATIC)) && [[ $STATIC_SERVERS == *" $1 "* ]]; }
h3_only() { [[ $H3_ONLY == *" $1 "* ]]; }

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
# 10k.bin and 1m.bin, made below when a static run is wanted, in a directory of their own
# that nginx's worker (another user) may read; $TMP, with the key, stays private.
STATIC_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/shockwave-static.XXXXXX")
STATIC_DIR=$STATIC_ROOT/static
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
    rm -rf "$TMP" "$STATIC_ROOT"
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
if ((!SKIP_H2)); then
    command -v h2load >/dev/null || missing+=(nghttp2-client)
    command -v openssl >/dev/null || missing+=(openssl)
fi
if ((${#missing[@]})); then
    apt_install "${missing[@]}" || log "could not install ${missing[*]}"
    NGINX=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; })
fi
for tool in wrk curl taskset ss; do command -v "$tool" >/dev/null || die "$tool is missing"; done
# Without h2load or openssl the HTTP/1.1 runs still make a result; the table says why the
# others are missing.
SKIP_H2_WHY=""
if ((!SKIP_H2)) && ! { command -v h2load && command -v openssl; } >/dev/null; then
    SKIP_H2=1 SKIP_H2_WHY="h2load (nghttp2-client) or openssl is missing"
    log "$SKIP_H2_WHY: leaving out the h2c, h2, TLS and HTTP/3 runs"
fi
((SKIP_H2)) && SKIP_H3=1 # HTTP/3 needs the certificate, made only for the TLS runs

# --- Ports and the certificate --------------------------------------------------------
TLS_PORT=$((PORT + 1))
NGINX_H2C_PORT=$((PORT + 2)) # nginx 1.22 speaks only HTTP/2 on a cleartext "listen ... http2"
PORTS=("$PORT")
if ((!SKIP_H2)); then
    PORTS+=("$TLS_PORT")
    [[ " ${SERVERS[*]} " == *" nginx "* ]] && PORTS+=("$NGINX_H2C_PORT")
fi
# One self-signed EC P-256 certificate for every server of the run; the clients do not
# verify it. The key is unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), which OpenSSL 3 writes.
CERT=$TMP/cert.pem
KEY=$TMP/key.pem
if ((!SKIP_H2)); then
    timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$KEY" -out "$CERT" -days 2 -subj /CN=localhost \
        -addext subjectAltName=IP:127.0.0.1 >"$TMP/openssl.log" 2>&1 ||
        die "openssl could not make a certificate: $(tail -n 2 "$TMP/openssl.log" | tr '\n' ' ')"
    # The later runs take their own time: a budget made for HTTP/1.1 alone would skip the
    # last servers instead of bounding the run.
    BUDGET_SECONDS=$((BUDGET_SECONDS + ${#SERVERS[@]} * (4 * RUN + 3 * WARM_H2 + 10 + (SKIP_MEMORY ? 0 : 40))))
    ((SKIP_H3)) || BUDGET_SECONDS=$((BUDGET_SECONDS + 4 * (RUN + WARM_H3 + 10 + (SKIP_MEMORY ? 0 : 40))))
fi

if ((!SKIP_STATIC)); then
    mkdir -p "$STATIC_DIR"
    head -c 10240 /dev/urandom >"$STATIC_DIR/10k.bin"
    head -c 1048576 /dev/urandom >"$STATIC_DIR/1m.bin"
    chmod 755 "$STATIC_ROOT" "$STATIC_DIR" && chmod 644 "$STATIC_DIR"/*.bin
fi

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
[[ -f $PEER_CLASSPATH_FILE && -f $CLASSES/io/shockwave/benchmarks/IdleConnections.class &&
   -f $CLASSES/io/shockwave/benchmarks/tools/H3Load.class ]] || needs_build=1
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

# Whether any port of the run is listening.
port_in_use() {
    local p
    for p in "${PORTS[@]}"; do
        [[ -n $(ss -Hltn "( sport = :$p )" 2>/dev/null) ]] && return 0
    done
    ((!SKIP_H3)) && [[ -n $(ss -Hlun "( sport = :$TLS_PORT )" 2>/dev/null) ]]
}

# wrk from the client core; prints "requests duration_us p50_us p99_us socket_errors non2xx
# latency_source". BASE is the scheme, address and port (default: cleartext on --port).
run_wrk() {
    local out=$1 seconds=$2 path=$3 kind=$4 base=${5:-http://127.0.0.1:$PORT}
    local args=(-t1 -c"$WRK_CONNECTIONS" -d"${seconds}s" --latency)
    if [[ $kind == pipelined ]]; then
        args+=(-s "$WRK_DIR/pipeline.lua" "$base$path" -- "$PIPELINE_DEPTH")
    else
        args=(-s "$WRK_DIR/report.lua" "${args[@]}" "$base$path")
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
    local srv=$1 pid=$2 key=$3 path=$4 kind=$5 base=${6:-http://127.0.0.1:$PORT} before after stats
    local requests duration p50 p99 socket_errors non2xx source
    before=$(cpu_ticks "$pid")
    stats=$(run_wrk "$TMP/$srv.$key.wrk" "$RUN" "$path" "$kind" "$base")
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

# h2load from the client core; prints "succeeded duration_us failed errored protocol
# mean_us". h2load prints durations with their unit (us, ms or s) and the protocol it
# spoke ("h2c" in cleartext, what ALPN chose over TLS).
run_h2load() {
    local out=$1 seconds=$2 url=$3
    shift 3
    timeout -k 5 $((seconds + 30)) taskset -c "$CLIENT_CORE" h2load -t1 "$@" -D "$seconds" "$url" >"$out" 2>&1
    awk 'function us(v) {
             if (v ~ /us$/) return v + 0
             if (v ~ /ms$/) return v * 1000
             if (v ~ /s$/) return v * 1000000
             return ""
         }
         # Not anchored: its stderr diagnostics may leave a line unfinished before it.
         match($0, /Application protocol: [^ ]+/) { protocol = substr($0, RSTART + 22, RLENGTH - 22) }
         /^finished in / { duration = us(substr($3, 1, length($3) - 1)) }
         /^requests: / {
             for (i = 2; i < NF; i++) {
                 word = $(i + 1)
                 sub(/,$/, "", word)
                 if (word == "succeeded") ok = $i
                 else if (word == "failed") failed = $i
                 else if (word == "errored") errored = $i
             }
         }
         /^time for request:/ { mean = us($6) }
         END {
             if (duration != "" && ok != "")
                 print ok, duration, failed + 0, errored + 0, (protocol == "" ? "none" : protocol), (mean == "" ? 0 : mean)
         }' "$out"
}

# One measured h2load run: requests/s are the requests that succeeded over h2load's
# measured duration; the server's CPU time around it as in measure(). A run that spoke
# another protocol than EXPECTED (a server without h2 falls back to http/1.1 by ALPN) or
# had no request succeed is left out and noted.
measure_h2() {
    local srv=$1 pid=$2 key=$3 url=$4 expected=$5
    shift 5
    local before after stats succeeded duration failed errored protocol mean cpu_seconds
    before=$(cpu_ticks "$pid")
    stats=$(run_h2load "$TMP/$srv.$key.h2load" "$RUN" "$url" "$@")
    after=$(cpu_ticks "$pid")
    if [[ -z $stats ]]; then
        NOTES+=("${TITLE[$srv]}: h2load $key run gave no result: $(tail -n 3 "$TMP/$srv.$key.h2load" | tr '\n' ' ')")
        return 1
    fi
    read -r succeeded duration failed errored protocol mean <<<"$stats"
    if [[ $protocol != "$expected" ]] || ((succeeded == 0)); then
        NOTES+=("${TITLE[$srv]}: h2load $key spoke $protocol (not $expected), $succeeded requests succeeded: left out")
        return 1
    fi
    cpu_seconds=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }')
    R[$srv|${key}_rps]=$(awk -v r="$succeeded" -v d="$duration" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    R[$srv|${key}_cpu_rps]=$(awk -v r="$succeeded" -v c="$cpu_seconds" 'BEGIN { if (c > 0) printf "%.0f", r / c }')
    R[$srv|${key}_cpu_pct]=$(awk -v c="$cpu_seconds" -v d="$duration" 'BEGIN { printf "%.0f", 100 * c / (d / 1e6) }')
    R[$srv|${key}_mean]=$mean
    R[$srv|h2_failed]=$((${R[$srv|h2_failed]:-0} + failed))
    R[$srv|h2_errored]=$((${R[$srv|h2_errored]:-0} + errored))
    log "  $key: ${R[$srv|${key}_rps]} req/s ($protocol), mean ${mean} us, server CPU ${cpu_seconds} s, failed $failed, errored $errored"
}

# Whether the server can do MODE (h2c, h2 or h1-tls): it says so with "unsupported: MODE".
supports() {
    ! grep -qx "unsupported: $2" "$1" 2>/dev/null
}

# The h2c port: nginx's is a port of its own.
h2c_port() { if [[ $1 == nginx ]]; then echo "$NGINX_H2C_PORT"; else echo "$PORT"; fi; }

# h2c (many connections, then one), h2 over TLS and HTTP/1.1 over TLS, each protocol
# after a warm-up of its own; the one-connection h2c run follows the other, warm. A mode
# the server cannot do shows as n/a.
measure_h2_modes() {
    local srv=$1 pid=$2 log_file=$3 key h2c tls=https://127.0.0.1:$TLS_PORT
    h2c=http://127.0.0.1:$(h2c_port "$srv")/plaintext
    local many=(-c"$H2_CONNECTIONS" -m"$H2_STREAMS")
    if supports "$log_file" h2c; then
        run_h2load "$TMP/$srv.warm-h2c.h2load" "$WARM_H2" "$h2c" "${many[@]}" >/dev/null
        measure_h2 "$srv" "$pid" h2c "$h2c" h2c "${many[@]}"
        measure_h2 "$srv" "$pid" h2c1 "$h2c" h2c -c1 -m"$H2_ONE_STREAMS"
    else
        for key in h2c_rps h2c_cpu_rps h2c1_rps; do R[$srv|$key]=n/a; done
    fi
    if supports "$log_file" h2; then
        run_h2load "$TMP/$srv.warm-h2.h2load" "$WARM_H2" "$tls/plaintext" "${many[@]}" >/dev/null
        measure_h2 "$srv" "$pid" h2 "$tls/plaintext" h2 "${many[@]}"
    else
        for key in h2_rps h2_cpu_rps; do R[$srv|$key]=n/a; done
    fi
    if supports "$log_file" h1-tls; then
        run_wrk "$TMP/$srv.warm-tls1.wrk" "$WARM_H2" /plaintext keepalive "$tls" >/dev/null
        measure "$srv" "$pid" tls1 /plaintext keepalive "$tls"
    else
        for key in tls1_rps tls1_cpu_rps; do R[$srv|$key]=n/a; done
    fi
}

# Waits (at most 90 s) until the idle-connection CLIENT has printed "open N" to OUT; false if
# it never does.
await_idle_client() {
    local client=$1 out=$2 deadline=$((SECONDS + 90))
    while ! grep -q '^open ' "$out" 2>/dev/null && kill -0 "$client" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.2
    done
    grep -q '^open ' "$out"
}

# per_connection AFTER BEFORE COUNT UNIT: (AFTER - BEFORE) / COUNT / UNIT, two decimals.
per_connection() {
    awk -v a="$1" -v b="$2" -v n="$3" -v u="$4" 'BEGIN { printf "%.2f", (a - b) / n / u }'
}

# Closes the idle-connection client's standard input (HOLD_FD), so that it closes its
# connections and exits; SIGKILL if it has not within 30 s.
release_idle_client() {
    local client=$1 hold_fd=$2 deadline
    exec {hold_fd}>&-
    deadline=$((SECONDS + 30))
    while kill -0 "$client" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$client" 2>/dev/null
    wait "$client" 2>/dev/null
}

# The cost of idle keep-alive connections, each after one request: HTTP/1.1 by default, or
# PROTOCOL (h2c) on PORT, with results under KEY (idle, idle_h2c).
measure_idle() {
    local srv=$1 pid=$2 index=$3 jvm=$4 protocol=${5:-h1} port=${6:-$PORT} key=${7:-idle}
    local heap_before="" heap_after="" rss_before rss_after threads_after open_count
    sleep 1 # wrk's connections close
    ((jvm)) && heap_before=$(live_heap "$pid")
    rss_before=$(status_sum "$pid" VmRSS)

    # Eight source addresses per server, a different block for each, so the TIME_WAIT
    # left by one server's run never meets the next one.
    # HTTP/2's run takes a block of its own, above all of HTTP/1.1's.
    local sources=() a base=2
    [[ $protocol == h1 ]] || base=98
    for a in 0 1 2 3 4 5 6 7; do sources+=("127.0.0.$((base + index * 8 + a))"); done
    local out=$TMP/$srv.$key.out fifo=$TMP/$srv.$key.hold client hold_fd
    mkfifo "$fifo"
    taskset -c "$CLIENT_CORE" "$JAVA" -Xmx512m -cp "$CLASSES" io.shockwave.benchmarks.IdleConnections \
        --port "$port" --protocol "$protocol" --connections "$CONNECTIONS" --hold 120 \
        --sources "$(IFS=,; echo "${sources[*]}")" <"$fifo" >"$out" 2>&1 &
    client=$!
    STARTED_PIDS+=("$client")
    exec {hold_fd}>"$fifo" # the client holds its connections until this closes

    if await_idle_client "$client" "$out"; then
        sleep 1 # let the server finish with the last responses and park
        open_count=$(ss -Htn state established "( sport = :$port )" | wc -l)
        ((jvm)) && heap_after=$(live_heap "$pid")
        rss_after=$(status_sum "$pid" VmRSS)
        threads_after=$(status_sum "$pid" Threads)
        R[$srv|${key}_open]=$open_count
        R[$srv|${key}_threads]=$threads_after
        if ((open_count > 0)); then
            R[$srv|${key}_rss]=$(per_connection "$rss_after" "$rss_before" "$open_count" 1)
            if [[ -n $heap_before && -n $heap_after ]]; then
                R[$srv|${key}_heap]=$(per_connection "$heap_after" "$heap_before" "$open_count" 1024)
            fi
        fi
        local failed_line
        failed_line=$(grep -m 1 '^failed ' "$out")
        [[ -n $failed_line ]] && NOTES+=("${TITLE[$srv]}: $key client $failed_line")
        log "  $key ($protocol): $open_count open, heap ${R[$srv|${key}_heap]:-n/a} KiB/conn, RSS ${R[$srv|${key}_rss]:-n/a} KiB/conn, $threads_after threads"
    else
        NOTES+=("${TITLE[$srv]}: the $key client did not finish: $(tail -n 3 "$out" | tr '\n' ' ')")
    fi
    release_idle_client "$client" "$hold_fd"
}

# One H3Load run from the client core; prints "requests duration_us failed p50_us p99_us
# server_cpu_ticks client_cpu_pct". H3Load reads the server's CPU time itself, around its
# measured interval only (not its connection set-up and warm-up).
run_h3load() {
    local out=$1 warmup=$2 seconds=$3 pid=$4
    timeout -k 5 $((warmup + seconds + 40)) taskset -c "$CLIENT_CORE" "$JAVA" --enable-native-access=ALL-UNNAMED \
        -cp "$CLASSES:$(<"$PEER_CLASSPATH_FILE")" io.shockwave.benchmarks.tools.H3Load --port "$TLS_PORT" \
        --connections "$H3_CONNECTIONS" --streams "$H3_STREAMS" --warmup "$warmup" --duration "$seconds" \
        --cpu-pid "$pid" >"$out" 2>&1
    awk '/^h3stats / {
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            print v["requests"], v["duration_us"], v["failed"], v["p50_us"], v["p99_us"],
                  v["server_cpu_ticks"], v["client_cpu_pct"]
         }' "$out"
}

# HTTP/3 /plaintext after a warm-up, then idle QUIC connections.
measure_h3() {
    local srv=$1 pid=$2 stats requests duration failed p50 p99 ticks client_pct cpu_seconds
    stats=$(run_h3load "$TMP/$srv.h3.out" "$WARM_H3" "$RUN" "$pid")
    if [[ -z $stats ]]; then
        NOTES+=("${TITLE[$srv]}: H3Load gave no result: $(tail -n 3 "$TMP/$srv.h3.out" | tr '\n' ' ')")
        return 1
    fi
    read -r requests duration failed p50 p99 ticks client_pct <<<"$stats"
    if ((requests == 0)); then
        NOTES+=("${TITLE[$srv]}: no HTTP/3 request succeeded ($failed failed)")
        return 1
    fi
    cpu_seconds=$(awk -v t="$ticks" -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }')
    R[$srv|h3_rps]=$(awk -v r="$requests" -v d="$duration" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    R[$srv|h3_cpu_rps]=$(awk -v r="$requests" -v c="$cpu_seconds" 'BEGIN { if (c > 0) printf "%.0f", r / c }')
    R[$srv|h3_cpu_pct]=$(awk -v c="$cpu_seconds" -v d="$duration" 'BEGIN { printf "%.0f", 100 * c / (d / 1e6) }')
    R[$srv|h3_client_pct]=$client_pct
    R[$srv|h3_p50]=$p50
    R[$srv|h3_p99]=$p99
    R[$srv|h3_errors]=$failed
    log "  h3: ${R[$srv|h3_rps]} req/s, p99 ${p99} us, server CPU ${cpu_seconds} s, client CPU ${client_pct} %, failed $failed"
}

# The cost of idle QUIC connections, each after one HTTP/3 request (H3Idle holds them).
measure_idle_h3() {
    local srv=$1 pid=$2 jvm=$3 heap_before="" heap_after="" rss_before threads_before open_count
    local out=$TMP/$srv.idle_h3.out fifo=$TMP/$srv.idle_h3.hold client hold_fd
    ((jvm)) && heap_before=$(live_heap "$pid")
    rss_before=$(status_sum "$pid" VmRSS)
    threads_before=$(status_sum "$pid" Threads)
    mkfifo "$fifo"
    taskset -c "$CLIENT_CORE" "$JAVA" -Xmx512m --enable-native-access=ALL-UNNAMED \
        -cp "$CLASSES:$(<"$PEER_CLASSPATH_FILE")" io.shockwave.benchmarks.tools.H3Idle \
        --port "$TLS_PORT" --connections "$H3_IDLE" --hold 120 <"$fifo" >"$out" 2>&1 &
    client=$!
    STARTED_PIDS+=("$client")
    exec {hold_fd}>"$fifo"
    if await_idle_client "$client" "$out"; then
        sleep 1 # let the server finish with the last responses
        open_count=$(awk '/^open / { print $2 }' "$out")
        ((jvm)) && heap_after=$(live_heap "$pid")
        R[$srv|idle_h3_open]=$open_count
        if ((open_count > 0)); then
            R[$srv|idle_h3_rss]=$(per_connection "$(status_sum "$pid" VmRSS)" "$rss_before" "$open_count" 1)
            R[$srv|idle_h3_threads]=$(per_connection "$(status_sum "$pid" Threads)" "$threads_before" "$open_count" 1)
            if [[ -n $heap_before && -n $heap_after ]]; then
                R[$srv|idle_h3_heap]=$(per_connection "$heap_after" "$heap_before" "$open_count" 1024)
            fi
        fi
        local failed_line
        failed_line=$(grep -m 1 '^failed ' "$out")
        [[ -n $failed_line ]] && NOTES+=("${TITLE[$srv]}: idle QUIC client $failed_line")
        log "  idle QUIC: $open_count open, heap ${R[$srv|idle_h3_heap]:-n/a} KiB/conn," \
            "RSS ${R[$srv|idle_h3_rss]:-n/a} KiB/conn, ${R[$srv|idle_h3_threads]:-n/a} threads/conn"
    else
        NOTES+=("${TITLE[$srv]}: the idle QUIC client did not finish: $(tail -n 3 "$out" | tr '\n' ' ')")
    fi
    release_idle_client "$client" "$hold_fd"
}

# The static-file runs: each file checked byte for byte, warmed up, then measured as keep-alive runs.
measure_static() {
    local srv=$1 pid=$2 name key
    for name in 10k 1m; do
        if ! curl -s -m 10 "http://127.0.0.1:$PORT/static/$name.bin" | cmp -s - "$STATIC_DIR/$name.bin"; then
            NOTES+=("${TITLE[$srv]}: /static/$name.bin did not come back byte for byte")
            continue
        fi
        key=static$name
        run_wrk "$TMP/$srv.warm-$key.wrk" "$WARM_STATIC" "/static/$name.bin" keepalive >/dev/null
        measure "$srv" "$pid" "$key" "/static/$name.bin" keepalive
    done
}

start_server() {
    local srv=$1 log_file=$2 tls_args=()
    # The demo listens with TLS on 8443 unless told otherwise; the peers only when asked.
    if ((SKIP_H2)); then
        [[ $srv == demo ]] && tls_args=(--no-tls)
    else
        tls_args=(--tls-port "$TLS_PORT" --cert "$CERT" --key "$KEY")
    fi
    case $srv in
        nginx)
            local dir=$TMP/nginx
            local edits=(-e "s|@DIR@|$dir|g" -e "s|@PORT@|$PORT|g" -e "s|@TLS_PORT@|$TLS_PORT|g"
                         -e "s|@H2C_PORT@|$NGINX_H2C_PORT|g" -e "s|@CERT@|$CERT|g" -e "s|@KEY@|$KEY|g"
                         -e "s|@STATIC_ROOT@|$STATIC_ROOT|g")
            ((SKIP_H2)) && edits=(-e '/^[[:space:]]*# @H2-BEGIN@$/,/^[[:space:]]*# @H2-END@$/d' "${edits[@]}")
            mkdir -p "$dir"
            sed "${edits[@]}" benchmarks/nginx/nginx.conf.template >"$dir/nginx.conf"
            taskset -c "$SERVER_CORE" "$NGINX" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$log_file" 2>&1 &
            ;;
        demo)
            taskset -c "$SERVER_CORE" "$JAVA" "${JVM_FLAGS[@]}" -jar "$DEMO_JAR" --port "$PORT" "${tls_args[@]}" \
                >"$log_file" 2>&1 &
            ;;
        *)
            local static_args=()
            has_static "$srv" && static_args=(--static "$STATIC_DIR")
            taskset -c "$SERVER_CORE" "$JAVA" "${JVM_FLAGS[@]}" \
                -cp "$CLASSES:$(<"$PEER_CLASSPATH_FILE")" "io.shockwave.benchmarks.peers.${MAIN_CLASS[$srv]}" \
                --port "$PORT" "${tls_args[@]}" "${static_args[@]}" >"$log_file" 2>&1 &
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

# check_body SERVER URL BODY TYPE VERSION [CURL_OPTION...]: notes an answer with another
# body, Content-Type or HTTP version (curl's %{http_version}: 1.1 or 2).
check_body() {
    local srv=$1 url=$2 want_body=$3 want_type=$4 want_version=$5
    shift 5
    local out=$TMP/$srv.body meta body version type
    rm -f "$out"
    meta=$(curl -s -m 5 "$@" -o "$out" -w '%{http_version} %{content_type}' "$url")
    version=${meta%% *} type=${meta#* }
    body=$(cat "$out" 2>/dev/null)
    [[ $body == "$want_body" && $type == "$want_type"* && $version == "$want_version" ]] ||
        NOTES+=("${TITLE[$srv]}: $url ${*:+($*) }answered '$body' as '$type' over HTTP/$version")
}

check_bodies() {
    local srv=$1 log_file=$2 url path body type
    for path in plaintext json; do
        case $path in
            plaintext) body=$PLAINTEXT_BODY type=text/plain ;;
            json) body=$JSON_BODY type=application/json ;;
        esac
        check_body "$srv" "http://127.0.0.1:$PORT/$path" "$body" "$type" 1.1
        ((SKIP_H2)) && continue
        url=http://127.0.0.1:$(h2c_port "$srv")/$path
        supports "$log_file" h2c && check_body "$srv" "$url" "$body" "$type" 2 --http2-prior-knowledge
        url=https://127.0.0.1:$TLS_PORT/$path
        supports "$log_file" h2 && check_body "$srv" "$url" "$body" "$type" 2 -k --http2
        supports "$log_file" h1-tls && check_body "$srv" "$url" "$body" "$type" 1.1 -k --http1.1
    done
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
    if port_in_use; then FAILED[$srv]="a port of ${PORTS[*]} is in use before the start"; return; fi
    if h3_only "$srv"; then
        ((SKIP_H3)) && { FAILED[$srv]="HTTP/3 only, and the HTTP/3 runs are left out"; return; }
        run_h3_only "$srv" "$log_file"
        return
    fi

    log "${TITLE[$srv]}: starting on core $SERVER_CORE, port $PORT$( ((SKIP_H2)) || echo ", TLS port $TLS_PORT")"
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
    # The TLS listener may come up a moment after the cleartext one (nginx: together).
    if ((!SKIP_H2)); then
        deadline=$((SECONDS + 5))
        until curl -ks -m 1 -o /dev/null "https://127.0.0.1:$TLS_PORT/plaintext" || ((SECONDS >= deadline)); do
            sleep 0.2
        done
    fi
    log "  answering after $((SECONDS - started)) s; warming up"
    check_bodies "$srv" "$log_file"
    if ((!STATIC_ONLY)); then
        run_wrk "$TMP/$srv.warm1.wrk" "$WARM_KEEPALIVE" /plaintext keepalive >/dev/null
        run_wrk "$TMP/$srv.warm2.wrk" "$WARM_PIPELINED" /plaintext pipelined >/dev/null
        run_wrk "$TMP/$srv.warm3.wrk" "$WARM_JSON" /json keepalive >/dev/null

        measure "$srv" "$pid" ka /plaintext keepalive
        measure "$srv" "$pid" pipe /plaintext pipelined
        measure "$srv" "$pid" json /json keepalive
    fi
    has_static "$srv" && measure_static "$srv" "$pid"
    ((SKIP_MEMORY)) || measure_idle "$srv" "$pid" "$index" "$jvm"
    # After the HTTP/1.1 measurements, so that those run exactly as they did without these.
    ((SKIP_H2)) || measure_h2_modes "$srv" "$pid" "$log_file"
    ((SKIP_H2 || SKIP_MEMORY)) || measure_idle "$srv" "$pid" "$index" "$jvm" h2c "$(h2c_port "$srv")" idle_h2c
    if ((!SKIP_H3)) && has_h3 "$srv"; then
        measure_h3 "$srv" "$pid" && ((!SKIP_MEMORY)) && measure_idle_h3 "$srv" "$pid" "$jvm"
    fi

    if ! kill -0 "$pid" 2>/dev/null; then
        NOTES+=("${TITLE[$srv]}: the server exited during the run: $(tail -n 2 "$log_file" | tr '\n' ' ')")
    fi
    # Which transport Netty and Vert.x picked (epoll or NIO), as they print it.
    local said
    said=$(grep -m 1 '^transport:' "$log_file")
    [[ -n $said ]] && NOTES+=("${TITLE[$srv]}: $said")
    if ! stop_server "$pid"; then
        FAILED[$srv]="${FAILED[$srv]:-}a port of ${PORTS[*]} still in use after the stop"
        return 1
    fi
}

# A server with HTTP/3 alone: it says "ready on ..." when its UDP socket is bound; the
# warm-up of measure_h3 is its check (no request succeeding leaves the column empty).
run_h3_only() {
    local srv=$1 log_file=$2
    log "${TITLE[$srv]}: starting on core $SERVER_CORE, HTTP/3 only on UDP port $TLS_PORT"
    start_server "$srv" "$log_file"
    local pid=$SERVER_PID deadline=$((SECONDS + READY_SECONDS))
    until grep -q '^ready on ' "$log_file" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); do
        sleep 0.2
    done
    if ! grep -q '^ready on ' "$log_file"; then
        FAILED[$srv]="not ready within $READY_SECONDS s: $(tail -n 2 "$log_file" | tr '\n' ' ')"
    elif measure_h3 "$srv" "$pid"; then
        ((SKIP_MEMORY)) || measure_idle_h3 "$srv" "$pid" 1
    else
        FAILED[$srv]="no HTTP/3 result (see below)"
    fi
    if ! stop_server "$pid"; then
        FAILED[$srv]="${FAILED[$srv]:-}a port of ${PORTS[*]} still in use after the stop"
        return 1
    fi
}

# --- Run ------------------------------------------------------------------------------
port_in_use && die "a port of ${PORTS[*]} is in use: stop what listens there, or pass --port N"
START_EPOCH=$(date +%s)
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "JDK $JDK; servers: ${SERVERS[*]}; runs ${RUN} s; $CONNECTIONS idle connections; ports ${PORTS[*]}"
for i in "${!SERVERS[@]}"; do
    srv=${SERVERS[$i]}
    if (($(date +%s) - START_EPOCH > BUDGET_SECONDS)); then
        FAILED[$srv]="skipped: the run passed its $BUDGET_SECONDS s budget"
        continue
    fi
    if ! run_server "$srv" "$i"; then
        log "a port stays busy: stopping the run here"
        for rest in "${SERVERS[@]:i+1}"; do FAILED[$rest]="not run: a port of ${PORTS[*]} stayed busy"; done
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
    "h2c_rps|h2c /plaintext, req/s (h2load -c$H2_CONNECTIONS -m$H2_STREAMS) ↑|int|1"
    "h2c_cpu_rps|req per server-CPU-second, h2c ↑|int|1"
    "h2c1_rps|h2c one connection, req/s (-c1 -m$H2_ONE_STREAMS) ↑|int|1"
    "h2_rps|h2 over TLS /plaintext, req/s (-c$H2_CONNECTIONS -m$H2_STREAMS) ↑|int|1"
    "h2_cpu_rps|req per server-CPU-second, h2 over TLS ↑|int|1"
    "tls1_rps|HTTP/1.1 over TLS keep-alive, req/s (wrk -c$WRK_CONNECTIONS) ↑|int|1"
    "tls1_cpu_rps|req per server-CPU-second, HTTP/1.1 over TLS ↑|int|1"
    "errors|socket errors / non-2xx (all measured wrk runs) ↓|str|0"
    "h2_errors|h2load failed / errored requests (all measured h2load runs) ↓|str|0"
    "idle_open|idle keep-alive connections held|int|0"
    "idle_heap|live heap per idle connection, KiB ↓|kib|1"
    "idle_rss|RSS per idle connection, KiB ↓|kib|1"
    "idle_threads|threads with the idle connections open ↓|int|1"
    "idle_h2c_open|idle h2c connections held|int|0"
    "idle_h2c_heap|live heap per idle h2c connection, KiB ↓|kib|1"
    "idle_h2c_rss|RSS per idle h2c connection, KiB ↓|kib|1"
    "h3_rps|HTTP/3 /plaintext, req/s (H3Load -c$H3_CONNECTIONS -m$H3_STREAMS) ↑|int|1"
    "h3_cpu_rps|req per server-CPU-second, HTTP/3 ↑|int|1"
    "h3_p50|HTTP/3 latency p50 ↓|lat|1"
    "h3_p99|HTTP/3 latency p99 ↓|lat|1"
    "h3_cpu_pct|server CPU busy, HTTP/3 (of one core)|pct|0"
    "h3_client_pct|load generator CPU busy, HTTP/3 (of one core)|pct|0"
    "h3_errors|HTTP/3 failed requests ↓|str|0"
    "idle_h3_open|idle QUIC connections held|int|0"
    "idle_h3_heap|live heap per idle QUIC connection, KiB ↓|kib|1"
    "idle_h3_rss|RSS per idle QUIC connection, KiB ↓|kib|1"
    "idle_h3_threads|threads per idle QUIC connection ↓|str|0"
)
STATIC_ROWS=(
    "static10k_rps|10 KiB file, req/s (keep-alive, $WRK_CONNECTIONS conns) ↑|int|1"
    "static10k_cpu_rps|req per server-CPU-second, 10 KiB ↑|int|1"
    "static10k_p99|latency p99, 10 KiB ↓|lat|1"
    "static1m_rps|1 MiB file, req/s (keep-alive, $WRK_CONNECTIONS conns) ↑|int|1"
    "static1m_cpu_rps|req per server-CPU-second, 1 MiB ↑|int|1"
    "static1m_p99|latency p99, 1 MiB ↓|lat|1"
    "static1m_cpu_pct|server CPU busy, 1 MiB (of one core)|pct|0"
)

for srv in "${SERVERS[@]}"; do
    if [[ -n ${R[$srv|ka_rps]:-}${R[$srv|pipe_rps]:-} ]]; then
        R[$srv|errors]="${R[$srv|socket_errors]:-0} / ${R[$srv|non2xx]:-0}"
    fi
    if [[ -n ${R[$srv|h2c_rps]:-}${R[$srv|h2c1_rps]:-}${R[$srv|h2_rps]:-} ]]; then
        R[$srv|h2_errors]="${R[$srv|h2_failed]:-0} / ${R[$srv|h2_errored]:-0}"
    fi
    [[ $srv == nginx && -n ${R[$srv|idle_open]:-} ]] && R[$srv|idle_heap]="n/a"
    [[ $srv == nginx && -n ${R[$srv|idle_h2c_open]:-} ]] && R[$srv|idle_h2c_heap]="n/a"
done

# table [static]: the main table, or the static-file one (its servers only).
table() {
    local header="| metric |" rule="| --- |" row key label kind ratio srv cell base v rows=("${ROWS[@]}")
    local servers=("${SERVERS[@]}")
    if [[ ${1:-} == static ]]; then
        rows=("${STATIC_ROWS[@]}") servers=()
        for srv in "${SERVERS[@]}"; do has_static "$srv" && servers+=("$srv"); done
    fi
    for srv in "${servers[@]}"; do header+=" ${TITLE[$srv]} |"; rule+=" ---: |"; done
    echo "$header"
    echo "$rule"
    for row in "${rows[@]}"; do
        IFS='|' read -r key label kind ratio <<<"$row"
        if [[ $key == idle_* ]] && ((SKIP_MEMORY)); then continue; fi
        if [[ $key == h2c_* || $key == h2c1_* || $key == h2_* || $key == tls1_* || $key == idle_h2c_* ]] && ((SKIP_H2)); then continue; fi
        if [[ $key == h3_* || $key == idle_h3_* ]] && ((SKIP_H3)); then continue; fi
        if [[ $key == ka_* || $key == pipe_* || $key == json_* || $key == errors ]] && ((STATIC_ONLY)); then continue; fi
        cell="| $label |"
        base=${R[$BASELINE|$key]:-}
        for srv in "${servers[@]}"; do
            v=${R[$srv|$key]:-}
            # HTTP/3 rows of a server without it, and every other row of one with HTTP/3 alone.
            if [[ $key == h3_* || $key == idle_h3_* ]]; then
                has_h3 "$srv" || v=n/a
            elif h3_only "$srv"; then
                v=n/a
            fi
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
    echo "# Shockwave and its peers, HTTP/1.1$( ((SKIP_H2)) || echo ", h2c, h2 and TLS")$( ((SKIP_H3)) || echo ", HTTP/3") — $(date '+%Y-%m-%d %H:%M %Z')"
    echo
    ((QUICK)) && { echo "**A --quick smoke run: short runs, not a result.**"; echo; }
    echo "- Command: \`$COMMAND_LINE\` ($ELAPSED s)"
    echo "- Commit: $commit"
    echo "- Machine: $(nproc) CPUs, $cpu_model, Linux $(uname -r); load average at the start: $LOAD_AT_START"
    echo "- JDK: $jdk_version; every JVM server runs with \`${JVM_FLAGS[*]}\`"
    echo "- Client: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)$( ((SKIP_H2)) || echo ", $(h2load --version 2>&1 | head -n 1)");" \
        "nginx: ${nginx_version:-not installed}"
    echo "- Method: server pinned to core $SERVER_CORE, wrk \`-t1 -c$WRK_CONNECTIONS\` pinned to core $CLIENT_CORE;" \
        "warm-up $((WARM_KEEPALIVE + WARM_PIPELINED + WARM_JSON)) s, then $RUN s per measured run;" \
        "pipelining depth $PIPELINE_DEPTH; latencies as wrk measured them, without the samples it adds" \
        "for coordinated omission; CPU = the server's utime+stime over the run;" \
        "$(group "$CONNECTIONS") idle connections, each after one request. Ratios are to the Shockwave column;" \
        "↑ higher is better, ↓ lower is better."
    if ((!SKIP_H2)); then
        echo "- HTTP/2 and TLS: after the HTTP/1.1 runs, h2load \`-t1\` pinned to core $CLIENT_CORE, h2c with prior" \
            "knowledge on port $PORT (nginx: $NGINX_H2C_PORT), h2 by ALPN on TLS port $TLS_PORT, wrk over TLS (no ALPN:" \
            "HTTP/1.1); the JDK's TLS in every JVM server, one self-signed EC P-256 certificate; warm-up $WARM_H2 s" \
            "per protocol, then $RUN s per measured run; h2load req/s = succeeded requests / measured duration."
    elif [[ -n $SKIP_H2_WHY ]]; then
        echo "- HTTP/2 and TLS runs left out: $SKIP_H2_WHY"
    fi
    if ((!SKIP_H3)); then
        echo "- HTTP/3: last, on UDP port $TLS_PORT with the same certificate; \`H3Load\` (benchmarks/tools: Netty's" \
            "QUIC on quiche, one event-loop thread) pinned to core $CLIENT_CORE, $H3_CONNECTIONS connections x" \
            "$H3_STREAMS streams, warm-up $WARM_H3 s, then $RUN s measured; the server's CPU time is read by H3Load" \
            "around the measured interval. Above about 90 % load generator CPU the client limits the figure." \
            "Netty's HTTP/3 is netty-codec-http3 on quiche (native) beside its TCP listeners; Kwik + Flupke is bare" \
            "Kwik 0.10.8 and Flupke 0.9.4 with a trivial handler. Idle QUIC: $(group "$H3_IDLE") connections" \
            "(\`H3Idle\`), each after one request."
    fi
    if ((!STATIC_ONLY)); then
        echo
        table
    fi
    if ((!SKIP_STATIC)); then
        echo
        echo "Static files: two files of random bytes under /static/, wrk \`-t1 -c$WRK_CONNECTIONS\` keep-alive pinned to" \
            "core $CLIENT_CORE, warm-up $WARM_STATIC s per file, then $RUN s; nginx with \`sendfile on\`, Shockwave's" \
            "\`StaticFiles\` from a directory (sendfile(2) on the epoll transport). Socket errors / non-2xx:" \
            "$(for srv in "${SERVERS[@]}"; do has_static "$srv" && printf '%s %s / %s; ' "${TITLE[$srv]}" \
                "${R[$srv|socket_errors]:-0}" "${R[$srv|non2xx]:-0}"; done)"
        echo
        table static
    fi
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
