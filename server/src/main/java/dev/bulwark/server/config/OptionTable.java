package dev.bulwark.server.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Every option clamd 1.4 accepts in {@code clamd.conf} (name and value type), plus Bulwark's own
 * options, and whether Bulwark implements it. Used to report unknown and unsupported keys once.
 */
final class OptionTable {
    enum Type { BOOL, NUMBER, SIZE, STRING }

    /** IMPLEMENTED: honoured; ACCEPTED: has no effect by design (logging cosmetics, features that do
     * not apply to a JVM engine) and is reported once; UNSUPPORTED: a real feature not done yet. */
    enum Support { IMPLEMENTED, ACCEPTED, UNSUPPORTED }

    record Option(String name, Type type, Support support, boolean repeatable) {}

    private static final Map<String, Option> OPTIONS = new HashMap<>();

    private static void add(Support s, Type t, String... names) {
        for (String n : names) OPTIONS.put(n, new Option(n, t, s, REPEATABLE.contains(n)));
    }

    private static final java.util.Set<String> REPEATABLE = java.util.Set.of(
            "TCPAddr", "ExcludePath", "ExcludePUA", "IncludePUA", "OnAccessMountPath", "OnAccessIncludePath",
            "OnAccessExcludePath", "OnAccessExcludeUID", "OnAccessExcludeUname", "BulwarkScanRoot");

