package dev.sandgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The published modules' javadoc tags say something of their own (issue 27); the rule is {@link JavadocTags}'s.
 * The published modules are those the BOM lists as dependencies.
 */
class JavadocTagsTest {
    private static final Pattern BOM_ENTRY =
            Pattern.compile("<dependency>\\s*<groupId>dev\\.sandgate</groupId>\\s*<artifactId>([^<]+)</artifactId>");

    @Test
    void noTagOfThePublishedApiOnlyRestatesItsName() throws IOException {
        List<String> modules = publishedModules();
        assertTrue(modules.contains("ssh-cert") && modules.contains("sftp-fs"), "the BOM's modules: " + modules);

        List<JavadocTags.Finding> findings = new ArrayList<>();
        for (String module : modules) {
            JavadocTags.Scan scan = JavadocTags.check(moduleDirectory(module).resolve(Path.of("src", "main", "java")));
            assertTrue(scan.tagsRead() > 0, module + ": no javadoc tag of an exported package was read");
            findings.addAll(scan.findings());
        }
        assertEquals(List.of(), findings, () -> findings.size() + " tags teach the reader nothing:\n"
                + findings.stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    /** The directory of the build's module whose own pom names {@code artifactId} (micrometer: sandgate-micrometer). */
    private static Path moduleDirectory(String artifactId) throws IOException {
        Pattern own = Pattern.compile("</parent>(?:\\s|<!--.*?-->)*<artifactId>" + Pattern.quote(artifactId)
                + "</artifactId>", Pattern.DOTALL);
        try (java.util.stream.Stream<Path> directories = Files.list(Path.of(".."))) {
            for (Path directory : directories.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted()
                    .collect(Collectors.toList())) {
                if (own.matcher(Files.readString(directory.resolve("pom.xml"), StandardCharsets.UTF_8)).find()) {
                    return directory;
                }
            }
        }
        throw new IOException("no module of the build has the artifactId " + artifactId);
    }

    private static List<String> publishedModules() throws IOException {
        Matcher entry = BOM_ENTRY.matcher(Files.readString(Path.of("..", "bom", "pom.xml"), StandardCharsets.UTF_8));
        List<String> modules = new ArrayList<>();
        while (entry.find()) {
            modules.add(entry.group(1));
        }
        return modules;
    }

    @Nested
    class TheRule {
        @ParameterizedTest(name = "{0}: {1}")
        @CsvSource(delimiter = '|', value = {
                "n              | the n",
                "replaceExisting| the replace existing",
                "paths          | the given paths",
                "issueToken     | the issue token",
                "getTimeout     | the timeout value",
                "withRetries    | the new retries",
                "bytes          | ''",
                "label          | what this tunnel is, for logs and messages, e.g",
                "label          | the label, i.e.",
                "TunnelException| if a tunnel exception is thrown",
        })
        void aTagThatRestatesItsNameFails(String name, String text) {
            assertNotNull(JavadocTags.problem(name, text, name.startsWith("get") || name.startsWith("with")));
        }

        @ParameterizedTest(name = "{0}: {1}")
        @CsvSource(delimiter = '|', value = {
                "n              | the number of retries after the first try; 0 for none",
                "replaceExisting| true to overwrite a file already there, false to fail with an exception",
                "issueToken     | the bearer token the API was called with, never null",
                "getTimeout     | how long a command may run, or empty for no limit",
                "bytes          | the buffer to send, from its position to its limit",
                "label          | what this tunnel is, for logs and messages, e.g. CONNECT proxy:8443",
                "TunnelException| if the gateway refuses the tunnel; the status is in refusal()",
        })
        void aTagThatSaysSomethingOfItsOwnPasses(String name, String text) {
            assertNull(JavadocTags.problem(name, text, name.startsWith("get")));
        }
    }

    @Test
    void theScanReadsTheTagsOfTheExportedApiOnly(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("module-info.java"), "module demo { exports demo.api; }");
        write(root.resolve("demo/api/Demo.java"), """
                package demo.api;
                /**
                 * A demo.
                 *
                 * @param <T> the t
                 */
                public class Demo<T> {
                    /**
                     * Sets the limit.
                     *
                     * @param maxCount the
                     *        max count
                     * @return the {@code limit}
                     */
                    public Demo<T> limit(int maxCount) { return this; }

                    /** {@return the size} */
                    protected int size() { return 0; }

                    /** @param n the n */
                    void packagePrivate(int n) { }

                    /** A member of a private type is no API. */
                    private static final class Hidden {
                        /** @param n the n */
                        public void hidden(int n) { }
                    }

                    /** Interface members are public without saying so. */
                    public interface Callback {
                        /** @param count the count */
                        void call(int count);
                    }
                }
                """);
        write(root.resolve("demo/api/Helper.java"), """
                package demo.api;
                /** Not public. */
                class Helper {
                    /** @param n the n */
                    public void help(int n) { }
                }
                """);
        write(root.resolve("demo/internal/Inside.java"), """
                package demo.internal;
                /** Not exported. */
                public class Inside {
                    /** @param n the n */
                    public void inside(int n) { }
                }
                """);

        JavadocTags.Scan scan = JavadocTags.check(root);
        List<String> found = scan.findings().stream()
                .map(f -> f.file().getFileName() + ":" + f.line() + " " + f.tag())
                .toList();

        assertEquals(List.of("Demo.java:5 @param T the t", "Demo.java:11 @param maxCount the max count",
                "Demo.java:13 @return the limit", "Demo.java:17 {@return} the size",
                "Demo.java:31 @param count the count"), found);
        assertEquals(found.size(), scan.tagsRead(), "the tags of hidden members were read too");
    }

    private static void write(Path file, String source) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, source, StandardCharsets.UTF_8);
    }
}
