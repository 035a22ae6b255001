package dev.sandgate.testkit.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lexical normalisation of SFTP paths as strings: a hostile server's names may hold NUL or other bytes that
 * {@link java.nio.file.Path} refuses, and its fake entries must be found whatever the client sends.
 */
final class RemotePaths {
    private RemotePaths() {
    }

    /**
     * The absolute, normalised form of {@code path}: a relative one starts at {@code home}; {@code .} and empty
     * segments go, {@code ..} drops the segment before it (never above the root).
     */
    static String normalize(String home, String path) {
        String absolute = path.startsWith("/") ? path : home + "/" + path;
        Deque<String> segments = new ArrayDeque<>();
        int start = 0;
        while (start <= absolute.length()) {
            int slash = absolute.indexOf('/', start);
            int end = slash < 0 ? absolute.length() : slash;
            String segment = absolute.substring(start, end);
            if ("..".equals(segment)) {
                segments.pollLast();
            } else if (!segment.isEmpty() && !".".equals(segment)) {
                segments.addLast(segment);
            }
            start = end + 1;
        }
        return segments.isEmpty() ? "/" : "/" + String.join("/", segments);
    }

    /** The normalised path of a name in a directory (the name may hold slashes and dots: it is joined as it is). */
    static String child(String home, String directory, String name) {
        return normalize(home, normalize(home, directory) + "/" + name);
    }

    /** Whether {@code path} (normalised) is {@code ancestor} (normalised) or inside it. */
    static boolean isWithin(String path, String ancestor) {
        return path.equals(ancestor) || "/".equals(ancestor) || path.startsWith(ancestor + "/");
    }
}
