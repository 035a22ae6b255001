package dev.sandgate.testkit;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.sandgate.testkit.internal.SftpFaultRule;

/**
 * One way a hostile sandbox's SFTP server misbehaves, for testing that a client survives a sandbox that attacks it.
 * Given to {@link LocalGateway#serveHostileSftp}, the session's next SFTP channels are served by a hand-written SFTP
 * version 3 server that serves the session's directory faithfully except for these faults, which combine.
 *
 * <pre>{@code
 * gateway.serveHostileSftp(sessionId,
 *         SftpFault.file("dir", "../../victim.txt", "pwned\n".getBytes(UTF_8), 04755), // a name that climbs out
 *         SftpFault.endlessFile("dir", "big.bin", 1 << 20),                            // listed as 1 MiB, never ends
 *         SftpFault.lyingDataLength(0x8000_0000L).onPath("dir/lie.bin"),               // DATA claiming 2 GiB
 *         SftpFault.unanswered(SftpFault.Request.OPENDIR));                             // an OPENDIR never answered
 * }</pre>
 *
 * <p>Paths are the server's: relative ones start in the session's directory ({@code "."} is that directory), absolute
 * ones are the machine's. A directory a fault names that the session does not have is served as an empty directory
 * (not listed in its parent). Whatever a client asks, the hostile server reads and writes real files only inside the
 * session's directory.
 */
public final class SftpFault {
    /** SFTP version 3 requests, for faults that hit requests of chosen types. */
    public enum Request {
        /** {@code SSH_FXP_INIT}: the first packet of a channel. */
        INIT(1),
        /** {@code SSH_FXP_OPEN}. */
        OPEN(3),
        /** {@code SSH_FXP_CLOSE}. */
        CLOSE(4),
        /** {@code SSH_FXP_READ}. */
        READ(5),
        /** {@code SSH_FXP_WRITE}. */
        WRITE(6),
        /** {@code SSH_FXP_LSTAT}. */
        LSTAT(7),
        /** {@code SSH_FXP_FSTAT}. */
        FSTAT(8),
        /** {@code SSH_FXP_SETSTAT}. */
        SETSTAT(9),
        /** {@code SSH_FXP_FSETSTAT}. */
        FSETSTAT(10),
        /** {@code SSH_FXP_OPENDIR}. */
        OPENDIR(11),
        /** {@code SSH_FXP_READDIR}. */
        READDIR(12),
        /** {@code SSH_FXP_REMOVE}. */
        REMOVE(13),
        /** {@code SSH_FXP_MKDIR}. */
        MKDIR(14),
        /** {@code SSH_FXP_RMDIR}. */
        RMDIR(15),
        /** {@code SSH_FXP_REALPATH}. */
        REALPATH(16),
        /** {@code SSH_FXP_STAT}. */
        STAT(17),
        /** {@code SSH_FXP_RENAME}. */
        RENAME(18),
        /** {@code SSH_FXP_EXTENDED}. */
        EXTENDED(200);

        private final int type;

        Request(int type) {
            this.type = type;
        }
    }

    private final SftpFaultRule rule;

    private SftpFault(SftpFaultRule rule) {
        this.rule = rule;
    }

    /**
     * An extra file entry in a directory's listing, with any name (one that climbs out such as
     * {@code "../../victim.txt"}, one with a {@code /}, a NUL, an ESC sequence or a bare CR, {@code ""}, {@code "."},
     * {@code ".."}). Stat-ing or opening the directory's path joined with that name, or that path normalised, serves
     * this entry, so a client that resolves the name really gets the content. (A name that normalises to the directory
     * itself or above it, such as {@code ""} or {@code ".."}, is only listed: asking for it reaches what it names.)
     *
     * @param directory the directory whose listing carries the entry
     * @param name the entry's name, as the server sends it
     * @param content what reading it gives (its listed size is this length)
     * @param mode its permission bits, e.g. {@code 0644} or {@code 04755} (setuid); the file type bits are added
     * @return the fault
     */
    public static SftpFault file(String directory, String name, byte[] content, int mode) {
        byte[] copy = Objects.requireNonNull(content, "content").clone();
        return new SftpFault(SftpFaultRule.entry(SftpFaultRule.Kind.FILE, directory(directory), name(name), mode(mode),
                copy, copy.length, copy.length));
    }

