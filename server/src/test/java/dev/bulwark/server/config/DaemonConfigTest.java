package dev.bulwark.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class DaemonConfigTest {
    static DaemonConfig parse(String text) {
        return DaemonConfig.from(ConfFile.parse("test.conf", text));
    }

    @Test
    void clamdDefaults() {
        DaemonConfig c = DaemonConfig.defaults();
        assertEquals(-1, c.tcpPort());
        assertNull(c.localSocket());
        assertEquals(List.of("127.0.0.1"), c.tcpAddrs());
        assertEquals(100L << 20, c.streamMaxLength());
        assertEquals(10, c.maxThreads());
        assertEquals(100, c.maxQueue());
        assertEquals(200, c.maxConnectionQueueLength());
        assertEquals(30, c.commandReadTimeoutSec());
        assertEquals(120, c.readTimeoutSec());
        assertEquals(30, c.idleTimeoutSec());
        assertEquals(15, c.maxDirectoryRecursion());
        assertTrue(c.allowAllMatchScan());
        assertEquals(400L << 20, c.scanOptions().limits().maxScanSize());
        assertEquals(17, c.scanOptions().limits().maxRecursion());
        assertEquals(List.of(Path.of("/")), c.scanRoots());
        assertTrue(c.notices().isEmpty());
    }

    @Test
    void valuesSizesBooleansQuotesAndComments() {
        DaemonConfig c = parse("""
                # comment
                  TCPSocket 3310
                TCPAddr 127.0.0.1
                TCPAddr ::1
                LocalSocket "/run/clamd sock"
                LocalSocketMode 660
                StreamMaxLength 25M
                MaxScanSize 1G
                MaxFileSize 512K
                MaxThreads\t4
                HeuristicAlerts no
                AlertEncrypted yes
                ScanPDF false
                ExcludePath ^/proc/
                ExcludePath \\.tmp$
                MaxThreads 6
                """);
        assertEquals(3310, c.tcpPort());
        assertEquals(List.of("127.0.0.1", "::1"), c.tcpAddrs());
        assertEquals(Path.of("/run/clamd sock"), c.localSocket());
        assertEquals(0660, c.localSocketMode());
        assertEquals(25L << 20, c.streamMaxLength());
        assertEquals(1L << 30, c.scanOptions().limits().maxScanSize());
        assertEquals(512L << 10, c.scanOptions().limits().maxFileSize());
        assertEquals(4, c.maxThreads(), "the first value of a single-valued option wins, as in clamd");
        assertFalse(c.scanOptions().heuristicAlerts());
        assertTrue(c.scanOptions().alert(ScanOptions.Alert.ENCRYPTED_ARCHIVE));
        assertTrue(c.scanOptions().alert(ScanOptions.Alert.ENCRYPTED_DOC));
        assertFalse(c.scanOptions().enabled(ScanOptions.Parser.PDF));
        assertEquals(2, c.excludePaths().size());
    }

    @Test
    void unknownAndInvalidOptionsAreErrorsWithTheirLine() {
        ConfFile.ConfigError e = assertThrows(ConfFile.ConfigError.class, () -> parse("TCPSocket 1\nTCPSokcet 3310\n"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("unknown option TCPSokcet"), e.getMessage());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("MaxThreads many\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("StreamMaxLength 10X\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("Foreground maybe\n")).line());
        assertEquals(2, assertThrows(ConfFile.ConfigError.class, () -> parse("\nExample\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("ExcludePath (\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("TCPSocket 70000\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("TCPSocket 4294970606\n")).line(), "no int wrap-around");
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("ReadTimeout 99999999999\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("LocalSocketMode rw\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("MaxThreads 0\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("LogFile \"/x\n")).line());
        assertEquals(1, assertThrows(ConfFile.ConfigError.class, () -> parse("BulwarkScanRoot relative/dir\n")).line());
    }

    @Test
    void unsupportedKeysAreReportedOnceAndDisabledOnesAreNot() {
        DaemonConfig c = parse("VirusEvent /bin/echo %v\nPreludeEnable no\nLogSyslog yes\nLogRotate yes\nOnAccessExcludeUname clamav\n"
                + "OnAccessPrevention yes\nArchiveMaxFiles 10\n");
        assertEquals(3, c.notices().size(), c.notices().toString());
        assertEquals("/bin/echo %v", c.virusEvent());
        assertTrue(c.notices().stream().anyMatch(n -> n.contains("OnAccessPrevention is not supported")), c.notices().toString());
        assertTrue(c.notices().stream().noneMatch(n -> n.contains("VirusEvent")), c.notices().toString());
        assertTrue(c.notices().stream().anyMatch(n -> n.contains("OnAccessExcludeUname is not supported")));
        assertTrue(c.notices().stream().anyMatch(n -> n.endsWith("without effect in Bulwark: LogSyslog, LogRotate, ArchiveMaxFiles")),
                c.notices().toString());
    }

    @Test
    void readsTheInstalledClamdConf() throws Exception {
        Path sys = Path.of("/etc/clamav/clamd.conf");
        Assumptions.assumeTrue(Files.isReadable(sys));
        DaemonConfig c = DaemonConfig.from(ConfFile.read(sys));
        assertTrue(c.hasClamdSocket());
        assertFalse(c.notices().isEmpty(), "the Debian file sets options Bulwark reports");
    }

    @Test
    void commandLineOverridesWin() {
        ConfFile f = ConfFile.parse("a.conf", "TCPSocket 3310\nBulwarkScanRoot /srv\n")
                .with(ConfFile.parse("<command line>", "TCPSocket 4000\nBulwarkScanRoot /data"));
        DaemonConfig c = DaemonConfig.from(f);
        assertEquals(4000, c.tcpPort());
        assertEquals(List.of(Path.of("/data"), Path.of("/srv")), c.scanRoots());
    }

    /**
     * (daemon13) Every option marked IMPLEMENTED is looked up by the mapping from the file to the settings
     * (DaemonConfig.from records each name its reader asks for), over configurations that reach the
     * conditional lookups (the PUA categories and the structured-data options are read only when enabled).
     * Catches an option marked implemented that nothing reads, as ConcurrentDatabaseReload, LogTime,
     * CrossFilesystems (until review14) and PhishingSignatures were. It cannot see whether a value read is used further on.
     */
    @Test
    void everyImplementedOptionIsRead() {
        java.util.Set<String> read = new java.util.HashSet<>();
        for (String text : new String[] {"", "DetectPUA yes\nExcludePUA Tool\nStructuredDataDetection yes\n",
                "DetectPUA yes\nIncludePUA Tool\n"}) {
            DaemonConfig.from(ConfFile.parse("test.conf", text), read);
        }
        java.util.Set<String> notRead = new java.util.TreeSet<>(OptionTable.names(OptionTable.Support.IMPLEMENTED));
        assertTrue(notRead.size() > 80, "the table lists the implemented options");
        notRead.removeAll(read);
        assertEquals(java.util.Set.of(), notRead, "options marked IMPLEMENTED that DaemonConfig never reads");
    }

    @Test
    void concurrentDatabaseReloadDefaultsToYes() {
        assertTrue(DaemonConfig.defaults().concurrentDatabaseReload());
        assertTrue(parse("ConcurrentDatabaseReload yes\n").concurrentDatabaseReload());
        DaemonConfig c = parse("ConcurrentDatabaseReload no\n");
        assertFalse(c.concurrentDatabaseReload());
        assertTrue(c.notices().isEmpty(), c.notices().toString());
    }

    /** (daemon13) Options that were marked implemented without effect: now reported, each in its right polarity. */
    @Test
    void optionsWithoutEffectAreReported() {
        // clamd's default yes: saying yes needs no notice, no does
        assertTrue(parse("PhishingSignatures yes\n").notices().isEmpty());
        // CrossFilesystems is implemented (review14: PathScan bounds the walk by the named directory's device)
        assertTrue(parse("CrossFilesystems no\n").notices().isEmpty());
        List<String> n = parse("PhishingSignatures no\nSendBufTimeout 200\nLogTime yes\nForeground yes\n").notices();
        assertEquals(3, n.size(), n.toString());
        for (String name : new String[] {"PhishingSignatures", "SendBufTimeout"}) {
            assertTrue(n.stream().anyMatch(x -> x.contains("option " + name + " is not supported")), n.toString());
        }
        assertTrue(n.stream().anyMatch(x -> x.endsWith("without effect in Bulwark: LogTime, Foreground")), n.toString());
        // default-no options keep the old polarity
        assertTrue(parse("OnAccessPrevention no\nAlertBrokenMedia no\nAlertPartitionIntersection no\n").notices().isEmpty());
        List<String> alerts = parse("AlertBrokenMedia yes\nAlertPartitionIntersection yes\nPartitionIntersection yes\n").notices();
        assertEquals(3, alerts.size(), alerts.toString());
    }
}
