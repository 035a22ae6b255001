package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * The basic, posix and owner views of one path (the posix view is all three), and the string forms
 * ({@code "posix:permissions,size"}) that {@code Files.readAttributes} and {@code Files.setAttribute} use.
 */
final class SandgateAttributeView implements PosixFileAttributeView {
    static final Set<String> VIEWS = Set.of("basic", "posix", "owner");
    private static final List<String> BASIC = List.of("lastModifiedTime", "lastAccessTime", "creationTime", "size",
            "isRegularFile", "isDirectory", "isSymbolicLink", "isOther", "fileKey");
    private static final List<String> POSIX_ONLY = List.of("permissions", "owner", "group");

    private final String name;
    private final SandgateFileSystem fileSystem;
    private final SandgatePath path;
    private final boolean followLinks;

    SandgateAttributeView(String name, SandgateFileSystem fileSystem, SandgatePath path, boolean followLinks) {
        this.name = name;
        this.fileSystem = fileSystem;
        this.path = path;
        this.followLinks = followLinks;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PosixFileAttributes readAttributes() throws IOException {
        // only the posix and owner views show owners, whose names may cost a request
        return name.equals("basic") ? fileSystem.attributes(path, followLinks)
                : fileSystem.namedAttributes(path, followLinks);
    }

    @Override
    public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
        if (lastModifiedTime == null && lastAccessTime == null) {
            return; // SFTP v3 has no creation time to set
        }
        if (lastModifiedTime == null || lastAccessTime == null) {
            PosixFileAttributes current = fileSystem.attributes(path, followLinks); // v3 sets both times at once
            lastModifiedTime = lastModifiedTime == null ? current.lastModifiedTime() : lastModifiedTime;
            lastAccessTime = lastAccessTime == null ? current.lastAccessTime() : lastAccessTime;
        }
        fileSystem.setStat(path, new Attributes()
                .modifyTime(lastModifiedTime.to(TimeUnit.SECONDS), TimeUnit.SECONDS)
                .accessTime(lastAccessTime.to(TimeUnit.SECONDS), TimeUnit.SECONDS), followLinks);
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        Objects.requireNonNull(permissions, "permissions");
        fileSystem.setStat(path, new Attributes().perms(SandgateAttributes.mode(permissions)), followLinks);
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
        Objects.requireNonNull(owner, "owner");
        int userId = fileSystem.ownerNames().idOf(owner, false);
        SandgateAttributes current = fileSystem.attributes(path, followLinks); // SFTP v3 sets both ids at once
        fileSystem.setStat(path, new Attributes().owner(userId, current.groupId()), followLinks);
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
        Objects.requireNonNull(group, "group");
        int groupId = fileSystem.ownerNames().idOf(group, true);
        SandgateAttributes current = fileSystem.attributes(path, followLinks);
        fileSystem.setStat(path, new Attributes().owner(current.userId(), groupId), followLinks);
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return readAttributes().owner();
    }

    /** {@code Files.readAttributes(path, "view:a,b")}. */
    Map<String, Object> read(String attributes) throws IOException {
        List<String> known = name.equals("basic") ? BASIC
                : name.equals("owner") ? List.of("owner")
                : concat(BASIC, POSIX_ONLY);
        Set<String> wanted = new HashSet<>(Arrays.asList(attributes.split(",")));
        if (wanted.contains("*")) {
            wanted.addAll(known);
            wanted.remove("*");
        }
        for (String attribute : wanted) {
            if (!known.contains(attribute)) {
                throw new IllegalArgumentException("'" + attribute + "' is not an attribute of the " + name + " view");
            }
        }
        PosixFileAttributes values = readAttributes();
        Map<String, Object> result = new LinkedHashMap<>();
        for (String attribute : known) {
            if (wanted.contains(attribute)) {
                result.put(attribute, value(values, attribute));
            }
        }
        return result;
    }

    /** {@code Files.setAttribute(path, "view:attribute", value)}. */
    void set(String attribute, Object value) throws IOException {
        switch (attribute) {
            case "lastModifiedTime":
                setTimes((FileTime) value, null, null);
                return;
            case "lastAccessTime":
                setTimes(null, (FileTime) value, null);
                return;
            case "creationTime":
                setTimes(null, null, (FileTime) value);
                return;
            case "owner":
                setOwner((UserPrincipal) value);
                return;
            default:
        }
        if (name.equals("posix")) {
            if (attribute.equals("permissions")) {
                @SuppressWarnings("unchecked")
                Set<PosixFilePermission> permissions = (Set<PosixFilePermission>) value;
                setPermissions(permissions);
                return;
            }
            if (attribute.equals("group")) {
                setGroup((GroupPrincipal) value);
                return;
            }
        }
        throw new IllegalArgumentException("'" + attribute + "' cannot be set through the " + name + " view");
    }

    private static Object value(PosixFileAttributes values, String attribute) {
        switch (attribute) {
            case "lastModifiedTime": return values.lastModifiedTime();
            case "lastAccessTime": return values.lastAccessTime();
            case "creationTime": return values.creationTime();
            case "size": return values.size();
            case "isRegularFile": return values.isRegularFile();
            case "isDirectory": return values.isDirectory();
            case "isSymbolicLink": return values.isSymbolicLink();
            case "isOther": return values.isOther();
            case "fileKey": return values.fileKey();
            case "permissions": return values.permissions();
            case "owner": return values.owner();
            case "group": return values.group();
            default: throw new IllegalArgumentException(attribute);
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
