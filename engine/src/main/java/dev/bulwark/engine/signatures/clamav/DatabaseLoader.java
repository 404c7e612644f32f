package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.filetype.ByteScan;
import dev.bulwark.engine.heuristics.phishing.PhishingDb;
import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import dev.bulwark.engine.signatures.yara.YaraSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads ClamAV database files and directories in ClamAV's order (ignore lists first, then the daily
 * container, then everything else) and compiles them. Every malformed line is reported with its
 * file and line; any error fails the load, as in ClamAV.
 */
public final class DatabaseLoader {
    /** Lines longer than this are rejected (ClamAV's buffer is 8 KiB, 32 KiB for .ldb). */
    static final int MAX_LINE = 1 << 20;
    /** Signature database files larger than this are refused before reading. */
    static final long MAX_DB_FILE = 2L << 30;

    private final LoadOptions options;
    private final PuaFilter puaFilter;
    private final SignatureBuilder sigs;
    /** What this loader reports, in load order; see {@link HashLane} for the part a second thread adds. */
    private List<Diagnostic> errors = new ArrayList<>();
    private List<Diagnostic> warnings = new ArrayList<>();
    private List<String> sources = new ArrayList<>();
    private final LoadFingerprint fingerprint;
    /** The second thread that parses hash databases, or null (see {@link HashLane}). */
    private HashLane lane;
    /** Hash files of at least this many bytes go to the lane. */
    private long laneMinFile = HashLane.MIN_FILE;
    private long version;
    private Instant buildTime;
    private int loadedFiles;
    /**
     * True while a database file read from disk is parsed: its lines are then cut as ClamAV's fgets cuts them (see
     * {@link #lines}); not for the members of a .cvd/.cld/.cud, nor for text given in memory.
     */
    private boolean fgets;
    /** Files read from disk that loaded without an error, with the signatures each added (shared with the hash lane's loaders). */
    private final java.util.Map<String, Integer> loaded;
    /** .ftm entries added by the file being parsed. */
    private int ftmEntries;
    /** True while the files of a directory are loaded with --official-db-only: unofficial ones are skipped. */
    private boolean unofficialSkipped;
    /** Bytes of database text read (see {@link #COLLECT_ABOVE}). */
    private long sourceBytes;

    private DatabaseLoader(LoadOptions options) {
        this.options = options;
        this.puaFilter = PuaFilter.of(options);
        this.sigs = new SignatureBuilder();
        this.fingerprint = new LoadFingerprint(options.fingerprint());
        this.loaded = new java.util.concurrent.ConcurrentHashMap<>();
    }

    /** A loader for one file parsed on the hash lane: the same builder, its own reports (no fingerprint). */
    DatabaseLoader(DatabaseLoader parent) {
        this.options = parent.options;
        this.puaFilter = parent.puaFilter;
        this.sigs = parent.sigs;
        this.fingerprint = null;
        this.unofficialSkipped = parent.unofficialSkipped;
        this.loaded = parent.loaded;
    }

    List<Diagnostic> errors() { return errors; }
    List<Diagnostic> warnings() { return warnings; }
    List<String> sources() { return sources; }

    public static Database load(List<Path> paths, LoadOptions options) {
        return load(paths, options, false);
    }

    /**
     * Loads the given sources, and with {@code builtin} also the small database that ships inside
     * the engine (EICAR and the project's test signatures).
     */
    public static Database load(List<Path> paths, LoadOptions options, boolean builtin) {
        return load(paths, options, builtin, HashLane.MIN_FILE);
    }

