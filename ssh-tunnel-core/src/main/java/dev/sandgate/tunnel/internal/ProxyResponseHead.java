package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The status line and headers of an HTTP proxy's answer to CONNECT, read without losing the bytes that follow the
 * header block in the same read: after a 2xx they are the first SSH bytes.
 */
final class ProxyResponseHead {
    static final int MAX_HEAD = 64 * 1024;

    final int status;
    final String reasonPhrase;
    final long contentLength;
    /** Bytes read past the end of the headers. */
    final byte[] leftover;

    private ProxyResponseHead(int status, String reasonPhrase, long contentLength, byte[] leftover) {
        this.status = status;
        this.reasonPhrase = reasonPhrase;
        this.contentLength = contentLength;
        this.leftover = leftover;
    }

    /**
     * Reads until the blank line that ends the headers.
     *
     * @throws IOException if the stream ends first, the head is too long, or the status line is not HTTP
     */
    static ProxyResponseHead read(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int length = 0;
        while (true) {
            int end = headerEnd(buffer, length);
            if (end >= 0) {
                return parse(new String(buffer, 0, end, StandardCharsets.ISO_8859_1), Arrays.copyOfRange(buffer, end, length));
            }
            if (length == buffer.length) {
                if (buffer.length >= MAX_HEAD) {
                    throw new IOException("The proxy's response headers exceed " + MAX_HEAD + " bytes");
                }
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                throw new IOException(length == 0 ? "The proxy closed the connection without answering CONNECT"
                        : "The proxy closed the connection in the middle of its response headers");
            }
            length += n;
        }
    }

    /** The index just past {@code \r\n\r\n}, or -1. */
    private static int headerEnd(byte[] buffer, int length) {
        for (int i = 3; i < length; i++) {
            if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private static ProxyResponseHead parse(String head, byte[] leftover) throws IOException {
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("The proxy did not answer with HTTP: '" + printable(lines[0]) + "'");
        }
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("The proxy's status line has no status code: '" + printable(lines[0]) + "'");
        }
        long contentLength = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    contentLength = Long.parseLong(lines[i].substring(colon + 1).trim());
                } catch (NumberFormatException ignored) {
                    contentLength = -1;
                }
            }
        }
        return new ProxyResponseHead(status, statusLine.length > 2 ? statusLine[2] : "", contentLength, leftover);
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
