package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/** The {@code owner} view of one path: its owner, named as the server names users ({@link OwnerNames}). */
final class OwnerView implements FileOwnerAttributeView, NamedAttributes {
    static final String NAME = "owner";
    private static final List<String> ATTRIBUTES = List.of("owner");

    private final SandgatePath path;
    private final boolean followLinks;

    OwnerView(SandgatePath path, boolean followLinks) {
        this.path = path;
        this.followLinks = followLinks;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return path.getFileSystem().namedAttributes(path, followLinks).owner();
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
        Objects.requireNonNull(owner, "owner");
        SandgateFileSystem fileSystem = path.getFileSystem();
        int userId = fileSystem.ownerNames().idOf(owner, false);
        SandgateAttributes current = fileSystem.attributes(path, followLinks); // SFTP v3 sets both ids at once
        fileSystem.setStat(path, new Attributes().owner(userId, current.groupId()), followLinks);
    }

    @Override
    public Map<String, Object> read(String names) throws IOException {
        List<String> wanted = RequestedAttributes.of(NAME, names, ATTRIBUTES);
        UserPrincipal owner = getOwner();
        return RequestedAttributes.values(wanted, attribute -> owner);
    }

    @Override
    public void set(String name, Object value) throws IOException {
        if (!name.equals("owner")) {
            throw RequestedAttributes.notSettable(NAME, name);
        }
        setOwner((UserPrincipal) value);
    }
}
