package dev.sandgate.tunnel;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Builds command lines for a POSIX shell: arguments quoted so the shell sees each as one word, as it was written. */
final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {
    }

    /** The word as the shell must be given it: unchanged when it holds only safe characters, else single-quoted. */
    static String quote(String word) {
        if (word.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("A command argument cannot contain a NUL character");
        }
        if (SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The arguments as one command line. */
    static String join(List<String> arguments) {
        if (arguments.isEmpty()) {
            throw new IllegalArgumentException("A command needs at least one word, the program to run");
        }
        StringBuilder line = new StringBuilder();
        for (String argument : arguments) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(quote(argument));
        }
        return line.toString();
    }

    /**
     * The command with lines in front that change to the directory (ending the shell with cd's own status if it
     * cannot) and export the variables.
     */
    static String withSetup(String command, String directory, Map<String, String> environment) {
        if (directory == null && environment.isEmpty()) {
            return command;
        }
        StringBuilder line = new StringBuilder();
        if (directory != null) {
            line.append("cd ").append(directory.startsWith("-") ? "./" : "").append(quote(directory))
                    .append(" || exit\n");
        }
        environment.forEach((name, value) -> line.append("export ").append(name).append('=').append(quote(value))
                .append('\n'));
        return line.append(command).toString();
    }
}
