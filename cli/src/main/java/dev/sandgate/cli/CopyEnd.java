package dev.sandgate.cli;

import dev.sandgate.cert.SandboxSession;

/** One side of {@code sandgate cp}: {@code SESSION:path} in a session, or a local path. */
record CopyEnd(String session, String path) {
    /**
     * Reads an argument as scp does: a colon before any slash makes it remote ({@code sess-1:dir/file},
     * {@code sess-1:} for the home directory); {@code ./a:b} and {@code /a:b} are local.
     */
    static CopyEnd parse(String argument) {
        int colon = argument.indexOf(':');
        int slash = argument.indexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash)) {
            String session = argument.substring(0, colon);
            String path = argument.substring(colon + 1);
            SandboxSession.requireValidId(session);
            return new CopyEnd(session, path.isEmpty() ? "." : path);
        }
        if (argument.isEmpty()) {
            throw new IllegalArgumentException("An empty path: write a local path or SESSION:path");
        }
        return new CopyEnd(null, argument);
    }

    boolean remote() {
        return session != null;
    }

    @Override
    public String toString() {
        return remote() ? session + ":" + path : path;
    }
}
