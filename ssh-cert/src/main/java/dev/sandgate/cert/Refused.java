package dev.sandgate.cert;

/**
 * An exception that is a refusal by the sandbox API or the gateway, with its {@link Refusal}. Ask through
 * {@link Refusal#of(Throwable)}, which also looks into causes.
 *
 * <pre>{@code
 * catch (IOException e) {
 *     Refusal.of(e).ifPresent(why -> System.err.println(why + ": " + why.advice()));
 * }
 * }</pre>
 */
public interface Refused {
    /**
     * Why the request was refused.
     *
     * @return why the request was refused
     */
    Refusal refusal();
}
