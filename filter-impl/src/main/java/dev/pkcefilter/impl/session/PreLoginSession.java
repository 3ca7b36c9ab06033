package dev.pkcefilter.impl.session;

import java.io.Serializable;

/**
 * Marks a session that pkce-filter created only to hold a pending login (a page navigation without a session):
 * such a session lives for {@code pkce.login-timeout} of inactivity instead of the application's session timeout,
 * so that cookieless requests cannot fill the server's memory (and a cluster's replicas) with sessions that nobody
 * comes back to. When its login completes, the interval it had when it was created is set again.
 *
 * @param applicationTimeoutSeconds the session's max inactive interval when the container created it: the
 *        application's session timeout ({@code <session-timeout>}, {@code ServletContext.setSessionTimeout}, or a
 *        listener's choice); zero or less for a session that never times out
 */
@Immutable
public record PreLoginSession(int applicationTimeoutSeconds) implements Serializable {
}
