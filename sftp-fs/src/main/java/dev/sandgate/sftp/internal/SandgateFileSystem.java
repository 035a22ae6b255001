package dev.sandgate.sftp.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

import dev.sandgate.sftp.SftpOptions;

/**
 * The files of one sandbox session over one SFTP channel. Holds the state (the channel, the home directory, every
 * open resource) and one object per kind of operation, which the provider hands each call to once it has checked
 * that the file system is open (the operations' requests check again, through {@link #sftp()}). After its connection
 * reconnected, {@link #sftp()} hands out a channel re-opened on the new session.
 */
final class SandgateFileSystem extends FileSystem {
    private final SandgateFileSystemProvider provider;
    private final String sessionId;
    private final ReopeningSftp sftp;
    private final SftpOptions options;
    private final Closeable owned;
    private final OpenResources resources = new OpenResources();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SandgatePath home;
    private final SandgateFileStore store;
    private final FileOpener opener = new FileOpener(this);
    private final DirectoryEntries directoryEntries = new DirectoryEntries(this);
    private final CopyAndMove copyAndMove = new CopyAndMove(this);
    private final Links links = new Links(this);
    private final RealPaths realPaths = new RealPaths(this);
    private final PathAttributes pathAttributes = new PathAttributes(this);
    private final DirectoryWatching watching = new DirectoryWatching(this);
    private final OwnerNames ownerNames = new OwnerNames(this);

    SandgateFileSystem(SandgateFileSystemProvider provider, String sessionId, ReopeningSftp sftp, SftpOptions options,
                       Closeable owned) throws IOException {
        this.provider = provider;
        this.sessionId = sessionId;
        this.sftp = sftp;
        this.options = options;
        this.owned = owned;
        this.home = SandgatePath.parse(this, sftp.current().home());
        this.store = new SandgateFileStore(this, SandgatePath.root(this));
    }

    String sessionId() {
        return sessionId;
    }

    /** The open SFTP channel, re-opened first when the connection has reconnected since the last call. */
    RemoteSftp sftp() {
        ensureOpen();
        return sftp.current();
    }

    SftpOptions options() {
        return options;
    }

    OpenResources resources() {
        return resources;
    }

    FileOpener opener() {
        return opener;
    }

    DirectoryEntries directoryEntries() {
        return directoryEntries;
    }

    CopyAndMove copyAndMove() {
        return copyAndMove;
    }

    Links links() {
        return links;
    }

    RealPaths realPaths() {
        return realPaths;
    }

    PathAttributes pathAttributes() {
        return pathAttributes;
    }

    /** The store of an existing path: there is one, the stat only checks that the path exists. */
    SandgateFileStore store(SandgatePath path) throws IOException {
        sftp().stat(path, true);
        return store;
    }

    /** The session's home directory, against which relative paths resolve. */
    SandgatePath home() {
        return home;
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new ClosedFileSystemException();
        }
    }

    SandgatePath path(Path path) {
        SandgatePath ours = SandgatePath.cast(path);
        if (ours.getFileSystem() != this) {
            throw new ProviderMismatchException("the path " + path + " belongs to another sandgate file system");
        }
        return ours;
    }

    SandgateAttributes attributes(SandgatePath path, boolean followLinks) throws IOException {
        ensureOpen(); // a recent listing may answer without a request
        return pathAttributes.read(path, followLinks);
    }

    /** The attributes with the owner and group named as the server names them. */
    SandgateAttributes namedAttributes(SandgatePath path, boolean followLinks) throws IOException {
        return ownerNames.named(attributes(path, followLinks), path);
    }

    OwnerNames ownerNames() {
        return ownerNames;
    }

    void setStat(SandgatePath path, Attributes attributes, boolean followLinks) throws IOException {
        pathAttributes.set(path, attributes, followLinks);
    }

    Path realPath(SandgatePath path, LinkOption... options) throws IOException {
        return realPaths.realPath(path, options);
    }

    WatchKey register(SandgatePath path, WatchService watcher, WatchEvent.Kind<?>[] events,
                      WatchEvent.Modifier... modifiers) throws IOException {
        ensureOpen();
        return watching.register(path, watcher, events, modifiers);
    }

    @Override
    public SandgateFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        provider.unregister(this);
        IOException failure = null;
        try {
            resources.closeAll();
        } catch (IOException e) {
            failure = e;
        }
        Closeable channel = sftp::close;
        for (Closeable closeable : owned == null ? List.of(channel) : List.of(channel, owned)) {
            try {
                closeable.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Not closed, and its channel open or re-openable: see {@code SandboxFileSystems}. */
    @Override
    public boolean isOpen() {
        return !closed.get() && sftp.usable();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        ensureOpen();
        return List.of(SandgatePath.root(this));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        ensureOpen();
        return List.of(store);
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return AttributeViews.NAMES;
    }

    @Override
    public SandgatePath getPath(String first, String... more) {
        return SandgatePath.parse(this, first, more);
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        return Globs.matcher(syntaxAndPattern);
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return ownerNames;
    }

    @Override
    public WatchService newWatchService() throws IOException {
        ensureOpen();
        return watching.newWatchService();
    }

    @Override
    public String toString() {
        return "sandgate file system of session " + sessionId + (closed.get() ? " (closed)" : isOpen() ? "" : " (connection lost)");
    }
}
