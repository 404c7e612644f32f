package dev.bulwark.engine.formats.cab;

/**
 * One adaptive frequency model of the Quantum arithmetic coder. Symbols are kept in order of
 * decreasing frequency as cumulative counts: {@code cum[i]} is the total count of the entries at
 * {@code i} and after, so entry {@code i} owns the interval {@code [cum[i+1], cum[i])} of {@code cum[0]}
 * and {@code cum[entries]} is 0. Each coded symbol adds 8 to its entry (and so to every cumulative
 * count before it); when the total passes {@link #RESCALE_ABOVE} the counts are halved, and every
 * {@link #HALVINGS_PER_SORT}th time the entries are also re-sorted by frequency. Encoder and decoder
 * must evolve the model identically, so both use this class.
 */
final class QuantumModel {
    /** Total count above which counts are halved: keeps totals within the 16-bit coder's precision. */
    static final int RESCALE_ABOVE = 3800;
    private static final int INCREMENT = 8;
    /** The first re-sort comes after 4 halvings, later ones after 50. */
    private static final int FIRST_SORT = 4, HALVINGS_PER_SORT = 50;

    final int entries;
    final int[] sym, cum;
    private final int first;
    private int halvingsLeft;

    /** Symbols {@code first} to {@code first + entries - 1}, initially in that order with counts entries..1. */
    QuantumModel(int first, int entries) {
        this.first = first;
        this.entries = entries;
        sym = new int[entries + 1];
        cum = new int[entries + 1];
        reset();
    }

    void reset() {
        halvingsLeft = FIRST_SORT;
        for (int i = 0; i <= entries; i++) {
            sym[i] = first + i;
            cum[i] = entries - i;
        }
    }

    /** Counts the entry at {@code index} (just coded) and rescales when the total grows too large. */
    void update(int index) {
        for (int i = index; i >= 0; i--) cum[i] += INCREMENT;
        if (cum[0] > RESCALE_ABOVE) rescale();
    }

    private void rescale() {
        if (--halvingsLeft != 0) {
            for (int i = entries - 1; i >= 0; i--) {
                cum[i] >>= 1;
                if (cum[i] <= cum[i + 1]) cum[i] = cum[i + 1] + 1; // every entry keeps a count of at least 1
            }
            return;
        }
        halvingsLeft = HALVINGS_PER_SORT;
        for (int i = 0; i < entries; i++) cum[i] = (cum[i] - cum[i + 1] + 1) >> 1; // cumulative to (halved) frequency
        // selection sort by decreasing frequency, swapping in place: its (in)stability is part of the format
        for (int i = 0; i < entries - 1; i++) {
            for (int j = i + 1; j < entries; j++) {
                if (cum[i] < cum[j]) {
                    int s = sym[i], c = cum[i];
                    sym[i] = sym[j];
                    cum[i] = cum[j];
                    sym[j] = s;
                    cum[j] = c;
                }
            }
        }
        for (int i = entries - 1; i >= 0; i--) cum[i] += cum[i + 1];
    }
}
