package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The guard reads frame headers as they pass, whatever the pieces the bytes come in. */
class WebSocketMessageGuardTest {
    private static final byte[] UPGRADED = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void messagesUpToTheLimitPassUnchangedInAnyPieces() throws IOException {
        byte[] stream = concat(UPGRADED, frame(0x82, 100, false), frame(0x89, 4, false), frame(0x02, 300, true),
                frame(0x80, 600, false), frame(0x82, 1000, false));
        for (int piece : new int[] {1, 3, 7, 64, 4096}) {
            assertArrayEquals(stream, readAll(new WebSocketMessageGuard(new ByteArrayInputStream(stream), 1000), piece));
        }
    }

    @Test
    void aFrameLongerThanTheLimitFailsTheReadThatBringsItsHeader() {
        byte[] stream = concat(UPGRADED, frame(0x82, 1001, false));
        assertThrows(WebSocketMessageGuard.WebSocketMessageTooLargeException.class,
                () -> readAll(new WebSocketMessageGuard(new ByteArrayInputStream(stream), 1000), 5));
    }

    @Test
    void fragmentsCountTogetherAcrossControlFrames() {
        byte[] stream = concat(UPGRADED, frame(0x02, 600, false), frame(0x8A, 2, false), frame(0x80, 401, false));
        assertThrows(WebSocketMessageGuard.WebSocketMessageTooLargeException.class,
                () -> readAll(new WebSocketMessageGuard(new ByteArrayInputStream(stream), 1000), 64));
    }

    @Test
    void aCompressedFrameIsRefusedWhateverItsSize() {
        byte[] stream = concat(UPGRADED, frame(0xC2, 10, false));
        assertThrows(WebSocketMessageGuard.WebSocketMessageTooLargeException.class,
                () -> readAll(new WebSocketMessageGuard(new ByteArrayInputStream(stream), 1 << 20), 64));
    }

    @Test
    void aSixtyFourBitLengthIsRead() {
        byte[] header = {(byte) 0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0};
        assertThrows(WebSocketMessageGuard.WebSocketMessageTooLargeException.class,
                () -> readAll(new WebSocketMessageGuard(new ByteArrayInputStream(concat(UPGRADED, header)), 1 << 20), 64));
    }

    @Test
    void anAnswerOtherThan101IsNotReadAsFrames() throws IOException {
        byte[] stream = concat("HTTP/1.1 403 Forbidden\r\nContent-Length: 12\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                frame(0x82, 5000, false));
        assertArrayEquals(stream, readAll(new WebSocketMessageGuard(new ByteArrayInputStream(stream), 10), 100));
    }

    private static byte[] frame(int first, int length, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        int mask = masked ? 0x80 : 0;
        if (length < 126) {
            out.write(mask | length);
        } else if (length < 65536) {
            out.write(mask | 126);
            out.write(length >>> 8);
            out.write(length);
        } else {
            throw new IllegalArgumentException("not needed here");
        }
        if (masked) {
            out.writeBytes(new byte[] {1, 2, 3, 4});
        }
        out.writeBytes(new byte[length]);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] readAll(InputStream in, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[piece];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
