package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import java.nio.file.Path;
import java.util.List;

/** Placeholder: loads ClamAV databases. */
public final class DatabaseLoader {
    private DatabaseLoader() {}

    public static Database load(List<Path> sources, LoadOptions options) {
        throw new UnsupportedOperationException("not yet");
    }
}
