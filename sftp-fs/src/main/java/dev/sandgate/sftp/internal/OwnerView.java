package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The {@code owner} view of one path: its owner, named as the server names users ({@link OwnerNames}). */
final class OwnerView implements FileOwnerAttributeView, NamedAttributes {
    static final String NAME = "owner";
    private static final List<String> ATTRIBUTES = List.of("owner");

    private final ViewTarget target;

    OwnerView(ViewTarget target) {
        this.target = target;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return target.namedAttributes().owner();
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
        target.setOwnership(Objects.requireNonNull(owner, "owner"), false);
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
