package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * The {@code posix} view of one path: the basic and owner views' attributes (which it leaves to them to set) with
 * the permissions and the group.
 */
final class PosixView implements PosixFileAttributeView, NamedAttributes {
    static final String NAME = "posix";
    private static final List<String> ATTRIBUTES = attributes();

    private final ViewTarget target;
    private final BasicView basic;
    private final OwnerView owner;

    PosixView(ViewTarget target) {
        this.target = target;
        this.basic = new BasicView(target);
        this.owner = new OwnerView(target);
    }

    private static List<String> attributes() {
        List<String> all = new ArrayList<>(BasicView.ATTRIBUTES);
        all.addAll(List.of("permissions", "owner", "group"));
        return List.copyOf(all);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PosixFileAttributes readAttributes() throws IOException {
        return target.namedAttributes();
    }

    @Override
    public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
        basic.setTimes(lastModifiedTime, lastAccessTime, createTime);
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return owner.getOwner();
    }

    @Override
    public void setOwner(UserPrincipal newOwner) throws IOException {
        owner.setOwner(newOwner);
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        Objects.requireNonNull(permissions, "permissions");
        target.setStat(new Attributes().perms(SandgateAttributes.mode(permissions)));
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
        target.setOwnership(Objects.requireNonNull(group, "group"), true);
    }

    @Override
    public Map<String, Object> read(String names) throws IOException {
        List<String> wanted = RequestedAttributes.of(NAME, names, ATTRIBUTES);
        PosixFileAttributes values = readAttributes();
        return RequestedAttributes.values(wanted, attribute -> value(values, attribute));
    }

    private static Object value(PosixFileAttributes values, String attribute) {
        switch (attribute) {
            case "permissions": return values.permissions();
            case "owner": return values.owner();
            case "group": return values.group();
            default: return BasicView.value(values, attribute);
        }
    }

    @Override
    public void set(String name, Object value) throws IOException {
        switch (name) {
            case "permissions":
                @SuppressWarnings("unchecked")
                Set<PosixFilePermission> permissions = (Set<PosixFilePermission>) value;
                setPermissions(permissions);
                return;
            case "group":
                setGroup((GroupPrincipal) value);
                return;
            case "owner":
                setOwner((UserPrincipal) value);
                return;
            default:
                if (!basic.setTime(name, value)) {
                    throw RequestedAttributes.notSettable(NAME, name);
                }
        }
    }
}
