package dev.sandgate.sftp.internal;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * A file's attributes as one SFTP {@code ATTRS} record carried them (from a stat or a directory listing). SFTP
 * version 3 has no creation time (the modification time stands in) and no file key.
 */
final class SandgateAttributes implements PosixFileAttributes {
    private static final int TYPE_MASK = 0170000;
    private static final int REGULAR = 0100000;
    private static final int DIRECTORY = 0040000;
    private static final int LINK = 0120000;
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };
    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private final Attributes attributes;
    /** The owner's and group's names where the server told them ({@link OwnerNames}); null for the ids in decimal. */
    private final String ownerName;
    private final String groupName;

    SandgateAttributes(Attributes attributes) {
        this(attributes, attributes.getOwner(), attributes.getGroup());
    }

    private SandgateAttributes(Attributes attributes, String ownerName, String groupName) {
        this.attributes = attributes;
        this.ownerName = ownerName;
        this.groupName = groupName;
    }

    /** The same attributes with the owner and group named (a null name leaves the id in decimal). */
    SandgateAttributes withNames(String owner, String group) {
        return new SandgateAttributes(attributes, owner, group);
    }

    int userId() {
        return attributes.getUserId();
    }

    int groupId() {
        return attributes.getGroupId();
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        return permissions;
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (int bit = 0; bit < BITS.length; bit++) {
            if (permissions.contains(BITS[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    private int type() {
        return attributes.getPermissions() & TYPE_MASK;
    }

    int mode() {
        return attributes.getPermissions() & 07777;
    }

    @Override
    public FileTime lastModifiedTime() {
        FileTime time = attributes.getModifyTime();
        return time == null ? EPOCH : time;
    }

    @Override
    public FileTime lastAccessTime() {
        FileTime time = attributes.getAccessTime();
        return time == null ? lastModifiedTime() : time;
    }

    @Override
    public FileTime creationTime() {
        FileTime time = attributes.getCreateTime();
        return time == null ? lastModifiedTime() : time;
    }

    @Override
    public boolean isRegularFile() {
        return type() == REGULAR;
    }

    @Override
    public boolean isDirectory() {
        return type() == DIRECTORY;
    }

    @Override
    public boolean isSymbolicLink() {
        return type() == LINK;
    }

    @Override
    public boolean isOther() {
        return !isRegularFile() && !isDirectory() && !isSymbolicLink();
    }

    @Override
    public long size() {
        return attributes.getSize();
    }

    @Override
    public Object fileKey() {
        return null;
    }

    @Override
    public UserPrincipal owner() {
        return new SandgatePrincipal(attributes.getUserId(), ownerName, false);
    }

    @Override
    public GroupPrincipal group() {
        return new SandgatePrincipal(attributes.getGroupId(), groupName, true);
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(attributes.getPermissions());
    }
}
