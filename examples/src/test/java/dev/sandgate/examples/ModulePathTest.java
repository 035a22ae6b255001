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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
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

        return compile(src.getParent(), dir.resolve("out-" + type));
    }

    /**
     * A whole program on the module path: a LocalGateway, a minted login over HTTP CONNECT, a command, and a file
     * system found through ServiceLoader by its URI scheme. It runs in a JVM of its own, as a user's would.
     */
    @Test
    void aModularProgramConnectsRunsAndOpensTheFileSystemByUri() throws Exception {
        Path src = Files.createDirectories(dir.resolve("app-src").resolve("app"));
        Files.writeString(src.getParent().resolve("module-info.java"),
                "module app { requires dev.sandgate.sftp; requires dev.sandgate.testkit; }\n", StandardCharsets.UTF_8);
        Files.writeString(src.resolve("Main.java"), String.join("\n",
                "package app;",
                "import java.nio.file.*;",
                "import java.util.Map;",
                "import dev.sandgate.cert.*;",
                "import dev.sandgate.sftp.SandboxFileSystems;",
                "import dev.sandgate.testkit.LocalGateway;",
                "import dev.sandgate.tunnel.*;",
                "public class Main {",
                "    public static void main(String[] args) throws Exception {",
                "        try (LocalGateway gateway = LocalGateway.start();",
                "             SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build();",
                "             SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).build()) {",
                "            String id = api.createSession(NewSession.builder().build()).id();",
                "            try (SshConnection connection = ssh.connect(id)) {",
                "                System.out.print(\"exec: \" + connection.exec(\"echo hi\").stdoutText());",
                "            }",
                "            try (FileSystem files = FileSystems.newFileSystem(SandboxFileSystems.uri(id),",
                "                    Map.of(SandboxFileSystems.ENV_SSH, ssh))) {",
                "                Files.writeString(files.getPath(\"m.txt\"), \"by uri\");",
                "                System.out.println(\"sftp: \" + Files.readString(files.getPath(\"m.txt\")));",
                "            }",
                "            System.out.println(\"internal exported: \"",
                "                    + SandboxSsh.class.getModule().isExported(\"dev.sandgate.tunnel.internal\"));",
                "        }",
                "    }",
                "}", ""), StandardCharsets.UTF_8);
        Path out = dir.resolve("app-out");
        assertEquals(List.of(), errors(compile(src.getParent(), out)));

        Paths paths = Paths.ofTestClassPath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", out + File.pathSeparator + paths.modulePath(),
                "--class-path", paths.classPath()));
        // the app resolves names as this JVM does: from the build's hosts file, never DNS
        String hosts = System.getProperty("jdk.net.hosts.file");
        if (hosts != null) {
            command.add("-Djdk.net.hosts.file=" + hosts);
        }
        command.addAll(paths.addReads());
        command.addAll(List.of("-m", "app/app.Main"));
        Process app = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, app.exitValue(), output);
        List<String> lines = output.lines().filter(l -> !l.startsWith("[")).collect(Collectors.toList());
        assertEquals(List.of("exec: hi", "sftp: by uri", "internal exported: false"), lines, output);
    }

    private static List<Diagnostic<? extends JavaFileObject>> compile(Path sourceRoot, Path out) throws IOException {
        Paths paths = Paths.ofTestClassPath();
        List<String> options = new ArrayList<>(List.of("-proc:none", "-d", out.toString(),
                "--module-path", paths.modulePath(), "--class-path", paths.classPath()));
        options.addAll(paths.addReads());
        List<Path> sources;
        try (var walk = Files.walk(sourceRoot)) {
            sources = walk.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        return diagnostics.getDiagnostics();
    }

    /** The test class path split as a module-path user splits it: MINA on the class path, the rest on the module path. */
    private record Paths(String modulePath, String classPath) {
        static Paths ofTestClassPath() {
            List<String> modulePath = new ArrayList<>();
            List<String> classPath = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                String name = Path.of(entry).getFileName().toString();
                if (name.startsWith("sshd-")) {
                    classPath.add(entry);                   // MINA cannot be a module: its jars split packages
                } else if (!entry.contains("examples" + File.separator + "target")) {
                    modulePath.add(entry);                  // Sandgate's modules and the named or automatic rest
                }
            }
            return new Paths(String.join(File.pathSeparator, modulePath), String.join(File.pathSeparator, classPath));
        }

        List<String> addReads() {
            List<String> options = new ArrayList<>();
            for (String sandgate : SANDGATE_MODULES) {
                options.addAll(List.of("--add-reads", sandgate + "=ALL-UNNAMED"));
            }
            return options;
        }
    }

    private static List<Diagnostic<? extends JavaFileObject>> errors(List<Diagnostic<? extends JavaFileObject>> all) {
        return all.stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).collect(Collectors.toList());
    }
}
