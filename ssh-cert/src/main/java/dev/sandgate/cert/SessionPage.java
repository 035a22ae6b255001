package dev.sandgate.cert;

import java.util.List;

/**
 * One page of {@link SandboxApi#listSessions(int, int)}.
 *
 * <pre>{@code
 * for (int offset = 0; ; offset += 50) {
 *     SessionPage page = api.listSessions(50, offset);
 *     page.sessions().forEach(System.out::println);
 *     if (!page.hasMore()) break;
 * }
 * }</pre>
 *
 * @param sessions the sessions on this page
 * @param total    how many sessions there are in all
 * @param limit    the most this page could hold
 * @param offset   how many sessions came before this page
 */
public record SessionPage(List<SandboxSession> sessions, int total, int limit, int offset) {
    /**
     * Checks the components and keeps unmodifiable copies of collections.
     *
     * @param sessions the sessions on this page; copied into an unmodifiable list
     * @param total how many sessions there are in all, on every page
     * @param limit the most this page could hold
     * @param offset how many sessions came before this page
     */
    public SessionPage {
        sessions = List.copyOf(sessions);
    }

    /**
     * Whether sessions exist beyond this page.
     *
     * @return whether sessions exist beyond this page
     */
    public boolean hasMore() {
        return offset + sessions.size() < total;
    }
}
