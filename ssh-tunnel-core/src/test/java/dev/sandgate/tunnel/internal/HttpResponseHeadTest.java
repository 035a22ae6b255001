package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HttpResponseHeadTest {
    private static final byte[] SSH_BANNER = "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void sshBytesInTheSameReadAsTheHeadersAreKept() throws IOException {
        byte[] head = "HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        HttpResponseHead parsed = HttpResponseHead.read(new ByteArrayInputStream(concat(head, SSH_BANNER)));
        assertEquals(200, parsed.status);
        assertArrayEquals(SSH_BANNER, parsed.leftover);
    }

    @Test
    void headersSplitAcrossManyReadsStillParse() throws IOException {
        byte[] head = "HTTP/1.0 200 OK\r\nA: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream in = ChunkedInput.of(concat(head, SSH_BANNER), 3);
        HttpResponseHead parsed = HttpResponseHead.read(in);
        assertEquals(200, parsed.status);
        assertArrayEquals(SSH_BANNER, concat(parsed.leftover, in.readAllBytes()),
                "what the parser kept plus what it left unread is exactly the SSH stream");
    }

    @Test
    void statusAndContentLengthOfARefusal() throws IOException {
        byte[] head = "HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 12\r\n\r\n{\"error\":{}}"
                .getBytes(StandardCharsets.US_ASCII);
        HttpResponseHead parsed = HttpResponseHead.read(new ByteArrayInputStream(head));
        assertEquals(407, parsed.status);
        assertEquals(12, parsed.contentLength);
        assertEquals("{\"error\":{}}", new String(parsed.leftover, StandardCharsets.US_ASCII));
    }

    @Test
    void aNonHttpAnswerIsNamed() {
        IOException failure = assertThrows(IOException.class,
                () -> HttpResponseHead.read(new ByteArrayInputStream(concat(SSH_BANNER, "\r\n\r\n".getBytes()))));
        assertTrue(failure.getMessage().contains("did not answer with HTTP"), failure.getMessage());
    }

    @Test
    void anEarlyEndIsNamed() {
        IOException failure = assertThrows(IOException.class,
                () -> HttpResponseHead.read(new ByteArrayInputStream("HTTP/1.1 200 OK\r\n".getBytes())));
        assertTrue(failure.getMessage().contains("in the middle of its response headers"), failure.getMessage());
    }

    @Test
    void bareLineFeedsAnyReasonPhraseAndRepeatedHeadersAreRead() throws IOException {
        byte[] head = ("HTTP/1.0 407 Go Away, Please\nProxy-Authenticate: Basic realm=\"a\"\nproxy-authenticate: Bearer\n"
                + "X-Extra:   spaced   \n\n").getBytes(StandardCharsets.US_ASCII);
        HttpResponseHead parsed = HttpResponseHead.read(new ByteArrayInputStream(concat(head, SSH_BANNER)));
        assertEquals(407, parsed.status);
        assertEquals("Go Away, Please", parsed.reasonPhrase);
        assertEquals(java.util.List.of("Basic realm=\"a\"", "Bearer"), parsed.values("proxy-authenticate"));
        assertEquals(java.util.List.of("spaced"), parsed.values("x-extra"));
        assertArrayEquals(SSH_BANNER, parsed.leftover);
    }

    @Test
    void aHeadLongerThanTheLimitIsRefused() {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        while (head.length() <= HttpResponseHead.MAX_HEAD) {
            head.append("X-Filler: ").append("f".repeat(100)).append("\r\n");
        }
        IOException failure = assertThrows(IOException.class, () -> HttpResponseHead.read(
                ChunkedInput.of(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII))));
        assertTrue(failure.getMessage().contains("exceed"), failure.getMessage());
    }

    @Test
    void aStatusThatIsNotThreeDigitsIsNamed() {
        IOException failure = assertThrows(IOException.class, () -> HttpResponseHead.read(
                new ByteArrayInputStream("HTTP/1.1 2000 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertTrue(failure.getMessage().contains("no status code"), failure.getMessage());
    }

    /** Found by fuzzing: a blank line where the status line belongs once failed with ArrayIndexOutOfBoundsException. */
    @Test
    void blankLinesInsteadOfAStatusLineAreNamed() {
        for (String answer : new String[] {"\n\n", "\r\n\r\n"}) {
            IOException failure = assertThrows(IOException.class, () -> HttpResponseHead.read(
                    new ByteArrayInputStream(answer.getBytes(StandardCharsets.US_ASCII))));
            assertTrue(failure.getMessage().contains("blank line"), failure.getMessage());
        }
    }
}
