package dev.sandgate.tunnel;

/**
 * The languages {@link SshConnection#runCode} runs, each by an interpreter the sandbox must have on its PATH.
 *
 * <pre>{@code
 * ExecResult sum = connection.runCode(CodeLanguage.PYTHON, "print(sum(range(10)))", Duration.ofSeconds(30));
 * }</pre>
 */
public enum CodeLanguage {
    /** {@code python3}, reading the program from stdin. */
    PYTHON("python3 -"),
    /** {@code node} (Node.js), reading the program from stdin. */
    JAVASCRIPT("node -"),
    /** {@code bash}, reading the script from stdin. */
    BASH("bash -s");

    private final String interpreter;

    CodeLanguage(String interpreter) {
        this.interpreter = interpreter;
    }

    String interpreter() {
        return interpreter;
    }
}
