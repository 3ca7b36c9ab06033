/**
 * The pkce-filter API: what application code compiles against.
 *
 * <ul>
 *   <li>{@link dev.pkcefilter.PkceConfiguration}: configure the client from code;</li>
 *   <li>{@link dev.pkcefilter.AccessToken}: inject the current user's access token;</li>
 *   <li>{@link dev.pkcefilter.AuthorizationServer}: the issuer and discovered endpoints;</li>
 *   <li>{@link dev.pkcefilter.BearerTokenFilter}: the token on outgoing JAX-RS client calls;</li>
 *   <li>{@link dev.pkcefilter.event}: CDI events of sign-in, refresh and sign-out;</li>
 *   <li>{@link dev.pkcefilter.PkceFilterException}: the one exception type.</li>
 * </ul>
 *
 * <p>Add the {@code dev.pkcefilter:pkce-filter} artifact to the web application; it brings this API with it.
 */
package dev.pkcefilter;
