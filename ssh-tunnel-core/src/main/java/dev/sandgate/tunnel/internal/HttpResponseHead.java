package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The status line and headers of an HTTP answer (a proxy's to CONNECT, a gateway's to a WebSocket upgrade), read
 * without losing the bytes that follow the header block in the same read: after a 2xx to CONNECT they are the first
 * SSH bytes, after a 101 the first WebSocket frames. Accepts HTTP/1.0 and 1.1, any reason
 * phrase, any headers, and bare LF line ends; refuses a head longer than {@link #MAX_HEAD}.
 */
final class HttpResponseHead {
    static final int MAX_HEAD = 64 * 1024;

    final int status;
    final String reasonPhrase;
    final long contentLength;
    /** Every header as {@code name: value}, names in lower case, in the order received. */
    final List<String[]> headers;
    /** Bytes read past the end of the headers. */
    final byte[] leftover;

    private HttpResponseHead(int status, String reasonPhrase, long contentLength, List<String[]> headers,
            byte[] leftover) {
        this.status = status;
        this.reasonPhrase = reasonPhrase;
        this.contentLength = contentLength;
        this.headers = headers;
        this.leftover = leftover;
    }

    /** The values of every header with this (lower-case) name. */
    List<String> values(String name) {
        List<String> values = new ArrayList<>();
        for (String[] header : headers) {
            if (header[0].equals(name)) {
                values.add(header[1]);
            }
        }
        return values;
    }

    /**
     * Reads until the blank line that ends the headers.
     *
     * @throws IOException if the stream ends first, the head is too long, or the status line is not HTTP
     */
    static HttpResponseHead read(InputStream in) throws IOException {
        return read(in, "proxy", "CONNECT");
    }

    /**
     * Reads until the blank line that ends the headers; errors name the {@code peer} ("proxy", "gateway") and what it
     * was asked ("CONNECT", "the WebSocket upgrade").
     *
     * @throws IOException if the stream ends first, the head is too long, or the status line is not HTTP
     */
    static HttpResponseHead read(InputStream in, String peer, String request) throws IOException {
        byte[] buffer = new byte[8192];
        int length = 0;
        int scanned = 0;
        while (true) {
            int end = headerEnd(buffer, scanned, length);
            if (end >= 0) {
                return parse(new String(buffer, 0, end, StandardCharsets.ISO_8859_1), Arrays.copyOfRange(buffer, end, length),
                        peer, request);
            }
            scanned = Math.max(0, length - 3);
            if (length == buffer.length) {
                if (buffer.length >= MAX_HEAD) {
                    throw new IOException("The " + peer + "'s response headers exceed " + MAX_HEAD + " bytes");
                }
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                throw new IOException(length == 0
                        ? "The " + peer + " closed the connection without answering " + request
                        : "The " + peer + " closed the connection in the middle of its response headers");
            }
            length += n;
        }
    }

    /** The index just past the blank line ({@code \r\n\r\n} or {@code \n\n}), searching from {@code from}, or -1. */
    private static int headerEnd(byte[] buffer, int from, int length) {
        for (int i = Math.max(1, from); i < length; i++) {
            if (buffer[i] != '\n') {
                continue;
            }
            if (buffer[i - 1] == '\n') {
                return i + 1;
            }
            if (i >= 2 && buffer[i - 1] == '\r' && buffer[i - 2] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    private static HttpResponseHead parse(String head, byte[] leftover, String peer, String request)
            throws IOException {
        String[] lines = head.split("\r?\n");
        if (lines.length == 0 || lines[0].isEmpty()) {
            // found by fuzzing: a blank line first is no status line (split drops trailing empty strings)
            throw new IOException("The " + peer + " answered " + request
                    + " with a blank line instead of an HTTP/1.x status line");
        }
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !(statusLine[0].equals("HTTP/1.1") || statusLine[0].equals("HTTP/1.0"))) {
            throw new IOException("The " + peer + " did not answer with HTTP/1.x: '" + printable(lines[0]) + "'");
        }
        if (!statusLine[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("The " + peer + "'s status line has no status code: '" + printable(lines[0]) + "'");
        }
        int status = Integer.parseInt(statusLine[1]);
        long contentLength = -1;
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            headers.add(new String[] {name, value});
            if (name.equals("content-length") && value.matches("[0-9]{1,18}")) {
                contentLength = Long.parseLong(value);
            }
        }
        return new HttpResponseHead(status, statusLine.length > 2 ? printable(statusLine[2]) : "", contentLength,
                List.copyOf(headers), leftover);
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
