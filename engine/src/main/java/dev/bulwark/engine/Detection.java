package dev.bulwark.engine;

/**
 * One signature that matched.
 *
 * @param name   the signature name as reported (e.g. {@code Eicar-Signature}, {@code Sig.UNOFFICIAL})
 * @param path   where inside the scanned object: empty for the object itself, else the container
 *               path of the layer, members joined by {@code //} (e.g. {@code a.zip//b.exe})
 * @param weak   a potentially-unwanted indicator ({@code PUA.}, {@code Heuristics.}) rather than a detection
 * @param offset byte offset of the match within its layer, or -1 when not applicable (hash, logic)
 */
public record Detection(String name, String path, boolean weak, long offset) {}
