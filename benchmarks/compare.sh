#!/usr/bin/env bash
# Side-by-side benchmark of Bulwark against ClamAV (and YARA), in one run, alternating the tools.
#
#   benchmarks/compare.sh                 # full run (~1 GB corpus, 2 repetitions)
#   REPS=3 CORPUS_MB=1000 BIG_MB=200 benchmarks/compare.sh
#   ONLY="load big" benchmarks/compare.sh # some sections: load big corpus objects yara startup subset
#
# Databases come from ../shared/tools/gen_sigs.py (small / medium / large presets) and are fed to both
# engines unchanged. Every measurement is /usr/bin/time -v of the whole process: wall seconds, CPU
# seconds (user+sys) and peak RSS. Throughput is reported per wall second and per CPU second (the
# latter is what to compare on a shared machine). Results: $WORK/results.tsv, a summary on stdout and
# docs/BENCHMARKS.md (section between the BEGIN/END markers is regenerated).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WORK:-/tmp/bulwark-compare}"
REPS="${REPS:-2}"
CORPUS_MB="${CORPUS_MB:-1000}"     # mixed real files, scanned with the small database
BIG_MB="${BIG_MB:-200}"            # one file of concatenated shared libraries: per-byte speed
OBJECTS="${OBJECTS:-500}"          # small files: per-object cost
# Large database end to end on real files: a subset of the corpus (every 5th file of corpus.list from the 5th on,
# up to SUBSET_MB) scanned with the large database from text and from the snapshot, against clamscan. clamscan
# needs ~2 CPU-s per MB plus ~6 s of load with that database, so 30 MB cost ~1 minute per repetition for it.
SUBSET_MB="${SUBSET_MB:-30}"
ONLY="${ONLY:-load big corpus objects yara startup subset}"
DOC="${DOC:-$here/docs/BENCHMARKS.md}"  # where the generated section is written
GEN_SIGS="${GEN_SIGS:-$here/../shared/tools/gen_sigs.py}"
[ -f "$GEN_SIGS" ] || GEN_SIGS=/work/shared/tools/gen_sigs.py
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
BULWARK="$here/bin/bulwark"
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"

log() { echo "[compare $(date -u +%H:%M:%S)] $*" >&2; }
has() { [[ " $ONLY " == *" $1 "* ]]; }

# ---- build -----------------------------------------------------------------------------------
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building bulwark"
  (cd "$here" && mvn -q -B -o -DskipTests package >/dev/null 2>&1) || (cd "$here" && mvn -q -B -DskipTests package >/dev/null)
fi
# the launcher's start-up cache (JDK AOT cache) is trained in the background on first use; make it now so
# no training run competes with the measurements
BULWARK_AOT=sync "$BULWARK" --help >/dev/null 2>&1 || true

# ---- databases -------------------------------------------------------------------------------
for s in small medium large; do
  if [ ! -f "$WORK/db-$s/db/synth.ndb" ]; then
    log "generating $s database"
    python3 "$GEN_SIGS" --size "$s" --out "$WORK/db-$s" >/dev/null
  fi
done
SNAP=0
if "$BULWARK" db compile -d "$WORK/db-small/db" -o "$WORK/db-small.bsnap" >/dev/null 2>&1; then
  SNAP=1
  for s in medium large; do
    # kept from an earlier run unless this build refuses it (older snapshot format)
    if [ ! -f "$WORK/db-$s.bsnap" ] || ! "$BULWARK" db info "$WORK/db-$s.bsnap" >/dev/null 2>&1; then
      "$BULWARK" db compile -d "$WORK/db-$s/db" -o "$WORK/db-$s.bsnap" >/dev/null
    fi
  done
fi

# ---- corpus ----------------------------------------------------------------------------------
if [ ! -f "$WORK/corpus.list" ] || [ "$(cat "$WORK/corpus.mb" 2>/dev/null)" != "$CORPUS_MB/$BIG_MB/$OBJECTS" ]; then
  log "assembling corpus lists"
  python3 - "$WORK" "$CORPUS_MB" "$BIG_MB" "$OBJECTS" <<'EOF'