    /** As {@link #load(List, LoadOptions, boolean)}, with hash files of {@code laneMinFile} bytes or more parsed on the hash lane (tests). */
    static Database load(List<Path> paths, LoadOptions options, boolean builtin, long laneMinFile) {
        for (Path p : paths) {
            if (!dev.bulwark.engine.db.snapshot.Snapshot.isSnapshot(p.getFileName() == null ? "" : p.getFileName().toString())) continue;
            // a compiled snapshot is a whole database: it is mapped as it is, never merged with sources
            if (paths.size() != 1 || builtin) {
                throw new DatabaseLoadException(Diagnostic.error(p.toString(), 0,
                        "a .bsnap snapshot must be the only database given"));
            }
            // (large12) a one-shot scan (no fingerprint wanted) checks a large snapshot's hash index blocks on first
            // use; a daemon or an API caller (the defaults) checks every block at load
            return dev.bulwark.engine.db.snapshot.SnapshotReader.load(p, !options.fingerprint());
        }
        DatabaseLoader l = new DatabaseLoader(options);
        l.laneMinFile = laneMinFile;
        try {
            if (builtin) l.loadBuiltin();
            for (Path p : paths) l.loadPath(p);
            l.awaitLane();
            if (l.errors.isEmpty() && l.loadedFiles == 0) {
                throw new DatabaseLoadException(List.of(Diagnostic.error(paths.isEmpty() ? "(none)" : paths.get(0).toString(), 0,
                        "no supported database files found")), DatabaseLoadException.Kind.NO_DATABASE_FILES);
            }
            if (!l.errors.isEmpty()) throw new DatabaseLoadException(l.errors, DatabaseLoadException.Kind.MALFORMED, l.loaded);
            return l.finish();
        } finally {
            l.close();
        }
    }

    /**
     * What clamscan 1.4.6's summary counts as "Known viruses" after a load of {@code paths} failed with {@code e}: it
     * loads the paths in order (a directory's files in its order, see {@link SourceOrder#clamavOrder}), stops at the
     * first file that fails, and counts the signatures of the files loaded before it. 0 when the failure is in no
     * file of that order, or when {@code e} does not tell what loaded.
     */
    public static int signaturesBeforeFailure(List<Path> paths, DatabaseLoadException e) {
        java.util.Set<String> failed = new java.util.HashSet<>();
        for (Diagnostic d : e.diagnostics()) if (d.isError()) failed.add(d.source());
        int known = 0;
        for (Path p : paths) {
            List<Path> files;
            try {
                files = Files.isDirectory(p) ? SourceOrder.clamavOrder(p) : List.of(p);
            } catch (IOException x) {
                return 0;
            }
            for (Path f : files) {
                String s = f.toString();
                for (String src : failed) if (src.equals(s) || src.startsWith(s + ":")) return known; // (":" a container's member)
                known += e.loaded().getOrDefault(s, 0);
            }
        }
        return 0;
    }

    /** Waits for the hash lane and takes its reports in load order (see {@link HashLane#join}). */
    private void awaitLane() {
        if (lane == null || !lane.busy()) return;
        HashLane.Reports r = lane.join(errors, warnings, sources);
        errors = r.errors();
        warnings = r.warnings();
        sources = r.sources();
    }

    /** Ends the helper threads, whatever happened (a daemon's failed reload must not leave them behind). */
    private void close() {
        try {
            if (lane != null) lane.close();
        } finally {
            fingerprint.close();
        }
    }

    /** Loads signature text given in memory (tests, the built-in database). */
    public static Database loadText(String fileName, String text, LoadOptions options) {
        DatabaseLoader l = new DatabaseLoader(options);
        l.loadBytes(fileName, text.getBytes(StandardCharsets.ISO_8859_1), false);
        if (!l.errors.isEmpty()) throw new DatabaseLoadException(l.errors);
        try {
            return l.finish();
        } finally {
            l.close();
        }
    }

    private static final String BUILTIN = "/dev/bulwark/engine/db/";
    /** Chunk for reading large plain database files (larger than MAX_LINE, so a chunk always holds a whole line). */
    private static final int STREAM_CHUNK = 4 << 20;
    /** Largest single read into the chunk (see {@link #stream}). */
    private static final int READ_PIECE = 1 << 20;
    /**
     * Sources at least this large get one full collection between the hash tables and the pattern set.
     * The JVM's serial collector (the launcher's choice) grows the old generation rather than collect it
     * while it may, so the parsing's garbage would otherwise stay resident next to the pattern tables
     * being built (large generated database: 280 MB peak without it, 250 with it). A second collection
     * before the hash tables, which paid while they were built on the heap, no longer does: they are
     * merged from temporary files ({@code HashSpill}).
     */
    static final long COLLECT_ABOVE = 64L << 20;
    /** Bytes of a large file parsed before the builders are sized for the rest of it (a few thousand lines). */
    private static final int RESERVE_SAMPLE = 1 << 20;

