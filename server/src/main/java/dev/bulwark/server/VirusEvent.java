package dev.bulwark.server;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * clamd's {@code VirusEvent}: after a detection, runs the configured command with {@code /bin/sh -c},
 * {@code %v} replaced by the detection name, {@code %f} by clamd's notice that the file name is only in the
 * environment (clamd 1.4 removed it from the command line because a crafted name could inject commands),
 * and an environment of only {@code CLAM_VIRUSEVENT_FILENAME} and {@code CLAM_VIRUSEVENT_VIRUSNAME}. clamd
 * 1.4 means to pass {@code PATH} too but puts its value without the {@code PATH=} name, which the shell
 * drops, so its handlers run with the shell's default search path; we do the same, so a handler behaves
 * alike under both. As clamd, the scan's reply waits for the command to finish, but here
 * only up to {@link #TIMEOUT_SEC}: a hanging handler must not hold a scan slot forever.
 */
final class VirusEvent {
    /** clamd 1.4's replacement text for {@code %f}. */
    static final String FILENAME_DISABLED = "The filename format character has been disabled due to security concerns, "
            + "use the 'CLAM_VIRUSEVENT_FILENAME' environment variable instead.";
    /** Longest wait for the handler before the reply goes out (it is then killed). */
    static final long TIMEOUT_SEC = 60;
    /** Detection names are short; a longer one is cut before it reaches the command line. */
    private static final int MAX_NAME = 1024;

    private final String command;
    private final Log log;

    VirusEvent(String command, Log log) {
        this.command = command;
        this.log = log;
    }

    /** The command line for one detection (as clamd builds it). */
    static String expand(String template, String virusName) {
        String v = virusName.length() > MAX_NAME ? virusName.substring(0, MAX_NAME) : virusName;
        StringBuilder sb = new StringBuilder(template.length() + v.length());
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '%' && i + 1 < template.length() && template.charAt(i + 1) == 'v') {
                sb.append(v);
                i++;
            } else if (c == '%' && i + 1 < template.length() && template.charAt(i + 1) == 'f') {
                sb.append(FILENAME_DISABLED);
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Runs the handler for one detection and waits for it (bounded); failures are logged, never thrown. */
    void run(String fileName, String virusName) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", expand(command, virusName))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("CLAM_VIRUSEVENT_FILENAME", fileName);
        env.put("CLAM_VIRUSEVENT_VIRUSNAME", virusName);
        try {
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SEC, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("VirusEvent command timed out and was killed", "seconds", TIMEOUT_SEC, "name", virusName);
            } else if (p.exitValue() != 0) {
                log.warn("VirusEvent command failed", "exit", p.exitValue(), "name", virusName);
            }
        } catch (IOException e) {
            log.warn("VirusEvent command could not start", "error", e.getMessage());
        }
    }
}
