package dev.sandgate.sftp.internal;

import java.io.IOException;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.CopyDataExtension;
import org.apache.sshd.sftp.client.extensions.SftpClientExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatPathExtension;

/**
 * What an SFTP server offers beyond version 3, as it announced it when the channel opened: the extensions this file
 * system uses (each null when not offered) and the longest read and write requests it takes.
 */
final class ServerExtensions {
    /** OpenSSH's request (9.1 and later) for the names of user and group ids. */
    static final String USERS_GROUPS_BY_ID = "users-groups-by-id@openssh.com";
    /** The longest read or write request sent when the server names no limit ({@code limits@openssh.com}). */
    static final int DEFAULT_MAX_REQUEST = 32 * 1024;
    /**
     * The longest read asked for, whatever the server announces: MINA's client drops the channel on an SFTP packet
     * longer than 256 KiB, and a 256 KiB read's answer is 9 bytes longer. 255 KiB is what OpenSSH's server announces.
     */
    static final int MAX_READ = 255 * 1024;
    /** The longest write sent, whatever the server announces. */
    static final int MAX_WRITE = 1024 * 1024;

    private final OpenSSHPosixRenameExtension posixRename;
    private final OpenSSHFsyncExtension fsync;
    private final OpenSSHStatPathExtension statVfs;
    private final CopyDataExtension copyData;
    private final int maxRead;
    private final int maxWrite;
    private final boolean usersGroupsById;

    ServerExtensions(SftpClient client) {
        this.posixRename = supported(client.getExtension(OpenSSHPosixRenameExtension.class));
        this.fsync = supported(client.getExtension(OpenSSHFsyncExtension.class));
        this.statVfs = supported(client.getExtension(OpenSSHStatPathExtension.class));
        this.copyData = supported(client.getExtension(CopyDataExtension.class));
        OpenSSHLimitsExtensionInfo limits = limits(supported(client.getExtension(OpenSSHLimitsExtension.class)));
        this.maxRead = limit(limits == null ? 0 : limits.maxReadLength, MAX_READ);
        this.maxWrite = limit(limits == null ? 0 : limits.maxWriteLength, MAX_WRITE);
        this.usersGroupsById = client.getServerExtensions().containsKey(USERS_GROUPS_BY_ID);
    }

    /** The limits the server names, or null when it names none (or announces the extension and then refuses it). */
    private static OpenSSHLimitsExtensionInfo limits(OpenSSHLimitsExtension extension) {
        if (extension == null) {
            return null;
        }
        try {
            return extension.limits();
        } catch (IOException | RuntimeException refusedOrGarbled) {
            return null; // the defaults are safe with any server
        }
    }

    private static int limit(long announced, int ours) {
        return announced <= 0 ? DEFAULT_MAX_REQUEST : (int) Math.min(announced, ours);
    }

    private static <E extends SftpClientExtension> E supported(E extension) {
        return extension != null && extension.isSupported() ? extension : null;
    }

    int maxRead() {
        return maxRead;
    }

    int maxWrite() {
        return maxWrite;
    }

    boolean hasPosixRename() {
        return posixRename != null;
    }

    boolean hasFsync() {
        return fsync != null;
    }

    boolean hasStatVfs() {
        return statVfs != null;
    }

    boolean hasCopyData() {
        return copyData != null;
    }

    boolean hasUsersGroupsById() {
        return usersGroupsById;
    }

    /** {@code posix-rename@openssh.com}, or null when the server does not offer it. */
    OpenSSHPosixRenameExtension posixRename() {
        return posixRename;
    }

    /** {@code fsync@openssh.com}, or null when the server does not offer it. */
    OpenSSHFsyncExtension fsync() {
        return fsync;
    }

    /** {@code statvfs@openssh.com}, or null when the server does not offer it. */
    OpenSSHStatPathExtension statVfs() {
        return statVfs;
    }

    /** {@code copy-data}, or null when the server does not offer it. */
    CopyDataExtension copyData() {
        return copyData;
    }
}
