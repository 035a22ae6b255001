package dev.sandgate.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a session's hostile SFTP server does wrong, compiled from its faults with paths normalised against the
 * session's directory: the made-up entries, the generated listings, the lies and silences, the limits it announces.
 * Immutable.
 */
public final class HostilePlan {
    /** What OpenSSH's sftp-server answers at most a read (its 256 KiB packet limit less 1 KiB). */
    static final long DEFAULT_READ_LIMIT = 261_120;
    static final String GENERATED_PREFIX = "entry-";

    final String home;
    private final Map<String, FakeEntry> entriesByPath = new HashMap<>();
    private final Map<String, List<FakeEntry>> extrasByDirectory = new HashMap<>();
    private final Map<String, Long> generatedByDirectory = new HashMap<>();
    private final List<SftpFaultRule> requestRules = new ArrayList<>();
    /** OpenSSH's extension that names the server's packet, read and write limits. */
    static final String LIMITS = "limits@openssh.com";
    private final Map<String, byte[]> extensions = new LinkedHashMap<>();
    private final long readLimit;

    /**
     * @param home the session's directory, absolute
     * @param rules the faults, in the order given
     */
    public HostilePlan(String home, List<SftpFaultRule> rules) {
        this.home = RemotePaths.normalize("/", home);
        long limit = DEFAULT_READ_LIMIT;
        for (SftpFaultRule rule : rules) {
            switch (rule.kind) {
                case FILE:
                case DIRECTORY:
                    addEntry(rule);
                    break;
                case GENERATED:
                    generatedByDirectory.put(normalize(rule.directory), rule.length);
                    break;
                case READ_LIMIT:
                    limit = rule.length;
                    // OpenSSH's way: the VERSION names the extension, an EXTENDED request asks for the limits
                    extensions.put(LIMITS, "1".getBytes(StandardCharsets.UTF_8));
                    break;
                case EXTENSION:
                    extensions.put(rule.name, rule.data.getBytes(StandardCharsets.UTF_8));
                    break;
                default:
                    requestRules.add(rule);
            }
        }
        this.readLimit = limit;
    }

    private void addEntry(SftpFaultRule rule) {
        String directory = normalize(rule.directory);
        String path = RemotePaths.child(home, directory, rule.name);
        FakeEntry entry = new FakeEntry(rule.name, path, rule.kind == SftpFaultRule.Kind.DIRECTORY, rule.mode,
                rule.listedSize, rule.length, rule.content);
        extrasByDirectory.computeIfAbsent(directory, key -> new ArrayList<>()).add(entry);
        // a name that leads back to the directory or above it ("", ".", "..") is only listed: asking for its path
        // reaches what that path really is
        if (!RemotePaths.isWithin(directory, path)) {
            entriesByPath.put(path, entry);
        }
    }

    String normalize(String path) {
        return RemotePaths.normalize(home, path);
    }

    /** The made-up entry at this normalised path (a listed one, or one of a generated listing), or null. */
    FakeEntry entry(String path) {
        FakeEntry entry = entriesByPath.get(path);
        if (entry != null) {
            return entry;
        }
        int slash = path.lastIndexOf('/');
        String directory = slash == 0 ? "/" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        Long count = generatedByDirectory.get(directory);
        if (count != null && name.length() == GENERATED_PREFIX.length() + 10 && name.startsWith(GENERATED_PREFIX)) {
            try {
                long index = Long.parseLong(name.substring(GENERATED_PREFIX.length()));
                if (index >= 0 && index < count) {
                    return FakeEntry.emptyFile(name, path);
                }
            } catch (NumberFormatException notGenerated) {
                return null;
            }
        }
        return null;
    }

    /** Whether a fault puts entries in this normalised directory path (so it exists, if only as an empty directory). */
    boolean namesDirectory(String path) {
        return extrasByDirectory.containsKey(path) || generatedByDirectory.containsKey(path);
    }

    List<FakeEntry> extras(String directory) {
        return extrasByDirectory.getOrDefault(directory, Collections.emptyList());
    }

    long generatedCount(String directory) {
        return generatedByDirectory.getOrDefault(directory, 0L);
    }

    static String generatedName(long index) {
        return GENERATED_PREFIX + String.format("%010d", index);
    }

    long readLimit() {
        return readLimit;
    }

    /** The limits a {@code limits@openssh.com} request is answered with, or null when none were announced. */
    long[] limits() {
        return extensions.containsKey(LIMITS) ? new long[] {readLimit + 1024, readLimit, readLimit, 0} : null;
    }

    Map<String, byte[]> extensions() {
        return extensions;
    }

    /**
     * The first request fault of this kind that hits a request of this type about this normalised path (null when
     * the request names no path), or null.
     */
    SftpFaultRule hit(SftpFaultRule.Kind kind, int requestType, String path) {
        for (SftpFaultRule rule : requestRules) {
            if (rule.kind == kind && rule.requestTypes.contains(requestType)
                    && (rule.path == null || normalize(rule.path).equals(path))) {
                return rule;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "HostilePlan{entries=" + entriesByPath.size() + ", generated=" + generatedByDirectory.keySet().size()
                + " directories, requestFaults=" + requestRules + ", extensions=" + extensions.keySet() + "}";
    }
}
