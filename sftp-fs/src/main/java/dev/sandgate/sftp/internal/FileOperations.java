package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * What {@code Files.*} does on a sandgate file system, in SFTP requests. SFTP version 3 reports most failures as a
 * bare "failure", so operations that can fail for several reasons look at the paths afterwards to throw the
 * exception the JDK would.
 */
final class FileOperations {
    private final SandgateFileSystem fileSystem;
    private volatile Attributes homeAttributes;

    FileOperations(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    private RemoteSftp sftp() {
        return fileSystem.sftp();
    }

    // --- files ---

    SandgateFileChannel newChannel(SandgatePath path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException {
        OpenOptions open = OpenOptions.of(options);
        Integer permissions = AttributeViews.creationMode(attributes);
        if (open.noFollowLinks() && !open.createNew()) {
            Attributes existing = sftp().statIfExists(path, false);
            if (existing != null && new SandgateAttributes(existing).isSymbolicLink()) {
                throw SftpErrors.linkWhereNoneMayBe(path.toString());
            }
        }
        RemoteFile file;
        try {
            file = sftp().open(path, open.sftpFlags(), open.create() ? permissions : null);
        } catch (FileSystemException e) {
            throw explainOpenFailure(path, open.createNew(), e);
        }
        try {
            // no stat on a plain open: a small-file copy would pay a round trip per file for it; reading a directory
            // fails at the first read, as on Linux
            long position = open.append() ? file.stat().getSize() : 0;
            SandgateFileChannel[] created = new SandgateFileChannel[1];
            created[0] = new SandgateFileChannel(file, open, position, fileSystem.options().requestSize(),
                    fileSystem.options().requestsInFlight(), () -> closed(created[0], path, open.deleteOnClose()));
            return registered(created[0]);
        } catch (IOException | RuntimeException e) {
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private SandgateFileChannel registered(SandgateFileChannel channel) {
        fileSystem.resources().add(channel);
        return channel;
    }

    private void closed(SandgateFileChannel channel, SandgatePath path, boolean deleteOnClose) {
        fileSystem.resources().remove(channel);
        if (deleteOnClose) {
            try {
                sftp().remove(path);
            } catch (IOException | RuntimeException ignored) {
                // best effort, as the JDK's DELETE_ON_CLOSE
            }
        }
    }

    private IOException explainOpenFailure(SandgatePath path, boolean exclusive, FileSystemException failure)
            throws IOException {
        if (failure instanceof AccessDeniedException) {
            return failure;
        }
        Attributes existing = sftp().lstatIfDecided(path);
        if (existing != null) {
            if (exclusive) {
                return withCause(SftpErrors.alreadyExists(path.toString()), failure);
            }
            if (new SandgateAttributes(existing).isDirectory()) {
                return withCause(SftpErrors.isDirectory(path.toString()), failure);
            }
            return failure;
        }
        SandgatePath parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Attributes parentAttributes = sftp().statIfExists(parent, true);
            if (parentAttributes != null && !new SandgateAttributes(parentAttributes).isDirectory()) {
                return SftpErrors.parentNotDirectory(path.toString(), failure);
            }
        }
        return failure instanceof NoSuchFileException ? failure
                : SftpErrors.noSuchFile(path.toString(), failure);
    }

    // --- directories ---

    DirectoryStream<Path> newDirectoryStream(SandgatePath directory, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        SandgateDirectoryStream stream = new SandgateDirectoryStream(openListing(directory), filter,
                fileSystem.resources());
        fileSystem.resources().add(stream);
        return stream;
    }

    /** Opens a directory for listing; a path that is not a directory fails as the JDK's does. */
    private DirectoryListing openListing(SandgatePath directory) throws IOException {
        try {
            return sftp().openListing(directory, fileSystem.options().maxDirectoryEntries());
        } catch (FileSystemException e) {
            Attributes existing = sftp().statIfExists(directory, true);
            if (existing != null && !new SandgateAttributes(existing).isDirectory()) {
                throw withCause(SftpErrors.notDirectory(directory.toString()), e);
            }
            throw e;
        }
    }

    /** Whether the directory has no entry but {@code .} and {@code ..}: one batch is enough to tell. */
    private boolean isEmptyDirectory(SandgatePath directory) throws IOException {
        try (DirectoryListing listing = sftp().openListing(directory, fileSystem.options().maxDirectoryEntries())) {
            return listing.next() == null;
        }
    }

    void createDirectory(SandgatePath directory, FileAttribute<?>... attributes) throws IOException {
        Integer permissions = AttributeViews.creationMode(attributes);
        try {
            sftp().mkdir(directory, permissions);
        } catch (FileSystemException e) {
            // MINA's server refuses a directory under a regular file as "permission denied": the parent tells
            if (sftp().lstatIfDecided(directory) != null) {
                throw withCause(SftpErrors.alreadyExists(directory.toString()), e);
            }
            throw explainMissingParent(directory, e);
        }
    }

    private IOException explainMissingParent(SandgatePath path, FileSystemException failure) throws IOException {
        SandgatePath parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Attributes parentAttributes = sftp().statIfExists(parent, true);
            if (parentAttributes == null) {
                return failure instanceof NoSuchFileException ? failure
                        : SftpErrors.noSuchFile(path.toString(), failure);
            }
            if (!new SandgateAttributes(parentAttributes).isDirectory()) {
                return SftpErrors.parentNotDirectory(path.toString(), failure);
            }
        }
        return failure;
    }

    void delete(SandgatePath path) throws IOException {
        SandgateAttributes attributes = new SandgateAttributes(sftp().stat(path, false));
        if (!attributes.isDirectory()) {
            sftp().remove(path);
            return;
        }
        try {
            sftp().rmdir(path);
        } catch (AccessDeniedException | NoSuchFileException e) {
            throw e;
        } catch (FileSystemException e) {
            if (!isEmptyDirectory(path)) {
                throw withCause(SftpErrors.notEmpty(path.toString()), e);
            }
            throw e;
        }
    }

    // --- copy and move ---

    void copy(SandgatePath source, SandgatePath target, CopyOption... options) throws IOException {
        Set<CopyOption> chosen = Set.of(options);
        if (chosen.contains(StandardCopyOption.ATOMIC_MOVE)) {
            throw new UnsupportedOperationException("ATOMIC_MOVE is an option of move, not of copy");
        }
        boolean followLinks = !chosen.contains(LinkOption.NOFOLLOW_LINKS);
        SandgateAttributes attributes = new SandgateAttributes(sftp().stat(source, followLinks));
        if (sameExistingFile(source, target)) {
            return;
        }
        makeRoomFor(target, chosen.contains(StandardCopyOption.REPLACE_EXISTING));
        if (attributes.isSymbolicLink()) {
            sftp().symlink(target, sftp().readLink(source));
            return;
        }
        if (attributes.isDirectory()) {
            createDirectory(target);
        } else {
            copyContent(source, target, attributes.size());
        }
        if (chosen.contains(StandardCopyOption.COPY_ATTRIBUTES)) {
            sftp().setStat(target, new Attributes().perms(attributes.mode())
                    .modifyTime(attributes.lastModifiedTime().to(TimeUnit.SECONDS), TimeUnit.SECONDS)
                    .accessTime(attributes.lastAccessTime().to(TimeUnit.SECONDS), TimeUnit.SECONDS));
        }
    }

    /** Copies bytes: on the server through {@code copy-data} when it offers it, else through this client's pipelines. */
    private void copyContent(SandgatePath source, SandgatePath target, long size) throws IOException {
        Set<StandardOpenOption> writeOptions = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        if (sftp().hasCopyData() && size > 0) { // MINA refuses copy-data of an empty file (nothing to copy)
            try (RemoteFile from = sftp().open(source, SftpConstants.SSH_FXF_READ, null);
                 RemoteFile to = sftp().open(target,
                         SftpConstants.SSH_FXF_WRITE | SftpConstants.SSH_FXF_CREAT | SftpConstants.SSH_FXF_TRUNC, null)) {
                from.copyTo(to, size);
            }
            return;
        }
        try (SeekableByteChannel in = newChannel(source, Set.of(StandardOpenOption.READ));
             SeekableByteChannel out = newChannel(target, writeOptions)) {
            transfer(in, out);
        }
    }

    static void transfer(SeekableByteChannel in, SeekableByteChannel out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        while (in.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
        }
    }

    /** Clears the target of a copy or move: refused without REPLACE_EXISTING, a non-empty directory is never removed. */
    private void makeRoomFor(SandgatePath target, boolean replace) throws IOException {
        Attributes existing = sftp().statIfExists(target, false);
        if (existing == null) {
            return;
        }
        if (!replace) {
            throw SftpErrors.alreadyExists(target.toString());
        }
        delete(target);
    }

    void move(SandgatePath source, SandgatePath target, CopyOption... options) throws IOException {
        Set<CopyOption> chosen = Set.of(options);
        boolean atomic = chosen.contains(StandardCopyOption.ATOMIC_MOVE);
        boolean replace = chosen.contains(StandardCopyOption.REPLACE_EXISTING);
        if (atomic) {
            if (!sftp().hasPosixRename()) {
                throw SftpErrors.noAtomicMove(source.toString(), target.toString(),
                        "the SFTP server does not offer posix-rename@openssh.com, so a move cannot be atomic");
            }
            sftp().rename(source, target, true); // replaces an existing target atomically, as rename(2) does
            return;
        }
        boolean sourceIsDirectory = new SandgateAttributes(sftp().stat(source, false)).isDirectory();
        if (sameExistingFile(source, target)) {
            return;
        }
        Attributes existing = sftp().statIfExists(target, false);
        if (existing != null) {
            if (!replace) {
                throw SftpErrors.alreadyExists(target.toString());
            }
            boolean targetIsDirectory = new SandgateAttributes(existing).isDirectory();
            if (targetIsDirectory && !isEmptyDirectory(target)) {
                throw SftpErrors.notEmpty(target.toString());
            }
            // rename(2) replaces a file with a file and a directory with an empty one; across kinds it refuses
            if (sftp().hasPosixRename() && targetIsDirectory == sourceIsDirectory) {
                sftp().rename(source, target, true);
                return;
            }
            delete(target);
        }
        try {
            sftp().rename(source, target, false);
        } catch (FileSystemException e) {
            if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
                throw e;
            }
            throw explainMissingParent(target, e);
        }
    }

    // --- links ---

    void createSymbolicLink(SandgatePath link, String target, FileAttribute<?>... attributes) throws IOException {
        if (attributes.length > 0) {
            throw new UnsupportedOperationException("attributes cannot be given to a symbolic link");
        }
        if (sftp().statIfExists(link, false) != null) {
            throw SftpErrors.alreadyExists(link.toString());
        }
        sftp().symlink(link, target);
    }

    void createLink(SandgatePath link, SandgatePath existing) throws IOException {
        if (sftp().statIfExists(link, false) != null) {
            throw SftpErrors.alreadyExists(link.toString());
        }
        sftp().hardLink(link, existing);
    }

    Path readSymbolicLink(SandgatePath link) throws IOException {
        SandgateAttributes attributes = new SandgateAttributes(sftp().stat(link, false));
        if (!attributes.isSymbolicLink()) {
            throw SftpErrors.notLink(link.toString());
        }
        return fileSystem.getPath(sftp().readLink(link));
    }

    // --- attributes and questions ---

    SandgateAttributes attributes(SandgatePath path, boolean followLinks) throws IOException {
        long ttl = fileSystem.options().listingAttributesTtl().toNanos();
        SandgateAttributes listed = ttl > 0 ? path.listedAttributes(ttl) : null;
        if (listed != null && (!followLinks || !listed.isSymbolicLink())) {
            return listed;
        }
        return new SandgateAttributes(sftp().stat(path, followLinks));
    }

    void setStat(SandgatePath path, Attributes attributes, boolean followLinks) throws IOException {
        if (!followLinks && new SandgateAttributes(sftp().stat(path, false)).isSymbolicLink()) {
            throw SftpErrors.unsupported(path.toString(),
                    "SFTP version 3 cannot change the attributes of a symbolic link itself");
        }
        sftp().setStat(path, attributes);
    }

    /** Whether a copy or move would be onto its own source; false when the target does not exist. */
    private boolean sameExistingFile(SandgatePath source, SandgatePath target) throws IOException {
        return sftp().statIfExists(target, false) != null && isSameFile(source, target);
    }

    boolean isSameFile(SandgatePath first, SandgatePath second) throws IOException {
        if (first.equals(second)) {
            return true;
        }
        // normalize() alone decides only without "..": "d/.." is not "" when d is a link to a directory elsewhere
        if (!hasDotDot(first) && !hasDotDot(second)
                && first.toAbsolutePath().normalize().equals(second.toAbsolutePath().normalize())
                && sftp().statIfExists(first, true) != null) {
            return true;
        }
        Attributes one = sftp().statIfExists(first, true);
        Attributes other = sftp().statIfExists(second, true);
        if (one == null || other == null) {
            sftp().stat(one == null ? first : second, true); // throws NoSuchFileException, as the JDK does
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

    void checkAccess(SandgatePath path, AccessMode... modes) throws IOException {
        SandgateAttributes attributes = new SandgateAttributes(sftp().stat(path, true));
        Attributes mine = homeAttributes();
        int mode = attributes.mode();
        boolean root = mine.getUserId() == 0;
        int shift = attributes.userId() == mine.getUserId() ? 6 : attributes.groupId() == mine.getGroupId() ? 3 : 0;
        for (AccessMode access : modes) {
            int bit = access == AccessMode.READ ? 4 : access == AccessMode.WRITE ? 2 : 1;
            boolean allowed = root
                    ? (access != AccessMode.EXECUTE || (mode & 0111) != 0)
                    : (mode & (bit << shift)) != 0;
            if (!allowed) {
                throw SftpErrors.accessDenied(path.toString(), "no " + access.name().toLowerCase()
                        + " permission for the session's user");
            }
        }
    }

    /** The session user's ids, taken from the home directory (which that user owns). */
    private Attributes homeAttributes() throws IOException {
        Attributes attributes = homeAttributes;
        if (attributes == null) {
            attributes = sftp().stat(fileSystem.home(), true);
            homeAttributes = attributes;
        }
        return attributes;
    }

    Path realPath(SandgatePath path, LinkOption... options) throws IOException {
        boolean followLinks = !Set.of(options).contains(LinkOption.NOFOLLOW_LINKS);
        if (!followLinks) {
            SandgatePath normal = path.toAbsolutePath().normalize();
            sftp().stat(normal, false);
            return normal;
        }
        sftp().stat(path, true);
        return fileSystem.getPath(resolveLinks(path.toAbsolutePath()));
    }

    /** Resolves every symbolic link along the path, name by name, the way realpath(3) does. */
    private String resolveLinks(SandgatePath absolute) throws IOException {
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
            SandgateAttributes attributes = new SandgateAttributes(sftp().stat(next, false));
            if (!attributes.isSymbolicLink()) {
                resolved = next;
                continue;
            }
            if (++links > 40) {
                throw SftpErrors.linkLoop(absolute.toString());
            }
            SandgatePath target = fileSystem.getPath(sftp().readLink(next));
            List<Path> expanded = new ArrayList<>();
            target.forEach(expanded::add);
            remaining.addAll(0, expanded);
            if (target.isAbsolute()) {
                resolved = SandgatePath.root(fileSystem);
            }
        }
        return resolved.toString();
    }

    SandgateFileStore fileStore(SandgatePath path) throws IOException {
        sftp().stat(path, true);
        return fileSystem.store();
    }

    // --- watching ---

    WatchService newWatchService() {
        PollingWatchService service = new PollingWatchService(fileSystem.options().watchInterval(), this::snapshot);
        fileSystem.resources().add(service);
        service.onClose(() -> fileSystem.resources().remove(service));
        return service;
    }

    /** What the watch service compares between two polls: each entry's size, modification time and kind. */
    private java.util.Map<Path, DirectoryLister.Snapshot> snapshot(Path directory) throws IOException {
        SandgatePath ours = fileSystem.path(directory);
        DirectoryListing listing;
        try {
            listing = sftp().openListing(ours, fileSystem.options().maxDirectoryEntries());
        } catch (NoSuchFileException e) {
            throw e;
        } catch (FileSystemException e) {
            Attributes existing = sftp().statIfExists(ours, true);
            if (existing == null) {
                throw SftpErrors.noSuchFile(ours.toString(), e);
            }
            if (!new SandgateAttributes(existing).isDirectory()) {
                throw withCause(SftpErrors.notDirectory(ours.toString()), e);
            }
            throw e;
        }
        java.util.Map<Path, DirectoryLister.Snapshot> snapshot = new java.util.HashMap<>();
        try (listing) {
            for (DirectoryListing.Entry entry = listing.next(); entry != null; entry = listing.next()) {
                SandgateAttributes attributes = entry.attributes();
                snapshot.put(entry.path(), new DirectoryLister.Snapshot(attributes.size(),
                        attributes.lastModifiedTime().toMillis(), attributes.isDirectory()));
            }
        }
        return snapshot;
    }

    WatchKey register(SandgatePath directory, WatchService watcher, WatchEvent.Kind<?>[] events,
                      WatchEvent.Modifier... modifiers) throws IOException {
        if (!(watcher instanceof PollingWatchService)) {
            throw new java.nio.file.ProviderMismatchException("the watch service was not made by this file system");
        }
        return ((PollingWatchService) watcher).register(directory, events, modifiers);
    }

    private static <E extends IOException> E withCause(E exception, IOException cause) {
        if (exception.getCause() == null) {
            exception.initCause(cause);
        }
        return exception;
    }
}
