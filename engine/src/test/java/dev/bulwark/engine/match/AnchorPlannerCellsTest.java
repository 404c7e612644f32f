package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The planner prices windows on flat cells ({@link AnchorPlanner#cells}); these must classify every element kind
 * as the element path does, and {@link AnchorPlanner#strideDoublings(int[], int)} must equal
 * {@link AnchorPlanner#strideDoublings(Elem[], int)} (which {@link BodyPattern} uses for its lazy parts) at every
 * position of seeded random parts holding every element kind.
 */
class AnchorPlannerCellsTest {
    private static Elem randomElem(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> Elem.lit((byte) r.nextInt(256), (byte) 0);
            case 1 -> Elem.lit((byte) (r.nextInt(256) & 0xF0), (byte) 0xF0);
            case 2 -> Elem.lit((byte) ('A' + r.nextInt(26)), (byte) 0xDF);
            case 3 -> Elem.classOf(r.nextBoolean(), r.nextInt(256), r.nextInt(256));
            case 4 -> new Elem.Gap(1, 1 + r.nextInt(4));
            case 5 -> new Elem.Alt(new Elem[][] {{Elem.lit((byte) 1, (byte) 0xFF)}, {Elem.lit((byte) 2, (byte) 0xFF), Elem.lit((byte) 3, (byte) 0xFF)}});
            case 6 -> new Elem.NegAlt(new Elem[][] {{Elem.lit((byte) 1, (byte) 0xFF), Elem.lit((byte) 2, (byte) 0xFF)}}, 2);
            default -> Elem.lit((byte) r.nextInt(256), (byte) 0xFF);
        };
    }

    @Test
    void cellsAndStrideDoublingsAgreeWithTheElementPath() {
        Random r = new Random(26112026);
        int checked = 0, nonZero = 0;
        for (int t = 0; t < 20_000; t++) {
            Elem[] part = new Elem[1 + r.nextInt(30)];
            for (int i = 0; i < part.length; i++) part[i] = r.nextInt(3) == 0 ? randomElem(r) : Elem.lit((byte) r.nextInt(256), (byte) 0xFF);
            int[] cells = AnchorPlanner.cells(part);
            for (int i = 0; i < part.length; i++) {
                Elem e = part[i];
                boolean lit = e instanceof Elem.Lit;
                assertEquals(lit || e instanceof Elem.Cls, (cells[i] & AnchorPlanner.C_BYTE) != 0);
                assertEquals(lit && ((Elem.Lit) e).exact(), (cells[i] & AnchorPlanner.C_EXACT) != 0);
                assertEquals(lit && ((Elem.Lit) e).folded(), (cells[i] & AnchorPlanner.C_FOLDED) != 0);
                assertEquals(HexPatternParser.isStatic(e), (cells[i] & AnchorPlanner.C_STATIC) != 0);
                if (lit) assertEquals(((Elem.Lit) e).value() & 0xFF, cells[i] & 0xFF);
                int d = AnchorPlanner.strideDoublings(part, i);
                assertEquals(d, AnchorPlanner.strideDoublings(cells, i), "position " + i);
                checked++;
                if (d != 0) nonZero++;
            }
        }
        assertTrue(checked > 100_000 && nonZero > checked / 10, checked + " " + nonZero);
    }
}
