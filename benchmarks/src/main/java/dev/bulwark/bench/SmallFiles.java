package dev.bulwark.bench;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Inputs of the per-object benchmarks: real small files from /usr/share and an engine over a gen_sigs.py preset. */
final class SmallFiles {
    /** Smallest and largest file taken (the "small object": 1-16 KiB). */
    static final long MIN = 1024, MAX = 16 * 1024;

    private SmallFiles() {}

    /** Up to {@code count} regular files of 1-16 KiB under {@code root}, spread evenly over a sorted walk. */
    static List<Path> pick(Path root, int count) {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.filter(p -> {
                try {
                    if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(p)) return false;
                    long n = Files.size(p);
                    return n >= MIN && n <= MAX;
                } catch (IOException e) {
                    return false;
                }
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (all.isEmpty()) throw new IllegalStateException("no 1-16 KiB files under " + root);
        List<Path> out = new ArrayList<>();
        double step = Math.max(1.0, all.size() / (double) count);
        for (double i = 0; i < all.size() && out.size() < count; i += step) out.add(all.get((int) i));
        return out;
    }

    static byte[][] read(List<Path> files) {
        byte[][] b = new byte[files.size()][];
        for (int i = 0; i < b.length; i++) {
            try {
                b[i] = Files.readAllBytes(files.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return b;
    }

    /** An engine over the gen_sigs.py "small" (10k/1k/100) or "medium" (500k/50k/5k) counts. */
    static Engine engine(String size) {
        Path db = switch (size) {
            case "small" -> Fixtures.database(10_000, 1_000, 100);
            case "medium" -> Fixtures.database(500_000, 50_000, 5_000);
            case "large" -> Fixtures.database(4_000_000, 200_000, 20_000);
            default -> throw new IllegalArgumentException("size small|medium|large: " + size);
        };
        return Engine.load(List.of(db), LoadOptions.defaults());
    }
}
