package dev.sandgate.cli;

import java.util.regex.Pattern;

import dev.sandgate.cert.Visible;

/**
 * The rules for what goes into an ssh config or a known_hosts file, checked where those files are written, whatever
 * the API client checked before: each value stays one token of its line and cannot start a line, an option, a
 * pattern or a {@code Match} of its own. Values from the API or the session's files break them with an
 * {@link UnsafeValueException}; settings the user gave (the directory, the launcher) with a {@link SettingsException}.
 */
final class SshConfigValues {
    /** A Host alias: no pattern characters ({@code * ? ! ,}), no quotes, no whitespace, not starting with '-'. */
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");
    /** A portable POSIX user name. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._-]{0,31}");
    /** A host name or address for HostKeyAlias and a known_hosts line: no pattern characters, not starting with '-'. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_\\[:][A-Za-z0-9._:\\[\\]-]{0,254}");

    private SshConfigValues() {
    }

    /** The session id, if it can stand as a {@code Host} alias and a {@code Match host} pattern. */
    static String hostAlias(String sessionId) throws UnsafeValueException {
        return check(ALIAS, sessionId, "session_id", "a Host alias (letters, digits, '.', '_', '-', not starting"
                + " with '-' or '.')");
    }

    /** The user name, if it is a portable POSIX one. */
    static String user(String user) throws UnsafeValueException {
        return check(USER, user, "username", "a portable user name (1 to 32 letters, digits, '.', '_', '-', not"
                + " starting with '-')");
    }

    /** The host name, if it can stand as a {@code HostKeyAlias} and as the host pattern of a known_hosts line. */
    static String hostKeyAlias(String host) throws UnsafeValueException {
        return check(HOST, host, "endpoints.connect.target", "a host name or address for HostKeyAlias and known_hosts");
    }

    /**
     * The path, if it can be written inside double quotes in ssh_config and single quotes in a shell command: no
     * control character (a line break would end the line), no {@code "} or {@code \} (ssh_config's quoting), no
     * {@code $} (ssh_config expands {@code ${VAR}} in file names). {@code %} is written doubled by the caller.
     */
    static String path(String path, String what) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (Visible.isUnsafe(c) || c == '"' || c == '\\' || c == '$') {
                throw new SettingsException("The " + what + " '" + Visible.of(path) + "' cannot be written into an ssh"
                        + " config: it holds " + (Visible.isUnsafe(c) ? "a control character" : "'" + c + "'")
                        + "; choose one without control characters, '\"', '\\' or '$'");
            }
        }
        return path;
    }

    /** @param field the API's name for the field the value came from */
    private static String check(Pattern rule, String value, String field, String what) throws UnsafeValueException {
        if (value == null || !rule.matcher(value).matches() || (rule == ALIAS && value.startsWith("."))) {
            throw new UnsafeValueException("Refusing to write the API's field '" + field + "' into the ssh config: '"
                    + Visible.of(value) + "' is not " + what + ". Nothing was written for this session; report it to"
                    + " the gateway's operators.");
        }
        return value;
    }
}
