package dev.sandgate.sftp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the SFTP replies this file system decodes itself (a hostile sandbox writes them): a
 * packet as MINA's client hands it over, read as a status, a handle, the answer to a read and the names of ids. Each
 * may only fail with an {@link IOException}: never an unchecked exception, never an allocation of what a length
 * claims (the fuzzer's JVM would run out of memory), never more data than was asked for. The regression inputs under
 * {@code src/test/resources} replay in the README's test command.
 */
class SftpRepliesFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void replies(FuzzedDataProvider data) {
        int requested = data.consumeInt(1, 1 << 20);
        int users = data.consumeInt(0, 64);
        int groups = data.consumeInt(0, 64);
        byte[] packet = data.consumeRemainingAsBytes();
        try {
            byte[] bytes = SftpReply.parse(new ByteArrayBuffer(packet)).data(requested);
            if (bytes != null) {
                assertTrue(bytes.length > 0 && bytes.length <= requested, "a read got " + bytes.length + " bytes");
                assertTrue(bytes.length <= packet.length, "more bytes than arrived");
            }
        } catch (IOException documented) {
            // not a data reply, a status, or a length that does not add up
        }
        try {
            byte[] handle = SftpReply.parse(new ByteArrayBuffer(packet)).handle();
            assertTrue(handle.length <= 256, "a handle of " + handle.length + " bytes");
        } catch (IOException documented) {
            // not a handle
        }
        try {
            SftpReply reply = SftpReply.parse(new ByteArrayBuffer(packet));
            reply.status();
            String message = reply.statusFailure().getMessage();
            assertFalse(message.contains("\u001b"), "a status message reached the caller with an escape character");
        } catch (IOException documented) {
            // not a status
        }
        try {
            List<String> names = SftpReply.parse(new ByteArrayBuffer(packet)).idNames(users, groups);
            assertEquals(users + groups, names.size());
        } catch (IOException documented) {
            // not an extended reply, or a list longer than what arrived
        }
    }
}