    /**
     * An extra directory entry in a directory's listing, with any name, as for {@link #file}. Listing it gives
     * the entries other faults put in it (name it as {@code directory + "/" + name}), else nothing.
     *
     * @param directory the directory whose listing carries the entry
     * @param name the entry's name, as the server sends it
     * @param mode its permission bits, e.g. {@code 0755}; the directory type bits are added
     * @return the fault
     */
    public static SftpFault directory(String directory, String name, int mode) {
        return new SftpFault(SftpFaultRule.entry(SftpFaultRule.Kind.DIRECTORY, directory(directory), name(name),
                mode(mode), new byte[0], 0, 0));
    }

    /**
     * An extra file entry listed and stat-ed as {@code listedSize} bytes whose reads never reach end of file: every
     * read at any offset returns data (the letters {@code a} to {@code z} over and over), without end.
     *
     * @param directory the directory whose listing carries the entry
     * @param name the entry's name
     * @param listedSize the size the listing and stat report
     * @return the fault
     */
    public static SftpFault endlessFile(String directory, String name, long listedSize) {
        return new SftpFault(SftpFaultRule.entry(SftpFaultRule.Kind.FILE, directory(directory), name(name), 0644, null,
                notNegative(listedSize, "listedSize"), Long.MAX_VALUE));
    }

    /**
     * An extra file entry listed and stat-ed as {@code listedSize} bytes that has {@code actualSize} bytes (the
     * letters {@code a} to {@code z} over and over) and then ends, as a file that grows while it is copied.
     *
     * @param directory the directory whose listing carries the entry
     * @param name the entry's name
     * @param listedSize the size the listing and stat report
     * @param actualSize how many bytes reading it gives before end of file
     * @return the fault
     */
    public static SftpFault growingFile(String directory, String name, long listedSize, long actualSize) {
        return new SftpFault(SftpFaultRule.entry(SftpFaultRule.Kind.FILE, directory(directory), name(name), 0644, null,
                notNegative(listedSize, "listedSize"), notNegative(actualSize, "actualSize")));
    }

    /**
     * {@code count} generated empty file entries ({@code entry-0000000000}, {@code entry-0000000001}, ...) in a
     * directory's listing, made batch by batch as the client reads it, never held in memory: three million cost
     * nothing but the client's time.
     *
     * @param directory the directory whose listing carries them
     * @param count how many
     * @return the fault
     */
    public static SftpFault generatedEntries(String directory, long count) {
        return new SftpFault(SftpFaultRule.generated(directory(directory), notNegative(count, "count")));
    }

    /**
     * A directory whose listing never ends: every READDIR answers a batch of generated entries, never end of file.
     *
     * @param directory the server's path of the directory, relative to the session's directory or absolute
     * @return the fault
     */
    public static SftpFault endlessListing(String directory) {
        return new SftpFault(SftpFaultRule.generated(directory(directory), Long.MAX_VALUE));
    }

    /**
     * Answers every READ with a small DATA packet whose data length field claims {@code claimedLength} bytes, e.g.
     * {@code 0x8000_0000L} (2 GiB) or {@code 0xFFFF_FFF0L} (negative as a signed int), while only 8 bytes follow and
     * the packet's own length is true. Narrow it with {@link #onPath}.
     *
     * @param claimedLength the uint32 written as the data's length, 0 to {@code 0xFFFF_FFFFL}
     * @return the fault
     */
    public static SftpFault lyingDataLength(long claimedLength) {
        return new SftpFault(SftpFaultRule.lie(SftpFaultRule.Kind.LYING_DATA_LENGTH, uint32(claimedLength),
                Set.of(Request.READ.type)));
    }

    /**
     * Answers every READDIR with a NAME packet whose count claims {@code claimedCount} entries (e.g.
     * {@code 0x7FFF_FFFFL}) while it carries one. Narrow it with {@link #onPath} (the directory's path).
     *
     * @param claimedCount the uint32 written as the count, 0 to {@code 0xFFFF_FFFFL}
     * @return the fault
     */
    public static SftpFault lyingNameCount(long claimedCount) {
        return new SftpFault(SftpFaultRule.lie(SftpFaultRule.Kind.LYING_NAME_COUNT, uint32(claimedCount),
                Set.of(Request.READDIR.type)));
    }

