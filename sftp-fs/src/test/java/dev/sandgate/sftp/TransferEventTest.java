package dev.sandgate.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** A tree transfer shows in a Flight Recorder recording as one {@code dev.sandgate.Transfer} event with its counts. */
class TransferEventTest {
    @Test
    void aTransferIsOneEventWithItsCounts(@TempDir Path temp) throws Exception {
        Path source = Files.createDirectories(temp.resolve("source/sub"));
        Files.write(source.resolve("a.bin"), new byte[1000]);
        Files.write(source.getParent().resolve("b.bin"), new byte[24]);
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.enable("dev.sandgate.Transfer").withThreshold(Duration.ZERO);
            recording.start();
            TreeTransfer.builder(temp.resolve("source"), temp.resolve("target")).concurrency(4).build().run();
            recording.stop();
            Path file = temp.resolve("transfer.jfr");
            recording.dump(file);
            events = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("dev.sandgate.Transfer"))
                    .collect(Collectors.toList());
        }
        assertEquals(1, events.size(), events.toString());
        RecordedEvent transfer = events.get(0);
        assertEquals(2, transfer.getLong("filesCopied"));
        assertEquals(1024, transfer.getLong("bytes"));
        assertEquals(4, transfer.getInt("concurrency"));
        assertEquals("", transfer.getString("failure"));
    }
}
