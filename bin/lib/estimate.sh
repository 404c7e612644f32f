# Sourced by bin/bulwark: what a command will cost, guessed before the JVM starts, from its arguments and the
# sizes of its files and databases (no JVM, few forks). Each guess picks JIT and heap options; a wrong guess
# costs speed, never behaviour. Uses bin/bulwark's TEXT_DB_MAX, SHORT_FILES, SHORT_BYTES, TINY_FILES,
# TINY_BYTES, want_stamp and stat_files.

# Sets dbsize to the bytes of the database $1 (a directory counts with everything in it; 0 when it is missing),
# remembered per path: short_scan, large_text_scan and mid_text_scan all ask, and a directory costs a `du`.
declare -A db_sizes=()
db_size() {
  if [ -z "${db_sizes[$1]+x}" ]; then
    local size=0
    if [ -d "$1" ]; then size="$(du -sb -- "$1" 2>/dev/null | cut -f1)"; elif [ -e "$1" ]; then size="$(stat -L -c %s -- "$1" 2>/dev/null)"; fi
    db_sizes[$1]="${size:-0}"
  fi
  dbsize="${db_sizes[$1]}"
}

# True when $1 is a signature database compiled from text (not a .bsnap snapshot) of more than TEXT_DB_MAX bytes.
large_text_db() {
  case "$1" in ''|*.bsnap) return 1 ;; esac   # '' names no database (the JVM reports it): no key for db_size
  db_size "$1"
  [ "$dbsize" -gt "$TEXT_DB_MAX" ]
}

# True when $1 is one of clamscan's long options that take a value (ClamscanOptions.VALUED): its value may be
# the next argument, which is then not a file to scan.
valued_option() {
  case "$1" in
    database|log|move|copy|file-list|exclude|exclude-dir|include|include-dir|max-filesize|max-scansize|max-files|\
    max-recursion|max-scantime|max-dir-recursion|follow-dir-symlinks|follow-file-symlinks|threads|yara-rules|tempdir|\
    max-embeddedpe|max-htmlnormalize|max-htmlnotags|max-scriptnormalize|max-ziptypercg|max-partitions|max-iconspe|\
    max-rechwp3|pcre-match-limit|pcre-recmatch-limit|pcre-max-filesize|exclude-pua|include-pua|structured-ssn-format|\
    structured-ssn-count|structured-cc-count|fail-if-cvd-older-than|bytecode-timeout|bytecode-mode|statistics|\
    cvdcertsdir|progress) return 0 ;;
    # (cli10) clamscan's deprecated and hidden options that take a value (--unzip and the like only as --unzip=X)
    max-ratio|max-space|timelimit|cache-size) return 0 ;;
  esac
  return 1
}