import os, random, sys
work, corpus_mb, big_mb, objects = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
roots = ["/usr/lib", "/usr/share", "/usr/lib/jvm"]
skip = ("/usr/lib/debug", "/usr/share/package-lists")
files, seen = [], set()
for root in roots:
    for d, dirs, names in os.walk(root):
        dirs.sort()
        if d.startswith(skip):
            dirs[:] = []
            continue
        for n in sorted(names):
            p = os.path.join(d, n)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            import stat
            if not stat.S_ISREG(st.st_mode) or st.st_size == 0 or st.st_size > 60 << 20:
                continue
            if (st.st_dev, st.st_ino) in seen or not os.access(p, os.R_OK):
                continue
            seen.add((st.st_dev, st.st_ino))
            files.append((p, st.st_size))
rnd = random.Random(42)
rnd.shuffle(files)
out, total = [], 0
for p, s in files:
    if total >= corpus_mb * 1_000_000:
        break
    out.append(p); total += s
with open(os.path.join(work, "corpus.list"), "w") as f:
    f.write("\n".join(out) + "\n")
small = [p for p, s in files if s <= 16384][:objects]
with open(os.path.join(work, "objects.list"), "w") as f:
    f.write("\n".join(small) + "\n")
libs = sorted((p for p, s in files if ".so" in os.path.basename(p) and s > 1 << 20), key=lambda p: p)
n = 0
with open(os.path.join(work, "big.bin"), "wb") as f:
    for p in libs:
        if n >= big_mb * 1_000_000:
            break
        with open(p, "rb") as g:
            b = g.read(big_mb * 1_000_000 - n)
        f.write(b); n += len(b)
print(f"corpus {len(out)} files {total/1e6:.1f} MB; objects {len(small)}; big.bin {n/1e6:.1f} MB", file=sys.stderr)
EOF
  echo "$CORPUS_MB/$BIG_MB/$OBJECTS" > "$WORK/corpus.mb"
fi
CORPUS_BYTES=$(xargs -d '\n' stat -c %s < "$WORK/corpus.list" | awk '{s+=$1} END {print s}')
CORPUS_FILES=$(wc -l < "$WORK/corpus.list")
BIG_BYTES=$(stat -c %s "$WORK/big.bin")
OBJ_FILES=$(wc -l < "$WORK/objects.list")
OBJ_BYTES=$(xargs -d '\n' stat -c %s < "$WORK/objects.list" | awk '{s+=$1} END {print s}')
python3 - "$WORK/corpus.list" "$WORK/subset.list" "$SUBSET_MB" <<'EOF'
import os, sys
files = [l for l in open(sys.argv[1]).read().split("\n") if l]
out, total = [], 0
for p in files[4::5]:
    if total >= float(sys.argv[3]) * 1_000_000:
        break
    out.append(p); total += os.path.getsize(p)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
EOF
SUBSET_FILES=$(grep -c . "$WORK/subset.list" || true)
SUBSET_BYTES=$(xargs -d '\n' -r stat -c %s < "$WORK/subset.list" | awk '{s+=$1} END {print s+0}')
: > "$WORK/empty"
printf 'X5O!P%%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$WORK/eicar.txt"

# ---- YARA rules from the small database's body signatures --------------------------------------
python3 - "$WORK/db-small/db/synth.ndb" "$WORK/rules.yar" <<'EOF'
import re, sys
rules = []
for i, line in enumerate(open(sys.argv[1])):
    name, target, off, hexs = line.rstrip("\n").split(":", 3)
    y = re.sub(r"\{(\d*)-(\d*)\}", lambda m: "[%s-%s]" % (m.group(1), m.group(2)), hexs).replace("*", "[-]")
    y = " ".join(re.findall(r"\[[^\]]*\]|\?\?|[0-9a-f]{2}", y))
    rules.append("rule r%d { strings: $a = { %s } condition: $a }" % (i, y))
