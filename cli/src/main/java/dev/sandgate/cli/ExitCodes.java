package dev.sandgate.cli;

/** The exit statuses scripts can rely on; the top command's help lists them. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int SETTINGS = 3;
    static final int TOKEN_REFUSED = 4;
    static final int NO_SUCH_SESSION = 5;
    static final int UNREACHABLE = 6;
    static final int SSH_REFUSED = 7;
    /** What exec and shell exit with when Sandgate failed rather than the remote command, as ssh does. */
    static final int OWN_FAILURE = 255;
    /** What exec exits with when nobody reads its output any more: 128 + SIGPIPE, as a shell shows ssh ended by one. */
    static final int BROKEN_PIPE = 141;

    private ExitCodes() {
    }
}
