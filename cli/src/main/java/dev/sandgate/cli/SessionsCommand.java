package dev.sandgate.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SandboxSession;
import dev.sandgate.cert.SessionPage;
import dev.sandgate.cert.Visible;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "Lists, creates, shows and deletes sandbox sessions through the API.",
        subcommands = {SessionsCommand.ListSessions.class, SessionsCommand.CreateSession.class, SessionsCommand.GetSession.class,
                SessionsCommand.DeleteSessions.class})
final class SessionsCommand {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static {
        JSON.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    }

    /**
     * JSON's own escapes (C0 controls, quote, backslash) plus <code>&#92;uXXXX</code> escapes for DEL, C1 controls and the
     * bidirectional characters {@link Visible} escapes: JSON allows them raw, but a terminal may act on them. The
     * output parses back to the very same strings.
     */
    static final class TerminalSafeEscapes extends com.fasterxml.jackson.core.io.CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            return ch < 0x10000 && Visible.isUnsafe((char) ch)
                    ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }

    /** Options every sessions subcommand takes. */
    static final class Output {
        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the sessions this token can see.")
    static final class ListSessions implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private ApiOptions api;
        @Mixin
        private Output output;

        @Override
        public Integer call() throws Exception {
            List<SandboxSession> sessions = new ArrayList<>();
            try (SandboxApi client = api.api()) {
                int offset = 0;
                SessionPage page;
                do {
                    page = client.listSessions(100, offset);
                    sessions.addAll(page.sessions());
                    offset += page.sessions().size();
                } while (page.hasMore() && !page.sessions().isEmpty());
            }
            print(Io.of(spec).out(), sessions, output.json);
            return ExitCodes.OK;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a session and prints it.")
    static final class CreateSession implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private ApiOptions api;
        @Mixin
        private Output output;

        @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long the session lives, e.g. 2h (default: the API's).")
        private Duration ttl;

        @Option(names = "--image", paramLabel = "IMAGE", description = "The image to start (default: the API's).")
        private String image;

        @Option(names = {"-m", "--metadata"}, paramLabel = "KEY=VALUE", description = "A label to attach; repeatable.")
        private Map<String, String> metadata = new java.util.LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            NewSession.Builder request = NewSession.builder();
            if (ttl != null) {
                request.ttl(ttl);
            }
            if (image != null) {
                request.image(image);
            }
            metadata.forEach(request::metadata);
            try (SandboxApi client = api.api()) {
                SandboxSession created = client.createSession(request.build());
                printOne(Io.of(spec).out(), created, output.json);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows one session.")
    static final class GetSession implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private ApiOptions api;
        @Mixin
        private Output output;
        @Parameters(paramLabel = "SESSION", description = "The session id.")
        private String session;

        @Override
        public Integer call() throws Exception {
            try (SandboxApi client = api.api()) {
                printOne(Io.of(spec).out(), client.getSession(session), output.json);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes sessions (and stops them).")
    static final class DeleteSessions implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private ApiOptions api;
        @Parameters(arity = "1..*", paramLabel = "SESSION", description = "Session ids.")
        private List<String> sessions;

        @Override
        public Integer call() throws Exception {
            try (SandboxApi client = api.api()) {
                for (String session : sessions) {
                    client.deleteSession(session);
                    Io.of(spec).out().println("Deleted " + Visible.of(session));
                }
            }
            return ExitCodes.OK;
        }
    }

    private static void printOne(PrintStream out, SandboxSession session, boolean json) throws Exception {
        if (json) {
            out.println(JSON.writeValueAsString(node(session)));
        } else {
            print(out, List.of(session), false);
        }
    }

    private static void print(PrintStream out, List<SandboxSession> sessions, boolean json) throws Exception {
        if (json) {
            ArrayNode array = JSON.createArrayNode();
            sessions.forEach(session -> array.add(node(session)));
            out.println(JSON.writeValueAsString(array));
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "STATUS", "CREATED", "EXPIRES", "METADATA"});
        for (SandboxSession session : sessions) {
            // the id and the metadata are the API's words: escaped, they cannot move the cursor or forge a row
            rows.add(new String[] {Visible.of(session.id()), session.status().name().toLowerCase(java.util.Locale.ROOT),
                    String.valueOf(text(session.createdAt())), String.valueOf(text(session.expiresAt())),
                    session.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .map(entry -> Visible.of(entry.getKey()) + "=" + Visible.of(entry.getValue()))
                            .reduce((a, b) -> a + "," + b).orElse("")});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static ObjectNode node(SandboxSession session) {
        ObjectNode node = JSON.createObjectNode();
        node.put("session_id", session.id());
        node.put("status", session.status().name().toLowerCase(java.util.Locale.ROOT));
        node.put("created_at", text(session.createdAt()));
        node.put("expires_at", text(session.expiresAt()));
        node.put("last_activity_at", text(session.lastActivityAt()));
        ObjectNode metadata = node.putObject("metadata");
        session.metadata().forEach(metadata::put);
        return node;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
