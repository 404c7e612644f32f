package dev.bulwark.engine.signatures.clamav;

/** The kind of a database file by its (lower-case) name: how {@link DatabaseLoader} parses its lines. */
enum LineKind {
    HASH, SECTION, IMPORT, ALLOW, NDB, DB, LDB, CDB, FTM, CFG, IGNORE, PHISHING, SKIP;

    /** Kinds that add to the hash builders only (see {@link HashLane}). */
    boolean hashes() {
        return this == HASH || this == SECTION || this == IMPORT || this == ALLOW;
    }

    /** A PUA database (ClamAV's .hdu .ndu ...): parsed with the PUA filter, so never next to the hash lane. */
    static boolean pua(String n) {
        return n.endsWith(".hdu") || n.endsWith(".hsu") || n.endsWith(".mdu") || n.endsWith(".msu")
                || n.endsWith(".ndu") || n.endsWith(".ldu");
    }

    static LineKind of(String n) {
        if (n.endsWith(".hdb") || n.endsWith(".hdu") || n.endsWith(".hsb") || n.endsWith(".hsu")) return HASH;
        if (n.endsWith(".mdb") || n.endsWith(".mdu") || n.endsWith(".msb") || n.endsWith(".msu")) return SECTION;
        if (n.endsWith(".imp")) return IMPORT;
        if (n.endsWith(".fp") || n.endsWith(".sfp")) return ALLOW;
        if (n.endsWith(".ndb") || n.endsWith(".ndu") || n.endsWith(".sdb")) return NDB;
        if (n.endsWith(".ldb") || n.endsWith(".ldu")) return LDB;
        if (n.endsWith(".cdb")) return CDB;
        if (n.endsWith(".ftm")) return FTM;
        if (n.endsWith(".cfg")) return CFG;
        if (n.endsWith(".ign") || n.endsWith(".ign2")) return IGNORE;
        if (n.endsWith(".pdb") || n.endsWith(".wdb") || n.endsWith(".gdb")) return PHISHING;
        if (n.endsWith(".db")) return DB;
        return SKIP;
    }
}
