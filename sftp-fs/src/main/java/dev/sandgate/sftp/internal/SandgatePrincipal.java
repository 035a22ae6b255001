package dev.sandgate.sftp.internal;

import java.nio.file.attribute.GroupPrincipal;

/**
 * A user or group of the remote system: its numeric id, which is what SFTP version 3 carries and sets, and its name
 * where the server told it ({@link OwnerNames}), else the id in decimal. Two principals are equal when they are of
 * the same kind with the same id, whichever way they were named.
 */
final class SandgatePrincipal implements GroupPrincipal {
    private final int id;
    private final String name;
    private final boolean group;

    SandgatePrincipal(int id, String name, boolean group) {
        this.id = id;
        this.name = name == null || name.isEmpty() ? Integer.toUnsignedString(id) : name;
        this.group = group;
    }

    int id() {
        return id;
    }

    boolean isGroup() {
        return group;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SandgatePrincipal && ((SandgatePrincipal) other).id == id
                && ((SandgatePrincipal) other).group == group;
    }

    @Override
    public int hashCode() {
        return id * 2 + (group ? 1 : 0);
    }

    @Override
    public String toString() {
        return name;
    }
}
