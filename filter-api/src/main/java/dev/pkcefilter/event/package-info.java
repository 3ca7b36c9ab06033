/**
 * CDI events of a user's sign-in, observable by any bean of the application with {@code @Observes}. They carry
 * no raw token string except through {@link dev.pkcefilter.AccessToken#value()}. Observers run synchronously in
 * the request; an exception in one is logged and does not change what the user sees.
 */
package dev.pkcefilter.event;
