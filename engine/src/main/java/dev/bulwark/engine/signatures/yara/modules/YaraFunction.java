package dev.bulwark.engine.signatures.yara.modules;

/** A module function; args are Long, Double, byte[] or Regex values. Returns null for undefined. */
@FunctionalInterface
public interface YaraFunction {
    Object call(ScanInput input, Object[] args);
}
