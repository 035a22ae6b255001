package dev.sandgate.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Runs the IDE plugin example against its LocalGateway and checks each step's report, as a user reads it. */
class IdePluginTest {
    @Test
    void everyStepReportsWhatItDid() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            IdePlugin.run(out);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String all = String.join("\n", lines);

        assertTrue(lines.stream().anyMatch(l -> l.startsWith("connect: session ")), all);
        assertTrue(lines.contains("mirror: 3 files, 122 bytes"), all);
        assertTrue(lines.contains("build: compiling 1 file"), all);
        assertTrue(lines.contains("build: build ok"), all);
        assertTrue(lines.contains("build: exit 0"), all);
        assertTrue(lines.contains("watch: ENTRY_CREATE build.log"), all);
        assertTrue(lines.contains("forward: dev server answered 200: hello from the dev server"), all);
        assertTrue(lines.contains("terminal: xterm-256color, rows and columns 40 120"), all);
    }
}