    /**
     * Answers requests of these types with a packet whose own length field claims {@code claimedLength} bytes (e.g.
     * {@code 0x7FFF_FFFFL}) while only the true, small answer follows. Narrow it with {@link #onPath}.
     *
     * @param claimedLength the uint32 written as the packet length, 0 to {@code 0xFFFF_FFFFL}
     * @param requests the types of request answered so
     * @return the fault
     */
    public static SftpFault lyingPacketLength(long claimedLength, Request... requests) {
        return new SftpFault(SftpFaultRule.lie(SftpFaultRule.Kind.LYING_PACKET_LENGTH, uint32(claimedLength),
                types(requests)));
    }

    /**
     * Never answers requests of these types, while answering all others and keeping the SSH connection alive
     * (keepalives are answered by the SSH layer). Narrow it with {@link #onPath}.
     *
     * @param requests the types of request never answered
     * @return the fault
     */
    public static SftpFault unanswered(Request... requests) {
        return new SftpFault(SftpFaultRule.lie(SftpFaultRule.Kind.UNANSWERED, 0, types(requests)));
    }

    /**
     * Announces {@code limits@openssh.com} (as OpenSSH does: named in the version, then asked for with an
     * {@code EXTENDED} request) with this {@code max-read-length} (and {@code max-write-length}, with a
     * {@code max-packet-length} 1 KiB larger) and really answers reads that long. Without it the server announces no
     * limits and answers at most 261 120 bytes a read, as OpenSSH's does. A legitimate server may announce 256 KiB
     * ({@code 262_144}): its DATA replies are then 262 153 bytes long.
     *
     * @param maxReadLength the longest read answered, 1 byte to 16 MiB
     * @return the fault
     */
    public static SftpFault readLimit(long maxReadLength) {
        if (maxReadLength < 1 || maxReadLength > 16 << 20) {
            throw new IllegalArgumentException("maxReadLength must be 1 byte to 16 MiB, got " + maxReadLength);
        }
        return new SftpFault(SftpFaultRule.lie(SftpFaultRule.Kind.READ_LIMIT, maxReadLength, Set.of()));
    }

    /**
     * Announces this extension in the VERSION packet (requests that use it are answered {@code SSH_FX_OP_UNSUPPORTED}
     * all the same), e.g. {@code announce("posix-rename@openssh.com", "1")}.
     *
     * @param name the extension's name
     * @param data its data, sent as UTF-8
     * @return the fault
     */
    public static SftpFault announce(String name, String data) {
        return new SftpFault(SftpFaultRule.extension(Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(data, "data")));
    }

    /**
     * The same fault, hitting only requests about this path (for READ, READDIR, FSTAT and CLOSE the path the handle was
     * opened on; for RENAME the old path), compared after normalisation. Only for faults that hit requests.
     *
     * @param path the path, relative to the session's directory or absolute
     * @return the fault
     */
    public SftpFault onPath(String path) {
        return new SftpFault(rule.onPath(Objects.requireNonNull(path, "path")));
    }

    SftpFaultRule toRule() {
        return rule;
    }

    private static Set<Integer> types(Request... requests) {
        if (requests.length == 0) {
            throw new IllegalArgumentException("name at least one request type");
        }
        return EnumSet.copyOf(Arrays.asList(requests)).stream().map(request -> request.type)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static String directory(String directory) {
        return Objects.requireNonNull(directory, "directory");
    }

    private static String name(String name) {
        return Objects.requireNonNull(name, "name");
    }

    private static int mode(int mode) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("mode must be permission bits 0 to 07777, got 0" + Integer.toOctalString(mode));
        }
        return mode;
    }

    private static long notNegative(long value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + value);
        }
        return value;
    }

    private static long uint32(long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a uint32 is 0 to 0xFFFFFFFF, got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "SftpFault{" + rule + "}";
    }
}
