package dev.bulwark.engine.signatures.yara;

/** A YARA rule source: name (a path or label used in messages and for relative includes) and its text. */
public record YaraSource(String name, String text) {}
