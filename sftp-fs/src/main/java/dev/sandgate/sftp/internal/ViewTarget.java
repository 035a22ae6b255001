package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.UserPrincipal;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * The path an attribute view reads and sets, and whether a symbolic link there is followed ({@code NOFOLLOW_LINKS}
 * not given).
 */
record ViewTarget(SandgatePath path, boolean followLinks) {
    SandgateAttributes attributes() throws IOException {
        return path.getFileSystem().attributes(path, followLinks);
    }

    /** The attributes with the owner and group named, which may cost a request ({@link OwnerNames}). */
    SandgateAttributes namedAttributes() throws IOException {
        return path.getFileSystem().namedAttributes(path, followLinks);
    }

    void setStat(Attributes attributes) throws IOException {
        path.getFileSystem().setStat(path, attributes, followLinks);
    }

    /** Gives the file to another owner or group; SFTP v3 sets both ids at once, so the one kept is read first. */
    void setOwnership(UserPrincipal principal, boolean group) throws IOException {
        int id = path.getFileSystem().ownerNames().idOf(principal, group);
        SandgateAttributes current = attributes();
        setStat(new Attributes().owner(group ? current.userId() : id, group ? id : current.groupId()));
    }
}