open(sys.argv[2], "w").write("\n".join(rules) + "\n")
EOF

# `bulwark yara` keeps compiled rule sets between runs (RuleCache); fill it outside the measurements, as the AOT
# cache above, so every bulwark row runs from it; the `bulwark-nocache` rows compile the rules (as yara always does)
export BULWARK_YARA_CACHE="$WORK/yara-cache"
if has yara; then
  # realistic rules (text/hex/regex strings cut from the corpus, public rule sets' conditions): benchmarks/yara_rules.py
  python3 "$here/benchmarks/yara_rules.py" "$WORK/corpus.list" "$WORK/rules-real.yar" 500
  for r in rules.yar rules-real.yar; do "$BULWARK" yara -w "$WORK/$r" "$WORK/empty" >/dev/null 2>&1 || true; done
fi

# ---- measurement -----------------------------------------------------------------------------
# measure LABEL BYTES CMD...: one run, appended to results.tsv as label wall cpu rss_kb bytes exit
measure() {
  local label="$1" bytes="$2"; shift 2
  local t="$WORK/time.out" rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >"$WORK/last.out" 2>"$WORK/last.err" || rc=$?
  read -r wall user sys rss < <(tail -1 "$t")
  local cpu; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$wall" "$cpu" "$rss" "$bytes" "$rc" >> "$RESULTS"
  printf '%s\n' "$*" > "$WORK/cmd.$(echo "$label" | tr -c 'a-zA-Z0-9.-' _)"
  log "$label: wall ${wall}s cpu ${cpu}s rss $((rss / 1024)) MB exit $rc"
}

