package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A path on a remote file system: '/'-separated names, absolute when it starts with '/'. Immutable; all syntax
 * operations are local, only {@link #toRealPath} asks the server.
 */
final class SandgatePath implements Path {
    private static final String[] NO_NAMES = new String[0];

    private final SandgateFileSystem fileSystem;
    private final boolean absolute;
    private final String[] names;
    private final String text;
    /** Attributes that came with the directory listing this path was read from, and when; not part of equality. */
    private final SandgateAttributes listed;
    private final long listedAtNanos;

    private SandgatePath(SandgateFileSystem fileSystem, boolean absolute, String[] names) {
        this(fileSystem, absolute, names, null, 0);
    }

    private SandgatePath(SandgateFileSystem fileSystem, boolean absolute, String[] names,
                         SandgateAttributes listed, long listedAtNanos) {
        this.fileSystem = fileSystem;
        this.absolute = absolute;
        this.names = names;
        this.text = (absolute ? "/" : "") + String.join("/", names);
        this.listed = listed;
        this.listedAtNanos = listedAtNanos;
    }

    /** This path, remembering the attributes a directory listing gave for it (as a no-follow stat). */
    SandgatePath withListing(SandgateAttributes attributes) {
        return new SandgatePath(fileSystem, absolute, names, attributes, System.nanoTime());
    }

    /** The listing's attributes while younger than {@code ttlNanos}, else null. */
    SandgateAttributes listedAttributes(long ttlNanos) {
        return listed != null && System.nanoTime() - listedAtNanos < ttlNanos ? listed : null;
    }

    /** Parses a path string; repeated and trailing slashes are dropped, as the JDK's Unix paths do. */
    static SandgatePath parse(SandgateFileSystem fileSystem, String first, String... more) {
        StringBuilder joined = new StringBuilder(first);
        for (String part : more) {
            if (!part.isEmpty()) {
                if (joined.length() > 0) {
                    joined.append('/');
                }
                joined.append(part);
            }
        }
        String raw = joined.toString();
        if (raw.indexOf('\0') >= 0) {
            throw new java.nio.file.InvalidPathException(raw, "a path may not contain a NUL character");
        }
        List<String> parts = new ArrayList<>();
        for (String name : raw.split("/")) {
            if (!name.isEmpty()) {
                parts.add(name);
            }
        }
        return new SandgatePath(fileSystem, raw.startsWith("/"), parts.toArray(NO_NAMES));
    }

    static SandgatePath root(SandgateFileSystem fileSystem) {
        return new SandgatePath(fileSystem, true, NO_NAMES);
    }

    /** The string the server gets: the absolute path, resolved against the session's home directory. */
    String remotePath() {
        return absolute ? text : fileSystem.home().resolve(this).text;
    }

    /** Whether this is the empty path {@code ""}. */
    boolean isEmpty() {
        return !absolute && names.length == 0;
    }

    static SandgatePath cast(Path path) {
        Objects.requireNonNull(path, "path");
        if (path instanceof SandgatePath) {
            return (SandgatePath) path;
        }
        throw new ProviderMismatchException("not a sandgate path: " + path + " (" + path.getFileSystem().provider().getScheme() + ")");
    }

    private SandgatePath sameFileSystem(Path other) {
        SandgatePath path = cast(other);
        if (path.fileSystem != fileSystem) {
            throw new ProviderMismatchException("the path " + path + " belongs to another sandgate file system");
        }
        return path;
    }

    private SandgatePath create(boolean isAbsolute, String[] parts) {
        return new SandgatePath(fileSystem, isAbsolute, parts);
    }

    @Override
    public SandgateFileSystem getFileSystem() {
        return fileSystem;
    }

    @Override
    public boolean isAbsolute() {
        return absolute;
    }

    @Override
    public Path getRoot() {
        return absolute ? root(fileSystem) : null;
    }

    @Override
    public Path getFileName() {
        if (names.length == 0) {
            return absolute ? null : this;
        }
        if (names.length == 1 && !absolute) {
            return this;
        }
        return create(false, new String[] {names[names.length - 1]});
    }

    @Override
    public SandgatePath getParent() {
        if (names.length == 0 || (names.length == 1 && !absolute)) {
            return null;
        }
        return create(absolute, Arrays.copyOf(names, names.length - 1));
    }

    @Override
    public int getNameCount() {
        return isEmpty() ? 1 : names.length;
    }

    @Override
    public Path getName(int index) {
        if (isEmpty() && index == 0) {
            return this;
        }
        if (index < 0 || index >= names.length) {
            throw new IllegalArgumentException("name index " + index + " is outside 0.." + (names.length - 1));
        }
        return create(false, new String[] {names[index]});
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        if (isEmpty() && beginIndex == 0 && endIndex == 1) {
            return this;
        }
        if (beginIndex < 0 || endIndex > names.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ") of a path with "
                    + names.length + " names");
        }
        return create(false, Arrays.copyOfRange(names, beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(other instanceof SandgatePath) || ((SandgatePath) other).fileSystem != fileSystem) {
            return false;
        }
        SandgatePath prefix = (SandgatePath) other;
        if (prefix.absolute != absolute || prefix.names.length > names.length) {
            return false;
        }
        if (prefix.isEmpty()) {
            return isEmpty();
        }
        for (int i = 0; i < prefix.names.length; i++) {
            if (!prefix.names[i].equals(names[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean startsWith(String other) {
        return startsWith(parse(fileSystem, other));
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(other instanceof SandgatePath) || ((SandgatePath) other).fileSystem != fileSystem) {
            return false;
        }
        SandgatePath suffix = (SandgatePath) other;
        if (suffix.absolute) {
            return equals(suffix);
        }
        if (suffix.isEmpty()) {
            return isEmpty();
        }
        if (suffix.names.length > names.length) {
            return false;
        }
        int offset = names.length - suffix.names.length;
        for (int i = 0; i < suffix.names.length; i++) {
            if (!suffix.names[i].equals(names[offset + i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean endsWith(String other) {
        return endsWith(parse(fileSystem, other));
    }

    @Override
    public SandgatePath normalize() {
        List<String> kept = new ArrayList<>(names.length);
        for (String name : names) {
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!kept.isEmpty() && !kept.get(kept.size() - 1).equals("..")) {
                    kept.remove(kept.size() - 1);
                    continue;
                }
                if (absolute) {
                    continue; // "/.." is "/"
                }
            }
            kept.add(name);
        }
        return kept.size() == names.length ? this : create(absolute, kept.toArray(NO_NAMES));
    }

    @Override
    public SandgatePath resolve(Path other) {
        SandgatePath child = sameFileSystem(other);
        if (child.absolute) {
            return child;
        }
        if (child.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return child;
        }
        String[] joined = Arrays.copyOf(names, names.length + child.names.length);
        System.arraycopy(child.names, 0, joined, names.length, child.names.length);
        return create(absolute, joined);
    }

    @Override
    public SandgatePath resolve(String other) {
        return resolve(parse(fileSystem, other));
    }

    @Override
    public Path resolveSibling(Path other) {
        SandgatePath child = sameFileSystem(other);
        SandgatePath parent = getParent();
        return parent == null ? child : parent.resolve(child);
    }

    @Override
    public Path resolveSibling(String other) {
        return resolveSibling(parse(fileSystem, other));
    }

    @Override
    public Path relativize(Path other) {
        SandgatePath target = sameFileSystem(other);
        if (target.absolute != absolute) {
            throw new IllegalArgumentException("cannot relativize " + target + " against " + this
                    + ": one is absolute and the other is not");
        }
        if (equals(target)) {
            return create(false, NO_NAMES);
        }
        if (isEmpty()) {
            return target;
        }
        int common = 0;
        int max = Math.min(names.length, target.names.length);
        while (common < max && names[common].equals(target.names[common])) {
            common++;
        }
        List<String> parts = new ArrayList<>();
        for (int i = common; i < names.length; i++) {
            parts.add("..");
        }
        parts.addAll(Arrays.asList(target.names).subList(common, target.names.length));
        return create(false, parts.toArray(NO_NAMES));
    }

    @Override
    public URI toUri() {
        try {
            return new URI(SandgateFileSystemProvider.SCHEME, fileSystem.sessionId(), toAbsolutePath().text, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot form a URI for " + this, e);
        }
    }

    @Override
    public SandgatePath toAbsolutePath() {
        return absolute ? this : fileSystem.home().resolve(this);
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return fileSystem.realPath(this, options);
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        return fileSystem.register(this, watcher, events, modifiers);
    }

    @Override
    public Iterator<Path> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < getNameCount();
            }

            @Override
            public Path next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return getName(next++);
            }
        };
    }

    @Override
    public int compareTo(Path other) {
        return text.compareTo(((SandgatePath) other).text); // a foreign path is a ClassCastException, as the spec says
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof SandgatePath)) {
            return false;
        }
        SandgatePath path = (SandgatePath) other;
        return path.fileSystem == fileSystem && path.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + System.identityHashCode(fileSystem);
    }

    @Override
    public String toString() {
        return text;
    }
}
