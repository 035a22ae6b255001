package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.sftp.SftpOptions;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * The {@code sandgate} URI scheme: {@code sandgate://SESSION/absolute/path}. A URI names a session and a path, never
 * a credential; the file system that serves it is the one open for that session. Installed through
 * {@link java.util.ServiceLoader}; users reach it through {@link SandboxFileSystems} or {@code java.nio.file}.
 */
public final class SandgateFileSystemProvider extends FileSystemProvider {
    static final String SCHEME = "sandgate";
    /** Shared by every instance, so the installed provider and one loaded elsewhere see the same file systems. */
    private static final OpenFileSystems OPEN = new OpenFileSystems();
    private static final SandgateFileSystemProvider FALLBACK = new SandgateFileSystemProvider();

    /** For {@link java.util.ServiceLoader}. */
    public SandgateFileSystemProvider() {
    }

    /** The installed instance when this class is the installed one, else a private instance. */
    public static SandgateFileSystemProvider instance() {
        for (FileSystemProvider installed : FileSystemProvider.installedProviders()) {
            if (installed instanceof SandgateFileSystemProvider) {
                return (SandgateFileSystemProvider) installed;
            }
        }
        return FALLBACK;
    }

    /**
     * Opens a file system on a connection the caller keeps. The earliest still open file system of a session serves
     * its URIs; others work through their own paths, and take over the URIs when those before them close.
     */
    public FileSystem open(SshConnection connection, SftpOptions options) throws IOException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(options, "options");
        if (!connection.isOpen()) {
            throw new java.nio.file.FileSystemException(null, null, "the connection to session "
                    + connection.sessionId() + " is closed; connect again before opening its files");
        }
        SandgateFileSystem fileSystem = create(connection, options, null);
        OPEN.add(fileSystem);
        return fileSystem;
    }

    private SandgateFileSystem create(SshConnection connection, SftpOptions options, SshConnection owned)
            throws IOException {
        ReopeningSftp sftp;
        try {
            sftp = ReopeningSftp.open(connection, options);
        } catch (IOException e) {
            throw SftpErrors.translate(e, null, null, null);
        }
        try {
            return new SandgateFileSystem(this, connection.sessionId(), sftp, options, owned);
        } catch (IOException | RuntimeException e) {
            sftp.close();
            throw e;
        }
    }

    void unregister(SandgateFileSystem fileSystem) {
        OPEN.remove(fileSystem);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    private static String sessionOf(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a sandgate URI: " + uri.getScheme() + ":...");
        }
        String session = uri.getAuthority();
        if (session == null || session.isEmpty()) {
            throw new IllegalArgumentException("a sandgate URI names its session: sandgate://SESSION/path");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a sandgate URI has no query or fragment");
        }
        return session;
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        String session = sessionOf(uri);
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            throw new IllegalArgumentException("a file system is opened for a session, not a path: use sandgate://"
                    + session);
        }
        Object ssh = env.get(SandboxFileSystems.ENV_SSH);
        if (!(ssh instanceof SandboxSsh)) {
            throw new IllegalArgumentException("the env map must hold a SandboxSsh under \""
                    + SandboxFileSystems.ENV_SSH + "\" (it connects to the session)");
        }
        Object options = env.get(SandboxFileSystems.ENV_OPTIONS);
        if (options == null) {
            options = SftpOptions.DEFAULTS;
        }
        if (!(options instanceof SftpOptions)) {
            throw new IllegalArgumentException("\"" + SandboxFileSystems.ENV_OPTIONS + "\" must hold SftpOptions");
        }
        if (OPEN.hasAny(session)) {
            throw new FileSystemAlreadyExistsException(session);
        }
        SshConnection connection = ((SandboxSsh) ssh).connect(session);
        SandgateFileSystem fileSystem;
        try {
            fileSystem = create(connection, (SftpOptions) options, connection);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        if (!OPEN.addIfNone(fileSystem)) {
            fileSystem.close();
            throw new FileSystemAlreadyExistsException(session);
        }
        return fileSystem;
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        String session = sessionOf(uri);
        SandgateFileSystem fileSystem = OPEN.serving(session);
        if (fileSystem == null) {
            throw new FileSystemNotFoundException("no sandgate file system is open for session " + session);
        }
        return fileSystem;
    }

    @Override
    public Path getPath(URI uri) {
        SandgateFileSystem fileSystem = (SandgateFileSystem) getFileSystem(uri);
        String path = uri.getPath();
        return fileSystem.getPath(path == null || path.isEmpty() ? "/" : path);
    }

    private static SandgatePath own(Path path) {
        SandgatePath ours = SandgatePath.cast(path);
        ours.getFileSystem().ensureOpen();
        return ours;
    }

    private static boolean follows(LinkOption... options) {
        return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        for (OpenOption option : options) {
            if (option == StandardOpenOption.APPEND || option == StandardOpenOption.WRITE) {
                throw new UnsupportedOperationException("'" + option + "' not allowed");
            }
        }
        SandgatePath file = own(path);
        return new RemoteInputStream(file.getFileSystem().opener().open(file, new HashSet<>(Arrays.asList(options))));
    }

    /** As the JDK's default, over this file system's own stream: an interrupt ends it with an InterruptedIOException. */
    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        Set<OpenOption> chosen = new HashSet<>();
        if (options.length == 0) {
            chosen.add(StandardOpenOption.CREATE);
            chosen.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        for (OpenOption option : options) {
            if (option == StandardOpenOption.READ) {
                throw new IllegalArgumentException("READ not allowed");
            }
            chosen.add(option);
        }
        chosen.add(StandardOpenOption.WRITE);
        SandgatePath file = own(path);
        return new RemoteOutputStream(file.getFileSystem().opener().open(file, chosen));
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        SandgatePath file = own(path);
        return file.getFileSystem().opener().open(file, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        SandgatePath directory = own(dir);
        return directory.getFileSystem().directoryEntries().newStream(directory, filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        SandgatePath directory = own(dir);
        directory.getFileSystem().directoryEntries().create(directory, attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        SandgatePath ours = own(link);
        if (target.getFileSystem() != ours.getFileSystem()) {
            SandgatePath.cast(target); // a foreign path is a ProviderMismatchException
        }
        ours.getFileSystem().links().createSymbolicLink(ours, target.toString(), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        SandgatePath ours = own(link);
        ours.getFileSystem().links().createLink(ours, ours.getFileSystem().path(existing));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        SandgatePath ours = own(link);
        return ours.getFileSystem().links().readSymbolicLink(ours);
    }

    @Override
    public void delete(Path path) throws IOException {
        SandgatePath ours = own(path);
        ours.getFileSystem().directoryEntries().delete(ours);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        SandgatePath from = own(source);
        SandgatePath to = own(target);
        if (from.getFileSystem() == to.getFileSystem()) {
            from.getFileSystem().copyAndMove().copy(from, to, options);
        } else {
            BetweenFileSystems.copy(from, to, options);
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        SandgatePath from = own(source);
        SandgatePath to = own(target);
        if (from.getFileSystem() == to.getFileSystem()) {
            from.getFileSystem().copyAndMove().move(from, to, options);
        } else {
            if (Arrays.asList(options).contains(StandardCopyOption.ATOMIC_MOVE)) {
                throw new java.nio.file.AtomicMoveNotSupportedException(source.toString(), target.toString(),
                        "the two paths are on different file systems");
            }
            BetweenFileSystems.copy(from, to, withCopyAttributes(options));
            delete(from);
        }
    }

    private static CopyOption[] withCopyAttributes(CopyOption... options) {
        CopyOption[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = StandardCopyOption.COPY_ATTRIBUTES;
        return all;
    }

    @Override
    public boolean isSameFile(Path path, Path other) throws IOException {
        SandgatePath ours = own(path);
        if (!(other instanceof SandgatePath)) {
            return false;
        }
        SandgatePath theirs = own(other);
        if (ours.getFileSystem() != theirs.getFileSystem()) {
            return ours.getFileSystem().sessionId().equals(theirs.getFileSystem().sessionId())
                    && ours.toRealPath().toString().equals(theirs.toRealPath().toString());
        }
        return ours.getFileSystem().realPaths().isSameFile(ours, theirs);
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = own(path).getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        SandgatePath ours = own(path);
        return ours.getFileSystem().store(ours);
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        SandgatePath ours = own(path);
        ours.getFileSystem().pathAttributes().checkAccess(ours, modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        SandgatePath ours = own(path);
        return type.cast(AttributeViews.ofType(type, ours, follows(options)));
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        SandgatePath ours = own(path);
        return type.cast(AttributeViews.attributes(type, ours, follows(options)));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return AttributeViews.read(own(path), attributes, follows(options));
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        AttributeViews.set(own(path), attribute, value, follows(options));
    }
}
