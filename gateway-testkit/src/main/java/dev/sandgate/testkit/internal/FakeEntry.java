package dev.sandgate.testkit.internal;

/**
 * A file or directory the hostile server makes up: listed in a directory under a name it chose, found at that
 * directory's path joined with the name, with the size it claims and the bytes it really gives.
 */
final class FakeEntry {
    private static final byte[] LETTERS = "abcdefghijklmnopqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The name as listed. */
    final String name;
    /** The normalised path of the directory joined with the name. */
    final String path;
    private final boolean directory;
    private final int mode;
    private final long listedSize;
    /** The bytes reading gives before EOF; Long.MAX_VALUE for never. */
    private final long length;
    /** The bytes given, or null for letters. */
    private final byte[] content;

    FakeEntry(String name, String path, boolean directory, int mode, long listedSize, long length, byte[] content) {
        this.name = name;
        this.path = path;
        this.directory = directory;
        this.mode = mode;
        this.listedSize = listedSize;
        this.length = length;
        this.content = content;
    }

    /** An empty file, as generated listings hold. */
    static FakeEntry emptyFile(String name, String path) {
        return new FakeEntry(name, path, false, 0644, 0, 0, new byte[0]);
    }

    boolean isDirectory() {
        return directory;
    }

    SftpAttributes attributes() {
        return SftpAttributes.fake((directory ? SftpAttributes.TYPE_DIRECTORY : SftpAttributes.TYPE_FILE) | mode,
                listedSize);
    }

    /**
     * Fills {@code target} from {@code at} with up to {@code max} bytes from {@code offset}; returns how many, or -1 at
     * end of file.
     */
    int read(long offset, byte[] target, int at, int max) {
        if (offset < 0 || offset >= length) {
            return -1;
        }
        int count = (int) Math.min(max, length - offset);
        if (content != null) {
            System.arraycopy(content, (int) offset, target, at, count);
        } else {
            for (int i = 0; i < count; i++) {
                target[at + i] = LETTERS[(int) ((offset + i) % LETTERS.length)];
            }
        }
        return count;
    }
}
