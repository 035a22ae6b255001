package dev.sandgate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writes {@code DIR/config}: one {@code Host} block per session with files in DIR, whose alias is the session id
 * and whose {@code ProxyCommand} is {@code sandgate proxy}, for the user's {@code ~/.ssh/config} to {@code Include}.
 *
 * <p>OpenSSH reads the certificate file right after it starts the ProxyCommand, too early for the proxy to renew it
 * for that same run. So each block is preceded by a {@code Match ... exec} line that OpenSSH runs while it reads
 * the config: a shell test of {@code renew-after} that costs a few milliseconds, and {@code sandgate renew} only when
 * the certificate is due.
 */
final class OpenSshConfig {
    private final SessionFiles files;
    private final String launcher;
    private final List<String> proxyOptions;

    /**
     * @param launcher     the {@code sandgate} command to name in ProxyCommand and the renewal check
     * @param proxyOptions options the proxy is to get (such as {@code --transport websocket})
     */
    OpenSshConfig(SessionFiles files, String launcher, List<String> proxyOptions) {
        this.files = files;
        this.launcher = launcher;
        this.proxyOptions = List.copyOf(proxyOptions);
    }

    Path path() {
        return files.root().resolve("config");
    }

    /**
     * Writes the config for every session with files in DIR; returns its path. A session whose values cannot be
     * written safely gets no block; the others are written, and then the first refusal is thrown.
     *
     * @throws UnsafeValueException if a session's id, user or host cannot stand in the config as one token
     * @throws SettingsException    if DIR or the launcher's path cannot be written into it
     */
    Path write() throws IOException {
        SshConfigValues.path(files.root().toString(), "directory");
        SshConfigValues.path(launcher, "sandgate launcher's path");
        proxyOptions.forEach(option -> SshConfigValues.path(option, "proxy option"));
        StringBuilder text = new StringBuilder()
                .append("# Written by `sandgate ssh-config`; running it again rewrites this file.\n")
                .append("# Use it with: ssh -F ").append(path()).append(" SESSION, or add to ~/.ssh/config:\n")
                .append("#   Include ").append(path()).append("\n");
        UnsafeValueException refused = null;
        for (String sessionId : files.sessions()) {
            try {
                SshConfigValues.hostAlias(sessionId);
                Optional<Grant> grant = files.load(sessionId);
                if (grant.isPresent()) {
                    text.append('\n').append(block(grant.get()));
                }
            } catch (UnsafeValueException e) {
                if (refused == null) {
                    refused = e;
                } else {
                    refused.addSuppressed(e);
                }
            }
        }
        SessionFiles.writePrivately(path(), text.toString());
        if (refused != null) {
            throw refused;
        }
        return path();
    }

    /** One session's lines; each value from the API is checked here, where it is written, whatever checked it before. */
    private String block(Grant grant) throws UnsafeValueException {
        String id = SshConfigValues.hostAlias(grant.sessionId());
        String user = SshConfigValues.user(grant.username());
        String hostKeyAlias = SshConfigValues.hostKeyAlias(SessionFiles.hostKeyAlias(id, grant.endpoints()));
        String dir = shellQuote(files.root().toString());
        // no double quote inside: the whole check is one double-quoted ssh_config argument
        // each session's own provider, whatever SANDGATE_PROVIDER says when ssh runs
        String provider = " --provider=" + grant.provider().optionValue();
        String renewCheck = "test $(date +%%s) -lt $(cat " + shellQuote(tokens(files.renewAfterFile(id).toString()))
                + " 2>/dev/null || echo 0) || " + shellQuote(tokens(launcher)) + " renew" + provider + " --dir "
                + tokens(dir) + " %n";
        String proxy = shellQuote(tokens(launcher)) + " proxy" + provider + " --dir " + tokens(dir)
                + proxyOptions.stream().map(option -> " " + shellQuote(tokens(option))).reduce("", String::concat) + " %n";
        return "Match host " + id + " exec \"" + renewCheck + "\"\n"
                + "Host " + id + "\n"
                + "  User " + user + "\n"
                + "  ProxyCommand " + proxy + "\n"
                + "  IdentityFile \"" + tokens(SshConfigValues.path(files.key(id).toString(), "key path")) + "\"\n"
                + "  CertificateFile \"" + tokens(SshConfigValues.path(files.certificate(id).toString(),
                        "certificate path")) + "\"\n"
                + "  IdentitiesOnly yes\n"
                + "  UserKnownHostsFile \"" + tokens(SshConfigValues.path(files.knownHosts(id).toString(),
                        "known_hosts path")) + "\"\n"
                + "  HostKeyAlias " + hostKeyAlias + "\n"
                + "  StrictHostKeyChecking yes\n"
                + "  ServerAliveInterval 30\n";
    }

    /** A word for {@code sh -c}: single-quoted, with any single quote spelled {@code '\''}. */
    static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** ssh_config expands {@code %} tokens in these values; a literal {@code %} is {@code %%}. */
    private static String tokens(String value) {
        return value.replace("%", "%%");
    }
}