    private void loadBuiltin() {
        try (var list = DatabaseLoader.class.getResourceAsStream(BUILTIN + "builtin.list")) {
            if (list == null) throw new IllegalStateException("built-in database missing from the jar");
            int before = sigs.count();
            for (String name : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (name.isBlank()) continue;
                try (var in = DatabaseLoader.class.getResourceAsStream(BUILTIN + name.trim())) {
                    byte[] data = in.readAllBytes();
                    fingerprint.update(data);
                    loadBytes("builtin:" + name.trim(), data, true);
                }
            }
            sources.add("built-in (" + (sigs.count() - before) + " signatures)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in database", e);
        }
    }

    /**
     * Compiles the source texts a snapshot carries (see {@link SignatureSet.Deferred}); they were loaded
     * once already, so an error here means a damaged or crafted snapshot.
     */
    static SignatureSet replay(List<SignatureSet.Deferred> deferred) {
        DatabaseLoader l = new DatabaseLoader(LoadOptions.defaults().withFingerprint(false)); // (the snapshot has its own)
        for (SignatureSet.Deferred d : deferred) l.loadBytes(d.source(), d.data(), d.official());
        try { // (in-memory sources: no helper thread was started)
            if (!l.errors.isEmpty()) throw new DatabaseLoadException(l.errors);
            return l.finish().signatures();
        } catch (DatabaseLoadException e) {
            throw new IllegalArgumentException("stored source does not compile: " + e.getMessage());
        }
    }

    private Database finish() {
        List<YaraRuleSet> yara = YaraBridge.compile(sigs.yaraSources, warnings);
        PhishingDb phishing = PhishingBridge.build(sigs.phishingLines, errors);
        if (!errors.isEmpty()) throw new DatabaseLoadException(errors);
        int extra = YaraBridge.count(yara) + PhishingBridge.count(phishing);
        SignatureSet set;
        try {
            if (sourceBytes >= COLLECT_ABOVE || lane == null) {
                set = sigs.build(phishing, yara, extra, sourceBytes >= COLLECT_ABOVE ? System::gc : () -> { });
            } else {
                // the hash indexes on the lane while this thread builds the pattern set
                var hashes = lane.submit(sigs::buildHashes);
                set = sigs.build(phishing, yara, extra, () -> HashLane.get(hashes));
            }
        } catch (UncheckedIOException e) { // a large hash index's temporary file (a full disk)
            throw new DatabaseLoadException(Diagnostic.error(sources.isEmpty() ? "(database)" : sources.get(0), 0, e.getMessage()));
        }
        fingerprint.close();
        if (fingerprint.failure() != null) throw new DatabaseLoadException(Diagnostic.error("(database)", 0, fingerprint.failure()));
        return new Database(set, sources, warnings, version, buildTime, fingerprint.hex());
    }

    private void loadPath(Path p) {
        if (Files.isDirectory(p)) {
            List<Path> files;
            try {
                files = SourceOrder.list(p);
            } catch (IOException e) {
                errors.add(Diagnostic.error(p.toString(), 0, "cannot read directory: " + e.getMessage()));
                return;
            }
            // --official-db-only skips the unofficial files of a directory only (ClamAV's cli_loaddbdir; a file
            // named itself is loaded), and not in a directory whose name holds "clamav-" (freshclam's temporary ones)
            unofficialSkipped = options.officialOnly() && !p.toString().contains("clamav-");
            try {
                for (Path f : files) loadFile(f);
            } finally {
                unofficialSkipped = false;
            }
            return;
        }
        if (!Files.exists(p)) {
            errors.add(Diagnostic.error(p.toString(), 0, "no such file or directory"));
            return;
        }
        if (!SourceOrder.supported(p.getFileName().toString())) {
            warnings.add(Diagnostic.warning(p.toString(), 0, "unknown extension - skipping"));
            return;
        }
        loadFile(p);
    }

