package dev.pkcefilter.impl.session;

import java.security.Principal;
import java.util.List;
import java.util.Objects;

/**
 * The user a verified ID token names (OpenID Connect Core 1.0 §2, §3.1.3.7): only what the container's user and
 * {@code SignedInUser} need, not the claim set (the ID token itself stays in the {@link TokenSet}). It is the
 * {@link Principal} of the user's requests, so that a protected request allocates nothing for it.
 * {@code toString()} names neither the user nor the subject.
 *
 * The issuer is not kept: it is the configured one, which {@code iss} was checked to equal.
 *
 * @param subject the {@code sub}
 * @param name the principal's name: {@code pkce.principal-claim}, else {@code preferred_username}, else the subject
 * @param roles the roles read from {@code pkce.roles-claim}, in the order the token lists them
 * @param userinfo the login's userinfo answer as JSON text, when {@code pkce.userinfo-claims} fetched one short
 *        enough to keep; else {@code null}
 */
@Immutable
public record VerifiedUser(String subject, String name, List<String> roles, String userinfo)
        implements Principal {

    public VerifiedUser {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(name, "name");
        roles = List.copyOf(roles);
    }

    /** A user without userinfo. */
    public VerifiedUser(String subject, String name, List<String> roles) {
        this(subject, name, roles, null);
    }

    /** @return the login's userinfo answer, if one was kept */
    public java.util.Optional<String> keptUserinfo() {
        return java.util.Optional.ofNullable(userinfo);
    }

    /** @return the principal's name */
    @Override
    public String getName() {
        return name;
    }

    /**
     * @param role a role name; {@code **} stands for any signed-in user (Jakarta Servlet 6.0 §13.3)
     * @return whether the user has it
     */
    public boolean hasRole(String role) {
        return role != null && ("**".equals(role) || roles.contains(role));
    }

    /** @return the same user with other roles (a refresh read them again) */
    public VerifiedUser withRoles(List<String> newRoles) {
        return new VerifiedUser(subject, name, newRoles, userinfo);
    }

    /** @return the fields as {@link TokenSet} keeps them: subject, name, userinfo (or {@code null}), then the roles */
    String[] toParts() {
        String[] parts = new String[3 + roles.size()];
        parts[0] = subject;
        parts[1] = name;
        parts[2] = userinfo;
        for (int i = 0; i < roles.size(); i++) {
            parts[3 + i] = roles.get(i);
        }
        return parts;
    }

    /** @return the user {@link #toParts} wrote */
    static VerifiedUser fromParts(String[] parts) {
        return new VerifiedUser(parts[0], parts[1], java.util.Arrays.asList(parts).subList(3, parts.length), parts[2]);
    }

    @Override
    public String toString() {
        return "VerifiedUser[roles=" + roles.size() + "]";
    }
}