# Sets pp to $1 spelled so that find, head and stat take it as a path, never as an option or an expression
# ("-x", "!"); no subshell (a fork per path would cost more than the estimate saves).
plain_path() {
  case "$1" in /*) pp="$1" ;; *) pp="./$1" ;; esac
}

# True when the scan arguments after $2 name (as clamscan reads them, see scan_args) a database of kind $1
# (`snapshot`: a .bsnap file; `text`: any other) of more than $2 bytes. No default database is assumed.
db_above() {
  local kind="$1" limit="$2" a
  shift 2
  scan_args "$@"
  for a in ${sa_dbs[@]+"${sa_dbs[@]}"}; do
    [ -n "$a" ] || continue                # '' names no database (the JVM reports it): no key for db_size
    if snapshot_db "$a"; then [ "$kind" = snapshot ] || continue; else [ "$kind" = text ] || continue; fi
    db_size "$a"
    [ "$dbsize" -gt "$limit" ] && return 0
  done
  return 1
}

# True when $1 names a compiled snapshot (by its extension, as the loader tells them apart).
snapshot_db() {
  case "$1" in *.bsnap) return 0 ;; esac
  return 1
}

# True when every argument is a regular file (after symbolic links).
regular_files() {
  local f
  for f in "$@"; do [ -f "$f" ] || return 1; done
}

# Reads a `scan` command's arguments (those after `scan`) as clamscan's option parser does, once per run
# (short_scan, archive_heavy_scan, large_text_scan and mid_text_scan all ask): sets sa_dbs (every -d/--database
# value, in order), sa_lists (-f lists), sa_paths (the files and directories named; after `--` every argument),
# sa_stdin (`-` was named) and sa_json (--json). Paths are spelled by plain_path. A valued option takes the next
# argument whatever it looks like, as clamscan's getopt does (`-l -dX` logs to "-dX", `--exclude -d X` excludes
# "-d" and scans X) and as ClamscanOptions does.
sa_done=""
scan_args() {
  [ -n "$sa_done" ] && return 0
  sa_done=1; sa_dbs=(); sa_lists=(); sa_paths=(); sa_stdin=""; sa_json=""
  local a want="" rest="" pp s c
  for a in "$@"; do
    if [ -n "$want" ]; then
      case "$want" in
        database) sa_dbs+=("$a") ;;
        file-list) plain_path "$a"; sa_lists+=("$pp") ;;
      esac
      want=""; continue
    fi
    if [ -n "$rest" ]; then plain_path "$a"; sa_paths+=("$pp"); continue; fi
    case "$a" in
      -) sa_stdin=1 ;;
      --) rest=1 ;;
      # (startup3) a --json scan is not tiny: the tiny cache leaves out its SHA-256, Formatter and locale classes
      # (~110, which every tiny run would load at start-up); it starts from the main cache instead
      --json|--json=*) sa_json=1 ;;
      --database=*) sa_dbs+=("${a#--database=}") ;;
      --file-list=*) plain_path "${a#--file-list=}"; sa_lists+=("$pp") ;;
      --*=*) ;;
      --*) valued_option "${a#--}" && want="${a#--}" ;;
      -*)
        # (tidy9) single-letter options as getopt reads them: bundled flags (-ri), and the first letter that takes
        # a value (d, f, l) takes the rest of the argument (-dX, -rdX) or else the next one (-rd X); -dr X loads a
        # database named "r". Letters clamscan does not know end the command in the JVM: skipped here.
        s="${a#-}"
        while [ -n "$s" ]; do
          c="${s:0:1}"; s="${s:1}"
          case "$c" in
            d|f|l)
              if [ -z "$s" ]; then
                case "$c" in d) want=database ;; f) want=file-list ;; l) want=log ;; esac
              elif [ "$c" = d ]; then sa_dbs+=("$s")
              elif [ "$c" = f ]; then plain_path "$s"; sa_lists+=("$pp")
              fi
              break ;;
          esac
        done ;;
      *) plain_path "$a"; sa_paths+=("$pp") ;;
    esac
  done
}

# True when the command is a `scan` whose work is too small for C2 to pay off: every database a snapshot or
# text of at most TEXT_DB_MAX bytes, and the files named, listed (-f) or found in the directories named add up
# to at most SHORT_FILES files and SHORT_BYTES bytes. Only an estimate (directories are counted whole, with or
# without -r; a directory inside a -f list, standard input or anything unreadable counts as long), so a wrong
# guess costs speed, never behaviour. Also sets tiny when the scan is tiny (TINY_FILES, TINY_BYTES, snapshots
# only). Cost: for at most TINY_FILES named regular files, nothing beyond the `stat` the AOT cache's stamp runs
# anyway (stat_files); otherwise `find` or `stat` over at most SHORT_FILES + 1 entries (~13 ms for 300 listed
# files, ~25 ms for a directory of 4,000).
short_scan() {
  tiny=""; short_bytes=0
  [ "${1:-}" = scan ] || return 1
  shift
  local a db="" text="" est line
  local -a paths lists
  scan_args "$@"
  [ -z "$sa_stdin" ] || return 1 # standard input: size unknown
  for a in ${sa_dbs[@]+"${sa_dbs[@]}"}; do
    db=1; snapshot_db "$a" || text=1; large_text_db "$a" && return 1
  done
  paths=(${sa_paths[@]+"${sa_paths[@]}"}); lists=(${sa_lists[@]+"${sa_lists[@]}"})
  # a list is read here only when it is a regular file: a pipe (-f <(find ...)) would be consumed
  for a in ${lists[@]+"${lists[@]}"}; do [ -f "$a" ] || return 1; done
  # without -d the default databases (ClamAV's in /var/lib/clamav, when present) are loaded
  if [ -z "$db" ] && large_text_db /var/lib/clamav; then return 1; fi
  # no file named and no list: clamscan scans the current directory
  [ ${#paths[@]} -eq 0 ] && [ ${#lists[@]} -eq 0 ] && paths=(.)
  if [ ${#lists[@]} -eq 0 ] && [ ${#paths[@]} -le "$TINY_FILES" ] && regular_files "${paths[@]}"; then
    stat_files "${paths[@]}" || return 1
    est=0
    while IFS= read -r line; do est=$((est + ${line%% *})); done <<< "$sizes"
    [ -z "$db" ] || [ -n "$text" ] || [ -n "$sa_json" ] || [ "$est" -gt "$TINY_BYTES" ] || tiny=1
    short_bytes=0
    while IFS= read -r line; do [ "${line%% *}" -gt "$DIGEST_FILE_MAX" ] || short_bytes=$((short_bytes + ${line%% *})); done <<< "$sizes"
    [ "$est" -le "$SHORT_BYTES" ]
    return
  fi
  # awk stops reading after SHORT_FILES + 1 entries, which ends find and xargs (SIGPIPE)
  est="$(set +o pipefail
    { [ ${#paths[@]} -eq 0 ] || find -H "${paths[@]}" -type f -printf 'f %s\n' 2>/dev/null
      for a in ${lists[@]+"${lists[@]}"}; do
        head -n $((SHORT_FILES + 1)) -- "$a" 2>/dev/null | xargs -d '\n' -r stat -L -c '%F %s' -- 2>/dev/null
      done
    } | awk -v files="$SHORT_FILES" -v bytes="$SHORT_BYTES" -v hashed="$DIGEST_FILE_MAX" '
        $1 == "directory" { big = 1 } { n++; s += $NF; if ($NF <= hashed) h += $NF } n > files || s > bytes || big { big = 1; exit }
        END { print big ? "long" : "short " h + 0 }')"
  [ "${est%% *}" = short ] || return 1
  short_bytes="${est#short }"   # (large11) the bytes of files up to DIGEST_FILE_MAX, for digest_scan
}

# True when the command is `bulwark yara` over one regular file of at most YARA_C1_BYTES (the last argument; not
# --scan-list, whose last argument is the list). yara10 block (round 10): such a run is cheaper with C1 alone than
# with C2 for the scanning code (bin/yara-jit.json, compiled while the scan thread waits): 3,000 generated rules from
# the cache over a 122 KB library (894 matches) 0.21 -> 0.16 CPU-s (yara 0.20); 500 realistic rules over 25 / 50 /
# 100 MB of big.bin 0.29 -> 0.19, 0.34 -> 0.25, 0.42 -> 0.36 (yara 0.49); 1,000 hex rules over big.bin 0.22 -> 0.24
# (yara 0.39). docs/benchmarks/yara.md "yara10".
YARA_C1_BYTES=$((128 * 1024 * 1024))
short_yara() {
  [ "${1:-}" = yara ] && [ $# -ge 3 ] || return 1
  local a last="${!#}"
  for a in "$@"; do case "$a" in --scan-list|--scan-list=*) return 1 ;; esac; done
  regular_files "$last" || return 1
  stat_files "$last" || return 1
  [ "${sizes%% *}" -le "$YARA_C1_BYTES" ]
}

# True when the command is a `scan` with a text database above TEXT_DB_MAX (-d/--database, or ClamAV's default
# directory when none is given), the databases as scan_args reads them.
large_text_scan() {
  [ "${1:-}" = scan ] || return 1
  shift
  local a
  scan_args "$@"
  for a in ${sa_dbs[@]+"${sa_dbs[@]}"}; do large_text_db "$a" && return 0; done
  [ ${#sa_dbs[@]} -eq 0 ] && large_text_db /var/lib/clamav
}

# ---- Archive-heavy scans against a large snapshot (helper "large", round 7) ------------------------------------
# A short scan against a large snapshot (above BIG_SNAPSHOT: the large gen_sigs database's 4M hash signatures
# cover nearly every size up to 400 KB) hashes nearly every layer with MD5 and SHA-256, as ClamAV does. With C1
# alone the JDK's SHA-256 runs at ~140 MB per CPU-s, with C2 at ~1,270 (the CPU's SHA instructions: C1 has no
# digest intrinsics). Zip-family archives (jar, jmod, whl...) hold thousands of small members, each hashed, and
# their contents are invisible here, so their size on disk stands in: a scan naming or listing at least
# ARCHIVE_BYTES of them takes the long scan's C2 mode. Measured (large snapshot, one scan thread, CPU-s, C1 alone
# vs the long scan's mode, alternated): the corpus's 39 zip-family files without src.zip (36 MB) 2.10 vs 1.92;
# two of them (20.7 MB) 1.24 vs 1.21 (even); an archive-heavy 96 MB list with the JDK's src.zip (53 MB) 6.81 vs
# 5.47. A list with an 11.5 MB jar among 105 MB stays with C1 (2.13 vs 2.68 in round 6). Only an estimate, like
# short_scan's: a wrong guess costs speed, never behaviour. Cost: nothing for named files that are no archives by
# name; otherwise a `stat` of the snapshot, and for a large one a grep of the lists and a `stat` (or `find`) of
# the archives.
BIG_SNAPSHOT=$((128 * 1024 * 1024))
ARCHIVE_BYTES=$((24 * 1024 * 1024))
ARCHIVE_NAMES='\.(zip|jar|war|ear|jmod|apk|whl|xpi|epub|docx|xlsx|pptx|odt|ods|odp)$'
archive_heavy_scan() {
  [ "${1:-}" = scan ] || return 1
  shift
  local a size sum look=""
  local -a paths lists snaps=()
  scan_args "$@"
  for a in ${sa_dbs[@]+"${sa_dbs[@]}"}; do
    [ -n "$a" ] && snapshot_db "$a" && snaps+=("$a")
  done
  paths=(${sa_paths[@]+"${sa_paths[@]}"}); lists=(${sa_lists[@]+"${sa_lists[@]}"})
  [ ${#snaps[@]} -gt 0 ] || return 1
  [ ${#paths[@]} -eq 0 ] && [ ${#lists[@]} -eq 0 ] && paths=(.)
  # no fork for the usual case: named files, none of them an archive by its name, and no directory or list
  [ ${#lists[@]} -gt 0 ] && look=1
  for a in ${paths[@]+"${paths[@]}"}; do
    if [ -d "$a" ] || [[ "${a,,}" =~ $ARCHIVE_NAMES ]]; then look=1; break; fi
  done
  [ -n "$look" ] || return 1
  # then the snapshot's size (a snapshot is the only database a scan takes), and the archives' bytes only for a
  # large one
  size="$(exec stat -L -c %s -- "${snaps[0]}" 2>/dev/null)" || size=0
  [ "${size:-0}" -gt "$BIG_SNAPSHOT" ] || return 1
  sum="$(set +o pipefail
    { [ ${#paths[@]} -eq 0 ] || find -H "${paths[@]}" -type f -printf '%s %f\n' 2>/dev/null
      for a in ${lists[@]+"${lists[@]}"}; do
        head -n $((SHORT_FILES + 1)) -- "$a" 2>/dev/null | grep -iE "$ARCHIVE_NAMES" | xargs -d '\n' -r stat -L -c '%s %n' -- 2>/dev/null
      done
    } | awk -v limit="$ARCHIVE_BYTES" -v names="$ARCHIVE_NAMES" 'tolower($0) ~ names { s += $1 } s >= limit { print "heavy"; exit }')"
  [ "$sum" = heavy ]
}
# ---- end of the archive-heavy block ----------------------------------------------------------------------------

# ---- Digest block (helper large11, round 11) --------------------------------------------------------------------
# True after short_scan (which sets short_bytes and tiny) for a scan that is not tiny, with at least DIGEST_BYTES in
# files of at most DIGEST_FILE_MAX bytes, against a snapshot above BIG_SNAPSHOT: the large gen_sigs database's 4M hash
# signatures cover nearly every size up to 400 KB, so such files are hashed with MD5 and SHA-256 (the subset: 880 of
# 1,343 files with SHA-256, 1,083 with MD5), and a larger one seldom is. C1 has no digest intrinsics (SHA-256 ~135 MB
# per CPU-s, MD5 ~400); C2 calls the CPU's SHA instructions. bin/bulwark then lets C2 compile the digests' block
# loops alone (bin/scan-digest-jit.json). Measured (CPU-s, large snapshot, one thread, 8 alternated rounds): the
# subset (30 MB) 1.045 -> 0.965; its first 812 files up to 512 KiB (8.5 MB) 0.785 -> 0.730; 276 files (3 MB) 0.535
# either way; big.bin alone (100 MB, never hashed) 0.54 -> 0.58, hence the per-file limit. Cost: a `stat` of the
# snapshot (db_size; mapped_snapshot_scan asks for it too).
DIGEST_BYTES=$((8 * 1024 * 1024))
DIGEST_FILE_MAX=$((512 * 1024))
digest_scan() {
  [ "${1:-}" = scan ] && [ -z "$tiny" ] && [ "${short_bytes:-0}" -ge "$DIGEST_BYTES" ] || return 1
  shift
  db_above snapshot "$BIG_SNAPSHOT" "$@"
}
# ---- end of the digest block --------------------------------------------------------------------------------------

# Text load, round 6 (branch textload): see the -Xmn32m block of bin/bulwark.
MID_TEXT_DB=$((16 * 1024 * 1024))
mid_text_scan() {
  [ "${1:-}" = scan ] || return 1
  shift
  db_above text "$MID_TEXT_DB" "$@"
}

# (large10, round 10) True when the command is a `scan` with a snapshot above SNAPSHOT_MAP_MIN bytes: SnapshotReader
# maps such a snapshot (FileChannel.map; READ_MAX there, 16 MiB) instead of reading it into the heap.
SNAPSHOT_MAP_MIN=$((16 * 1024 * 1024))
mapped_snapshot_scan() {
  [ "${1:-}" = scan ] || return 1
  shift
  db_above snapshot "$SNAPSHOT_MAP_MIN" "$@"
}
