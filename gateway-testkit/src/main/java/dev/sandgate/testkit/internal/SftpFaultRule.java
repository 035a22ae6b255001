package dev.sandgate.testkit.internal;

import java.util.Set;

/** One misbehaviour of a hostile SFTP server, as the public {@code SftpFault} describes it. Not API. */
public final class SftpFaultRule {
    /** What the fault does. */
    public enum Kind {
        /** An extra file entry (with content, or endless, or growing). */
        FILE,
        /** An extra directory entry. */
        DIRECTORY,
        /** Generated entries in a listing, possibly without end. */
        GENERATED,
        LYING_DATA_LENGTH,
        LYING_NAME_COUNT,
        LYING_PACKET_LENGTH,
        UNANSWERED,
        READ_LIMIT,
        EXTENSION
    }

    final Kind kind;
    /** For entries and generated listings: the directory whose listing they join. */
    final String directory;
    /** For entries: the name as sent; for EXTENSION: the extension's name. */
    final String name;
    final int mode;
    /** For files with given content: the content; null for generated content. */
    final byte[] content;
    /** For files: the size listed and stat-ed. */
    final long listedSize;
    /**
     * For files: the bytes reading gives before EOF (Long.MAX_VALUE: none); for GENERATED: the entry count; for the
     * lies: the claimed uint32; for READ_LIMIT: the limit.
     */
    final long length;
    /** For request faults: the SFTP packet types hit. */
    final Set<Integer> requestTypes;
    /** For request faults: only requests about this path, or null for all. */
    final String path;
    /** For EXTENSION: its data. */
    final String data;

    private SftpFaultRule(Kind kind, String directory, String name, int mode, byte[] content, long listedSize,
            long length, Set<Integer> requestTypes, String path, String data) {
        this.kind = kind;
        this.directory = directory;
        this.name = name;
        this.mode = mode;
        this.content = content;
        this.listedSize = listedSize;
        this.length = length;
        this.requestTypes = requestTypes;
        this.path = path;
        this.data = data;
    }

    /** An extra entry; {@code content} null means generated letters. */
    public static SftpFaultRule entry(Kind kind, String directory, String name, int mode, byte[] content,
            long listedSize, long length) {
        return new SftpFaultRule(kind, directory, name, mode, content, listedSize, length, Set.of(), null, null);
    }

    public static SftpFaultRule generated(String directory, long count) {
        return new SftpFaultRule(Kind.GENERATED, directory, null, 0, null, 0, count, Set.of(), null, null);
    }

    public static SftpFaultRule lie(Kind kind, long value, Set<Integer> requestTypes) {
        return new SftpFaultRule(kind, null, null, 0, null, 0, value, Set.copyOf(requestTypes), null, null);
    }

    public static SftpFaultRule extension(String name, String data) {
        return new SftpFaultRule(Kind.EXTENSION, null, name, 0, null, 0, 0, Set.of(), null, data);
    }

    /** The same rule narrowed to requests about one path. */
    public SftpFaultRule onPath(String onlyPath) {
        if (requestTypes.isEmpty()) {
            throw new IllegalArgumentException("A " + kind + " fault hits no requests: onPath does not apply");
        }
        return new SftpFaultRule(kind, directory, name, mode, content, listedSize, length, requestTypes, onlyPath, data);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(kind.name());
        if (directory != null) {
            text.append(" in ").append(Visible.of(directory));
        }
        if (name != null) {
            text.append(' ').append(Visible.of(name));
        }
        if (kind == Kind.FILE) {
            text.append(" listed as ").append(listedSize).append(" bytes, ")
                    .append(length == Long.MAX_VALUE ? "endless" : length + " bytes");
        } else if (kind != Kind.DIRECTORY && kind != Kind.EXTENSION) {
            text.append(' ').append(length);
        }
        if (!requestTypes.isEmpty()) {
            text.append(" on requests ").append(requestTypes);
        }
        if (path != null) {
            text.append(" about ").append(Visible.of(path));
        }
        return text.toString();
    }
}