    private void loadFile(Path f) {
        String source = f.toString(), n = source.toLowerCase(Locale.ROOT);
        LineKind kind = LineKind.of(n);
        SourceFile file;
        try {
            file = SourceFile.open(f, 2); // its parser and the fingerprint
        } catch (IOException e) {
            errors.add(Diagnostic.error(source, 0, "cannot read: " + e.getMessage()));
            return;
        }
        boolean toLane = file.size >= laneMinFile && kind.hashes() && !LineKind.pua(n);
        // only plain body signatures are parsed here while the lane works (see HashLane)
        if (!toLane && !((kind == LineKind.NDB || kind == LineKind.LDB || kind == LineKind.DB) && !LineKind.pua(n))) awaitLane();
        if (file.size > MAX_DB_FILE) {
            file.release();
            file.release();
            errors.add(Diagnostic.error(source, 0, "database file too large"));
            return;
        }
        boolean streamed = file.size > STREAM_CHUNK && SourceOrder.streamable(source);
        if (streamed && (options.yara() == LoadOptions.Yara.ONLY || unofficialSkipped)) {
            // nothing of it is used (and, as before, it is not part of the fingerprint); a skipped unofficial file
            // does not count as loaded (a directory of nothing else holds "no supported database files", as in ClamAV)
            if (!unofficialSkipped) loadedFiles++;
            file.release();
            file.release();
            return;
        }
        sourceBytes += file.size;
        byte[] name = f.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        if (toLane || streamed) {
            fingerprint.file(name, file);
        } else {
            fingerprint.update(name);
            file.release();
        }
        if (toLane) {
            loadedFiles++;
            if (lane == null) lane = new HashLane();
            DatabaseLoader own = new DatabaseLoader(this);
            lane.submit(new HashLane.Reports(errors, warnings, sources), own, () -> own.parse(file, streamed));
            errors = new ArrayList<>();
            warnings = new ArrayList<>();
            sources = new ArrayList<>();
            return;
        }
        if (streamed) loadedFiles++;
        parse(file, streamed);
    }

    /**
     * Reads and parses one file opened by {@link #loadFile} (on the loading thread or the hash lane), and
     * releases it. A file read whole goes to the fingerprint here (the loading thread only: a file for the
     * lane, or a streamed one, is read by the fingerprint's thread itself).
     */
    private void parse(SourceFile file, boolean streamed) {
        String source = file.path.toString();
        try {
            if (streamed) {
                fgets = true;
                stream(file);
                return;
            }
            byte[] data = file.readAll(MAX_DB_FILE);
            if (fingerprint != null) fingerprint.update(data); // (null: a lane file's loader)
            fgets = true;
            loadBytes(source, data, false);
        } catch (IOException e) {
            errors.add(Diagnostic.error(source, 0, "cannot read: " + e.getMessage()));
        } finally {
            fgets = false;
            file.release();
        }
    }

    /**
     * Like {@link #loadBytes} for a large plain database file, reading it in chunks of {@link #STREAM_CHUNK}
     * so that a 300 MB hash database never sits in memory whole (it did, next to what it compiles to).
     */
    private void stream(SourceFile f) throws IOException {
        String source = f.path.toString(), n = source.toLowerCase(Locale.ROOT);
        LineKind kind = LineKind.of(n);
        int before = counted(kind), errs = errors.size();
        byte[] buf = new byte[STREAM_CHUNK];
        int have = 0, lineNo = 0;
        long size = f.size, pos = 0;
        // only a hash database sizes its builders (a body database on the loading thread must not touch
        // them: the hash lane may be filling them)
        boolean sampled = !kind.hashes();
        if (!sampled) sigs.markFile();
        while (true) {
            // at most READ_PIECE at a time: the JDK copies each read through a native buffer of its size
            int r = f.read(pos, buf, have, Math.min(READ_PIECE, buf.length - have));
            if (r > 0) {
                pos += r;
                have += r;
            }
            int start = 0;
            for (int i = newline(buf, 0, have); i < have; i = newline(buf, start, have)) {
                lineNo = lines(source, n, kind, buf, start, i, true, lineNo, false);
                start = i + 1;
                if (!sampled && pos - have + start >= RESERVE_SAMPLE) {
                    // the first lines tell how much the builders will hold: size them once for the rest.
                    // (textload4) The file offset, pos - have + start, not start: that is the offset in the
                    // chunk, which restarts after the first piece (READ_PIECE = RESERVE_SAMPLE), so the
                    // sample was taken at ~2 MiB but counted as ~1 MiB and every builder reserved twice its need
                    long at = pos - have + start;
                    sigs.reserveRest((double) (size - at) / at);
                    sampled = true;
                }
            }
            if (r < 0) {
                if (start < have) lines(source, n, kind, buf, start, have, false, lineNo, false);
                break;
            }
            if (start == 0 && have == buf.length) {
                // a line longer than a chunk is longer than MAX_LINE: report it and stop this file
                errors.add(Diagnostic.error(source, lineNo + 1, "line too long"));
                return;
            }
            System.arraycopy(buf, start, buf, 0, have - start);
            have -= start;
        }
        sources.add(source + " (" + (counted(kind) - before) + " signatures)");
        if (errors.size() == errs) loaded.put(source, counted(kind) - before);
    }

