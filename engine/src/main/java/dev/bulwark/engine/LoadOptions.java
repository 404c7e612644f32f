package dev.bulwark.engine;

/**
 * How signature databases are loaded.
 *
 * @param detectPua    load {@code .hdu .hsu .mdu .msu .ndu .ldu} (clamscan --detect-pua)
 * @param yara         whether {@code .yar/.yara} files are loaded (clamscan --yara-rules)
 * @param officialOnly load only signed {@code .cvd/.cld} containers
 * @param phishing     load the phishing databases ({@code .pdb .wdb .gdb})
 */
public record LoadOptions(boolean detectPua, Yara yara, boolean officialOnly, boolean phishing) {

    public enum Yara { YES, NO, ONLY }

    public static LoadOptions defaults() {
        return new LoadOptions(false, Yara.YES, false, true);
    }

    public LoadOptions withDetectPua(boolean v) { return new LoadOptions(v, yara, officialOnly, phishing); }
    public LoadOptions withYara(Yara v) { return new LoadOptions(detectPua, v, officialOnly, phishing); }
    public LoadOptions withOfficialOnly(boolean v) { return new LoadOptions(detectPua, yara, v, phishing); }
    public LoadOptions withPhishing(boolean v) { return new LoadOptions(detectPua, yara, officialOnly, v); }
}
