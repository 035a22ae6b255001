package dev.sandgate.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;

import dev.sandgate.cert.ApiConnectionException;
import dev.sandgate.cert.ApiForbiddenException;
import dev.sandgate.cert.ApiUnauthorizedException;
import dev.sandgate.cert.Refusal;
import dev.sandgate.cert.SandboxApiException;
import dev.sandgate.cert.SessionNotFoundException;
import dev.sandgate.cert.Visible;
import dev.sandgate.tunnel.AuthenticationException;
import dev.sandgate.tunnel.HostKeyRejectedException;
import dev.sandgate.tunnel.NoCommonAlgorithmException;
import dev.sandgate.tunnel.TunnelException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns a command's exception into one line on stderr and an exit status, decided by the exception's type. The stack
 * trace is shown only with {@code SANDGATE_DEBUG=1}. A command line that does not parse gets its error, the command's
 * synopsis and where the help is, rather than the whole help.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        PrintWriter err = command.getErr();
        String optionLikeMapping = command.getCommand() instanceof ForwardCommand
                ? ForwardCommand.negativePortIn(args) : null;
        // picocli takes a mapping such as -1:80 for an option; what is wrong with it is the port
        boolean remoteStatus = command.getCommand() instanceof RemoteStatusCommand;
        err.println("sandgate: " + (remoteStatus ? kind(ExitCodes.USAGE) + ": " : "")
                + Visible.of(optionLikeMapping != null ? optionLikeMapping : failure.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(failure, err);
        err.print(command.getHelp().fullSynopsis());
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more.");
        err.flush();
        // a remote command may exit 2 too: exec and shell keep every status below 255 for it, as ssh does
        return remoteStatus ? ExitCodes.OWN_FAILURE : ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine line, ParseResult parsed) {
        PrintWriter err = line.getErr();
        Throwable shown = failure instanceof UncheckedIOException ? failure.getCause() : failure;
        int status = status(shown);
        // exec and shell have one status of their own, 255, so the line names the failure (what the status says elsewhere)
        boolean remoteStatus = line.getCommand() instanceof RemoteStatusCommand;
        // what a server or the API said may be in the message: its control characters must not reach the terminal
        err.println("sandgate: " + (remoteStatus ? kind(status) + ": " : "") + Visible.of(describe(shown)));
        if ("1".equals(System.getenv("SANDGATE_DEBUG"))) {
            shown.printStackTrace(err);
        }
        err.flush();
        return remoteStatus ? ExitCodes.OWN_FAILURE : status;
    }

    static int status(Throwable failure) {
        if (failure instanceof SettingsException) {
            return ExitCodes.SETTINGS;
        }
        if (failure instanceof IllegalArgumentException) {
            // the library's checks of what was typed: a session id, a port, a path
            return ExitCodes.USAGE;
        }
        // a refusal is the same whether the API said it or the gateway did (a tunnel opened with a cached certificate)
        Refusal refusal = Refusal.of(failure).orElse(null);
        if (refusal == Refusal.UNAUTHORIZED || refusal == Refusal.FORBIDDEN
                || failure instanceof ApiUnauthorizedException || failure instanceof ApiForbiddenException) {
            return ExitCodes.TOKEN_REFUSED;
        }
        if (refusal == Refusal.SESSION_NOT_FOUND || failure instanceof SessionNotFoundException) {
            return ExitCodes.NO_SUCH_SESSION;
        }
        if (failure instanceof HostKeyRejectedException || failure instanceof AuthenticationException
                || failure instanceof NoCommonAlgorithmException) {
            return ExitCodes.SSH_REFUSED;
        }
        if (failure instanceof ApiConnectionException || failure instanceof SandboxApiException
                || failure instanceof TunnelException || failure instanceof UnsafeValueException) {
            return ExitCodes.UNREACHABLE;
        }
        return ExitCodes.FAILED;
    }

    /**
     * The words that open the line of an exec or shell failure, naming what the status would be for the other
     * commands; the help's footer lists them.
     */
    static String kind(int status) {
        switch (status) {
            case ExitCodes.USAGE: return "usage";
            case ExitCodes.SETTINGS: return "settings";
            case ExitCodes.TOKEN_REFUSED: return "token refused";
            case ExitCodes.NO_SUCH_SESSION: return "no such session";
            case ExitCodes.UNREACHABLE: return "gateway failed";
            case ExitCodes.SSH_REFUSED: return "ssh refused";
            default: return "failed";
        }
    }

    /** One line for a user: a file failure as words (e.g. "no such file: PATH"), else the message. */
    static String describe(Throwable failure) {
        if (failure instanceof FileSystemException) {
            FileSystemException files = (FileSystemException) failure;
            String kind = failure.getClass().getSimpleName().replace("Exception", "");
            String reason = files.getReason() == null ? "" : ": " + files.getReason();
            return kind.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT) + ": "
                    + files.getFile() + (files.getOtherFile() == null ? "" : " -> " + files.getOtherFile()) + reason;
        }
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
