package dev.bulwark.cli;

/** {@code bulwark} command dispatcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("usage: bulwark scan|yara|daemon|db ...");
        System.exit(2);
    }
}
