package dev.bulwark.engine;

import java.util.List;

/**
 * How signature databases are loaded.
 *
 * @param detectPua    load {@code .hdu .hsu .mdu .msu .ndu .ldu} (clamscan --detect-pua)
 * @param yara         whether {@code .yar/.yara} files are loaded (clamscan --yara-rules)
 * @param officialOnly load only signed {@code .cvd/.cld} containers
 * @param phishing     load the phishing databases ({@code .pdb .wdb .gdb})
 * @param excludePua   PUA categories left out of the PUA databases (clamscan --exclude-pua, repeatable);
 *                     only with {@code detectPua}, as in ClamAV
 * @param includePua   the only PUA categories loaded from the PUA databases (--include-pua); at most one
 *                     of the two lists is non-empty
 * @param fingerprint  compute the database's fingerprint ({@code Database.fingerprint()}, SHA-256 over the
 *                     files read) from text sources; a one-shot scan that never shows it leaves it out
 *                     (the medium generated database: 0.28 of 1.43 CPU-s without the JIT's SHA-256
 *                     intrinsic). Without it the fingerprint is empty. A one-shot scan also checks a large
 *                     snapshot's hash index blocks when first read rather than at load (large12,
 *                     {@code SnapshotReader.load(Path, boolean)}).
 */
public record LoadOptions(boolean detectPua, Yara yara, boolean officialOnly, boolean phishing,
                          List<String> excludePua, List<String> includePua, boolean fingerprint) {

    public enum Yara { YES, NO, ONLY }

    public LoadOptions {
        excludePua = List.copyOf(excludePua);
        includePua = List.copyOf(includePua);
        if (!excludePua.isEmpty() && !includePua.isEmpty()) {
            throw new IllegalArgumentException("excluded and included PUA categories cannot be used at the same time");
        }
        for (String c : excludePua) checkCategory(c);
        for (String c : includePua) checkCategory(c);
    }

    public LoadOptions(boolean detectPua, Yara yara, boolean officialOnly, boolean phishing) {
        this(detectPua, yara, officialOnly, phishing, List.of(), List.of());
    }

    public LoadOptions(boolean detectPua, Yara yara, boolean officialOnly, boolean phishing,
                       List<String> excludePua, List<String> includePua) {
        this(detectPua, yara, officialOnly, phishing, excludePua, includePua, true);
    }

    private static void checkCategory(String c) {
        if (c.isEmpty()) throw new IllegalArgumentException("empty PUA category");
    }

    public static LoadOptions defaults() {
        return new LoadOptions(false, Yara.YES, false, true);
    }

    public LoadOptions withDetectPua(boolean v) { return new LoadOptions(v, yara, officialOnly, phishing, excludePua, includePua, fingerprint); }
    public LoadOptions withYara(Yara v) { return new LoadOptions(detectPua, v, officialOnly, phishing, excludePua, includePua, fingerprint); }
    public LoadOptions withOfficialOnly(boolean v) { return new LoadOptions(detectPua, yara, v, phishing, excludePua, includePua, fingerprint); }
    public LoadOptions withPhishing(boolean v) { return new LoadOptions(detectPua, yara, officialOnly, v, excludePua, includePua, fingerprint); }
    /** Categories such as {@code Packer} or {@code Win} (see {@link #excludePua()}). */
    public LoadOptions withExcludePua(List<String> v) { return new LoadOptions(detectPua, yara, officialOnly, phishing, v, includePua, fingerprint); }
    public LoadOptions withIncludePua(List<String> v) { return new LoadOptions(detectPua, yara, officialOnly, phishing, excludePua, v, fingerprint); }
    /** See {@link #fingerprint()}. */
    public LoadOptions withFingerprint(boolean v) { return new LoadOptions(detectPua, yara, officialOnly, phishing, excludePua, includePua, v); }
}
