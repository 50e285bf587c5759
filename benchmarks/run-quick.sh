#!/usr/bin/env bash
# The quick profile of Latchkey's JMH suite: every benchmark, one fork, 3 x 1 s warm-up and 5 x 1 s
# measurement iterations (about 7 minutes on 2 cores, most of it CIDR parameters and loading a million rows
# into H2). Writes JMH JSON to benchmarks/results/quick.json, the machine description to
# benchmarks/results/quick-machine.txt and the markdown table with the target ratios to
# benchmarks/results/quick.md (printed too).
#
#   benchmarks/run-quick.sh                     # everything
#   benchmarks/run-quick.sh 'HotPathBenchmark'  # extra arguments go to JMH (a benchmark regex, -p, -prof ...)
#
# PostgreSQL cold path: set LATCHKEY_BENCH_POSTGRES_URL (e.g. jdbc:postgresql://127.0.0.1:5432/test) and
# optionally LATCHKEY_BENCH_POSTGRES_USER / LATCHKEY_BENCH_POSTGRES_PASSWORD; tables prefixed lkbench_ are
# created there and emptied.
#
# The jar is (re)built when missing or older than any source of the modules it contains
# (mvn -pl benchmarks -am -DskipTests package: nothing is installed, no test runs).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/results
if [[ ! -f $JAR ]] || [[ -n "$(find pom.xml benchmarks/pom.xml token-*/pom.xml token-*/src/main benchmarks/src/main -newer "$JAR" -type f -print -quit 2>/dev/null)" ]]; then
  echo "building $JAR ..." >&2
  mvn -q -pl benchmarks -am -DskipTests package
fi
mkdir -p "$OUT"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "nproc: $(nproc)"
  echo "memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "vm: $(java -version 2>&1 | sed -n 3p)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/quick-machine.txt"

PARAMS=()
if [[ -n "${LATCHKEY_BENCH_POSTGRES_URL:-}" ]]; then
  PARAMS=(-p database=h2,postgresql)
fi

start=$(date +%s)
java -jar "$JAR" \
  -f 1 -wi 3 -w 1s -i 5 -r 1s \
  -foe true \
  -rf json -rff "$OUT/quick.json" \
  ${PARAMS[@]+"${PARAMS[@]}"} "$@"
end=$(date +%s)

{
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "duration: $((end - start)) s"
} >> "$OUT/quick-machine.txt"

python3 benchmarks/report.py "$OUT/quick.json" "$OUT/quick-machine.txt" > "$OUT/quick.md"
cat "$OUT/quick.md"
