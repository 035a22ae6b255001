package dev.sandgate.sftp.internal;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Objects;

/**
 * A user or group as the server names it. SFTP version 3 carries numeric ids only, so the name is the id in decimal
 * unless the server sent a name.
 */
final class SandgatePrincipal implements GroupPrincipal {
    private final String name;
    private final boolean group;

    SandgatePrincipal(String name, boolean group) {
        this.name = name;
        this.group = group;
    }

    /** The numeric id an SFTP v3 {@code SETSTAT} needs. */
    static int numericId(UserPrincipal principal) throws UserPrincipalNotFoundException {
        try {
            return Integer.parseInt(principal.getName());
        } catch (NumberFormatException e) {
            throw new UserPrincipalNotFoundException(principal.getName());
        }
    }

    static final UserPrincipalLookupService LOOKUP = new UserPrincipalLookupService() {
        @Override
        public UserPrincipal lookupPrincipalByName(String name) throws UserPrincipalNotFoundException {
            return new SandgatePrincipal(numeric(name), false);
        }

        @Override
        public GroupPrincipal lookupPrincipalByGroupName(String name) throws UserPrincipalNotFoundException {
            return new SandgatePrincipal(numeric(name), true);
        }

        private String numeric(String name) throws UserPrincipalNotFoundException {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[0-9]{1,10}")) {
                // SFTP v3 names users by number only; a name cannot be resolved without asking the remote system
                throw new UserPrincipalNotFoundException(name);
            }
            return name;
        }
    };

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SandgatePrincipal && ((SandgatePrincipal) other).name.equals(name)
                && ((SandgatePrincipal) other).group == group;
    }

    @Override
    public int hashCode() {
        return name.hashCode() + (group ? 1 : 0);
    }

    @Override
    public String toString() {
        return name;
    }
}
