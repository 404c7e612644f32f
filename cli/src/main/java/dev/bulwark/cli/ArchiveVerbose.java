package dev.bulwark.cli;

import dev.bulwark.engine.Detection;
import dev.bulwark.engine.RawNames;
import dev.bulwark.engine.ScanResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * clamscan 1.4.6's -a/--archive-verbose line after an infected file's FOUND lines, e.g.
 * {@code nested.zip!ZIP:t.tar!(2)ZIP:clean.txt: Eicar-Test-Signature FOUND}. clamscan builds it with three libclamav
 * callbacks (clamscan/manager.c): one before each layer is scanned (a level up), one after it (a level down; a layer
 * that added a name and found nothing takes its name off again, unless anything alerted before; the first layer
 * after an alert notes its level), and one for each member name a container format reports (ZIP, TAR, 7Z, RAR, CAB,
 * ...: "TYPE:name", a new entry on the chain when the level changed since the last one, else in place of the last).
 * The line is the chain but its last entry joined by '!' (cut at ClamAV's 128-byte buffer, then "..."), "!(level-1)",
 * the last entry; with one entry only, the file's name and "!(level-1)". A ZIP's names are all reported before any
 * member is scanned (ClamAV's unzip reads the whole central directory first), so a ZIP names its last member whatever
 * member was infected. And a layer found in libclamav's clean cache (its content scanned clean before, by this
 * process: an earlier file or member) gets the pre-scan callback but not the post-scan one, so the level stays one
 * up for the rest of the file. This replays those callbacks over the engine's extraction tree (with each layer's
 * SHA-256 for the cache), for every file scanned, in the order clamscan scans them.
 */
final class ArchiveVerbose {
    /** Container types whose extractor in libclamav 1.4 reports each member's name (cli_matchmeta) before scanning it. */
    private static final Set<String> NAMING = Set.of("ZIP", "POSIX_TAR", "OLD_TAR", "7Z", "RAR", "EGG", "ARJ", "MSCAB",
            "MSCHM", "CPIO_OLD", "CPIO_ODC", "CPIO_NEWC", "CPIO_CRC", "ISO9660", "ISHIELD_MSI", "MAIL");
    /** clamscan's print_chain buffer. */
    private static final int BUFFER = 128;
    /** Bound of the clean cache (libclamav's holds 65,536 entries). */
    private static final int CACHE_MAX = 65_536;

    /** libclamav's clean cache (null: --disable-cache): the layers found clean so far, by SHA-256 and size. */
    private final Set<String> clean;

    // one file's callbacks
    private List<String> chain, scanning;
    private String file;
    private List<Detection> detections;
    private final Set<Detection> placed = new java.util.LinkedHashSet<>();
    private Set<String> detected;
    /** (cli15) Per layer path, the fewest children it had recorded when one of its alerts was raised. */
    private java.util.Map<String, Integer> raised;
    private int level, lastAdd, lastVir;
    private boolean alerted;

    ArchiveVerbose(boolean cache) {
        clean = cache ? new HashSet<>() : null;
    }

    /**
     * What clamscan -a prints for one file: the "Scanning CHAIN!TYPE:member" lines its metadata callback prints with
     * -v (one per name reported) with the "FILE: NAME FOUND" lines where the detections happen among them (clamscan
     * prints each as it is found), and the line after the FOUND lines (null for a clean file).
     */
    record Lines(List<String> scanning, String found) {}

    /** Replays one file's scan (every file, clean ones too: they fill the cache). */
    Lines replay(String file, ScanResult r) {
        scanning = new ArrayList<>();
        if (r.tree() == null) return new Lines(scanning, null);
        if (r.tree().type() == null) { // (cli15) the file itself refused by a limit: no callback ran, no line
            for (Detection d : r.detections()) scanning.add(file + ": " + d.name() + " FOUND");
            return new Lines(scanning, null);
        }
        chain = new ArrayList<>(List.of(file));
        detected = new HashSet<>();
        // libclamav's evidence: every alert raised so far, reported or not (a weak MaxRecursion behind a virus found
        // later, a repeated weak name): the post-scan callback of each layer after it gets a virus name; an alert
        // raised on a container before some of its members were scanned (a ZIP's MaxFiles while indexing, a PE's
        // raw scan) counts from the post-scan callbacks of those members on
        raised = new java.util.HashMap<>();
        for (ScanResult.Raised x : r.raised()) {
            detected.add(x.detection().path());
            raised.merge(x.detection().path(), x.afterChildren(), Math::min);
        }
        this.file = file;
        this.detections = r.detections();
        level = lastAdd = lastVir = 0;
        alerted = false;
        visit(r.tree());
        for (Detection d : detections) { // (placed nowhere in the tree: at the end)
            if (!placed.contains(d)) scanning.add(file + ": " + d.name() + " FOUND");
        }
        placed.clear();
        if (r.detections().isEmpty()) return new Lines(scanning, null);
        if (lastVir == 0) lastVir = 1; // (a detection the tree does not place: the file itself)
        String virus = lastNewName(r.detections());
        if (chain.size() > 1) {
            boolean[] tooLong = new boolean[1];
            String head = printChain(tooLong);
            return new Lines(scanning, head + (tooLong[0] ? "..." : "") + "!(" + (lastVir - 1) + ")" + chain.get(chain.size() - 1) + ": "
                    + virus + " FOUND");
        }
        return new Lines(scanning, file + "!(" + (lastVir - 1) + "): " + virus + " FOUND");
    }

