package dev.bulwark.cli;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The training run behind {@code bin/bulwark}'s JDK ahead-of-time cache (JEP 483/514): the launcher runs
 * {@code java -XX:AOTCacheOutput=… -cp bulwark-cli.jar dev.bulwark.cli.AotTraining DIR} once per build, and
 * the classes this run loads, links and profiles start pre-loaded in every later run. It exercises what
 * a one-file scan needs: loading text signatures of every common kind, compiling and loading a snapshot,
 * type detection, the text, HTML, gzip and zip paths, hashing, and the clamscan and JSON output; and
 * what a scan of many small objects needs: a {@code -f} list of a few hundred small files of varied
 * types ({@link AotSamples}), from text signatures and from the snapshot.
 * Writes only under DIR (which must exist and be empty); prints nothing.
 */
final class AotTraining {
    /** Rounds over the sample files: enough for the scan path to be profiled, few enough to stay quick. */
    private static final int ROUNDS = 3;

    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("--tiny")) {
            // (startup15) the record of the jars this cache is made from, before anything else is loaded from them,
            // and the check a fast-path run makes with it (so that its classes are in the cache too)
            String out = System.getProperty(AotJars.OUT_PROPERTY);
            if (out != null) {
                Path record = Path.of(out);
                AotJars.write(record, Path.of(System.getProperty("java.class.path")).toAbsolutePath().getParent());
                if (AotJars.stale(record)) throw new IllegalStateException("the jars changed while training");
            }
            tiny(Path.of(args[1]));
            return;
        }
        if (args.length != 1) throw new IllegalArgumentException("usage: AotTraining EMPTY-DIR | --tiny TRAINED-DIR");
        Path dir = Path.of(args[0]);
        Path db = Files.createDirectories(dir.resolve("db"));
        Path files = Files.createDirectories(dir.resolve("files"));
        byte[] text = "#!/bin/sh\n# training sample\necho \"Hello, World\"\nexit 0\n".repeat(40).getBytes(StandardCharsets.US_ASCII);
        byte[] html = ("<html><head><title>t</title><script>var x = 'abc';</script></head><body>"
                + "<a href=\"http://example.com/\">example</a></body></html>\n").getBytes(StandardCharsets.US_ASCII);
        Files.write(files.resolve("script.sh"), text);
        Files.write(files.resolve("page.html"), html);
        Files.write(files.resolve("eicar.com"), ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
                .getBytes(StandardCharsets.US_ASCII));
        Files.write(files.resolve("text.gz"), AotSamples.gzip(text));
        Files.write(files.resolve("archive.zip"), AotSamples.zip(text, html));
        Path many = Files.createDirectories(dir.resolve("many"));
        Path list = dir.resolve("many.list");
        Files.write(list, AotSamples.write(many).stream().map(Path::toString).toList());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isRegularFile(java)) Files.copy(java, files.resolve("elf.bin")); // a real ELF executable
        Files.writeString(db.resolve("train.hdb"), md5(text) + ":" + text.length + ":Train.Hash.Sample\n");
        Files.writeString(db.resolve("train.hsb"), sha256(html) + ":" + html.length + ":Train.Sha.Sample\n");
        Files.writeString(db.resolve("train.ndb"), "Train.Body.Sample:0:*:deadbeef{2-8}cafebabe??0102\n"
                + "Train.Body.Pe:1:*:4d5a9000{-40}50450000\n");
        // one logical signature that matches script.sh ("echo" and "exit"), so evaluation runs too
        Files.writeString(db.resolve("train.ldb"), "Train.Logical.Sample;Engine:51-255,Target:0;0&1;6563686f;65786974\n"
                + "Train.Logical.Other;Engine:51-255,Target:0;(0|1)&2;6576616c28;756e657363617065;646f63756d656e74\n");

        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        PrintStream out = System.out, err = System.err;
        System.setOut(sink);
        System.setErr(sink);
        try {
            String d = db.toString(), f = files.toString();
            Path snap = dir.resolve("train.bsnap");
            for (int r = 0; r < ROUNDS; r++) {
                Main.run(new String[] {"scan", "--no-summary", "-r", "-d", d, f}); // the dispatcher as users reach it
                ScanCommand.run(new String[] {"-r", "--json", "-d", d, f}, sink, sink);
            }
            dev.bulwark.cli.db.DbCommand.run(new String[] {"compile", "-d", d, "-o", snap.toString()});
            for (int r = 0; r < ROUNDS; r++) {
                Main.run(new String[] {"scan", "--infected", "-d", snap.toString(), files.resolve("script.sh").toString()});
            }
            // many small objects of varied types, one scan thread, as `scan -f LIST` runs them
            Main.run(new String[] {"scan", "--no-summary", "--threads=1", "-d", d, "-f", list.toString()});
            Main.run(new String[] {"scan", "--no-summary", "--threads=1", "-d", snap.toString(), "-f", list.toString()});
            Main.run(new String[] {"scan", "--infected", "-d", snap.toString(), "-f", list.toString()});
            // a text database large enough for the loader's large-file paths (chunked reads, the hash lane,
            // the fingerprint's thread), as a scan and the daemon (with the fingerprint) load it
            Path large = textDatabase(dir.resolve("large-db"));
            Main.run(new String[] {"scan", "--no-summary", "-d", large.toString(), files.resolve("script.sh").toString()});
            DatabaseLoader.load(List.of(large), LoadOptions.defaults());
            // bulwark yara: rule compilation (every string kind) and a recursive scan
            Path rules = dir.resolve("train.yar");
            Files.writeString(rules, yaraRules());
            // its compiled-rule cache in the training's directory: the first round stores, the others load
            System.setProperty(dev.bulwark.cli.yara.YaraCommand.CACHE_PROPERTY, dir.resolve("yara-cache").toString());
            for (int r = 0; r < ROUNDS; r++) {
                Main.run(new String[] {"yara", "-r", "-s", rules.toString(), f});
            }
            // (yara10) a cache hit printing every rule with its meta and tags, as the Elastic measurement runs
            Main.run(new String[] {"yara", "-n", "-m", "-g", rules.toString(), f});
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        loadWordLoaders();
        // end as the commands end (Main.exit: no exit logging, so no System.Logger classes in the cache)
        Main.exit(0, false);
    }

    /**
     * The training of the launcher's second, smaller cache for tiny scans (a few small files against a
     * snapshot): such a run starts every class of its cache, so the cache holds only what those scans
     * load (about 1,300 classes instead of 1,900: ~10 ms less CPU per run). Runs in DIR after a full
     * training there, whose snapshot and sample files it scans one at a time, as {@code bin/bulwark}
     * runs them. No {@code --json} scan: its SHA-256, {@code Formatter} and locale classes (~110) would be
     * loaded by every tiny run, so the launcher starts {@code --json} scans from the main cache. Prints nothing.
     */
    private static void tiny(Path dir) throws IOException {
        Path snap = dir.resolve("train.bsnap"), files = dir.resolve("files");
        if (!Files.isRegularFile(snap)) throw new IllegalArgumentException("no snapshot in " + dir + ": run the full training first");
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        PrintStream out = System.out, err = System.err;
        System.setOut(sink);
        System.setErr(sink);
        try {
            String d = snap.toString();
            // (startup13) and a clean text of a few KiB: scans of at most AtomIndex.UNFILTERED_MAX positions go without
            // the atom index's filters, and inputs below ByteScan.SWAR_MIN bytes without the word loops, so the small
            // samples above (and the detected ones, whose scan stops early) no longer reach the filtered path's
            // exact-table hits or the text normaliser's word loop, whose VarHandle call sites a tiny run would otherwise
            // link at run time (~0.3 ms each). Prose with double spaces, and EICAR's line with its end changed: its
            // atoms hit, it matches nothing.
            StringBuilder mixed = new StringBuilder();
            String eicar = Files.readString(files.resolve("eicar.com"), java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 40; i++) {
                mixed.append("The quick brown fox jumps over the lazy dog.  Line ").append(i).append(" of a plain text.\n");
                if (i % 10 == 5) mixed.append(eicar, 0, eicar.length() - 6).append("xxxxxx\n");
            }
            Files.writeString(files.resolve("mixed.txt"), mixed, java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] page = Files.readAllBytes(files.resolve("page.html")); // and the page four times over, filtered
            Files.write(files.resolve("page4.html"), java.nio.ByteBuffer.allocate(4 * page.length).put(page).put(page).put(page).put(page).array());
            for (String f : new String[] {"eicar.com", "script.sh", "page.html", "text.gz", "archive.zip", "mixed.txt", "page4.html"}) {
                String p = files.resolve(f).toString();
                Main.run(new String[] {"scan", "--no-summary", "--infected", "-d", d, p});
                Main.run(new String[] {"scan", "-d", d, p});
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        loadWordLoaders();
        Main.exit(0, false);
    }

    /**
     * (startup13) The holder classes of the word-at-a-time loops' VarHandles, created on first use so that a small
     * one-file scan creates no VarHandle. Whether a training's samples reach each of them depends on the data (a key
     * hit in an exact table, an input of at least {@code ByteScan.SWAR_MIN} bytes), and a class missing from the cache is
     * loaded from the jar by the first scan that needs it: opening the jar costs such a run 5-9 ms. So both trainings
     * load them all. {@code AotTrainingTest} checks that the names exist.
     */
    static final String[] WORD_LOADERS = {
        "dev.bulwark.engine.match.AtomIndex$LE", "dev.bulwark.engine.match.AtomTable$LE", "dev.bulwark.engine.match.StrideFilter$LE",
        "dev.bulwark.engine.filetype.HeadText$LE", "dev.bulwark.engine.filetype.ByteScan$LE", "dev.bulwark.engine.normalize.TextNormalizer$LE",
    };

    static void loadWordLoaders() {
        for (String c : WORD_LOADERS) {
            try {
                Class.forName(c, true, AotTraining.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("AotTraining.WORD_LOADERS names a missing class: " + c, e);
            }
        }
    }

    /**
     * A generated text database in DIR: 80,000 MD5 and 20,000 SHA-256 hash lines (5.3 and 1.9 MB: above
     * the loader's chunked-read and hash-lane thresholds), 3,000 body and 300 logical signatures. Loading
     * it costs the training ~0.5 CPU-s; it profiles the hash-line parser, the anchor planner and the
     * builders, and loads the classes of those paths, which a scan with a large text database then finds
     * in the cache.
     */
    private static Path textDatabase(Path dir) throws IOException {
        Files.createDirectories(dir);
        java.util.Random r = new java.util.Random(2);
        StringBuilder md5 = new StringBuilder(), sha = new StringBuilder(), ndb = new StringBuilder(), ldb = new StringBuilder();
        byte[] d = new byte[32];
        for (int i = 0; i < 80_000; i++) {
            r.nextBytes(d);
            md5.append(HexFormat.of().formatHex(d, 0, 16)).append(':').append(1 + r.nextInt(1 << 20)).append(":Train.Md5-").append(i).append('\n');
        }
        for (int i = 0; i < 20_000; i++) {
            r.nextBytes(d);
            sha.append(HexFormat.of().formatHex(d)).append(':').append(1 + r.nextInt(1 << 20)).append(":Train.Sha256-").append(i).append('\n');
        }
        for (int i = 0; i < 3_000; i++) {
            r.nextBytes(d);
            String hex = HexFormat.of().formatHex(d, 0, 8 + r.nextInt(16));
            ndb.append("Train.Body-").append(i).append(':').append(r.nextInt(7)).append(":*:")
                    .append(i % 3 == 0 ? hex.substring(0, 10) + "??" + hex.substring(12) : i % 3 == 1 ? hex + "{2-8}" + hex : hex).append('\n');
        }
        for (int i = 0; i < 300; i++) {
            r.nextBytes(d);
            ldb.append("Train.Logical-").append(i).append(";Engine:51-255,Target:0;0&1;").append(HexFormat.of().formatHex(d, 0, 10))
                    .append(';').append(HexFormat.of().formatHex(d, 10, 22)).append('\n');
        }
        Files.writeString(dir.resolve("train.hdb"), md5);
        Files.writeString(dir.resolve("train.hsb"), sha);
        Files.writeString(dir.resolve("train.ndb"), ndb);
        Files.writeString(dir.resolve("train.ldb"), ldb);
        return dir;
    }

    /** YARA rules with hex strings (jumps, wildcards, alternatives), text modifiers and regexes, many of them. */
    private static String yaraRules() {
        StringBuilder sb = new StringBuilder("import \"pe\"\n");
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 300; i++) {
            StringBuilder hex = new StringBuilder();
            for (int j = 0; j < 12 + r.nextInt(20); j++) {
                hex.append(String.format("%02x ", r.nextInt(256)));
                if (j == 5 && i % 3 == 0) hex.append("?? [2-8] ");
                if (j == 8 && i % 5 == 0) hex.append("( 4d | 5a 90 ) ");
            }
            sb.append("rule h").append(i).append(" { strings: $a = { ").append(hex).append("} condition: $a }\n");
        }
        sb.append("rule t1 { strings: $a = \"Hello\" nocase wide ascii $b = \"echo\" fullword condition: any of them }\n");
        sb.append("rule t2 { strings: $a = \"training\" xor(1-4) $b = \"sample\" base64 condition: #a > 0 or $b }\n");
        sb.append("rule t3 { strings: $a = /exit [0-9]+/ $b = /ex(ample|it)\\.com/i condition: $a or $b }\n");
        // meta of every kind and a slow-string warning: a cache hit reads and prints both (their classes in the cache)
        sb.append("rule t5 : tag1 tag2 { meta: author = \"bulwark\" version = 2 ok = true strings: $a = { 00 ?? 00 } "
                + "condition: $a }\n");
        sb.append("rule t4 { condition: uint16(0) == 0x5a4d and pe.number_of_sections > 0 and filesize < 10MB }\n");
        return sb.toString();
    }

    private static String md5(byte[] b) { return hex("MD5", b); }

    private static String sha256(byte[] b) { return hex("SHA-256", b); }

    private static String hex(String alg, byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
