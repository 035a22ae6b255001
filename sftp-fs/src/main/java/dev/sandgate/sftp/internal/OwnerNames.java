package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the remote system's users and groups. SFTP version 3 carries numeric ids only; OpenSSH 9.1 and later
 * name them on request ({@code users-groups-by-id@openssh.com}). An id is asked for when first seen and its answer
 * kept for the file system's life (two threads meeting a new id at once may both ask). Where the server has no such
 * request, refuses it, or knows no name for an id, the id stands in decimal, as {@code ls -n} shows it.
 *
 * <p>Names go the other way only as far as the server has told them: a lookup by name finds the users and groups
 * already seen (the session's own user and group are asked for first), or takes a number.
 */
final class OwnerNames extends UserPrincipalLookupService {
    private static final String NO_NAME = "";

    private final SandgateFileSystem fileSystem;
    private final Map<Integer, String> users = new ConcurrentHashMap<>();
    private final Map<Integer, String> groups = new ConcurrentHashMap<>();
    private volatile boolean homeLearned;

    OwnerNames(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    /** The attributes of {@code path} with their owner and group named, asking the server about new ids. */
    SandgateAttributes named(SandgateAttributes attributes, SandgatePath path) throws IOException {
        learn(List.of(attributes.userId()), List.of(attributes.groupId()), path);
        return attributes.withNames(users.get(attributes.userId()), groups.get(attributes.groupId()));
    }

    /** Asks the server, in one request, for the names of the ids not known yet. */
    private void learn(List<Integer> userIds, List<Integer> groupIds, SandgatePath path) throws IOException {
        List<Integer> newUsers = unknown(userIds, users);
        List<Integer> newGroups = unknown(groupIds, groups);
        if (newUsers.isEmpty() && newGroups.isEmpty()) {
            return;
        }
        RemoteSftp sftp = fileSystem.sftp();
        if (!sftp.extensions().hasUsersGroupsById()) {
            newUsers.forEach(id -> users.put(id, NO_NAME));
            newGroups.forEach(id -> groups.put(id, NO_NAME));
            return;
        }
        List<String> names = sftp.namesOf(newUsers, newGroups, path);
        for (int i = 0; i < newUsers.size(); i++) {
            users.put(newUsers.get(i), names.get(i));
        }
        for (int i = 0; i < newGroups.size(); i++) {
            groups.put(newGroups.get(i), names.get(newUsers.size() + i));
        }
    }

    private static List<Integer> unknown(List<Integer> ids, Map<Integer, String> known) {
        List<Integer> unknown = new ArrayList<>();
        for (int id : ids) {
            if (!known.containsKey(id)) {
                unknown.add(id);
            }
        }
        return unknown;
    }

    @Override
    public UserPrincipal lookupPrincipalByName(String name) throws IOException {
        return principal(name, false);
    }

    @Override
    public GroupPrincipal lookupPrincipalByGroupName(String group) throws IOException {
        return principal(group, true);
    }

    /**
     * The numeric id a {@code SETSTAT} needs for a principal, ours or another file system's (by its name). A group
     * given as an owner, or a user as a group, is refused as the JDK refuses it.
     */
    int idOf(UserPrincipal principal, boolean group) throws IOException {
        fileSystem.ensureOpen();
        if (principal instanceof SandgatePrincipal) {
            SandgatePrincipal ours = (SandgatePrincipal) principal;
            if (ours.isGroup() != group) {
                throw new IOException("'" + ours.getName() + "' is a " + (ours.isGroup() ? "group" : "user")
                        + ", not a " + (group ? "group" : "user"));
            }
            return ours.id();
        }
        return principal(principal.getName(), group).id();
    }

    private SandgatePrincipal principal(String name, boolean group) throws IOException {
        Objects.requireNonNull(name, "name");
        fileSystem.ensureOpen();
        Map<Integer, String> known = group ? groups : users;
        Integer id = idNamed(name, known);
        if (id == null && !homeLearned) {
            // the session's own user and group are the likeliest to be asked for
            SandgatePath home = fileSystem.home();
            named(fileSystem.attributes(home, true), home);
            homeLearned = true;
            id = idNamed(name, known);
        }
        if (id != null) {
            return new SandgatePrincipal(id, name, group);
        }
        if (name.matches("[0-9]{1,10}") && Long.parseLong(name) <= 0xffffffffL) {
            int number = (int) Long.parseLong(name);
            learn(group ? List.of() : List.of(number), group ? List.of(number) : List.of(), null);
            return new SandgatePrincipal(number, known.get(number), group);
        }
        throw new UserPrincipalNotFoundException(name);
    }

    private static Integer idNamed(String name, Map<Integer, String> known) {
        if (name.isEmpty()) {
            return null;
        }
        for (Map.Entry<Integer, String> entry : known.entrySet()) {
            if (entry.getValue().equals(name)) {
                return entry.getKey();
            }
        }
        return null;
    }
}