    /**
     * Signatures added so far of the builders a file of this kind adds to: the hash lane's for hash
     * databases, the others' for everything else (a plain file adds to one side only).
     */
    private int counted(LineKind kind) {
        return kind.hashes() ? sigs.hashCount() : sigs.otherCount();
    }

    /**
     * Index of the first '\n' in {@code b[from, to)}, or {@code to}; eight bytes at a time through
     * {@link ByteScan#next} (a byte-by-byte search was a tenth of the large database's load).
     */
    static int newline(byte[] b, int from, int to) {
        int i = ByteScan.next(b, from, to, (byte) '\n');
        return i < 0 ? to : i;
    }

    /** Loads one database file's content; {@code official} for members of signed containers. */
    void loadBytes(String source, byte[] data, boolean official) {
        String n = source.toLowerCase(Locale.ROOT);
        int before = sigs.count(), errs = errors.size();
        if (n.endsWith(".cvd") || n.endsWith(".cld") || n.endsWith(".cud")) {
            loadedFiles++;
            boolean wasFgets = fgets;
            fgets = false; // ClamAV reads a container's members through its own buffer, not with fgets
            try {
                CvdReader.Container c = CvdReader.read(source, data, n.endsWith(".cvd"));
                boolean signed = !n.endsWith(".cud");
                for (CvdReader.Member m : c.members()) {
                    if (SourceOrder.supported(m.name())) loadBytes(source + ":" + m.name(), m.data(), signed);
                }
                if (Path.of(source).getFileName().toString().toLowerCase(Locale.ROOT).startsWith("daily.")) {
                    version = c.version();
                    buildTime = c.buildTime();
                }
                sources.add(source + " (version " + c.version() + ", " + (sigs.count() - before) + " signatures)");
                if (wasFgets && errors.size() == errs) loaded.put(source, sigs.count() - before);
            } catch (IOException | IllegalArgumentException e) {
                errors.add(Diagnostic.error(source, 0, e.getMessage()));
            } finally {
                fgets = wasFgets;
            }
            return;
        }
        boolean yaraFile = n.endsWith(".yar") || n.endsWith(".yara");
        if (unofficialSkipped && !official && !(n.endsWith(".ign") || n.endsWith(".ign2"))) return; // (not counted as loaded)
        loadedFiles++;
        if (options.yara() == LoadOptions.Yara.ONLY && !yaraFile) return;
        if (options.yara() == LoadOptions.Yara.NO && yaraFile) return;
        boolean pua = LineKind.pua(n);
        if (pua && !options.detectPua()) return;
        if (yaraFile) {
            sigs.deferred.add(new SignatureSet.Deferred(source, data, official));
            sigs.yaraSources.add(new YaraSource(source, new String(data, StandardCharsets.UTF_8)));
            sources.add(source);
            return;
        }
        LineKind kind = LineKind.of(n);
        before = counted(kind);
        if (kind == LineKind.SKIP) {
            sources.add(source + " (not used)");
            return;
        }
        if (data.length == 0) {
            errors.add(Diagnostic.error(source, 0, "empty database file"));
            return;
        }
        if (kind == LineKind.CDB || kind == LineKind.FTM || kind == LineKind.PHISHING || kind == LineKind.IGNORE) {
            sigs.deferred.add(new SignatureSet.Deferred(source, data, official));
        }
        int lineNo = 0, start = 0;
        ftmEntries = 0;
        // ClamAV filters PUA categories in the PUA databases only; written only for those (never while the
        // hash lane works: a PUA database waits for it), so the lane never sees the field change
        if (pua) sigs.pua = puaFilter;
        try {
            // (the newline search eight bytes at a time, as for a streamed file)
            for (int i = newline(data, 0, data.length); ; i = newline(data, start, data.length)) {
                if (i == data.length && start == data.length) break;
                lineNo = lines(source, n, kind, data, start, i, i < data.length, lineNo, official);
                start = i + 1;
                if (i == data.length) break;
            }
        } finally {
            if (pua) sigs.pua = null;
        }
        if (kind == LineKind.FTM && ftmEntries == 0 && errors.isEmpty()) {
            errors.add(Diagnostic.error(source, 0, "empty external filetype database"));
        }
        if (!official) sources.add(source + " (" + (counted(kind) - before) + " signatures)");
        if (fgets && errors.size() == errs) loaded.put(source, counted(kind) - before);
    }

