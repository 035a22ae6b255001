package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** SFTP version 3 file attributes ({@code ATTRS}): read from a real file or made up, encoded and decoded. */
final class SftpAttributes {
    static final int SIZE = 0x1;
    static final int UIDGID = 0x2;
    static final int PERMISSIONS = 0x4;
    static final int ACMODTIME = 0x8;
    static final int EXTENDED = 0x8000_0000;

    static final int TYPE_FILE = 0100000;
    static final int TYPE_DIRECTORY = 0040000;
    static final int TYPE_LINK = 0120000;
    private static final int TYPE_MASK = 0170000;

    /** At most this many extended pairs are read from a client's attributes. */
    private static final long MAX_EXTENDED = 64;

    final int flags;
    final long size;
    final int uid;
    final int gid;
    /** Type and permission bits, as {@code st_mode}. */
    final int mode;
    final long atime;
    final long mtime;

    SftpAttributes(int flags, long size, int uid, int gid, int mode, long atime, long mtime) {
        this.flags = flags;
        this.size = size;
        this.uid = uid;
        this.gid = gid;
        this.mode = mode;
        this.atime = atime;
        this.mtime = mtime;
    }

    /** Made-up attributes: owned by root, dated 2020-01-01. */
    static SftpAttributes fake(int mode, long size) {
        return new SftpAttributes(SIZE | UIDGID | PERMISSIONS | ACMODTIME, size, 0, 0, mode, 1_577_836_800L,
                1_577_836_800L);
    }

    static SftpAttributes of(Path path, boolean followLinks) throws IOException {
        LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid,size,lastAccessTime,lastModifiedTime",
                options);
        return new SftpAttributes(SIZE | UIDGID | PERMISSIONS | ACMODTIME, (Long) unix.get("size"),
                (Integer) unix.get("uid"), (Integer) unix.get("gid"), (Integer) unix.get("mode"),
                ((FileTime) unix.get("lastAccessTime")).to(TimeUnit.SECONDS),
                ((FileTime) unix.get("lastModifiedTime")).to(TimeUnit.SECONDS));
    }

    boolean isDirectory() {
        return (mode & TYPE_MASK) == TYPE_DIRECTORY;
    }

    void writeTo(SftpPacketWriter packet) {
        packet.writeUint32(flags & ~EXTENDED);
        if ((flags & SIZE) != 0) {
            packet.writeUint64(size);
        }
        if ((flags & UIDGID) != 0) {
            packet.writeUint32(uid & 0xFFFF_FFFFL).writeUint32(gid & 0xFFFF_FFFFL);
        }
        if ((flags & PERMISSIONS) != 0) {
            packet.writeUint32(mode & 0xFFFF_FFFFL);
        }
        if ((flags & ACMODTIME) != 0) {
            packet.writeUint32(atime & 0xFFFF_FFFFL).writeUint32(mtime & 0xFFFF_FFFFL);
        }
    }

    static SftpAttributes read(SftpPacketReader packet) throws SftpPacketReader.Malformed {
        int flags = packet.readInt();
        long size = (flags & SIZE) != 0 ? packet.readUint64() : 0;
        int uid = 0;
        int gid = 0;
        if ((flags & UIDGID) != 0) {
            uid = packet.readInt();
            gid = packet.readInt();
        }
        int mode = (flags & PERMISSIONS) != 0 ? packet.readInt() : 0;
        long atime = 0;
        long mtime = 0;
        if ((flags & ACMODTIME) != 0) {
            atime = packet.readUint32();
            mtime = packet.readUint32();
        }
        if ((flags & EXTENDED) != 0) {
            long count = packet.readUint32();
            if (count > MAX_EXTENDED) {
                throw new SftpPacketReader.Malformed("attributes claim " + count + " extended pairs");
            }
            for (long i = 0; i < count; i++) {
                packet.readBytes();
                packet.readBytes();
            }
        }
        return new SftpAttributes(flags, size, uid, gid, mode, atime, mtime);
    }

    /** Applies the permissions, times and size these attributes carry to a real file (owners are left alone). */
    void applyTo(Path path) throws IOException {
        if ((flags & PERMISSIONS) != 0) {
            Files.setPosixFilePermissions(path, permissions(mode));
        }
        if ((flags & SIZE) != 0) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path,
                    java.nio.file.StandardOpenOption.WRITE)) {
                if (channel.size() > size) {
                    channel.truncate(size);
                } else if (channel.size() < size) {
                    channel.write(java.nio.ByteBuffer.allocate(1), size - 1);
                }
            }
        }
        if ((flags & ACMODTIME) != 0) {
            java.nio.file.attribute.BasicFileAttributeView view = Files.getFileAttributeView(path,
                    java.nio.file.attribute.BasicFileAttributeView.class);
            view.setTimes(FileTime.from(mtime, TimeUnit.SECONDS), FileTime.from(atime, TimeUnit.SECONDS), null);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    /** A line as {@code ls -l} prints it, for the NAME reply's longname (the name as it is: the client must cope). */
    String longName(String name) {
        char type = isDirectory() ? 'd' : (mode & TYPE_MASK) == TYPE_LINK ? 'l' : '-';
        StringBuilder line = new StringBuilder().append(type);
        String letters = "rwxrwxrwx";
        for (int i = 8; i >= 0; i--) {
            line.append((mode & (1 << i)) != 0 ? letters.charAt(8 - i) : '-');
        }
        return line.append("    1 ").append(uid).append(' ').append(gid).append(' ').append(size)
                .append(" Jan  1  2020 ").append(name).toString();
    }
}
