package dev.sandgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the README's complete samples: each {@code ```java} block that starts with {@code import} or
 * {@code package} is one source file (the convention is written in a comment in the README). Blocks that start
 * otherwise are excerpts and are left alone.
 */
class ReadmeSamplesTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("^```java\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern TYPE_NAME =
            Pattern.compile("^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void theCompleteSamplesCompile() throws IOException {
        List<String> samples = completeSamples(Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8));
        assertTrue(samples.size() >= 2, "the README's complete samples were not found: " + samples.size());

        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Matcher type = TYPE_NAME.matcher(samples.get(i));
            assertTrue(type.find(), "sample " + (i + 1) + " declares no top-level type");
            Path source = Files.createDirectories(dir.resolve("sample" + (i + 1))).resolve(type.group(1) + ".java");
            Files.writeString(source, samples.get(i), StandardCharsets.UTF_8);
            sources.add(source);
        }
        for (Path source : sources) {
            assertEquals(List.of(), compile(source), "README sample " + source.getFileName());
        }
    }

    static List<String> completeSamples(String markdown) {
        List<String> samples = new ArrayList<>();
        Matcher block = JAVA_BLOCK.matcher(markdown);
        while (block.find()) {
            String code = block.group(1);
            if (code.startsWith("import ") || code.startsWith("package ")) {
                samples.add(code);
            }
        }
        return samples;
    }

    private List<String> compile(Path source) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-proc:none", "-Xlint:all", "-Werror", "-d", dir.resolve("out").toString(),
                "--class-path", System.getProperty("java.class.path"));
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source)).call();
        }
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING
                        || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING)
                .map(d -> d.getLineNumber() + ": " + d.getMessage(null))
                .collect(Collectors.toList());
    }
}