    /** Bytes fgets returns at most for a line: ClamAV reads .ldb with a buffer of 32,769 bytes, the rest with 8,192. */
    static int fgetsPiece(LineKind kind) {
        return kind == LineKind.LDB ? 32_768 : 8_191;
    }

    /**
     * One line of a file, {@code data[start, end)} ({@code newline}: a newline follows at {@code end}), after line
     * {@code lineNo}; returns the number of the last line it was read as. In a file read from disk ({@link #fgets})
     * a line longer than {@link #fgetsPiece} with its newline is read as ClamAV's fgets reads it, as several lines of
     * that many bytes each (the newline counted with the last, which may then be empty): clamscan 1.4.6 refuses a
     * .hdb or .ndb line of 8,191 characters or more "at line 2" (exit code 2) and loads an .ldb line of 20,000. The
     * first piece that does not parse is reported, with the limit named, and the rest of that line is skipped.
     */
    private int lines(String source, String n, LineKind kind, byte[] data, int start, int end, boolean newline, int lineNo, boolean official) {
        int piece = fgetsPiece(kind), total = end - start + (newline ? 1 : 0);
        if (!fgets || total <= piece) {
            if (line(source, n, kind, data, start, end, ++lineNo, official)) ftmEntries++;
            return lineNo;
        }
        int first = lineNo + 1, pieces = (total + piece - 1) / piece, reported = errors.size();
        for (int k = 0; k < pieces; k++) {
            int from = start + k * piece, to = Math.min(from + piece, end);
            if (line(source, n, kind, data, from, to, ++lineNo, official)) ftmEntries++;
            if (errors.size() > reported) {
                Diagnostic d = errors.get(reported);
                errors.set(reported, new Diagnostic(d.severity(), d.source(), d.line(), d.column(), d.message() + " (line " + first
                        + " is " + (end - start) + " bytes long: ClamAV reads a line of " + piece + " bytes or more as several lines of at most "
                        + piece + " bytes, and this is part " + (k + 1) + ")"));
                return first + pieces - 1;
            }
        }
        return lineNo;
    }

    /**
     * One database line ({@code data[start, end)}, a trailing CR dropped); returns true for an added
     * .ftm entry. Errors are collected with file and line.
     */
    private boolean line(String source, String n, LineKind kind, byte[] data, int start, int end, int lineNo, boolean official) {
        if (end > start && data[end - 1] == '\r') end--;
        if (end - start > MAX_LINE) {
            errors.add(Diagnostic.error(source, lineNo, "line too long"));
            return false;
        }
        try {
            if (kind == LineKind.HASH && sigs.hashLineFast(data, start, end, official)) return false;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            // a builder limit (entries per kind), or its temporary file could not be written
            errors.add(Diagnostic.error(source, lineNo, e.getMessage()));
            return false;
        }
        String line = new String(data, start, end - start, StandardCharsets.ISO_8859_1);
        boolean blankOk = kind == LineKind.PHISHING; // (an empty .ign/.ign2 line is ClamAV's "No signature name provided")
        if (line.startsWith("#")) return false;
        if (line.isEmpty() && blankOk) return false;
        try {
            if (line.isEmpty()) throw new IllegalArgumentException("empty line (malformed database)");
            switch (kind) {
                case HASH -> sigs.hashLine(line, 'h', official);
                case SECTION -> sigs.hashLine(line, 'm', official);
                case IMPORT -> sigs.hashLine(line, 'i', official);
                case ALLOW -> sigs.hashLine(line, 'f', official);
                case NDB -> sigs.ndbLine(line, official);
                case DB -> sigs.dbLine(line, official);
                case LDB -> sigs.ldbLine(line, official);
                case CDB -> sigs.cdbLine(line, official);
                case FTM -> { return sigs.ftmLine(line); }
                case CFG -> sigs.cfgLine(line);
                case IGNORE -> sigs.ignore(line);
                case PHISHING -> sigs.phishingLines.add(new SignatureBuilder.PhishingLine(n.substring(n.length() - 3), source, lineNo, line));
                default -> { }
            }
        } catch (IllegalArgumentException | UncheckedIOException e) {
            errors.add(Diagnostic.error(source, lineNo, e.getMessage()));
        }
        return false;
    }
}
