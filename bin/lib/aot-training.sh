# Sourced by bin/bulwark when an AOT cache is to be trained: the main and tiny caches (AotTraining) and the
# daemon's (DaemonTraining). Uses bin/bulwark's java, jar, stamp, opts, aot_stale and differs.

# Runs one training (AotTraining with the arguments after $1; JVM options from the array train_jvm, if set)
# writing the cache $1 through a temporary file renamed into place with the current stamp. False when it failed.
# (startup12, round 11) The tiny cache (--tiny) is made without training data (-XX:-AOTRecordTraining): every run
# that starts from it skips the profiles (-XX:-AOTReplayTraining, TINY_OPTS in bin/bulwark), yet the JVM mapped and
# relocated them on each start (13.67 -> 13.35 MB; one-file scan, java command, ~-0.9 ms task-clock).
train_one() {
  local aot="$1" tmp="$1.$$.tmp"
  local -a record=()
  shift
  # (startup15) the tiny training also writes the record of the jars it is made from (dev.bulwark.cli.AotJars), which
  # the fast path's run checks instead of a stat fork
  [ "${1:-}" = --tiny ] && record=(-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -Dbulwark.aotJars.out="$tmp.jars")
  if nice -n 10 "$java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED ${record[@]+"${record[@]}"} \
       ${train_jvm[@]+"${train_jvm[@]}"} -XX:AOTCacheOutput="$tmp" -Xlog:aot=off -Xlog:cds=off \
       -cp "$jar" dev.bulwark.cli.AotTraining "$@" </dev/null >/dev/null 2>&1 && [ -s "$tmp" ]; then
    rm -f "$aot.stamp" "$aot.jars"     # never a new stamp next to the old cache
    mv -f "$tmp" "$aot"
    [ ! -s "$tmp.jars" ] || mv -f "$tmp.jars" "$aot.jars"
    printf '%s' "$stamp" > "$aot.stamp"
    return 0
  fi
  rm -f "$tmp" "$tmp.config" "$tmp.jars"
  return 1
}

# Trains the AOT caches, the main one and then the tiny one from the same samples: one run at a time (flock),
# each written to a temporary file and renamed into place, so concurrent first runs never see a half-written
# cache. A failure is remembered until the jars change. The stamp is taken before training: a jar rewritten
# meanwhile makes the new caches stale at once.
# (large11, round 11) Then the short cache $3 (bin/bulwark's digest block): the same training with C1 alone, so
# that what it compiled is recorded at level 1 and a tiered run goes straight there, and without compiling the
# digests' block loops, which such a run leaves to C2 (a method compiled at level 1 in training would stay there).
train_aot() {
  local aot="$1" tiny_aot="$2" short_aot="${3:-}" dir
  exec 9>>"$aot.lock" 2>/dev/null || return 0
  flock -n 9 || return 0             # another run is training: go on without the cache
  aot_stale "$aot" || return 0       # someone finished while we waited (sets stamp)
  differs "$stamp" "$aot.failed" || return 0
  dir="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-aot.XXXXXX")" || return 0
  if train_one "$aot" "$dir/work"; then
    rm -f "$aot.failed" "$aot.jdk"     # (.jdk: the stamp of earlier launchers)
    train_one "$tiny_aot" --tiny "$dir/work" || rm -f "$tiny_aot" "$tiny_aot.stamp" "$tiny_aot.jars"
    [ -z "$short_aot" ] || train_short_aot "$short_aot"
  else
    printf '%s' "$stamp" > "$aot.failed"
    # (review18) the old caches and stamps stay, but not the tiny cache's record of the old jars: with it the fast
    # path would start java on every run only to find the record stale and run again through the general path;
    # without it the fast path's stat sees the stale stamps (bin/bulwark, startup15)
    rm -f "$tiny_aot.jars"
  fi
  rm -rf "$dir"
}

# Trains the short cache $1 (see train_aot) when it is stale and its training did not fail with these jars; the
# caller holds the lock (train_aot) or takes it (train_short_alone, for a build whose main cache was made by an
# earlier launcher). aot_stale has set stamp.
train_short_aot() {
  local short_aot="$1" dir a
  local -a train_jvm
  aot_stale "$short_aot" || return 0
  differs "$stamp" "$short_aot.failed" || return 0
  dir="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-short-aot.XXXXXX")" || return 0
  train_jvm=(-XX:TieredStopAtLevel=1 -XX:CompileCommand=quiet)
  for a in DigestBase::implCompressMultiBlock0 MD5::implCompress SHA::implCompress SHA2::implCompress; do
    train_jvm+=(-XX:CompileCommand=exclude,sun.security.provider.$a)
  done
  if train_one "$short_aot" "$dir"; then rm -f "$short_aot.failed"; else printf '%s' "$stamp" > "$short_aot.failed"; fi
  rm -rf "$dir"
}

# train_short_aot under the main cache's lock ($1: the main cache, $2: the short one).
train_short_alone() {
  exec 9>>"$1.lock" 2>/dev/null || return 0
  flock -n 9 || return 0
  train_short_aot "$2"
}

# Trains the daemon's own AOT cache $daemon_aot (daemon block of bin/bulwark, branch daemon, round 7): samples
# and database written by a JVM of their own (that work is not to be profiled for the daemon), then
# dev.bulwark.server.DaemonTraining run with the daemon's options (opts: the profiles it stores make the daemon
# compile what it did). One run at a time (the main cache's lock); a failure is remembered until the jars change.
train_daemon_aot() {
  local tmp="$daemon_aot.$$.tmp" dir
  exec 9>>"$target/bulwark.aot.lock" 2>/dev/null || return 0
  flock -n 9 || return 0                           # another run is training
  aot_stale "$daemon_aot" || return 0
  differs "$stamp" "$daemon_aot.failed" || return 0  # failed with these jars already
  dir="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-daemon-aot.XXXXXX")" || return 0
  if nice -n 10 "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$jar" dev.bulwark.server.DaemonTraining --prepare "$dir" \
       </dev/null >/dev/null 2>&1 \
     && nice -n 10 "$java" "${opts[@]}" --enable-native-access=ALL-UNNAMED -XX:AOTCacheOutput="$tmp" -Xlog:aot=off \
       -Xlog:cds=off -cp "$jar" dev.bulwark.server.DaemonTraining "$dir" </dev/null >/dev/null 2>&1 && [ -s "$tmp" ]; then
    rm -f "$daemon_aot.stamp" "$daemon_aot.failed"
    mv -f "$tmp" "$daemon_aot"
    printf '%s' "$stamp" > "$daemon_aot.stamp"
  else
    rm -f "$tmp" "$tmp.config"
    printf '%s' "$stamp" > "$daemon_aot.failed"
  fi
  rm -rf "$dir"
}