    /** One scanned layer: the pre-scan callback, its members' names and scans, the post-scan callback. */
    private void visit(ScanResult.LayerInfo node) {
        level++;
        String key = node.sha256() == null ? null : node.sha256() + ":" + node.size();
        if (clean != null && key != null && clean.contains(key)) return; // cached clean: no members, no post-scan callback
        String type = node.type() == null ? "ANY" : node.type().startsWith("CL_TYPE_") ? node.type().substring(8) : node.type();
        if (node.listed() != null) for (String n : node.listed()) meta(type, n);
        Integer raisedAfter = raised.get(node.path());
        boolean tar = type.equals("POSIX_TAR") || type.equals("OLD_TAR");
        int i = 0;
        for (ScanResult.LayerInfo c : node.children()) {
            if (raisedAfter != null && i++ >= raisedAfter) alerted = true;
            // libclamav's untar checks the files limit before it reads a header: a member refused for MaxFiles ends
            // the tar, unnamed; one refused for MaxRecursion is named, and ends it
            if (tar && c.note() != null && c.note().endsWith("(MaxFiles)")) break;
            boolean last = tar && c.note() != null && c.note().endsWith("(MaxRecursion)");
            // an embedded object (a ZIP found inside the 7z's bytes) is a layer, not a member: no name
            boolean embedded = c.path().endsWith(")") && c.path().contains("(CL_TYPE_");
            if (node.listed() == null && NAMING.contains(type) && !embedded) {
                String name = memberName(node, c);
                // a member without a name ("(depth)" in the tree): a mail part is "attachment" to ClamAV's mbox (the
                // name of its file blob), another member has the empty name
                if (name.equals("(" + (c.path().split("//", -1).length) + ")")) name = type.equals("MAIL") ? "attachment" : "";
                meta(type, name);
            }
            if (c.type() != null) visit(c); // (a member not scanned: no layer)
            if (last) break;
        }
        if (detected.contains(node.path())) {
            alerted = true;
            for (Detection d : detections) {
                if (d.path().equals(node.path()) && placed.add(d)) scanning.add(file + ": " + d.name() + " FOUND");
            }
        }
        if (level == lastAdd && !alerted) chain.remove(chain.size() - 1);
        if (alerted && lastVir == 0) lastVir = level;
        // libclamav caches a layer when nothing alerted so far in the file (its evidence is the whole scan's)
        if (!alerted && clean != null && key != null && clean.size() < CACHE_MAX) clean.add(key);
        level--;
    }

    /**
     * (cli15) The name cl_scandesc hands back: libclamav's evidence_get_last_alert, the last alert of one name in its
     * strong alerts if any, else in its potentially unwanted ones. Those are Rust HashMaps by name, so with two or more
     * distinct names (--allmatch) clamscan 1.4.6 prints any one of them, differently from run to run; with one name
     * (a weak limit alert behind one virus) it is that name. Here: the last detection of the strong ones, else of the
     * weak ones.
     */
    private static String lastNewName(List<Detection> ds) {
        for (boolean weak : new boolean[] {false, true}) {
            String last = null;
            for (Detection d : ds) if (d.weak() == weak) last = d.name();
            if (last != null) return last;
        }
        return ds.get(ds.size() - 1).name();
    }

    /** clamscan's meta callback. */
    private void meta(String type, String name) {
        String entry = type.equals("ANY") ? name : type + ":" + name;
        if (lastAdd != level) {
            chain.add(entry);
            lastAdd = level;
        } else {
            chain.set(chain.size() - 1, entry);
        }
        boolean[] tooLong = new boolean[1];
        String head = printChain(tooLong);
        scanning.add("Scanning " + head + (tooLong[0] ? "..." : "") + "!" + entry); // (clamscan's logg "*" line: -v)
    }

    /** The member's name as its container gave it (the tree's path is the container's path, "//", the name). */
    private static String memberName(ScanResult.LayerInfo parent, ScanResult.LayerInfo child) {
        String p = child.path();
        if (parent.path().isEmpty()) return p;
        return p.startsWith(parent.path() + "//") ? p.substring(parent.path().length() + 2) : p;
    }

    /** clamscan's print_chain: every entry but the last, joined by '!', as many as its 128 bytes hold. */
    private String printChain(boolean[] tooLong) {
        StringBuilder s = new StringBuilder();
        int na = 0, i;
        for (i = 0; i < chain.size() - 1; i++) {
            int n = RawNames.bytes(chain.get(i)).length;
            if (na > 0) {
                s.append('!');
                na++;
            }
            if (n + na + 2 > BUFFER) break;
            s.append(chain.get(i));
            na += n;
        }
        tooLong[0] = i != chain.size() - 1;
        return s.toString();
    }
}
