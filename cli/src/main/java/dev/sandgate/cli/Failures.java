package dev.sandgate.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;

import dev.sandgate.cert.ApiConnectionException;
import dev.sandgate.cert.ApiForbiddenException;
import dev.sandgate.cert.ApiUnauthorizedException;
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
        err.println("sandgate: " + Visible.of(optionLikeMapping != null ? optionLikeMapping : failure.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(failure, err);
        err.print(command.getHelp().fullSynopsis());
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more.");
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine line, ParseResult parsed) {
        PrintWriter err = line.getErr();
        Throwable shown = failure instanceof UncheckedIOException ? failure.getCause() : failure;
        // what a server or the API said may be in the message: its control characters must not reach the terminal
        err.println("sandgate: " + Visible.of(describe(shown)));
        if ("1".equals(System.getenv("SANDGATE_DEBUG"))) {
            shown.printStackTrace(err);
        }
        err.flush();
        if (line.getCommand() instanceof RemoteStatusCommand && !(shown instanceof SettingsException)) {
            return ExitCodes.OWN_FAILURE;
        }
        return status(shown);
    }

    static int status(Throwable failure) {
        if (failure instanceof SettingsException) {
            return ExitCodes.SETTINGS;
        }
        if (failure instanceof IllegalArgumentException) {
            // the library's checks of what was typed: a session id, a port, a path
            return ExitCodes.USAGE;
        }
        if (failure instanceof ApiUnauthorizedException || failure instanceof ApiForbiddenException) {
            return ExitCodes.TOKEN_REFUSED;
        }
        if (failure instanceof SessionNotFoundException) {
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
