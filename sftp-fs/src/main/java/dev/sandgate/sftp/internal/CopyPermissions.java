package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a transfer asks for when it creates a file or directory: the source's {@code rwx} bits (the creating side's
 * umask may trim them), plus what the run itself needs. Set-id and sticky bits cannot be asked for at all:
 * {@code PosixFilePermission} has none.
 */
final class CopyPermissions {
    static final FileAttribute<?>[] NONE = {};
    /** What a directory this run creates always grants its owner, so that the run can fill it. */
    private static final Set<PosixFilePermission> OWNER_ALL = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    /** What a file this run creates always grants its owner, so that a later run can continue or rewrite it. */
    private static final Set<PosixFilePermission> OWNER_WRITE = EnumSet.of(PosixFilePermission.OWNER_WRITE);

    private CopyPermissions() {
    }

    /**
     * The source's permission bits for a file or directory this run may create (an existing target keeps its own);
     * none when either side lacks POSIX permissions. A file also grants its owner write, as OpenSSH's sftp does when
     * it downloads, or a cut copy of a read-only file could not be continued; a directory grants its owner
     * everything, or the run could not fill it.
     */
    static FileAttribute<?>[] permissionsFor(Path from, BasicFileAttributes listed, Path to, boolean directory)
            throws IOException {
        if (!to.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return NONE;
        }
        PosixFileAttributes posix;
        if (listed instanceof PosixFileAttributes carried) {
            posix = carried; // an SFTP listing carries the mode: no round trip
        } else if (from.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // the default provider hands a walk only basic attributes: one more (local) stat
            posix = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } else {
            return NONE;
        }
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        permissions.addAll(posix.permissions());
        permissions.addAll(directory ? OWNER_ALL : OWNER_WRITE);
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }

}
