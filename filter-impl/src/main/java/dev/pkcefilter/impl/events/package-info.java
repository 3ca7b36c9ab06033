/**
 * What the application sees of a session's tokens: the {@link dev.pkcefilter.AccessToken} view of them
 * ({@link dev.pkcefilter.impl.events.CurrentAccessToken}) and the {@code dev.pkcefilter.event} events that carry
 * it ({@link dev.pkcefilter.impl.events.PkceEvents}). Depends on the session values and the CDI API only, so that
 * the web layer and the token refresher can fire events without depending on the CDI producers.
 */
package dev.pkcefilter.impl.events;
