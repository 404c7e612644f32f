package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.MagicRule;
import dev.bulwark.engine.match.HashIndex;
import dev.bulwark.engine.match.PatternSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the scanner needs from the loaded databases, compiled and immutable. Body patterns of
 * every kind share one {@link PatternSet}; the owner of a pattern says what a match means.
 */
public final class SignatureSet {
    /** Owner kinds, in the top 3 bits of a pattern's owner value. */
    public static final int OWNER_NDB = 0, OWNER_LSUB = 1, OWNER_MACRO = 2;

    public static int owner(int kind, int ref) { return kind << 29 | ref; }
    public static int ownerKind(int owner) { return owner >>> 29; }
    public static int ownerRef(int owner) { return owner & ((1 << 29) - 1); }

    public final PatternSet patterns;
    /** .ndb/.db/.sdb signatures: reported names and weak flags, indexed by NDB owner ref. */
    public final String[] ndbNames;
    public final boolean[] ndbWeak;
    public final LogicalSig[] lsigs;
    /** Hash signatures by digest kind: 0 MD5, 1 SHA-1, 2 SHA-256. Values index {@link #hashNames}. */
    public final HashIndex[] hashes, sectionHashes, allow;
    public final HashIndex imports;
    public final String[] hashNames;
    public final boolean[] hashWeak;
    public final List<ContainerRule> containerRules;
    /** Type-0 magic from .ftm, or null to use the built-in table. */
    public final List<MagicRule> magic;
    /** Type-1 (pattern) magic from .ftm: patterns matched over the first 1024 bytes of a layer. */
    public final PatternSet magicPatterns;
    public final List<MagicRule> magicPatternRules;
    public final Set<ScanOptions.Parser> dconfDisabled;
    public final Object phishing;
    public final Object yara;
    /** Logical signatures that can be true without any body match: evaluated on every pass. */
    public final int[] zeroTrue;
    private final int count;

    SignatureSet(PatternSet patterns, String[] ndbNames, boolean[] ndbWeak, LogicalSig[] lsigs,
                 HashIndex[] hashes, HashIndex[] sectionHashes, HashIndex[] allow, HashIndex imports,
                 String[] hashNames, boolean[] hashWeak, List<ContainerRule> containerRules,
                 List<MagicRule> magic, PatternSet magicPatterns, List<MagicRule> magicPatternRules,
                 Set<ScanOptions.Parser> dconfDisabled, Object phishing, Object yara, int count) {
        this.patterns = patterns;
        this.ndbNames = ndbNames;
        this.ndbWeak = ndbWeak;
        this.lsigs = lsigs;
        this.hashes = hashes;
        this.sectionHashes = sectionHashes;
        this.allow = allow;
        this.imports = imports;
        this.hashNames = hashNames;
        this.hashWeak = hashWeak;
        this.containerRules = containerRules;
        this.magic = magic;
        this.magicPatterns = magicPatterns;
        this.magicPatternRules = magicPatternRules;
        this.dconfDisabled = dconfDisabled;
        this.phishing = phishing;
        this.yara = yara;
        this.count = count;
        this.zeroTrue = zeroTrue(lsigs);
    }

    private static int[] zeroTrue(LogicalSig[] lsigs) {
        dev.bulwark.engine.match.IntList out = new dev.bulwark.engine.match.IntList();
        for (int i = 0; i < lsigs.length; i++) {
            LogicalSig s = lsigs[i];
            int[] c = new int[s.subCount()];
            for (int j = 0; j < c.length; j++) if (!(s.subs()[j] instanceof LogicalSig.BodySub)) c[j] = 1;
            if (Logic.eval(s.logic(), c)) out.add(i);
        }
        return out.toArray();
    }

    /** Signatures loaded, counted as ClamAV counts them. */
    public int count() { return count; }

    /** Names starting with these are potentially-unwanted (weak) indicators. */
    public static boolean isWeak(String name) {
        return name.startsWith("PUA.") || name.startsWith("Heuristics.") || name.startsWith("BC.Heuristics.");
    }
}
