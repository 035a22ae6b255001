package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * {@code Path.toRealPath} and {@code Files.isSameFile}: symbolic links resolved name by name on the client, as
 * realpath(3) resolves them.
 */
final class RealPaths {
    /** As Linux's {@code MAXSYMLINKS}: more links on one path are taken for a loop. */
    private static final int MAX_LINKS = 40;

    private final SandgateFileSystem fileSystem;

    RealPaths(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    Path realPath(SandgatePath path, LinkOption... options) throws IOException {
        RemoteSftp sftp = fileSystem.sftp();
        boolean followLinks = !Set.of(options).contains(LinkOption.NOFOLLOW_LINKS);
        if (!followLinks) {
            SandgatePath normal = path.toAbsolutePath().normalize();
            sftp.stat(normal, false);
            return normal;
        }
        sftp.stat(path, true);
        return fileSystem.getPath(resolveLinks(path.toAbsolutePath()));
    }

    /** Resolves every symbolic link along the path, name by name, the way realpath(3) does. */
    private String resolveLinks(SandgatePath absolute) throws IOException {
        RemoteSftp sftp = fileSystem.sftp();
        SandgatePath resolved = SandgatePath.root(fileSystem);
        List<Path> remaining = new ArrayList<>();
        absolute.forEach(remaining::add);
        int links = 0;
        while (!remaining.isEmpty()) {
            String name = remaining.remove(0).toString();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                SandgatePath parent = resolved.getParent();
                resolved = parent == null ? resolved : parent;
                continue;
            }
            SandgatePath next = resolved.resolve(name);
            SandgateAttributes attributes = new SandgateAttributes(sftp.stat(next, false));
            if (!attributes.isSymbolicLink()) {
                resolved = next;
                continue;
            }
            if (++links > MAX_LINKS) {
                throw SftpErrors.linkLoop(absolute.toString());
            }
            SandgatePath target = fileSystem.getPath(sftp.readLink(next));
            List<Path> expanded = new ArrayList<>();
            target.forEach(expanded::add);
            remaining.addAll(0, expanded);
            if (target.isAbsolute()) {
                resolved = SandgatePath.root(fileSystem);
            }
        }
        return resolved.toString();
    }

    boolean isSameFile(SandgatePath first, SandgatePath second) throws IOException {
        if (first.equals(second)) {
            return true;
        }
        RemoteSftp sftp = fileSystem.sftp();
        // normalize() alone decides only without "..": "d/.." is not "" when d is a link to a directory elsewhere
        if (!hasDotDot(first) && !hasDotDot(second)
                && first.toAbsolutePath().normalize().equals(second.toAbsolutePath().normalize())
                && sftp.statIfExists(first, true) != null) {
            return true;
        }
        Attributes one = sftp.statIfExists(first, true);
        Attributes other = sftp.statIfExists(second, true);
        if (one == null || other == null) {
            sftp.stat(one == null ? first : second, true); // throws NoSuchFileException, as the JDK does
        }
        return realPath(first).equals(realPath(second));
    }

    private static boolean hasDotDot(SandgatePath path) {
        for (Path name : path) {
            if (name.toString().equals("..")) {
                return true;
            }
        }
        return false;
    }
}
