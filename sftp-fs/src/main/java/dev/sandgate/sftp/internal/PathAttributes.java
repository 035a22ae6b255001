package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.AccessMode;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * A path's attributes as the views read and set them, and {@code checkAccess}'s answer from them: a stat (or what a
 * listing said a moment ago, within {@code listingAttributesTtl}), a setstat.
 */
final class PathAttributes {
    private final SandgateFileSystem fileSystem;
    private volatile Attributes homeAttributes;

    PathAttributes(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    SandgateAttributes read(SandgatePath path, boolean followLinks) throws IOException {
        long ttl = fileSystem.options().listingAttributesTtl().toNanos();
        SandgateAttributes listed = ttl > 0 ? path.listedAttributes(ttl) : null;
        if (listed != null && (!followLinks || !listed.isSymbolicLink())) {
            return listed;
        }
        return new SandgateAttributes(fileSystem.sftp().stat(path, followLinks));
    }

    void set(SandgatePath path, Attributes attributes, boolean followLinks) throws IOException {
        RemoteSftp sftp = fileSystem.sftp();
        if (!followLinks && new SandgateAttributes(sftp.stat(path, false)).isSymbolicLink()) {
            throw SftpErrors.unsupported(path.toString(),
                    "SFTP version 3 cannot change the attributes of a symbolic link itself");
        }
        sftp.setStat(path, attributes);
    }

    /** From the permission bits, as the session's user (whose ids its home directory tells); root may do all. */
    void checkAccess(SandgatePath path, AccessMode... modes) throws IOException {
        SandgateAttributes attributes = new SandgateAttributes(fileSystem.sftp().stat(path, true));
        Attributes mine = homeAttributes();
        int mode = attributes.mode();
        boolean root = mine.getUserId() == 0;
        int shift = attributes.userId() == mine.getUserId() ? 6 : attributes.groupId() == mine.getGroupId() ? 3 : 0;
        for (AccessMode access : modes) {
            int bit = access == AccessMode.READ ? 4 : access == AccessMode.WRITE ? 2 : 1;
            boolean allowed = root
                    ? (access != AccessMode.EXECUTE || (mode & 0111) != 0)
                    : (mode & (bit << shift)) != 0;
            if (!allowed) {
                throw SftpErrors.accessDenied(path.toString(), "no " + access.name().toLowerCase()
                        + " permission for the session's user");
            }
        }
    }

    /** The session user's ids, taken from the home directory (which that user owns). */
    private Attributes homeAttributes() throws IOException {
        Attributes attributes = homeAttributes;
        if (attributes == null) {
            attributes = fileSystem.sftp().stat(fileSystem.home(), true);
            homeAttributes = attributes;
        }
        return attributes;
    }
}
