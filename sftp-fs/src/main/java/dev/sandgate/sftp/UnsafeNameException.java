package dev.sandgate.sftp;

import java.nio.file.FileSystemException;

/**
 * A directory listing named an entry that is not a single file name: empty, {@code .} or {@code ..} where a file
 * was expected, or holding {@code /} or NUL. No POSIX file system has such a name, so only a broken or hostile SFTP
 * server sends one; resolved as a path it could reach outside the directory (a copy of
 * {@code ../../.bashrc} would land two levels above its target). The listing is refused: {@link #getFile()} is the
 * directory, {@link #name()} the name as the server sent it, and the message shows it with control characters made
 * visible.
 *
 * <pre>{@code
 * try (Stream<Path> entries = Files.list(remote.getPath("results"))) {
 *     entries.forEach(System.out::println);
 * } catch (UncheckedIOException e) {
 *     if (e.getCause() instanceof UnsafeNameException unsafe) {
 *         System.err.println("the sandbox listed a bad name in " + unsafe.getFile());
 *     }
 * }
 * }</pre>
 */
public final class UnsafeNameException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    /** The name as the server sent it. */
    private final String name;

    /**
     * Makes the exception.
     *
     * @param directory the directory whose listing held the name
     * @param name      the name as the server sent it
     * @param shown     the name with its control characters made visible, for the message
     */
    public UnsafeNameException(String directory, String name, String shown) {
        super(directory, null, "the SFTP server listed an entry named \"" + shown + "\", which is not a single file"
                + " name (empty, '.', '..', or holding '/' or NUL); the listing is refused");
        this.name = name;
    }

    /** {@return the name as the server sent it: it may hold control characters, print it with care} */
    public String name() {
        return name;
    }
}
