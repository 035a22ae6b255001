package dev.sandgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A user's module on the module path, compiled against the built Sandgate modules: the API packages are there, the
 * {@code internal} ones are not exported. MINA goes on the class path and each Sandgate module reads it, as the
 * README's "On the module path" says.
 */
class ModulePathTest {
    private static final List<String> SANDGATE_MODULES =
            List.of("dev.sandgate.cert", "dev.sandgate.tunnel", "dev.sandgate.sftp", "dev.sandgate.testkit");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
            "dev.sandgate.cert,    dev.sandgate.cert.SandboxApi,          dev.sandgate.cert.internal.ApiErrors",
            "dev.sandgate.tunnel,  dev.sandgate.tunnel.SandboxSsh,        dev.sandgate.tunnel.internal.ConnectionRecord",
            "dev.sandgate.sftp,    dev.sandgate.sftp.SandboxFileSystems,  dev.sandgate.sftp.internal.SandgateFileSystemProvider",
            "dev.sandgate.testkit, dev.sandgate.testkit.LocalGateway,     dev.sandgate.testkit.internal.FaultRule",
    })
    void theApiIsExportedAndInternalIsNot(String module, String apiType, String internalType) throws IOException {
        List<Diagnostic<? extends JavaFileObject>> api = compileConsumer(module, apiType);
        assertEquals(List.of(), errors(api), "importing " + apiType);

        List<Diagnostic<? extends JavaFileObject>> internal = compileConsumer(module, internalType);
        List<String> codes = errors(internal).stream().map(Diagnostic::getCode).collect(Collectors.toList());
        assertTrue(codes.contains("compiler.err.package.not.visible"), "importing " + internalType + ": " + codes);
    }

    private List<Diagnostic<? extends JavaFileObject>> compileConsumer(String module, String type) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src-" + type).resolve("consumer"));
        Files.writeString(src.getParent().resolve("module-info.java"),
                "module consumer { requires " + module + "; }\n", StandardCharsets.UTF_8);
        Files.writeString(src.resolve("Uses.java"),
                "package consumer;\nimport " + type + ";\npublic class Uses { Class<?> used = "
                        + type.substring(type.lastIndexOf('.') + 1) + ".class; }\n", StandardCharsets.UTF_8);

        List<String> modulePath = new ArrayList<>();
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("sshd-")) {
                classPath.add(entry);                       // MINA cannot be a module: its jars split packages
            } else if (!entry.contains("examples" + File.separator + "target")) {
                modulePath.add(entry);                      // Sandgate's modules and the named or automatic rest
            }
        }
        List<String> options = new ArrayList<>(List.of("-proc:none", "-d", dir.resolve("out-" + type).toString(),
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--class-path", String.join(File.pathSeparator, classPath)));
        for (String sandgate : SANDGATE_MODULES) {
            options.addAll(List.of("--add-reads", sandgate + "=ALL-UNNAMED"));
        }

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(
                    src.getParent().resolve("module-info.java"), src.resolve("Uses.java"));
            javac.getTask(null, files, diagnostics, options, null, units).call();
        }
        return diagnostics.getDiagnostics();
    }

    private static List<Diagnostic<? extends JavaFileObject>> errors(List<Diagnostic<? extends JavaFileObject>> all) {
        return all.stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).collect(Collectors.toList());
    }
}