CLAM="clamscan --no-summary --infected"
BW="$BULWARK scan --no-summary --infected"
for rep in $(seq 1 "$REPS"); do
  log "repetition $rep of $REPS"
  if has startup; then
    measure "startup clamscan small" 68 $CLAM -d "$WORK/db-small/db" "$WORK/eicar.txt"
    measure "startup bulwark small" 68 $BW -d "$WORK/db-small/db" "$WORK/eicar.txt"
    [ $SNAP = 1 ] && measure "startup bulwark-snapshot small" 68 $BW -d "$WORK/db-small.bsnap" "$WORK/eicar.txt"
  fi
  if has load; then
    for s in small medium large; do
      measure "load clamscan $s" 0 $CLAM -d "$WORK/db-$s/db" "$WORK/empty"
      measure "load bulwark $s" 0 $BW -d "$WORK/db-$s/db" "$WORK/empty"
      [ $SNAP = 1 ] && measure "load bulwark-snapshot $s" 0 $BW -d "$WORK/db-$s.bsnap" "$WORK/empty"
    done
  fi
  if has big; then
    for s in small medium large; do
      measure "big clamscan $s" "$BIG_BYTES" $CLAM -d "$WORK/db-$s/db" "$WORK/big.bin"
      measure "big bulwark $s" "$BIG_BYTES" $BW --threads=1 -d "$WORK/db-$s/db" "$WORK/big.bin"
    done
  fi
  if has objects; then
    for s in small medium; do
      measure "objects clamscan $s" "$OBJ_BYTES" $CLAM -d "$WORK/db-$s/db" -f "$WORK/objects.list"
      measure "objects bulwark $s" "$OBJ_BYTES" $BW --threads=1 -d "$WORK/db-$s/db" -f "$WORK/objects.list"
    done
  fi
  if has corpus; then
    measure "corpus cat" "$CORPUS_BYTES" sh -c "xargs -d '\n' cat < '$WORK/corpus.list' > /dev/null"
    measure "corpus clamscan small" "$CORPUS_BYTES" $CLAM -d "$WORK/db-small/db" -f "$WORK/corpus.list"
    measure "corpus bulwark small 1-thread" "$CORPUS_BYTES" $BW --threads=1 -d "$WORK/db-small/db" -f "$WORK/corpus.list"
    measure "corpus bulwark small all-threads" "$CORPUS_BYTES" $BW -d "$WORK/db-small/db" -f "$WORK/corpus.list"
  fi
  if has subset && [ "$SUBSET_FILES" -gt 0 ]; then
    measure "subset clamscan large" "$SUBSET_BYTES" $CLAM -d "$WORK/db-large/db" -f "$WORK/subset.list"
    measure "subset bulwark large 1-thread" "$SUBSET_BYTES" $BW --threads=1 -d "$WORK/db-large/db" -f "$WORK/subset.list"
    [ $SNAP = 1 ] && measure "subset bulwark-snapshot large 1-thread" "$SUBSET_BYTES" $BW --threads=1 -d "$WORK/db-large.bsnap" -f "$WORK/subset.list"
  fi
  if has yara; then
    measure "yara yara 1k-rules" "$BIG_BYTES" yara -p 1 "$WORK/rules.yar" "$WORK/big.bin"
    measure "yara bulwark 1k-rules" "$BIG_BYTES" "$BULWARK" yara -p 1 "$WORK/rules.yar" "$WORK/big.bin"
    measure "yara bulwark-nocache 1k-rules" "$BIG_BYTES" env BULWARK_YARA_CACHE=off "$BULWARK" yara -p 1 "$WORK/rules.yar" "$WORK/big.bin"
    # many files: the corpus list, one scanning thread (yara 4.2.3's --scan-list), then the realistic rules
    yara_same() {  # the two tools' outputs of the last two measurements must be the same lines
      if ! cmp -s <(sort "$WORK/yara.out") <(sort "$WORK/last.out"); then log "WARNING: $1: bulwark yara's output differs from yara's"; fi
    }
    measure "yara yara files-1k" "$CORPUS_BYTES" yara -w -p 1 --scan-list "$WORK/rules.yar" "$WORK/corpus.list"
    cp "$WORK/last.out" "$WORK/yara.out"
    measure "yara bulwark files-1k" "$CORPUS_BYTES" "$BULWARK" yara -w -p 1 --scan-list "$WORK/rules.yar" "$WORK/corpus.list"
    yara_same files-1k
    measure "yara yara real-big" "$BIG_BYTES" yara -w -s -p 1 "$WORK/rules-real.yar" "$WORK/big.bin"
    cp "$WORK/last.out" "$WORK/yara.out"
    measure "yara bulwark real-big" "$BIG_BYTES" "$BULWARK" yara -w -s -p 1 "$WORK/rules-real.yar" "$WORK/big.bin"
    yara_same real-big
    measure "yara bulwark-nocache real-big" "$BIG_BYTES" env BULWARK_YARA_CACHE=off "$BULWARK" yara -w -s -p 1 "$WORK/rules-real.yar" "$WORK/big.bin"
    measure "yara yara files-real" "$CORPUS_BYTES" yara -w -p 1 --scan-list "$WORK/rules-real.yar" "$WORK/corpus.list"
    cp "$WORK/last.out" "$WORK/yara.out"
    measure "yara bulwark files-real" "$CORPUS_BYTES" "$BULWARK" yara -w -p 1 --scan-list "$WORK/rules-real.yar" "$WORK/corpus.list"
    yara_same files-real
  fi
done

if [ "${DAEMON:-1}" = 1 ]; then SKIP_BUILD=1 REPS="$REPS" WORK="$WORK/daemon" "$here/benchmarks/daemon-compare.sh"; fi  # daemon vs clamd (DAEMON=0: skip)
# ---- summary ---------------------------------------------------------------------------------
python3 "$here/benchmarks/summarize.py" "$WORK" "$DOC" \
  "corpus_files=$CORPUS_FILES" "corpus_bytes=$CORPUS_BYTES" "big_bytes=$BIG_BYTES" \
  "objects=$OBJ_FILES" "reps=$REPS" "subset_files=$SUBSET_FILES" "subset_bytes=$SUBSET_BYTES"