    static {
        Support I = Support.IMPLEMENTED, A = Support.ACCEPTED, U = Support.UNSUPPORTED;
        add(I, Type.STRING, "LocalSocket", "LocalSocketMode", "TCPAddr", "DatabaseDirectory", "ExcludePath",
                "LogFile", "PidFile", "TemporaryDirectory", "VirusEvent", "ExcludePUA", "IncludePUA", "User", "LocalSocketGroup");
        add(I, Type.NUMBER, "TCPSocket", "MaxConnectionQueueLength", "MaxThreads", "MaxQueue", "ReadTimeout",
                "CommandReadTimeout", "IdleTimeout", "MaxDirectoryRecursion", "MaxScanTime",
                "MaxRecursion", "MaxFiles", "PCREMatchLimit", "SelfCheck", "StructuredMinCreditCardCount", "StructuredMinSSNCount");
        add(I, Type.SIZE, "StreamMaxLength", "MaxScanSize", "MaxFileSize", "MaxEmbeddedPE", "MaxHTMLNormalize",
                "MaxScriptNormalize", "MaxZipTypeRcg", "PCREMaxFileSize");
        add(I, Type.BOOL, "FixStaleSocket", "FollowDirectorySymlinks", "FollowFileSymlinks",
                "AllowAllMatchScan", "DetectPUA", "HeuristicAlerts", "HeuristicScanPrecedence", "ScanPE", "ScanELF",
                "ScanMail", "ScanHTML", "ScanOLE2", "ScanPDF", "ScanSWF", "ScanXMLDOCS", "ScanHWP3", "ScanOneNote",
                "ScanArchive", "ScanImage", "PhishingScanURLs", "AlertExceedsMax",
                "AlertBrokenExecutables", "AlertEncrypted", "AlertEncryptedArchive",
                "AlertEncryptedDoc", "AlertOLE2Macros", "AlertPhishingSSLMismatch", "AlertPhishingCloak",
                "LogVerbose", "LogClean", "ConcurrentDatabaseReload",
                "OfficialDatabaseOnly", "CrossFilesystems", "DisableCache", "StructuredDataDetection",
                "StructuredSSNFormatNormal", "StructuredSSNFormatStripped", "StructuredCCOnly",
                // deprecated aliases clamd still maps onto the Alert* options
                "AlgorithmicDetection", "DetectBrokenExecutables", "ArchiveBlockEncrypted", "OLE2BlockMacros",
                "PhishingAlwaysBlockSSLMismatch", "PhishingAlwaysBlockCloak", "BlockMax");
        // Bulwark's own keys (clamd itself would reject them: keep them in a Bulwark-only file)
        add(I, Type.NUMBER, "BulwarkIcapPort", "BulwarkRestPort", "BulwarkCacheSize");
        add(I, Type.STRING, "BulwarkIcapAddr", "BulwarkRestAddr", "BulwarkRestToken", "BulwarkScanRoot",
                "BulwarkRestKeystore", "BulwarkRestKeystorePassword",
                "BulwarkVersionString", "BulwarkIcapService");
        // accepted without effect: cosmetics of logging and process management, or engine internals
        add(A, Type.BOOL, "LogFileUnlock", "LogSyslog", "LogRotate", "ExtendedDetectionInfo", "ExitOnOOM", "Debug",
                "LeaveTemporaryFiles", "ForceToDisk", "AllowSupplementaryGroups", "DevLiblog",
                "DevPerformance", "DevCollectHashes", "DevACOnly", "DisableCertCheck", "ScanImageFuzzyHash",
                "ScanPartialMessages", "Bytecode", "BytecodeUnsigned",
                // (daemon13) Bulwark always logs a timestamp (ts=) and never detaches (run it under systemd)
                "LogTime", "Foreground");
        add(A, Type.STRING, "LogFacility", "BytecodeSecurity", "BytecodeMode",
                "PreludeAnalyzerName");
        add(A, Type.SIZE, "LogFileMaxSize", "MaxHTMLNoTags");
        add(A, Type.NUMBER, "CacheSize", "BytecodeTimeout", "MaxPartitions", "MaxIconsPE", "MaxRecHWP3",
                "PCRERecMatchLimit", "StreamMinPort", "StreamMaxPort", "DevACDepth", "FailIfCvdOlderThan");
        // real features Bulwark's daemon does not provide (yet)
        add(U, Type.STRING, "OnAccessMountPath", "OnAccessIncludePath",
                "OnAccessExcludePath", "OnAccessExcludeUname");
        add(U, Type.BOOL, "GenerateMetadataJson", "OnAccessExcludeRootUID", "OnAccessDisableDDD",
                "OnAccessPrevention", "OnAccessExtraScanning", "OnAccessDenyOnError", "PreludeEnable",
                "ScanOnAccess");
        add(U, Type.NUMBER, "OnAccessExcludeUID",
                "OnAccessCurlTimeout", "OnAccessMaxThreads", "OnAccessRetryAttempts");
        add(U, Type.SIZE, "OnAccessMaxFileSize");
        // (daemon13) were marked implemented but nothing read them: the engine ignores LoadOptions.phishing,
        // the socket writes have no send timeout (CrossFilesystems was too, until review14's PathScan check)
        add(U, Type.BOOL, "PhishingSignatures");
        // (daemon13) read into ScanOptions, but the engine has no image or partition-table parser that would
        // raise Heuristics.Broken.Media / Heuristics.PartitionIntersection (nothing consults these alerts)
        add(U, Type.BOOL, "AlertBrokenMedia", "AlertPartitionIntersection", "PartitionIntersection");
        add(U, Type.NUMBER, "SendBufTimeout");
        // deprecated: clamd 1.4 itself ignores them (with a warning), so they have no effect here either
        add(A, Type.BOOL, "ArchiveBlockMax", "ArchiveLimitMemoryUsage", "MailFollowURLs");
        add(A, Type.NUMBER, "MailMaxRecursion", "ArchiveMaxRecursion", "ArchiveMaxFiles", "ArchiveMaxCompressionRatio");
        add(A, Type.SIZE, "ArchiveMaxScanSize");
    }

    /** Boolean options whose clamd default is yes: setting them to yes changes nothing, so needs no notice. */
    private static final java.util.Set<String> DEFAULT_YES = java.util.Set.of("PhishingSignatures");

    static boolean defaultsToYes(String name) {
        return DEFAULT_YES.contains(name);
    }

    /** Every option name with support {@code s}. */
    static java.util.Set<String> names(Support s) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (Option o : OPTIONS.values()) if (o.support() == s) out.add(o.name());
        return out;
    }

    private OptionTable() {}

    static Option get(String name) {
        return OPTIONS.get(name);
    }
}
