package dev.sandgate.sftp;

/**
 * Why a {@link TreeTransfer} did not copy an entry, as told to {@link TransferListener#fileSkipped}. Only
 * {@link #UP_TO_DATE} means the target already holds the file; the others are entries left out.
 *
 * <pre>{@code
 * public void fileSkipped(Path source, Path target, SkipReason reason) {
 *     if (reason != SkipReason.UP_TO_DATE) {
 *         System.err.println("not copied: " + Visible.of(source) + " (" + reason + ")");
 *     }
 * }
 * }</pre>
 */
public enum SkipReason {
    /** A symbolic link: neither followed nor recreated. */
    SYMBOLIC_LINK("symbolic link"),
    /** A device, pipe or socket. */
    NOT_REGULAR("not a regular file or directory"),
    /** When resuming, a target file already complete (same size and time to the second). */
    UP_TO_DATE("up to date");

    private final String words;

    SkipReason(String words) {
        this.words = words;
    }

    /** {@return the reason in words, such as {@code "symbolic link"}} */
    @Override
    public String toString() {
        return words;
    }
}
