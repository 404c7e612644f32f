package dev.bulwark.engine.formats.dmg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One decoded "mish" block: a partition as runs of sectors. */
record Mish(List<Run> runs) {
    static final int HEADER = 204, RUN = 40;
    private static final int MAGIC = 0x6d697368; // "mish"

    record Run(int type, long startSector, long sectorCount, long dataOffset, long dataLength) {}

    /** Parses a decoded block; null when it is not a mish block or is shorter than its run count says. */
    static Mish parse(ByteBuffer d) {
        d = d.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (d.limit() < HEADER || d.getInt(0) != MAGIC) return null;
        long count = d.getInt(HEADER - 4) & 0xFFFFFFFFL;
        if (d.limit() < HEADER + count * RUN) return null;
        List<Run> runs = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            int o = HEADER + i * RUN;
            runs.add(new Run(d.getInt(o), d.getLong(o + 8), d.getLong(o + 16), d.getLong(o + 24), d.getLong(o + 32)));
        }
        return new Mish(List.copyOf(runs));
    }

    /** Runs in sector order (ClamAV sorts only when they are out of order). */
    List<Run> sortedRuns() {
        for (int i = 1; i < runs.size(); i++) {
            if (Long.compareUnsigned(runs.get(i).startSector(), runs.get(i - 1).startSector()) < 0) {
                List<Run> s = new ArrayList<>(runs);
                s.sort(Comparator.comparing(Run::startSector, Long::compareUnsigned));
                return s;
            }
        }
        return runs;
    }
}
